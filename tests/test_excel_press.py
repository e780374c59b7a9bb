"""What issue 12 found in the press: Excel parsing text written to the Issues and marks sheets, snapshots of a
file that lags Excel, checks that cannot be made, and sheet protection in both of xlwings' dialects (Windows
COM, macOS appscript) against stand-ins that refuse the other dialect's names."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import catalogue_rows, save_values, write_grid

from sheetsync.excel.adapter import (
    ISSUES_SHEET,
    SETTINGS_HELP,
    press_clear_marks,
    press_validate_and_snapshot,
    run_press,
)
from sheetsync.excel.memory import MemoryBook, excel_parse, parse_a1
from sheetsync.excel.vba import xlwings_folder
from sheetsync.excel.xlwings_book import PROTECTION_OPTIONS, XlwingsBook
from sheetsync.reader import read_plan
from sheetsync.validation import validate

AS_OF = date(2025, 4, 1)
TRICKY = ["50%", "1.10", "27/03/25", "Nov-24"]  # what Excel's Range.Value would turn into numbers and dates




def _book(tmp_path: Path, rows: list[list[Any]] | None = None, *, saves: bool = True) -> MemoryBook:
    path = write_grid(tmp_path / "plan.xlsx", rows or catalogue_rows())
    book = MemoryBook.from_file(path)
    if saves:
        book.on_save = save_values
    return book


def _press(book: MemoryBook) -> str:
    return run_press(book, lambda b: press_validate_and_snapshot(b, as_of=AS_OF))


def test_the_stand_in_parses_text_as_excel_does() -> None:
    assert [excel_parse(t) for t in TRICKY] == [0.5, 1.1, date(2025, 3, 27), date(2024, 11, 1)]
    assert excel_parse("'50%") == "50%" and excel_parse("DI Sam Patel") == "DI Sam Patel"


def test_issues_sheet_keeps_text_as_text(tmp_path: Path, home: Path) -> None:
    rows = catalogue_rows()
    for i, text in enumerate(TRICKY):
        rows[i][7] = text  # status cells: unknown statuses, listed with their value
    book = _book(tmp_path, rows)
    _press(book)
    issues = book.sheets[ISSUES_SHEET]
    values = {issues.cells.get((r, 9)) for r, _ in issues.cells if r > 3}
    assert set(TRICKY) <= values
    assert all(isinstance(issues.cells[(r, c)], str) for r, c in issues.cells if c != 2)
    links = {(r, c) for r, c in issues.cells if c == 2 and r > 3}
    assert links and links <= issues.formulas  # the links stay formulas: column B is not formatted as text
    assert all(str(issues.cells[key]).startswith("=HYPERLINK(") for key in links)


def test_the_marks_ledger_gives_back_a_note_that_looks_like_a_date(tmp_path: Path, home: Path) -> None:
    rows = catalogue_rows()
    rows[0][7] = "Compelte"
    book = _book(tmp_path, rows)
    status = parse_a1("H6")
    book.sheets["Action Plan"].notes[status] = "27/03/25"  # the user's own note on a cell that gets a finding
    _press(book)
    assert book.sheets["Action Plan"].notes[status].startswith("27/03/25\n\nsheetsync: ")
    press_clear_marks(book)
    assert book.sheets["Action Plan"].notes == {status: "27/03/25"}


def test_no_snapshot_when_the_saved_file_lags_excel(tmp_path: Path, home: Path) -> None:
    """OneDrive/SharePoint AutoSave: Excel saved, but the local file still holds the old values."""
    from sheetsync.snapshots import history

    book = _book(tmp_path, saves=False)  # Save reaches Excel, not (yet) the file
    book.sheets["Action Plan"].cells[parse_a1("F6")] = "Typed in Excel; the synced file has not caught up"
    message = _press(book)
    assert "No snapshot taken" in message and "does not yet hold what Excel shows" in message
    assert history(book.path) == []
    book.on_save = save_values  # the sync catches up: the next press snapshots exactly what was validated
    assert "snapshot 1 saved" in _press(book)


def test_a_check_excel_refuses_is_named_not_passed(tmp_path: Path, home: Path) -> None:
    book = _book(tmp_path)
    book.sheets["Action Plan"].hidden_rows = None  # Excel would not say which rows are hidden
    message = _press(book)
    assert "not checked from inside Excel: hidden rows on 'Action Plan'" in message
    assert "snapshot 1 saved" in message
    assert "hidden rows on 'Action Plan'" in str(book.sheets[ISSUES_SHEET].cells[(1, 1)])


def test_the_settings_help_names_a_real_finding_code(tmp_path: Path) -> None:
    help_text = dict(SETTINGS_HELP)["Ignore findings"]
    code = re.search(r"e\.g\. ([a-z-]+)", help_text).group(1)  # type: ignore[union-attr]
    plan = read_plan(write_grid(tmp_path / "p.xlsx", catalogue_rows(when=None)))
    assert code in {f.code for f in validate(plan, as_of=AS_OF).findings}


# ------------------------------------------------------------------------ sheet protection, both dialects


def _mac_protect_parameters() -> set[str]:
    """protect_worksheet's keywords in the installed xlwings' Excel AppleScript dictionary."""
    text = (xlwings_folder() / "mac_dict.py").read_text(encoding="utf-8")
    block = re.search(r'"protect_worksheet",\s*b"[^"]*",\s*\[(.*?)\]', text, re.DOTALL)
    assert block
    return set(re.findall(r'\("(\w+)", b"', block.group(1)))


class _Value:
    def __init__(self, value: Any) -> None:
        self.value = value

    def get(self) -> Any:
        return self.value


class ComSheet:
    """A worksheet's COM object: Windows names only (any other attribute raises, as COM would)."""

    def __init__(self) -> None:
        self.ProtectContents = True
        self.ProtectDrawingObjects = True
        self.ProtectScenarios = False
        self.Protection = type("Protection", (), {n: n == "AllowFormattingColumns" for n in PROTECTION_OPTIONS})()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def Unprotect(self, password: str = "") -> None:
        self.ProtectContents = False
        self.calls.append(("Unprotect", {"password": password}))

    def Protect(self, **options: Any) -> None:
        self.ProtectContents = bool(options.get("Contents"))
        self.calls.append(("Protect", options))

    @property
    def protected(self) -> bool:
        return self.ProtectContents


