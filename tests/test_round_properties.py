"""Properties of the merge (hypothesis): an unedited return changes nothing; disjoint edits give the same plan in
any order, at once or one return at a time; every conflict keeps ours and reports theirs; nothing outside the
changed cells moves."""

from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from round_builders import sample_workbook

from sheetsync.model import Plan
from sheetsync.package import Package
from sheetsync.plan_rules import with_progress
from sheetsync.reader import read_plan_bytes
from sheetsync.round.merge import FIELDS, Merge, ReturnFile, merge_plans, value_of
from sheetsync.round.report import shown
from sheetsync.round.split import split_plan
from sheetsync.round.stamp import read_stamp
from sheetsync.snapshots import load_plan

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])
WORDS = ["audit", "training", "delivered", "review", "policy", "SPO", "ISAC", "complete", "victims", "March"]
STATUSES = ["Not Started", "In Progress", "Action Complete", "BAU", "Green"]  # "Green": off the list, kept as typed


@dataclass(frozen=True)
class Round:
    plan_bytes: bytes
    ours: Plan
    base: Plan
    base_id: int
    returns: list[ReturnFile]


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Round:
    tmp = tmp_path_factory.mktemp("props")
    plan_path = sample_workbook(tmp / "plan.xlsx")
    result = split_plan(plan_path, output=tmp / "returns")
    returns = []
    for item in result.returns:
        data = Path(item.file).read_bytes()
        stamp = read_stamp(data)
        assert stamp is not None
        returns.append(ReturnFile(Path(item.file), stamp, read_plan_bytes(data, source=item.file),
                                  datetime(2025, 4, 1, tzinfo=UTC)))
    data = plan_path.read_bytes()
    return Round(data, read_plan_bytes(data, source=plan_path), load_plan(plan_path, result.snapshot),
                 result.snapshot, returns)


def edited(plan: Plan, changes: dict[str, dict[str, Any]]) -> Plan:
    """A copy of `plan` with fields of rows changed, as the reader would give them back."""
    changed = copy.deepcopy(plan)
    for _, action in changed.actions():
        for name, value in changes.get(action.id, {}).items():
            if name == "status":
                status, progress = value
                action.status = status if status != "Green" else None
                action.status_raw = with_progress(status, progress)
                action.progress = progress
            elif name == "date":
                action.date, action.date_raw = value, None
            else:
                setattr(action, name, value)
    return changed


text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
value_for = {
    "update": text,
    "supporting_documents": text,
    "date": st.dates(date(2024, 10, 1), date(2026, 12, 31)),
    # An off-list word never carries a percentage as the reader sees it ("Green 50%" reads as typed, no 50).
    "status": st.tuples(st.sampled_from(STATUSES), st.none() | st.integers(0, 100)).map(
        lambda pair: (pair[0], None) if pair[0] == "Green" else pair),
}


@st.composite
def disjoint_edits(draw: st.DrawFn, round_: Round) -> dict[int, dict[str, dict[str, Any]]]:
    """Edits by a few owners (index into round_.returns) to rows no other edit touches."""
    owners = draw(st.lists(st.integers(0, len(round_.returns) - 1), min_size=1, max_size=4, unique=True))
    used: set[str] = set()
    edits: dict[int, dict[str, dict[str, Any]]] = {}
    for owner in owners:
        ids = [i for i, _ in round_.returns[owner].stamp.rows if i not in used]
        chosen = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)) if ids else []
        used.update(chosen)
        edits[owner] = {}
        for action_id in chosen:
            names = draw(st.lists(st.sampled_from(sorted(value_for)), min_size=1, max_size=3, unique=True))
            edits[owner][action_id] = {name: draw(value_for[name]) for name in names}
    return edits


def returns_with(round_: Round, edits: dict[int, dict[str, dict[str, Any]]]) -> list[ReturnFile]:
    out = []
    for owner, changes in edits.items():
        item = round_.returns[owner]
        out.append(ReturnFile(item.path, item.stamp, edited(item.plan, changes), item.saved_at))
    return out


def apply(data: bytes, merge: Merge) -> bytes:
    package = Package(data, path="plan.xlsx")
    for sheet, cells in merge.writes.items():
        package.set_cells(sheet, cells)
    return package.to_bytes()


def values(plan: Plan) -> dict[tuple[str, str], object]:
    return {(a.id, name): value_of(a, name) for _, a in plan.actions() for name in (*FIELDS, "owner", "evidence")}


@SETTINGS
@given(data=st.data())
def test_unedited_returns_change_nothing(sent: Round, data: st.DataObject) -> None:
    chosen = data.draw(st.permutations(sent.returns))[:data.draw(st.integers(1, len(sent.returns)))]
    merge = merge_plans(sent.ours, chosen, {sent.base_id: sent.base})
    assert merge.writes == {} and merge.conflicts == [] and merge.ignored == [] and merge.updated == []
    assert apply(sent.plan_bytes, merge) == sent.plan_bytes


