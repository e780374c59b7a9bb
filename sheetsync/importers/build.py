"""Rows into a `Plan`, faithfully: a row belongs to the recommendation above it even when its id says otherwise;
statuses are normalised beside the raw text, dates parsed by `sheetsync.dates`, owners split, deadlines from the
catalogue. Every importer's shape parser feeds rows to one `PlanBuilder`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheetsync.catalogue import catalogue
from sheetsync.importers.common import force_from_title, sides
from sheetsync.importers.report import ImportReport, _clip
from sheetsync.model import Action, Plan, Recommendation, split_owners


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
        self._lines: list[int] = []  # source lines of the evidence rows, for the report

    def header(self, key: str, value: str, line: int | None) -> None:
        if getattr(self.plan, key) is None:
            setattr(self.plan, key, value)
            self.report.header_fields[key] = value
            self.report.where(f"{key.replace('_', ' ')}: '{_clip(value, 60)}'"
                              + (f" from line {line}" if line is not None else ""))
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
        if row.line is not None:
            self._lines.append(row.line)

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
        if self._lines:
            self.report.where(f"{len(self._lines)} evidence rows from lines {min(self._lines)} to "
                              f"{max(self._lines)} ({shape})")
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
        if match.status is None:  # "Wedi'i gwblhau / Complete": the side that is a status word
            match = next((m for part in sides(row.status)[1:] if (m := normalise(part)).status is not None), match)
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



__all__ = ["PlanBuilder", "Row", "make_action"]
