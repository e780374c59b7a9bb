"""The workbook template: the national grid from the catalogue, dropdowns, protection, print set-up, text safety."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_run import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from sheetsync.catalogue import catalogue
from sheetsync.columns import COLUMNS, HEADER_LABELS, column, match_heading
from sheetsync.errors import ConfigError, OutputExistsError
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.template import (
    LISTS_SHEET,
    PLAN_SHEET,
    STATUS_LIST_NAME,
    TemplateButton,
    TemplateLayout,
    build_workbook,
    template_bytes,
    template_plan,
    template_title,
    workbook_bytes,
    write_plan_workbook,
    write_template,
)
from sheetsync.vocabulary import DEFAULT_STATUSES

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook_template.xlsx"
HEADING_ROW = 7
FIRST_ROW = 8
COL = {c.field: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
STATUS_NAMES = [s.name for s in DEFAULT_STATUSES]


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "plan.xlsx")


@pytest.fixture(scope="module")
def book(template_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template_path)


@pytest.fixture(scope="module")
def sheet(book: openpyxl.Workbook) -> Worksheet:
    return book[PLAN_SHEET]


def data_rows(ws: Worksheet) -> list[int]:
    """Sheet rows of the grid: from the first data row to the last row holding an evidence id or rec number."""
    last = max(cell.row for row in ws.iter_rows(min_row=FIRST_ROW) for cell in row if cell.value is not None)
    return list(range(FIRST_ROW, last + 1))


def workbook_content(path: Path) -> dict[str, Any]:
    """What a user would see and rely on, independent of XlsxWriter's byte layout."""
    wb = openpyxl.load_workbook(path)
    content: dict[str, Any] = {
        "sheets": wb.sheetnames,
        "names": {name: dn.attr_text for name, dn in wb.defined_names.items()},
    }
    for ws in wb.worksheets:
        content[ws.title] = {
            "cells": {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(dv.sqref), str(dv.type), str(dv.formula1), str(dv.formula2),
                                   str(dv.errorStyle)) for dv in ws.data_validations.dataValidation),
            "conditional": sorted((str(cf.sqref), str(rule.type), str(rule.text), str(rule.formula))
                                  for cf in ws.conditional_formatting for rule in cf.rules),
            "protected": bool(ws.protection.sheet),
            "print_titles": ws.print_title_rows,
            "header": page_text(ws, "oddHeader", "center"),
            "footer": page_text(ws, "oddFooter", "center"),
        }
    return content


def page_text(ws: Worksheet, which: str, part: str) -> str:
    """The text of one part ("left"/"center"/"right") of a page header or footer ("oddHeader"/"oddFooter")."""
    item = getattr(getattr(ws, which), part, None)
    return str(getattr(item, "text", None) or "")


