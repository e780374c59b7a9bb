"""diff.py: keyed plan diffs, their summary, lines and the three output formats."""

from __future__ import annotations

import copy
import json
import random
from datetime import date

from sheetsync.diff import diff_plans, format_diff, keyed_actions, word_diff
from sheetsync.model import Action, Plan, Recommendation


def make_plan(**header: str) -> Plan:
    return Plan(
        title=header.get("title", "Stalking Action Plan"),
        force=header.get("force", "Exampleshire Police"),
        executive_lead="ACC Jo Bloggs",
        recommendations=[
            Recommendation(number="7", text="By 27 March 2025, search crimes recorded.", actions=[
                Action(id="7.1", evidence="Search records", owner="DI Sam Patel", update="Work has started on it.",
                       status="In Progress"),
                Action(id="7.2", evidence="Audit", owner="Chief Constables", status="Not Started"),
            ]),
            Recommendation(number="10", text="Training.", actions=[
                Action(id="10.1", evidence="Train staff", owner="DCI Ray", update="Course booked.",
                       status="In Progress", progress=50),
            ]),
        ],
    )


def test_identical_plans_have_no_changes() -> None:
    diff = diff_plans(make_plan(), make_plan())
    assert diff.empty
    assert diff.summary_line() == "no changes"
    assert diff.lines() == []


def test_row_order_is_not_a_change() -> None:
    new = make_plan()
    new.recommendations.reverse()
    new.recommendations[1].actions.reverse()
    assert diff_plans(make_plan(), new).empty


def test_status_owner_update_date_and_added_removed() -> None:
    old, new = make_plan(), make_plan()
    first, second = new.recommendations[0].actions
    first.status = "Action Complete"
    second.status = "Action Complete"
    second.owner = "DS Kim Lee"
    first.update = "Work has finished on it, and the policy is published."
    first.date = date(2025, 3, 27)
    new.recommendations[1].actions.append(Action(id="10.2", evidence="Policy", status="Not Started"))
    del new.recommendations[1].actions[0]

    diff = diff_plans(old, new)

    assert diff.summary_line() == ("2 actions moved to Action Complete, 1 new owner, 1 update changed, "
                                   "1 date changed, 1 action added, 1 action removed")
    assert [a.id for a in diff.added] == ["10.2"]
    assert [a.id for a in diff.removed] == ["10.1"]
    changed = {c.id: c for c in diff.changed}
    status = changed["7.1"].change("status")
    assert status is not None and (status.old, status.new) == ("In Progress", "Action Complete")
    update = changed["7.1"].change("update")
    assert update is not None and update.words is not None
    assert "".join(op.old for op in update.words if op.op != "insert") == "Work has started on it."
    assert "".join(op.new for op in update.words if op.op != "delete") == first.update
    lines = diff.lines()
    assert "7.2: owner 'Chief Constables' → 'DS Kim Lee'" in lines
    assert "7.1: date (blank) → '2025-03-27'" in lines
    assert any(line.startswith("7.1: update changed: added") and "finished" in line for line in lines)


def test_progress_is_part_of_the_status() -> None:
    new = make_plan()
    new.recommendations[1].actions[0].progress = 75
    diff = diff_plans(make_plan(), new)
    assert diff.summary_line() == "1 progress figure changed"
    assert [(c.old, c.new) for a in diff.changed for c in a.changes] == [("In Progress 50%", "In Progress 75%")]


def test_unrecognised_status_is_named_as_such() -> None:
    new = make_plan()
    action = new.recommendations[1].actions[0]
    action.status, action.status_raw, action.progress = None, "Compelte", None
    assert diff_plans(make_plan(), new).summary_line() == "1 action moved to Compelte (not a recognised status)"


def test_header_and_recommendation_text_changes() -> None:
    new = make_plan(force="Example Constabulary")
    new.recommendations[0].text = "By 27 March 2025, search all crimes recorded."
    new.recommendations.append(Recommendation(number="99", text="Local action"))
    diff = diff_plans(make_plan(), new)
    assert [c.field for c in diff.header] == ["force"]
    kinds = {(r.number, r.kind) for r in diff.recommendations}
    assert kinds == {("7", "changed"), ("99", "added")}
    assert "force changed" in diff.summary_line()
    assert "Force: 'Exampleshire Police' → 'Example Constabulary'" in diff.lines()


