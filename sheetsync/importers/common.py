"""What every importer shares: the `Document` the formats produce, reading and decoding the source, cleaning
cells (HTML fragments, entities, whitespace), marking lines and page furniture, header fields and evidence ids.

Text is kept as written apart from markup removal and whitespace normalisation; every cleaning is counted in the
`ImportReport` with its source lines.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.columns import match_header_label
from sheetsync.errors import UnreadableFileError, UnsupportedFormatError
from sheetsync.importers.interfaces import Source
from sheetsync.importers.report import ImportReport
from sheetsync.text import marking_of as shared_marking_of

# A published plan is tens of kilobytes; a saved web page a few megabytes. Text-like sources (text, Markdown,
# HTML, CSV) over this are refused before decoding, so a 50 MB file costs one stat() and no parsing.
MAX_TEXT_BYTES = 20 * 1024 * 1024

# ------------------------------------------------------------------------------------------- the document


@dataclass
class Line:
    """One source line (or table row) as cells; `no` is its 1-based line or row number in the source."""

    no: int
    cells: list[str]
    in_table: bool = False

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c.strip()]


@dataclass
class Table:
    rows: list[Line]
    name: str = ""


@dataclass
class Document:
    """A source reduced to what the shape parsers read: its lines (table rows as tab-separated cells, in
    document order) and its tables."""

    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    title: str = ""  # a web page's <title> (outside the body, so not among the lines)


# ---------------------------------------------------------------------------------------- reading bytes


def read_source(path: Path, *, limit: int) -> bytes:
    """The file's bytes, refused above `limit` before anything is read."""
    from sheetsync.safety import read_limited

    return read_limited(path, limit=limit)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes, *, path: object = None) -> tuple[str, str]:
    """(text, encoding): a byte-order mark if there is one, else UTF-16 recognised by its zero bytes, else
    UTF-8, else Windows-1252. Deterministic rules rather than statistical guessing: a plan is English text,
    and these three encodings are what Word, Excel, Notepad and browsers save."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise UnreadableFileError(f"starts with a {encoding} byte-order mark but is not {encoding} text",
                                          path=path, hint="Save it again as UTF-8 text") from None
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        encoding = "utf-16-le" if odds > evens else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            raise UnsupportedFormatError("is binary data, not text", path=path, hint=ACCEPTED_HINT) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise UnsupportedFormatError("is binary data (neither UTF-8 nor Windows-1252 text)", path=path,
                                     hint=ACCEPTED_HINT) from None


ACCEPTED_HINT = (
    "sheetsync imports a plan pasted as text (tab-separated grid, key/value blocks or labelled prose), a web "
    "page, Markdown, CSV, Word (.docx) or Excel (.xlsx) table")


def source_text(source: Source, report: ImportReport) -> str:
    """A text source decoded (the encoding noted in the report unless UTF-8), refused when it is binary data,
    with line endings made "\\n"."""
    decoded, encoding = decode_text(source.data, path=source.name)
    if encoding != "utf-8":
        report.clean("decoded", None, f"read as {encoding}")
    if looks_binary(decoded):
        raise UnsupportedFormatError("is binary data, not a plan", path=source.name, hint=ACCEPTED_HINT)
    return decoded.replace("\r\n", "\n").replace("\r", "\n")


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters (a binary file that happened to decode)."""
    sample = text[:8192]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(8, len(sample) // 50)


# ----------------------------------------------------------------------------------------------- cleaning

_BREAK_TAG = re.compile(r"<\s*br\s*/?\s*>|</\s*(?:p|div|li|h[1-6]|tr)\s*>\s*<\s*(?:p|div|li|h[1-6]|tr)\b[^<>]*>",
                        re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@dataclass
class CellCleaner:
    """Cleans cell text and counts what it removed, per source line."""

    report: ImportReport

    def __call__(self, text: str | None, line: int | None = None) -> str:
        if not text:
            return ""
        out = text
        if "<" in out and _TAG.search(out):
            out = _BREAK_TAG.sub("\n", out)
            out = _TAG.sub("", out)
            self.report.clean("html-removed", line, "HTML tags such as <p> removed from cells")
        if "&" in out and _ENTITY.search(out):
            out = html.unescape(out)
            self.report.clean("entities-decoded", line, "HTML entities such as &amp; decoded")
        return normalise_space(out)


def normalise_space(text: str) -> str:
    """Runs of spaces become one space; line breaks are kept (one blank line at most); ends trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_HSPACE.sub(" ", part).strip() for part in text.split("\n")]
    out: list[str] = []
    for part in lines:
        if part or (out and out[-1]):
            out.append(part)
    return "\n".join(out).strip()


def marking_of(text: str) -> str | None:
    """The protective marking when `text` is nothing but one, written as a marking ("OFFICIAL", "Official -
    Sensitive"); prose that merely says "official" is not one."""
    return shared_marking_of(text, as_written=True)


# ------------------------------------------------------------------------------------------ header fields

_TITLE = re.compile(r"stalking\b.*\baction\s+plan|action\s+plan\b.*\bstalking|super[- ]?complaint.*\baction\s+plan",
                    re.IGNORECASE)
_TITLE_FORCE = re.compile(r"^\s*(?P<name>.+?)\s*(?P<police>police\s+)?(?:stalking|super[- ]?complaint)\b",
                          re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[\[\(<]?\s*(?:the\s+)?force\s*['’]?s?\s*[\]\)>]?$", re.IGNORECASE)
_NOT_NAMES = {"police", "constabulary", "the", "the police", "our", "this", "a", "an", "draft", "updated"}
_NAMED_FORCE = re.compile(r"((?:[A-Z][a-z][\w'’&.-]*\s+){1,4}?)(?:Constabulary|Police Service|Police)\b")
_FORCE_WORDS = re.compile(r"\b(?:police|constabulary|police service|police force)$", re.IGNORECASE)


def is_title(text: str) -> bool:
    return bool(_TITLE.search(text)) and len(text) < 400


def force_from_title(title: str) -> str | None:
    """"Northshire Police Stalking Action Plan: …" -> "Northshire Police"; None for the template's placeholder
    ("Force Police Stalking Action Plan")."""
    match = _TITLE_FORCE.match(title)
    if match:
        name = match.group("name").strip(" -–—:,|")
        if not name or _PLACEHOLDER.match(name) or name.casefold() in _NOT_NAMES:
            return None
        if len(name) <= 60 and _FORCE_WORDS.search(name):
            return name
        if len(name) <= 40 and match.group("police"):
            return f"{name} Police"
    # "Stalking super-complaint: Larkshire Constabulary action plan": a capitalised name ending in a force word.
    found = _NAMED_FORCE.search(title)
    if found and not _PLACEHOLDER.match(found.group(1).strip()):
        return found.group(0).strip()
    return None


_SIDES = re.compile(r"\s+[/|–—-]\s+|\s*\n\s*")
_FORCE_NAME = re.compile(r"^(?:[A-Z][\w'’&.-]*\s+){0,5}?(?:[A-Z][\w'’&.-]*)\s+(?:Constabulary|Police Service|Police)$")


def sides(text: str) -> list[str]:
    """The parts of a bilingual or combined label ("Statws / Status", "Arweinydd / Lead"), the whole first."""
    parts = [p.strip() for p in _SIDES.split(text.strip()) if p.strip()]
    return [text.strip(), *parts] if len(parts) > 1 else [text.strip()]


def force_name(text: str) -> str | None:
    """A force's name when `text` is one, or a page title or first line that names one ("Heddlu Gwent / Gwent
    Police", "Eastvale Police - Stalking Action Plan")."""
    clean = " ".join(text.split())
    if not clean or len(clean) > 200:
        return None
    for part in [" ".join(p.split()) for p in sides(text)[1:]] or [clean]:
        if _FORCE_NAME.match(part) and not _PLACEHOLDER.match(part):
            return part
    return force_from_title(clean) if is_title(clean) else None


def header_field(cells: list[str]) -> tuple[str, str] | None:
    """("force", "British Transport Police") from ["Force:", "", "British Transport Police"] or
    ["Force: British Transport Police"]; None when the line is not a header-block line."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return None
    first = filled[0]
    key = _header_label(first) if len(first) <= 80 else None
    if key is not None and (value := " ".join(filled[1:]).strip()):
        return key, value
    if key is not None and not _LABEL_DASH.search(first):
        return None
    label, colon, value = first.partition(":")
    if colon and value.strip() and len(label) <= 80:
        key = _header_label(label)
        if key is not None:
            return key, " ".join([value.strip(), *filled[1:]]).strip()
    dashed = _LABEL_DASH.split(first, maxsplit=1)  # "Executive Lead – ACC Tom Price"
    if len(dashed) == 2 and dashed[1].strip() and len(dashed[0]) <= 60:
        key = match_header_label(dashed[0])
        if key is not None:
            return key, " ".join([dashed[1].strip(), *filled[1:]]).strip()
    return None


_LABEL_DASH = re.compile(r"\s+[–—-]\s+")


def _header_label(label: str) -> str | None:
    """The header field a label names, trying each side of a bilingual label ("Arweinydd Gweithredol /
    Executive Lead")."""
    return next((key for part in sides(label) if (key := match_header_label(part.rstrip(":"))) is not None), None)


# ------------------------------------------------------------------------------------------------ ids

ID_ONLY = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\s*[.:)]?\s*$")
ID_AND_TEXT = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})(?![\d.]*\d)\s*(?:[-–—:.)]\s*)?(?P<text>\S.*)?$", re.DOTALL)
REC_NUMBER = re.compile(r"^\s*(?:rec(?:ommendation)?\.?\s*(?:no\.?)?\s*)?(\d{1,2})\s*[.:)]?\s*$", re.IGNORECASE)


def split_id(text: str) -> tuple[str, str] | None:
    """("7.1", "Processes should …") from "7.1 Processes should …" or ("7.1", "") from "7.1"."""
    match = ID_AND_TEXT.match(text)
    if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        return None  # "0.1", "1.0": a version number, never an evidence id
    return f"{int(match.group(1))}.{int(match.group(2))}", (match.group("text") or "").strip()


def rec_number(text: str) -> str | None:
    match = REC_NUMBER.match(text)
    return str(int(match.group(1))) if match else None


def drop_trailing_empty(cells: Iterable[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1].strip():
        out.pop()
    return out


__all__ = ["MAX_TEXT_BYTES", "Document", "Line", "Table", "decode_text", "force_from_title", "header_field",
           "marking_of", "split_id"]
