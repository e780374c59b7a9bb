"""The plan model: owners split, canonical JSON stable and round-trippable."""

from __future__ import annotations

from datetime import date

import pytest

from sheetsync.model import Action, Plan, Recommendation, split_owners, split_ref


@pytest.mark.parametrize(("owner", "names"), [
    ("Kieran Maher/Raymond Smillie/Kim Sach", ["Kieran Maher", "Raymond Smillie", "Kim Sach"]),
    ("Gemma Ryan and Gail Russell", ["Gemma Ryan", "Gail Russell"]),
    ("A, B & C", ["A", "B", "C"]),
    ("Shani Plumb (and WACRO)", ["Shani Plumb", "WACRO"]),
    ("Kimberley Sach /WACRO's", ["Kimberley Sach", "WACRO's"]),
    ("   ", []),
    (None, []),
])
def test_split_owners(owner: str | None, names: list[str]) -> None:
    assert split_owners(owner) == names


def test_canonical_json_round_trip_excludes_provenance() -> None:
    plan = Plan(force="Eastshire", source="x.xlsx", sheet="S", recommendations=[
        Recommendation(number="7", deadline=date(2025, 3, 27), addressees=["Chief constables"],
                       cells={"number": "S!A5"},
                       actions=[Action(id="7.1", owner="A/B", owners=["A", "B"], date=date(2025, 1, 2),
                                       cells={"status": "S!H5"})])])
    data = plan.canonical()
    assert "source" not in data and "addressees" not in data["recommendations"][0]
    assert data["recommendations"][0]["actions"][0]["cells"] == {"status": "S!H5"}
    assert Plan.from_canonical(plan.canonical_json()).canonical() == data


def test_split_ref() -> None:
    assert split_ref("Action Plan!G26") == ("Action Plan", "G26")
    assert split_ref("It's!mine!B2") == ("It's!mine", "B2")
    assert split_ref(None) == (None, None)


@pytest.mark.parametrize(("owner", "names"), [
    ("Head of Learning and Development", ["Head of Learning and Development"]),
    ("Kimberley Sach and Learning and Development", ["Kimberley Sach and Learning and Development"]),
    ("DS Mark Ellery and DI Priya Nandra", ["DS Mark Ellery", "DI Priya Nandra"]),
    ("CCs, PCCs and their mayor equivalents", ["CCs", "PCCs and their mayor equivalents"]),
])
def test_and_splits_only_between_names(owner: str, names: list[str]) -> None:
    assert split_owners(owner) == names
