"""Workbooks built in code for tests and benchmarks: one builder, many shapes of the grid forces keep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sheetsync.catalogue import catalogue

NATIONAL_HEADINGS = ["Rec. No.", "Recommendation:", "Evidence requirements of progress/completion:", None,
                     "Recommendation Owner:", "Force Update:", "Date", "Status", "Supporting Documents"]


def catalogue_rows(*, owner: str = "DI Sam Patel", status: str = "In Progress",
                   update: str = "Work is under way and on track.", when: Any = date(2025, 3, 1)) -> list[list[Any]]:
    """One national-grid row per catalogue evidence requirement, rec number/text on the first row only."""
    rows: list[list[Any]] = []
    for rec in catalogue().recommendations:
        for index, ev in enumerate(rec.evidence):
            first = index == 0
            rows.append([int(rec.number) if first else None, rec.text if first else None, ev.id, ev.text,
                         owner, f"{update} ({ev.id})", when, status, None])
    return rows


def write_grid(path: Path, rows: Sequence[Sequence[Any]], *, headings: Sequence[str | None] = NATIONAL_HEADINGS,
               sheet: str = "Action Plan", force: str | None = "Northshire Police",
               executive_lead: str | None = "ACC Jane Doe", operational_lead: str | None = "DCI Tom Reed",
               title: str | None = "Northshire Police Stalking Action Plan", before: int = 0,
               hidden_rows: Sequence[int] = (), merges: Sequence[str] = (), formulas: dict[str, str] | None = None,
               extra_sheets: dict[str, list[list[Any]]] | None = None, marking_row: int | None = None) -> Path:
    """Write a plan grid with openpyxl: title, header block, headings, rows. Returns the path.

    `before` inserts that many blank rows at the top; `marking_row` puts an OFFICIAL line after that data row.
    """
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for _ in range(before):
        ws.append([])
    if title:
        ws.append([title])
    for label, value in (("Force:", force), ("Executive Lead:", executive_lead),
                         ("Operational Lead:", operational_lead)):
        if value is not None:
            ws.append([label, value])
    ws.append(list(headings))
    for index, row in enumerate(rows):
        ws.append(list(row))
        if marking_row is not None and index == marking_row:
            ws.append(["OFFICIAL"])
    for row_number in hidden_rows:
        ws.row_dimensions[row_number].hidden = True
    for ref in merges:
        ws.merge_cells(ref)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    for name, sheet_rows in (extra_sheets or {}).items():
        extra = book.create_sheet(name)
        for sheet_row in sheet_rows:
            extra.append(sheet_row)
    book.save(path)
    return path


def save_values(book: Any) -> None:
    """What Excel's Save does for a `MemoryBook`: the file on disk becomes the values the user sees (text that
    starts with "=" stays text unless Excel took it for a formula)."""
    from openpyxl import Workbook

    out = Workbook()
    out.remove(out.active)  # type: ignore[arg-type]
    for name, sheet in book.sheets.items():
        ws = out.create_sheet(name)
        for (r, c), value in sheet.cells.items():
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("=") and (r, c) not in sheet.formulas:
                cell.data_type = "s"
        for r in sheet.hidden_rows or ():
            ws.row_dimensions[r].hidden = True
    out.save(book.path)


# A program for `python -c`: run the real `sheetsync` entry point with sys.argv[1:], and at exit print to stderr
# "SCHEMAS-BUILT:" and the names of sheetsync's pydantic models whose schema was built in that process, or "-" when
# pydantic was never imported.
SCHEMA_PROBE = """
import atexit, sys
def _report():
    if "pydantic" not in sys.modules:
        sys.stderr.write("SCHEMAS-BUILT:-\\n")
        return
    from pydantic import BaseModel
    seen, todo, built = set(), [BaseModel], []
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__dict__.get("__pydantic_complete__") and sub.__module__.startswith("sheetsync"):
                    built.append(sub.__name__)
    sys.stderr.write("SCHEMAS-BUILT:" + ",".join(sorted(built)) + "\\n")
atexit.register(_report)
sys.argv = ["sheetsync", *sys.argv[1:]]
from sheetsync.cli import main
sys.exit(main())
"""
