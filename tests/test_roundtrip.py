"""Template -> fill -> read: what sheetsync writes into the template, the reader gives back value for value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.catalogue import catalogue
from sheetsync.model import Action, Plan, Recommendation, split_owners
from sheetsync.reader import read_plan
from sheetsync.template import write_plan_workbook, write_template
from sheetsync.vocabulary import DEFAULT_STATUSES

CANONICAL = [s.name for s in DEFAULT_STATUSES]

# Cell text as users type it: letters, digits, punctuation, line breaks; no leading/trailing space (the reader
# trims, by design) and no characters Excel cannot store.
_alphabet = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x00")
cell_text = st.text(_alphabet, min_size=1, max_size=80).map(lambda s: " ".join(s.split())).filter(bool)


def _filled_plan(owner: str, update: str, status: str, when: date | None, formula_like: str) -> Plan:
    cat = catalogue()
    recs = []
    for rec in cat.recommendations:
        actions = [Action(id=ev.id, evidence=ev.text, owner=owner, owners=split_owners(owner),
                          update=f"{update} {formula_like}" if ev.id == "7.1" else update, date=when,
                          status=status, status_raw=status) for ev in rec.evidence]
        recs.append(Recommendation(number=rec.number, text=rec.text, deadline=rec.deadline, actions=actions))
    return Plan(title="Eastshire Constabulary Police Stalking Action Plan", force="Eastshire Constabulary",
                executive_lead="ACC Ann Lee", operational_lead="DCI Bo Kay", recommendations=recs)


def _comparable(plan: Plan) -> dict[str, object]:
    data = plan.canonical()
    for rec in data["recommendations"]:
        for action in rec["actions"]:
            action.pop("cells")
            action.pop("date_raw")
    data.pop("protective_marking")
    return data


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(owner=cell_text, update=cell_text, status=st.sampled_from(CANONICAL),
       when=st.one_of(st.none(), st.dates(min_value=date(2024, 9, 27), max_value=date(2030, 12, 31))),
       formula_like=st.sampled_from(["=1+1", "+44 7700", "-draft", "@owner", "plain"]))
def test_fill_then_read_gives_the_same_plan(tmp_path_factory: pytest.TempPathFactory, owner: str, update: str,
                                            status: str, when: date | None, formula_like: str) -> None:
    plan = _filled_plan(owner, update, status, when, formula_like)
    path = tmp_path_factory.mktemp("rt") / "plan.xlsx"
    write_plan_workbook(plan, path)
    again = read_plan(path)
    assert _comparable(again) == _comparable(plan)


def test_blank_template_reads_as_the_catalogue(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", force="Eastshire Constabulary", executive_lead="ACC Ann Lee",
                          operational_lead="DCI Bo Kay")
    plan = read_plan(path)
    assert plan.force == "Eastshire Constabulary" and plan.executive_lead == "ACC Ann Lee"
    assert [r.number for r in plan.recommendations] == catalogue().numbers()
    assert [a.id for _, a in plan.actions()] == catalogue().evidence_ids()
    for rec, action in plan.actions():
        assert action.evidence == catalogue().evidence(action.id).text  # type: ignore[union-attr]
        assert action.owner is None and action.status is None and action.update is None
        assert rec.text == catalogue().get(rec.number).text  # type: ignore[union-attr]
    assert plan.status_list == CANONICAL
    assert plan.protective_marking == "OFFICIAL"


def test_blank_header_values_located_after_merged_labels(tmp_path: Path) -> None:
    plan = read_plan(write_template(tmp_path / "t.xlsx"))
    assert plan.force is None and plan.executive_lead is None
    # labels are merged over A:B, values over C:E: a blank value is still located in its own cell
    assert plan.header_cells["force"].endswith("!C3")
    assert plan.header_cells["operational_lead"].endswith("!C5")
