"""The status vocabulary: what people type, mapped and explained, or refused with a suggestion."""

from __future__ import annotations

import dataclasses
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_model import assert_strict

from sheetsync.vocabulary import (
    DEFAULT_STATUSES,
    SYNONYMS,
    How,
    StatusDef,
    Vocabulary,
    default_vocabulary,
    normalise,
)

CANONICAL = [s.name for s in DEFAULT_STATUSES]


@pytest.mark.parametrize(("typed", "status", "progress", "how"), [
    ("Action Complete", "Action Complete", None, "exact"),
    ("action complete ", "Action Complete", None, "case-or-spacing"),
    ("IN  PROGRESS", "In Progress", None, "case-or-spacing"),
    ("In Progress 50%", "In Progress", 50, "percentage"),
    ("In progress 60%", "In Progress", 60, "percentage"),
    ("In Progress (25 %)", "In Progress", 25, "percentage"),
    ("Complete", "Action Complete", None, "synonym"),
    ("Completed", "Action Complete", None, "synonym"),
    ("Done", "Action Complete", None, "synonym"),
    ("Closed", "Action Complete", None, "synonym"),
    ("Ongoing", "In Progress", None, "synonym"),
    ("Underway", "In Progress", None, "synonym"),
    ("Being progressed", "In Progress", None, "synonym"),
    ("WIP", "In Progress", None, "synonym"),
    ("Business as usual", "BAU", None, "synonym"),
    ("N/A", "Not Applicable", None, "synonym"),
    ("Not yet started", "Not Started", None, "synonym"),
    ("Awaiting allocation", "Not Started", None, "synonym"),
])
def test_accepted(typed: str, status: str, progress: int | None, how: str) -> None:
    match = normalise(typed)
    assert (match.status, match.progress, match.how) == (status, progress, how)


@pytest.mark.parametrize(("typed", "how", "suggestion"), [
    ("Compelte", "typo", "Action Complete"),
    ("Action Compelte", "typo", "Action Complete"),
    ("In Prgress", "typo", "In Progress"),
    ("Green", "rag", None),
    ("Amber", "rag", None),
    ("RAG: Red", "rag", None),
    ("We accept this recommendation and we partially comply", "prose", "In Progress"),
    ("In Progress 150%", "bad-percentage", "In Progress"),
    ("   ", "empty", None),
    ("xyzzy", "unknown", None),
])
def test_refused(typed: str, how: str, suggestion: str | None) -> None:
    match = normalise(typed)
    assert match.status is None and match.how == how and match.suggestion == suggestion


def test_force_extends_vocabulary() -> None:
    vocab = Vocabulary.from_list([*CANONICAL, "At Risk"])
    assert vocab.normalise("at risk").status == "At Risk"
    assert vocab.normalise("Done").status == "Action Complete"
    assert vocab.get("At Risk") is not None and not vocab.is_done("At Risk")
    assert vocab.is_done("BAU")


def test_replaced_vocabulary_drops_synonyms_to_missing_words() -> None:
    vocab = Vocabulary.from_list(["Open", "Closed"])
    assert vocab.normalise("closed").status == "Closed"
    assert vocab.normalise("Complete").status is None


def test_synonyms_point_at_canonical_statuses() -> None:
    assert set(SYNONYMS.values()) <= set(CANONICAL)


@given(st.text(max_size=60))
def test_normalise_never_crashes_and_is_consistent(text: str) -> None:
    match = normalise(text)
    assert match.status is None or match.status in CANONICAL
    assert (match.status is not None) == (match.how in {"exact", "case-or-spacing", "percentage", "synonym"})
    if match.progress is not None:
        assert 0 <= match.progress <= 100


@given(st.sampled_from(CANONICAL), st.sampled_from(["", " ", "  ", "\t", "\u00a0"]), st.booleans())
def test_case_and_spacing_variants_map_back(status: str, pad: str, upper: bool) -> None:
    typed = pad + (status.upper() if upper else status.lower()) + pad
    assert normalise(typed).status == status


@given(st.integers(0, 100))
def test_any_valid_percentage(p: int) -> None:
    match = normalise(f"In Progress {p}%")
    assert (match.status, match.progress) == ("In Progress", p)


# The constants and a force's own list are plain records of exactly their declared types. Status matches too.
def test_constants_and_results_hold_their_types() -> None:
    for status in DEFAULT_STATUSES:
        assert_strict(status)
    assert_strict(default_vocabulary())
    assert default_vocabulary() == Vocabulary() and default_vocabulary().statuses is DEFAULT_STATUSES
    own = Vocabulary.from_list([*CANONICAL, "At Risk", "in progress"])
    assert_strict(own)
    assert own == Vocabulary(statuses=(*DEFAULT_STATUSES, StatusDef(name="At Risk", public="At Risk")),
                             synonyms=SYNONYMS)
    hows = set()
    for typed in ["Action Complete", "action complete ", "In Progress 50%", "Complete", "Compelte", "Green",
                  "We accept this recommendation and we partially comply", "In Progress 150%", "   ", None,
                  "xyzzy", "60%"]:
        match = normalise(typed)
        hows.add(match.how)
        assert hash(match) == hash(normalise(typed)) and match == normalise(typed)
        with pytest.raises(dataclasses.FrozenInstanceError):
            match.status = "changed"  # type: ignore[misc]
    assert hows == set(get_args(How))


@given(st.text(max_size=30))
def test_any_result_is_a_consistent_record(text: str) -> None:
    match = normalise(text)
    assert match.how in get_args(How)
    assert match.ok == (match.status is not None)
    assert match.progress is None or (match.ok and 0 <= match.progress <= 100)
