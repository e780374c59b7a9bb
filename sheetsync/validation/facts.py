"""What rules read: the run's `Context` (the plan, the as-of date, the vocabulary and catalogue lookups) and the
facts of each recommendation (`RecRow`) and evidence row (`Row`), worked out once before any rule runs.

The memoised helpers here are pure (a status, an owner or an evidence text judged the same every time it
appears): a plan repeats its statuses and owners row after row, so each distinct value is judged once. Without
them (and `deadlines.judge`'s cache) validate() takes 1.34 ms instead of 0.81 ms on a 39-row plan and 6.2 ms
instead of 3.2 ms on 200 rows (CPU time, fastest of 120 runs, bench_validate's plans, 2026-12-02). They memoise
results, never decisions to run or skip a rule: every rule sees every row.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from sheetsync.catalogue import Catalogue, CatalogueRecommendation, EvidenceRequirement, catalogue
from sheetsync.dates import long_date
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.validation.heuristics import history_markers, truncation_reason
from sheetsync.vocabulary import StatusDef, StatusMatch, Vocabulary

ID = re.compile(r"^(\d{1,3})\.(\d{1,3})$")
TAGS = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"



def blank(value: object) -> bool:
    return value is None or not str(value).strip()


def short(text: str | None, limit: int = 120) -> str | None:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_key(text: str | None) -> str:
    """A text reduced to its lower-case words (markup and punctuation gone), for comparing wordings."""
    return _NON_WORD.sub(" ", TAGS.sub(" ", text or "").casefold()).strip()


def row_of(cell: str | None) -> int | None:
    """The row number of a cell address as findings give it ('G26' -> 26; a range's digits run together)."""
    if not cell:
        return None
    number = cell.lstrip(_COLUMN_LETTERS)
    if number.isascii() and number.isdigit():  # the usual "G26"
        return int(number)
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


# RecRow and Row are NamedTuples (immutable, like a frozen dataclass): one is built per row on every run, and a
# frozen slotted dataclass of this many fields costs about 5 µs to build against 0.6 µs (timeit, this machine),
# which alone made a 200-row plan's validation 25 % slower than before the rule registry.
class RecRow(NamedTuple):
    """One recommendation of the plan and what the rules need to know about it."""

    place: int  # its index in the plan
    rec: Recommendation
    number: str  # its number, trimmed
    cat_rec: CatalogueRecommendation | None  # the national recommendation of that number
    text: str  # its text with any markup removed


class Row(NamedTuple):
    """One evidence row (an action) and what the rules need to know about it."""

    place: tuple[int, int]  # (index of its recommendation in the plan, its index there)
    rec: RecRow
    action: Action
    raw_id: str  # the id as typed
    trimmed: str  # the id as typed, trimmed
    prefix: str  # the trimmed id up to its first dot
    action_id: str | None  # the trimmed id when it is a number like 7.1, else None
    label: str  # how messages name the row: its id, or the id as typed in quotes when it is not one
    name: str  # the trimmed id, or the id as typed in quotes when that is empty
    national: EvidenceRequirement | None  # the national evidence requirement of its id
    national_text: str | None  # its national wording
    evidence_other: str | None  # the id whose national wording the evidence text is, when not its own
    evidence_cut: str | None  # why the evidence text looks cut off (`heuristics.truncation_reason`), or None
    owner_blank: bool
    owner_default: bool  # the owner cell still holds an addressee ("Chief Constables")
    status: StatusMatch
    definition: StatusDef | None  # the status it means, when the cell can be read as one
    status_plain: bool  # the list's own word as typed and no separate percentage: nothing for status rules
    has_update: bool
    markers: list[int]  # where earlier updates kept in the cell start (`heuristics.history_markers`)
    undated: bool  # an update with no date, typed or read


class Context:
    """One validation run: the plan, its rows' facts and the lookups the rules share."""

    def __init__(self, plan: Plan, as_of: date, vocabulary: Vocabulary) -> None:
        self.plan = plan
        self.as_of = as_of
        self.vocab = vocabulary
        self.cat: Catalogue = catalogue()
        self.cat_recs = {rec.number: rec for rec in self.cat.recommendations}
        self.cat_evidence = {ev.id: ev for rec in self.cat.recommendations for ev in rec.evidence}
        self.published = self.cat.report.published
        self._statuses: dict[str, tuple[StatusMatch, StatusDef | None]] = {}
        self._owner_defaults: dict[str, bool] = {}
        self._evidence: dict[tuple[str, str | None], tuple[str | None, str | None]] = {}
        self.recs: list[RecRow] = []
        self.rows: list[Row] = []
        for r_index, rec in enumerate(plan.recommendations):
            number = str(rec.number).strip()
            rec_row = RecRow(r_index, rec, number, self.cat_recs.get(number), TAGS.sub(" ", rec.text or ""))
            self.recs.append(rec_row)
            for a_index, action in enumerate(rec.actions):
                self.rows.append(self._row(rec_row, a_index, action))
        # The first row of each well-formed id (a later one is a duplicate), and every id and prefix present.
        self.first_of_id: dict[str, Row] = {}
        for row in self.rows:
            if row.action_id is not None:
                self.first_of_id.setdefault(row.action_id, row)
        self.present_numbers = {rec.number for rec in self.recs}
        self.present_ids = {row.trimmed for row in self.rows}
        self.present_prefixes = {row.trimmed.partition(".")[0] for row in self.rows}
        # Updates without a date: reported once for the plan when no update has one (and there are a few).
        self.updates = sum(row.has_update for row in self.rows)
        self.undated = [row for row in self.rows if row.undated]
        self.undated_plan_wide = bool(self.undated) and len(self.undated) == self.updates and self.updates > 3

    def _row(self, rec: RecRow, a_index: int, action: Action) -> Row:
        # The memo lookups are written out here (not through the helpers) as this runs for every row.
        raw = action.id
        raw_id = raw if isinstance(raw, str) else str(raw)
        trimmed = raw_id.strip()
        action_id = trimmed if ID.match(trimmed) else None
        raw_status = action.status_raw if action.status_raw is not None else action.status
        status_key = "" if raw_status is None else str(raw_status)
        match, definition = self._statuses.get(status_key) or self.status_of(status_key)
        update = action.update
        has_update = update is not None and bool(str(update).strip())
        national = self.cat_evidence.get(action_id) if action_id else None
        national_text = national.text if national else None
        evidence = action.evidence
        other = cut = None
        if evidence is not None and evidence != national_text and str(evidence).strip():
            other, cut = (self._evidence.get((evidence, national_text))
                          or self.evidence_judgement(evidence, national_text))
        owner, date_raw = action.owner, action.date_raw
        owner_blank = owner is None or not str(owner).strip()
        owner_default = False
        if not owner_blank:
            owner_key = str(owner)
            known = self._owner_defaults.get(owner_key)
            owner_default = self.is_owner_default(owner_key) if known is None else known
        return Row((rec.place, a_index), rec, action, raw_id, trimmed, trimmed.partition(".")[0], action_id,
                   action_id or repr(raw), (trimmed if raw_id is raw else raw.strip()) or repr(raw), national,
                   national_text, other, cut, owner_blank, owner_default, match, definition,
                   match.how == "exact" and action.progress is None, has_update,
                   history_markers(update) if has_update else [],
                   has_update and action.date is None and (date_raw is None or not str(date_raw).strip()))

    # Pure helpers, memoised for the run ------------------------------------------------------------------
    def status_of(self, raw: str) -> tuple[StatusMatch, StatusDef | None]:
        """How a status cell reads, and the status it means (None when it cannot be read as one)."""
        known = self._statuses.get(raw)
        if known is None:
            match = self.vocab.normalise(raw)
            if match.how == "bad-percentage":
                definition = self.vocab.get(match.suggestion)
            elif match.how == "empty" or not match.ok:
                definition = None
            else:
                definition = self.vocab.get(match.status)
            known = self._statuses[raw] = (match, definition)
        return known

    def is_owner_default(self, owner: str) -> bool:
        """The owner cell still holds an addressee ("Chief Constables")."""
        known = self._owner_defaults.get(owner)
        if known is None:
            known = self._owner_defaults[owner] = self.cat.is_owner_default(owner)
        return known

    def evidence_judgement(self, text: str, national: str | None) -> tuple[str | None, str | None]:
        """For an evidence text that is not its national wording: the id whose national text it is (or None),
        and why it looks cut off (or None)."""
        key = (text, national)
        known = self._evidence.get(key)
        if known is None:
            other: str | None = None
            if national is not None:
                mine = text_key(text)
                if mine != text_key(national):
                    other = evidence_by_text().get(mine)
            known = self._evidence[key] = (other, truncation_reason(TAGS.sub(" ", text), full=national))
        return known


_EVIDENCE_BY_TEXT: dict[str, str] = {}


def evidence_by_text() -> dict[str, str]:
    """Each national evidence text (as `text_key` gives it) and its id."""
    if not _EVIDENCE_BY_TEXT:
        for rec in catalogue().recommendations:
            for ev in rec.evidence:
                if ev.text:
                    _EVIDENCE_BY_TEXT[text_key(ev.text)] = ev.id
    return _EVIDENCE_BY_TEXT


__all__ = ["ID", "TAGS", "Context", "RecRow", "Row", "blank", "evidence_by_text", "long_date", "row_of", "short",
           "text_key"]
