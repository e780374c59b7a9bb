"""validate() and format_findings(): every rule, the awkward Excel cases, the published sample, robustness."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.catalogue import catalogue
from sheetsync.errors import ConfigError
from sheetsync.model import Action, Plan, ReadNote, Recommendation
from sheetsync.validation import CODES, SEVERITY, Finding, ValidationReport, format_findings, validate
from sheetsync.validation.facts import Context
from sheetsync.validation.records import Hit
from sheetsync.validation.registry import SCOPES, code_table, rules
from sheetsync.vocabulary import Vocabulary

AS_OF = date(2025, 2, 1)  # before the March deadlines, so nothing is overdue unless a test says so
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_971b1e020c253460.txt"
COLS = {"id": "C", "evidence": "D", "owner": "E", "update": "F", "date": "G", "status": "H"}


def good_action(action_id: str, row: int, **changes: object) -> Action:
    """A clean row the way the reader gives it (status canonical, cells filled)."""
    ev = catalogue().evidence(action_id)
    data: dict[str, object] = {
        "id": action_id, "evidence": ev.text if ev else "A local requirement.", "owner": "DI Sam Patel",
        "update": f"Work on {action_id} is under way: the lead met partners on {row} January and agreed a scope.",
        "date": date(2025, 1, 20), "date_raw": None, "status": "In Progress", "status_raw": "In Progress",
        "cells": {field: f"Action Plan!{col}{row}" for field, col in COLS.items()},
    }
    data.update(changes)
    return Action(**data)  # type: ignore[arg-type]


def full_plan(**header: object) -> Plan:
    """Every catalogue recommendation and evidence requirement, clean: validate() finds nothing."""
    recs = []
    row = 10
    for cat_rec in catalogue().recommendations:
        rec = Recommendation(number=cat_rec.number, text=cat_rec.text,
                             cells={"number": f"Action Plan!A{row}", "text": f"Action Plan!B{row}"})
        for ev in cat_rec.evidence:
            done = {"status_raw": "Action Complete", "status": "Action Complete"} if ev.id == "27.1" else {}
            rec.actions.append(good_action(ev.id, row, **done))
            row += 1
        recs.append(rec)
    values: dict[str, object] = {"title": "Northshire Police Stalking Action Plan", "force": "Northshire Police",
                                 "executive_lead": "ACC Jane Doe", "operational_lead": "DCI Tom Reed",
                                 "sheet": "Action Plan", "recommendations": recs,
                                 "header_cells": {"force": "Action Plan!C4", "executive_lead": "Action Plan!C5",
                                                  "operational_lead": "Action Plan!C6"}}
    values.update(header)
    return Plan(**values)  # type: ignore[arg-type]


def action_of(plan: Plan, action_id: str) -> Action:
    return next(a for _, a in plan.actions() if a.id.strip() == action_id)


def codes(report: ValidationReport, action: str | None = None) -> list[str]:
    return [f.code for f in report.findings if action is None or f.action == action]


def only(report: ValidationReport, code: str) -> Finding:
    found = [f for f in report.findings if f.code == code]
    assert len(found) == 1, report.findings
    return found[0]


# --- the clean plan and the report shape --------------------------------------------------------------------

def test_clean_plan_has_no_findings() -> None:
    report = validate(full_plan(), as_of=AS_OF)
    assert report.findings == [], format_findings(report)
    assert report.ok
    assert report.summary == {"error": 0, "warning": 0, "info": 0, "by_code": {}}
    assert format_findings(report).strip() == "No problems found in 39 evidence requirements."


FINDING_KEYS = ["code", "severity", "sheet", "cell", "row", "recommendation", "action", "field", "value", "message",
                "suggestion"]


def test_code_table_is_the_registrys_in_the_docstring_and_the_readme() -> None:
    import sheetsync.validation as module

    table = code_table()
    assert module.__doc__ is not None and table in module.__doc__
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README's code table differs: paste registry.code_table() into it"
    assert len(table.splitlines()) == len(CODES) + 2
    for code in CODES:
        assert f"| {code} | {SEVERITY[code]}" in table


def test_every_rule_declares_what_it_is_and_has_a_test() -> None:
    this_file = Path(__file__).read_text(encoding="utf-8")
    for entry in rules():
        assert entry.scope in SCOPES and entry.meaning and entry.severities, entry
        assert set(entry.severities) <= {"error", "warning", "info"}, entry
    for code in CODES:  # each code is asserted by name somewhere in this file
        assert f'"{code}"' in this_file, code


def test_a_rule_sees_every_row_however_often_a_value_repeats() -> None:
    """The memoised helpers never skip a rule: a new rule on owners fires on each row with that owner."""
    from sheetsync.validation.registry import RULES, rule

    seen: list[str] = []

    @rule("missing-owner", "warning", scope="action", meaning="(test)")
    def every_owner(ctx: Context) -> Iterator[Hit]:
        for row in ctx.rows:
            seen.append(row.trimmed)
            if row.action.owner == "DI Sam Patel":
                yield Hit("test", row=row)

    try:
        plan = full_plan()
        action_of(plan, "7.1").owner = "Chief Constables"
        action_of(plan, "7.2").owner = "Chief Constables"
        report = validate(plan, as_of=AS_OF)
    finally:
        RULES.pop()
    assert len(seen) == 39
    assert [f.message for f in report.findings].count("test") == 37
    assert [f.action for f in report.findings if f.code == "owner-unassigned"] == ["7.1", "7.2"]


def test_ignore_drops_codes_and_rejects_unknown_ones() -> None:
    plan = full_plan()
    action_of(plan, "7.1").owner = None
    assert "missing-owner" in codes(validate(plan, as_of=AS_OF))
    assert "missing-owner" not in codes(validate(plan, as_of=AS_OF, ignore=["missing-owner"]))
    with pytest.raises(ConfigError, match="missing-owners"):
        validate(plan, as_of=AS_OF, ignore=["missing-owners"])


# --- status -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "code", "suggestion"), [
    ("Compelte", "unknown-status", "Action Complete"),
    ("Amber", "unknown-status", None),
    ("We accept this recommendation and we partially comply with it", "unknown-status", None),
    ("action complete", "status-not-canonical", "Action Complete"),
    ("Completed", "status-not-canonical", "Action Complete"),
    ("in progress 50 %", "status-not-canonical", "In Progress 50%"),
    ("In Progress 150%", "bad-progress", None),
    ("Action Complete 100%", "bad-progress", "Action Complete"),
    ("", "missing-status", None),
])
def test_status_rules(raw: str, code: str, suggestion: str | None) -> None:
    plan = full_plan()
    action = action_of(plan, "11.3")
    action.status_raw = raw or None
    action.status = None
    report = validate(plan, as_of=AS_OF)
    found = [f for f in report.findings if f.action == "11.3" and f.field == "status"]
    assert [f.code for f in found][:1] == [code], found
    assert found[0].cell == "H" + action.cells["status"].rpartition("H")[2]
    if suggestion is not None:
        assert found[0].suggestion == suggestion


def test_unknown_status_message_reads_well() -> None:
    plan = full_plan()
    action_of(plan, "11.3").status_raw = "Compelte"
    finding = only(validate(plan, as_of=AS_OF), "unknown-status")
    line = format_findings(ValidationReport(ok=False, summary={}, findings=[finding]))
    assert re.search(r"Action Plan!H\d+: 11.3 status 'Compelte' is not in the list; did you mean 'Action Complete'\?",
                     line), line
    assert finding.severity == "error"


def test_rag_colour_and_prose_say_why() -> None:
    plan = full_plan()
    action_of(plan, "7.1").status_raw = "Green"
    action_of(plan, "7.2").status_raw = "We accept this recommendation and we partially comply with it."
    report = validate(plan, as_of=AS_OF)
    messages = {f.action: f.message for f in report.findings if f.code == "unknown-status"}
    assert "RAG colour" in messages["7.1"]
    assert "prose" in messages["7.2"]


def test_workbook_status_list_is_the_vocabulary() -> None:
    plan = full_plan(status_list=["Not Started", "In Progress", "At Risk", "Action Complete", "BAU"])
    action_of(plan, "7.1").status_raw = "At Risk"
    assert "unknown-status" not in codes(validate(plan, as_of=AS_OF))
    default = validate(dataclasses.replace(plan, status_list=None), as_of=AS_OF)
    assert "unknown-status" in codes(default, "7.1")
    explicit = validate(plan, as_of=AS_OF, vocabulary=Vocabulary())
    assert "unknown-status" in codes(explicit, "7.1")


# --- owner, update, date ------------------------------------------------------------------------------------

def test_owner_rules() -> None:
    plan = full_plan()
    action_of(plan, "7.1").owner = "   "
    action_of(plan, "7.2").owner = "Chief Constables"
    report = validate(plan, as_of=AS_OF)
    assert codes(report, "7.1") == ["missing-owner"]
    assert codes(report, "7.2") == ["owner-unassigned"]


@pytest.mark.parametrize(("owner", "unassigned"), [
    ("All CCs", True), ("Chief Cons", True), ("Prif Gwnstabliaid", True), ("Prif Gwnstabl.", True),
    ("Chief Constables / Prif Gwnstabliaid", True), ("All Chief Constables", True), ("ccs", True),
    ("DI Sam Patel / Chief Constables", False), ("Chief Constable Jane Doe", False), ("CC Jones", False),
])
def test_owner_unassigned_in_welsh_or_abbreviated(owner: str, unassigned: bool) -> None:
    """Addressee defaults written bilingually or abbreviated (issue 16); the list is catalogue.owner_defaults."""
    plan = full_plan()
    action_of(plan, "7.2").owner = owner
    assert codes(validate(plan, as_of=AS_OF), "7.2") == (["owner-unassigned"] if unassigned else [])


def test_missing_update_for_started_or_done() -> None:
    plan = full_plan()
    for action_id, status in (("7.1", "Action Complete"), ("7.2", "BAU"), ("10.1", "Not Started")):
        action = action_of(plan, action_id)
        action.update, action.status_raw, action.date = None, status, None
    report = validate(plan, as_of=AS_OF)
    assert codes(report, "7.1") == ["missing-update"]
    assert codes(report, "7.2") == ["missing-update"]
    assert codes(report, "10.1") == []


def test_missing_date_per_row_and_plan_wide() -> None:
    plan = full_plan()
    action_of(plan, "7.1").date = None
    report = validate(plan, as_of=AS_OF)
    assert codes(report, "7.1") == ["missing-date"]
    for _, action in plan.actions():
        action.date = None
    report = validate(plan, as_of=AS_OF)
    finding = only(report, "missing-date")  # one finding, not 39
    assert "39 updates" in finding.message and finding.action is None


@pytest.mark.parametrize(("when", "raw", "severity", "words"), [
    (None, "31/02/2025", "error", "not a real date"),
    (None, "next week", "error", "cannot be read"),
    (date(2025, 3, 1), None, "warning", "after"),
    (date(2024, 9, 1), None, "warning", "before the report"),
])
def test_bad_dates(when: date | None, raw: str | None, severity: str, words: str) -> None:
    plan = full_plan()
    action = action_of(plan, "12.1")
    action.date, action.date_raw = when, raw
    finding = only(validate(plan, as_of=AS_OF), "bad-date")
    assert finding.severity == severity and words in finding.message
    assert finding.cell is not None and finding.cell.startswith("G")


def test_overdue_after_deadline_only() -> None:
    plan = full_plan()
    assert "overdue" not in codes(validate(plan, as_of=date(2025, 3, 27)))
    late = validate(plan, as_of=date(2025, 3, 28))
    overdue = {f.action for f in late.findings if f.code == "overdue"}
    assert "7.1" in overdue and "22.1" not in overdue  # rec 22 is due 27 September 2025
    action_of(plan, "7.1").status_raw = "Action Complete"
    assert "7.1" not in {f.action for f in validate(plan, as_of=date(2025, 3, 28)).findings
                         if f.code == "overdue"}


# --- ids and structure --------------------------------------------------------------------------------------

def test_bad_action_id_says_what_was_trimmed() -> None:
    plan = full_plan()
    plan.recommendations[0].actions.append(good_action("7.x \n", 99))
    finding = only(validate(plan, as_of=AS_OF), "bad-action-id")
    assert "7.x" in finding.message and "trailing" in finding.message


def test_id_with_inline_text_suggests_the_id() -> None:
    plan = full_plan()
    plan.recommendations[2].actions[2].id = "11.3 Ways to regularly receive feedback from victims"
    finding = only(validate(plan, as_of=AS_OF), "bad-action-id")
    assert finding.suggestion == "11.3"


def test_duplicate_and_misplaced_actions() -> None:
    plan = full_plan()
    plan.recommendations[0].actions.append(good_action("7.1", 60))
    plan.recommendations[0].actions.append(good_action("10.6", 61))
    report = validate(plan, as_of=AS_OF)
    dup = only(report, "duplicate-action")
    assert "Action Plan!C10" in dup.message and "Action Plan!C60" in dup.message
    misplaced = [f for f in report.findings if f.code == "misplaced-action"]
    assert [(f.action, f.recommendation) for f in misplaced] == [("10.6", "7")]
    assert only(report, "unknown-action").action == "10.6"


def test_unknown_and_missing_recommendations_and_actions() -> None:
    plan = full_plan()
    plan.recommendations.append(Recommendation(number="30", text="A local recommendation.",
                                               actions=[good_action("30.1", 80)]))
    del plan.recommendations[4]  # rec 13
    del plan.recommendations[0].actions[1]  # 7.2
    report = validate(plan, as_of=AS_OF)
    assert only(report, "unknown-recommendation").severity == "info"
    assert only(report, "missing-recommendation").recommendation == "13"
    assert only(report, "missing-action").action == "7.2"
    assert not report.ok


def test_empty_plan() -> None:
    report = validate(Plan(), as_of=AS_OF)
    assert "empty-plan" in codes(report) and not report.ok
    assert "missing-recommendation" not in codes(report)


def test_evidence_rules() -> None:
    plan = full_plan()
    action_of(plan, "7.1").evidence = None
    action_of(plan, "10.1").evidence = catalogue().evidence("10.2").text  # type: ignore[union-attr]
    action_of(plan, "10.3").evidence = "Uses the skills and knowledge of local victim advocates or"
    report = validate(plan, as_of=AS_OF)
    assert codes(report, "7.1") == ["missing-evidence"]
    assert codes(report, "10.1") == ["evidence-mismatch"]
    assert codes(report, "10.3") == ["truncated-text"]


# --- deadlines in the recommendation text -----------------------------------------------------------------

@pytest.mark.parametrize(("number", "text", "code"), [
    ("7", "By 27 March 2025, where required, seek changes.", None),
    ("7", "By 27/03/25, where required, seek changes.", None),
    ("7", "27 March 2025, where required, seek changes.", "deadline-wording"),
    ("7", "By 27 April 2025, where required, seek changes.", "deadline-mismatch"),
    ("22", "By 27 March 2025, using the information collated by the NPCC lead.", "deadline-mismatch"),
    ("28", "By 22 November 2025 (56 days from publication), publish on their force website an action plan.",
     "deadline-mismatch"),
    ("28", "By 22 November 2024 (56 days from publication), publish. By 27 March 2025 (six months from "
     "publication) provide an update.", None),
    ("30", "By 1 June 2025 (six months from publication), do a local thing.", "deadline-mismatch"),
    ("7", "Seek changes like those in the APP published on 1 May 2024.", None),
])
def test_deadline_wording(number: str, text: str, code: str | None) -> None:
    plan = full_plan()
    rec = next((r for r in plan.recommendations if r.number == number), None)
    if rec is None:
        rec = Recommendation(number=number, actions=[good_action(f"{number}.1", 90)])
        plan.recommendations.append(rec)
    rec.text = text
    found = [f.code for f in validate(plan, as_of=AS_OF).findings
             if f.recommendation == number and f.code.startswith("deadline")]
    assert found == ([code] if code else [])


# --- text heuristics through validate() ---------------------------------------------------------------------

def test_pending_language_only_on_done_status() -> None:
    plan = full_plan()
    action = action_of(plan, "14.3")
    action.update = "Referrals are made for every victim. A review needs to take place of the services used."
    assert "pending-language" not in codes(validate(plan, as_of=AS_OF), "14.3")  # In Progress: fine
    action.status_raw = "Action Complete"
    finding = only(validate(plan, as_of=AS_OF), "pending-language")
    assert "needs to take place" in finding.message and finding.suggestion == "In Progress"


@pytest.mark.parametrize(("update", "phrase"), [
    ("All stalking victims are to be referred to the advocacy service from April.", "are to be referred"),
    ("The audit is due to report to the VAWG board in July.", "is due to report"),
    ("Call handlers are to receive refresher training on stalking behaviours.", "are to receive"),
    ("The role of the SPOC is to review every stalking crime within 48 hours.", None),
])
def test_pending_language_in_infinitives(update: str, phrase: str | None) -> None:
    plan = full_plan()
    action = action_of(plan, "14.3")
    action.update, action.status_raw = update, "Action Complete"
    found = [f for f in validate(plan, as_of=AS_OF).findings if f.code == "pending-language"]
    assert [f"'{phrase}'" in f.message for f in found] == ([True] if phrase else [])


def test_update_history_reporting_completion_is_only_a_note() -> None:
    plan = full_plan()
    action = action_of(plan, "11.1")
    action.status_raw = "Action Complete"
    action.update = ("BTP are going to complete a problem profile to understand the risk. UPDATE: Problem "
                     "profile circulated and the strategic assessment signed off and published.")
    assert codes(validate(plan, as_of=AS_OF), "11.1") == ["history-in-cell"]


def test_duplicate_update_names_the_other_action() -> None:
    plan = full_plan()
    text = ("BTP provide the mandated eLearning, will deliver an input to all PIP2 investigators through the "
            "next CPD day, and will ensure all ICIDP investigators receive an input during basic training.")
    action_of(plan, "10.5").update = text
    action_of(plan, "20.2").update = text
    report = validate(plan, as_of=AS_OF)
    finding = next(f for f in report.findings if f.code == "duplicate-update" and f.action == "20.2")
    assert "10.5" in finding.message and "the same as" in finding.message


def test_truncated_update() -> None:
    plan = full_plan()
    action_of(plan, "18.1").update = "BTP allocated a stalking SPOC. The IRT team will also assist with reviews and"
    assert codes(validate(plan, as_of=AS_OF), "18.1") == ["truncated-text"]
    action_of(plan, "18.1").update = "A leaflet on stalking support is handed to every victim by the local"
    assert "'local'" in only(validate(plan, as_of=AS_OF), "truncated-text").message


# --- the awkward Excel cases (docs/benchmarks.md): each gives a finding, never a silent pass ----------------

def _note(kind: str, cell: str, **extra: str) -> ReadNote:
    return ReadNote(kind=kind, sheet="Action Plan", cell=cell, **extra)


def _report_with(mutate: object) -> ValidationReport:
    plan = full_plan()
    assert callable(mutate)
    mutate(plan)
    return validate(plan, as_of=AS_OF)


def test_awkward_status_trailing_space() -> None:
    report = _report_with(lambda p: setattr(action_of(p, "7.1"), "status_raw", "In Progress "))
    assert codes(report) == ["status-not-canonical"]


def test_awkward_status_wrong_case() -> None:
    report = _report_with(lambda p: setattr(action_of(p, "7.1"), "status_raw", "IN PROGRESS"))
    assert codes(report) == ["status-not-canonical"]


def test_awkward_owner_of_spaces() -> None:
    report = _report_with(lambda p: setattr(action_of(p, "7.1"), "owner", " \u00a0 "))
    assert codes(report) == ["missing-owner"]


def test_awkward_id_with_trailing_newline() -> None:
    def mutate(plan: Plan) -> None:  # the reader trims the id and says so
        plan.read_notes.append(_note("id-trimmed", "C10", value="7.1\n", field="id", action="7.1"))

    assert codes(_report_with(mutate)) == ["id-trimmed"]
    # a plan built in code with the untrimmed id gets the same finding
    assert codes(_report_with(lambda p: setattr(action_of(p, "7.1"), "id", "7.1\n"))) == ["id-trimmed"]


def test_awkward_text_date() -> None:
    def mutate(plan: Plan) -> None:
        action_of(plan, "7.1").date_raw = "20/01/2025"
        plan.read_notes.append(_note("text-date", "G10", value="20/01/2025", field="date", action="7.1"))

    report = _report_with(mutate)
    assert codes(report) == ["text-date"] and report.findings[0].recommendation == "7"


def test_awkward_serial_date() -> None:
    def mutate(plan: Plan) -> None:
        action_of(plan, "7.1").date_raw = "45677"
        plan.read_notes.append(_note("serial-date", "G10", value="45677", field="date", action="7.1"))

    assert codes(_report_with(mutate)) == ["serial-date"]


def test_awkward_blank_row() -> None:
    assert codes(_report_with(lambda p: p.read_notes.append(_note("blank-row", "A12")))) == ["blank-row"]


def test_awkward_value_under_no_header() -> None:
    report = _report_with(lambda p: p.read_notes.append(_note("value-under-no-header", "K14", value="see email")))
    assert codes(report) == ["value-under-no-header"] and report.findings[0].cell == "K14"


def test_awkward_merged_cell() -> None:
    report = _report_with(lambda p: p.read_notes.append(
        _note("merged-input-cell", "E10:E11", field="owner", action="7.1")))
    assert codes(report) == ["merged-input-cell"]


def test_awkward_hidden_row() -> None:
    assert codes(_report_with(lambda p: setattr(action_of(p, "7.2"), "hidden", True))) == ["hidden-row"]


def test_awkward_uncalculated_formula() -> None:
    report = _report_with(lambda p: p.read_notes.append(
        _note("formula-not-calculated", "H10", field="status", action="7.1")))
    assert codes(report) == ["formula-not-calculated"] and not report.ok


def test_awkward_number_in_text_column() -> None:
    report = _report_with(lambda p: p.read_notes.append(
        _note("number-in-text-column", "E10", field="owner", value="42", action="7.1")))
    assert codes(report) == ["number-in-text-column"]


def test_awkward_duplicate_id() -> None:
    report = _report_with(lambda p: p.recommendations[0].actions.append(
        good_action("7.2", 70, update="Searchable intelligence logs are now mandatory for stalking incidents.")))
    assert codes(report) == ["duplicate-action"] and not report.ok


# --- output formats -----------------------------------------------------------------------------------------

def _messy_report() -> ValidationReport:
    plan = full_plan()
    action_of(plan, "11.3").status_raw = "Compelte"
    action_of(plan, "7.1").owner = "=HYPERLINK(\"http://x\")"
    action_of(plan, "7.2").owner = None
    action_of(plan, "7.1").status_raw = "in progress"
    plan.read_notes.append(_note("blank-row", "A12"))
    return validate(plan, as_of=AS_OF)


def test_json_output() -> None:
    report = _messy_report()
    data = json.loads(format_findings(report, "json"))
    assert set(data) == {"ok", "summary", "findings"}
    assert data["ok"] is False and data["summary"]["error"] == 1
    assert list(data["findings"][0]) == FINDING_KEYS


def test_csv_output_neutralises_formulas() -> None:
    report = _messy_report()
    rows = list(csv.reader(io.StringIO(format_findings(report, "csv"))))
    assert rows[0] == FINDING_KEYS
    assert len(rows) == len(report.findings) + 1
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    injected = [Finding(code="x", severity="info", message="=1+1", value="@SUM(A1)")]
    text = format_findings(ValidationReport(ok=True, summary={}, findings=injected), "csv")
    assert "'=1+1" in text and "'@SUM(A1)" in text


def test_text_output_groups_errors_first_and_counts() -> None:
    report = _messy_report()
    text = format_findings(report, "text")
    lines = text.splitlines()
    assert lines[-1] == "1 error, 1 warning, 2 notes in 39 evidence requirements"
    rec11 = lines.index("Recommendation 11")
    assert "error" in lines[rec11 + 1] and "Compelte" in lines[rec11 + 1]
    rec7 = lines.index("Recommendation 7")
    severities = [line.split()[0] for line in lines[rec7 + 1:rec11]]
    assert severities == sorted(severities, key=["error", "warning", "note"].index)


def test_unknown_format() -> None:
    with pytest.raises(ConfigError):
        format_findings(validate(full_plan(), as_of=AS_OF), "xml")


def test_findings_without_cells_still_name_the_action() -> None:
    plan = full_plan()
    for _, action in plan.actions():
        action.cells = {}
    action_of(plan, "7.1").owner = None
    finding = only(validate(plan, as_of=AS_OF), "missing-owner")
    assert finding.sheet is None and finding.cell is None and finding.row is None
    assert "7.1" in finding.message
    assert format_findings(ValidationReport(ok=True, summary={"error": 0, "warning": 1, "info": 0},
                                            findings=[finding])).splitlines()[1].strip().startswith("warning 7.1")


# --- the published sample ----------------------------------------------------------------------------------

_TAG = re.compile(r"</?p>")
_SEED_ID = re.compile(r"^(\d+\.\d+)\s*(.*)$", re.S)


def seed_plan() -> Plan:
    """The plan the published BTP sample gives, by a small ad-hoc parse of its pasted text."""
    plan = Plan(sheet="Action Plan")
    rec: Recommendation | None = None
    for n, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        cells = [" ".join(_TAG.sub(" ", c).split()) for c in line.split("\t")]
        first = cells[0]
        if first.startswith("Force'"):
            plan.title, plan.header_cells["title"] = first, f"Action Plan!A{n}"
            continue
        label = {"Force:": "force", "Executive Lead:": "executive_lead",
                 "Operational Lead:": "operational_lead"}.get(first)
        if label:
            setattr(plan, label, cells[2] or None)
            plan.header_cells[label] = f"Action Plan!C{n}"
            continue
        if first.isdigit():
            rec = Recommendation(number=first, text=cells[1] or None,
                                 cells={"number": f"Action Plan!A{n}", "text": f"Action Plan!B{n}"})
            plan.recommendations.append(rec)
        id_index = next((i for i, c in enumerate(cells) if _SEED_ID.match(c)), None)
        if id_index is None or rec is None:
            continue
        match = _SEED_ID.match(cells[id_index])
        assert match
        rest = cells[id_index + 1:]
        evidence = match.group(2)
        if not evidence:
            evidence, rest = (rest[0] if rest else ""), rest[1:]
        rest += ["", ""]
        rec.actions.append(Action(id=match.group(1), evidence=evidence or None, owner=rest[0] or None,
                                  update=rest[1] or None, status_raw=next((c for c in rest[2:] if c), None),
                                  cells={f: f"Action Plan!{c}{n}" for f, c in COLS.items()}))
    return plan


@pytest.mark.seed
@pytest.mark.skipif(not SEED.exists(), reason="the published sample is not beside this checkout")
def test_published_sample() -> None:
    plan = seed_plan()
    assert len(plan.actions()) == 39
    report = validate(plan, as_of=date(2025, 8, 1))
    by_code: dict[str, set[str | None]] = {}
    for f in report.findings:
        by_code.setdefault(f.code, set()).add(f.action or f.recommendation)
    assert by_code["misplaced-action"] == {"14.1"}
    assert by_code["deadline-wording"] == {"17"}
    assert by_code["deadline-mismatch"] == {"28"}
    assert by_code["owner-unassigned"] == {"14.5", "22.1", "25.1", "25.2", "27.1", "28.1"}
    assert by_code["missing-owner"] == {"16.1"}
    assert {"18.1", "18.2", "20.4"} <= by_code["truncated-text"]
    assert {"11.3", "14.1", "10.5", "20.2", "18.1", "18.2"} <= by_code["duplicate-update"]
    assert report.summary["by_code"]["missing-date"] == 1  # one plan-wide finding, not 37
    assert by_code["missing-update"] == {"27.1", "28.1"}
    assert by_code["overdue"] == {"10.1", "11.3", "13.1", "20.3"}
    assert by_code["missing-header-field"] == {None}  # the placeholder title
    # pending language: every flagged row really is "complete" over work still to do (judged by hand) ...
    pending = by_code["pending-language"]
    assert {"7.1", "10.4", "11.4", "12.1", "14.1", "14.3", "14.5", "18.1", "18.4", "22.1"} <= pending
    # ... and the rows whose latest UPDATE reports completion are not flagged.
    assert not {"10.3", "11.1", "12.4", "20.1", "13.2", "14.4", "16.1"} & pending
    assert report.ok is False  # the misplaced 14.1 is an error


# --- robustness ---------------------------------------------------------------------------------------------

_text = st.one_of(st.none(), st.text(max_size=60), st.sampled_from(
    ["7.1", " 7.1\n", "7", "x.y", "", "   ", "In Progress 50%", "Green", "Chief Constables", "31/02/2025",
     "By 22 November 2025 (56 days from publication), do it.", "will be reviewed UPDATE: done", "1e9"]))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    recs = []
    for _ in range(draw(st.integers(0, 4))):
        actions = [Action(
            id=draw(st.one_of(st.text(max_size=8), st.sampled_from(["7.1", "7.1", "14.1", "7.2 ", "28.1"]))),
            evidence=draw(_text), owner=draw(_text), update=draw(_text),
            date=draw(st.one_of(st.none(), st.dates())), date_raw=draw(_text), status=draw(_text),
            status_raw=draw(_text), hidden=draw(st.booleans()),
            cells=draw(st.sampled_from([{}, {"id": "S!C3"}, {"id": "!"}])))
            for _ in range(draw(st.integers(0, 4)))]
        for action in actions:  # any percentage, even one no constructor would accept: validate must not crash
            action.progress = draw(st.one_of(st.none(), st.integers(-500, 500)))
        recs.append(Recommendation(
            number=draw(st.one_of(st.sampled_from(["7", "13", "28", "99", ""]), st.text(max_size=5))),
            text=draw(_text), actions=actions, cells={}, deadline=draw(st.one_of(st.none(), st.dates())),
            addressees=[]))
    notes = [ReadNote(kind=draw(st.sampled_from(["blank-row", "odd-kind", "text-date"])), sheet="S",
                      cell=draw(st.sampled_from(["", "A1"])), action=draw(st.one_of(st.none(), st.text(max_size=5))))
             for _ in range(draw(st.integers(0, 2)))]
    return Plan(
        title=draw(_text), force=draw(_text), executive_lead=draw(_text), operational_lead=draw(_text),
        protective_marking=None, recommendations=recs, source=None, sheet=None, header_cells={},
        status_list=draw(st.one_of(st.none(), st.lists(st.text(max_size=12), max_size=4))), read_notes=notes)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.dates())
def test_validate_never_crashes(plan: Plan, as_of: date) -> None:
    report = validate(plan, as_of=as_of)
    assert report.ok == (report.summary["error"] == 0)
    assert sum(report.summary["by_code"].values()) == len(report.findings)
    for fmt in ("text", "json", "csv"):
        assert format_findings(report, fmt)


# --- built without validation; no schema building on the text paths ---------------------------------------------


def test_findings_are_frozen_records() -> None:
    import dataclasses

    finding = only(_messy_report(), "unknown-status")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "x"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Finding)] == FINDING_KEYS
    assert finding.as_dict() == {key: getattr(finding, key) for key in FINDING_KEYS}


@pytest.mark.parametrize("args", [["show"], ["validate"], ["validate", "--format", "csv"], ["show", "--json"],
                                  ["validate", "--format", "json"]])
def test_show_and_validate_never_import_pydantic(tmp_path: Path, args: list[str]) -> None:
    """`sheetsync show` and `validate`, in every output format, never import pydantic (about 45 ms of a cold
    start, bench/bench_cold.py): the plan and the findings are plain records, and their JSON is written by
    `json`. A workbook's own status list (a Lists sheet) and a text date take the same path."""
    import subprocess
    import sys

    from builders import SCHEMA_PROBE, catalogue_rows, write_grid

    rows = catalogue_rows()
    rows[0][7], rows[3][6] = "complete", "27/03/25"
    path = write_grid(tmp_path / "p.xlsx", rows, extra_sheets={"Lists": [["Status"], ["In Progress"],
                                                                         ["Action Complete"], ["At Risk"]]})
    done = subprocess.run([sys.executable, "-c", SCHEMA_PROBE, *args, str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.strip()
    assert "SCHEMAS-BUILT:-\n" in done.stderr, done.stderr


_DEADLINE_PIECES = ["By", "by", "BY", "xby", " ", "  ", "\t", "\n", "\u2003", "27", "1", "31", "2025", "25", "/", "st",
                    "th", "March", "march", "Febuary", ",", ".", ":", "(", ")", "(six months from publication)", "١٢"]


@given(st.lists(st.sampled_from(_DEADLINE_PIECES), max_size=40).map("".join))
def test_deadline_scan_is_finditer(text: str) -> None:
    from sheetsync.validation.deadlines import DEADLINE, deadlines

    for full in (text, *(rec.text for rec in catalogue().recommendations[:3])):
        expected = [(m.span(), m.groupdict()) for m in DEADLINE.finditer(full)]
        assert [(m.span(), m.groupdict()) for m in deadlines(full)] == expected
