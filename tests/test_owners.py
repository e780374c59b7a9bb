"""Owner matching: several owners in a cell, one person however spelt, addressee defaults unassigned."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.catalogue import catalogue
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.owners import UNASSIGNED, assign, file_name, is_unassigned, names_in, owner_key


@pytest.mark.parametrize(("cell", "names"), [
    ("DCI Rachel Okafor / Paula Grant", ["DCI Rachel Okafor", "Paula Grant"]),
    ("Insp Dunmore; Legal Services", ["Insp Dunmore", "Legal Services"]),
    ("D/Supt Owen Pryce, T/DI Sam Patel", ["D/Supt Owen Pryce", "T/DI Sam Patel"]),
    ("Insp Claire Dunmore / Paula Grant (ISAC, Vale Stalking Service)", ["Insp Claire Dunmore", "Paula Grant"]),
    ("Ms Dana Whitfield (Analyst)", ["Ms Dana Whitfield"]),
    ("Chief Constables / DS Ellery", ["DS Ellery"]),
    ("Gemma Ryan and Gail Russell", ["Gemma Ryan", "Gail Russell"]),
    ("Head of Learning and Development", ["Head of Learning and Development"]),
    ("CCs, PCCs and their mayor equivalents", []),
    ("Chief Constables", []),
    ("   ", []),
    (None, []),
])
def test_names_in_a_cell(cell: str | None, names: list[str]) -> None:
    assert names_in(cell) == names


@pytest.mark.parametrize("spelling", [
    "DCI Rachel Okafor", "rachel okafor", "  Rachel   OKAFOR ", "D/Supt Rachel Okafor", "Det. Supt. Rachel Okafor",
    "Detective Chief Inspector Rachel Okafor", "T/DCI Rachel Okafor", "Ms Rachel Okafor", "Insp Rachel Okafor",
    "Inspector Rachel Okafor", "DCI Rachel Okafor.",
])
def test_one_person_one_key(spelling: str) -> None:
    assert owner_key(spelling) == "rachel okafor"


def test_addressee_defaults_come_from_the_catalogue() -> None:
    for default in catalogue().owner_defaults:
        assert is_unassigned(default) and is_unassigned(default.upper())
    assert not is_unassigned("DCI Rachel Okafor")


def plan_of(owners: list[str | None]) -> Plan:
    actions = [Action(id=f"7.{i + 1}", owner=owner) for i, owner in enumerate(owners)]
    return Plan(force="Northshire Police", recommendations=[Recommendation(number="7", actions=actions)])


def test_assign_rows_to_owners() -> None:
    plan = plan_of(["DCI Rachel Okafor / Paula Grant", "Insp Dunmore; Legal Services", "Insp Claire Dunmore",
                    "rachel  okafor", "Chief Constables", None, "C Dunmore"])
    assignment = assign(plan)
    by_name = {owner.name: owner.ids for owner in assignment.owners}
    assert by_name == {
        "DCI Rachel Okafor": ("7.1", "7.4"),
        "Paula Grant": ("7.1",),
        "Insp Claire Dunmore": ("7.2", "7.3", "7.7"),  # "Insp Dunmore" and "C Dunmore" are her: one Dunmore
        "Legal Services": ("7.2",),
    }
    assert assignment.unassigned == ("7.5", "7.6")
    found = assignment.find("dunmore")
    assert found is not None and found.name == "Insp Claire Dunmore"
    unassigned = assignment.find("unassigned")
    assert unassigned is not None and unassigned.key == UNASSIGNED and unassigned.ids == ("7.5", "7.6")
    assert assignment.find("Nobody Here") is None
    assert assignment.owners_of("7.1") == ["rachel okafor", "paula grant"]
    assert assignment.owners_of("7.6") == [UNASSIGNED]


def test_a_surname_shared_by_two_people_stays_apart() -> None:
    assignment = assign(plan_of(["Insp Claire Dunmore", "DS Mark Dunmore", "Insp Dunmore"]))
    assert sorted(owner.key for owner in assignment.owners) == ["claire dunmore", "dunmore", "mark dunmore"]


@given(st.text(max_size=40))
def test_file_names_are_safe_everywhere(name: str) -> None:
    taken: set[str] = set()
    first = file_name(name, taken=taken)
    second = file_name(name, taken=taken)
    for made in (first, second):
        assert made.endswith(".xlsx") and not re.search(r'[<>:"/\\|?*\x00-\x1f]', made)
        stem = made[:-5]
        assert stem and stem == stem.rstrip(" .") and len(made) <= 100
        assert stem.split(".")[0].casefold() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}
    assert first.casefold() != second.casefold()


def test_file_names_are_unique_ignoring_case() -> None:
    taken: set[str] = set()
    assert [file_name(n, taken=taken) for n in ("Paula Grant", "PAULA GRANT", "CON", "a/b")] == [
        "Paula Grant.xlsx", "PAULA GRANT (2).xlsx", "CON_.xlsx", "a-b.xlsx"]
