"""Shape 4: tables in Markdown, HTML, CSV, Word and Excel, with renamed, reduced, reordered or extra columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from import_helpers import FIXTURES, by_id

from sheetsync.importers import import_plan
from sheetsync.model import Action


def _a(plan_ids: dict[str, tuple[str, object]], action_id: str) -> Action:
    action = plan_ids[action_id][1]
    assert isinstance(action, Action)
    return action


def test_markdown_two_update_columns_and_no_status() -> None:
    plan, report = import_plan(FIXTURES / "marshfield_reduced.md")
    assert (report.format, report.shape) == ("markdown", "table")
    assert plan.force == "Marshfield Police" and plan.executive_lead == "DCC Ian Holloway"
    assert [r.number for r in plan.recommendations] == ["7", "16", "11"]  # source order kept
    ids = by_id(plan)
    a71 = _a(ids, "7.1")
    assert a71.evidence == "Processes are in place so the search capability is used."
    assert a71.update == "Change delivered; guidance issued 3 March."  # the newest column
    assert a71.extra == {"Initial action plan response": "Change request raised with the supplier."}
    assert a71.status is None and a71.status_raw is None
    a72 = _a(ids, "7.2")
    assert a72.update is None and a72.extra["Initial action plan response"].startswith("Intelligence reports")
    assert _a(ids, "16.1").evidence is None
    a111 = _a(ids, "11.1")
    assert a111.evidence == "Problem profiles using police data & intelligence."
    assert a111.update == "Profile published\nFindings shared with partners."


def test_html_table_ids_in_number_column_and_extra_column() -> None:
    plan, report = import_plan(FIXTURES / "riverside_table.html")
    assert (report.format, report.shape) == ("html", "table")
    assert plan.force == "Riverside Police"
    assert [(r.number, [a.id for a in r.actions]) for r in plan.recommendations] == [
        ("12", ["12.1", "12.2"]), ("14", ["14.5", "14.2"])]
    ids = by_id(plan)
    assert _a(ids, "12.1").extra == {"RAG": "Green"} and _a(ids, "12.1").update is not None
    assert "–" in (_a(ids, "12.1").update or "")  # &ndash; decoded
    assert (_a(ids, "12.2").status, _a(ids, "12.2").status_raw) == ("In Progress", "Pending sign-off")
    assert (_a(ids, "14.2").status, _a(ids, "14.2").status_raw) == (None, "Compelte")
    assert all(a.owner is None for _, a in plan.actions())


def test_csv_whole_recommendation_responses_cp1252() -> None:
    plan, report = import_plan(FIXTURES / "upland_response.csv")
    assert (report.format, report.shape) == ("csv", "table")
    assert [(r.number, [a.id for a in r.actions]) for r in plan.recommendations] == [
        ("27", ["27"]), ("28", ["28"]), ("23", ["23.1"])]
    ids = by_id(plan)
    assert _a(ids, "27").update is not None and "Chief Constable’s letter" in (_a(ids, "27").update or "")
    assert _a(ids, "23.1").evidence == "Forces should consider screening crimes similar to stalking."
    assert sum("whole recommendation" in w for w in report.warnings) == 2


def test_csv_semicolons_reduced_columns() -> None:
    plan, report = import_plan(FIXTURES / "harbourside_semicolon.csv")
    assert report.shape == "table"
    ids = by_id(plan)
    assert list(ids) == ["10.1", "10.2", "10.5"]
    assert _a(ids, "10.2").update is None and _a(ids, "10.2").status is None
    assert _a(ids, "10.5").status == "In Progress"


def _word_plan() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("OFFICIAL")
    document.add_paragraph("Moorland Police Stalking Action Plan")
    document.add_paragraph("Operational Lead: DCI Grace Whitfield")
    table = document.add_table(rows=5, cols=8)
    heads = ["Rec. No.", "Recommendation:", "Evidence requirements of progress/completion:", "",
             "Recommendation Owner:", "Force Update:", "Date", "Status"]
    for i, text in enumerate(heads):
        table.cell(0, i).text = text
    table.cell(0, 2).merge(table.cell(0, 3))  # the heading spans the id and text columns
    rows = [
        ["13", "By 27 March 2025, take steps so that police consider an SPO in every stalking case.", "13.1",
         "Local training and guidance on SPOs.", "DI Ben Carter", "Supervisor SPO training delivered.",
         "Nov-24", "Action Complete"],
        ["", "", "13.2", "Mechanisms to support officers with SPO applications.", "Legal Services",
         "Weekly SPO surgery.", "", "In progress"],
        ["20", "By 27 March 2025, improve the response to online elements of stalking.", "20.1",
         "Online stalking informs the strategic understanding.", "Intelligence Unit", "Profile updated.",
         "27/03/2025", "Complete"],
        ["", "", "14.3", "Information about support services is easy to find.", "Victim Care Unit",
         "Leaflets refreshed.", "", "BAU"],
    ]
    for r, values in enumerate(rows, start=1):
        for c, text in enumerate(values):
            if text:
                table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # recommendation 13's number and text merged down
    table.cell(1, 1).merge(table.cell(2, 1))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_table_with_merged_cells(tmp_path: Path) -> None:
    path = tmp_path / "moorland.docx"
    path.write_bytes(_word_plan())
    plan, report = import_plan(path)
    assert (report.format, report.shape) == ("docx", "table")
    assert plan.force == "Moorland Police" and plan.operational_lead == "DCI Grace Whitfield"
    assert plan.protective_marking == "OFFICIAL"
    assert [(r.number, [a.id for a in r.actions]) for r in plan.recommendations] == [
        ("13", ["13.1", "13.2"]), ("20", ["20.1", "14.3"])]
    ids = by_id(plan)
    assert _a(ids, "13.2").evidence == "Mechanisms to support officers with SPO applications."
    assert _a(ids, "13.2").status == "In Progress" and _a(ids, "20.1").status == "Action Complete"
    assert any("14.3" in w for w in report.warnings)
    same, _ = import_plan(path.read_bytes())  # bytes are detected as Word too
    assert same.canonical() == plan.canonical()


def _excel_reduced() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action plan"
    ws.append(["Solway Police - stalking super-complaint action plan"])
    ws.append(["Strategic / Executive Lead:", "ACC Moira Bell"])
    ws.append([])
    ws.append(["Rec No.", "Recomendation", "Sub recommendation/", "Rec. Owner", "Initial action plan response",
               "June 2025 update", "Lead team"])
    ws.append([7, "By 27 March 2025, seek changes to crime recording systems.", "7.1 Processes in place.",
               "DI Ann Lowe", "Change requested.", "Change live in May.", "Crime Bureau"])
    ws.append([None, None, "7.2 Alternatives while changes are pending.", "DI Ann Lowe", "Intel logs.", None,
               None])
    ws.append([25, "By 27 March 2025, explore how the force works with partners.", "25.3 MAPPA is used.",
               "MOSOVO team", "Referral criteria reviewed.", "All cases now considered at MAPPA.", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    return bytes(buffer.getvalue())


@pytest.mark.parametrize("as_path", [True, False], ids=["path-via-reader", "bytes-via-tables"])
def test_excel_reduced_columns(tmp_path: Path, as_path: bool) -> None:
    data = _excel_reduced()
    path = tmp_path / "solway.xlsx"
    path.write_bytes(data)
    plan, report = import_plan(path if as_path else data)
    assert report.format == "xlsx"
    assert plan.executive_lead == "ACC Moira Bell"
    assert [(r.number, [a.id for a in r.actions]) for r in plan.recommendations] == [
        ("7", ["7.1", "7.2"]), ("25", ["25.3"])]
    ids = by_id(plan)
    a71 = _a(ids, "7.1")
    assert a71.evidence == "Processes in place." and a71.update == "Change live in May."
    assert a71.extra == {"Initial action plan response": "Change requested.", "Lead team": "Crime Bureau"}
    assert _a(ids, "7.2").update is None and _a(ids, "7.2").status is None
