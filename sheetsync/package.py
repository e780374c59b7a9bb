"""Patching an .xlsx/.xlsm package in place of Excel: read parts, add or replace parts, relationships and content
types, rewrite single cells of a worksheet, and save a new file in which every untouched part is byte-identical.

Loading a workbook with openpyxl and saving it drops what users rely on (docs/excel.md). A package is a zip of
parts, so this module never re-serialises a workbook: untouched zip members are copied raw (local header and
compressed bytes as they were), a changed worksheet is changed only inside the cells named, and the result is
checked to parse before it is written (atomically, through `sheetsync.files`).

    package = Package.open("plan.xlsx")
    package.set_cells("Action Plan", {"G26": "Training delivered", "H26": date(2025, 3, 1)})
    package.save("merged.xlsx")
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from sheetsync.errors import SheetsyncError, UnreadableFileError
from sheetsync.files import write_bytes_atomic
from sheetsync.safety import check_workbook, check_zip, read_limited
from sheetsync.text import col_letter, parse_a1

CellValue = str | int | float | bool | date | datetime | None

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHARED_STRINGS_REL = OFFICE_REL + "/sharedStrings"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_EPOCH = datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all; a cell's text loses them rather than making the part unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PackageError(SheetsyncError, ValueError):
    """A package that cannot be patched as asked (no such sheet, a cell inside a shared formula, ...)."""


@dataclass(frozen=True, slots=True)
class _Member:
    """One zip member as found: its name, and where its raw bytes and central directory record are."""

    name: str
    info: zipfile.ZipInfo
    raw: bytes | None  # local header + compressed data (+ descriptor), exactly as in the file; None: no raw copy
    central: bytes | None  # its central directory record, exactly as in the file


class Package:
    """An OOXML package held in memory; changes stay in memory until `save`."""

    def __init__(self, data: bytes, *, path: str | os.PathLike[str] = "workbook") -> None:
        self.path = Path(path)
        if check_workbook(data, path=self.path) != "zip":
            raise UnreadableFileError("is an old binary workbook (.xls), which sheetsync cannot patch",
                                      path=self.path, hint="Save it as .xlsx in Excel first")
        self._zip = check_zip(data, path=self.path)
        self._data = data
        self._members = _members(data, self._zip)
        self._names = [member.name for member in self._members]
        self._changed: dict[str, bytes] = {}

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Package:
        """Read `path` (size, zip-bomb and DTD checks first); nothing is ever written to it."""
        return cls(read_limited(Path(path)), path=path)

    # ------------------------------------------------------------------------------------------------ parts

    def names(self) -> list[str]:
        """Every part name, in zip order (new parts last)."""
        return list(self._names)

    def has(self, name: str) -> bool:
        return name.lstrip("/") in self._changed or name.lstrip("/") in self._names

    def read(self, name: str) -> bytes:
        """A part's bytes, as changed so far."""
        name = name.lstrip("/")
        if name in self._changed:
            return self._changed[name]
        try:
            return self._zip.read(name)
        except KeyError:
            raise PackageError(f"has no part '{name}'", path=self.path) from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise UnreadableFileError(f"part '{name}' is damaged ({exc})", path=self.path,
                                      hint="Open and re-save it in Excel") from None

    def write(self, name: str, data: bytes, *, content_type: str | None = None) -> None:
        """Add or replace a part; with `content_type`, also declare it in [Content_Types].xml."""
        name = name.lstrip("/")
        if name not in self._names:
            self._names.append(name)
        self._changed[name] = data
        if content_type is not None:
            self.set_content_type(name, content_type)

    def changed(self) -> list[str]:
        """The parts added or rewritten so far (whatever their bytes)."""
        return [name for name in self._names if name in self._changed]

    # ------------------------------------------------------------------------------------------ declarations

    def content_type(self, name: str) -> str | None:
        """The content type [Content_Types].xml declares for a part (its Override, else its extension's Default)."""
        root = parse_xml(self.read("[Content_Types].xml"), what="[Content_Types].xml", path=self.path)
        part = "/" + name.lstrip("/")
        extension = part.rsplit(".", 1)[-1].lower()
        default = None
        for node in root:
            tag = _local(node.tag)
            if tag == "Override" and node.get("PartName", "").lower() == part.lower():
                found: str | None = node.get("ContentType")
                return found
            if tag == "Default" and node.get("Extension", "").lower() == extension:
                default = node.get("ContentType")
        return default

    def set_content_type(self, name: str, content_type: str) -> None:
        """Declare (or re-declare) one part's content type with an Override."""
        part = "/" + name.lstrip("/")
        xml = self.read("[Content_Types].xml")
        element = f'<Override PartName="{_attr(part)}" ContentType="{_attr(content_type)}"/>'.encode()
        pattern = re.compile(rb'<(?:\w+:)?Override\b[^>]*?\bPartName="' + re.escape(_attr(part).encode())
                             + rb'"[^>]*?/>', re.IGNORECASE)
        if pattern.search(xml):
            xml = pattern.sub(lambda _: element, xml, count=1)
        else:
            xml = _insert_before_close(xml, b"Types", element, path=self.path)
        self._changed["[Content_Types].xml"] = xml

    def add_default_content_type(self, extension: str, content_type: str) -> None:
        """Declare a Default for an extension (e.g. "bin"), unless one is there already."""
        xml = self.read("[Content_Types].xml")
        if re.search(rb'<(?:\w+:)?Default\b[^>]*?\bExtension="' + re.escape(extension.encode()) + rb'"', xml,
                     re.IGNORECASE):
            return
        element = f'<Default Extension="{_attr(extension)}" ContentType="{_attr(content_type)}"/>'.encode()
        self._changed["[Content_Types].xml"] = _insert_before_close(xml, b"Types", element, path=self.path)

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """Id -> (type, target as written) for a part's relationships; `source` "" is the package itself."""
        rels = rels_part(source)
        if not self.has(rels):
            return {}
        root = parse_xml(self.read(rels), what=rels, path=self.path)
        return {node.get("Id", ""): (node.get("Type", ""), node.get("Target", ""))
                for node in root if _local(node.tag) == "Relationship"}

    def add_relationship(self, source: str, rel_type: str, target: str, *, target_mode: str | None = None) -> str:
        """Add a relationship from `source` ("" for the package) and return its new Id ("rId7")."""
        rels = rels_part(source)
        existing = self.relationships(source)
        number = 1 + max((int(m.group(1)) for rid in existing if (m := re.fullmatch(r"rId(\d+)", rid))), default=0)
        rid = f"rId{number}"
        while rid in existing:
            number += 1
            rid = f"rId{number}"
        mode = f' TargetMode="{_attr(target_mode)}"' if target_mode else ""
        element = f'<Relationship Id="{rid}" Type="{_attr(rel_type)}" Target="{_attr(target)}"{mode}/>'.encode()
        if self.has(rels):
            self._changed[rels] = _insert_before_close(self.read(rels), b"Relationships", element, path=self.path)
        else:
            xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<Relationships xmlns="' + REL_NS.encode() + b'">' + element + b"</Relationships>")
            self.write(rels, xml)
            self.add_default_content_type("rels", "application/vnd.openxmlformats-package.relationships+xml")
        return rid

    def target_part(self, source: str, target: str) -> str:
        """The part name a relationship target points at, resolved against its source part."""
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))

    # ---------------------------------------------------------------------------------------------- sheets

    def sheets(self) -> dict[str, str]:
        """Sheet name -> its part name, in workbook order, from xl/workbook.xml and its relationships."""
        workbook = self.workbook_part()
        root = parse_xml(self.read(workbook), what=workbook, path=self.path)
        rels = self.relationships(workbook)
        found: dict[str, str] = {}
        for node in root.iter():
            if _local(node.tag) != "sheet":
                continue
            rid = node.get(f"{{{OFFICE_REL}}}id") or node.get(
                "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
            if rid in rels and node.get("name") is not None:
                found[node.get("name", "")] = self.target_part(workbook, rels[rid][1])
        return found

    def workbook_part(self) -> str:
        """The workbook's main part (xl/workbook.xml in every file Excel writes), from the package relationships."""
        for rel_type, target in self.relationships("").values():
            if rel_type.endswith("/officeDocument"):
                return target.lstrip("/")
        raise PackageError("has no workbook part (is it a spreadsheet?)", path=self.path)

    def sheet_part(self, sheet: str) -> str:
        """The worksheet part of the sheet named `sheet`; PackageError naming the sheets there are."""
        sheets = self.sheets()
        if sheet in sheets:
            return sheets[sheet]
        folded = {name.casefold(): part for name, part in sheets.items()}
        if sheet.casefold() in folded:
            return folded[sheet.casefold()]
        raise PackageError(f"has no sheet '{sheet}' (its sheets: {', '.join(sheets) or 'none'})", path=self.path)

    def set_cells(self, sheet: str, values: Mapping[str, CellValue], *, strings: str = "shared",
                  like: Mapping[str, str] | None = None) -> None:
        """Rewrite single cells ("G26" -> value) of one sheet, keeping each cell's style; cells and rows that are
        not there are created in order. Text goes to the shared strings (`strings="shared"`, when the workbook
        has them) or inline (`"inline"`); numbers and booleans as such; dates as serial numbers (the cell's own
        style shows them); None empties the cell but keeps its style. `like` ("G9" -> "G8") gives a cell that
        has no style of its own the style of another cell of the sheet (a date typed into a blank, unformatted
        cell would otherwise show as a serial number)."""
        if strings not in ("shared", "inline"):
            raise ValueError("strings must be 'shared' or 'inline'")
        part = self.sheet_part(sheet)
        cells: dict[tuple[int, int], CellValue] = {}
        for ref, value in values.items():
            try:
                cells[parse_a1(ref)] = value
            except ValueError:
                raise PackageError(f"'{ref}' is not a cell address", path=self.path) from None
        table = _SharedStrings(self) if strings == "shared" and self._shared_strings_part() else None
        xml = self.read(part)
        borrowed: dict[tuple[int, int], bytes] = {}
        for ref, source in (like or {}).items():
            tag = re.search(rb'<(?:\w+:)?c\b[^>]*?\br="' + re.escape(source.upper().encode()) + rb'"[^>]*>', xml)
            found = _S.search(tag.group(0)) if tag is not None else None
            if found is not None:
                borrowed[parse_a1(ref)] = found.group(1)
        xml = _patch_sheet(xml, cells, table, where=f"{self.path}, sheet '{sheet}'", styles=borrowed)
        self._changed[part] = xml
        if table is not None:
            table.store()

    def _shared_strings_part(self) -> str | None:
        workbook = self.workbook_part()
        for rel_type, target in self.relationships(workbook).values():
            if rel_type == SHARED_STRINGS_REL:
                part = self.target_part(workbook, target)
                return part if self.has(part) else None
        return None

    # ------------------------------------------------------------------------------------------------ save

    def to_bytes(self) -> bytes:
        """The package as a zip: untouched members copied raw, changed and new ones deflated afresh."""
        for name, data in self._changed.items():
            if name.endswith((".xml", ".rels")) and data:
                parse_xml(data, what=name, path=self.path)  # a patch never leaves a part unreadable
        if any(member.raw is None for member in self._members):
            return self._rezipped()
        out = BytesIO()
        central: list[bytes] = []
        originals = {member.name: member for member in self._members}
        for name in self._names:
            offset = out.tell()
            member = originals.get(name)
            if member is not None and name not in self._changed:
                assert member.raw is not None and member.central is not None
                out.write(member.raw)
                central.append(member.central[:42] + struct.pack("<I", offset) + member.central[46:])
            else:
                info = member.info if member is not None else None
                local, record = _fresh_member(name, self._changed[name], info)
                out.write(local)
                central.append(record[:42] + struct.pack("<I", offset) + record[46:])
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                              start, 0))
        return out.getvalue()

    def _rezipped(self) -> bytes:
        """The fallback for a zip64 or otherwise unusual archive: every member written again by zipfile, with
        its original name, time and compression."""
        out = BytesIO()
        originals = {member.name: member for member in self._members}
        with zipfile.ZipFile(out, "w") as archive:
            for name in self._names:
                member = originals.get(name)
                info = member.info if member is not None else zipfile.ZipInfo(name, time.localtime()[:6])
                if member is None:
                    info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, self.read(name))
        return out.getvalue()

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the package to a new file, atomically; never over the file it was opened from."""
        return write_bytes_atomic(path, self.to_bytes(), overwrite=overwrite, protect=(self.path,))


# --------------------------------------------------------------------------------------------------- helpers


def rels_part(source: str) -> str:
    """The relationships part of `source` ("xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"; "" -> "_rels/.rels")."""
    source = source.lstrip("/")
    folder, name = posixpath.split(source)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def parse_xml(data: bytes, *, what: str, path: str | os.PathLike[str]) -> Any:
    """Parse one part safely: no entities resolved, no network, no DTDs (check_zip refuses those earlier)."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFileError(f"part '{what}' is not well-formed XML ({exc})", path=path,
                                  hint="Open and re-save it in Excel") from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _insert_before_close(xml: bytes, tag: bytes, element: bytes, *, path: Path) -> bytes:
    closes = list(re.finditer(rb"</(?:\w+:)?" + tag + rb"\s*>", xml))
    if closes:
        match = closes[-1]
        return xml[:match.start()] + element + xml[match.start():]
    empty = re.search(rb"<((?:\w+:)?" + tag + rb")\b([^>]*?)/>", xml)
    if empty is None:
        raise PackageError(f"has no <{tag.decode()}> element to add to", path=path)
    return xml[:empty.start()] + b"<" + empty.group(1) + empty.group(2) + b">" + element + b"</" + empty.group(1) \
        + b">" + xml[empty.end():]