@SETTINGS
@given(data=st.data())
def test_disjoint_edits_give_one_plan_in_any_order(sent: Round, data: st.DataObject) -> None:
    edits = data.draw(disjoint_edits(sent))
    returns = returns_with(sent, edits)
    at_once = merge_plans(sent.ours, returns, {sent.base_id: sent.base})
    assert at_once.conflicts == [] and at_once.ignored == []
    reversed_order = merge_plans(sent.ours, list(reversed(returns)), {sent.base_id: sent.base})
    assert reversed_order.writes == at_once.writes
    merged = read_plan_bytes(apply(sent.plan_bytes, at_once), source="merged.xlsx")
    # One return at a time, in a drawn order, each into the plan the last one left: the same plan.
    current, ours = sent.plan_bytes, sent.ours
    for item in data.draw(st.permutations(returns)):
        step = merge_plans(ours, [item], {sent.base_id: sent.base})
        assert step.conflicts == []
        current = apply(current, step)
        ours = read_plan_bytes(current, source="step.xlsx")
    assert values(ours) == values(merged)
    # And every edit landed.
    got = values(merged)
    for owner, changes in edits.items():
        for action_id, fields in changes.items():
            their = {a.id: a for _, a in edited(sent.returns[owner].plan, changes).actions()}[action_id]
            for name in fields:
                names = ("status", "progress") if name == "status" else (name,)
                for field in names:
                    assert got[(action_id, field)] == value_of(their, field), (action_id, field)


@SETTINGS
@given(data=st.data())
def test_every_conflict_keeps_ours_and_reports_theirs(sent: Round, data: st.DataObject) -> None:
    edits = data.draw(disjoint_edits(sent))
    # The lead changes some of the same fields in the plan meanwhile.
    lead: dict[str, dict[str, Any]] = {}
    for changes in edits.values():
        for action_id, fields in changes.items():
            for name in fields:
                if data.draw(st.booleans()):
                    lead.setdefault(action_id, {})[name] = data.draw(value_for[name])
    ours = edited(sent.ours, lead)
    merge = merge_plans(ours, returns_with(sent, edits), {sent.base_id: sent.base})
    ours_rows = {a.id: a for _, a in ours.actions()}
    base_rows = {a.id: a for _, a in sent.base.actions()}
    updated = {(u.id, u.field) for u in merge.updated}
    for conflict in merge.conflicts:
        assert conflict.ours == shown(value_of(ours_rows[conflict.id], conflict.field))
        assert conflict.theirs not in (conflict.ours, conflict.base)
        assert conflict.base == shown(value_of(base_rows[conflict.id], conflict.field))
        assert (conflict.id, conflict.field) not in updated
    # Conflicts are exactly the fields both sides changed, to different values.
    expected = set()
    for owner, changes in edits.items():
        theirs = {a.id: a for _, a in edited(sent.returns[owner].plan, changes).actions()}
        for action_id in changes:
            for name in FIELDS:
                was = value_of(base_rows[action_id], name)
                mine, their = value_of(ours_rows[action_id], name), value_of(theirs[action_id], name)
                if mine != was and their != was and mine != their:
                    expected.add((action_id, name))
    assert {(c.id, c.field) for c in merge.conflicts} == expected


_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)


@SETTINGS
@given(data=st.data())
def test_nothing_outside_the_changed_cells_moves(sent: Round, data: st.DataObject) -> None:
    merge = merge_plans(sent.ours, returns_with(sent, data.draw(disjoint_edits(sent))), {sent.base_id: sent.base})
    out = apply(sent.plan_bytes, merge)
    before, after = zipfile.ZipFile(BytesIO(sent.plan_bytes)), zipfile.ZipFile(BytesIO(out))
    assert before.namelist() == after.namelist()
    written = {cell.encode() for cells in merge.writes.values() for cell in cells}
    for info in before.infolist():
        old, new = before.read(info), after.read(info.filename)
        if info.filename == "xl/sharedStrings.xml":
            assert new.startswith(old[:old.index(b"<si>")].split(b'count="')[0])
            assert old.count(b"<si>") <= new.count(b"<si>")
        elif info.filename == "xl/worksheets/sheet1.xml":
            def keep(xml: bytes) -> bytes:
                return _CELL.sub(lambda m: b"" if m.group(1) in written else m.group(0), xml)

            assert keep(old) == keep(new)
        else:
            assert old == new, info.filename
    assert not merge.writes or out != sent.plan_bytes
    # Read back, every field nobody changed is as it was.
    merged = values(read_plan_bytes(out, source="merged.xlsx"))
    touched = {(u.id, u.field) for u in merge.updated}
    touched |= {(i, "status") for i, f in touched if f == "progress"} | {(i, "progress") for i, f in touched
                                                                         if f == "status"}
    for key, value in values(sent.ours).items():
        if key not in touched:
            assert merged[key] == value, key


def test_saved_times_order_two_returns(sent: Round) -> None:
    item = sent.returns[0]
    first_id = item.stamp.rows[0][0]
    early = ReturnFile(Path("b.xlsx"), item.stamp, edited(item.plan, {first_id: {"update": "early"}}),
                       item.saved_at)
    late = ReturnFile(Path("a.xlsx"), item.stamp, edited(item.plan, {first_id: {"update": "late"}}),
                      item.saved_at + timedelta(minutes=5))
    for order in ([early, late], [late, early]):
        merge = merge_plans(sent.ours, order, {sent.base_id: sent.base})
        assert [u.new for u in merge.updated] == ["late"]
        assert [(r.file, r.state) for r in merge.reads] == [("b.xlsx", "superseded"), ("a.xlsx", "merged")]