def excel_unescape(text: str) -> str:
    """Decode the _xHHHH_ escapes the xlsx format uses for control characters (openpyxl leaves them)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


# ------------------------------------------------------------------------------------------------ the grid


def test_grid_holds_the_catalogue(sheet: Worksheet) -> None:
    cat = catalogue()
    headings = [sheet.cell(HEADING_ROW, i + 1).value for i in range(len(COLUMNS))]
    assert headings == [c.heading for c in COLUMNS]
    assert [match_heading(str(h)) for h in headings] == [c.field for c in COLUMNS]

    rows = data_rows(sheet)
    rec_numbers = [sheet[f"{COL['rec_number']}{r}"].value for r in rows if sheet[f"{COL['rec_number']}{r}"].value]
    assert rec_numbers == cat.numbers()
    assert len(rec_numbers) == 15
    ids = [sheet[f"{COL['action_id']}{r}"].value for r in rows]
    assert ids == cat.evidence_ids()
    assert len(ids) == 39
    for r in rows:
        ev = cat.evidence(sheet[f"{COL['action_id']}{r}"].value)
        assert ev is not None
        assert sheet[f"{COL['evidence']}{r}"].value == ev.text
        for field in ("owner", "update", "date", "status", "supporting_documents"):
            assert sheet[f"{COL[field]}{r}"].value is None, (field, r)
    first_of = {sheet[f"A{r}"].value: r for r in rows if sheet[f"A{r}"].value}
    for rec in cat.recommendations:
        assert sheet[f"{COL['rec_text']}{first_of[rec.number]}"].value == rec.text


def test_title_and_header_block(sheet: Worksheet) -> None:
    assert sheet["A1"].value == catalogue().placeholder_titles[0]
    labels = [sheet[f"A{r}"].value for r in (3, 4, 5)]
    assert labels == list(HEADER_LABELS.values())
    for r in (3, 4, 5):
        assert sheet[f"C{r}"].value is None
        assert sheet[f"C{r}"].protection.locked is False


def test_recommendation_cells_are_merged_over_their_rows(sheet: Worksheet) -> None:
    merged = {str(r) for r in sheet.merged_cells.ranges}
    rows = data_rows(sheet)
    for rec in catalogue().recommendations:
        first = next(r for r in rows if sheet[f"A{r}"].value == rec.number)
        last = first + len(rec.evidence) - 1
        for letter in (COL["rec_number"], COL["rec_text"]):
            if last > first:
                assert f"{letter}{first}:{letter}{last}" in merged
            else:
                assert not any(m.startswith(f"{letter}{first}:") for m in merged)
    # Below the headings only the recommendation's number and text are merged: one value per evidence row.
    for rng in sheet.merged_cells.ranges:
        if rng.min_row > HEADING_ROW:
            assert rng.min_col == rng.max_col and rng.min_col in (1, 2), str(rng)


def test_status_dropdown_and_lists_sheet(book: openpyxl.Workbook, sheet: Worksheet) -> None:
    assert book.defined_names[STATUS_LIST_NAME].attr_text.startswith(f"{LISTS_SHEET}!$A$2:$A$")
    status_dvs = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert len(status_dvs) == 1
    dv = status_dvs[0]
    assert dv.formula1 == STATUS_LIST_NAME
    assert dv.showErrorMessage and dv.showInputMessage and dv.error and dv.prompt
    rows = data_rows(sheet)
    assert all(f"{COL['status']}{r}" in dv.sqref for r in rows)
    assert not any(f"{COL['update']}{r}" in dv.sqref for r in rows)

    lists = book[LISTS_SHEET]
    assert lists["A1"].value == column("status").heading
    ref = book.defined_names[STATUS_LIST_NAME].attr_text.split("!")[1].replace("$", "")
    values = [c.value for row in lists[ref] for c in row]
    assert [v for v in values if v is not None] == STATUS_NAMES
    assert values[len(STATUS_NAMES):] == [None] * (len(values) - len(STATUS_NAMES))
    assert len(values) - len(STATUS_NAMES) >= 10  # room to add "At Risk"
    assert lists.protection.sheet
    assert lists[f"A{len(STATUS_NAMES) + 2}"].protection.locked is False  # the first spare slot
    assert lists["A2"].protection.locked is True


def test_date_validation(sheet: Worksheet) -> None:
    dates = [dv for dv in sheet.data_validations.dataValidation if dv.type == "date"]
    assert len(dates) == 1
    dv = dates[0]
    assert dv.operator in (None, "between")
    epoch = date(1899, 12, 30)
    assert int(dv.formula1) == (date(2024, 9, 27) - epoch).days
    assert int(dv.formula2) == (date(2030, 12, 31) - epoch).days
    assert dv.errorStyle in (None, "stop") and dv.showErrorMessage
    assert all(f"{COL['date']}{r}" in dv.sqref for r in data_rows(sheet))


def test_status_colours_come_from_the_vocabulary(sheet: Worksheet) -> None:
    rules = {rule.text: rule for cf in sheet.conditional_formatting for rule in cf.rules
             if COL["status"] in str(cf.sqref)}
    assert set(rules) == set(STATUS_NAMES)
    for status in DEFAULT_STATUSES:
        rule = rules[status.name]
        assert rule.type == "beginsWith"  # so "In Progress 50%" is coloured too
        assert rule.dxf.fill.bgColor.rgb == "FF" + status.fill.lstrip("#").upper()


def test_protection_locks_the_report_and_frees_the_inputs(sheet: Worksheet) -> None:
    assert sheet.protection.sheet is True
    assert not sheet.protection.password
    assert sheet.protection.formatRows is False and sheet.protection.formatColumns is False  # allowed
    assert sheet.protection.autoFilter is False
    for r in data_rows(sheet):
        for col in COLUMNS:
            assert sheet[f"{COL[col.field]}{r}"].protection.locked is (not col.input), (col.field, r)
    # Rows below the grid are free for local actions.
    below = data_rows(sheet)[-1] + 1
    assert sheet.row_dimensions[below].customFormat
    assert sheet.row_dimensions[below].protection.locked is False


def test_print_setup_and_marking(sheet: Worksheet) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize or 0) == 9
    assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${HEADING_ROW}:${HEADING_ROW}"
    assert "OFFICIAL" in page_text(sheet, "oddHeader", "center")
    assert "OFFICIAL" in page_text(sheet, "oddFooter", "center")
    assert "&P" in page_text(sheet, "oddFooter", "right")
    assert sheet.freeze_panes == f"A{FIRST_ROW}"


def test_instructions_explain_columns_statuses_and_deadlines(book: openpyxl.Workbook) -> None:
    text = "\n".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    for col in COLUMNS:
        assert col.heading in text
    for status in DEFAULT_STATUSES:
        assert status.name in text
    for rec in catalogue().recommendations:
        for deadline in rec.deadlines:
            assert f"{deadline:%-d %B %Y}" in text
    assert "OFFICIAL" in text


def test_layout_describes_the_sheet() -> None:
    layout = build_workbook(template_plan(), io.BytesIO())
    assert layout.heading_row == HEADING_ROW and layout.first_row == FIRST_ROW
    assert layout.last_row == FIRST_ROW + 39 - 1
    assert layout.columns == COL
    assert layout.statuses == STATUS_NAMES
    assert layout.header_cells == {"force": "C3", "executive_lead": "C4", "operational_lead": "C5"}


# -------------------------------------------------------------------------------------- files and determinism


def test_committed_template_is_current(tmp_path: Path) -> None:
    assert COMMITTED.exists(), "regenerate: python -m sheetsync template -o workbook_template.xlsx --overwrite"
    fresh = write_template(tmp_path / "fresh.xlsx")
    assert workbook_content(COMMITTED) == workbook_content(fresh), (
        "workbook_template.xlsx is out of date: python -m sheetsync template -o workbook_template.xlsx --overwrite")


def test_output_is_byte_for_byte_repeatable() -> None:
    assert template_bytes() == template_bytes()
    assert template_bytes(force="Northshire Police") != template_bytes()


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the user's own workbook")
    with pytest.raises(OutputExistsError):
        write_template(out)
    assert out.read_bytes() == b"the user's own workbook"
    write_template(out, overwrite=True)
    assert zipfile.is_zipfile(out)


def test_writes_atomically(tmp_path: Path) -> None:
    write_template(tmp_path / "plan.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]
    # A plan that cannot be written leaves nothing behind, not even a temporary file.
    too_long = Plan(recommendations=[Recommendation(number="L1", actions=[Action(id="L1.1", update="x" * 40_000)])])
    with pytest.raises(ConfigError, match="32,767"):
        write_plan_workbook(too_long, tmp_path / "bad.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


# ------------------------------------------------------------------------------------------ a plan written out


def sample_plan() -> Plan:
    cat = catalogue()
    rec13 = cat.get("13")
    assert rec13 is not None
    return Plan(
        title="Northshire Police Stalking Action Plan", force="Northshire Police", executive_lead="ACC Jo Bloggs",
        operational_lead="DCI A. Smith", protective_marking="OFFICIAL-SENSITIVE",
        recommendations=[
            Recommendation(number="13", text=rec13.text, actions=[
                Action(id="13.1", evidence=rec13.evidence[0].text, owner="DI Green", update="Training written.",
                       date=date(2025, 3, 1), status="In Progress", progress=50, status_raw="In Progress 50%",
                       supporting_documents="SPO guide v2", extra={"RAG": "Amber", "Board": "March"}),
                Action(id="14.1", evidence="Victim needs assessments are always completed", owner="PS Brown",
                       status="Action Complete", date_raw="Nov-24"),  # misplaced under 13
                Action(id="13.2", evidence=rec13.evidence[1].text, owners=["A", "B"], status="BAU",
                       extra={"Board": "=1+1", "Status": "a second status column"}),
            ]),
            Recommendation(number="L1", text="Local: stalking awareness week", deadline=date(2025, 6, 1), actions=[
                Action(id="L1.1", evidence="Run the week", owner="Comms", update="+44 leaflet printed",
                       status=None, status_raw="Red"),
            ]),
        ])


def test_plan_round_trip(tmp_path: Path) -> None:
    out = write_plan_workbook(sample_plan(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb[PLAN_SHEET]
    assert ws["A1"].value == "Northshire Police Stalking Action Plan"
    assert [ws[f"C{r}"].value for r in (3, 4, 5)] == ["Northshire Police", "ACC Jo Bloggs", "DCI A. Smith"]
    headings = [c.value for c in ws[HEADING_ROW] if c.value is not None]
    # A force's own columns come after the national ones; one that repeats a national heading is renamed.
    assert headings == [*(c.heading for c in COLUMNS), "RAG", "Board", "Status (2)"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + 3)]
    assert rows[2][11] == "a second status column"
    assert [r[2] for r in rows] == ["13.1", "14.1", "13.2", "L1.1"]  # plan order, misplaced row kept
    assert rows[0][:2] == ["13", catalogue().get("13").text]  # type: ignore[union-attr]
    assert rows[3][:2] == ["L1", "Local: stalking awareness week"]
    assert rows[0][4:] == ["DI Green", "Training written.", datetime(2025, 3, 1), "In Progress 50%",
                           "SPO guide v2", "Amber", "March", None]
    assert rows[1][4:8] == ["PS Brown", None, "Nov-24", "Action Complete"]
    assert rows[2][4] == "A / B" and rows[2][7] == "BAU" and rows[2][10] == "=1+1"
    assert ws.cell(FIRST_ROW + 2, 11).data_type == "s"  # text, not a formula
    assert rows[3][5] == "+44 leaflet printed" and rows[3][7] == "Red"
    assert f"A{FIRST_ROW}:A{FIRST_ROW + 2}" in {str(r) for r in ws.merged_cells.ranges}
    # National wording is locked; a force's local recommendation stays editable.
    assert ws[f"B{FIRST_ROW}"].protection.locked is True
    assert ws[f"B{FIRST_ROW + 3}"].protection.locked is False
    assert ws[f"K{FIRST_ROW}"].protection.locked is False
    assert "OFFICIAL-SENSITIVE" in page_text(ws, "oddHeader", "center")
    assert ws[f"A{FIRST_ROW + 3}"].comment is not None and "1 June 2025" in ws[f"A{FIRST_ROW + 3}"].comment.text


def test_plan_with_its_own_status_list() -> None:
    plan = template_plan()
    plan.status_list = [*STATUS_NAMES, "At Risk"]
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan)))
    values = [c.value for c in wb[LISTS_SHEET]["A"][1:] if c.value]
    assert values == [*STATUS_NAMES, "At Risk"]


# A cell value: awkward prefixes, control characters, long runs. Excel cannot hold U+FFFE/U+FFFF (escaped as
# _xFFFE_, which calamine does not decode back) or lone surrogates, so they are left out.
_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff")
def _fit(text: str, limit: int = 32_000) -> str:
    """Cut to what an Excel cell holds, counted as Excel counts (UTF-16 units), leaving room for the title's
    own words around the force name."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[: len(text) - max(1, (len(text.encode("utf-16-le")) // 2 - limit) // 2)]
    return text