# ------------------------------------------------------------------------------------------------------ zip

_CENTRAL = struct.Struct("<4s6H3L5H2L")  # the 46 fixed bytes of a central directory record


def _members(data: bytes, archive: zipfile.ZipFile) -> list[_Member]:
    """The archive's members in central-directory order, each with its raw bytes where they can be copied as
    they are (not for zip64 archives, which are rewritten by zipfile instead)."""
    infos = archive.infolist()
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    zip64 = end < 0 or data.rfind(b"PK\x06\x07", max(0, end - 20), end) >= 0
    if not zip64:
        count, size, start = struct.unpack_from("<HLL", data, end + 10)
        zip64 = count == 0xFFFF or start == 0xFFFFFFFF or count != len(infos) or start + size > end
    if zip64:
        return [_Member(info.filename, info, None, None) for info in infos]
    records: list[bytes] = []
    at = start
    for _ in range(count):
        fields = _CENTRAL.unpack_from(data, at)
        if fields[0] != b"PK\x01\x02":
            return [_Member(info.filename, info, None, None) for info in infos]
        length = _CENTRAL.size + fields[10] + fields[11] + fields[12]
        records.append(data[at:at + length])
        at += length
    offsets = sorted({info.header_offset for info in infos} | {start})
    members = []
    for info, record in zip(infos, records, strict=True):
        following = offsets[offsets.index(info.header_offset) + 1]
        if 0xFFFFFFFF in (info.compress_size, info.file_size, info.header_offset):
            return [_Member(i.filename, i, None, None) for i in infos]
        members.append(_Member(info.filename, info, data[info.header_offset:following], record))
    return members


