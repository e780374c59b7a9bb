"""The Excel buttons, end to end against an in-memory workbook (MemoryBook) with the real reader, validator,
store and report; the xlwings adapter against a stand-in; xlwings' JSON book where a licence key is set."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from builders import catalogue_rows, save_values, write_grid

from sheetsync.excel import adapter as excel
from sheetsync.excel.adapter import (
    ISSUES_SHEET,
    MARK_FILLS,
    MARKS_SHEET,
    NOTE_PREFIX,
    SETTINGS_SHEET,
    hyperlink_formula,
    press_clear_marks,
    press_export_npcc_update,
    press_validate_and_snapshot,
    run_press,
)
from sheetsync.excel.memory import MemoryBook, parse_a1
from sheetsync.excel.xlwings_book import XlwingsBook
from sheetsync.reader import read_plan
from sheetsync.text import col_letter
from sheetsync.validation import validate

AS_OF = date(2025, 4, 1)
HYPERLINK = re.compile(r"""^=HYPERLINK\("#'((?:[^']|'')+)'!([A-Z]+\d+)","[^"]*"\)$""")




@pytest.fixture
def plan_book(tmp_path: Path, home: Path) -> MemoryBook:
    """A 39-row plan with an unknown status (H8) and a blank owner (E9), open in 'Excel'."""
    rows = catalogue_rows()
    rows[0][7] = "Compelte"
    rows[1][4] = None
    path = write_grid(tmp_path / "plan.xlsx", rows)
    book = MemoryBook.from_file(path)
    book.on_save = save_values
    return book


def _findings(book: MemoryBook) -> list[Any]:
    """The findings the validator gives for the book's current values, computed independently of the press."""
    save_values(book)
    return validate(read_plan(book.path), as_of=AS_OF).findings


def _press(book: MemoryBook) -> str:
    return run_press(book, lambda b: press_validate_and_snapshot(b, as_of=AS_OF))


def test_memory_book_reads_like_the_file_reader(plan_book: MemoryBook) -> None:
    settings = excel.read_settings(plan_book, Path(plan_book.path).parent)
    from_excel = excel.read_book_plan(plan_book, settings)
    assert from_excel.canonical_json() == read_plan(plan_book.path).canonical_json()
    assert from_excel.recommendations[0].actions[0].cells["status"] == "Action Plan!H6"


def test_press_marks_the_offending_cells(plan_book: MemoryBook) -> None:
    expected = _findings(plan_book)
    message = _press(plan_book)
    assert "Traceback" not in message
    sheet = plan_book.sheets["Action Plan"]
    status = parse_a1("H6")  # rec 7.1's status cell holds "Compelte"
    assert sheet.fills[status] == MARK_FILLS["error"]
    assert "unknown-status" in sheet.notes[status] and sheet.notes[status].startswith(NOTE_PREFIX)
    owner = parse_a1("E7")
    assert "missing-owner" in sheet.notes[owner]
    marked = {(f.sheet, f.cell) for f in expected if f.severity in MARK_FILLS and f.cell}
    assert {("Action Plan", a) for a in _addresses(sheet.fills)} == marked
    assert set(sheet.fills) == set(sheet.notes)
    assert MARKS_SHEET in plan_book.sheets and plan_book.sheets[MARKS_SHEET].hidden


def _addresses(cells: dict[tuple[int, int], Any]) -> set[str]:
    return {f"{col_letter(c)}{r}" for r, c in cells}


