"""Keeping many versions of one workbook in little space: content-defined chunks, with zip deflate undone and redone.

An .xlsx is a zip of deflated XML, so two saves that differ in one cell share almost nothing byte for byte. A
workbook is therefore split at its zip members: a deflated member whose exact bytes this Python's zlib reproduces
is kept as its XML, cut into content-defined chunks (which repeat from version to version and are stored once);
anything else is kept as it is. `unpack` rebuilds the exact bytes, and `pack_workbook` proves it can before it
returns, falling back to whole, unchanged bytes when it cannot. Pure functions: no I/O, no SQLite.

Exact bytes depend on the zlib that deflates them again: another zlib (zlib-ng in Windows Python builds, another
version, a SIMD build) may deflate the same XML to different, equally valid bytes. So `content_parts` records each
part's content hash (a member's uncompressed XML, or bytes kept as they are), which no zlib can change;
`part_failures` checks them, and `relink` builds the zip with this zlib's deflate output and its sizes and offsets
corrected: the same members, in the same order, with the same content, the same headers, timestamps and comments.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
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
    names: dict[int, str] = field(default_factory=dict)  # segment index -> the zip member it holds the data of

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
        packed.names[len(packed.segments)] = info.filename
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
    """Raw deflate at `level` with this Python's zlib (the one step whose bytes depend on the zlib build)."""
    deflater = zlib.compressobj(level, zlib.DEFLATED, -15)
    return deflater.compress(plain) + deflater.flush()


def zlib_params() -> dict[str, Any]:
    """What `deflate` depends on: this Python's zlib and the parameters it is called with."""
    return {"runtime": zlib.ZLIB_RUNTIME_VERSION, "compiled": zlib.ZLIB_VERSION, "wbits": -15, "memlevel": 8,
            "strategy": "Z_DEFAULT_STRATEGY"}


def pieces(segments: list[Segment], chunks: Mapping[int, bytes]) -> list[bytes]:
    """Each segment's bytes ("d" ones deflated by this zlib); joined, they are what `unpack` returns."""
    out: list[bytes] = []
    for segment in segments:
        kind = segment[0]
        if kind == "b":
            out.append(base64.b64decode(segment[1]))
        elif kind == "c":
            out.append(b"".join(chunks[ref] for ref in segment[1]))
        elif kind == "d":
            out.append(deflate(b"".join(chunks[ref] for ref in segment[2]), int(segment[1])))
        else:
            raise ValueError(f"unknown segment kind {kind!r}")
    return out


def unpack(segments: list[Segment], chunks: Mapping[int, bytes]) -> bytes:
    """The exact bytes that `segments` describe; `chunks` maps each ref to its chunk."""
    return b"".join(pieces(segments, chunks))


# --- content that no zlib can change ------------------------------------------------------------------------------

# A part: [segment index, zip member name or None, sha256 of its content, content size, original deflated size or
# None]. Content: a "d" segment's uncompressed member, a "c" segment's bytes as kept. "b" segments (zip headers,
# the central directory) are written out in the manifest itself, so the manifest's own hash covers them.
Part = list[Any]


def _content_refs(segment: Segment) -> list[int] | None:
    if segment[0] == "c":
        return list(segment[1])
    if segment[0] == "d":
        return list(segment[2])
    return None


def content_parts(packed: Packed) -> list[Part]:
    """The content hash of every "c" and "d" segment of a packed workbook."""
    parts: list[Part] = []
    sizes = iter(packed.deflated_sizes)
    for index, segment in enumerate(packed.segments):
        found = _content_refs(segment)
        if found is None:
            continue
        content = b"".join(packed.chunks[ref] for ref in found)
        zsize = next(sizes) if segment[0] == "d" else None
        parts.append([index, packed.names.get(index), hashlib.sha256(content).hexdigest(), len(content), zsize])
    return parts


def part_label(part: Part) -> str:
    return f"part {part[1]}" if part[1] else f"part {part[0]} (bytes kept as they are)"


def part_failures(segments: list[Segment], chunks: Mapping[int, bytes], parts: list[Part],
                  cache: dict[tuple[int, ...], str] | None = None) -> list[str]:
    """What fails its content hash (empty: every part's content is as recorded). `cache` (refs -> sha256) saves
    hashing a part again when many snapshots share it; it must only ever hold hashes of checked chunks."""
    failures: list[str] = []
    recorded = {int(part[0]): part for part in parts}
    for index, segment in enumerate(segments):
        found = _content_refs(segment)
        if found is None:
            continue
        part = recorded.pop(index, None)
        if part is None:
            failures.append(f"segment {index} (no recorded hash)")
            continue
        key = tuple(found)
        digest = cache.get(key) if cache is not None else None
        if digest is None:
            try:
                content = b"".join(chunks[ref] for ref in found)
            except KeyError:
                failures.append(f"{part_label(part)} (missing chunks)")
                continue
            digest = hashlib.sha256(content).hexdigest()
            if cache is not None:
                cache[key] = digest
        if digest != part[2]:
            failures.append(part_label(part))
    failures.extend(f"{part_label(part)} (no such segment)" for part in recorded.values())
    return failures