_TEXT = st.builds(
    lambda prefix, body, repeat: _fit((prefix + body) * repeat),
    st.sampled_from(["", "=", "+", "-", "@", "=SUM(A1:A2)", "=HYPERLINK(\"http://x\")", "'", " ", "\t", "_x0041_",
                     "\x00", "\r\n", "1e5", "0012", "TRUE", "27/03/2025"]),
    st.text(_CHARS, max_size=40),
    st.sampled_from([1, 1, 1, 2, 50, 2000]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(owner=_TEXT, update=_TEXT, evidence=_TEXT, extra=_TEXT, force=_TEXT)
def test_text_is_written_as_text_and_survives(owner: str, update: str, evidence: str, extra: str,
                                              force: str) -> None:
    plan = Plan(force=force, recommendations=[Recommendation(number="L9", text=update, actions=[
        Action(id="L9.1", evidence=evidence, owner=owner, update=update, supporting_documents=owner,
               extra={"Notes": extra})])])
    buffer = io.BytesIO()
    layout = build_workbook(plan, buffer)
    cells = {
        f"{layout.columns['owner']}{layout.first_row}": owner,
        f"{layout.columns['update']}{layout.first_row}": update,
        f"{layout.columns['evidence']}{layout.first_row}": evidence,
        f"{layout.columns['supporting_documents']}{layout.first_row}": owner,
        f"{layout.columns['rec_text']}{layout.first_row}": update,
        f"{layout.extra_columns['Notes']}{layout.first_row}": extra,
        layout.header_cells["force"]: force,
    }
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))[PLAN_SHEET]
    grid = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name(PLAN_SHEET).to_python(
        skip_empty_area=False)
    for ref, expected in cells.items():
        cell = ws[ref]
        if expected == "":
            assert cell.value is None
            continue
        assert cell.data_type == "s", (ref, expected[:40])
        assert excel_unescape(str(cell.value)) == expected or "_x" in expected  # openpyxl: no _xHHHH_ decoding
        assert grid[cell.row - 1][cell.column - 1] == expected, ref