class MacSheet:
    """A worksheet's appscript reference: the names from xlwings' mac_dict only."""

    def __init__(self) -> None:
        self.protect_contents = _Value(True)
        self.protect_drawing_objects = _Value(True)
        self.protect_scenarios = _Value(False)
        options = {mac: _Value(com == "AllowFormattingColumns") for com, mac in PROTECTION_OPTIONS.items()}
        self.protection_object = type("ProtectionObject", (), options)()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def unprotect(self, *, password: str = "") -> None:
        self.protect_contents = _Value(False)
        self.calls.append(("unprotect", {"password": password}))

    def protect_worksheet(self, **options: Any) -> None:
        unknown = set(options) - _mac_protect_parameters()
        assert not unknown, f"not in Excel's AppleScript dictionary: {unknown}"
        self.protect_contents = _Value(bool(options.get("worksheet_contents")))
        self.calls.append(("protect_worksheet", options))

    @property
    def protected(self) -> bool:
        return bool(self.protect_contents.get())


class _Note:
    def __init__(self, text: str) -> None:
        self.text = text

    def delete(self) -> None:
        self.text = ""


class _Cell:
    def __init__(self, sheet: _Sheet) -> None:
        self.sheet = sheet
        self._color: Any = None
        self.note: _Note | None = None

    @property
    def color(self) -> Any:
        return self._color

    @color.setter
    def color(self, value: Any) -> None:
        if self.sheet.api.protected:  # Excel refuses to format a cell of a protected sheet
            raise RuntimeError("The cell or chart you're trying to change is on a protected sheet.")
        self._color = value

    def add_note(self, text: str) -> None:
        if self.sheet.api.protected:
            raise RuntimeError("protected")
        self.note = _Note(text)


class _Sheet:
    def __init__(self, name: str, api: ComSheet | MacSheet) -> None:
        self.name, self.api = name, api
        self.cells: dict[str, _Cell] = {}

    def range(self, a1: str) -> _Cell:
        return self.cells.setdefault(a1, _Cell(self))


class _Book:
    def __init__(self, api: ComSheet | MacSheet) -> None:
        self.sheets = {"Action Plan": _Sheet("Action Plan", api)}
        self.saved = 0

    def save(self) -> None:
        self.saved += 1


@pytest.mark.parametrize(("mac", "api_type"), [(False, ComSheet), (True, MacSheet)])
def test_marking_a_protected_sheet_puts_protection_back(mac: bool, api_type: type[ComSheet | MacSheet]) -> None:
    api = api_type()
    fake = _Book(api)
    book = XlwingsBook(fake, mac=mac)
    book.mark_cell("Action Plan", "H6", fill="#FF9B9B", note="sheetsync: error")
    book.mark_cell("Action Plan", "E7", fill="#FFD27F", note="sheetsync: warning")
    assert not api.protected and [c for c, _ in api.calls].count("unprotect" if mac else "Unprotect") == 1
    book.save()
    assert api.protected and fake.saved == 1
    name, options = api.calls[-1]
    if mac:
        assert name == "protect_worksheet" and options["password"] == "" and options["drawing_objects"] is True
        assert options["allow_formatting_columns"] is True and options["allow_formatting_cells"] is False
        assert set(options) <= _mac_protect_parameters()
    else:
        assert name == "Protect" and options["Contents"] is True and options["DrawingObjects"] is True
        assert options["AllowFormattingColumns"] is True and options["AllowFormattingCells"] is False
    assert fake.sheets["Action Plan"].cells["H6"].color == "#FF9B9B"


