"""The plan model: owners split, canonical JSON stable and round-trippable."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from sheetsync.model import Action, Plan, ReadNote, Recommendation, split_owners, split_ref


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


# --- plain records inside, pydantic at the JSON edge ------------------------------------------------------------


def assert_strict(record: Any) -> None:
    """`record` holds exactly the types its fields declare, all the way down (a date, not a datetime; "7", not 7;
    a list, not a tuple; 1, not True): pydantic, given its values, builds the same record to the last type. What
    the reader, the catalogue and the vocabulary build without pydantic is checked this way."""
    from pydantic import TypeAdapter

    again = TypeAdapter(type(record)).validate_python(_values(record))
    assert _typed(_values(again)) == _typed(_values(record)), f"{type(record).__name__}: {again!r} != {record!r}"


def _values(value: Any) -> Any:
    """A record's constructor arguments as plain data, all the way down (what `dataclasses.asdict` gives, without
    the fields a record fills in itself)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _values(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, list | tuple):
        return type(value)(_values(item) for item in value)
    if isinstance(value, dict):
        return {key: _values(item) for key, item in value.items()}
    return value


def _typed(value: Any) -> Any:
    """`value` with the type of every part beside it (so 1 and True, or a list and a tuple, compare unequal)."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value), [_typed(item) for item in value]
    return type(value), value


def full_plan() -> Plan:
    return Plan(title="T", force="Eastshire", executive_lead="ACC Lee", operational_lead="DCI Moss",
                protective_marking="OFFICIAL", source="x.xlsx", sheet="S", header_cells={"title": "S!A1"},
                status_list=["Not Started"], read_notes=[ReadNote(kind="blank-row", sheet="S", cell="A9")],
                recommendations=[Recommendation(number="7", text="Use the system", deadline=date(2025, 3, 27),
                                                addressees=["CCs"], cells={"number": "S!A5"}, actions=[
                    Action(id="7.1", evidence="E", owner="A/B", owners=["A", "B"], update="U", date=date(2025, 1, 2),
                           date_raw="2/1/25", status="In Progress", status_raw="in progress 50%", progress=50,
                           supporting_documents="D", extra={"RAG": "Green"}, cells={"status": "S!H5"},
                           hidden=True)])])


def test_canonical_json_is_the_documented_shape() -> None:
    """The canonical JSON's keys, order and value forms, written out once (the README's "The plan as JSON" lists
    the same keys; tests/test_readme.py checks that list)."""
    assert full_plan().canonical_json(indent=None) == (
        '{"title": "T", "force": "Eastshire", "executive_lead": "ACC Lee", "operational_lead": "DCI Moss", '
        '"protective_marking": "OFFICIAL", "recommendations": [{"number": "7", "text": "Use the system", '
        '"deadline": "2025-03-27", "actions": [{"id": "7.1", "evidence": "E", "owner": "A/B", "owners": ["A", "B"], '
        '"update": "U", "date": "2025-01-02", "date_raw": "2/1/25", "status": "In Progress", '
        '"status_raw": "in progress 50%", "progress": 50, "supporting_documents": "D", "extra": {"RAG": "Green"}, '
        '"cells": {"status": "S!H5"}, "hidden": true}]}]}')


def test_canonical_copies_rather_than_shares() -> None:
    plan = full_plan()
    data = plan.canonical()
    data["recommendations"][0]["actions"][0]["owners"].append("C")
    data["recommendations"][0]["actions"][0]["cells"]["x"] = "S!A1"
    assert plan.recommendations[0].actions[0].owners == ["A", "B"]
    assert plan.recommendations[0].actions[0].cells == {"status": "S!H5"}


def test_from_canonical_checks_what_comes_in() -> None:
    """Text from outside (a snapshot, a file) is checked field by field by pydantic: a bad value is refused
    with the path to it, as a ValueError; a good one comes back as the same plain records."""
    plan = full_plan()
    back = Plan.from_canonical(plan.canonical_json())
    assert type(back.recommendations[0].actions[0]) is Action and back.recommendations[0].deadline == date(2025, 3, 27)
    assert back.canonical() == plan.canonical()
    for bad, where in [({"recommendations": 3}, "recommendations"),
                       ({"recommendations": [{"number": "1", "actions": [{"id": "1.1", "progress": 150}]}]},
                        "recommendations.0.actions.0"),
                       ({"recommendations": [{"number": "1", "actions": [{"id": "1.1", "date": "2025-13-01"}]}]},
                        "recommendations.0.actions.0.date"),
                       ({"recommendations": [{"text": "no number"}]}, "recommendations.0.number")]:
        with pytest.raises(ValueError, match=re.escape(where)):
            Plan.from_canonical(cast("dict[str, Any]", bad))


def test_records_keep_their_rules_without_pydantic() -> None:
    assert Recommendation(number=7.0).number == "7"  # type: ignore[arg-type]  # a number cell as Excel gives it
    assert Recommendation(number=7).number == "7"  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="progress 101"):
        Action(id="7.1", progress=101)
    assert Action(id="7.2").owners is not Action(id="7.2").owners
    note = ReadNote(kind="blank-row", sheet="Plan", cell="A9")
    with pytest.raises(AttributeError):
        note.kind = "other"  # type: ignore[misc]
    assert hash(note) == hash(ReadNote(kind="blank-row", sheet="Plan", cell="A9"))


def test_validate_never_imports_pydantic(tmp_path: Path) -> None:
    """Reading and validating a plan (the Excel button's path, a new Python each press) loads no pydantic: it
    is about 45 ms of a cold start (bench/bench_cold.py). Writing a plan's JSON does not need it either. Nor is
    html's entity table loaded when no cell holds an "&" (about 3 ms)."""
    from builders import catalogue_rows, write_grid

    book = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    code = ("import sys; from sheetsync.reader import read_plan; from sheetsync.validation import validate; "
            f"plan = read_plan({str(book)!r}); validate(plan); plan.canonical_json(); "
            "assert 'pydantic' not in sys.modules, 'pydantic was imported'; "
            "assert 'html' not in sys.modules, 'html (its entity table) was imported for a plan with no &'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_strict_check_catches_a_wrong_type() -> None:
    """The check the reader's, catalogue's and vocabulary's tests lean on can fail."""
    from datetime import datetime

    assert_strict(full_plan())
    for wrong in [Action(id="7.1", date=datetime(2025, 1, 2)), Action(id="7.1", owners=("A",)),  # type: ignore[arg-type]
                  Action(id="7.1", progress=True), ReadNote(kind="k", sheet="S", cell=9)]:  # type: ignore[arg-type]
        with pytest.raises((AssertionError, ValueError)):
            assert_strict(wrong)


def test_the_readme_lists_the_canonical_keys_in_order() -> None:
    """README, "The plan as JSON": its three lists of keys are the canonical JSON's, in order."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("## The plan as JSON", 1)[1].split("\n## ", 1)[0].split())

    def keys(label: str, end: str) -> list[str]:
        listed = section.split(label, 1)[1].split(end, 1)[0]
        return [key.strip() for chunk in re.findall(r"`([^`]+)`", listed + "`") for key in chunk.split(",")]

    data = full_plan().canonical()
    rec = data["recommendations"][0]
    assert keys("top level:", ";") == list(data)
    assert keys("each recommendation:", ";") == list(rec)
    assert keys("each action:", "`.") == list(rec["actions"][0])