def test_duplicate_ids_are_matched_by_occurrence() -> None:
    old = make_plan()
    old.recommendations[0].actions.append(Action(id="7.1", evidence="Copy", status="In Progress"))
    new = copy.deepcopy(old)
    new.recommendations[0].actions[2].status = "BAU"
    assert list(keyed_actions(old)) == ["7.1", "7.2", "7.1#2", "10.1"]
    diff = diff_plans(old, new)
    assert [(c.key, c.id) for c in diff.changed] == [("7.1#2", "7.1")]


def test_moved_to_another_recommendation() -> None:
    new = make_plan()
    moved = new.recommendations[0].actions.pop()
    new.recommendations[1].actions.append(moved)
    diff = diff_plans(make_plan(), new)
    assert not diff.added and not diff.removed
    change = diff.changed[0].change("recommendation")
    assert change is not None and (change.old, change.new) == ("7", "10")


def test_cells_and_raw_spelling_do_not_count() -> None:
    new = make_plan()
    action = new.recommendations[0].actions[0]
    action.cells = {"status": "Plan!H9"}
    action.status_raw = "in progress "
    assert diff_plans(make_plan(), new).empty


def test_word_diff_rejoins_to_both_texts() -> None:
    old, new = "the  quick brown fox", "the quick red fox jumps"
    ops = word_diff(old, new)
    assert "".join(op.old for op in ops) == old
    assert "".join(op.new for op in ops) == new
    assert any(op.op == "replace" and op.old.strip() == "brown" and op.new.strip() == "red" for op in ops)


def test_json_round_trips() -> None:
    new = make_plan()
    new.recommendations[0].actions[0].status = "BAU"
    text = format_diff(diff_plans(make_plan(), new), "json")
    data = json.loads(text)
    assert data["changed"][0]["changes"][0] == {"field": "status", "old": "In Progress", "new": "BAU", "words": None}