def test_the_other_dialect_fails_on_each_stand_in() -> None:
    """The stand-ins are strict: Windows names on macOS (what the adapter used to do) fail there."""
    with pytest.raises(AttributeError):
        XlwingsBook(_Book(MacSheet()), mac=False).mark_cell("Action Plan", "A1", fill="#FFFFFF", note=None)
    with pytest.raises(AttributeError):
        XlwingsBook(_Book(ComSheet()), mac=True).mark_cell("Action Plan", "A1", fill="#FFFFFF", note=None)


def test_hidden_rows_from_visible_areas_or_none() -> None:
    from unittest import mock

    wb = mock.MagicMock()
    used = wb.sheets.__getitem__.return_value.used_range
    used.row, used.shape = 5, (10, 9)
    first, second = mock.MagicMock(), mock.MagicMock()
    first.row, first.shape, second.row, second.shape = 5, (3, 1), 10, (5, 1)
    used.columns.__getitem__.return_value.get_special_cells.return_value = [first, second]
    assert XlwingsBook(wb).hidden_rows("Action Plan") == {8, 9}
    used.columns.__getitem__.return_value.get_special_cells.side_effect = RuntimeError("protected sheet")
    assert XlwingsBook(wb).hidden_rows("Action Plan") is None


def test_xlwings_error_on_fullname_is_a_config_error() -> None:
    from sheetsync.errors import ConfigError

    class XlwingsError(Exception):
        pass

    class Book:
        @property
        def fullname(self) -> str:
            raise XlwingsError("Couldn't find your local OneDrive for Business file, see: xlwings.org/error")

    with pytest.raises(ConfigError, match="could not find this workbook's file"):
        _ = XlwingsBook(Book()).full_name


def test_a_marking_only_the_file_can_see_does_not_stop_the_snapshot(tmp_path: Path, home: Path) -> None:
    """The template prints OFFICIAL in its page header: the file's read has a marking Excel's cells do not."""
    from sheetsync.template import template_plan, write_plan_workbook

    path = write_plan_workbook(template_plan(force="Northshire Police"), tmp_path / "plan.xlsx")
    assert read_plan(path).protective_marking is not None
    book = MemoryBook.from_file(path)  # Save leaves the file as it is: nothing changed on the plan sheet
    assert "snapshot 1 saved" in _press(book)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, home: Path) -> None:
    rows = catalogue_rows()
    rows[0][7] = "- tbc"  # an unknown status that Excel would take for a formula: listed as text, never run
    book = _book(tmp_path, rows)
    _press(book)
    issues = book.sheets[ISSUES_SHEET]
    found = [(r, c) for (r, c), v in issues.cells.items() if v == "- tbc"]
    assert found and not set(found) & issues.formulas


class _ComApplication:
    """Excel's Application object as COM shows it, with the Open dialog answering `answer`."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[tuple[Any, ...]] = []

    def GetOpenFilename(self, *args: Any) -> Any:
        self.asked.append(args)
        return self.answer


class _AppBook(_Book):
    def __init__(self, application: _ComApplication) -> None:
        super().__init__(ComSheet())
        self.app = type("App", (), {"api": application})()


def test_picking_returns_uses_excels_open_dialog_on_windows_and_says_none_on_the_mac(tmp_path: Path) -> None:
    chosen = _ComApplication((r"C:\returns\Okafor.xlsx", r"C:\returns\Grant.xlsx"))
    picked = XlwingsBook(_AppBook(chosen), mac=False).pick_files("Choose the returns to merge", tmp_path)
    assert picked == [Path(r"C:\returns\Okafor.xlsx"), Path(r"C:\returns\Grant.xlsx")]
    file_filter, _, title, _, multi = chosen.asked[0]
    assert "*.xlsx" in file_filter and title == "Choose the returns to merge" and multi is True
    assert XlwingsBook(_AppBook(_ComApplication(False)), mac=False).pick_files("t", tmp_path) is None  # cancelled
    mac = _ComApplication(("never asked",))
    assert XlwingsBook(_AppBook(mac), mac=True).pick_files("t", tmp_path) is None and mac.asked == []
