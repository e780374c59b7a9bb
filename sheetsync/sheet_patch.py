"""Rewriting single cells of one worksheet's XML, as bytes, for `sheetsync.package`: each named cell replaced (or
created, with its row, in order) keeping its style, the row spans and the sheet's dimension widened, and every
other byte left as it was; text goes to the workbook's shared-string table (appended to, never reordered) or
inline. Nothing here opens a zip or parses XML: the package reads and writes the parts.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sheetsync.errors import PackageError
from sheetsync.text import col_letter, parse_a1

CellValue = str | int | float | bool | date | datetime | None

_EPOCH = datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all; a cell's text loses them rather than making the part unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class SharedStrings:
    """The workbook's shared string table, appended to (never reordered: cells elsewhere point into it)."""

    def __init__(self, xml: bytes, *, path: str | os.PathLike[str]) -> None:
        self.path = path
        self.xml = xml
        self.items = [m.group(0) for m in re.finditer(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>|<(?:\w+:)?si\s*/>",
                                                      self.xml, re.DOTALL)]
        self.index = {item: i for i, item in reversed(list(enumerate(self.items)))}
        prefix = re.search(rb"<(\w+:)?sst\b", self.xml)
        self.prefix = prefix.group(1) or b"" if prefix else b""
        self.added: list[bytes] = []
        self.uses = 0

    def index_of(self, text: str) -> int:
        item = b"<" + self.prefix + b"si>" + _text_element(text, self.prefix) + b"</" + self.prefix + b"si>"
        self.uses += 1
        found = self.index.get(item)
        if found is None:
            found = len(self.items)
            self.items.append(item)
            self.index[item] = found
            self.added.append(item)
        return found

    def updated(self) -> bytes | None:
        """The table's new XML once a cell has used it (counts bumped, new items appended), else None."""
        if not self.uses:
            return None
        xml = self.xml
        if self.added:
            xml = insert_before_close(xml, b"sst", b"".join(self.added), path=self.path)
        head = re.search(rb"<(?:\w+:)?sst\b[^>]*>", xml)
        if head is not None:
            tag = head.group(0)
            new_tag = _bump(tag, b"count", self.uses)
            new_tag = _bump(new_tag, b"uniqueCount", len(self.added))
            xml = xml[:head.start()] + new_tag + xml[head.end():]
        return xml


def _bump(tag: bytes, name: bytes, by: int) -> bytes:
    match = re.search(rb"\b" + name + rb'="(\d+)"', tag)
    if match is None or not by:
        return tag
    return tag[:match.start(1)] + str(int(match.group(1)) + by).encode() + tag[match.end(1):]


def _text_element(text: str, prefix: bytes) -> bytes:
    text = _XML_ILLEGAL.sub("", text)
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    body = html.escape(text, quote=False).replace("\r", "&#13;").encode("utf-8")
    return b"<" + prefix + b"t" + space + b">" + body + b"</" + prefix + b"t>"


def _cell_element(ref: str, style: bytes | None, value: CellValue, table: SharedStrings | None,
                  prefix: bytes) -> bytes:
    tag = b"<" + prefix + b"c"
    head = tag + b' r="' + ref.encode() + b'"' + (b' s="' + style + b'"' if style is not None else b"")
    close = b"</" + prefix + b"c>"
    v_open, v_close = b"<" + prefix + b"v>", b"</" + prefix + b"v>"
    if value is None or value == "":
        return head + b"/>"
    if isinstance(value, bool):
        return head + b' t="b">' + v_open + (b"1" if value else b"0") + v_close + close
    if isinstance(value, datetime | date):
        return head + b">" + v_open + _number(excel_serial(value)) + v_close + close
    if isinstance(value, int | float):
        return head + b">" + v_open + _number(value) + v_close + close
    if table is not None:
        return head + b' t="s">' + v_open + str(table.index_of(value)).encode() + v_close + close
    is_open, is_close = b"<" + prefix + b"is>", b"</" + prefix + b"is>"
    return head + b' t="inlineStr">' + is_open + _text_element(value, prefix) + is_close + close


