"""Keeping many versions of one workbook in little space: content-defined chunks, with zip deflate undone and redone.

An .xlsx is a zip of deflated XML, so two saves that differ in one cell share almost nothing byte for byte. A
workbook is therefore split at its zip members: a deflated member whose exact bytes this Python's zlib reproduces
is kept as its XML, cut into content-defined chunks (which repeat from version to version and are stored once);
anything else is kept as it is. `unpack` rebuilds the exact bytes, and `pack_workbook` proves it can before it
returns, falling back to whole, unchanged bytes when it cannot. Pure functions: no I/O, no SQLite.
"""

from __future__ import annotations

import base64
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

# A chunk ends after a separator whose piece hashes to 0 mod CUT_MASK+1, once it is MIN_CHUNK long; never past
# MAX_CHUNK. Cut points depend on content, not on position, so an edit disturbs only the chunks around it.
MIN_CHUNK = 512
MAX_CHUNK = 32 * 1024
CUT_MASK = 0x07
# Where a zip member may be cut, best first: whole rows, whole shared strings, lines, any tag end, object ends.
_MEMBER_SEPARATORS = (b"</row>", b"</si>", b"\n", b">", b"}")
# The deflate levels tried, most likely first (Python's zipfile, so xlsxwriter and openpyxl, uses 6).
LEVELS = (6, 9, 1, 5, 7, 8, 4, 3, 2)
_LOCAL_HEADER = b"PK\x03\x04"

# A segment is JSON-able: ["b", base64 bytes] kept inline, ["c", [refs]] the chunks joined, ["d", level, [refs]]
# the chunks joined and raw-deflated at that level. A ref indexes `Packed.chunks` (the store maps it to a blob).
Segment = list[Any]


@dataclass
class Packed:
    segments: list[Segment] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    deflated_sizes: list[int] = field(default_factory=list)  # compressed size of each "d" segment, in order

    def chunks_by_ref(self) -> dict[int, bytes]:
        return dict(enumerate(self.chunks))

    def add_chunks(self, parts: list[bytes]) -> list[int]:
        start = len(self.chunks)
        self.chunks.extend(parts)
        return list(range(start, start + len(parts)))


def cut(data: bytes, sep: bytes = b"\n", mask: int = CUT_MASK) -> list[bytes]:
    """Split `data` into content-defined chunks that end just after a `sep` (or at MAX_CHUNK)."""
    chunks: list[bytes] = []
    start = piece = 0
    size = len(data)
    view = memoryview(data)
    while start < size:
        hit = data.find(sep, piece)
        end = size if hit < 0 else hit + len(sep)
        length = end - start
        if length >= MAX_CHUNK:
            end = start + MAX_CHUNK
        elif hit >= 0 and (length < MIN_CHUNK or zlib.crc32(view[piece:end]) & mask):
            piece = end
            continue
        chunks.append(data[start:end])
        start = piece = end
    return chunks


def pack_text(data: bytes, sep: bytes = b"}") -> Packed:
    """Text such as the canonical plan JSON, cut after `sep` (for JSON: where objects end)."""
    packed = Packed()
    packed.segments.append(["c", packed.add_chunks(cut(data, sep))])
    return packed


def cut_member(data: bytes) -> list[bytes]:
    """A zip member cut between rows or shared strings where it has them (few, large pieces: fast), else between
    lines, tags or objects."""
    for sep in _MEMBER_SEPARATORS:
        if data.count(sep) >= 8:
            return cut(data, sep)
    return cut(data, b">")


def pack_workbook(data: bytes) -> Packed:
    """A workbook's bytes as segments and chunks; exact (checked), whatever the file is."""
    try:
        packed = _pack_zip(data)
    except (zipfile.BadZipFile, zlib.error, ValueError, struct.error, OSError, EOFError):
        packed = None
    if packed is not None:
        return packed
    whole = Packed()
    whole.segments.append(["c", whole.add_chunks([data])])
    return whole


