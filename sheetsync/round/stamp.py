"""The stamp a return carries: which plan, force and base snapshot it was cut from, whose it is, when it was
written, and a hash of each row as sent. It lives on a very hidden sheet of the return, which Excel and
LibreOffice keep when the owner saves.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sheetsync.model import Action

STAMP_SHEET = "SheetsyncStamp"
STAMP_TITLE = "sheetsync return stamp (do not edit)"
STAMP_VERSION = 1
_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>([^<]+)</dcterms:modified>")


def row_hash(action: Action) -> str:
    """A short hash of a row's values as the reader gives them: the fields a return can change, and its text."""
    values = [action.id, action.evidence, action.owner, action.update,
              action.date.isoformat() if action.date else action.date_raw,
              action.status or action.status_raw, action.progress, action.supporting_documents,
              sorted(action.extra.items())]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a return was cut from and for whom."""

    plan_key: str
    plan_file: str
    force: str | None
    base_snapshot: int
    owner_key: str
    owner: str
    written_at: datetime
    rows: tuple[tuple[str, str], ...]  # (evidence id, row hash as sent), in plan order

    def sent(self) -> dict[str, str]:
        return dict(self.rows)

    def cells(self) -> list[list[Any]]:
        """The stamp sheet's values, row by row."""
        head: list[list[Any]] = [
            [STAMP_TITLE, None], ["version", STAMP_VERSION], ["plan key", self.plan_key],
            ["plan file", self.plan_file], ["force", self.force or ""], ["base snapshot", self.base_snapshot],
            ["owner key", self.owner_key], ["owner", self.owner], ["written at", self.written_at.isoformat()],
            ["rows", len(self.rows)]]
        return head + [[action_id, digest] for action_id, digest in self.rows]


def write_stamp(workbook: Any, stamp: Stamp) -> None:
    """Add the stamp sheet to an XlsxWriter workbook, very hidden (only VBA could show it)."""
    sheet = workbook.add_worksheet(STAMP_SHEET)
    for row, values in enumerate(stamp.cells()):
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, col, value)
            elif value is not None:
                sheet.write_string(row, col, str(value))
    sheet.very_hidden()


def read_stamp(data: bytes) -> Stamp | None:
    """The stamp in a return's bytes, or None when it has none (or one this version cannot read)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if STAMP_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(STAMP_SHEET).to_python()
    except Exception:  # calamine's own error types; the caller's reader reports a damaged file
        return None
    if not rows or str(rows[0][0]) != STAMP_TITLE:
        return None
    fields: dict[str, Any] = {str(row[0]): row[1] for row in rows[1:10] if len(row) >= 2}
    try:
        count = int(fields["rows"])
        stamped = [(str(row[0]), str(row[1])) for row in rows[10:10 + count]]
        if int(fields["version"]) != STAMP_VERSION or len(stamped) != count:
            return None
        return Stamp(plan_key=str(fields["plan key"]), plan_file=str(fields["plan file"]),
                     force=str(fields["force"]) or None, base_snapshot=int(fields["base snapshot"]),
                     owner_key=str(fields["owner key"]), owner=str(fields["owner"]),
                     written_at=datetime.fromisoformat(str(fields["written at"])), rows=tuple(stamped))
    except (KeyError, ValueError, TypeError, IndexError):
        return None


def saved_by_owner(data: bytes, stamp: Stamp) -> bool:
    """True when the return was saved (in Excel or LibreOffice) after split wrote it: a return still as sent is
    an owner who has not replied."""
    modified = _modified(data)
    return modified is not None and modified > stamp.written_at.replace(microsecond=0)


def saved_at(data: bytes, stamp: Stamp, path: Path) -> datetime:
    """When the owner last saved the return: the workbook's own "modified" time when it is later than the
    stamp's (Excel and LibreOffice set it on every save), else the file's time."""
    modified = _modified(data)
    if modified is not None and modified > stamp.written_at.replace(microsecond=0):
        return modified
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _modified(data: bytes) -> datetime | None:
    try:
        core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")
        match = _MODIFIED.search(core)
        if match is None:
            return None
        modified = datetime.fromisoformat(match.group(1).decode().strip().replace("Z", "+00:00"))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError):
        return None
    return modified if modified.tzinfo else modified.replace(tzinfo=UTC)


__all__ = ["STAMP_SHEET", "Stamp", "read_stamp", "row_hash", "saved_at", "saved_by_owner", "write_stamp"]
