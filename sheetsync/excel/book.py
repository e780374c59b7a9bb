"""The workbook interface a button press works against (`ExcelBook`): the real one is `XlwingsBook` over Excel,
the tests' and benchmark's is `MemoryBook`. Rows and columns are 1-based, as in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from sheetsync.text import Value


class UsedRange(NamedTuple):
    """A sheet's used range: values row by row, and the 1-based sheet position of values[0][0]."""

    values: list[list[Value]]
    first_row: int
    first_col: int


class CellMarking(NamedTuple):
    """A cell's fill ("#RRGGBB" or None) and note text (or None)."""

    fill: str | None
    note: str | None


class ExcelBook(Protocol):
    """The few things a button press needs from an open workbook."""

    @property
    def full_name(self) -> str: ...
    @property
    def sheet_names(self) -> list[str]: ...
    def read_used_range(self, sheet: str) -> UsedRange: ...
    def hidden_rows(self, sheet: str) -> set[int] | None:
        """Rows hidden in the used range; None when Excel would not say (the press then says so)."""
    def merged_ranges(self, sheet: str) -> list[str] | None:
        """Merged areas ("A1:B2") in the used range; None when Excel would not say."""
    def read_name(self, name: str) -> list[Value] | None: ...
    def cell_marking(self, sheet: str, a1: str) -> CellMarking: ...
    def mark_cell(self, sheet: str, a1: str, *, fill: str | None, note: str | None) -> None: ...
    def set_text_format(self, sheet: str, ref: str) -> None:
        """Format a range as text ("@"), so strings written there stay strings."""
    def write_values(self, sheet: str, top_left: str, values: list[list[Value]]) -> None: ...
    def clear_sheet(self, sheet: str) -> None: ...
    def add_sheet(self, name: str, *, hidden: bool = False) -> None: ...
    def alert(self, message: str, *, title: str = "sheetsync") -> None: ...
    def pick_files(self, title: str, folder: Path) -> list[Path] | None:
        """Workbooks the user chooses in Excel's own Open dialog, starting in `folder`; None when they cancel or
        when Excel cannot show that dialog here."""
    def save(self) -> None: ...
    def restore_protection(self) -> None:
        """Protect again any sheet the press unprotected to mark cells."""


__all__ = ["CellMarking", "ExcelBook", "UsedRange"]
