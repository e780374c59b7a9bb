"""What the reader learns from an .xlsx/.xlsm sheet's XML itself: each sheet's real extent, and what calamine does
not say (hidden rows, formulas never calculated, the page-header marking).

The extent comes first. python-calamine builds a dense grid from a sheet's first to its last used cell, so one
stray value in XFD1048576 makes it ask for 550 GB and abort the process. `sheet_extent` bounds a sheet by its
cells' addresses (one regex pass; cells without an address are placed in order, as calamine places them), and
only when that bound is too large looks at which cells hold values. `trimmed_workbook` then gives calamine a copy
without the values lying far outside the sheet's block of data, and `SheetExtent.problem` says when even that
block is more than any plan could be. Each sheet's XML is read once, within the limits `safety.check_zip` has
already enforced (the bound on memory).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from sheetsync.text import a1, unescape

MAX_GRID_CELLS = 2_000_000  # rows x columns calamine may lay out for one sheet (a 10,000-row plan uses 110,000)
MAX_STRAYS = 10_000  # values outside the block of data that may be dropped; beyond that the sheet is refused
ROW_GAP = 1_000  # empty rows that separate a sheet's block of data from a stray value
COL_GAP = 50  # and empty columns

# Any cell's address (`r` on a <c> tag: a row's `r` has no letters). After a plain space, as every writer puts it:
# the literal start lets the scan skip ahead (200 rows: 0.92 -> 0.39 ms a sheet, a twentieth of reading the plan);
# an address after a tab or line break still counts, as the tag count then differs and the positional scan runs.
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})(\d{1,7})"')
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s>]")
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(\s[^>]*)?/?>")
_R_ATTRIBUTE = re.compile(rb'\sr="([A-Z]{0,3})(\d{0,7})"')
# A cell with content: `<c r="B7" ...>` not closed by "/>" (a self-closed cell is only formatting, which calamine
# skips). `\s` after the name keeps <col>, <cfRule> and the like out.
_VALUED_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>')


@dataclass(frozen=True, slots=True)
class SheetExtent:
    """Where a sheet's values are: the block calamine is given, and the stray cells left out of it."""

    cells: int  # cells counted (all of them while the sheet is small; those holding a value otherwise)
    first_row: int
    last_row: int
    first_col: int
    last_col: int
    strays: frozenset[tuple[int, int]]  # (row, col) of values outside the block, 1-based

    @property
    def area(self) -> int:
        return max(self.last_row - self.first_row + 1, 0) * max(self.last_col - self.first_col + 1, 0)

    def problem(self) -> str | None:
        """Why this sheet cannot be read in bounded memory, or None."""
        if len(self.strays) > MAX_STRAYS:
            return (f"has {len(self.strays):,} values scattered far outside its block of data, more than a plan "
                    "sheet can hold")
        if self.area > MAX_GRID_CELLS:
            return (f"spans {a1(self.first_row, self.first_col)}:{a1(self.last_row, self.last_col)} "
                    f"({self.area:,} cells), far more than any plan")
        return None


def _col_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _block(values: Iterable[int], gap: int) -> tuple[int, int]:
    """The (first, last) of the run of values, split where `gap` or more are missing, holding the most values."""
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    best = (0, 0, 0)  # (count, first, last)
    first = prev = -gap - 1
    total = 0
    for value in sorted(counts):
        if value - prev > gap:
            if total > best[0]:
                best = (total, first, prev)
            first, total = value, 0
        total += counts[value]
        prev = value
    if total > best[0]:
        best = (total, first, prev)
    return best[1], best[2]


def sheet_extent(xml: bytes) -> SheetExtent:
    """The cells of one sheet's XML, and the block calamine should lay out."""
    refs = _CELL_REF.findall(xml)  # every cell, formatting-only ones too: a quick bound, exact when small
    tags = (sum(xml.count(b"<c" + after) for after in (b" ", b">", b"\t", b"\n", b"\r"))
            + (len(_PREFIXED_CELL.findall(xml)) if b":c" in xml else 0))
    if tags != len(refs):  # cells without an address sit where they fall: follow the rows and cells in order
        return _positional_extent(xml)
    if not refs:
        return SheetExtent(0, 1, 0, 1, 0, frozenset())
    letters = {letter: _col_number(letter) for letter in {letter for letter, _ in refs}}
    row_numbers = set(map(int, {digits for _, digits in refs}))
    first_row, last_row = min(row_numbers), max(row_numbers)
    first_col, last_col = min(letters.values()), max(letters.values())
    if (last_row - first_row + 1) * (last_col - first_col + 1) <= MAX_GRID_CELLS:
        return SheetExtent(len(refs), first_row, last_row, first_col, last_col, frozenset())
    refs = _VALUED_CELL.findall(xml)  # only cells holding something count from here on
    rows = [int(digits) for _, digits in refs]
    cols = [_col_number(letter) for letter, _ in refs]
    if not refs:
        return SheetExtent(0, 1, 0, 1, 0, frozenset())
    first_row, last_row, first_col, last_col = min(rows), max(rows), min(cols), max(cols)
    strays: frozenset[tuple[int, int]] = frozenset()
    if (last_row - first_row + 1) * (last_col - first_col + 1) > MAX_GRID_CELLS:
        (first_row, last_row), (first_col, last_col) = _block(rows, ROW_GAP), _block(cols, COL_GAP)
        strays = frozenset((row, col) for row, col in zip(rows, cols, strict=True)
                           if not (first_row <= row <= last_row and first_col <= col <= last_col))
    return SheetExtent(len(refs), first_row, last_row, first_col, last_col, strays)