def _fresh_member(name: str, data: bytes, original: zipfile.ZipInfo | None) -> tuple[bytes, bytes]:
    """A local header + data and a central record (offset 0, set by the caller) for a new or changed member:
    deflated unless the original was stored, with the original's time and attributes."""
    stored = original is not None and original.compress_type == zipfile.ZIP_STORED
    if stored:
        body, method = data, 0
    else:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        body, method = packer.compress(data) + packer.flush(), 8
    when = original.date_time if original is not None else time.localtime()[:6]
    year, month, day, hour, minute, second = when
    dos_time = (hour << 11) | (minute << 5) | (second // 2)
    dos_date = (max(year, 1980) - 1980) << 9 | (month << 5) | day
    encoded = name.encode("utf-8")
    flags = 0x800 if not name.isascii() else 0
    crc = zlib.crc32(data)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, dos_time, dos_date, crc, len(body),
                        len(data), len(encoded), 0) + encoded + body
    external = original.external_attr if original is not None else 0
    made_by = (original.create_system << 8 | 20) if original is not None else 20
    central = _CENTRAL.pack(b"PK\x01\x02", made_by, 20, flags, method, dos_time, dos_date, crc, len(body), len(data),
                            len(encoded), 0, 0, 0, 0, external, 0) + encoded
    return local, central


