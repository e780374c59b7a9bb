"""Checks made before any parser sees a file: size, kind, zip bombs, XML bombs, encryption.

Every reader of user files (the workbook reader, the .docx and .xlsx importers) calls `check_workbook` or
`check_zip` first, so a hostile file is refused in bounded time and memory with one clear line.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path
from typing import Literal

from sheetsync.errors import UnreadableFileError

MAX_FILE_BYTES = 100 * 1024 * 1024  # a plan workbook is kilobytes; 100 MB is already absurd
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB
MAX_MEMBERS = 10_000

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

Kind = Literal["zip", "ole"]


def read_limited(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing anything that is not a regular file (a folder, a device such as /dev/zero, a
    pipe that might never end) and files over `limit`, before reading them."""
    try:
        # O_NONBLOCK: opening a pipe with no writer would otherwise wait for ever (a regular file ignores it).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableFileError("file not found", path=path, hint="Check the name and folder") from None
    except IsADirectoryError:
        raise UnreadableFileError("is a folder, not a file", path=path, hint="Name the workbook itself") from None
    except OSError as exc:
        raise UnreadableFileError(f"cannot open it ({exc.strerror or exc})", path=path,
                                  hint="Close it in other programs or check permissions") from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFileError("is a folder, not a file", path=path, hint="Name the workbook itself")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError("is not a regular file (a device, pipe or socket)", path=path,
                                      hint="Name a workbook saved on disk")
        if info.st_size > limit:
            raise UnreadableFileError(f"is {info.st_size / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit for a "
                                      "plan", path=path, hint="Check this is the right file")
        try:
            data = stream.read(limit + 1)  # never more, even if the file grows while it is read
        except OSError as exc:
            raise UnreadableFileError(f"cannot read it ({exc.strerror or exc})", path=path,
                                      hint="Close it in other programs or check permissions") from None
    if len(data) > limit:
        raise UnreadableFileError(f"is over the {limit / 1e6:.0f} MB limit for a plan", path=path,
                                  hint="Check this is the right file")
    return data


def excel_owner_file(path: Path) -> Path | None:
    """Excel's "~$" owner file beside `path`, if there is one: the workbook is open in Excel, perhaps mid-save."""
    name = path.name
    for candidate in ("~$" + name, "~$" + name[2:]):
        owner = path.with_name(candidate)
        if len(name) > 2 and owner.is_file():
            return owner
    return None


def check_workbook(data: bytes, *, path: Path | str) -> Kind:
    """Say what kind of container `data` is, refusing what no plan workbook can be."""
    return "zip" if open_workbook(data, path=path) is not None else "ole"


def open_workbook(data: bytes, *, path: Path | str) -> zipfile.ZipFile | None:
    """`check_workbook`, handing back the checked zip (None for an .xls, which is not a zip)."""
    if not data:
        raise UnreadableFileError("is empty (0 bytes)", path=path, hint="Save the workbook again and retry")
    if data.startswith(OLE_MAGIC):
        head = data[: 1 << 20]
        if any(marker in head for marker in _ENCRYPTED_MARKERS):
            raise UnreadableFileError(
                "is password-protected (encrypted), so it cannot be read", path=path,
                hint="Open it in Excel, remove the password (File > Info > Protect Workbook) and save a copy")
        return None
    if data.startswith(ZIP_MAGIC):
        return check_zip(data, path=path)
    if data[:5].lower() in (b"<?xml", b"<html") or data[:9].lower() == b"<!doctype":
        raise UnreadableFileError("is a web page or XML file, not a workbook", path=path,
                                  hint="To bring a published plan in, use 'sheetsync import'")
    raise UnreadableFileError(
        "is not an Excel workbook (.xlsx, .xlsm, .xls or .ods)", path=path,
        hint="If it is a plan as text, a web page, CSV or Word, use 'sheetsync import' to make a workbook")


def check_zip(data: bytes, *, path: Path | str) -> zipfile.ZipFile:
    """Open `data` as a zip after checking it cannot explode: member count, total and ratio, DTDs in XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFileError(f"is damaged or incomplete ({exc})", path=path,
                                  hint="Copy the file again from its source, or open and re-save it in Excel") from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableFileError(f"holds {len(members)} parts, far more than any workbook", path=path)
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableFileError(
                f"part '{info.filename}' would expand {info.file_size // max(info.compress_size, 1)}-fold "
                "(a zip bomb?); refusing to open it", path=path)
    if total > MAX_UNZIPPED_BYTES:
        raise UnreadableFileError(f"would expand to {total / 1e6:.0f} MB; refusing to open it", path=path)
    if any(info.flag_bits & 0x1 for info in members):
        raise UnreadableFileError("has encrypted parts", path=path, hint="Save an unprotected copy")
    for info in members:
        if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
            try:
                with archive.open(info) as member:
                    head = member.read(65536)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise UnreadableFileError(f"part '{info.filename}' is damaged ({exc})", path=path,
                                          hint="Open and re-save it in Excel") from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnreadableFileError(
                    f"part '{info.filename}' declares a DTD, which Excel never writes (an XML bomb?); "
                    "refusing to read it", path=path)
    return archive


__all__ = ["MAX_FILE_BYTES", "check_workbook", "check_zip", "excel_owner_file", "open_workbook", "read_limited"]
