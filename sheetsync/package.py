"""Patching an .xlsx/.xlsm package in place of Excel: read parts, add or replace parts, relationships and content
types, rewrite single cells of a worksheet, and save a new file in which every untouched part is byte-identical.

Loading a workbook with openpyxl and saving it drops what users rely on (docs/excel.md). A package is a zip of
parts, so this module never re-serialises a workbook: untouched zip members are copied raw (local header and
compressed bytes as they were), a changed worksheet is changed only inside the cells named (`sheetsync.sheet_patch`
rewrites the cells and the shared strings), and the result is checked to parse before it is written (atomically,
through `sheetsync.files`).

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
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from sheetsync.errors import PackageError, UnreadableFileError
from sheetsync.files import write_bytes_atomic
from sheetsync.safety import check_workbook, check_zip, read_limited
from sheetsync.sheet_patch import CellValue, SharedStrings, insert_before_close, patch_sheet, styles_of
from sheetsync.text import parse_a1

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHARED_STRINGS_REL = OFFICE_REL + "/sharedStrings"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


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
            xml = insert_before_close(xml, b"Types", element, path=self.path)
        self._changed["[Content_Types].xml"] = xml

    def add_default_content_type(self, extension: str, content_type: str) -> None:
        """Declare a Default for an extension (e.g. "bin"), unless one is there already."""
        xml = self.read("[Content_Types].xml")
        if re.search(rb'<(?:\w+:)?Default\b[^>]*?\bExtension="' + re.escape(extension.encode()) + rb'"', xml,
                     re.IGNORECASE):
            return
        element = f'<Default Extension="{_attr(extension)}" ContentType="{_attr(content_type)}"/>'.encode()
        self._changed["[Content_Types].xml"] = insert_before_close(xml, b"Types", element, path=self.path)

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
            self._changed[rels] = insert_before_close(self.read(rels), b"Relationships", element, path=self.path)
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
        shared = self._shared_strings_part() if strings == "shared" else None
        table = SharedStrings(self.read(shared), path=self.path) if shared else None
        xml = self.read(part)
        styles = styles_of(xml, like or {})
        self._changed[part] = patch_sheet(xml, cells, table, where=f"{self.path}, sheet '{sheet}'", styles=styles)
        if shared and table is not None and (updated := table.updated()) is not None:
            self._changed[shared] = updated

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


__all__ = ["Package", "parse_xml", "rels_part"]