# ---------------------------------------------------------------------------------------------------- cells


class _SharedStrings:
    """The workbook's shared string table, appended to (never reordered: cells elsewhere point into it)."""

    def __init__(self, package: Package) -> None:
        part = package._shared_strings_part()
        assert part is not None
        self.package = package
        self.part = part
        self.xml = package.read(part)
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

    def store(self) -> None:
        if not self.uses:
            return
        xml = self.xml
        if self.added:
            xml = _insert_before_close(xml, b"sst", b"".join(self.added), path=self.package.path)
        head = re.search(rb"<(?:\w+:)?sst\b[^>]*>", xml)
        if head is not None:
            tag = head.group(0)
            new_tag = _bump(tag, b"count", self.uses)
            new_tag = _bump(new_tag, b"uniqueCount", len(self.added))
            xml = xml[:head.start()] + new_tag + xml[head.end():]
        self.package._changed[self.part] = xml


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


def _cell_element(ref: str, style: bytes | None, value: CellValue, table: _SharedStrings | None,
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


def _patch_sheet(xml: bytes, cells: Mapping[tuple[int, int], CellValue], table: _SharedStrings | None, *,
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
               table: _SharedStrings | None, prefix: bytes, where: str,
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


__all__ = ["CellValue", "Package", "PackageError", "excel_serial", "parse_xml", "rels_part"]
