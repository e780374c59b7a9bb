"""The figures behind the NPCC progress update, derived once so that every format says the same thing.

`build_report_data` turns a plan (plus its validation report and, optionally, the changes since the last return)
into a `ReportData`: headline counts, a status and RAG per recommendation, the outstanding actions and the
data-quality findings. The Word, Excel, HTML and Markdown writers only lay this out; none of them computes.
The public version is derived here too, from text that `report.public` has already made safe to publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from sheetsync.catalogue import catalogue
from sheetsync.dates import long_date
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.plan_rules import Category, classify, deadline_of, owner_missing, vocabulary_of
from sheetsync.vocabulary import Vocabulary

RAG = Literal["Red", "Amber", "Green"]
Day = date  # for fields named "date", which would otherwise shadow the type

NO_STATUS = "No status"
UNRECOGNISED = "Status not recognised"
PUBLIC_NO_STATUS = "Status not recorded"
_RAG_ORDER: dict[str, int] = {"Green": 0, "Amber": 1, "Red": 2}


# --- What the report needs from validation and diff (coded against docs/CONTRACTS.md) ---------------------------

class FindingLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def sheet(self) -> str | None: ...
    @property
    def cell(self) -> str | None: ...
    @property
    def recommendation(self) -> str | None: ...
    @property
    def action(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def suggestion(self) -> str | None: ...


class ValidationLike(Protocol):
    @property
    def findings(self) -> Sequence[FindingLike]: ...


class DiffLike(Protocol):
    def summary_line(self) -> str: ...

    def lines(self) -> list[str]: ...


# --- The derived data ---------------------------------------------------------------------------------------------

class ActionRow(BaseModel):
    """One evidence requirement as the report shows it (names already removed in the public version)."""

    model_config = ConfigDict(frozen=True)

    recommendation: str
    id: str
    evidence: str
    owner: str
    owner_missing: bool
    update: str
    update_missing: bool
    date: Day | None
    date_text: str
    status: str | None  # canonical status, None when missing or not recognised
    status_typed: str  # what the plan says, as typed
    status_label: str  # what the report prints (public wording in the public version)
    progress: int | None
    category: Category
    deadline: Day | None
    overdue: bool
    rag: RAG
    supporting_documents: str


class StatusCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str  # canonical status, or NO_STATUS / UNRECOGNISED
    label: str
    count: int
    category: Category


class RecommendationSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: str
    about: str
    text: str
    deadline: date | None
    deadline_text: str
    status: str  # derived overall status: Complete / In progress / Not started / No status recorded
    rag: RAG
    rag_reason: str
    counts: list[StatusCount]  # per status, same keys and order as the headline counts
    rows: list[ActionRow]

    @property
    def title(self) -> str:
        return f"Recommendation {self.number}" + (f": {self.about}" if self.about else "")


class FindingRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    severity: str
    code: str
    where: str
    recommendation: str
    action: str
    message: str
    suggestion: str


class ReportData(BaseModel):
    """Everything any format of the report prints, already worded."""

    title: str
    force: str
    executive_lead: str | None
    operational_lead: str | None
    marking: str
    as_of: date
    period_start: date | None
    period_text: str
    public: bool
    snapshot: str | None
    error_count: int
    warning_count: int
    banner: str | None  # "This plan has N validation errors ..." (never in the public version)
    total: int
    done: int
    percent_complete: int
    overdue: int
    without_owner: int
    without_update: int
    status_counts: list[StatusCount]
    rag_counts: dict[str, int]
    recommendations: list[RecommendationSection]
    changes_summary: str | None
    changes: list[str] | None
    outstanding: list[ActionRow]
    findings: list[FindingRow]
    notes: list[str]
    chart_alt: str

    def cover(self) -> list[tuple[str, str]]:
        """The cover's (label, value) rows, in the order every format prints them (no names when public)."""
        rows = [("Force", self.force)]
        if not self.public:
            rows += [("Executive lead", self.executive_lead or "Not named"),
                     ("Operational lead", self.operational_lead or "Not named")]
        rows += [("Position as on", long_date(self.as_of)), ("Period covered", self.period_text),
                 ("Protective marking", self.marking)]
        if self.snapshot:
            rows.append(("Snapshot", self.snapshot))
        return rows

    def headline(self) -> list[tuple[str, str]]:
        """The headline figures as (label, value) pairs, in the order every format prints them."""
        return [
            ("Evidence requirements", str(self.total)),
            ("Percentage complete", f"{self.percent_complete}% ({self.done} of {self.total})"),
            ("Overdue", str(self.overdue)),
            ("Without an owner", str(self.without_owner)),
            ("Without an update", str(self.without_update)),
            ("Recommendations Green / Amber / Red",
             f"{self.rag_counts['Green']} / {self.rag_counts['Amber']} / {self.rag_counts['Red']}"),
        ]


