"""diff.py: keyed plan diffs, their summary, lines and the three output formats."""

from __future__ import annotations

import json
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
    new = old.model_copy(deep=True)
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
