"""What every importer shares: reading and decoding the source, cleaning cells, header fields, and the
builder that turns rows into a `Plan` while keeping the `ImportReport` honest.

Faithful, never inventive: rows stay under the recommendation the source put them under, text is kept as written
apart from markup removal and whitespace normalisation, and every line that could not be used is reported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from sheetsync.catalogue import catalogue
from sheetsync.columns import match_header_label
from sheetsync.errors import UnreadableFileError, UnsupportedFormatError
from sheetsync.model import Action, Plan, Recommendation, split_owners

# A published plan is tens of kilobytes; a saved web page a few megabytes. Text-like sources (text, Markdown,
# HTML, CSV) over this are refused before decoding, so a 50 MB file costs one stat() and no parsing.
MAX_TEXT_BYTES = 20 * 1024 * 1024

# ---------------------------------------------------------------------------------------------------- report


class Cleaning(BaseModel):
    """One kind of tidying the importer did, with how often and where (1-based source lines or rows)."""

    kind: str
    count: int = 0
    lines: list[int] = Field(default_factory=list)
    note: str = ""


class Unused(BaseModel):
    """A line, row or cell the importer could not put into the plan, and why."""

    line: int | None = None
    text: str
    reason: str


class ImportReport(BaseModel):
    """What an import found, what it cleaned, and what it could not use."""

    source: str | None = None
    format: str = ""
    shape: str = ""
    recommendations: int = 0
    evidence_rows: int = 0
    header_fields: dict[str, str] = Field(default_factory=dict)
    title: str | None = None
    protective_marking: str | None = None
    cleaned: list[Cleaning] = Field(default_factory=list)
    unused: list[Unused] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    output: str | None = None

    def clean(self, kind: str, line: int | None, note: str = "", *, count: int = 1) -> None:
        """Count `count` cleanings of `kind` at `line`."""
        entry = next((c for c in self.cleaned if c.kind == kind), None)
        if entry is None:
            entry = Cleaning(kind=kind, note=note)
            self.cleaned.append(entry)
        entry.count += count
        if line is not None and line not in entry.lines:
            entry.lines.append(line)

    def skip(self, line: int | None, text: str, reason: str, *, lost: bool = False) -> None:
        """Record something not used; `lost` when it looked like plan content (also a warning)."""
        self.unused.append(Unused(line=line, text=_clip(text), reason=reason))
        if lost:
            at = f"line {line}: " if line is not None else ""
            self.warn(f"{at}{reason}; not imported: {_clip(text, 60)!r}")

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def summary(self) -> str:
        """The report as readable text for the command line."""
        where = f" from {self.source}" if self.source else ""
        out = [f"Imported{where} ({self.format}, {self.shape or 'no shape'}): {self.recommendations} "
               f"recommendations, {self.evidence_rows} evidence rows."]
        if self.output:
            out.append(f"Wrote {self.output}.")
        if self.title:
            out.append(f"Title: {self.title}")
        for key, value in self.header_fields.items():
            out.append(f"{key.replace('_', ' ').capitalize()}: {value}")
        if self.protective_marking:
            out.append(f"Protective marking: {self.protective_marking}")
        if self.cleaned:
            out.append("Cleaned:")
            for c in self.cleaned:
                note = f" ({c.note})" if c.note else ""
                out.append(f"  {c.kind}: {c.count}{note}{_lines_text(c.lines)}")
        if self.unused:
            out.append(f"Not used ({len(self.unused)}):")
            for u in self.unused:
                at = f"line {u.line}: " if u.line is not None else ""
                out.append(f"  {at}{u.reason}: {u.text!r}")
        if self.warnings:
            out.append(f"Warnings ({len(self.warnings)}):")
            out.extend(f"  {w}" for w in self.warnings)
        return "\n".join(out)


def _lines_text(lines: list[int]) -> str:
    if not lines:
        return ""
    shown = ", ".join(str(n) for n in lines[:12])
    more = f" and {len(lines) - 12} more" if len(lines) > 12 else ""
    return f" at lines {shown}{more}"


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


_MARKING = re.compile(
    r"^(official(?:[\s-]+sensitive)?(?:\s*[-:–]\s*[a-z ]+)?|not protectively marked|unclassified|"
    r"(?:top\s+)?secret)$", re.IGNORECASE)
_PAGE = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s+of\s+\d+|-\s*\d+\s*-)$", re.IGNORECASE)


def marking_of(text: str) -> str | None:
    """The protective marking when `text` is nothing but one ("OFFICIAL", "OFFICIAL - SENSITIVE")."""
    clean = " ".join(text.split())
    return clean if clean and _MARKING.match(clean) and (clean.isupper() or clean.istitle()) else None


def is_page_furniture(text: str) -> bool:
    return bool(_PAGE.match(" ".join(text.split())))


# ------------------------------------------------------------------------------------------ header fields

_TITLE = re.compile(r"stalking\b.*\baction\s+plan|action\s+plan\b.*\bstalking|super[- ]?complaint.*\baction\s+plan",
                    re.IGNORECASE)
_TITLE_FORCE = re.compile(r"^\s*(?P<name>.+?)\s*(?P<police>police\s+)?(?:stalking|super[- ]?complaint)\b",
                          re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[\[\(<]?\s*(?:the\s+)?force\s*['’]?s?\s*[\]\)>]?$", re.IGNORECASE)
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
        if not name or _PLACEHOLDER.match(name) or name.casefold() in ("police", "constabulary", "the police"):
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


def header_field(cells: list[str]) -> tuple[str, str] | None:
    """("force", "British Transport Police") from ["Force:", "", "British Transport Police"] or
    ["Force: British Transport Police"]; None when the line is not a header-block line."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return None
    first = filled[0]
    key = match_header_label(first) if len(first) <= 60 else None
    if key is not None:
        value = " ".join(filled[1:]).strip()
        return (key, value) if value else None
    label, colon, value = first.partition(":")
    if colon and value.strip() and len(label) <= 60:
        key = match_header_label(label)
        if key is not None:
            return key, " ".join([value.strip(), *filled[1:]]).strip()
    return None


