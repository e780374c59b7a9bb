"""An in-memory Excel workbook implementing `ExcelBook`: the tests' stand-in for Excel, and the button
benchmark's (bench/bench_button.py runs `_bench_press` in a new interpreter, as xlwings' RunPython would).

Like Excel, writing a string to a cell not formatted as text ("@") parses it: "50%" becomes 0.5, "1.10" 1.1,
"27/03/25" and "Nov-24" dates (day first, as in a UK locale), "=...", "+...", "-...", "@..." a formula (listed
in `formulas`); a leading
apostrophe is Excel's text prefix and is not part of the value."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sheetsync.columns import STATUS_LIST_NAME
from sheetsync.excel.adapter import before_exit, press_validate_and_snapshot, run_press
from sheetsync.excel.book import CellMarking, UsedRange
from sheetsync.text import Value, col_letter, parse_a1, parse_range

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3})-(\d{2})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _is_formula(text: str) -> bool:
    """Excel takes text starting = + - @ for a formula (a number such as "-5" aside)."""
    return text[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(text.strip())


def excel_parse(text: str) -> Value:
    """What Excel stores when `text` is written through Range.Value to a cell in the General format."""
    if text.startswith("'"):
        return text[1:]
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped):
        return float(stripped)
    if stripped.endswith("%") and _NUMBER.fullmatch(stripped[:-1].strip()):
        return float(stripped[:-1]) / 100
    match = _DAY_FIRST.fullmatch(stripped)
    if match:
        day, month, year = (int(g) for g in match.groups())
        with contextlib.suppress(ValueError):
            return date(year + 2000 if year < 100 else year, month, day)
    match = _MONTH_YEAR.fullmatch(stripped)
    if match and match.group(1).casefold() in _MONTHS:
        return date(2000 + int(match.group(2)), _MONTHS.index(match.group(1).casefold()) + 1, 1)
    return text




@dataclass
class MemorySheet:
    cells: dict[tuple[int, int], Value] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] | None = field(default_factory=set)  # None: "Excel would not say"
    merged: list[str] | None = field(default_factory=list)
    hidden: bool = False
    text_cells: set[tuple[int, int]] = field(default_factory=set)  # formatted "@"
    formulas: set[tuple[int, int]] = field(default_factory=set)  # cells Excel would take as a formula


@dataclass
class MemoryBook:
    """`ExcelBook` in memory, 1-based like Excel; counts calls so tests can check what a press did."""

    path: str
    sheets: dict[str, MemorySheet] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # defined name -> (sheet, "A2:A9")
    alerts: list[str] = field(default_factory=list)
    picks: list[list[Path] | None] = field(default_factory=list)  # what the user chooses in each Open dialog
    saves: int = 0
    calls: list[str] = field(default_factory=list)
    on_save: Callable[[MemoryBook], None] | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MemoryBook:
        """Load a workbook's values (python-calamine) as a stand-in for the same book open in Excel."""
        from python_calamine import CalamineWorkbook

        book = cls(path=str(Path(path).resolve()))
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            memory = MemorySheet()
            for r, row in enumerate(sheet.to_python(skip_empty_area=False)):  # from A1
                for c, value in enumerate(row):
                    if value not in ("", None):
                        kept: Value = value if isinstance(value, str | int | float | date) else str(value)
                        memory.cells[(r + 1, c + 1)] = kept
            merged: list[str] = []
            with contextlib.suppress(Exception):
                for merge in sheet.merged_cell_ranges or []:
                    (r1, c1), (r2, c2) = merge
                    merged.append(f"{col_letter(c1 + 1)}{r1 + 1}:{col_letter(c2 + 1)}{r2 + 1}")
            memory.merged = merged
            book.sheets[name] = memory
        if "Lists" in book.sheets and book.sheets["Lists"].cells:
            rows = [r for (r, c) in book.sheets["Lists"].cells if c == 1]
            book.names[STATUS_LIST_NAME] = ("Lists", f"A{min(rows) + 1}:A{max(rows)}")
        return book

    def _sheet(self, name: str) -> MemorySheet:
        if name not in self.sheets:
            raise KeyError(f"no sheet {name!r}")
        return self.sheets[name]

    @property
    def full_name(self) -> str:
        return self.path

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def read_used_range(self, sheet: str) -> UsedRange:
        self.calls.append(f"read_used_range {sheet}")
        cells = self._sheet(sheet).cells
        if not cells:
            return UsedRange([[None]], 1, 1)
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        r0, c0 = min(rows), min(cols)
        return UsedRange([[cells.get((r, c)) for c in range(c0, max(cols) + 1)] for r in range(r0, max(rows) + 1)],
                         r0, c0)

    def hidden_rows(self, sheet: str) -> set[int] | None:
        hidden = self._sheet(sheet).hidden_rows
        return set(hidden) if hidden is not None else None

    def merged_ranges(self, sheet: str) -> list[str] | None:
        merged = self._sheet(sheet).merged
        return list(merged) if merged is not None else None

    def read_name(self, name: str) -> list[Value] | None:
        if name not in self.names:
            return None
        sheet, ref = self.names[name]
        (r1, c1), (r2, c2) = parse_range(ref)
        cells = self._sheet(sheet).cells
        return [cells.get((r, c)) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def cell_marking(self, sheet: str, a1: str) -> CellMarking:
        s, key = self._sheet(sheet), parse_a1(a1)
        return CellMarking(s.fills.get(key), s.notes.get(key))

    def mark_cell(self, sheet: str, a1: str, *, fill: str | None, note: str | None) -> None:
        self.calls.append(f"mark_cell {sheet}!{a1}")
        s, key = self._sheet(sheet), parse_a1(a1)
        for store, value in ((s.fills, fill), (s.notes, note)):
            if value is None:
                store.pop(key, None)
            else:
                store[key] = value

    def set_text_format(self, sheet: str, ref: str) -> None:
        self.calls.append(f"set_text_format {sheet}!{ref}")
        s = self._sheet(sheet)
        (r1, c1), (r2, c2) = parse_range(ref)
        s.text_cells.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))

    def write_values(self, sheet: str, top_left: str, values: list[list[Value]]) -> None:
        self.calls.append(f"write_values {sheet}")
        s = self._sheet(sheet)
        r0, c0 = parse_a1(top_left)
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                key = (r0 + r, c0 + c)
                s.formulas.discard(key)
                if value in ("", None):
                    s.cells.pop(key, None)
                elif isinstance(value, str) and _is_formula(value) and key not in s.text_cells:
                    s.cells[key] = value
                    s.formulas.add(key)
                elif isinstance(value, str):
                    s.cells[key] = value.removeprefix("'") if key in s.text_cells else excel_parse(value)
                else:
                    s.cells[key] = value
                    if isinstance(value, str) and key not in s.text_cells:
                        s.formulas.add(key)

    def clear_sheet(self, sheet: str) -> None:
        s = self._sheet(sheet)
        s.cells.clear()
        s.fills.clear()
        s.notes.clear()
        s.text_cells.clear()  # Excel's Clear takes formats too
        s.formulas.clear()

    def add_sheet(self, name: str, *, hidden: bool = False) -> None:
        if name in self.sheets:
            raise ValueError(f"sheet {name!r} exists")
        self.sheets[name] = MemorySheet(hidden=hidden)

    def alert(self, message: str, *, title: str = "sheetsync") -> None:
        self.alerts.append(message)

    def pick_files(self, title: str, folder: Path) -> list[Path] | None:
        """The next of `picks` (what a test's user chooses), else None: the user cancels."""
        self.calls.append(f"pick_files {title}")
        return self.picks.pop(0) if self.picks else None

    def restore_protection(self) -> None:
        """Nothing to restore: the in-memory sheets are never protected."""

    def save(self) -> None:
        self.saves += 1
        if self.on_save is not None:
            self.on_save(self)

    def value(self, sheet: str, a1: str) -> Value:
        return self._sheet(sheet).cells.get(parse_a1(a1))


def _bench_press(path: str, store: str | None = None, *, freeze: bool = True) -> None:
    """One 'Validate and snapshot' press on `path` loaded into a MemoryBook, timed, as the benchmark runs it in a
    new interpreter (bench/bench_button.py starts it the way xlwings' RunPython does, after `import xlwings.utils`)."""
    started = time.perf_counter()
    book = MemoryBook.from_file(path)
    if store:
        os.environ["SHEETSYNC_STORE"] = store
    message = run_press(book, press_validate_and_snapshot)
    print(f"{time.perf_counter() - started:.3f}s in-process after interpreter start; {message}")
    print(f"end {time.time()!r}", flush=True)  # the benchmark times the shutdown from here
    if freeze:
        before_exit()  # as the real entry points do




__all__ = ["MemoryBook", "MemorySheet", "excel_parse", "parse_a1"]
