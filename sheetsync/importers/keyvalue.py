"""Shape 2: a police website's rendering: one key/value block per evidence requirement.

    By 27 March 2025, where required, seek changes to …        <- the recommendation, a plain line
    Recommendation:                     | 7.1 |                 <- a block starts
    Evidence requirements of progress:  | Processes should … |
    Recommendation owner:               | … |
    Force update: | … |   Date: | Nov-24 |   Status: | Action complete |   Supporting documents: | … |

The same reading serves copied text ("Key:<TAB>value", "Key: value", or the key alone with its value on the next
lines) and HTML (table rows become tab-separated lines). Site furniture (cookie banners, "Leave this site",
navigation, footer links) is dropped and counted. Labelled prose (shape 3) shares this module's block logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from sheetsync.catalogue import catalogue
from sheetsync.columns import match_heading
from sheetsync.importers.build import PlanBuilder, Row
from sheetsync.importers.common import (
    CellCleaner,
    Document,
    header_field,
    is_title,
    marking_of,
    rec_number,
    split_id,
)
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan
from sheetsync.text import is_page_furniture

_NAME = "key-value"

_FURNITURE = re.compile(
    r"(cookie|leave this site|quick exit|exit this site|skip to (?:main )?content|accept (?:all|additional)|"
    r"reject (?:all|additional)|privacy (?:notice|policy)|accessibility|terms and conditions|contact us|"
    r"^menu$|^search$|^home$|^back to top$|^share (?:this|on)|^follow us|sign up|©|copyright|all rights reserved|"
    r"^print(?: this page)?$|^report$|^close$|^report (?:it|a crime|online)|^you are here|^breadcrumb|^sitemap$|"
    r"^was this page (?:useful|helpful)|^(?:yes|no)$|^give feedback|^related (?:pages|links)|^in this section$|"
    r"^on this page$|^download\b.*\(pdf|^last (?:updated|reviewed)\b)", re.IGNORECASE)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december")
_DEADLINE = re.compile(
    r"^(?:by\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _MONTHS + r")\s+20\d\d|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.IGNORECASE)
_REC_HEADING = re.compile(r"^(?:recommendation|rec\.?)\s+(\d{1,2})(?!\d|\.\d)\s*(?:[:.\-–—)]\s*(?P<text>.*))?$",
                          re.IGNORECASE | re.DOTALL)
_NUMBERED = re.compile(r"^(\d{1,2})(?!\d|\.\d)\s*[:.\-–—)]\s+(?P<text>\S.*)$", re.DOTALL)
_ID_KEYS = {"recommendation", "recommendation number", "rec no", "rec", "evidence id", "reference", "ref", "id",
            "recommendation no", "number", "no"}


def is_furniture(text: str) -> bool:
    return (len(text) < 160 and bool(_FURNITURE.search(text))) or is_page_furniture(text)


@cache
def _catalogue_openings() -> tuple[str, ...]:
    """The wording of each catalogue recommendation after its deadline ("where required, seek changes …")."""
    out = []
    for rec in catalogue().recommendations:
        body = rec.text.split(",", 1)[-1] if rec.text.lower().startswith(("by ", "27", "22")) else rec.text
        out.append(" ".join(body.split())[:40].casefold())
    return tuple(out)


def rec_candidate(text: str) -> tuple[str | None, str] | None:
    """(number or None, text) when a plain line reads as a recommendation's text or heading."""
    match = _REC_HEADING.match(text)
    if match:
        return str(int(match.group(1))), (match.group("text") or "").strip()
    match = _NUMBERED.match(text)
    if match and (_DEADLINE.match(match.group("text")) or _known(match.group("text"))):
        return str(int(match.group(1))), match.group("text").strip()
    if _DEADLINE.match(text) or _known(text):
        return None, text
    return None


def _known(text: str) -> bool:
    folded = " ".join(text.split()).casefold()
    return len(folded) > 40 and any(opening in folded for opening in _catalogue_openings())


def key_of(label: str) -> str | None:
    """The field a block label names ("Recommendation owner:" -> "owner"), "id" for the block's id key."""
    clean = label.strip().rstrip(":").strip()
    if not clean or len(clean) > 60 or len(clean.split()) > 7:
        return None
    folded = " ".join(re.sub(r"[^a-z0-9 ]+", " ", clean.casefold()).split())
    if folded in _ID_KEYS:
        return "id"
    found = match_heading(clean)
    if found in ("rec_number", "rec_text", "action_id"):
        return "id"
    return found


@dataclass
class _Block:
    line: int
    action_id: str
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    last: tuple[str, str] | None = None  # ("field"|"extra", key) the next plain line continues

    def put(self, key: str, label: str, value: str) -> None:
        if self.fields.get(key):
            name = label.strip().rstrip(":").strip()
            self.extra[name] = value
            self.last = ("extra", name)
        else:
            self.fields[key] = value
            self.last = ("field", key)

    def awaits_value(self) -> bool:
        """The last label read has no value yet."""
        assert self.last is not None
        where, key = self.last
        return not (self.fields if where == "field" else self.extra).get(key)

    def cont(self, text: str) -> None:
        assert self.last is not None
        where, key = self.last
        target = self.fields if where == "field" else self.extra
        target[key] = f"{target[key]}\n{text}" if target.get(key) else text


