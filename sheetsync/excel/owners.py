"""The owners' round buttons: "Send to owners" and "Merge returns" (all the work is `sheetsync.round`'s).

Send to owners: a plain Save, then `split_plan` on the saved file into "<workbook> returns <date>" beside it.
Merge returns: every return in the newest such folder that someone saved after it was written (a return still
as sent is an owner who has not replied), merged three-way into the plan as it is open in Excel; the merged
values are written into the workbook through Excel, each conflict cell gets a note holding both values, the
"Conflicts" sheet lists conflicts, ignored edits and refused files with links, then a plain Save and a snapshot.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.excel.adapter import (
    MARKS_HEADER,
    MARKS_SHEET,
    as_text_cell,
    button_entry,
    hyperlink_formula,
    read_book_plan,
    read_settings,
    save_with_new_folder,
    workbook_path,
)
from sheetsync.excel.book import ExcelBook
from sheetsync.text import col_letter

if TYPE_CHECKING:
    from sheetsync.model import Plan
    from sheetsync.round.merge import Merge
    from sheetsync.text import Value

CONFLICTS_SHEET = "Conflicts"
CONFLICT_FILL = "#F4B183"
RETURNS_FOLDER = "{stem} returns {day}"
CONFLICT_NOTE = ("sheetsync conflict: the plan's value was kept.\nPlan: {ours}\n{owner} sent: {theirs}\n"
                 "When sent: {base}")


def press_send_to_owners(book: ExcelBook, *, as_of: date | None = None) -> str:
    """Save the workbook, snapshot it and write one return per owner into a new folder beside it."""
    from sheetsync.round.split import split_plan

    saved = save_with_new_folder(book, RETURNS_FOLDER, as_of)
    folder = saved.folder
    result = split_plan(saved.path, output=folder, as_of=as_of, store=saved.settings.store)
    nobody = (f" Rows nobody owns ({', '.join(result.unassigned)}) are in 'Unassigned' for you."
              if result.unassigned else "")
    return (f"Wrote {len(result.returns)} returns to {folder} (snapshot {result.snapshot} is this round's base). "
            f"Send each owner their file; put the files they send back in that folder and press "
            f"'Merge returns'.{nobody}")


def press_merge_returns(book: ExcelBook, *, files: list[Path] | None = None) -> str:
    """Merge the returns into the open workbook: `files`, else the newest returns folder's replied files, else
    the ones the user picks in Excel's Open dialog."""
    from sheetsync.round.merge import merge_files
    from sheetsync.snapshots import snapshot
    from sheetsync.store.results import plural

    path = workbook_path(book)
    settings = read_settings(book, path.parent)
    ours = read_book_plan(book, settings)
    chosen = files if files is not None else _replied(path)
    if not chosen and files is None:  # nothing replied in the newest returns folder: the user may pick the files
        chosen = book.pick_files("Choose the returns to merge", _newest_folder(path) or path.parent) or []
    if not chosen:
        return (f"No returns to merge: no file in '{_newest_folder(path) or 'a returns folder'}' has been saved "
                "by its owner yet, and none was chosen. Put the files owners send back in the returns folder "
                "beside this workbook, or choose them when asked.")
    merge = merge_files(ours, chosen, plan_path=path, store=settings.store)
    if not any(read.state == "merged" for read in merge.reads):
        _write_conflicts(book, merge, ours)
        return f"Nothing merged: none of the {len(chosen)} files could be merged (see the Conflicts sheet)."
    for sheet, cells in merge.writes.items():
        for cell, value in cells.items():
            # Text goes in with Excel's text apostrophe, so "50%", "27/03/25" or "1.10" stays as the owner wrote
            # it (the plan's own cell formats are left alone).
            book.write_values(sheet, cell, [["'" + value if isinstance(value, str) and value else value]])
    ledger: list[list[Value]] = []
    for conflict in merge.conflicts:
        if conflict.cell:
            sheet, _, cell = conflict.cell.rpartition("!")
            before = book.cell_marking(sheet, cell)
            note = CONFLICT_NOTE.format(ours=conflict.ours or "(blank)", owner=conflict.owner,
                                        theirs=conflict.theirs or "(blank)", base=conflict.base or "(blank)")
            note = note if not before.note else f"{before.note}\n\n{note}"
            book.mark_cell(sheet, cell, fill=CONFLICT_FILL, note=note)
            ledger.append([sheet, cell, CONFLICT_FILL, note, before.fill, before.note])
    _record_marks(book, ledger)
    _write_conflicts(book, merge, ours)
    book.save()
    taken = snapshot(path, message="Merge returns (Excel button)", store=settings.store)
    merged = sum(1 for read in merge.reads if read.state == "merged")
    lines = [f"Merged {merged} of {plural(len(chosen), 'return')}: {plural(merge.rows_updated, 'row')} updated "
             f"({plural(len(merge.updated), 'cell')}), {plural(len(merge.conflicts), 'conflict')} (the plan's value "
             f"kept; orange cells carry both values), {len(merge.ignored)} ignored edits or files; "
             f"snapshot {taken.id}."]
    if merge.not_returned:
        lines.append("No return yet from: " + ", ".join(n.owner for n in merge.not_returned) + ".")
    lines.append("The Conflicts sheet lists every conflict and ignored edit.")
    return "\n".join(lines)