def _positional_extent(xml: bytes) -> SheetExtent:
    """The extent when some cells have no `r`: each row and cell then follows the one before, as calamine places
    them. Nothing is trimmed here (a cell without an address cannot be named), so a huge extent is refused."""
    row = col = 0
    rows: list[int] = []
    cols: list[int] = []
    for match in _ROW_OR_CELL.finditer(xml):
        ref = _R_ATTRIBUTE.search(match.group(2) or b"")
        if match.group(1) == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        col = _col_number(ref.group(1)) if ref and ref.group(1) else col + 1
        if ref and ref.group(2):
            row = int(ref.group(2))
        rows.append(row)
        cols.append(col)
    if not rows:
        return SheetExtent(0, 1, 0, 1, 0, frozenset())
    return SheetExtent(len(rows), min(rows), max(rows), min(cols), max(cols), frozenset())


def _without_cells(xml: bytes, cells: frozenset[tuple[int, int]]) -> bytes:
    refs = {a1(row, col).encode() for row, col in cells}
    pattern = re.compile(rb'<((?:\w+:)?c)\s[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*?(?:/>|(?<!/)>.*?</\1>)', re.DOTALL)
    return pattern.sub(lambda m: b"" if m.group(2) in refs else m.group(0), xml)


def trimmed_workbook(archive: zipfile.ZipFile, strays: dict[str, frozenset[tuple[int, int]]]) -> bytes:
    """The workbook's bytes with the stray cells of each named part removed, for calamine to read."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            data = archive.read(info)
            if strays.get(info.filename):
                data = _without_cells(data, strays[info.filename])
            copy.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------- parts


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part, from workbook.xml and its relationships."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {m.group(1): m.group(2) for m in re.finditer(
        r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m.group(2): m.group(1) for m in re.finditer(
        r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    parts: dict[str, str] = {}
    for match in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attrs = match.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rid = re.search(r'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', attrs)
        if name and rid:
            target = targets.get(rid.group(1) or rid.group(2) or "")
            if target:
                target = target.lstrip("/")
                path = target if target.startswith("xl/") else f"xl/{target}"
                if path in archive.NameToInfo:
                    parts[unescape(name.group(1))] = path
    return parts


# ---------------------------------------------------------------------------------------------------- facts

_ROW_HIDDEN = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"'
                         rb'|<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>)\s*'
    rb'(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|<(?:\w+:)?v>.*?</(?:\w+:)?v>)?\s*(?:<(?:\w+:)?is>.*?</(?:\w+:)?is>)?'
    rb'\s*</(?:\w+:)?c>', re.DOTALL)
_EMPTY_VALUE = re.compile(rb"<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>")
_HEADER_FOOTER = re.compile(rb"<(?:\w+:)?(?:odd|even|first)(?:Header|Footer)>(.*?)</", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SheetFacts:
    hidden_rows: frozenset[int]
    uncalculated: frozenset[str]  # A1 addresses of formulas with no cached value
    marking: str | None  # OFFICIAL / OFFICIAL-SENSITIVE in the page header or footer


def sheet_facts(xml: bytes) -> SheetFacts:
    """Hidden rows, uncalculated formulas and the header/footer marking of one sheet's XML."""
    hidden: set[int] = set()
    if b'hidden="1"' in xml or b'hidden="true"' in xml:
        for match in _ROW_HIDDEN.finditer(xml):
            hidden.add(int(match.group(1) or match.group(2)))
    uncalculated: set[str] = set()
    if b"<f" in xml or b":f" in xml:
        for match in _FORMULA_CELL.finditer(xml):
            value = match.group(2)
            if value is None or _EMPTY_VALUE.fullmatch(value):
                uncalculated.add(match.group(1).decode())
    marking = None
    end = xml.rfind(b"</sheetData>")
    for match in _HEADER_FOOTER.finditer(xml, end + 1 if end != -1 else 0):
        text = re.sub(r"&[A-Za-z\"]|&\d+|&\".*?\"", " ", unescape(match.group(1).decode("utf-8", "replace")))
        marking = marking or next((word for word in ("OFFICIAL-SENSITIVE", "OFFICIAL SENSITIVE", "OFFICIAL")
                                   if word in text.upper()), None)
    return SheetFacts(frozenset(hidden), frozenset(uncalculated), marking)


__all__ = ["MAX_GRID_CELLS", "SheetExtent", "SheetFacts", "sheet_extent", "sheet_facts", "sheet_parts",
           "trimmed_workbook"]
