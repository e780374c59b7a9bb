"""sheetsync.plan_rules: the rules validation, reports, collation and the round share."""

from __future__ import annotations

from datetime import date

from sheetsync.model import Action, Plan, Recommendation
from sheetsync.plan_rules import (
    classify,
    deadline_of,
    is_done,
    is_overdue,
    owner_missing,
    status_text,
    vocabulary_of,
    with_progress,
)
from sheetsync.vocabulary import default_vocabulary


def test_done_counts_complete_bau_and_not_applicable_but_never_unknown() -> None:
    vocab = default_vocabulary()
    for status in ("Action Complete", "BAU", "Not Applicable", "complete", "N/A"):
        assert is_done(Action(id="1.1", status_raw=status), vocab), status
    for other in (None, "In Progress", "Not Started", "Compelte", "Green"):
        assert not is_done(Action(id="1.1", status_raw=other), vocab), other
    assert classify(Action(id="1.1", status_raw="Green"), vocab).category == "unknown"


def test_overdue_needs_a_passed_deadline_and_not_done() -> None:
    vocab = default_vocabulary()
    deadline = date(2025, 3, 27)
    open_action = Action(id="1.1", status="In Progress")
    assert is_overdue(open_action, deadline, date(2025, 3, 28), vocab)
    assert not is_overdue(open_action, deadline, date(2025, 3, 27), vocab)
    assert not is_overdue(open_action, None, date(2030, 1, 1), vocab)
    assert not is_overdue(Action(id="1.1", status="BAU"), deadline, date(2030, 1, 1), vocab)
    assert is_overdue(Action(id="1.1", status_raw="Compelte"), deadline, date(2030, 1, 1), vocab)


def test_owner_missing_for_blank_spaces_and_addressee_defaults() -> None:
    assert owner_missing(Action(id="1.1"))
    assert owner_missing(Action(id="1.1", owner="   "))
    assert owner_missing(Action(id="1.1", owner="Chief Constables"))
    assert not owner_missing(Action(id="1.1", owner="DCI Rachel Okafor"))


def test_the_plans_own_list_is_its_vocabulary() -> None:
    plan = Plan(status_list=["Not Started", "In Progress", "At Risk", "Action Complete"])
    assert "At Risk" in vocabulary_of(plan).names
    assert "At Risk" not in vocabulary_of(Plan()).names


def test_status_text_and_deadline() -> None:
    assert with_progress("In Progress", 50) == "In Progress 50%"
    assert with_progress("In Progress 50%", 50) == "In Progress 50%"
    assert status_text(Action(id="1.1", status_raw="Compelte")) == "Compelte (not a recognised status)"
    assert deadline_of(Recommendation(number="7")) is not None  # from the national catalogue
    assert deadline_of(Recommendation(number="L9")) is None