def test_second_press_clears_only_sheetsync_marks(plan_book: MemoryBook) -> None:
    sheet = plan_book.sheets["Action Plan"]
    users_fill, users_note_cell = parse_a1("I6"), parse_a1("E7")
    sheet.fills[users_fill] = "#00B0F0"  # the user's own colour on a cell with no finding
    sheet.notes[users_note_cell] = "Ask Sam who owns this"  # the user's own note on a cell that gets a finding
    _press(plan_book)
    assert "missing-owner" in sheet.notes[users_note_cell]
    assert sheet.notes[users_note_cell].startswith("Ask Sam who owns this")

    sheet.cells[parse_a1("H6")] = "Action Complete"  # the user fixes the status
    sheet.cells[users_note_cell] = "DI Sam Patel"  # and the owner
    _press(plan_book)
    assert parse_a1("H6") not in sheet.fills and parse_a1("H6") not in sheet.notes
    assert sheet.notes[users_note_cell] == "Ask Sam who owns this"
    assert users_note_cell not in sheet.fills
    assert sheet.fills[users_fill] == "#00B0F0"

    press_clear_marks(plan_book)
    assert sheet.fills == {users_fill: "#00B0F0"}
    assert sheet.notes == {users_note_cell: "Ask Sam who owns this"}


def test_a_mark_the_user_recoloured_is_left_alone(plan_book: MemoryBook) -> None:
    sheet = plan_book.sheets["Action Plan"]
    _press(plan_book)
    sheet.fills[parse_a1("H6")] = "#92D050"  # the user paints over our mark
    press_clear_marks(plan_book)
    assert sheet.fills == {parse_a1("H6"): "#92D050"}
    assert not sheet.notes


def test_issues_sheet_lists_every_finding_with_a_link(plan_book: MemoryBook) -> None:
    expected = _findings(plan_book)
    _press(plan_book)
    issues = plan_book.sheets[ISSUES_SHEET]
    assert str(issues.cells[(1, 1)]).startswith(f"{len(expected)} findings, ")
    rows = sorted({r for r, _ in issues.cells if r > 3})
    assert len(rows) == len(expected)
    listed: list[tuple[Any, str | None]] = []
    for r in rows:
        link = issues.cells.get((r, 2))
        code = issues.cells[(r, 6)]
        if link is None:
            listed.append((code, None))
            continue
        match = HYPERLINK.match(str(link))
        assert match, link
        assert match.group(1) == "Action Plan"
        listed.append((code, match.group(2)))
    assert sorted(listed, key=str) == sorted(((f.code, f.cell) for f in expected), key=str)


def test_press_saves_once_through_excel_and_snapshots_the_saved_file(plan_book: MemoryBook, tmp_path: Path) -> None:
    from sheetsync.snapshots import history, load_plan

    sheet = plan_book.sheets["Action Plan"]
    sheet.cells[parse_a1("F6")] = "Typed in Excel and not yet saved by the user"
    message = _press(plan_book)
    assert plan_book.saves == 1
    assert "snapshot" in message.lower()
    snapshots = history(plan_book.path)
    assert len(snapshots) == 1
    stored = load_plan(plan_book.path, str(snapshots[0].id))
    assert stored.recommendations[0].actions[0].update == "Typed in Excel and not yet saved by the user"
    assert (tmp_path / ".sheetsync").is_dir()


def test_issues_sheet_is_rewritten_not_appended(plan_book: MemoryBook) -> None:
    _press(plan_book)
    first = len(plan_book.sheets[ISSUES_SHEET].cells)
    _press(plan_book)
    assert len(plan_book.sheets[ISSUES_SHEET].cells) == first


def test_a_sheetsync_error_becomes_its_message(home: Path) -> None:
    book = MemoryBook(path="Book1")  # never saved
    message = run_press(book, press_validate_and_snapshot)
    assert book.alerts == [message]
    assert "has not been saved yet" in message and "Traceback" not in message
    assert book.saves == 0


