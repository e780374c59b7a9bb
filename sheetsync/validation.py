"""Validation: every problem in a plan as data (a `Finding` with a stable code), never as an exception.

`validate(plan)` runs on each press of the Excel button in a fresh Python, so this module imports only the
model, the vocabulary, the catalogue and the text heuristics (no pandas, no rich).

| code | severity | what it means |
| --- | --- | --- |
| empty-plan | error | the plan has no evidence requirements at all |
| missing-status | error | an evidence requirement has no status |
| unknown-status | error | the status is not in the list (typo, RAG colour, prose); suggestion = closest status |
| status-not-canonical | info | a recognised variant (case, spacing, synonym, "50 %"); suggestion = the list's word |
| bad-progress | error / warning | a percentage outside 0–100 (error); on a status other than In Progress (warning) |
| missing-owner | warning | no owner (a cell of spaces counts as empty) |
| owner-unassigned | warning | the owner is still an addressee default ("Chief Constables"): nobody owns it |
| missing-update | warning | the status says started, done or BAU but there is no update |
| missing-date | warning | an update has no date (one plan-wide finding when no update has a date) |
| bad-date | error / warning | unreadable or impossible (error); after as-of or before the report existed (warning) |
| bad-action-id | error | the evidence id is not N.M after trimming |
| duplicate-action | error | the same evidence id twice |
| misplaced-action | error | the id's prefix is not the recommendation it sits under |
| unknown-recommendation | info / warning | a number not in the catalogue (local: info); not a number (warning) |
| unknown-action | info | an evidence id the catalogue does not have under a national recommendation (a local one) |
| missing-recommendation | error | a national recommendation is absent |
| missing-action | error | a national evidence requirement is absent |
| missing-evidence | warning | the evidence text is blank where the national text exists; suggestion = that text |
| evidence-mismatch | warning | the evidence text is the national text of another id (rows swapped or pasted) |
| deadline-mismatch | warning | the deadline in the recommendation text disagrees with the real one or with itself |
| deadline-wording | info | a deadline written without "By" ("27 March 2025, make sure …") |
| overdue | warning | the deadline has passed at the as-of date and the status is not done |
| pending-language | warning | status done/BAU but the (latest) update describes work still to do |
| history-in-cell | info | earlier updates kept inside the cell ("… UPDATE: …") instead of dated records |
| truncated-text | warning | an update, evidence or recommendation text cut off mid-sentence |
| duplicate-update | warning | the same or nearly the same update on another action |
| hidden-row | warning | plan data in a hidden row |
| missing-header-field | warning | Force, Executive Lead or Operational Lead empty; template title left unchanged |
| formula-not-calculated | error | a formula with no calculated value: its value is unknown |
| value-under-no-header | warning | a value in a column with no heading (ignored by the reader) |
| number-in-text-column | warning | a number typed into a text column |
| merged-input-cell | warning | an input cell merged over several evidence rows |
| blank-row | info | a blank row inside the grid |
| id-trimmed | info | an evidence id typed with spaces or line breaks around it |
| text-date | info | a date typed as text, read by rule |
| serial-date | info | a number in the Date column read as an Excel serial date |
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sheetsync.catalogue import CatalogueRecommendation, add_months_days, catalogue
from sheetsync.errors import ConfigError
from sheetsync.heuristics import duplicate_matches, history_markers, pending_in_latest, truncation_reason
from sheetsync.model import Action, Plan, ReadNote, Recommendation, Severity, assemble, split_ref, trusted
from sheetsync.vocabulary import StatusDef, StatusMatch, Vocabulary, default_vocabulary

SEVERITY: dict[str, Severity] = {
    "empty-plan": "error", "missing-status": "error", "unknown-status": "error", "status-not-canonical": "info",
    "bad-progress": "error", "missing-owner": "warning", "owner-unassigned": "warning",
    "missing-update": "warning", "missing-date": "warning", "bad-date": "error", "bad-action-id": "error",
    "duplicate-action": "error", "misplaced-action": "error", "unknown-recommendation": "info",
    "unknown-action": "info", "missing-recommendation": "error", "missing-action": "error",
    "missing-evidence": "warning", "evidence-mismatch": "warning", "deadline-mismatch": "warning",
    "deadline-wording": "info", "overdue": "warning", "pending-language": "warning", "history-in-cell": "info",
    "truncated-text": "warning", "duplicate-update": "warning", "hidden-row": "warning",
    "missing-header-field": "warning", "formula-not-calculated": "error", "value-under-no-header": "warning",
    "number-in-text-column": "warning", "merged-input-cell": "warning", "blank-row": "info", "id-trimmed": "info",
    "text-date": "info", "serial-date": "info",
}
CODES: tuple[str, ...] = tuple(SEVERITY)
_RANK = {"error": 0, "warning": 1, "info": 2}


class Finding(BaseModel):
    """One problem, where it is, and what to do about it."""

    # Built by `trusted` (see sheetsync.model); the schema is built only for JSON output.
    model_config = ConfigDict(defer_build=True)

    code: str
    severity: Severity
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    recommendation: str | None = None
    action: str | None = None
    field: str | None = None
    value: str | None = None
    message: str
    suggestion: str | None = None

    @property
    def where(self) -> str | None:
        """'Action Plan!G26', or None when the plan was not read from a workbook."""
        if self.cell is None:
            return None
        return f"{self.sheet}!{self.cell}" if self.sheet else self.cell


# _Checker.add builds each finding from a dict in this order.
assert tuple(Finding.model_fields) == ("code", "severity", "sheet", "cell", "row", "recommendation", "action",
                                       "field", "value", "message", "suggestion")


class ValidationReport(BaseModel):
    """The findings for one plan; `ok` when none is an error."""

    model_config = ConfigDict(defer_build=True)

    ok: bool
    summary: dict[str, Any]
    findings: list[Finding] = Field(default_factory=list)
    evidence_requirements: int = Field(default=0, exclude=True)


# --- entry point -------------------------------------------------------------------------------------------


def validate(plan: Plan, *, as_of: date | None = None, vocabulary: Vocabulary | None = None,
             ignore: Iterable[str] = ()) -> ValidationReport:
    """Check `plan` against the vocabulary, the catalogue and the date rules (all judged as on `as_of`)."""
    ignored = set(ignore)
    unknown = sorted(ignored - set(CODES))
    if unknown:
        raise ConfigError(f"unknown finding code(s) to ignore: {', '.join(unknown)}",
                          hint=f"Codes are: {', '.join(CODES)}.")
    if vocabulary is None:
        vocabulary = Vocabulary.from_list(plan.status_list) if plan.status_list else default_vocabulary()
    checker = _Checker(plan, as_of or date.today(), vocabulary, ignored)
    findings = checker.run()
    counts = Counter(f.severity for f in findings)
    summary: dict[str, Any] = {
        "error": counts["error"], "warning": counts["warning"], "info": counts["info"],
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }
    return trusted(ValidationReport, ok=counts["error"] == 0, summary=summary, findings=findings,
                   evidence_requirements=sum(len(r.actions) for r in plan.recommendations))


# --- the checks --------------------------------------------------------------------------------------------

_ID = re.compile(r"^(\d{1,3})\.(\d{1,3})$")
_LEADING_ID = re.compile(r"^\s*(\d{1,3}\.\d{1,3})\b")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DEADLINE = re.compile(
    r"(?P<by>\bby\s+)?(?P<date>(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>" + "|".join(_MONTHS) + r")\s+"
    r"(?P<y>\d{4})|(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{2}|\d{4}))"
    r"(?:\s*\((?P<rule>[^)]{0,40}?from\s+publication)\))?",
    re.IGNORECASE,
)
# Where _DEADLINE's date part matches, without the groups and written to start with a bare digit: the regex
# engine then skips ahead to the next digit, where _DEADLINE (its "By" optional) is tried at every character.
_DEADLINE_DATE = re.compile(
    r"\d\d?(?:(?:st|nd|rd|th)?\s+(?:" + "|".join(_MONTHS) + r")\s+\d{4}|/\d{1,2}/(?:\d{2}|\d{4}))", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}
_RULE = re.compile(r"(?P<n>\d+|[a-z-]+)\s+(?P<unit>days?|weeks?|months?|years?)", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")
_TAGS = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


def _blank(value: str | None) -> bool:
    return value is None or not str(value).strip()


def _short(text: str | None, limit: int = 120) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_key(text: str | None) -> str:
    return _NON_WORD.sub(" ", _TAGS.sub(" ", text or "").casefold()).strip()


# What check_action says of a row's update (whether undated rows are reported one by one is decided plan-wide).
_NO_UPDATE, _DATED, _UNDATED = 0, 1, 2


class _Checker:
    """Runs every rule over one plan, collecting findings in plan order."""

    def __init__(self, plan: Plan, as_of: date, vocabulary: Vocabulary, ignored: set[str]) -> None:
        self.plan = plan
        self.as_of = as_of
        self.vocab = vocabulary
        self.ignored = ignored
        self.cat = catalogue()
        self.cat_recs = {rec.number: rec for rec in self.cat.recommendations}
        self.cat_evidence = {ev.id: ev for rec in self.cat.recommendations for ev in rec.evidence}
        self.cat_deadlines = {number: rec.deadline for number, rec in self.cat_recs.items()}
        self.published = self.cat.report.published
        self._owner_default: dict[str, bool] = {}
        self.findings: list[tuple[tuple[int, int], Finding]] = []
        self.order = (-1, 0)
        self.rec: Recommendation | None = None
        self._status_cache: dict[str, StatusMatch] = {}
        # Per distinct value within this run: a plan repeats its statuses, owners and local evidence texts.
        self._status_defs: dict[str | None, StatusDef | None] = {}
        self._plain_status: dict[str | None, StatusDef] = {}  # raw status -> its definition, nothing to report
        self._owner_kind: dict[str | None, str] = {}
        self._evidence_cache: dict[tuple[str, str | None], tuple[str | None, str | None]] = {}
        self.present_ids: set[str] = set()
        self.present_prefixes: set[str] = set()

    # Findings -------------------------------------------------------------------------------------------
    def add(self, code: str, message: str, *, action: Action | None = None, rec: Recommendation | None = None,
            field: str | None = None, value: object = None, suggestion: str | None = None,
            severity: Severity | None = None, ref: str | None = None, action_id: str | None = None,
            rec_number: str | None = None) -> None:
        if code in self.ignored:
            return
        if ref is None:
            if action is not None:
                ref = action.cells.get(field or "id") or action.cells.get("id")
            elif rec is not None:
                ref = rec.cells.get(field or "number") or rec.cells.get("number")
        sheet, cell = split_ref(ref)
        if action is not None and action_id is None:
            action_id = action.id.strip() or action.id
        if rec is not None and rec_number is None:
            rec_number = rec.number
        elif action is not None and rec_number is None and self.rec is not None:
            rec_number = self.rec.number
        # What `trusted(Finding, ...)` builds, every field given in field order (a plan can have thousands).
        finding = assemble(Finding, {
            "code": code, "severity": severity or SEVERITY.get(code, "warning"), "sheet": sheet, "cell": cell,
            "row": _row(cell), "recommendation": rec_number, "action": action_id, "field": field,
            "value": None if value is None else _short(str(value), 300), "message": message,
            "suggestion": suggestion})
        self.findings.append((self.order, finding))

    def is_owner_default(self, owner: str) -> bool:
        known = self._owner_default.get(owner)
        if known is None:
            known = self._owner_default[owner] = self.cat.is_owner_default(owner)
        return known

    def definition(self, name: str | None) -> StatusDef | None:
        if name in self._status_defs:
            return self._status_defs[name]
        found = self._status_defs[name] = self.vocab.get(name)
        return found

    def status(self, raw: str) -> StatusMatch:
        match = self._status_cache.get(raw)
        if match is None:
            match = self._status_cache[raw] = self.vocab.normalise(raw)
        return match

    # Run --------------------------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        plan = self.plan
        self.check_header()
        self.check_notes()
        has_actions = any(rec.actions for rec in plan.recommendations)
        if not has_actions:
            self.add("empty-plan", "The plan has no evidence requirements; fill in the grid (one row per "
                     "evidence requirement) or check that the right sheet was read.")
        seen: dict[str, Action] = {}
        updates: list[str | None] = []
        # Where each update sits: (index into plan.recommendations, the row's index under it).
        places: list[tuple[int, int]] = []
        undated: list[tuple[tuple[int, int], Recommendation, Action]] = []
        with_update = 0
        for r_index, rec in enumerate(plan.recommendations):
            self.order = (r_index, -1)
            self.rec = rec
            cat_rec = self.check_recommendation(rec)
            number = str(rec.number).strip()
            fallback_deadline = cat_rec.deadline if cat_rec is not None else rec.deadline
            for a_index, action in enumerate(rec.actions):
                self.order = place = (r_index, a_index)
                update_state = self.check_action(rec, cat_rec, action, seen, number, fallback_deadline)
                if update_state != _NO_UPDATE:
                    with_update += 1
                    if update_state == _UNDATED:
                        undated.append((place, rec, action))
                updates.append(action.update)
                places.append(place)
        self.rec = None
        self.check_missing_dates(undated, with_update)
        self.check_duplicate_updates(updates, places)
        if has_actions:
            self.order = (len(plan.recommendations), 0)
            self.check_completeness()
        self.findings.sort(key=lambda item: item[0])
        return [finding for _, finding in self.findings]

    # Header -----------------------------------------------------------------------------------------------
    def check_header(self) -> None:
        plan = self.plan
        labels = {"force": "Force", "executive_lead": "Executive Lead", "operational_lead": "Operational Lead"}
        for field, label in labels.items():
            value = getattr(plan, field)
            if _blank(value):
                self.add("missing-header-field", f"{label} is empty; fill it in the header block above the grid.",
                         field=field, value=value, ref=plan.header_cells.get(field))
        if plan.title and _text_key(plan.title) in {_text_key(t) for t in self.cat.placeholder_titles}:
            self.add("missing-header-field", "The title is still the template's placeholder; put the force's "
                     "name in place of 'Force'.", field="title", value=plan.title,
                     ref=plan.header_cells.get("title"),
                     suggestion=f"{plan.force} " + plan.title.split(" ", 1)[-1] if plan.force else None)

    # Reader notes -----------------------------------------------------------------------------------------
    def check_notes(self) -> None:
        for note in self.plan.read_notes:
            self.add(note.kind, _note_message(note), field=note.field, value=note.value,
                     ref=f"{note.sheet}!{note.cell}" if note.cell else None, action_id=note.action,
                     rec_number=note.recommendation or (note.action.partition(".")[0] if note.action else None))

    # Recommendation ---------------------------------------------------------------------------------------
    def check_recommendation(self, rec: Recommendation) -> CatalogueRecommendation | None:
        number = str(rec.number).strip()
        cat_rec = self.cat_recs.get(number)
        if cat_rec is None:
            if number.isdigit():
                self.add("unknown-recommendation", f"Recommendation {number} is not one of the national "
                         "recommendations to chief constables; it is treated as a local one.", rec=rec,
                         value=number)
            else:
                self.add("unknown-recommendation", f"Recommendation number {number!r} is not a number; write the "
                         "recommendation's number (for example 7).", rec=rec, value=rec.number,
                         severity="warning")
        self.check_deadline_wording(rec, cat_rec)
        if cat_rec is not None and rec.text:
            reason = truncation_reason(_TAGS.sub(" ", rec.text), full=cat_rec.text)
            if reason:
                self.add("truncated-text", f"Recommendation {number}'s text looks cut off: {reason}.", rec=rec,
                         field="text", value=rec.text, suggestion=cat_rec.text)
        return cat_rec

    def check_deadline_wording(self, rec: Recommendation, cat_rec: CatalogueRecommendation | None) -> None:
        text = _TAGS.sub(" ", rec.text or "")
        if not text.strip():
            return
        number = rec.number
        expected = cat_rec.deadlines if cat_rec else []
        for match in _deadlines(text):
            start = match.start()
            at_start = not text[:start].strip() or text[:start].rstrip().endswith((".", ":", ";"))
            if not match.group("by") and not at_start:
                continue  # a date in passing ("the APP published on 1 May 2024"), not a deadline
            stated = _deadline_date(match)
            if stated is None:
                self.add("deadline-mismatch", f"Recommendation {number}'s deadline {match.group('date')!r} is not "
                         "a real date.", rec=rec, field="text", value=match.group(0))
                continue
            rule_date = self._rule_date(match.group("rule")) if match.group("rule") else None
            if rule_date is not None and rule_date != stated:
                self.add("deadline-mismatch", f"Recommendation {number} says {_fmt(stated)} "
                         f"({match.group('rule')}), but {match.group('rule')} is {_fmt(rule_date)}.",
                         rec=rec, field="text", value=match.group(0), suggestion=_fmt(rule_date))
            elif expected and stated not in expected:
                nearest = min(expected, key=lambda d: abs((d - stated).days))
                self.add("deadline-mismatch", f"Recommendation {number} gives the deadline {_fmt(stated)}, but the "
                         f"national deadline is {' and '.join(_fmt(d) for d in expected)}.", rec=rec, field="text",
                         value=match.group(0), suggestion=_fmt(nearest))
            elif not match.group("by") and start == len(text) - len(text.lstrip()):
                self.add("deadline-wording", f"Recommendation {number} starts '{match.group('date')}, …' without "
                         "'By'; the national wording is 'By " + match.group("date") + ", …'.", rec=rec,
                         field="text", value=_short(text, 60), suggestion="By " + match.group("date"))

    def _rule_date(self, phrase: str) -> date | None:
        found = _RULE.search(phrase)
        if not found:
            return None
        raw = found.group("n").casefold()
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if n is None:
            return None
        unit = found.group("unit").casefold().rstrip("s")
        # A year is twelve months and a week seven days; the calendar arithmetic is dateutil's (add_months_days).
        months, days = {"day": (0, n), "week": (0, 7 * n), "month": (n, 0), "year": (12 * n, 0)}[unit]
        return add_months_days(self.cat.report.published, months=months, days=days)

    # Action -----------------------------------------------------------------------------------------------
    def check_action(self, rec: Recommendation, cat_rec: CatalogueRecommendation | None, action: Action,
                     seen: dict[str, Action], number: str, fallback_deadline: date | None) -> int:
        """Run the row rules; _NO_UPDATE, _DATED or _UNDATED (an update without a date, decided plan-wide later).

        Each rule first takes a fast path for the usual clean row (a plain id, the list's own status word, an
        owner and evidence text already judged in this run); anything else goes to the rule's full method.
        """
        raw_id = action.id
        trimmed = raw_id.strip() if isinstance(raw_id, str) else None
        action_id: str | None
        if (trimmed is not None and trimmed == raw_id and trimmed not in seen and _ID.match(trimmed)
                and trimmed.partition(".")[0] == number
                and (number not in self.cat_recs or trimmed in self.cat_evidence)):
            seen[trimmed] = action
            self.present_ids.add(trimmed)
            self.present_prefixes.add(number)
            action_id = trimmed
            prefix: str | None = number
        else:
            action_id = self.check_id(rec, action, seen, number)
            prefix = None
        if action.hidden:
            self.add("hidden-row", f"{action_id or 'This row'} is in a hidden row: its data counts but nobody "
                     "sees it. Unhide the row or delete it.", action=action)
        cat_ev = self.cat_evidence.get(action_id) if action_id else None
        national = cat_ev.text if cat_ev else None
        evidence = action.evidence
        if evidence != national:
            judged = self._evidence_cache.get((evidence, national)) if evidence is not None else None
            if judged is None or judged[0] or judged[1]:
                self.check_evidence(action, action_id, national)
        if self._owner_kind.get(action.owner) != "":
            self.check_owner(action)
        raw_status = action.status_raw if action.status_raw is not None else action.status
        definition = self._plain_status.get(raw_status) if action.progress is None else None
        if definition is None:
            definition = self.check_status(action)
        update = action.update
        label = action_id or repr(action.id)
        if update is None or not str(update).strip():
            state = _NO_UPDATE
            if definition is not None and (definition.started or definition.done):
                self.add("missing-update", f"{label} is '{definition.name}' but has no update; say what was done.",
                         action=action, field="update", value=update)
        else:
            state = _DATED
            markers = history_markers(update)
            if definition is not None and definition.done and definition.started:
                phrase = pending_in_latest(update[markers[-1]:] if markers else update)
                if phrase:
                    self.add("pending-language", f"{label} is '{definition.name}' but its update says "
                             f"'{phrase}': work still to do? Change the status or update the text.",
                             action=action, field="update", value=update, suggestion="In Progress")
            if markers:
                self.add("history-in-cell", f"{label}'s update keeps earlier updates inside the cell ('… UPDATE: "
                         "…'); keep only the latest and let snapshots keep the history.", action=action,
                         field="update", value=update)
            reason = truncation_reason(update, context=action.evidence)
            if reason:
                self.add("truncated-text", f"{label}'s update looks cut off: {reason}.", action=action,
                         field="update", value=update)
        when = action.date
        if when is not None:
            if when > self.as_of or when < self.published:
                self.check_date(action, label)
        elif not _blank(action.date_raw):
            self.check_date(action, label)
        elif state == _DATED:
            state = _UNDATED
        if definition is not None and not definition.done:
            if prefix is None:  # (the fast path above knows the prefix is the recommendation's number)
                prefix = label.partition(".")[0]
            deadline = self.cat_deadlines.get(prefix, fallback_deadline)
            if deadline is not None and deadline < self.as_of:
                self.add("overdue", f"{label} is '{definition.name}' and its deadline ({_fmt(deadline)}) has "
                         "passed.", action=action, field="status", value=action.status_raw or action.status)
        return state

    def check_id(self, rec: Recommendation, action: Action, seen: dict[str, Action], number: str) -> str | None:
        raw = action.id if isinstance(action.id, str) else str(action.id)
        trimmed = raw.strip()
        self.present_ids.add(trimmed)
        prefix = trimmed.partition(".")[0]
        self.present_prefixes.add(prefix)
        if not _ID.match(trimmed):
            what = _trim_description(raw)
            leading = _LEADING_ID.match(trimmed)
            self.add("bad-action-id", f"Evidence id {trimmed!r} is not a number like 7.1"
                     + (f" (after trimming {what})" if what else "") + ".", action=action, field="id", value=raw,
                     suggestion=leading.group(1) if leading else None, action_id=trimmed or None)
            return None
        if trimmed != raw:
            self.add("id-trimmed", f"Evidence id {trimmed} was typed with {_trim_description(raw)}.",
                     action=action, field="id", value=raw, suggestion=trimmed)
        first = seen.get(trimmed)
        if first is not None:
            self.add("duplicate-action", f"{trimmed} appears twice ({_place(first)} and {_place(action)}); "
                     "keep one row per evidence requirement.", action=action, field="id", value=trimmed)
        else:
            seen[trimmed] = action
        if prefix != number:
            self.add("misplaced-action", f"{trimmed} sits under recommendation {rec.number}; its number says it "
                     f"belongs to recommendation {prefix}.", action=action, field="id", value=trimmed,
                     suggestion=f"move it under recommendation {prefix}")
        if prefix in self.cat_recs and trimmed not in self.cat_evidence:
            self.add("unknown-action", f"{trimmed} is not one of the national evidence requirements of "
                     f"recommendation {prefix}; it is treated as a local action.", action=action, field="id",
                     value=trimmed)
        return trimmed

    def check_evidence(self, action: Action, action_id: str | None, national: str | None) -> None:
        label = action_id or repr(action.id)
        text = action.evidence
        if _blank(text):
            if national:
                self.add("missing-evidence", f"{label} has no evidence text; the national text is: {national}",
                         action=action, field="evidence", value=text, suggestion=national)
            return
        assert text is not None
        if text == national:
            return
        cached = self._evidence_cache.get((text, national))
        if cached is None:
            other: str | None = None
            if national is not None:
                key = _text_key(text)
                if key != _text_key(national):
                    other = _evidence_by_text().get(key)
            cached = self._evidence_cache[(text, national)] = (
                other, truncation_reason(_TAGS.sub(" ", text), full=national))
        other, reason = cached
        if other and other != action_id:
            self.add("evidence-mismatch", f"{label}'s evidence text is the national text of {other}; rows "
                     "swapped or pasted into the wrong place?", action=action, field="evidence",
                     value=text, suggestion=national)
        if reason:
            self.add("truncated-text", f"{label}'s evidence text looks cut off: {reason}.", action=action,
                     field="evidence", value=text, suggestion=national)

    def check_owner(self, action: Action) -> None:
        owner = action.owner
        kind = self._owner_kind.get(owner)
        if kind is None:
            kind = self._owner_kind[owner] = (
                "missing" if _blank(owner) else "default" if self.is_owner_default(str(owner)) else "")
        if not kind:
            return
        label = action.id.strip() or repr(action.id)
        if kind == "missing":
            self.add("missing-owner", f"{label} has no owner; name the person or team responsible.",
                     action=action, field="owner", value=action.owner)
        else:
            self.add("owner-unassigned", f"{label}'s owner is still '{' '.join(str(action.owner).split())}', the "
                     "template's addressee: nobody owns it. Name a person or team.", action=action, field="owner",
                     value=action.owner)

    def check_status(self, action: Action) -> StatusDef | None:
        raw = action.status_raw if action.status_raw is not None else action.status
        match = self.status("" if raw is None else str(raw))
        if match.how == "exact" and action.progress is None:
            # The list's own word and no percentage (most rows): nothing to report.
            definition = self.definition(match.status)
            if definition is not None and raw is not None:
                self._plain_status[raw] = definition
            return definition
        label = action.id.strip() or repr(action.id)
        shown = " ".join(str(raw).split()) if raw is not None else ""
        if match.how == "empty":
            self.add("missing-status", f"{label} has no status; choose one from the list "
                     f"({', '.join(self.vocab.names)}).", action=action, field="status", value=raw)
            return None
        if match.how == "bad-percentage":
            self.add("bad-progress", f"{label} status '{shown}' has a percentage outside 0–100.", action=action,
                     field="status", value=raw, suggestion=match.suggestion)
            return self.definition(match.suggestion)
        if not match.ok:
            why = {"rag": f"'{shown}' is a RAG colour, a rating of a status rather than a status",
                   "prose": f"'{_short(shown, 50)}' reads as prose; put the words in the update and pick a status",
                   }.get(match.how, f"status '{_short(shown, 50)}' is not in the list")
            hint = f"; did you mean '{match.suggestion}'?" if match.suggestion else (
                f"; choose one of: {', '.join(self.vocab.names)}.")
            self.add("unknown-status", f"{label} {why}{hint}", action=action, field="status", value=raw,
                     suggestion=match.suggestion)
            return None
        definition = self.definition(match.status)
        if not match.canonical_as_typed:
            canonical = match.status if match.progress is None else f"{match.status} {match.progress}%"
            self.add("status-not-canonical", f"{label} status '{shown}' means '{canonical}'; write it as the list "
                     "does.", action=action, field="status", value=raw, suggestion=canonical)
        progress = match.progress if match.progress is not None else action.progress
        if progress is not None and definition is not None and not definition.takes_progress:
            self.add("bad-progress", f"{label} has a percentage ({progress}%) on status '{definition.name}'; only "
                     "In Progress takes one.", action=action, field="status", value=raw, severity="warning",
                     suggestion=definition.name)
        elif progress is not None and not 0 <= progress <= 100:
            self.add("bad-progress", f"{label} progress {progress}% is outside 0–100.", action=action,
                     field="status", value=raw)
        return definition

    def check_date(self, action: Action, label: str) -> None:
        published = self.published
        if action.date is not None:
            if action.date > self.as_of:
                self.add("bad-date", f"{label}'s date {action.date:%d/%m/%Y} is after {self.as_of:%d/%m/%Y}; an "
                         "update cannot be dated in the future.", action=action, field="date",
                         value=action.date_raw or action.date.isoformat(), severity="warning")
            elif action.date < published:
                self.add("bad-date", f"{label}'s date {action.date:%d/%m/%Y} is before the report was published "
                         f"({_fmt(published)}).", action=action, field="date",
                         value=action.date_raw or action.date.isoformat(), severity="warning")
        elif not _blank(action.date_raw):
            from sheetsync.dates import parse_date

            raw = str(action.date_raw).strip()
            parsed = parse_date(raw)
            numeric = _NUMERIC_DATE.match(raw)
            impossible = parsed.how == "impossible" or bool(numeric and _impossible(numeric))
            why = "is not a real date" if impossible else "cannot be read as a date"
            self.add("bad-date", f"{label}'s date '{raw}' {why}; write it as DD/MM/YYYY.", action=action,
                     field="date", value=raw)

    # Plan-wide --------------------------------------------------------------------------------------------
    def check_missing_dates(self, undated: list[tuple[tuple[int, int], Recommendation, Action]],
                            updates: int) -> None:
        if not undated:
            return
        if len(undated) == updates and updates > 3:
            first = undated[0][2]
            self.order = (-1, 1)
            self.add("missing-date", f"None of the {updates} updates has a date; put the date of each update in "
                     "the Date column (DD/MM/YYYY) so readers know how current it is.", field="date",
                     ref=first.cells.get("date"))
            return
        for order, rec, action in undated:
            self.order = order
            self.rec = rec
            label = action.id.strip() or repr(action.id)
            self.add("missing-date", f"{label} has an update but no date; add the date of the update.",
                     action=action, field="date")

    def check_duplicate_updates(self, updates: list[str | None], places: list[tuple[int, int]]) -> None:
        if "duplicate-update" in self.ignored:
            return
        recs = self.plan.recommendations

        def located(index: int) -> tuple[int, int, Recommendation, Action]:
            r_index, a_index = places[index]
            rec = recs[r_index]
            return r_index, a_index, rec, rec.actions[a_index]

        found = duplicate_matches(updates)
        for index in found.indexes():
            matches = found.matches(index, limit=3)
            total = found.count(index)
            r_index, a_index, rec, action = located(index)
            self.order = (r_index, a_index)
            self.rec = rec
            label = action.id.strip() or repr(action.id)
            mine = _text_key(action.update)
            names = []
            for match in matches[:3]:
                other = located(match.other)[3]
                name = f"{other.id.strip()}'s" + (f" ({other.cells['update']})" if other.cells.get("update") else "")
                theirs = _text_key(other.update)
                if theirs == mine:
                    names.append(f"is the same as {name}")
                elif match.containment >= 0.99:
                    shorter = len(mine) < len(theirs)
                    names.append(f"is the beginning of {name}" if shorter else f"contains all of {name}")
                elif match.jaccard >= 0.6 or match.containment >= 0.8:
                    names.append(f"is nearly the same as {name} "
                                 f"({round(max(match.jaccard, match.containment) * 100)}% shared wording)")
                else:
                    names.append(f"repeats a passage of about {match.shared + 2} words from {name}")
            more = f", and {total - 3} more" if total > 3 else ""
            self.add("duplicate-update", f"{label}'s update {'; '.join(names)}{more}: each evidence requirement "
                     "needs its own update.", action=action, field="update", value=action.update)

    def check_completeness(self) -> None:
        present_recs = {str(rec.number).strip() for rec in self.plan.recommendations}
        present_ids = self.present_ids
        prefixes = self.present_prefixes
        for cat_rec in self.cat.recommendations:
            if cat_rec.number not in present_recs and cat_rec.number not in prefixes:
                self.add("missing-recommendation", f"Recommendation {cat_rec.number} ({cat_rec.about}) is missing; "
                         "every recommendation to chief constables needs a response.", rec_number=cat_rec.number)
                continue
            for ev in cat_rec.evidence:
                if ev.id not in present_ids:
                    self.add("missing-action", f"Evidence requirement {ev.id} is missing from recommendation "
                             f"{cat_rec.number}; add a row for it.", rec_number=cat_rec.number, action_id=ev.id,
                             suggestion=ev.text)


# --- helpers -----------------------------------------------------------------------------------------------

_NOTE_MESSAGES = {
    "formula-not-calculated": "{where} holds a formula that was never calculated, so its value is unknown; open "
                              "the workbook in Excel and save it.",
    "value-under-no-header": "{where} holds {value} in a column with no heading; it is ignored. Move it into the "
                             "right column or remove it.",
    "number-in-text-column": "{what} is the number {value}; a number in a text column is usually a slip.",
    "merged-input-cell": "{where} is merged over several evidence rows; each row got the same {field}. Unmerge it "
                         "so each requirement has its own.",
    "blank-row": "{where}: a blank row inside the grid.",
    "id-trimmed": "{what} was typed as {value}; spaces or line breaks around it were trimmed.",
    "text-date": "{what} {value} is typed as text; it was read by rule. Format the cell as a date.",
    "serial-date": "{what} {value} is a number read as an Excel serial date; format the cell as a date.",
}


def _note_message(note: ReadNote) -> str:
    where = f"{note.sheet}!{note.cell}" if note.cell else "A cell"
    what = f"{note.action}'s {note.field or 'value'}" if note.action else f"The {note.field or 'value'} in {where}"
    template = _NOTE_MESSAGES.get(note.kind)
    if template is None:
        return f"{where}: {note.message or note.kind}."
    return template.format(where=where, what=what, value=repr(note.value) if note.value is not None else "a value",
                           field=note.field or "value")


def _row(cell: str | None) -> int | None:
    if not cell:
        return None
    number = cell.lstrip(_COLUMN_LETTERS)
    if number.isascii() and number.isdigit():  # the usual "G26": its digits, found without a loop in Python
        return int(number)
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


_COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _place(action: Action) -> str:
    ref = action.cells.get("id")
    return ref if ref else f"evidence {action.id.strip()}"


def _trim_description(raw: str) -> str:
    parts = []
    stripped_left = raw[: len(raw) - len(raw.lstrip())]
    stripped_right = raw[len(raw.rstrip()):]
    for side, chunk in (("leading", stripped_left), ("trailing", stripped_right)):
        if chunk:
            kinds = sorted({"line break" if ch in "\r\n" else "tab" if ch == "\t" else "space" for ch in chunk})
            parts.append(f"{side} {' and '.join(kinds)}s" if len(chunk) > 1 else f"a {side} {kinds[0]}")
    return " and ".join(parts)


def _deadline_date(match: re.Match[str]) -> date | None:
    try:
        if match.group("month"):
            return date(int(match.group("y")), _MONTHS.index(match.group("month").casefold()) + 1,
                        int(match.group("d")))
        year = int(match.group("ny"))
        return date(year + 2000 if year < 100 else year, int(match.group("nm")), int(match.group("nd")))
    except ValueError:
        return None


def _deadlines(text: str) -> Iterator[re.Match[str]]:
    """Exactly `_DEADLINE.finditer(text)`, several times faster on a recommendation's text.

    Each match starts either at its date, or at the "By" whose spaces end right before that date; so find the
    next date alone (a fast scan), then let _DEADLINE match at that "By", if there is one, or at the date.
    """
    pos = 0
    while (date_found := _DEADLINE_DATE.search(text, pos)) is not None:
        start = spaces = date_found.start()
        while spaces > pos and text[spaces - 1].isspace():  # str.isspace is exactly the regex's \s
            spaces -= 1
        match = _DEADLINE.match(text, spaces - 2) if spaces < start and spaces - 2 >= pos else None
        if match is None:
            match = _DEADLINE.match(text, start)
            assert match is not None  # the date alone matched here
        yield match
        pos = match.end()


def _impossible(match: re.Match[str]) -> bool:
    day, month, year = (int(g) for g in match.groups())
    try:
        date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return True
    return False


_EVIDENCE_BY_TEXT: dict[str, str] = {}


def _evidence_by_text() -> dict[str, str]:
    if not _EVIDENCE_BY_TEXT:
        for rec in catalogue().recommendations:
            for ev in rec.evidence:
                if ev.text:
                    _EVIDENCE_BY_TEXT[_text_key(ev.text)] = ev.id
    return _EVIDENCE_BY_TEXT


# --- output ------------------------------------------------------------------------------------------------

Format = Literal["text", "json", "csv"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_findings(report: ValidationReport, fmt: str = "text") -> str:
    """The report as readable text (grouped by recommendation, errors first), JSON or CSV."""
    if fmt == "json":
        import json

        data = {"ok": report.ok, "summary": report.summary,
                "findings": [f.model_dump(mode="json") for f in report.findings]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv  # only for this output
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        columns = list(Finding.model_fields)
        writer.writerow(columns)
        for finding in report.findings:
            writer.writerow([_csv_cell(getattr(finding, column)) for column in columns])
        return out.getvalue()
    if fmt != "text":
        raise ConfigError(f"unknown output format {fmt!r}", hint="Use text, json or csv.")
    return _format_text(report)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _format_text(report: ValidationReport) -> str:
    groups: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        key = finding.recommendation if finding.action or finding.recommendation else None
        groups[key].append(finding)
    lines: list[str] = []
    for key, findings in groups.items():
        lines.append("The plan" if key is None else f"Recommendation {key}")
        for finding in sorted(findings, key=lambda f: _RANK[f.severity]):
            where = f"{finding.where}: " if finding.where else ""
            label = {"error": "error  ", "warning": "warning", "info": "note   "}[finding.severity]
            lines.append(f"  {label} {where}{finding.message} [{finding.code}]")
    total = report.evidence_requirements
    s = Counter(f.severity for f in report.findings)
    noun = "evidence requirement" if total == 1 else "evidence requirements"
    if not report.findings:
        lines.append(f"No problems found in {total} {noun}.")
    else:
        lines.append(f"{_plural(s['error'], 'error')}, {_plural(s['warning'], 'warning')}, "
                     f"{_plural(s['info'], 'note')} in {total} {noun}")
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


__all__ = ["CODES", "SEVERITY", "Finding", "ValidationReport", "format_findings", "validate"]