# ------------------------------------------------------------------------------------------------ ids

ID_ONLY = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\s*[.:)]?\s*$")
ID_AND_TEXT = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})(?![\d.]*\d)\s*(?:[-–—:.)]\s*)?(?P<text>\S.*)?$", re.DOTALL)
REC_NUMBER = re.compile(r"^\s*(?:rec(?:ommendation)?\.?\s*(?:no\.?)?\s*)?(\d{1,2})\s*[.:)]?\s*$", re.IGNORECASE)


def split_id(text: str) -> tuple[str, str] | None:
    """("7.1", "Processes should …") from "7.1 Processes should …" or ("7.1", "") from "7.1"."""
    match = ID_AND_TEXT.match(text)
    if not match:
        return None
    return f"{int(match.group(1))}.{int(match.group(2))}", (match.group("text") or "").strip()


def rec_number(text: str) -> str | None:
    match = REC_NUMBER.match(text)
    return str(int(match.group(1))) if match else None


# -------------------------------------------------------------------------------------------- building


@dataclass
class Row:
    """One evidence row (or a recommendation row) as an importer read it, before it joins the plan."""

    line: int | None
    rec_number: str | None = None
    rec_text: str | None = None
    action_id: str | None = None
    evidence: str | None = None
    owner: str | None = None
    update: str | None = None
    date: str | None = None
    status: str | None = None
    supporting_documents: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class PlanBuilder:
    """Collects rows in source order into recommendations, faithfully: a row belongs to the recommendation
    above it, even when its id says otherwise (validation reports that)."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.plan = Plan()
        self._current: Recommendation | None = None

    def header(self, key: str, value: str, line: int | None) -> None:
        if getattr(self.plan, key) is None:
            setattr(self.plan, key, value)
            self.report.header_fields[key] = value
        elif getattr(self.plan, key) != value:
            self.report.skip(line, value, f"a second '{key.replace('_', ' ')}' value; the first was kept")

    def title(self, text: str) -> None:
        if self.plan.title is None:
            self.plan.title = text
            self.report.title = text

    def marking(self, text: str, line: int | None) -> None:
        if self.plan.protective_marking is None:
            self.plan.protective_marking = text
            self.report.protective_marking = text
        self.report.clean("marking-lines-dropped", line, f"protective marking lines such as '{text}'")

    def start_recommendation(self, number: str, text: str | None, line: int | None) -> Recommendation:
        current = self._current
        if current is not None and current.number == number and (not text or text == current.text):
            # A merged cell repeated on every sub-row (Word tables, exported grids): the same recommendation.
            self.report.clean("repeated-recommendation-cells", line, "merged recommendation cells repeated")
            return current
        cat = catalogue().get(number)
        rec = Recommendation(number=number, text=text or None, deadline=cat.deadline if cat else None)
        self.plan.recommendations.append(rec)
        self._current = rec
        return rec

    def add(self, row: Row) -> None:
        """Place one row: a new recommendation when it names one, then its evidence requirement if any."""
        if row.rec_number:
            self.start_recommendation(row.rec_number, row.rec_text, row.line)
        elif row.rec_text and self._current is not None and row.action_id is None:
            self.report.skip(row.line, row.rec_text, "recommendation text without a number")
        if row.action_id is None:
            if not row.rec_number and any((row.evidence, row.owner, row.update, row.status)):
                self.report.skip(row.line, " | ".join(v for v in (row.evidence, row.owner, row.update, row.status)
                                                      if v), "a row without an evidence id or recommendation "
                                 "number", lost=True)
            return
        if self._current is None:
            number = row.action_id.partition(".")[0]
            self.report.clean("recommendation-from-id", row.line,
                              "recommendation number taken from the evidence id (the source gave none)")
            self.start_recommendation(number, row.rec_text, row.line)
        assert self._current is not None
        self._current.actions.append(make_action(row, self.report))

    def prefix_recommendation(self, action_id: str, line: int | None) -> None:
        """Start the recommendation an id belongs to when the source gives ids only (no recommendation rows)."""
        number = action_id.partition(".")[0]
        if self._current is None or self._current.number != number:
            self.report.clean("recommendation-from-id", line,
                              "recommendation number taken from the evidence id (the source gave none)")
            cat = catalogue().get(number)
            rec = Recommendation(number=number, deadline=cat.deadline if cat else None)
            self.plan.recommendations.append(rec)
            self._current = rec

    @property
    def current(self) -> Recommendation | None:
        return self._current

    def finish(self, *, shape: str) -> Plan:
        plan = self.plan
        if plan.force is None and plan.title:
            name = force_from_title(plan.title)
            if name:
                plan.force = name
                self.report.header_fields["force"] = name
                self.report.clean("force-from-title", None, f"force name '{name}' taken from the title")
        self.report.shape = shape
        self.report.recommendations = len(plan.recommendations)
        self.report.evidence_rows = sum(len(r.actions) for r in plan.recommendations)
        _misplaced(plan, self.report)
        return plan


def make_action(row: Row, report: ImportReport) -> Action:
    from sheetsync.dates import parse_date
    from sheetsync.vocabulary import normalise

    assert row.action_id is not None
    action = Action(id=row.action_id, evidence=row.evidence or None, owner=row.owner or None,
                    owners=split_owners(row.owner), update=row.update or None,
                    supporting_documents=row.supporting_documents or None, extra=dict(row.extra))
    if row.status:
        match = normalise(row.status)
        action.status, action.progress, action.status_raw = match.status, match.progress, row.status
        if match.status is None:
            hint = f" (did they mean '{match.suggestion}'?)" if match.suggestion else ""
            report.warn(f"{row.action_id}: status '{_clip(row.status, 60)}' is not a status word{hint}; "
                        "kept as written")
    if row.date:
        parsed = parse_date(row.date)
        action.date, action.date_raw = parsed.date, row.date
        if parsed.date is None:
            report.warn(f"{row.action_id}: date '{_clip(row.date, 40)}' is not a date sheetsync can read; "
                        "kept as written")
    return action


def _misplaced(plan: Plan, report: ImportReport) -> None:
    for rec in plan.recommendations:
        for action in rec.actions:
            prefix = action.id.partition(".")[0]
            if prefix != rec.number:
                report.warn(f"{action.id} sits under recommendation {rec.number} in the source; kept there "
                            "(validation reports it)")


def drop_trailing_empty(cells: Iterable[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1].strip():
        out.pop()
    return out


__all__ = ["MAX_TEXT_BYTES", "Cleaning", "Document", "ImportReport", "Line", "PlanBuilder", "Row", "Table",
           "Unused", "decode_text", "force_from_title", "header_field", "marking_of", "split_id"]
