"""The owners' round buttons end to end against the in-memory Excel book: send, owners reply, merge."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from builders import save_values
from round_builders import edit_workbook, sample_workbook

from sheetsync.excel.adapter import press_clear_marks, run_press
from sheetsync.excel.memory import MemoryBook, parse_a1
from sheetsync.excel.owners import (
    CONFLICT_FILL,
    CONFLICTS_SHEET,
    press_merge_returns,
    press_send_to_owners,
)
from sheetsync.reader import read_plan
from sheetsync.snapshots import history

AS_OF = date(2025, 4, 1)




@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryBook:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SHEETSYNC_STORE", raising=False)
    path = sample_workbook(tmp_path / "Wessex plan.xlsx")
    opened = MemoryBook.from_file(path)
    opened.on_save = save_values
    return opened


def cell_of(book: MemoryBook, action_id: str, field: str) -> str:
    plan = read_plan(book.path)
    action = next(a for _, a in plan.actions() if a.id == action_id)
    return action.cells[field].rpartition("!")[2]


def test_send_then_merge_through_the_buttons(book: MemoryBook, tmp_path: Path) -> None:
    message = run_press(book, lambda b: press_send_to_owners(b, as_of=AS_OF))
    folder = tmp_path / f"Wessex plan returns {AS_OF.isoformat()}"
    assert f"Wrote 11 returns to {folder}" in message, message
    assert book.saves == 1 and len(history(book.path)) == 1
    sent = {p.stem: p for p in folder.glob("*.xlsx")}
    assert "DCI Rachel Okafor" in sent and "Unassigned" in sent

    # Okafor replies (saved after the split); Cartwright replies, and so does the lead, on the same cell.
    later = datetime.now(UTC) + timedelta(hours=1)
    edit_workbook(sent["DCI Rachel Okafor"], sent["DCI Rachel Okafor"], {
        "7.1": {"update": "=Audit repeated in April.", "date": date(2025, 4, 2)}}, saved=later)
    edit_workbook(sent["Ms Helen Cartwright"], sent["Ms Helen Cartwright"], {
        "14.5": {"update": "Cartwright: contract out to tender."}}, saved=later)
    update_145 = cell_of(book, "14.5", "update")
    book.sheets["Action Plan"].cells[parse_a1(update_145)] = "Lead: ISAC contract signed."

    message = run_press(book, press_merge_returns)
    assert message.startswith("Merged 2 of 2 returns: 1 row updated (2 cells), 1 conflict"), message
    assert "No return yet from: " in message and "DS Mark Ellery" in message
    # The merged values are in the open workbook, text never taken for a formula.
    update_71 = cell_of(book, "7.1", "update")
    assert book.value("Action Plan", update_71) == "=Audit repeated in April."
    assert parse_a1(update_71) not in book.sheets["Action Plan"].formulas  # written as text, not a formula
    assert book.value("Action Plan", cell_of(book, "7.1", "date")) == date(2025, 4, 2)
    # The conflict keeps the lead's value; its cell is marked with both values.
    assert book.value("Action Plan", update_145) == "Lead: ISAC contract signed."
    marking = book.cell_marking("Action Plan", update_145)
    assert marking.fill == CONFLICT_FILL
    assert marking.note is not None and "Lead: ISAC contract signed." in marking.note
    assert "Cartwright: contract out to tender." in marking.note
    # The Conflicts sheet lists the conflict with a link to its cell.
    rows = book.read_used_range(CONFLICTS_SHEET).values
    conflict = next(row for row in rows if row[0] == "conflict")
    assert conflict[2:6] == ["14.5", "update", "Ms Helen Cartwright", "Ms Helen Cartwright.xlsx"]
    assert re.fullmatch(rf"""=HYPERLINK\("#'Action Plan'!{update_145}","Action Plan!{update_145}"\)""",
                        str(conflict[1]))
    assert any(row[0] == "no return yet" and row[4] == "DS Mark Ellery" for row in rows)
    # Saved once more through Excel, and snapshotted.
    assert book.saves == 2 and len(history(book.path)) == 2
    saved = {a.id: a for _, a in read_plan(book.path).actions()}
    assert str(saved["7.1"].update).endswith("=Audit repeated in April.")
    # 'Clear marks' takes the conflict's colour and note away again (they are in sheetsync's marks ledger).
    book.mark_cell("Action Plan", "A1", fill="#00FF00", note="the user's own")
    assert "Cleared 1 sheetsync mark" in run_press(book, press_clear_marks)
    assert book.cell_marking("Action Plan", update_145) == (None, None)
    assert book.cell_marking("Action Plan", "A1") == ("#00FF00", "the user's own")


def test_merge_with_nothing_replied_says_so(book: MemoryBook) -> None:
    run_press(book, lambda b: press_send_to_owners(b, as_of=AS_OF))
    message = run_press(book, press_merge_returns)
    assert message.startswith("No returns to merge"), message
    assert "pick_files Choose the returns to merge" in book.calls  # the user was offered the Open dialog
    assert book.saves == 1  # nothing written, nothing saved


def test_merge_takes_the_files_the_user_picks(book: MemoryBook, tmp_path: Path) -> None:
    run_press(book, lambda b: press_send_to_owners(b, as_of=AS_OF))
    folder = tmp_path / f"Wessex plan returns {AS_OF.isoformat()}"
    sent = {p.stem: p for p in folder.glob("*.xlsx")}
    picked = tmp_path / "from email" / "Okafor reply.xlsx"  # saved somewhere else, under another name
    picked.parent.mkdir()
    edit_workbook(sent["DCI Rachel Okafor"], picked, {"7.1": {"update": "Audit repeated in April."}},
                  saved=datetime.now(UTC) + timedelta(hours=1))
    book.picks.append([picked])
    message = run_press(book, press_merge_returns)
    assert message.startswith("Merged 1 of 1 return: 1 row updated"), message
    assert book.value("Action Plan", cell_of(book, "7.1", "update")) == "Audit repeated in April."


def test_merge_refuses_files_that_are_not_returns(book: MemoryBook, tmp_path: Path) -> None:
    run_press(book, lambda b: press_send_to_owners(b, as_of=AS_OF))
    stranger = sample_workbook(tmp_path / "stranger.xlsx")
    message = run_press(book, lambda b: press_merge_returns(b, files=[stranger]))
    assert message.startswith("Nothing merged: none of the 1 files"), message
    rows = book.read_used_range(CONFLICTS_SHEET).values
    assert any(row[0] == "refused-return" and "no sheetsync stamp" in str(row[9]) for row in rows)
