"""The plan rules every part of sheetsync shares: which statuses a plan uses, when an evidence requirement is done
or overdue, when it has no real owner, its deadline, and how its status reads with a percentage.

Validation, the reports, the national collation, the owners' round and the diff all ask these questions; they
ask them here, so the answers cannot drift apart. The README's report rules ("Green when Action Complete, BAU or
Not Applicable; a missing or unrecognised status never counts as complete") are these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sheetsync.catalogue import catalogue
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.vocabulary import Vocabulary, default_vocabulary

Category = Literal["done", "in_progress", "not_started", "unknown"]


def vocabulary_of(plan: Plan) -> Vocabulary:
    """The plan's own status list (its workbook's Lists sheet) when it has one, else the national list."""
    return Vocabulary.from_list(plan.status_list) if plan.status_list else default_vocabulary()


@dataclass(frozen=True, slots=True)
class StatusClass:
    """An action's status as the rules see it: the list's word (None when missing or unrecognised), its
    percentage, and what it means."""

    status: str | None
    progress: int | None
    category: Category


def classify(action: Action, vocab: Vocabulary) -> StatusClass:
    """The reader's canonical status when it has one, else what was typed, normalised against `vocab`."""
    status, progress = action.status, action.progress
    if status not in vocab.names:
        raw = action.status if action.status is not None else action.status_raw
        match = vocab.normalise(raw)
        status, progress = match.status, progress if progress is not None else match.progress
    definition = vocab.get(status)
    if definition is None:
        return StatusClass(None, progress, "unknown")
    if definition.done:
        return StatusClass(status, progress, "done")
    return StatusClass(status, progress, "in_progress" if definition.started else "not_started")


def is_done(action: Action, vocab: Vocabulary) -> bool:
    """Action Complete, BAU or Not Applicable (or a force's own word marked done); never a missing or
    unrecognised status."""
    return classify(action, vocab).category == "done"


def deadline_of(rec: Recommendation) -> date | None:
    """The recommendation's deadline: as the plan states it, else the national catalogue's."""
    if rec.deadline is not None:
        return rec.deadline
    known = catalogue().get(rec.number)
    return known.deadline if known else None


def is_overdue(action: Action, deadline: date | None, as_of: date, vocab: Vocabulary) -> bool:
    """Not done and its recommendation's deadline has passed at `as_of`."""
    return deadline is not None and as_of > deadline and not is_done(action, vocab)


def owner_missing(action: Action) -> bool:
    """No owner (a cell of spaces counts as empty), or still an addressee default such as "Chief Constables"."""
    owner = action.owner
    return owner is None or not owner.strip() or catalogue().is_owner_default(owner)


def with_progress(status: str | None, progress: int | None) -> str | None:
    """"In Progress" and 50 -> "In Progress 50%"; a status that already carries a percentage is kept as it is."""
    if status and progress is not None and "%" not in status:
        return f"{status} {progress}%"
    return status


def status_text(action: Action) -> str | None:
    """The status as a reader sees it: the list's word (or what was typed, marked unrecognised), with its
    percentage."""
    status = action.status or (f"{action.status_raw} (not a recognised status)" if action.status_raw else None)
    return with_progress(status, action.progress)


__all__ = ["Category", "StatusClass", "classify", "deadline_of", "is_done", "is_overdue", "owner_missing",
           "status_text", "vocabulary_of", "with_progress"]