# ------------------------------------------------------------------------------------------------ the hooks


def test_build_hooks_for_the_macro_build() -> None:
    seen: list[TemplateLayout] = []
    buffer = io.BytesIO()
    build_workbook(template_plan(), buffer, vba_project=b"not really a VBA project",
                   buttons=[TemplateButton(macro="ValidateAndSnapshot", caption="Validate and snapshot",
                                           description="checks the plan and keeps a snapshot")],
                   customise=lambda wb, layout: seen.append(layout))
    assert seen and seen[0].columns["status"] == "H"
    with zipfile.ZipFile(buffer) as archive:
        names = archive.namelist()
        assert "xl/vbaProject.bin" in names
        assert archive.read("xl/vbaProject.bin") == b"not really a VBA project"
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
        vml = b"".join(archive.read(n) for n in names if n.endswith(".vml"))
        assert b"ValidateAndSnapshot" in vml and b"Validate and snapshot" in vml
    instructions = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Instructions"]
    assert any("Validate and snapshot" in str(c.value) for row in instructions.iter_rows() for c in row)


def test_missing_vba_project_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        build_workbook(template_plan(), io.BytesIO(), vba_project=tmp_path / "vbaProject.bin")


@pytest.mark.parametrize(("force", "starts"), [
    (None, "Force Police Stalking Action Plan: in response to the Super Complaint"),
    ("Northshire Police", "Northshire Police Stalking Action Plan: in response"),
    ("Avon and Somerset Constabulary", "Avon and Somerset Constabulary Police Stalking Action Plan: in response"),
    ("  Northshire   Police ", "Northshire Police Stalking Action Plan:"),
])
def test_template_title(force: str | None, starts: str) -> None:
    title = template_title(force)
    assert title.startswith(starts)
    assert title.endswith("on behalf of the National Stalking Consortium")


