"""The engine: `validate(plan)` gives each registered rule what its scope names, in plan order, and turns the
hits into findings (the code and severity from the rule, the cell located here and nowhere else)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sheetsync.errors import ConfigError
from sheetsync.model import Plan, Recommendation, Severity, split_ref
from sheetsync.plan_rules import vocabulary_of
from sheetsync.validation.facts import Context, Row, row_of, short
from sheetsync.validation.records import Finding, Hit, ValidationReport
from sheetsync.validation.registry import Rule, rules, severity_table
from sheetsync.vocabulary import Vocabulary

# Where a finding sorts: (recommendation index, row index); the plan's own before everything, the catalogue's
# after. Findings at one place follow the registry's order; the reader's notes keep their own order.
_PLAN = (-1, 0)
Place = tuple[int, int]


def validate(plan: Plan, *, as_of: date | None = None, vocabulary: Vocabulary | None = None,
             ignore: Iterable[str] = ()) -> ValidationReport:
    """Check `plan` against the vocabulary, the catalogue and the date rules (all judged as on `as_of`)."""
    severities = severity_table()
    ignored = set(ignore)
    unknown = sorted(ignored - set(severities))
    if unknown:
        raise ConfigError(f"unknown finding code(s) to ignore: {', '.join(unknown)}",
                          hint=f"Codes are: {', '.join(severities)}.")
    ctx = Context(plan, as_of or date.today(), vocabulary or vocabulary_of(plan))
    findings = _findings(ctx, [entry for entry in rules() if entry.code not in ignored], severities, ignored)
    counts = Counter(f.severity for f in findings)
    summary: dict[str, Any] = {
        "error": counts["error"], "warning": counts["warning"], "info": counts["info"],
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }
    return ValidationReport(ok=counts["error"] == 0, summary=summary, findings=findings,
                            evidence_requirements=len(ctx.rows))


def _findings(ctx: Context, active: list[Rule], severities: dict[str, Severity], ignored: set[str]
              ) -> list[Finding]:
    """Every rule's hits as findings, ordered by place, then by the rule's place in the registry."""
    found: list[tuple[Place, int, int, Finding]] = []
    add = found.append
    notes = {id(note): index for index, note in enumerate(ctx.plan.read_notes)}
    note_rank = min((entry.rank for entry in active if entry.scope == "read note"), default=0)
    end = len(ctx.recs)
    catalogue_order = {rec.number: index for index, rec in enumerate(ctx.cat.recommendations)}
    for entry in active:
        if entry.scope == "catalogue" and not ctx.rows:
            continue  # an empty plan lacks everything: empty-plan says so once
        rank = entry.rank
        for hit in entry.check(ctx):
            row, rec, note = hit.row, hit.rec, hit.note
            if row is not None:
                add((row.place, rank, 0, _on_row(entry, hit, row)))
            elif rec is not None:
                add(((rec.place, -1), rank, 0, _on_recommendation(entry, hit, rec.rec)))
            elif note is not None:
                add((_PLAN, note_rank, notes.get(id(note), 0), _on_nothing(entry.code, entry.severities[0], hit)))
            elif entry.scope == "catalogue":
                place = (end, catalogue_order.get(hit.recommendation or "", 0))
                add((place, rank, 0, _on_nothing(entry.code, entry.severities[0], hit)))
            else:
                add((_PLAN, rank, 0, _on_nothing(entry.code, entry.severities[0], hit)))
    # A kind of note no rule words: reported in the reader's words, among the notes.
    from sheetsync.validation.rules.plan import note_hit

    for index, note in enumerate(ctx.plan.read_notes):
        if note.kind not in severities and note.kind not in ignored:
            add((_PLAN, note_rank, index, _on_nothing(note.kind, "warning", note_hit(note, None))))
    found.sort(key=lambda item: (item[0], item[1], item[2]))
    return [finding for _, _, _, finding in found]


def _on_row(entry: Rule, hit: Hit, row: Row) -> Finding:
    """A hit on an evidence row: the cell of its field in that row (else the row's id cell)."""
    action = row.action
    cells = action.cells
    ref = cells.get(hit.field or "id") or cells.get("id")
    return _finding(entry.code, entry.severities[0], hit, ref, action.id.strip() or action.id, row.rec.rec.number)


def _on_recommendation(entry: Rule, hit: Hit, rec: Recommendation) -> Finding:
    """A hit on a recommendation: the cell of its field (else its number cell)."""
    ref = rec.cells.get(hit.field or "number") or rec.cells.get("number")
    return _finding(entry.code, entry.severities[0], hit, ref, None, rec.number)


def _on_nothing(code: str, severity: Severity, hit: Hit) -> Finding:
    """A hit on the plan, a note or the catalogue: where its `ref` says."""
    return _finding(code, severity, hit, hit.ref, hit.action, hit.recommendation)


def _finding(code: str, severity: Severity, hit: Hit, ref: str | None, action_id: str | None,
             rec_number: str | None) -> Finding:
    sheet, cell = split_ref(ref)
    return Finding(code=code, severity=hit.severity or severity, sheet=sheet,
                   cell=cell, row=row_of(cell), recommendation=rec_number, action=action_id, field=hit.field,
                   value=None if hit.value is None else short(str(hit.value), 300), message=hit.message,
                   suggestion=hit.suggestion)


__all__ = ["validate"]