RAG_RULE = (
    "RAG rating: each evidence requirement is Green when its status is Action Complete, BAU or Not Applicable; "
    "Red when it is not Green and the recommendation's deadline has passed (a deadline falls due at the end of "
    "its day); Amber otherwise. A missing or unrecognised status never counts as complete. A recommendation takes "
    "the worst rating of its evidence requirements (one with none is Amber before its deadline, Red after)."
)
STATUS_RULE = (
    "Overall status of a recommendation: Complete when every evidence requirement is complete, BAU or not "
    "applicable; Not started when none has started; No status recorded when none has a recognised status; "
    "In progress otherwise."
)
PERCENT_RULE = ("Percentage complete counts Action Complete, BAU and Not Applicable as complete, out of all "
                "evidence requirements, rounded down.")
OVERDUE_RULE = ("Overdue: not complete and past the recommendation's deadline. Without an owner: the owner "
                "is blank or still the addressee (\"Chief Constables\"). Without an update: no force update text.")


def build_report_data(plan: Plan, *, as_of: date, validation: ValidationLike | None = None,
                      changes: DiffLike | None = None, period_start: date | None = None,
                      snapshot: str | None = None, vocabulary: Vocabulary | None = None,
                      publisher: Publisher | None = None, public_changes: list[str] | None = None,
                      extra_notes: Sequence[str] = ()) -> ReportData:
    """Derive every figure and sentence the report prints from `plan` as on `as_of`.

    publisher: make the public version (`report.public.build_public_data` passes it): hidden rows left out,
    national texts instead of the plan's, no owners or supporting documents, every other text through the
    publisher, and `public_changes` (status changes only) instead of the diff's lines.
    """
    public = publisher is not None
    vocab = vocabulary or vocabulary_of(plan)
    source: Publisher = publisher or _Internal()

    sections: list[RecommendationSection] = []
    all_rows: list[ActionRow] = []
    for rec in plan.recommendations:
        deadline = deadline_of(rec)
        rows = [_action_row(rec, action, deadline, as_of, vocab, source, public) for action in rec.actions
                if not (public and action.hidden)]
        all_rows.extend(rows)
        sections.append(_section(rec, deadline, rows, as_of, vocab, source, public))

    counts = _status_counts(all_rows, vocab, public)
    total = len(all_rows)
    done = sum(row.category == "done" for row in all_rows)
    findings = [] if validation is None else list(validation.findings)
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    banner = None
    if errors and not public:
        banner = (f"This plan has {errors} validation error{'s' if errors != 1 else ''}: the figures below may be "
                  "wrong until they are fixed (see the data-quality annex).")
    outstanding = sorted((row for row in all_rows if row.category != "done"),
                         key=lambda row: (row.deadline is None, row.deadline or date.max))
    rag_counts = {rag: sum(s.rag == rag for s in sections) for rag in ("Green", "Amber", "Red")}
    if public:
        change_lines = public_changes
        changes_summary = None if public_changes is None else (
            f"{len(public_changes)} evidence requirement{'s' if len(public_changes) != 1 else ''} changed status "
            "or were added since the last return.")
    else:
        change_lines = None if changes is None else changes.lines()
        changes_summary = None if changes is None else changes.summary_line()
    marking = source.text(plan.protective_marking, "Protective marking") or "OFFICIAL"
    force = source.text(plan.force, "Force") or "Force not named"
    title = "Police Stalking Action Plan: progress update"
    if period_start is None:
        period_text = f"Position as on {long_date(as_of)}"
    elif period_start <= as_of:
        period_text = f"{long_date(period_start)} to {long_date(as_of)} (since the last return)"
    else:  # reporting as on a day before the last return was recorded (a re-run of an old return)
        period_text = (f"Position as on {long_date(as_of)}; compared with the last return, recorded on "
                       f"{long_date(period_start)}")
    notes = [RAG_RULE, STATUS_RULE, PERCENT_RULE, OVERDUE_RULE, *extra_notes]
    if public:
        notes.append("This is the public version: it gives statuses, figures, the national texts and each force "
                     "update with names and personal details removed; statuses are in plain English.")
    return ReportData(
        title=title, force=force,
        executive_lead=None if public else (plan.executive_lead or None),
        operational_lead=None if public else (plan.operational_lead or None),
        marking=marking, as_of=as_of, period_start=period_start, period_text=period_text, public=public,
        snapshot=snapshot, error_count=errors, warning_count=warnings, banner=banner,
        total=total, done=done, percent_complete=(done * 100 // total) if total else 0,
        overdue=sum(row.overdue for row in all_rows),
        without_owner=sum(row.owner_missing for row in all_rows),
        without_update=sum(row.update_missing for row in all_rows),
        status_counts=counts, rag_counts=rag_counts, recommendations=sections,
        changes_summary=changes_summary, changes=change_lines,
        outstanding=outstanding,
        findings=[] if public else [_finding_row(f) for f in findings],
        notes=notes, chart_alt=_chart_alt(sections, counts, public),
    )


# --- Pieces -------------------------------------------------------------------------------------------------------

def _status_key(status: str | None, typed: str) -> str:
    if status is not None:
        return status
    return NO_STATUS if not typed else UNRECOGNISED


def _status_label(key: str, progress: int | None, vocab: Vocabulary, public: bool) -> str:
    definition = vocab.get(key)
    if definition is None:
        return PUBLIC_NO_STATUS if public else key
    label = definition.public if public else definition.name
    return f"{label} ({progress}%)" if progress is not None and definition.takes_progress else label


def _action_row(rec: Recommendation, action: Action, deadline: date | None, as_of: date, vocab: Vocabulary,
                source: Publisher, public: bool) -> ActionRow:
    judged = classify(action, vocab)
    status, progress, category = judged.status, judged.progress, judged.category
    typed = (action.status_raw if action.status_raw is not None else action.status or "").strip()
    key = _status_key(status, typed)
    missing = owner_missing(action)
    update = source.update(action, f"{action.id} update")
    overdue = category != "done" and deadline is not None and as_of > deadline
    known = catalogue().evidence(action.id)
    national = (known.text or "") if known else ""
    evidence = national if public and national else source.text(action.evidence or national, f"{action.id} evidence")
    return ActionRow(
        recommendation=rec.number, id=action.id, evidence=evidence,
        owner="" if public else " ".join((action.owner or "").split()),
        owner_missing=missing, update=update, update_missing=not update,
        date=action.date,
        date_text=long_date(action.date) or source.text(action.date_raw, f"{action.id} date"),
        status=status, status_typed=source.text(typed, f"{action.id} status"),
        status_label=_status_label(key, progress, vocab, public),
        progress=progress, category=category, deadline=deadline, overdue=overdue,
        rag="Green" if category == "done" else "Red" if overdue else "Amber",
        supporting_documents="" if public else source.text(action.supporting_documents, ""),
    )


def _section(rec: Recommendation, deadline: date | None, rows: list[ActionRow], as_of: date, vocab: Vocabulary,
             source: Publisher, public: bool) -> RecommendationSection:
    known = catalogue().get(rec.number)
    cats = {row.category for row in rows}
    if rows and cats == {"done"}:
        status = "Complete"
    elif rows and cats == {"unknown"}:
        status = "No status recorded"
    elif not cats & {"done", "in_progress"}:
        status = "Not started"
    else:
        status = "In progress"
    past = deadline is not None and as_of > deadline
    if rows:
        rag: RAG = max((row.rag for row in rows), key=_RAG_ORDER.__getitem__)
    else:
        rag = "Red" if past else "Amber"
    open_rows = sum(row.category != "done" for row in rows)
    if rag == "Green":
        reason = "All evidence requirements complete."
    elif rag == "Red":
        reason = (f"{open_rows} of {len(rows)} evidence requirements not complete after the deadline "
                  f"({long_date(deadline)})." if rows else "No evidence requirements recorded after the deadline.")
    else:
        due = f"by {long_date(deadline)}" if deadline else "(no deadline)"
        reason = f"{open_rows} of {len(rows)} evidence requirements still to complete {due}."
    return RecommendationSection(
        number=rec.number, about=known.about if known else "Local recommendation",
        text=(known.text if public and known else source.text(rec.text or (known.text if known else ""),
                                                               f"Recommendation {rec.number} text")),
        deadline=deadline,
        deadline_text=long_date(deadline) or "No deadline",
        status=status, rag=rag, rag_reason=reason, counts=_status_counts(rows, vocab, public), rows=rows)


def _status_counts(rows: list[ActionRow], vocab: Vocabulary, public: bool) -> list[StatusCount]:
    """Counts per canonical status (vocabulary order), then 'No status' and 'Status not recognised' if any."""
    result: list[StatusCount] = []
    for definition in vocab.statuses:
        category: Category = ("done" if definition.done else
                              "in_progress" if definition.started else "not_started")
        result.append(StatusCount(key=definition.name, label=definition.public if public else definition.name,
                                  count=sum(row.status == definition.name for row in rows), category=category))
    for key in (NO_STATUS, UNRECOGNISED):
        count = sum(row.status is None and _status_key(None, row.status_typed) == key for row in rows)
        result.append(StatusCount(key=key, label=PUBLIC_NO_STATUS if public else key, count=count,
                                  category="unknown"))
    if public:  # one "not recorded" line rather than two
        unknown = sum(c.count for c in result if c.category == "unknown")
        result = [c for c in result if c.category != "unknown"]
        result.append(StatusCount(key=NO_STATUS, label=PUBLIC_NO_STATUS, count=unknown, category="unknown"))
    return result


def _finding_row(finding: FindingLike) -> FindingRow:
    where = "!".join(part for part in (finding.sheet, finding.cell) if part)
    return FindingRow(severity=finding.severity, code=finding.code, where=where,
                      recommendation=finding.recommendation or "", action=finding.action or "",
                      message=finding.message or "", suggestion=finding.suggestion or "")


def _chart_alt(sections: list[RecommendationSection], counts: list[StatusCount], public: bool) -> str:
    parts = []
    for section in sections:
        shown = [f"{c.count} {c.label.lower()}" for c in section.counts if c.count]
        parts.append(f"Recommendation {section.number}: {', '.join(shown) or 'no evidence requirements'}")
    return ("Bar chart of evidence requirements by status for each recommendation. " + "; ".join(parts) + ".")


class Publisher(Protocol):
    """How the public version gets its text (`report.public.PublicText`): every piece of free text goes
    through `text`, each action's update through `update`; `changes` are the public change lines."""

    def text(self, value: str | None, where: str, /) -> str: ...

    def update(self, action: Action, where: str, /) -> str: ...


class _Internal:
    """The internal version's text: as written (trimmed)."""

    def text(self, value: str | None, where: str, /) -> str:
        return (value or "").strip()

    def update(self, action: Action, where: str, /) -> str:
        return (action.update or "").strip()


__all__ = ["RAG_RULE", "ActionRow", "FindingRow", "Publisher", "RecommendationSection", "ReportData",
           "StatusCount", "build_report_data", "long_date"]
