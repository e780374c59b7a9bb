"""The public version of the progress update: safe by construction, with a redaction review for the lead.

It publishes only statuses, figures, the national texts, and each force update after redaction (or, where the
plan has a "Public update" column, that text instead, redacted too). Never hidden rows, owners, supporting
documents, owner or update changes, or validation findings: those are simply not handed to the writers.

The redactor knows everyone the report touches: the owners and leads of the plan and of the `--since` snapshot,
and anyone a first pass finds named after a rank or title, or as two unknown capitalised words, in any of their
texts (so "DS Laura Penhaligon" in one update also takes "Penhaligon" out of another).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sheetsync.catalogue import catalogue
from sheetsync.model import Action, Plan, split_owners
from sheetsync.plan_rules import classify, vocabulary_of
from sheetsync.redact import Redactor, Review, fold, is_organisation, person_words, words_of
from sheetsync.report.data import DiffLike, ReportData, ValidationLike, build_report_data
from sheetsync.vocabulary import Vocabulary

# Column headings (in `Action.extra`) that hold the text meant for the public: "Public update", "Public Update
# text", "Update (public)".
_PUBLIC_COLUMN = re.compile(r"^\s*(?:public\s+update(?:\s+text)?|update\s*\(\s*public\s*\))\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PublicData:
    data: ReportData
    review: Review


def public_update(action: Action) -> str | None:
    """The action's "Public update" cell, when the plan has that column and the cell is not blank."""
    for heading, value in action.extra.items():
        if _PUBLIC_COLUMN.match(heading) and value and value.strip():
            return value
    return None


class PublicText:
    """The public version's text source for `build_report_data` (its `Publisher`)."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor

    def text(self, value: str | None, where: str, /) -> str:
        return self.redactor.scrub((value or "").strip(), where=where)

    def update(self, action: Action, where: str, /) -> str:
        chosen = public_update(action)
        return self.text(chosen if chosen is not None else action.update, where)


def build_public_data(plan: Plan, *, as_of: date, validation: ValidationLike | None = None,
                      changes: DiffLike | None = None, earlier: Plan | None = None,
                      period_start: date | None = None, snapshot: str | None = None,
                      extra_notes: Sequence[str] = ()) -> PublicData:
    """The public report data for `plan` and the review of every removal and suspicious word kept.
    `earlier`: the last return's plan (`--since`), whose people are removed too; `changes` only says a
    comparison was asked for: the public change lines are statuses, worked out here from the two plans."""
    plans = [plan] if earlier is None else [plan, earlier]
    people = [name for each in plans for name in _people(each)]
    organisations = [name for each in plans for name in _organisations(each)]
    texts = [text for each in plans for text in _texts(each)]
    known = _ordinary_words(texts, people)
    first = Redactor(people, organisations=organisations, known_words=known)
    for text in texts:  # find everyone named anywhere, so that each is removed everywhere
        first.scrub(text)
    redactor = Redactor([*people, *first.people_found()], organisations=organisations, known_words=known)
    public_changes = None if changes is None or earlier is None else status_changes(earlier, plan)
    data = build_report_data(plan, as_of=as_of, validation=validation, period_start=period_start,
                             snapshot=snapshot, publisher=PublicText(redactor), public_changes=public_changes,
                             extra_notes=extra_notes)
    return PublicData(data, redactor.review)


def status_changes(earlier: Plan, current: Plan) -> list[str]:
    """One line per evidence requirement whose public status changed, or that is new, since `earlier`: ids and
    plain-English statuses only (never owners, updates or anything else a diff holds). Hidden rows are left out."""
    vocab = vocabulary_of(current)
    before = {action.id: _public_status(action, vocab) for _rec, action in earlier.actions() if not action.hidden}
    lines = []
    for _rec, action in current.actions():
        if action.hidden:
            continue
        now = _public_status(action, vocab)
        if action.id not in before:
            lines.append(f"{action.id}: new evidence requirement ({now})")
        elif before[action.id] != now:
            lines.append(f"{action.id}: {before[action.id]} → {now}")
    return lines


def _public_status(action: Action, vocab: Vocabulary) -> str:
    judged = classify(action, vocab)
    definition = vocab.get(judged.status)
    if definition is None:
        return "Status not recorded"
    progress = judged.progress
    return (f"{definition.public} ({progress}%)" if progress is not None and definition.takes_progress
            else definition.public)


def _owner_parts(plan: Plan) -> Iterator[str]:
    for lead in (plan.executive_lead, plan.operational_lead):
        yield from split_owners(lead)
    for _rec, action in plan.actions():
        yield from action.owners or split_owners(action.owner)


def _people(plan: Plan) -> list[str]:
    """Everyone named as an owner or lead (the addressee default "Chief Constables" is nobody)."""
    return [part for part in _owner_parts(plan)
            if not catalogue().is_owner_default(part) and not is_organisation(part)]


def _organisations(plan: Plan) -> list[str]:
    """Teams named as owners, and the force: their words are never removed on their own."""
    found = [part for part in _owner_parts(plan) if is_organisation(part)]
    if plan.force and is_organisation(plan.force):
        found.append(plan.force)
    return found


def _texts(plan: Plan) -> Iterator[str]:
    """Every piece of free text in the plan, whether or not it is published (a name in a hidden row or a
    supporting document is still a name to remove elsewhere)."""
    for value in (plan.title, plan.force, plan.executive_lead, plan.operational_lead):
        if value:
            yield value
    for rec in plan.recommendations:
        if rec.text:
            yield rec.text
        for action in rec.actions:
            for value in (action.evidence, action.owner, action.update, action.supporting_documents,
                          action.date_raw, action.status_raw, *action.extra.values()):
                if value:
                    yield value


def _ordinary_words(texts: list[str], people: list[str]) -> set[str]:
    """Words the plan writes in lower case somewhere (other than its people's names: "smith" is still Smith),
    and the catalogue's words: ordinary words, not names."""
    known: set[str] = set()
    for text in texts:
        known.update(fold(word) for word in re.findall(r"[^\W\d_]+", text) if word.islower())
    known -= {word for name in people for part in person_words(name) for word in words_of(part)}
    for rec in catalogue().recommendations:
        known.update(words_of(rec.text or ""))
        for ev in rec.evidence:
            known.update(words_of(ev.text or ""))
    return known


__all__ = ["PublicData", "PublicText", "build_public_data", "public_update", "status_changes"]