def test_html_escapes_user_text_and_marks_words() -> None:
    old, new = make_plan(), make_plan()
    new.recommendations[0].actions[0].update = "Work has <script>alert(1)</script> started on it."
    new.recommendations[0].actions[1].owner = "<b>Boss</b> & co"
    page = format_diff(diff_plans(old, new), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "<ins>" in page
    assert "&lt;b&gt;Boss&lt;/b&gt; &amp; co" in page


def test_text_format_has_labels_summary_and_lines() -> None:
    new = make_plan()
    new.recommendations[0].actions[0].status = "BAU"
    diff = diff_plans(make_plan(), new).model_copy(update={"old_label": "snapshot 1", "new_label": "snapshot 2"})
    assert format_diff(diff, "text").splitlines() == [
        "snapshot 1 → snapshot 2", "1 action moved to BAU", "", "7.1: status 'In Progress' → 'BAU'"]


def test_appended_update_is_one_insert_after_the_old_text() -> None:
    old = "Policy drafted.\nTraining booked for May."
    new = old + "  Training delivered to 40 officers."
    ops = word_diff(old, new)
    assert [op.op for op in ops] == ["equal", "insert"]
    assert ops[0].old == old and ops[1].new.strip() == "Training delivered to 40 officers."


def test_word_diff_of_random_texts_rejoins_and_never_splits_a_word() -> None:
    rng = random.Random(7)
    pieces = ["a", "b", "cc", " ", "  ", "\n", "dd", "e.", "\t"]
    for _ in range(3000):
        old = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        new = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        new = rng.choice([new, old + new, new + old, old[: len(old) // 2] + new + old[len(old) // 2:]])
        ops = word_diff(old, new)
        for side, text in (("old", old), ("new", new)):
            parts = [getattr(op, side) for op in ops]
            assert "".join(parts) == text, (old, new, ops)
            cut = 0
            for part in parts[:-1]:  # every step ends before a word starts, never inside one
                cut += len(part)
                assert not (text[cut - 1:cut].strip() and text[cut:cut + 1].strip()), (old, new, ops)
        for op in ops:
            assert op.op != "equal" or op.old.split() == op.new.split(), (old, new, ops)
            assert op.op != "insert" or (op.old == "" and op.new.strip()), (old, new, ops)
            assert op.op != "delete" or (op.new == "" and op.old.strip()), (old, new, ops)


def _random_edit(plan: Plan, rng: random.Random) -> Plan:
    """A copy with a few of every kind of change, rows shuffled and every cell address moved."""
    new = copy.deepcopy(plan)
    for rec in new.recommendations:
        rng.shuffle(rec.actions)
        for row, action in enumerate(rec.actions):
            action.cells = {"status": f"Plan!H{row + 8}", "id": f"Plan!C{row + 8}"}
    actions = [action for _, action in new.actions()]
    for action in rng.sample(actions, 12):
        kind = rng.randrange(7)
        if kind == 0:
            action.status = rng.choice(["BAU", "Action Complete", None])
        elif kind == 1:
            action.owner = "DS Kim Lee"
        elif kind == 2:
            action.update = (action.update or "") + " Training delivered."
        elif kind == 3:
            action.status_raw = "in progress "  # a spelling only: not a change
        elif kind == 4:
            action.extra = {"RAG": "Green"}
        elif kind == 5:
            action.date = date(2025, 3, rng.randrange(1, 28))
        else:
            action.hidden = True
    first, last = new.recommendations[0], new.recommendations[-1]
    last.actions.append(first.actions.pop())  # moved to another recommendation
    del last.actions[0]  # removed
    first.actions.append(Action(id="99.1", evidence="New", status="Not Started"))  # added
    return new


def test_the_quick_equality_test_never_skips_a_change() -> None:
    """Actions whose compared fields are equal are skipped before `_action_changes`: that must skip no change."""
    from sheetsync.diff import _action_changes

    rng = random.Random(3)
    old = Plan(title="Plan", recommendations=[
        Recommendation(number=str(rec), actions=[
            Action(id=f"{rec}.{n}", evidence=f"Evidence {rec}.{n}", owner=rng.choice(["DI A", "DCI B"]),
                   update=rng.choice([None, "Work has started."]), status=rng.choice(["In Progress", "BAU"]))
            for n in range(1, 30)])
        for rec in range(1, 16)])
    for _ in range(20):
        new = _random_edit(old, rng)
        result = diff_plans(old, new)
        before, after = keyed_actions(old), keyed_actions(new)  # every common action compared field by field:
        expected = {key for key in before.keys() & after.keys()
                    if _action_changes(before[key][0].number, before[key][1], after[key][0].number, after[key][1])}
        assert {c.key for c in result.changed} == expected
        assert result.added and result.removed and result.changed
        assert not any(c.id == a.id for c in result.changed for a in result.added)
        assert diff_plans(old, copy.deepcopy(old)).empty


def test_html_keeps_the_space_before_added_words() -> None:
    old, new = make_plan(), make_plan()
    new.recommendations[0].actions[0].update = "Work has started on it. Policy published."
    page = format_diff(diff_plans(old, new), "html")
    assert "Work has started on it. <ins>Policy published.</ins>" in page


def test_very_long_updates_are_diffed_in_bounded_time() -> None:
    """Two plans whose 39 updates are 32,767-character texts of short repeated words (difflib's worst case): the
    diff took 15.7 s; the changed passage is now shown replaced whole, and both texts still rejoin exactly."""
    import time

    old_text, new_text = ("a b " * 8191)[:32_767], ("b a " * 8191)[:32_767]

    def plan(text: str) -> Plan:
        return Plan(recommendations=[Recommendation(number=str(n), actions=[
            Action(id=f"{n}.{m}", update=f"{text} {n}.{m}", status="In Progress") for m in range(1, 4)])
            for n in range(1, 14)])

    old, new = plan(old_text), plan(new_text)
    start = time.perf_counter()
    result = diff_plans(old, new)
    assert time.perf_counter() - start < 5  # a loose bound for a slow machine: about 0.1 s here
    assert len(result.changed) == 39
    words = result.changed[0].changes[0].words
    assert words is not None and [op.op for op in words] == ["replace", "equal"]
    assert "".join(op.old for op in words) == f"{old_text} 1.1" and "".join(op.new for op in words) == f"{new_text} 1.1"
    assert "changed: added" in format_diff(result, "text")