class _Reader:
    """The block state machine shared by key/value pages and labelled prose."""

    def __init__(self, report: ImportReport, *, prose: bool) -> None:
        self.report = report
        self.prose = prose
        self.builder = PlanBuilder(report)
        self.block: _Block | None = None
        self.pending: tuple[int, str | None, list[str]] | None = None  # a recommendation waiting for its blocks
        self.last_was_rec = False
        self.current_from_text = False
        self.await_id: int | None = None  # line of a "Recommendation:" label whose id is on the next line
        self.after_blank = False  # the last line seen was blank
        self.follows_blank = False  # the line being read comes after a blank one
        self.labels: dict[str, str] = {}  # label as written -> the field it was read into (for the report)
        self.starts: list[int] = []  # the line each evidence block starts on

    # -- lines -----------------------------------------------------------------------------------------------
    def line(self, no: int, cells: list[str]) -> None:
        filled = [c for c in cells if c]
        if not filled:
            self.report.clean("blank-lines-dropped", no)
            self.after_blank = True
            return
        self.follows_blank, self.after_blank = self.after_blank, False
        text = " ".join(filled)
        if self.await_id is not None:
            label_line, self.await_id = self.await_id, None
            parts = split_id(text)
            if len(filled) == 1 and parts is not None and not parts[1]:
                self._open(label_line, parts[0])
                return
            self.report.skip(label_line, "Recommendation:", "a 'Recommendation:' label with no evidence id after it")
        marking = marking_of(text)
        if marking:
            self.builder.marking(marking, no)
            return
        if self._start(no, filled):
            self.last_was_rec = False
            return
        if self._keyed(no, filled):
            self.last_was_rec = False
            return
        if is_furniture(text):
            self.report.clean("site-furniture-dropped", no, "cookie banners, navigation, footer links")
            return
        head = header_field(filled)
        if head is not None and self.block is None and not self.builder.plan.recommendations:
            self.builder.header(*head, no)
            return
        if is_title(text) and self.builder.plan.title is None and not self.builder.plan.recommendations:
            self.builder.title(text)
            return
        self._plain(no, "\n".join(filled))

    def _start(self, no: int, filled: list[str]) -> bool:
        if self.prose:
            found = _prose_start(filled[0])
            if found is None:
                return False
            action_id, evidence = found
            self._open(no, action_id)
            assert self.block is not None
            if evidence or len(filled) > 1:
                self.block.put("evidence", "evidence", "\n".join([evidence, *filled[1:]]).strip())
            else:
                self.block.last = ("field", "evidence")
                self.block.fields["evidence"] = ""
            return True
        key, value = _split_key(filled)
        if key != "id" or value is None:
            return False
        if not value:
            self._flush()
            self.await_id = no
            return True
        parts = split_id(value)
        if parts is None or parts[1]:
            number = rec_number(value)
            if number is not None and parts is None:
                self._flush()
                self.pending = (no, number, [])
                return True
            return False
        self._open(no, parts[0])
        return True

    def _keyed(self, no: int, filled: list[str]) -> bool:
        key, value = _split_key(filled)
        if key is None and self.block is not None and len(filled) == 2 and filled[0].endswith(":") and (
                len(filled[0]) <= 60):
            # "Notes: | …": a labelled value the plan has no field for, kept under its label.
            label = filled[0].rstrip(":").strip()
            self.labels.setdefault(label, "kept beside the plan's fields")
            self.block.extra[label] = filled[1]
            self.block.last = ("extra", label)
            return True
        if key is None or key == "id":
            return False
        label = filled[0].partition(":")[0] if len(filled) == 1 else filled[0]
        if self.block is None:
            self.report.skip(no, " ".join(filled), f"a '{label.strip()}' line outside any evidence block")
            return True
        self.labels.setdefault(label.strip().rstrip(":").strip(), key)
        self.block.put(key, label, value or "")
        return True

    def _plain(self, no: int, text: str) -> None:
        if (self.block is not None and self.block.last == ("field", "date") and self.block.awaits_value()
                and not self.follows_blank and _is_date(text)):
            self.block.cont(text)  # "Date:" on one line, "14/01/2025" right under it (not a deadline line)
            return
        candidate = rec_candidate(text)
        if candidate is not None:
            number, body = candidate
            if self.pending is not None and self.last_was_rec and number is None:
                pno, pnum, texts = self.pending
                self.pending = (pno, pnum, [*texts, body])
            else:
                self._flush()
                self._settle_pending(number)
                self.pending = (no, number, [body] if body else [])
            self.last_was_rec = True
            return
        self.last_was_rec = False
        if self.pending is not None and self.pending[2] == [] and self.block is None:
            # "Recommendation 7" on its own line, the text on the next.
            pno, pnum, _ = self.pending
            self.pending = (pno, pnum, [text])
            self.last_was_rec = True
            return
        if self.block is not None and self.block.last is not None:
            self.block.cont(text)
            return
        self.report.skip(no, text, "text outside the plan's blocks")

    def _settle_pending(self, number: str | None) -> None:
        """A recommendation line followed by another before any block: a heading and then the text of the same
        recommendation (the heading is reported), or a recommendation with no evidence blocks (kept)."""
        if self.pending is None:
            return
        pno, pnum, texts = self.pending
        self.pending = None
        if pnum is not None and pnum != number:
            self.builder.start_recommendation(pnum, "\n".join(texts) or None, pno)
            self.current_from_text = True
        elif texts:
            self.report.skip(pno, "\n".join(texts), "a heading before the recommendation's text")

    # -- blocks ----------------------------------------------------------------------------------------------
    def _open(self, no: int, action_id: str) -> None:
        self._flush()
        if self.pending is not None:
            pno, number, texts = self.pending
            self.builder.start_recommendation(number or action_id.partition(".")[0], "\n".join(texts) or None,
                                              pno)
            self.pending = None
            self.current_from_text = True
        elif self.builder.current is None or not self.current_from_text:
            self.builder.prefix_recommendation(action_id, no)
        self.block = _Block(line=no, action_id=action_id)
        self.starts.append(no)

    def _flush(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        f = block.fields
        self.builder.add(Row(line=block.line, action_id=block.action_id, evidence=f.get("evidence"),
                             owner=f.get("owner"), update=f.get("update"), date=f.get("date"),
                             status=f.get("status"), supporting_documents=f.get("supporting_documents"),
                             extra=block.extra))

    def finish(self, shape: str) -> Plan:
        self._flush()
        if self.starts:
            shown = ", ".join(str(n) for n in self.starts[:12]) + (" …" if len(self.starts) > 12 else "")
            labels = "; ".join(f"'{label}' as {key.replace('_', ' ')}" for label, key in self.labels.items())
            self.report.where(f"{len(self.starts)} evidence blocks starting at lines {shown}; labels read: {labels}")
        if self.pending is not None:
            pno, number, texts = self.pending
            if number is not None:
                self.builder.start_recommendation(number, "\n".join(texts) or None, pno)
            else:
                self.report.skip(pno, "\n".join(texts), "recommendation text with no evidence blocks after it")
        return self.builder.finish(shape=shape)


def _is_date(text: str) -> bool:
    from sheetsync.dates import parse_date

    return len(text) <= 40 and parse_date(text).date is not None


def _split_key(filled: list[str]) -> tuple[str | None, str | None]:
    """(field, value) for "Key:" / "Key: value" / ["Key:", "value"]; (None, None) otherwise."""
    if len(filled) >= 2:
        key = key_of(filled[0])
        if key is not None:
            return key, "\n".join(filled[1:]).strip()
    label, colon, value = filled[0].partition(":")
    if not colon:
        return None, None
    key = key_of(label)
    if key is None:
        return None, None
    return key, "\n".join([value.strip(), *filled[1:]]).strip()


_PROSE_START = re.compile(
    r"^\s*(\d{1,2}\.\d{1,2})(?![.\d])\s*(?:[-–—:]\s*(?:evidence\s+requirements?(?:\s+of\s+progress"
    r"(?:\s*/\s*completion)?)?\s*:?)?|\s+evidence\s+requirements?(?:\s+of\s+progress(?:\s*/\s*completion)?)?"
    r"\s*:?)\s*(?P<text>.*)$", re.IGNORECASE | re.DOTALL)


def _prose_start(text: str) -> tuple[str, str] | None:
    match = _PROSE_START.match(text)
    if not match:
        return None
    major, _, minor = match.group(1).partition(".")
    return f"{int(major)}.{int(minor)}", match.group("text").strip()


def read_blocks(doc: Document, report: ImportReport, *, prose: bool, shape: str) -> Plan:
    reader = _Reader(report, prose=prose)
    clean = CellCleaner(report)
    for line in doc.lines:
        reader.line(line.no, [clean(c, line.no) for c in line.cells])
    return reader.finish(shape)


def _candidate(doc: Document) -> bool:
    lines = [[c.strip() for c in line.cells if c.strip()] for line in doc.lines]
    lines = [filled for filled in lines if filled]
    return any(_looks_like_start(filled, lines[i + 1] if i + 1 < len(lines) else [])
               for i, filled in enumerate(lines))


def _looks_like_start(filled: list[str], following: list[str]) -> bool:
    if len(filled) > 3:
        return False
    key, value = _split_key(filled)
    if key != "id" or value is None:
        return False
    if not value and len(following) == 1:
        value = following[0]
    parts = split_id(value)
    return parts is not None and not parts[1]


def _parse(doc: Document, report: ImportReport) -> Plan:
    return read_blocks(doc, report, prose=False, shape=_NAME)


class KeyValue:
    """A police website's key/value blocks, one per evidence requirement."""

    name = _NAME

    def sniff(self, doc: Document) -> bool:
        return _candidate(doc)

    def load(self, doc: Document, report: ImportReport) -> Plan:
        return _parse(doc, report)


SHAPE = KeyValue()