def _write_conflicts(book: ExcelBook, merge: Merge, ours: Plan) -> None:
    """The Conflicts sheet: one row per conflict, ignored edit, refused file and owner yet to reply."""
    if CONFLICTS_SHEET not in book.sheet_names:
        book.add_sheet(CONFLICTS_SHEET)
    else:
        book.clear_sheet(CONFLICTS_SHEET)
    rows: list[list[Value]] = [
        [f"Owners' round: {len(merge.conflicts)} conflicts, {len(merge.ignored)} ignored edits or files. "
         "Conflicts kept the plan's value; apply a return's value by hand where it is right."],
        [],
        ["What", "Cell", "Evidence", "Field", "Owner", "File", "Plan has", "Return says", "When sent", "Detail"],
    ]
    for c in merge.conflicts:
        rows.append(["conflict", _link(c.cell), c.id, c.field, c.owner, c.file, c.ours, c.theirs, c.base,
                     "kept the plan's value" if c.ours_from == "plan" else f"the plan's value came from {c.ours_from}"])
    for i in merge.ignored:
        rows.append([i.kind, _link(_cell_of(ours, i.id, i.field)), i.id, i.field, i.owner, i.file, None, i.value,
                     None, i.message])
    for n in merge.not_returned:
        rows.append(["no return yet", None, ", ".join(n.rows), None, n.owner, None, None, None, None, None])
    width = max(len(row) for row in rows)
    book.set_text_format(CONFLICTS_SHEET, f"A1:A{len(rows)}")  # every column but the links is text
    book.set_text_format(CONFLICTS_SHEET, f"C1:{col_letter(width)}{len(rows)}")
    book.write_values(CONFLICTS_SHEET, "A1", [
        [value if index == 1 and number >= 3 else as_text_cell(value)
         for index, value in enumerate(row + [None] * (width - len(row)))] for number, row in enumerate(rows)])


def _record_marks(book: ExcelBook, rows: list[list[Value]]) -> None:
    """Add the conflict marks to the adapter's marks ledger, so 'Clear marks' (and the next 'Validate and
    snapshot', which starts by clearing sheetsync's marks) takes them away and leaves the user's own."""
    if not rows:
        return
    if MARKS_SHEET not in book.sheet_names:
        book.add_sheet(MARKS_SHEET, hidden=True)
    used = book.read_used_range(MARKS_SHEET)
    empty = used.values in ([], [[None]]) or used.first_row != 1
    if empty:
        rows = [list(MARKS_HEADER), *rows]
    first = 1 if empty else used.first_row + len(used.values)
    book.set_text_format(MARKS_SHEET, f"A{first}:{col_letter(len(MARKS_HEADER))}{first + len(rows) - 1}")
    book.write_values(MARKS_SHEET, f"A{first}", [[as_text_cell(v) for v in row] for row in rows])


def _link(ref: str | None) -> Value:
    if not ref or "!" not in ref:
        return None
    sheet, _, cell = ref.rpartition("!")
    return hyperlink_formula(sheet, cell)


def _cell_of(ours: Plan, action_id: str | None, field: str | None) -> str | None:
    """Where the plan holds a row's field (its evidence number's cell for a whole-row edit)."""
    for _, action in ours.actions():
        if action.id == action_id:
            return action.cells.get("status" if field == "progress" else field or "id") or action.cells.get("id")
    return None



def _newest_folder(path: Path) -> Path | None:
    prefix = RETURNS_FOLDER.format(stem=path.stem, day="")
    folders = [p for p in path.parent.glob(f"{prefix}*") if p.is_dir()]
    return max(folders, key=lambda p: p.stat().st_mtime) if folders else None


def _replied(path: Path) -> list[Path]:
    """The returns in the newest folder that someone saved after split wrote them."""
    from sheetsync.round.stamp import read_stamp, saved_by_owner

    folder = _newest_folder(path)
    if folder is None:
        return []
    replied = []
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() not in (".xlsx", ".xlsm") or file.name.startswith(("~$", ".")):
            continue
        data = file.read_bytes()
        stamp = read_stamp(data)
        if stamp is None or saved_by_owner(data, stamp):
            replied.append(file)  # no stamp: merge refuses it and says so
    return replied


def send_to_owners() -> None:
    """The 'Send to owners' button."""
    button_entry(press_send_to_owners)


def merge_returns() -> None:
    """The 'Merge returns' button."""
    button_entry(press_merge_returns)


__all__ = ["CONFLICTS_SHEET", "merge_returns", "press_merge_returns", "press_send_to_owners", "send_to_owners"]