def excel_serial(value: date | datetime) -> float | int:
    """The Excel serial number of a date (1900 date system): 1 Mar 2025 -> 45717."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - _EPOCH
    if not isinstance(value, datetime) or delta.seconds == delta.microseconds == 0:
        return delta.days
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def _number(value: float | int) -> bytes:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("a cell cannot hold NaN or infinity")
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)).encode()
        return repr(value).encode()
    return str(value).encode()


_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_R = re.compile(rb'\br="([A-Z]{0,3})(\d+)"')
_S = re.compile(rb'\bs="(\d+)"')


def patch_sheet(xml: bytes, cells: Mapping[tuple[int, int], CellValue], table: SharedStrings | None, *,
                where: str, styles: Mapping[tuple[int, int], bytes]) -> bytes:
    """The worksheet XML with the given cells replaced (or created), everything else byte for byte."""
    data = re.search(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>", xml)
    if data is None:
        raise PackageError("has no cell data to patch (is it a chart sheet?)", path=where)
    prefix = data.group(1)
    if data.group(2):  # <sheetData/>: open it up
        tag = data.group(0)[:-2] + b">"
        xml = xml[:data.start()] + tag + b"</" + prefix + b"sheetData>" + xml[data.end():]
        body_start = data.start() + len(tag)
    else:
        body_start = data.end()
    body_end = xml.find(b"</" + prefix + b"sheetData>", body_start)
    rows: dict[int, tuple[int, int, int]] = {}  # row number -> (start, end of start tag, end of row)
    for match in _ROW.finditer(xml, body_start, body_end):
        number = re.search(rb'\br="(\d+)"', match.group(1))
        if number is None:
            raise PackageError("has rows without row numbers, which sheetsync cannot patch safely", path=where,
                               hint="Open and re-save it in Excel")
        end = match.end()
        if not match.group(2):
            close = re.compile(rb"</(?:\w+:)?row\s*>").search(xml, match.end(), body_end)
            if close is None:
                raise PackageError("has a row that never closes", path=where)
            end = close.end()
        rows[int(number.group(1))] = (match.start(), match.end(), end)
    by_row: dict[int, dict[int, CellValue]] = {}
    for (row, col), value in cells.items():
        by_row.setdefault(row, {})[col] = value
    pieces: list[tuple[int, int, bytes]] = []  # (start, end, replacement), applied from the end
    for row in sorted(by_row):
        if row in rows:
            start, head_end, end = rows[row]
            pieces.append((start, end, _patch_row(xml[start:end], head_end - start, row, by_row[row], table,
                                                  prefix, where, styles)))
        else:
            after = [rows[r][0] for r in rows if r > row]
            at = min(after) if after else body_end
            row_xml = b"<" + prefix + b'row r="' + str(row).encode() + b'">' + b"</" + prefix + b"row>"
            pieces.append((at, at, _patch_row(row_xml, len(row_xml) - len(prefix) - 6, row, by_row[row], table,
                                              prefix, where, styles)))
    for start, end, replacement in _from_the_end(pieces):
        xml = xml[:start] + replacement + xml[end:]
    return _widen_dimension(xml, cells)


def _patch_row(row_xml: bytes, head_end: int, row: int, values: Mapping[int, CellValue],
               table: SharedStrings | None, prefix: bytes, where: str,
               styles: Mapping[tuple[int, int], bytes]) -> bytes:
    if row_xml.endswith(b"/>") and head_end == len(row_xml):  # <row r="5"/>: open it up
        row_xml = row_xml[:-2] + b"></" + prefix + b"row>"
        head_end = len(row_xml) - len(prefix) - 6
    close_at = row_xml.rfind(b"</")
    found: dict[int, tuple[int, int, bytes | None, bytes | None]] = {}
    for match in _CELL.finditer(row_xml, head_end, close_at):
        address = _R.search(match.group(1))
        if address is None:
            raise PackageError(f"row {row} has cells without addresses, which sheetsync cannot patch safely",
                               path=where, hint="Open and re-save it in Excel")
        col = parse_a1(address.group(1).decode() + address.group(2).decode())[1]
        styled = _S.search(match.group(1))
        found[col] = (match.start(), match.end(), styled.group(1) if styled else None, match.group(2))
    pieces: list[tuple[int, int, bytes]] = []
    for col, value in sorted(values.items(), key=lambda item: item[0]):
        ref = f"{col_letter(col)}{row}"
        if col in found:
            start, end, style, inner = found[col]
            if inner is not None and re.search(rb'<(?:\w+:)?f\b[^>]*\bt="shared"[^>]*\bref=', inner):
                raise PackageError(f"cell {ref} starts a shared formula; sheetsync will not overwrite it",
                                   path=where, hint="Overwrite it by hand in Excel")
            pieces.append((start, end, _cell_element(ref, style or styles.get((row, col)), value, table, prefix)))
        else:
            later = [found[c][0] for c in found if c > col]
            at = min(later) if later else close_at
            pieces.append((at, at, _cell_element(ref, styles.get((row, col)), value, table, prefix)))
    for start, end, replacement in _from_the_end(pieces):
        row_xml = row_xml[:start] + replacement + row_xml[end:]
    return _widen_spans(row_xml, values)


def _from_the_end(pieces: list[tuple[int, int, bytes]]) -> list[tuple[int, int, bytes]]:
    """Splices in the order to apply them: from the end, so earlier offsets hold; of two insertions at one place
    (given in order), the later first, so they land in order."""
    return [pieces[i] for i in sorted(range(len(pieces)), key=lambda i: (pieces[i][0], i), reverse=True)]


def _widen_spans(row_xml: bytes, values: Mapping[int, CellValue]) -> bytes:
    spans = re.search(rb'\bspans="(\d+):(\d+)"', row_xml[:row_xml.find(b">")])
    if spans is None:
        return row_xml
    low, high = int(spans.group(1)), int(spans.group(2))
    new_low, new_high = min([low, *values]), max([high, *values])
    if (new_low, new_high) == (low, high):
        return row_xml
    return row_xml[:spans.start()] + f'spans="{new_low}:{new_high}"'.encode() + row_xml[spans.end():]


def _widen_dimension(xml: bytes, cells: Iterable[tuple[int, int]]) -> bytes:
    match = re.search(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+\d+)(?::([A-Z]+\d+))?"', xml)
    if match is None:
        return xml
    first = parse_a1(match.group(1).decode())
    last = parse_a1(match.group(2).decode()) if match.group(2) else first
    rows = [first[0], last[0], *(r for r, _ in cells)]
    cols = [first[1], last[1], *(c for _, c in cells)]
    top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
    if (top, left, bottom, right) == (*first, *last):
        return xml
    ref = f"{col_letter(left)}{top}:{col_letter(right)}{bottom}".encode()
    return xml[:match.start(1)] + ref + xml[match.end(2) if match.group(2) else match.end(1):]


def styles_of(xml: bytes, like: Mapping[str, str]) -> dict[tuple[int, int], bytes]:
    """For `like` ("G9" -> "G8"): the style index (`s`) of each source cell that has one, keyed by the cell that
    borrows it."""
    borrowed: dict[tuple[int, int], bytes] = {}
    for ref, source in like.items():
        tag = re.search(rb'<(?:\w+:)?c\b[^>]*?\br="' + re.escape(source.upper().encode()) + rb'"[^>]*>', xml)
        found = _S.search(tag.group(0)) if tag is not None else None
        if found is not None:
            borrowed[parse_a1(ref)] = found.group(1)
    return borrowed


def insert_before_close(xml: bytes, tag: bytes, element: bytes, *, path: str | os.PathLike[str]) -> bytes:
    """`element` added as the last child of the last <tag> (an empty <tag/> is opened up); the package uses it for
    [Content_Types].xml and relationships too."""
    closes = list(re.finditer(rb"</(?:\w+:)?" + tag + rb"\s*>", xml))
    if closes:
        match = closes[-1]
        return xml[:match.start()] + element + xml[match.start():]
    empty = re.search(rb"<((?:\w+:)?" + tag + rb")\b([^>]*?)/>", xml)
    if empty is None:
        raise PackageError(f"has no <{tag.decode()}> element to add to", path=path)
    return xml[:empty.start()] + b"<" + empty.group(1) + empty.group(2) + b">" + element + b"</" + empty.group(1) \
        + b">" + xml[empty.end():]


__all__ = ["CellValue", "SharedStrings", "excel_serial", "insert_before_close", "patch_sheet", "styles_of"]
