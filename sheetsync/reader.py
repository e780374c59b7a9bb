"""Reading a plan workbook: the template and the grids forces really keep.

Values come from python-calamine (fast, and it reads .xlsx, .xlsm, .xls and .ods); what calamine cannot tell
(each sheet's real extent, hidden rows, formulas with no cached value, the page-header marking) comes from the
sheets' XML (`sheetsync.sheet_xml`), and the StatusList from workbook.xml. The plan sheet and its header row are
found by meaning, not position (`sheetsync.grid`). Nothing is ever written to the input file.
"""

from __future__ import annotations

import io
import re
import zipfile
from os import PathLike
from pathlib import Path
from typing import Any

from sheetsync.columns import heading_key
from sheetsync.errors import NoPlanFoundError, UnreadableFileError
from sheetsync.grid import Grid, find_header_row, plan_from_grid
from sheetsync.model import Plan, ReadNote
from sheetsync.safety import open_workbook, read_limited
from sheetsync.sheet_xml import SheetExtent, sheet_extent, sheet_facts, sheet_parts, trimmed_workbook
from sheetsync.text import Value, a1, clean_text, col_letter, parse_a1, parse_range, unescape

SKIP_SHEETS = {"lists", "instructions", "issues", "settings", "sheetsyncmarks", "xlwings.conf", "summary"}


# ---------------------------------------------------------------------------------------------------- reading


def read_plan(path: str | PathLike[str], *, sheet: str | None = None) -> Plan:
    """Read a plan workbook (.xlsx, .xlsm, .xls, .ods). The file is read once and never written."""
    source = Path(path)
    return read_plan_bytes(read_limited(source), source=source, sheet=sheet)


def read_plan_bytes(data: bytes, *, source: str | PathLike[str], sheet: str | None = None) -> Plan:
    """Read a plan from a workbook's bytes (so a snapshot stores exactly the bytes that were read)."""
    path = Path(source)
    archive = open_workbook(data, path=path)  # checked before any parser sees the bytes
    return _read_checked_bytes(data, archive, path, sheet)


def _read_checked_bytes(data: bytes, archive: zipfile.ZipFile | None, path: Path, sheet: str | None) -> Plan:
    import python_calamine

    try:
        parts = sheet_parts(archive) if archive else {}
        xmls = {name: archive.read(part) for name, part in parts.items()} if archive else {}
        # Each sheet's real extent before calamine lays any of them out as a dense grid (see sheet_xml).
        extents = {name: sheet_extent(xml) for name, xml in xmls.items()}
        strays = {parts[name]: extent.strays for name, extent in extents.items() if extent.strays}
        if archive and strays:
            data = trimmed_workbook(archive, strays)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # zipfile's and calamine's own error types, for every kind of damage
        raise UnreadableFileError(f"cannot be read as a workbook ({_short(exc)})", path=path,
                                  hint="Open it in Excel and save it again as .xlsx") from None

    visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")]
    names = [sheet] if sheet else [n for n in visible if n.casefold() not in SKIP_SHEETS] or visible
    if sheet and sheet not in book.sheet_names:
        raise NoPlanFoundError(f"has no sheet named '{sheet}' (sheets: {', '.join(book.sheet_names)})", path=path)

    best: tuple[int, Grid, int] | None = None
    too_big: list[str] = []
    for name in names:
        extent = extents.get(name)
        problem = extent.problem() if extent else None
        if problem:
            too_big.append(f"sheet '{name}' {problem}")
            continue
        grid = _calamine_grid(book, name, path)
        found = find_header_row(grid)
        if found and (best is None or found[1] > best[2]):
            best = (found[0], grid, found[1])
    if best is None:
        if too_big:
            raise UnreadableFileError(f"{too_big[0]}, so it was not read", path=path,
                                      hint="Delete the unused rows and columns (Ctrl+End shows the last cell "
                                           "Excel thinks is used) and save")
        raise NoPlanFoundError(
            f"has no plan grid: no sheet has a heading row with Recommendation, Evidence, Owner, Update and "
            f"Status columns (looked at: {', '.join(names) or 'no visible sheets'})", path=path,
            hint="Start from 'sheetsync template', or bring a published plan in with 'sheetsync import'")
    head_index, grid, _ = best
    if grid.sheet in xmls:
        facts = sheet_facts(xmls[grid.sheet])
        grid.hidden_rows.update(facts.hidden_rows)
        grid.uncalculated.update(facts.uncalculated)
        grid.marking = grid.marking or facts.marking
    status_list = _status_list(book, archive, extents, path)
    plan = plan_from_grid(grid, source=str(path), status_list=status_list, head_index=head_index)
    extent = extents.get(grid.sheet)
    if extent and extent.strays:
        plan.read_notes.extend(
            ReadNote(kind="value-under-no-header", sheet=grid.sheet, cell=a1(row, col),
                     message="a value far outside the plan grid; it was left out")
            for row, col in sorted(extent.strays))
    return plan


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _calamine_grid(book: Any, name: str, path: Path) -> Grid:
    try:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=True)
        start = sheet.start or (0, 0)
        merged = [f"{a1(r1 + 1, c1 + 1)}:{a1(r2 + 1, c2 + 1)}"
                  for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    except Exception as exc:
        raise UnreadableFileError(f"sheet '{name}' cannot be read ({_short(exc)})", path=path,
                                  hint="Open it in Excel and save it again") from None
    return Grid(sheet=name, rows=rows, first_row=start[0] + 1, first_col=start[1] + 1, merged=merged)


def _status_list(book: Any, archive: zipfile.ZipFile | None, extents: dict[str, SheetExtent],
                 path: Path) -> list[str] | None:
    """The workbook's own status list: the range named StatusList, else a Lists sheet's Status column."""
    target: tuple[str, str] | None = None
    if archive is not None:
        try:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        except KeyError:
            workbook = ""
        match = re.search(r'<(?:\w+:)?definedName\b[^>]*\bname="StatusList"[^>]*>([^<]+)<', workbook)
        if match:
            ref = unescape(match.group(1)).strip()
            sheet_part, _, cells = ref.rpartition("!")
            target = (sheet_part.strip("'").replace("''", "'"), cells.replace("$", ""))
    lists_name = target[0] if target else next(
        (n for n in book.sheet_names if n.casefold() == "lists"), None)
    if lists_name is None or lists_name not in book.sheet_names:
        return None
    extent = extents.get(lists_name)
    problem = extent.problem() if extent else None
    if problem:
        raise UnreadableFileError(f"sheet '{lists_name}' (the status list) {problem}", path=path,
                                  hint="Delete the unused rows and columns of the Lists sheet and save")
    try:
        sheet = book.get_sheet_by_name(lists_name)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:
        return None
    if target:
        try:
            (r1, c1), (r2, c2) = parse_range(target[1])
        except ValueError:
            return None
        # Only the used cells inside the range: a range over the whole sheet is 17 billion cells.
        values = [value for row in rows[r1 - 1:r2] for value in row[c1 - 1:c2]]
    else:
        column = next((c for c, v in enumerate(rows[0] if rows else []) if heading_key(v) == "status"), None)
        if column is None:
            return None
        values = [row[column] for row in rows[1:] if column < len(row)]
    names = [text for text in (clean_text(v) for v in values) if text]
    return names or None


__all__ = ["SKIP_SHEETS", "Grid", "Value", "a1", "clean_text", "col_letter", "find_header_row", "parse_a1",
           "plan_from_grid", "read_plan", "read_plan_bytes"]
