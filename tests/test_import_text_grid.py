"""Shape 1: the grid pasted as text (the published seed and invented forces)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import FIXTURES, by_id, comparable, seed_path

from sheetsync.errors import SheetsyncError
from sheetsync.importers import import_plan, import_to_workbook
from sheetsync.model import Action


def _action(plan_ids: dict[str, tuple[str, object]], action_id: str) -> Action:
    action = plan_ids[action_id][1]
    assert isinstance(action, Action)
    return action


@pytest.mark.seed
def test_seed_imports_to_fifteen_recommendations_and_thirty_nine_rows() -> None:
    plan, report = import_plan(seed_path())
    assert report.format == "text" and report.shape == "text-grid"
    assert [r.number for r in plan.recommendations] == [
        "7", "10", "11", "12", "13", "14", "16", "17", "18", "20", "22", "23", "25", "27", "28"]
    assert len(plan.actions()) == 39
    assert (report.recommendations, report.evidence_rows) == (15, 39)
    assert plan.force == "British Transport Police"
    assert plan.executive_lead == "DCS Peter Fulton"
    assert plan.operational_lead == "DCI Nia Mellor"
    assert plan.protective_marking == "OFFICIAL"
    assert plan.title is not None and plan.title.startswith("Force' Police Stalking Action Plan")


@pytest.mark.seed
def test_seed_values_are_kept_as_written() -> None:
    plan, report = import_plan(seed_path())
    ids = by_id(plan)
    # 14.1 stays under recommendation 13, where the source put it; the report says so.
    assert ids["14.1"][0] == "13"
    assert any("14.1" in w and "13" in w for w in report.warnings)
    # Statuses normalised, raw kept, progress parsed.
    a203 = _action(ids, "20.3")
    assert (a203.status, a203.status_raw, a203.progress) == ("In Progress", "In Progress 50%", 50)
    a113 = _action(ids, "11.3")  # a <p> row with id and text in one cell and the Date cell dropped
    assert a113.evidence == "Ways to regularly receive feedback from victims, such as victim surveys."
    assert a113.owner == "Andy Kermack/Nia Mellor" and a113.owners == ["Andy Kermack", "Nia Mellor"]
    assert (a113.status, a113.progress) == ("In Progress", 50)
    a171 = _action(ids, "17.1")
    assert (a171.status, a171.status_raw) == ("BAU", "BAU")
    a111 = _action(ids, "11.1")  # Date cell dropped: the status sits in the Date position
    assert a111.status == "Action Complete" and a111.date is None and a111.supporting_documents is None
    a161 = _action(ids, "16.1")
    assert a161.evidence is None and a161.owner is None
    assert a161.update is not None and a161.update.startswith("BTP do not have a Police and Crime Commissioner")
    assert _action(ids, "27.1").owner == "All bodies subject to recommendations"
    assert _action(ids, "7.1").update.startswith("BTP have sought changes to Niche")  # type: ignore[union-attr]
    recs = {r.number: r for r in plan.recommendations}
    assert recs["12"].text is not None and not recs["12"].text.startswith("<p>")
    assert recs["28"].text is not None and "<p>" not in recs["28"].text and "\n" in recs["28"].text
    assert recs["17"].text is not None and recs["17"].text.startswith("27 March 2025, make sure")
    assert recs["22"].deadline == date(2025, 9, 27) and recs["27"].deadline == date(2024, 11, 22)
    # Every action's status is recognised in the sample.
    assert all(a.status is not None for _, a in plan.actions())


@pytest.mark.seed
def test_seed_report_counts_what_was_cleaned() -> None:
    _, report = import_plan(seed_path())
    cleaned = {c.kind: c for c in report.cleaned}
    assert cleaned["marking-lines-dropped"].lines == [41]
    assert cleaned["ids-split-from-text"].lines == [20, 21, 22, 23]
    assert set(cleaned["html-removed"].lines) == {20, 21, 22, 23, 54, 55}
    assert 17 in cleaned["cells-realigned"].lines and 9 not in cleaned["cells-realigned"].lines
    assert cleaned["blank-lines-dropped"].count == 10
    assert report.unused == []
    text = report.summary()
    assert "15 recommendations, 39 evidence rows" in text and "OFFICIAL" in text


@pytest.mark.seed
def test_seed_workbook_reads_back_value_for_value(tmp_path: Path) -> None:
    pytest.importorskip("sheetsync.template")
    reader = pytest.importorskip("sheetsync.reader")
    out = tmp_path / "btp.xlsx"
    result = import_to_workbook(seed_path(), out)
    assert result.output == out and out.exists()
    back = reader.read_plan(out)
    assert comparable(back) == comparable(result.plan)


def test_invented_force_cp1252_with_defects() -> None:
    plan, report = import_plan(FIXTURES / "northshire_grid_cp1252.txt")
    assert any(c.kind == "decoded" and "cp1252" in c.note for c in report.cleaned)
    assert plan.force == "Northshire Police"  # from the title: there is no "Force:" line
    assert plan.executive_lead == "ACC Helen O’Rourke"  # "strategic / executive lead:" in lower case
    assert plan.operational_lead == "Det Supt Marcus Flint"
    assert plan.protective_marking == "OFFICIAL-SENSITIVE"
    ids = by_id(plan)
    assert list(ids) == ["7.1", "7.2", "11.1", "10.3", "11.2", "25.1"]  # the repeated heading row is dropped
    assert ids["10.3"][0] == "11"  # misplaced, kept where the source put it
    a71 = _action(ids, "7.1")
    assert a71.evidence == "Processes are in place so officers use the new search capability."
    assert a71.update is not None and "crime bureau & the control room" in a71.update
    assert (a71.date, a71.date_raw, a71.status) == (date(2024, 11, 1), "Nov-24", "Action Complete")
    a72 = _action(ids, "7.2")
    assert (a72.status, a72.status_raw, a72.date) == (None, "Compelte", date(2025, 3, 27))
    a111 = _action(ids, "11.1")
    assert (a111.status, a111.progress) == ("In Progress", 40)
    assert a111.update == "Problem profile commissioned; due January."
    assert _action(ids, "10.3").supporting_documents == "Training plan v3.pdf"
    assert _action(ids, "11.2").update is None
    a251 = _action(ids, "25.1")
    assert (a251.status, a251.status_raw, a251.date) == (None, "Green", date(2024, 11, 21))
    kinds = {c.kind for c in report.cleaned}
    assert {"page-furniture-dropped", "repeated-headings-dropped", "entities-decoded", "force-from-title"} <= kinds
    assert any("Compelte" in w and "Action Complete" in w for w in report.warnings)


def test_invented_force_utf16_with_crlf_and_prose_status() -> None:
    plan, report = import_plan(FIXTURES / "wessex_grid_utf16.txt")
    assert any(c.kind == "decoded" and "utf-16" in c.note for c in report.cleaned)
    assert (plan.force, plan.executive_lead, plan.operational_lead) == (
        "Wessex Constabulary", "T/DCC Graham Oakes", "DCI Priya Natarajan")
    ids = by_id(plan)
    assert list(ids) == ["12.1", "12.2", "12.3", "13.1", "13.2"]
    assert _action(ids, "12.2").status == "In Progress" and _action(ids, "12.2").status_raw == "Ongoing"
    a123 = _action(ids, "12.3")
    assert a123.status is None and a123.status_raw is not None and a123.status_raw.startswith("We accept")
    assert _action(ids, "13.1").owners == ["Sgt Ffion Morgan", "PC Dai Lewis"]
    assert _action(ids, "13.1").supporting_documents == "SPO guidance.docx"
    assert all("\r" not in (a.update or "") for _, a in plan.actions())


def test_text_passed_as_a_string_and_as_bytes() -> None:
    text = ("Force:\tSouthmoor Police\nRec. No.\tRecommendation:\tEvidence requirements of progress/completion:\t"
            "Recommendation Owner:\tForce Update:\tDate\tStatus\n"
            "23\tBy 27 March 2025, implement early screening.\t23.1\tScreen similar crimes.\tDI Mo Khan\t"
            "Screening daily.\t\tBAU\n")
    plan, _ = import_plan(text)
    plan_b, _ = import_plan(text.encode("utf-8"))
    assert plan.force == plan_b.force == "Southmoor Police"
    assert [a.id for _, a in plan.actions()] == ["23.1"] and plan.actions()[0][1].status == "BAU"


def test_rows_that_cannot_be_used_are_reported_with_line_numbers() -> None:
    text = ("Rec. No.\tRecommendation:\tEvidence requirements of progress/completion:\tRecommendation Owner:\t"
            "Force Update:\tDate\tStatus\n"
            "7\tBy 27 March 2025, seek changes.\t7.1\tProcesses.\tDI A\tDone.\t\tAction Complete\n"
            "\t\tno id here\tDI B\tText that belongs nowhere\t\tIn Progress\n")
    plan, report = import_plan(text)
    assert [a.id for _, a in plan.actions()] == ["7.1"]
    assert [u.line for u in report.unused] == [3]
    assert report.warnings and "line 3" in report.warnings[0]


_GRIDLIKE = st.lists(
    st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
        ["7", "7.1", "<p>12.3 Text</p>", "Action Complete", "In Progress 50%", "Nov-24", "OFFICIAL", "",
         "Force:", "Rec. No.", "Status", "&amp;", "Compelte", "14", "99.99 x"])), max_size=10),
    max_size=25)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), _GRIDLIKE.map(lambda rows: "\n".join("\t".join(r) for r in rows))))
def test_text_grid_never_crashes(text: str) -> None:
    try:
        plan, report = import_plan(text.encode("utf-8"), format="text")
    except SheetsyncError:
        return
    assert report.evidence_rows == len(plan.actions()) > 0


def test_excel_copy_with_quoted_multiline_cells_and_a_local_recommendation() -> None:
    plan, report = import_plan(FIXTURES / "eastmarch_excel_copy.txt")
    assert plan.force == "Eastmarch Police" and plan.title == "Eastmarch Police Stalking Action Plan"
    ids = by_id(plan)
    a203 = _action(ids, "20.3")
    assert a203.update == 'Online safety page drafted.\nAwaiting sign-off by the "Digital Board" on 3 March.'
    assert (a203.date, a203.status, a203.progress) == (date(2025, 3, 3), "In Progress", 25)
    assert _action(ids, "20.4").update == "Tech-safety kits issued to every PPU.\nUPDATE: 40 kits issued."
    assert _action(ids, "20.4").supporting_documents == "Kit register"
    local = plan.recommendations[-1]
    assert (local.number, local.deadline, [a.id for a in local.actions]) == ("30", None, ["30.1"])
    assert next(c for c in report.cleaned if c.kind == "quoted-cells-joined").lines == [4]