def relink(segments: list[Segment], built: list[bytes], parts: list[Part]) -> bytes:
    """The zip that `segments` describe, with this zlib's deflate output (`built`, from `pieces`) in place of the
    original's: every compressed size (local header, data descriptor, central directory) and every offset
    (local headers, central directory) corrected; every other byte as it was. ValueError when the layout is not
    one this can correct (zip64), or the result does not read back with every CRC right."""
    original = {int(part[0]): int(part[4]) for part in parts if part[4] is not None}
    if set(original) != {index for index, segment in enumerate(segments) if segment[0] == "d"}:
        raise ValueError("the recorded sizes do not match the deflated members")
    old_starts: list[int] = []
    new_starts: list[int] = []
    old = new = 0
    for index, piece in enumerate(built):
        old_starts.append(old)
        new_starts.append(new)
        old += original.get(index, len(piece))
        new += len(piece)

    def piece_at(old_offset: int) -> int:
        return bisect.bisect_right(old_starts, old_offset) - 1

    def moved(old_offset: int) -> int:
        index = piece_at(old_offset)
        if index < 0 or (index in original and old_offset != old_starts[index]) or old_offset > old:
            raise ValueError(f"offset {old_offset} is inside a recompressed member")
        return new_starts[index] + old_offset - old_starts[index]

    out = bytearray(b"".join(built))

    def u16(at: int) -> int:
        value: int = struct.unpack_from("<H", out, at)[0]
        return value

    def u32(at: int) -> int:
        value: int = struct.unpack_from("<I", out, at)[0]
        return value

    end = out.rfind(b"PK\x05\x06", max(0, len(out) - 22 - 0xFFFF))
    if end < 0 or end + 22 + u16(end + 20) != len(out):
        raise ValueError("no end of central directory record")
    if out.rfind(b"PK\x06\x07", max(0, end - 20), end) >= 0:
        raise ValueError("a zip64 archive")
    entries, cd_old = u16(end + 10), u32(end + 16)
    if entries == 0xFFFF or cd_old == 0xFFFFFFFF:
        raise ValueError("a zip64 archive")
    entry = moved(cd_old)
    struct.pack_into("<I", out, end + 16, entry)
    starts = {start: index for index, start in enumerate(old_starts) if index in original}
    for _ in range(entries):
        if out[entry:entry + 4] != b"PK\x01\x02":
            raise ValueError("a damaged central directory")
        flags, csize, local_old = u16(entry + 8), u32(entry + 20), u32(entry + 42)
        if 0xFFFFFFFF in (csize, u32(entry + 24), local_old):
            raise ValueError("a zip64 member")
        local = moved(local_old)
        struct.pack_into("<I", out, entry + 42, local)
        if out[local:local + 4] != b"PK\x03\x04":
            raise ValueError("a damaged local header")
        body_old = local_old + 30 + u16(local + 26) + u16(local + 28)
        member = starts.get(body_old)
        if member is not None:
            if original[member] != csize:
                raise ValueError("the recorded size does not match the central directory")
            size = len(built[member])
            struct.pack_into("<I", out, entry + 20, size)
            if u32(local + 18) == csize:
                struct.pack_into("<I", out, local + 18, size)
            elif not (flags & 0x08 and u32(local + 18) == 0):
                raise ValueError("a local header that disagrees with the central directory")
            if flags & 0x08:  # the sizes follow the data, in a data descriptor
                descriptor = moved(body_old + csize)
                at = descriptor + (8 if out[descriptor:descriptor + 4] == b"PK\x07\x08" else 4)
                if u32(at) != csize:
                    raise ValueError("a data descriptor that disagrees with the central directory")
                struct.pack_into("<I", out, at, size)
        entry += 46 + u16(entry + 28) + u16(entry + 30) + u16(entry + 32)
    result = bytes(out)
    try:
        with zipfile.ZipFile(BytesIO(result)) as archive:
            bad = archive.testzip()
            count = len(archive.infolist())
    except (zipfile.BadZipFile, zlib.error, ValueError, struct.error, OSError, EOFError) as exc:
        raise ValueError(f"the re-linked zip does not read back ({exc})") from exc
    if bad is not None or count != entries:
        raise ValueError(f"the re-linked zip does not read back ({bad or 'member count'})")
    return result


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


__all__ = ["Packed", "Part", "Segment", "content_parts", "cut", "cut_member", "deflate", "pack_text", "pack_workbook",
           "part_failures", "part_label", "pieces", "refs", "relink", "remap", "unpack", "zlib_params"]
