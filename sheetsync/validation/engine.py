"""The engine: `validate(plan)` gives each registered rule what its scope names, in plan order, and turns the
hits into findings (the code and severity from the rule, the cell located here and nowhere else)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sheetsync.errors import ConfigError
from sheetsync.model import Plan, Recommendation, Severity, split_ref
from sheetsync.validation.facts import Context, Row, row_of, short
from sheetsync.validation.records import Finding, Hit, ValidationReport
from sheetsync.validation.registry import Rule, Scope, by_scope, severity_table
from sheetsync.vocabulary import Vocabulary, default_vocabulary

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
    if vocabulary is None:
        vocabulary = Vocabulary.from_list(plan.status_list) if plan.status_list else default_vocabulary()
    ctx = Context(plan, as_of or date.today(), vocabulary)
    findings = _findings(ctx, by_scope(ignored), severities, ignored)
    counts = Counter(f.severity for f in findings)
    summary: dict[str, Any] = {
        "error": counts["error"], "warning": counts["warning"], "info": counts["info"],
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }
    return ValidationReport(ok=counts["error"] == 0, summary=summary, findings=findings,
                            evidence_requirements=len(ctx.rows))


def _findings(ctx: Context, active: dict[Scope, list[Rule]], severities: dict[str, Severity], ignored: set[str]
              ) -> list[Finding]:
    found: list[tuple[Place, int, Finding]] = []
    add = found.append
    for entry in active["plan"]:
        for hit in entry.check(ctx):
            add((_PLAN if hit.row is None else hit.row.place, entry.rank, _locate(entry, hit, hit.row)))
    note_rules = {entry.code: entry for entry in active["read note"]}
    note_rank = min((entry.rank for entry in active["read note"]), default=0)
    for note in ctx.plan.read_notes:
        note_rule = note_rules.get(note.kind)
        if note_rule is not None:
            for hit in note_rule.check(ctx, note):
                add((_PLAN, note_rank, _locate(note_rule, hit, None)))
        elif note.kind not in ignored:  # a kind of note no rule words: reported in the reader's words
            from sheetsync.validation.rules.plan import note_hit

            hit = note_hit(note, None)
            add((_PLAN, note_rank, _finding(note.kind, severities.get(note.kind, "warning"), hit, hit.ref,
                                            hit.action, hit.recommendation)))
    rec_rules, row_rules = active["recommendation"], active["action"]
    for rec in ctx.recs:
        for entry in rec_rules:
            for hit in entry.check(ctx, rec):
                add(((rec.index, -1), entry.rank, _locate_rec(entry, hit, rec.rec)))
    for row in ctx.rows:
        for entry in row_rules:
            for hit in entry.check(ctx, row):
                add((row.place, entry.rank, _locate(entry, hit, row)))
    if ctx.rows:
        end = len(ctx.recs)
        for c_index, cat_rec in enumerate(ctx.cat.recommendations):
            for entry in active["catalogue"]:
                for hit in entry.check(ctx, cat_rec):
                    add(((end, c_index), entry.rank, _locate(entry, hit, None)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [finding for _, _, finding in found]


def _locate(entry: Rule, hit: Hit, row: Row | None) -> Finding:
    """The finding for a hit on an evidence row (its cell of the hit's field), or on nothing (the hit's ref)."""
    if row is not None:
        action = row.action
        cells = action.cells
        ref = cells.get(hit.field or "id") or cells.get("id")
        action_id: str | None = action.id.strip() or action.id
        rec_number: str | None = row.rec.rec.number
    else:
        ref, action_id, rec_number = hit.ref, hit.action, hit.recommendation
    return _finding(entry.code, entry.severities[0], hit, ref, action_id, rec_number)


def _locate_rec(entry: Rule, hit: Hit, rec: Recommendation) -> Finding:
    """The finding for a hit on a recommendation: its cell of the hit's field (else its number cell)."""
    ref = rec.cells.get(hit.field or "number") or rec.cells.get("number")
    return _finding(entry.code, entry.severities[0], hit, ref, None, rec.number)


def _finding(code: str, severity: Severity, hit: Hit, ref: str | None, action_id: str | None,
             rec_number: str | None) -> Finding:
    sheet, cell = split_ref(ref)
    return Finding(code=code, severity=hit.severity or severity, sheet=sheet,
                   cell=cell, row=row_of(cell), recommendation=rec_number, action=action_id, field=hit.field,
                   value=None if hit.value is None else short(str(hit.value), 300), message=hit.message,
                   suggestion=hit.suggestion)


__all__ = ["validate"]
