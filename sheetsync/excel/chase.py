"""The "Chase owners" button: a plain Save, then `sheetsync.chasing.chase` on the saved file, writing one email
draft per owner and the lead's summary into a new folder beside the workbook."""

from __future__ import annotations

from datetime import date

from sheetsync.excel.adapter import ExcelBook, button_entry, save_with_new_folder

CHASE_FOLDER = "{stem} chase {day}"


def press_chase_owners(book: ExcelBook, *, as_of: date | None = None) -> str:
    """Save the workbook, then write the chase drafts into a new folder beside it and say where."""
    from sheetsync.chasing import chase

    saved = save_with_new_folder(book, CHASE_FOLDER, as_of)
    folder = saved.folder
    result = chase(saved.path, output=folder, as_of=saved.day, store=saved.settings.store)
    drafts = len(result.round.to_chase)
    lines = [f"Wrote {drafts} email drafts and a summary to {folder}: open each draft in Outlook, check it and "
             "press Send." if drafts else f"Nobody has anything to update; the summary is in {folder}."]
    if result.round.without_address:
        lines.append(f"No email address for: {', '.join(result.round.without_address)} (add them to the Owners "
                     "table on the Lists sheet).")
    if result.round.unassigned:
        lines.append(f"{len(result.round.unassigned)} rows have no owner: see chase-summary.html.")
    return " ".join(lines)


def chase_owners() -> None:
    """The 'Chase owners' button."""
    button_entry(press_chase_owners)


__all__ = ["chase_owners", "press_chase_owners"]
