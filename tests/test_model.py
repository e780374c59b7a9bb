"""The plan model: owners split, canonical JSON stable and round-trippable."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from pydantic import BaseModel

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


# --- building without validation -----------------------------------------------------------------------------


def assert_same(ours: object, theirs: object, where: str = "") -> None:
    """`ours` equals `theirs` all the way down, with the same types and, for models, the same fields set and the
    same private state (what pydantic's == leaves unchecked: 1 == 1.0, a list against a tuple of equal items)."""
    assert type(ours) is type(theirs), f"{where}: {type(ours).__name__} != {type(theirs).__name__}"
    if isinstance(ours, BaseModel):
        assert isinstance(theirs, BaseModel)
        assert ours == theirs, where
        assert ours.model_fields_set == theirs.model_fields_set, f"{where}: fields set"
        assert ours.__pydantic_private__ == theirs.__pydantic_private__, f"{where}: private attributes"
        assert list(ours.__dict__) == list(theirs.__dict__), f"{where}: field order"
        for name in type(ours).model_fields:
            assert_same(getattr(ours, name), getattr(theirs, name), f"{where}.{name}")
    elif isinstance(ours, list | tuple):
        assert isinstance(theirs, list | tuple) and len(ours) == len(theirs), where
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(ours, dict):
        assert isinstance(theirs, dict) and list(ours) == list(theirs), where
        for key in ours:
            assert_same(ours[key], theirs[key], f"{where}[{key!r}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


def validated_twin(model: BaseModel) -> BaseModel:
    """The model validated from the values `model` holds for its explicitly set fields: what `cls(**values)` gives."""
    return type(model)(**{name: getattr(model, name) for name in model.model_fields_set})


def test_model_construct_equals_validated() -> None:
    """The reader builds notes and recommendations it has already typed with pydantic's `model_construct`: the
    same values, types and fields set as validation gives."""
    note = ReadNote.model_construct(kind="blank-row", sheet="Plan", cell="A9", message="row 9 is blank")
    assert_same(note, ReadNote(kind="blank-row", sheet="Plan", cell="A9", message="row 9 is blank"))
    assert note.model_fields_set == {"kind", "sheet", "cell", "message"}
    assert hash(note) == hash(validated_twin(note))
    action = Action.model_construct(id="7.1", owner="A/B", owners=["A", "B"], date=date(2025, 1, 2), progress=50)
    assert_same(action, Action(id="7.1", owner="A/B", owners=["A", "B"], date=date(2025, 1, 2), progress=50))
    assert Action.model_construct(id="7.2").owners is not Action.model_construct(id="7.2").owners
    assert_same(Plan.model_construct(), Plan())


def test_plan_models_build_their_schema_only_when_needed() -> None:
    """Deferred: defining the models (and constructing one) never builds a schema; validating or dumping still
    works."""
    code = ("import sys; from sheetsync.model import Action, Plan, ReadNote, Recommendation; "
            "models = (Action, Plan, ReadNote, Recommendation); "
            "Action.model_construct(id='7.1'); "
            "assert not any(m.__pydantic_complete__ for m in models), 'built at import'; "
            "plan = Plan(recommendations=[Recommendation(number=7, actions=[Action(id='7.1')])]); "
            "assert plan.recommendations[0].number == '7' and plan.canonical()['recommendations']")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