# ---------------------------------------------------------------------------------------------------- the CLI


def test_cli_template(tmp_path: Path) -> None:
    out = tmp_path / "northshire.xlsx"
    result = invoke(["template", "-o", str(out), "--force", "Northshire Police",
                     "--executive-lead", "ACC Jo Bloggs"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)[PLAN_SHEET]
    assert ws["A1"].value == template_title("Northshire Police")
    assert ws["C3"].value == "Northshire Police" and ws["C4"].value == "ACC Jo Bloggs"
    again = invoke(["template", "-o", str(out)])
    assert again.exit_code == 2, again.output
    assert "already exists" in again.output


# ------------------------------------------------------------------------------ LibreOffice as a real client


def soffice(tmp_path: Path, source: Path, fmt: str) -> Path:
    exe = shutil.which("soffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    outdir = tmp_path / f"lo-{fmt}"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), str(source)],
                   check=False, capture_output=True, timeout=180)
    result = outdir / f"{source.stem}.{fmt}"
    assert result.exists(), f"LibreOffice did not convert {source.name} to {fmt}"  # it exits 0 even on failure
    return result


@pytest.mark.libreoffice
def test_libreoffice_reads_the_grid(tmp_path: Path, template_path: Path) -> None:
    import csv

    converted = soffice(tmp_path, template_path, "csv")
    rows = list(csv.reader(converted.read_text(encoding="utf-8", errors="replace").splitlines()))
    heading = next(i for i, row in enumerate(rows) if row and row[0] == COLUMNS[0].heading)
    assert rows[heading][:len(COLUMNS)] == [c.heading for c in COLUMNS]
    grid = [row for row in rows[heading + 1:] if any(row)]
    assert [row[2] for row in grid] == catalogue().evidence_ids()
    assert [row[0] for row in grid if row[0]] == catalogue().numbers()


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_status_dropdown(tmp_path: Path, template_path: Path) -> None:
    converted = soffice(tmp_path, template_path, "xlsx")
    wb = openpyxl.load_workbook(converted)
    assert STATUS_LIST_NAME in wb.defined_names
    ws = wb[PLAN_SHEET]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == STATUS_LIST_NAME
    assert f"{COL['status']}{FIRST_ROW}" in lists[0].sqref
    assert any(dv.type == "date" for dv in ws.data_validations.dataValidation)
