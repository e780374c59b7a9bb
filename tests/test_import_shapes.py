"""The shapes real returns take (issue 16), each in several variants written for these tests: Markdown-like
key/value rows, accordion web pages, bilingual Word documents with one table per recommendation, workbooks with a
sheet per recommendation, workbooks with a dated update column per return, tracker exports with decoy columns.
Each import says where it read what (`ImportReport.read_from`)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import shape_builders as sb
from import_helpers import FIXTURES

from sheetsync.collate import collate
from sheetsync.importers import import_plan
from sheetsync.model import Action, Plan

SHAPES = FIXTURES / "shapes"


def _actions(plan: Plan) -> dict[str, tuple[str, Action]]:
    return {a.id: (rec.number, a) for rec, a in plan.actions()}


def _layout(plan: Plan) -> list[tuple[str, list[str]]]:
    return [(rec.number, [a.id for a in rec.actions]) for rec in plan.recommendations]


# ------------------------------------------------------------------------------- Markdown-like key/value


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_copied_key_value_rows_with_separators(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"harrowby{suffix}"
    shutil.copy(SHAPES / "harrowby_copied_kv.txt", source)
    plan, report = import_plan(source)
    assert report.shape == "key-value"
    assert (plan.force, plan.executive_lead, plan.operational_lead) == (
        "Harrowby Police", "ACC Priya Natarajan", "DCI Owen Marsh")
    assert _layout(plan) == [("7", ["7.1", "7.2"]), ("27", ["27.1"])]
    assert plan.recommendations[0].text and plan.recommendations[0].text.startswith("By 27 March 2025, where")
    a71, a72 = _actions(plan)["7.1"][1], _actions(plan)["7.2"][1]
    assert (a71.status, a71.date, a71.supporting_documents) == ("Action Complete", date(2025, 1, 14),
                                                               "Audit report Jan 2025")
    assert a72.update == "Manual weekly check of crime titles by the Crime Bureau." and a72.status == "In Progress"
    assert not report.unused and not report.warnings  # every separator row cleaned, nothing lost
    assert any(c.kind == "table-separators-dropped" and c.count == 5 for c in report.cleaned)
    assert any(w.startswith("3 evidence blocks starting at lines 11, 20, 31") for w in report.read_from)
    assert "3 evidence rows from lines 11 to 31 (key-value)" in report.read_from
    assert "executive lead: 'ACC Priya Natarajan' from line 4" in report.read_from


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_leading_pipes_markdown_headings_and_unknown_labels(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"thornbury{suffix}"
    shutil.copy(SHAPES / "thornbury_copied_kv.md", source)
    plan, report = import_plan(source)
    assert plan.force == "Thornbury Constabulary" and plan.operational_lead == "D/Supt Maria Okoro"
    assert plan.title == "Thornbury Constabulary – Stalking Action Plan"  # the '#' is not part of it
    assert _layout(plan) == [("12", ["12.1", "12.2"])]
    a122 = _actions(plan)["12.2"][1]
    assert (a122.status, a122.progress, a122.status_raw) == ("In Progress", 75, "In Progress 75%")
    assert a122.extra == {"Notes": "Figures for Q4 awaited."}  # kept under its label, not glued to the status
    assert any("'Notes' as kept beside the plan's fields" in w for w in report.read_from)
    assert not report.unused


# ----------------------------------------------------------------------------------------- web pages


def test_accordion_page_recommendation_paragraph_outside_its_table() -> None:
    plan, report = import_plan(SHAPES / "kingsbridge_accordion.html")
    assert report.shape == "table" and plan.force == "Kingsbridge Constabulary"
    assert plan.executive_lead == "Deputy Chief Constable Helen Ward"
    assert _layout(plan) == [("7", ["7.1", "7.2"]), ("13", ["13.1", "13.2"])]
    assert plan.recommendations[1].text == ("By 27 March 2025, take steps so that police consider a Stalking "
                                            "Protection Order in every stalking case.")
    cleaned = {c.kind: c for c in report.cleaned}
    assert cleaned["recommendation-text-beside-table"].lines == [14, 25]
    assert not report.warnings
    assert any("evidence from 'Evidence requirement'" in w for w in report.read_from)


def test_accordion_buttons_title_and_text_after_the_table() -> None:
    plan, report = import_plan(SHAPES / "eastvale_accordion_panels.html")
    assert plan.force == "Eastvale Police"  # from <title>: the page's own heading names no force
    assert "force: 'Eastvale Police' from the page title" in report.read_from
    assert _layout(plan) == [("10", ["10.1", "10.2"]), ("28", ["28.1"])]
    rec10, rec28 = plan.recommendations
    assert rec10.text == ("By 27 March 2025, ensure that risk assessment for stalking cases is carried out "
                          "consistently.")
    assert rec28.text == "By 27 March 2025, share data on the use of stalking powers with the Home Office."
    a102 = _actions(plan)["10.2"][1]
    assert (a102.owner, a102.date, a102.progress) == ("DCI Amy Shaw", date(2025, 3, 15), 60)


# ------------------------------------------------------------------------------------------------- Word


@pytest.mark.parametrize("variant", [{}, {"labels_on_two_lines": True}, {"bilingual": False, "date_column": False}],
                         ids=["welsh-slash-english", "welsh-over-english", "english-no-date"])
def test_word_one_table_per_recommendation(tmp_path: Path, variant: dict[str, bool]) -> None:
    path = tmp_path / "gwent.docx"
    path.write_bytes(sb.word_one_table_per_recommendation(**variant))
    plan, report = import_plan(path)
    assert (report.format, report.shape) == ("docx", "table")
    assert (plan.force, plan.executive_lead, plan.operational_lead, plan.protective_marking) == (
        "Gwent Police", "DCC Rhian Morgan", "Det Supt Huw Evans", "OFFICIAL")
    assert _layout(plan) == [("7", ["7.1", "7.2"]), ("13", ["13.1"])]  # version control and glossary left out
    assert all(rec.text and "By 27 March 2025" in rec.text for rec in plan.recommendations)
    a71, a72 = _actions(plan)["7.1"][1], _actions(plan)["7.2"][1]
    assert (a71.status, a72.status) == ("Action Complete", "In Progress")
    if variant.get("bilingual", True):
        assert a71.status_raw is not None and a71.status_raw.startswith("Wedi'i gwblhau")  # kept as written
    assert a71.date == (None if variant.get("date_column") is False else date(2025, 1, 14))
    assert not report.warnings, report.warnings
    unused = [u.text for u in report.unused]
    assert any(t.startswith("1.0") for t in unused) and any(t.startswith("SPO") for t in unused)
    assert any("owner from" in w and "Owner" in w for w in report.read_from)


# ------------------------------------------------------------------------------------------- workbooks


@pytest.mark.parametrize(("cover", "rec_column"), [(True, False), (False, True)])
def test_workbook_with_a_sheet_per_recommendation(tmp_path: Path, cover: bool, rec_column: bool) -> None:
    path = sb.sheet_per_recommendation(tmp_path / "westmoor.xlsx", cover=cover, rec_column=rec_column)
    plan, report = import_plan(path)
    assert report.shape == "sheet per recommendation"
    assert _layout(plan) == [("7", ["7.1", "7.2"]), ("13", ["13.1"])]
    assert plan.recommendations[1].text == sb.REC13
    a131 = _actions(plan)["13.1"][1]
    assert a131.cells["status"].startswith("Rec 13!") and a131.status == "BAU"
    assert "sheet 'Rec 7': recommendation 7, 2 evidence rows" in report.read_from
    if cover:
        assert (plan.force, plan.executive_lead, plan.operational_lead) == (
            "Westmoor Constabulary", "ACC Dan Hughes", "DCI Lisa Bryant")
        assert "executive lead: 'ACC Dan Hughes' from the cover (Cover!A4)" in report.read_from
    else:
        assert plan.force is None


def test_two_copies_of_the_grid_are_not_a_sheet_per_recommendation(tmp_path: Path) -> None:
    from builders import catalogue_rows, write_grid

    rows = catalogue_rows()
    path = write_grid(tmp_path / "p.xlsx", rows, extra_sheets={"Last year": [["Rec. No.", "Recommendation:",
                      "Evidence requirements of progress/completion:", None, "Recommendation Owner:",
                      "Force Update:", "Date", "Status"], *[r[:8] for r in rows]]})
    plan, report = import_plan(path)
    assert report.shape == "workbook" and len(plan.actions()) == 39 and plan.sheet == "Action Plan"


@pytest.mark.parametrize("newest_first", [False, True])
def test_dated_update_columns_newest_non_empty(tmp_path: Path, newest_first: bool) -> None:
    plan, report = import_plan(sb.dated_update_columns(tmp_path / "northmoor.xlsx", newest_first=newest_first))
    acts = {a.id: a for _, a in plan.actions()}
    assert (acts["7.1"].update, acts["7.1"].date) == ("Flag live.", date(2025, 3, 1))
    assert (acts["7.2"].update, acts["7.2"].date) == ("Manual checks weekly.", date(2025, 1, 1))
    assert acts["7.2"].extra == {"Update Nov 2024": "Manual checks."}  # earlier returns kept
    assert (acts["13.1"].update, acts["13.1"].date_raw) == ("Planned.", "Update Nov 2024")
    assert acts["13.1"].extra == {}
    assert plan.force == "Northmoor Police"  # from the title above the grid
    assert any(w.startswith("7.2: update from 'Update Jan 2025' (Action Plan!") for w in report.read_from)


def test_dated_update_columns_as_csv(tmp_path: Path) -> None:
    text = ("Rec No,Recommendation,Evidence ID,Evidence requirement,Owner,Update Nov 2024,Update Jan 2025,"
            "Update March 2025,Status\n"
            f"7,\"{sb.REC7}\",7.1,Processes in place.,DI Ray Lamb,Scoping.,Flag built.,Flag live.,Action Complete\n"
            ",,7.2,Alternatives while pending.,DI Ray Lamb,Manual checks.,Manual checks weekly.,,In Progress\n")
    path = tmp_path / "northmoor.csv"
    path.write_text(text, encoding="utf-8")
    plan, report = import_plan(path)
    acts = {a.id: a for _, a in plan.actions()}
    assert (acts["7.1"].update, acts["7.1"].date) == ("Flag live.", date(2025, 3, 1))
    assert (acts["7.2"].update, acts["7.2"].date) == ("Manual checks weekly.", date(2025, 1, 1))
    assert acts["7.2"].extra == {"Update Nov 2024": "Manual checks."}
    assert "line 3: update from 'Update Jan 2025'; the newer update columns are blank on that row" in (
        report.read_from)


# ------------------------------------------------------------------------------------- tracker exports


@pytest.mark.parametrize("variant", [0, 1], ids=["real-columns-first", "decoys-first"])
def test_tracker_export_with_decoy_columns(tmp_path: Path, variant: int) -> None:
    path = tmp_path / "tracker.csv"
    path.write_text(sb.tracker_export_csv(variant=variant), encoding="utf-8")
    plan, report = import_plan(path)
    assert plan.force == "Northmoor Police"
    a71 = _actions(plan)["7.1"][1]
    assert (a71.owner, a71.status, a71.date) == ("DI Ray Lamb", "Action Complete", date(2025, 1, 14))
    assert a71.extra == {"RAG status": "Green", "Executive Sponsor": "ACC Dan Hughes", "Due Date": "27/03/2025",
                         "Last Modified": "02/04/2025 09:14"}
    assert not report.warnings
    mapping = next(w for w in report.read_from if w.startswith("csv, headings at line 2"))
    assert "status from 'Status'" in mapping and "owner from 'Action Owner'" in mapping
    assert "date from 'Update date'" in mapping and "'RAG status'" in mapping


# ----------------------------------------------------------------------------------------- collated


def test_collation_reads_every_shape(tmp_path: Path) -> None:
    shutil.copy(SHAPES / "harrowby_copied_kv.txt", tmp_path / "harrowby.txt")
    shutil.copy(SHAPES / "kingsbridge_accordion.html", tmp_path / "kingsbridge.html")
    (tmp_path / "gwent.docx").write_bytes(sb.word_one_table_per_recommendation())
    sb.sheet_per_recommendation(tmp_path / "westmoor.xlsx")
    result = collate([tmp_path], as_of=date(2025, 4, 1))
    read = {r.force: (r.read_as, len(r.plan.actions())) for r in result.returns}
    assert read == {"Gwent Police": ("docx (table)", 3), "Harrowby Police": ("text (key-value)", 3),
                    "Kingsbridge Constabulary": ("html (table)", 4),
                    "Westmoor Constabulary": ("xlsx (sheet per recommendation)", 3)}
    assert "Gwent Police" not in result.missing and len(result.missing) == 43


def test_copied_key_value_rows_without_separator_rows(tmp_path: Path) -> None:
    text = (SHAPES / "harrowby_copied_kv.txt").read_text(encoding="utf-8")
    source = tmp_path / "harrowby.txt"
    source.write_text("\n".join(line for line in text.split("\n") if line != "---|---|"), encoding="utf-8")
    plan, report = import_plan(source)
    assert report.shape == "key-value" and _layout(plan) == [("7", ["7.1", "7.2"]), ("27", ["27.1"])]
    assert _actions(plan)["27.1"][1].date == date(2024, 11, 20) and not report.warnings


def test_table_caption_is_the_recommendation_beside_it(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><head><title>Southdown Police | Stalking plan</title></head><body>"
                    "<table><caption>Recommendation 16: By 27 March 2025, make sure that victims are kept "
                    "informed.</caption><tr><th>Ref</th><th>Evidence</th><th>Owner</th><th>Update</th>"
                    "<th>Status</th></tr><tr><td>16.1</td><td>Victims updated.</td><td>DI A Shah</td>"
                    "<td>Contact log in place.</td><td>Complete</td></tr></table></body></html>", encoding="utf-8")
    plan, _ = import_plan(page)
    assert plan.force == "Southdown Police" and _layout(plan) == [("16", ["16.1"])]
    assert plan.recommendations[0].text == "By 27 March 2025, make sure that victims are kept informed."


def test_control_characters_in_a_page_are_a_clear_refusal_not_a_crash() -> None:
    from sheetsync.errors import NoPlanFoundError

    with pytest.raises(NoPlanFoundError):
        import_plan(b"0</0>\x08", format="html")


def test_word_recommendation_in_a_merged_row_above_its_table() -> None:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Stalking Action Plan – Cleveland Police")
    for number, text, row in [("7", sb.REC7, ["7.1 Processes in place.", "DI A Rowe", "Done.", "Complete"]),
                              ("13", sb.REC13, ["13.1 Training.", "Legal Services", "Delivered.", "BAU"])]:
        table = document.add_table(rows=3, cols=4)
        table.cell(0, 0).merge(table.cell(0, 3)).text = f"Recommendation {number}: {text}"
        for c, value in enumerate(["Evidence requirement", "Owner", "Progress update", "Status"]):
            table.cell(1, c).text = value
        for c, value in enumerate(row):
            table.cell(2, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    plan, report = import_plan(buffer.getvalue())
    assert plan.force == "Cleveland Police" and _layout(plan) == [("7", ["7.1"]), ("13", ["13.1"])]
    assert [rec.text for rec in plan.recommendations] == [sb.REC7, sb.REC13]
    assert not report.unused and not report.warnings


def test_copied_text_with_bold_markdown_labels() -> None:
    plan, report = import_plan(SHAPES / "fenbridge_bold_labels.txt")
    assert (report.format, report.shape) == ("text", "key-value") and plan.force == "Fenbridge Police"
    assert _layout(plan) == [("7", ["7.1", "7.2"])]
    a71 = _actions(plan)["7.1"][1]
    assert (a71.owner, a71.status, a71.date) == ("DI Jo Hart", "Action Complete", date(2025, 1, 14))
    assert not report.warnings and not report.unused


@pytest.mark.parametrize("variant", [0, 1], ids=["rag-status-first", "status-first"])
def test_tracker_export_as_a_workbook(tmp_path: Path, variant: int) -> None:
    import csv
    import io

    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(sb.tracker_export_csv(variant=variant)))]
    plan, report = import_plan(sb.workbook(tmp_path / "tracker.xlsx", {"Export": rows}))
    assert report.shape == "workbook"
    statuses = [(a.status, a.status_raw, a.extra["RAG status"]) for _, a in plan.actions()]
    assert statuses == [("Action Complete", "Complete", "Green"), ("In Progress", "In progress", "Amber"),
                        ("BAU", "BAU", "Green")]
    a71 = _actions(plan)["7.1"][1]
    assert a71.cells["status"].startswith("Export!") and a71.cells["status"] != a71.cells["RAG status"]
    assert (a71.owner, a71.date) == ("DI Ray Lamb", date(2025, 1, 14))
    if variant == 0:
        assert any(w.startswith("status from 'Status' rather than 'RAG status'") for w in report.read_from)


def test_page_of_definition_lists_with_a_dashed_lead() -> None:
    plan, report = import_plan(SHAPES / "marlow_vale_definition_lists.html")
    assert report.shape == "key-value" and plan.force == "Marlow Vale Police"
    assert plan.executive_lead == "ACC Tom Price"  # "Executive Lead – ACC Tom Price"
    assert _layout(plan) == [("7", ["7.1", "7.2"])]
    a71 = _actions(plan)["7.1"][1]
    assert (a71.date, a71.status) == (date(2025, 1, 14), "Action Complete")  # the date under "Date:" is its value
    assert not report.unused and not report.warnings


def test_sheet_per_recommendation_uses_the_lists_sheets_statuses(tmp_path: Path) -> None:
    path = sb.sheet_per_recommendation(tmp_path / "westmoor.xlsx", own_status="At Risk")
    plan, report = import_plan(path)
    assert plan.status_list is not None and "At Risk" in plan.status_list
    assert _actions(plan)["13.1"][1].status == "At Risk"
    assert any(w.startswith("statuses: the Lists sheet's Status column") for w in report.read_from)