def _pack_zip(data: bytes) -> Packed | None:
    """Segments that rebuild `data` exactly, or None. Each "d" segment was proved by deflating it back
    (`_redeflate`); `_covers` proves that the rest join to the original bytes, without deflating again."""
    if not data.startswith(_LOCAL_HEADER):
        return None
    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = sorted(archive.infolist(), key=lambda info: info.header_offset)
    packed = Packed()
    position = 0
    deflate_ok = True  # one writer made the file: once its deflate is not ours, stop trying
    for index, info in enumerate(members):
        start = info.header_offset
        if start < position or data[start:start + 4] != _LOCAL_HEADER:
            return None
        if start > position:
            _inline(packed, data[position:start])
        name_len, extra_len = struct.unpack("<HH", data[start + 26:start + 30])
        body = start + 30 + name_len + extra_len
        end = body + info.compress_size
        following = members[index + 1].header_offset if index + 1 < len(members) else None
        if end > len(data) or (following is not None and end > following):
            return None
        _inline(packed, data[start:body])
        raw = data[body:end]
        level = None
        if info.compress_type == zipfile.ZIP_DEFLATED and deflate_ok and raw:
            plain, level = _redeflate(raw)
            if level is None and len(raw) >= 1024:
                deflate_ok = False
        if level is not None:
            packed.segments.append(["d", level, packed.add_chunks(cut_member(plain))])
            packed.deflated_sizes.append(len(raw))
        elif info.compress_type == zipfile.ZIP_STORED:
            packed.segments.append(["c", packed.add_chunks(cut_member(raw))])
        else:
            packed.segments.append(["c", packed.add_chunks([raw])])
        position = end
    if position < len(data):
        _inline(packed, data[position:])
    return packed if _covers(packed, data) else None


def _covers(packed: Packed, data: bytes) -> bool:
    """The segments, laid end to end, are exactly `data` (deflated ones taken on trust of `_redeflate`)."""
    position = 0
    sizes = iter(packed.deflated_sizes)
    for segment in packed.segments:
        if segment[0] == "d":
            position += next(sizes)
            continue
        part = unpack([segment], packed.chunks_by_ref())
        if data[position:position + len(part)] != part:
            return False
        position += len(part)
    return position == len(data)


def _inline(packed: Packed, raw: bytes) -> None:
    if raw:
        packed.segments.append(["b", base64.b64encode(raw).decode("ascii")])


def _redeflate(raw: bytes) -> tuple[bytes, int | None]:
    """The member's plain bytes and the zlib level that deflates them back to `raw` exactly (None: no level)."""
    inflater = zlib.decompressobj(-15)
    plain = inflater.decompress(raw)
    if not inflater.eof or inflater.unused_data:
        return b"", None
    for level in LEVELS:
        deflater = zlib.compressobj(level, zlib.DEFLATED, -15)
        head = deflater.compress(plain)
        if raw[:len(head)] != head:
            continue
        if head + deflater.flush() == raw:
            return plain, level
    return b"", None


def deflate(plain: bytes, level: int) -> bytes:
    deflater = zlib.compressobj(level, zlib.DEFLATED, -15)
    return deflater.compress(plain) + deflater.flush()


def unpack(segments: list[Segment], chunks: Mapping[int, bytes]) -> bytes:
    """The exact bytes that `segments` describe; `chunks` maps each ref to its chunk."""
    out = bytearray()
    for segment in segments:
        kind = segment[0]
        if kind == "b":
            out += base64.b64decode(segment[1])
        elif kind == "c":
            out += b"".join(chunks[ref] for ref in segment[1])
        elif kind == "d":
            out += deflate(b"".join(chunks[ref] for ref in segment[2]), int(segment[1]))
        else:
            raise ValueError(f"unknown segment kind {kind!r}")
    return bytes(out)


def refs(segments: list[Segment]) -> list[int]:
    """Every chunk ref the segments use, in order."""
    found: list[int] = []
    for segment in segments:
        if segment[0] == "c":
            found.extend(segment[1])
        elif segment[0] == "d":
            found.extend(segment[2])
    return found


def remap(segments: list[Segment], mapping: Mapping[int, int]) -> list[Segment]:
    """The same segments with every chunk ref replaced through `mapping` (chunk index -> blob id)."""
    out: list[Segment] = []
    for segment in segments:
        if segment[0] == "c":
            out.append(["c", [mapping[ref] for ref in segment[1]]])
        elif segment[0] == "d":
            out.append(["d", segment[1], [mapping[ref] for ref in segment[2]]])
        else:
            out.append(list(segment))
    return out


__all__ = ["Packed", "Segment", "cut", "cut_member", "deflate", "pack_text", "pack_workbook", "refs", "remap", "unpack"]