def test_an_unexpected_error_becomes_a_short_message_and_a_log(plan_book: MemoryBook, home: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("validator exploded\nsecond line")

    monkeypatch.setattr("sheetsync.validation.validate", broken)
    message = run_press(plan_book, press_validate_and_snapshot)
    assert "Traceback" not in message and "second line" not in message
    assert "RuntimeError: validator exploded" in message
    log = Path(re.search(r"details are in (.+?\.log)", message).group(1))  # type: ignore[union-attr]
    assert log.is_file() and "Traceback" in log.read_text() and "validator exploded" in log.read_text()
    assert log.parent == Path(plan_book.path).parent / ".sheetsync"
    assert plan_book.saves == 0


def test_settings_sheet_moves_the_store_and_rejects_unknown_keys(plan_book: MemoryBook, tmp_path: Path) -> None:
    plan_book.add_sheet(SETTINGS_SHEET)
    plan_book.write_values(SETTINGS_SHEET, "A1", [["Setting", "Value"], ["Snapshot store", "shared/plan.db"],
                                                   ["Report folder", "out"], ["Ignore findings", "overdue"]])
    settings = excel.read_settings(plan_book, tmp_path)
    assert settings.store == tmp_path / "shared" / "plan.db"
    assert settings.report_folder == tmp_path / "out"
    assert settings.ignore == ("overdue",)
    plan_book.write_values(SETTINGS_SHEET, "A4", [["Snaphot store", "x.db"]])
    message = run_press(plan_book, press_validate_and_snapshot)
    assert "A4" in message and "Snaphot store" in message and "Traceback" not in message


def test_export_writes_new_files_every_press(plan_book: MemoryBook) -> None:
    pytest.importorskip("docx")
    folder = Path(plan_book.path).parent / "plan reports"
    first = run_press(plan_book, lambda b: press_export_npcc_update(b, as_of=AS_OF))
    assert str(folder) in first and first.startswith("Wrote 6 files"), first
    made = sorted(folder.iterdir())
    assert [p.suffix for p in made].count(".html") == 2 and len(made) == 6
    assert [p.name for p in made if p.name.endswith(".redaction-review.txt")], made  # the public page's review
    before = {p: p.read_bytes() for p in made}
    second = run_press(plan_book, lambda b: press_export_npcc_update(b, as_of=AS_OF))
    assert "Traceback" not in second
    now = sorted(folder.iterdir())
    assert len(now) == 12
    assert all(p.read_bytes() == data for p, data in before.items())  # nothing overwritten
    assert {p.name for p in now} - {p.name for p in made} == {p.name.replace("2025-04-01", "2025-04-01-2")
                                                              for p in made}
    assert plan_book.saves == 0


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    assert excel.as_text_cell("=SUM(A1)") == "'=SUM(A1)"
    assert excel.as_text_cell("- item") == "'- item"
    assert excel.as_text_cell("plain") == "plain"
    assert excel.as_text_cell(3) == 3


def test_hyperlink_formula_quotes_sheet_names() -> None:
    assert hyperlink_formula("Action Plan", "G26") == """=HYPERLINK("#'Action Plan'!G26","Action Plan!G26")"""
    assert hyperlink_formula("Bob's plan", "A1").startswith("""=HYPERLINK("#'Bob''s plan'!A1",""")


def test_xlwings_adapter_saves_in_place_and_reads_once() -> None:
    wb = mock.MagicMock()
    book = XlwingsBook(wb)
    book.save()
    wb.save.assert_called_once_with()  # never a path: that would be Save As
    used = wb.sheets.__getitem__.return_value.used_range
    used.options.return_value.value = [["a", None], [1, 2]]
    used.row, used.column = 5, 2
    got = book.read_used_range("Action Plan")
    assert got == excel.UsedRange([["a", None], [1, 2]], 5, 2)
    used.options.assert_called_once_with(ndim=2)


def test_entry_point_outside_excel_prints_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "USERPROFILE": str(tmp_path),
           "MPLCONFIGDIR": _matplotlib_config()}  # a fresh HOME must not rebuild the font cache (and say so)
    done = subprocess.run([sys.executable, "-c", "import sheetsync.excel.adapter as m; m.validate_and_snapshot()"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("sheetsync could not reach the workbook")
    assert (tmp_path / ".sheetsync" / "sheetsync-excel.log").is_file()


@pytest.mark.skipif(not os.environ.get("XLWINGS_LICENSE_KEY"),
                    reason="XLWINGS_LICENSE_KEY is not set: xlwings' JSON book (xw.Book(json=...)) needs a key "
                           "('noncommercial' works for non-commercial use)")
def test_adapter_against_xlwings_json_book() -> None:  # pragma: no cover - needs a licence key
    import xlwings as xw

    payload = {
        "client": "Microsoft Office Scripts", "version": xw.__version__, "book": {"name": "plan.xlsx",
                                                                                 "active_sheet_index": 0,
                                                                                 "selection": "A1"},
        "names": [],
        "sheets": [{"name": "Action Plan", "values": [["Rec. No.", "Status"], [7, "Compelte"]],
                    "pictures": [], "tables": []}],
    }
    book = XlwingsBook(xw.Book(json=payload))
    used = book.read_used_range("Action Plan")
    assert used.values == [["Rec. No.", "Status"], [7, "Compelte"]] and used.first_row == 1
    book.write_values("Action Plan", "C1", [["x"]])
    assert book.read_used_range("Action Plan").values[0][2] == "x"


def _excel_available() -> bool:
    if sys.platform not in ("win32", "darwin"):
        return False
    try:
        import xlwings as xw

        return bool(xw.apps.keys() is not None)
    except Exception:
        return False


@pytest.mark.excel
@pytest.mark.skipif(not _excel_available(), reason="needs Microsoft Excel (Windows or macOS)")
def test_button_in_real_excel(tmp_path: Path) -> None:  # pragma: no cover - needs Excel
    import xlwings as xw

    from sheetsync.excel.build import build_xlsm

    path = build_xlsm(tmp_path / "ActionPlan.xlsm", force="Northshire Police")
    with xw.App(visible=False) as app:
        book = app.books.open(path)
        xw.Book.set_mock_caller(book)
        class Quiet(XlwingsBook):
            def alert(self, message: str, *, title: str = "sheetsync") -> None:
                shown.append(message)

        shown: list[str] = []
        message = run_press(Quiet(book), press_validate_and_snapshot)
        assert "snapshot" in message.lower()
        assert ISSUES_SHEET in [s.name for s in book.sheets]


def test_export_asks_for_the_redaction_review_when_it_kept_something_suspicious(tmp_path: Path, home: Path) -> None:
    pytest.importorskip("docx")
    rows = catalogue_rows()
    rows[0][5] = "Met with Penhaligon to agree the audit."  # one name after a contact word: kept, but flagged
    book = MemoryBook.from_file(write_grid(tmp_path / "plan.xlsx", rows))
    message = run_press(book, lambda b: press_export_npcc_update(b, as_of=AS_OF))
    assert "read its redaction review: 1 word kept that may name someone" in message, message
    clean = MemoryBook.from_file(write_grid(tmp_path / "clean.xlsx", catalogue_rows()))
    assert "redaction review:" not in run_press(clean, lambda b: press_export_npcc_update(b, as_of=AS_OF))


def _matplotlib_config() -> str:
    """This user's matplotlib folder: a subprocess with a fresh HOME still finds its font cache there, instead of
    building one and printing "Matplotlib is building the font cache" on stderr when that takes over 5 s."""
    import matplotlib
    import matplotlib.font_manager

    return matplotlib.get_configdir()


def test_settings_take_a_team_database_url_but_never_its_password(plan_book: MemoryBook) -> None:
    plan_book.add_sheet(SETTINGS_SHEET)
    plan_book.write_values(SETTINGS_SHEET, "A1", [["Setting", "Value"],
                                                 ["Snapshot store", "postgresql://lead@plans.force.local/plans"]])
    settings = excel.read_settings(plan_book, Path(plan_book.path).parent)
    assert settings.store == "postgresql://lead@plans.force.local/plans"  # kept as a URL, not made a path
    plan_book.write_values(SETTINGS_SHEET, "B2", [["postgresql://lead:hunter2@plans.force.local/plans"]])
    message = run_press(plan_book, press_validate_and_snapshot)
    assert "Settings!B2" in message and "password" in message and "Traceback" not in message, message
    assert "hunter2" not in message
