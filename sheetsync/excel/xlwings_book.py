"""`ExcelBook` over an open `xlwings.Book`: what a button press does to the workbook in Excel.

Almost everything goes through xlwings' own cross-platform API. Sheet protection does not: `sheet.api` is the
platform's object, COM on Windows (`ProtectContents`, `Protection.AllowFormattingCells`, `Unprotect`,
`Protect(...)`) and appscript on macOS (`protect_contents.get()`, `protection_object.allow_formatting_cells
.get()`, `unprotect(password=...)`, `protect_worksheet(...)`, names from xlwings' mac_dict). The template
protects the plan sheet without format-cells permission, so marking a cell lifts the protection for the press
and puts it back, with the same options, before saving.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.errors import ConfigError
from sheetsync.excel.book import CellMarking, UsedRange

if TYPE_CHECKING:
    from sheetsync.text import Value

# Windows COM Protection property -> macOS protection object property = protect_worksheet keyword
PROTECTION_OPTIONS: dict[str, str] = {
    "AllowFormattingCells": "allow_formatting_cells",
    "AllowFormattingColumns": "allow_formatting_columns",
    "AllowFormattingRows": "allow_formatting_rows",
    "AllowInsertingColumns": "allow_inserting_columns",
    "AllowInsertingRows": "allow_inserting_rows",
    "AllowInsertingHyperlinks": "allow_inserting_hyperlinks",
    "AllowDeletingColumns": "allow_deleting_columns",
    "AllowDeletingRows": "allow_deleting_rows",
    "AllowSorting": "allow_sorting",
    "AllowFiltering": "allow_filtering",
    "AllowUsingPivotTables": "allow_using_pivot_table",
}


class XlwingsBook:
    """`ExcelBook` over `xlwings.Book` (Windows COM or macOS AppleScript)."""

    def __init__(self, book: Any, *, mac: bool | None = None) -> None:
        self.book = book
        self.mac = sys.platform == "darwin" if mac is None else mac
        # Sheets unprotected to mark cells -> the protection options to put back (COM names).
        self._unprotected: dict[str, dict[str, bool]] = {}

    # -------------------------------------------------------------------------------------------- protection

    def _editable(self, sheet: str) -> Any:
        ws = self.book.sheets[sheet]
        if sheet not in self._unprotected and self._protected(ws.api):
            options = self._protection_options(ws.api)
            try:
                if self.mac:
                    ws.api.unprotect(password="")
                else:
                    ws.api.Unprotect("")
            except Exception as exc:
                raise ConfigError(f"sheet {sheet!r} is protected with a password, so sheetsync cannot colour its "
                                  f"cells ({type(exc).__name__})", path=self.full_name,
                                  hint="Remove the sheet's password (Review > Unprotect Sheet) and protect it "
                                       "again without one") from None
            self._unprotected[sheet] = options
        return ws

    def _protected(self, api: Any) -> bool:
        return bool(api.protect_contents.get() if self.mac else api.ProtectContents)

    def _protection_options(self, api: Any) -> dict[str, bool]:
        if self.mac:
            shown = api.protection_object
            options = {com: bool(getattr(shown, mac).get()) for com, mac in PROTECTION_OPTIONS.items()}
            options["DrawingObjects"] = bool(api.protect_drawing_objects.get())
            options["Scenarios"] = bool(api.protect_scenarios.get())
            return options
        shown = api.Protection
        options = {com: bool(getattr(shown, com)) for com in PROTECTION_OPTIONS}
        options["DrawingObjects"] = bool(api.ProtectDrawingObjects)
        options["Scenarios"] = bool(api.ProtectScenarios)
        return options

    def restore_protection(self) -> None:
        """Protect again every sheet this press unprotected, with the options it had."""
        while self._unprotected:
            sheet, options = self._unprotected.popitem()
            api = self.book.sheets[sheet].api
            if self.mac:
                keywords = {mac: options[com] for com, mac in PROTECTION_OPTIONS.items()}
                api.protect_worksheet(password="", drawing_objects=options["DrawingObjects"],
                                      worksheet_contents=True, scenarios=options["Scenarios"], **keywords)
            else:
                api.Protect(Password="", Contents=True, **options)

    # -------------------------------------------------------------------------------------------- ExcelBook

    @property
    def full_name(self) -> str:
        try:
            return str(self.book.fullname)
        except Exception as exc:  # xlwings' XlwingsError: a OneDrive/SharePoint URL it could not map
            if type(exc).__name__ != "XlwingsError":
                raise
            raise ConfigError(f"xlwings could not find this workbook's file on this computer ({exc})",
                              hint="Open the workbook from its synced local folder, or set "
                                   "ONEDRIVE_COMMERCIAL_WIN / SHAREPOINT_WIN (macOS: _MAC) on the workbook's "
                                   "xlwings.conf sheet (see the README)") from None

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_used_range(self, sheet: str) -> UsedRange:
        used = self.book.sheets[sheet].used_range
        values = used.options(ndim=2).value  # one round trip for the whole grid
        return UsedRange([list(r) for r in values or [[None]]], int(used.row), int(used.column))

    def hidden_rows(self, sheet: str) -> set[int] | None:
        """The used range's rows minus the visible cells of its first column (one SpecialCells call, areas
        read as ranges, never an address string that Excel may cut short); None when Excel refuses."""
        try:
            used = self.book.sheets[sheet].used_range
            first, count = int(used.row), int(used.shape[0])
            shown: set[int] = set()
            for area in used.columns[0].get_special_cells("visible"):
                shown.update(range(int(area.row), int(area.row) + int(area.shape[0])))
        except Exception:
            return None
        return set(range(first, first + count)) - shown

    def merged_ranges(self, sheet: str) -> list[str] | None:
        try:
            used = self.book.sheets[sheet].used_range
            if used.merge_cells is False:  # one call answers "none at all"
                return []
            merged: list[str] = []
            values = used.options(ndim=2).value
            for r, row in enumerate(values):
                for c, value in enumerate(row):
                    if value is None:
                        continue  # a merge area's value lives in its top-left cell
                    cell = used[r, c]
                    if cell.merge_cells:
                        merged.append(str(cell.merge_area.address).replace("$", ""))
        except Exception:
            return None
        return merged

    def read_name(self, name: str) -> list[Value] | None:
        try:
            values = self.book.names[name].refers_to_range.options(ndim=2).value
        except Exception:
            return None  # no such name: the plan's default vocabulary applies
        return [v for row in values for v in row]

    def cell_marking(self, sheet: str, a1: str) -> CellMarking:
        cell = self.book.sheets[sheet].range(a1)
        note = cell.note
        return CellMarking(rgb_hex(cell.color), note.text if note is not None else None)

    def mark_cell(self, sheet: str, a1: str, *, fill: str | None, note: str | None) -> None:
        cell = self._editable(sheet).range(a1)
        cell.color = fill
        existing = cell.note
        if note is None:
            if existing is not None:
                existing.delete()
        elif existing is not None:
            existing.text = note
        else:
            cell.add_note(note)

    def set_text_format(self, sheet: str, ref: str) -> None:
        self.book.sheets[sheet].range(ref).number_format = "@"

    def write_values(self, sheet: str, top_left: str, values: list[list[Value]]) -> None:
        self.book.sheets[sheet].range(top_left).value = values

    def clear_sheet(self, sheet: str) -> None:
        self.book.sheets[sheet].clear()

    def add_sheet(self, name: str, *, hidden: bool = False) -> None:
        sheets = self.book.sheets
        new = sheets.add(name, after=sheets[len(sheets) - 1])
        if hidden:
            new.visible = False

    def alert(self, message: str, *, title: str = "sheetsync") -> None:
        self.book.app.alert(message, title=title)

    def pick_files(self, title: str, folder: Path) -> list[Path] | None:
        if self.mac:  # Excel for Mac's AppleScript dictionary has no multi-select Open dialog: not offered there
            return None
        api = self.book.app.api
        # Application.GetOpenFilename(FileFilter, FilterIndex, Title, ButtonText, MultiSelect): a tuple of paths,
        # or False when the user cancels.
        picked = api.GetOpenFilename("Excel workbooks (*.xlsx;*.xlsm),*.xlsx;*.xlsm", 1, title, None, True)
        if not picked:
            return None
        return [Path(str(p)) for p in (picked if isinstance(picked, list | tuple) else [picked])]

    def save(self) -> None:
        self.restore_protection()
        self.book.save()  # no path: Excel's plain Save, the window stays on the same file


def rgb_hex(color: Any) -> str | None:
    """xlwings' colour (an (r, g, b) tuple, "#RRGGBB", or Excel's BGR integer) as "#RRGGBB"."""
    if color is None:
        return None
    if isinstance(color, str):
        return color.upper()
    if isinstance(color, int):
        return f"#{color & 0xFF:02X}{(color >> 8) & 0xFF:02X}{(color >> 16) & 0xFF:02X}"
    r, g, b = color
    return f"#{int(r):02X}{int(g):02X}{int(b):02X}"


__all__ = ["PROTECTION_OPTIONS", "XlwingsBook", "rgb_hex"]
