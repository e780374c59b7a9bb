"""The reader: the template and the grids forces really keep, and a clear refusal of everything else."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from builders import NATIONAL_HEADINGS, catalogue_rows, write_grid
from cli_run import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.errors import NoPlanFoundError, SheetsyncError, UnreadableFileError
from sheetsync.model import Action, Plan
from sheetsync.reader import Grid, plan_from_grid, read_plan
from sheetsync.text import Value


def by_id(plan: Plan) -> dict[str, Action]:
    return {action.id: action for _, action in plan.actions()}


def test_reads_national_grid_with_header_block(tmp_path: Path) -> None:
    plan = read_plan(write_grid(tmp_path / "p.xlsx", catalogue_rows()))
    assert [r.number for r in plan.recommendations] == ["7", "10", "11", "12", "13", "14", "16", "17", "18", "20",
                                                        "22", "23", "25", "27", "28"]
    assert len(plan.actions()) == 39
    assert (plan.force, plan.executive_lead, plan.operational_lead) == ("Northshire Police", "ACC Jane Doe",
                                                                        "DCI Tom Reed")
    assert plan.header_cells["force"] == "Action Plan!B2"
    first = plan.recommendations[0].actions[0]
    assert first.id == "7.1" and first.status == "In Progress" and first.date == date(2025, 3, 1)
    assert first.cells["status"] == "Action Plan!H6" and first.cells["owner"] == "Action Plan!E6"
    # rec number and text carried down to the sub-rows
    assert plan.recommendations[1].actions[4].id == "10.5"
    assert plan.recommendations[0].deadline == date(2025, 3, 27)


def test_finds_grid_by_meaning_renamed_reordered_misspelt(tmp_path: Path) -> None:
    headings = ["Status", "Rec No", "Recomendation", "Evidence requirements of progress/completion:", None,
                "Rec. Owner", "Update", "Update date", "RAG", "Notes"]
    rows = [[r[7], r[0], r[1], r[2], r[3], r[4], r[5], r[6], "Green", "n"] for r in catalogue_rows()]
    path = write_grid(tmp_path / "p.xlsx", rows, headings=headings, sheet="Plan v3", before=3, title=None,
                      extra_sheets={"Notes": [["nothing here"]]})
    plan = read_plan(path)
    action = by_id(plan)["12.2"]
    assert action.owner == "DI Sam Patel" and action.status == "In Progress"
    assert action.extra == {"RAG": "Green", "Notes": "n"}
    assert action.cells["status"].startswith("Plan v3!A")


def test_awkward_cells(tmp_path: Path) -> None:
    rows = catalogue_rows()
    rows[0][7] = "action complete "  # trailing space, wrong case
    rows[1][4] = "    "  # owner of spaces
    rows[2][2] = "10.1\n"  # id with a trailing newline
    rows[3][6] = "27/03/25"  # text date
    rows[4][6] = 45743  # serial date
    rows[5][6] = "31/02/2025"  # impossible
    rows[6][4] = 42  # number typed into a text column
    rows[7][7] = "In progress 60%"
    rows[8][5] = "<p>Policy &amp; guidance updated.</p>"
    path = write_grid(tmp_path / "p.xlsx", rows, hidden_rows=[15], formulas={"F16": "=A1&B1"}, marking_row=10)
    plan = read_plan(path)
    actions = plan.actions()
    a = [action for _, action in actions]
    assert a[0].status == "Action Complete" and a[0].status_raw == "action complete "
    assert a[1].owner is None and a[1].owners == []
    assert a[2].id == "10.1"
    assert a[3].date == date(2025, 3, 27) and a[3].date_raw == "27/03/25"
    assert a[4].date == date(2025, 3, 27)
    assert a[5].date is None and a[5].date_raw == "31/02/2025"
    assert a[6].owner == "42"
    assert a[7].status == "In Progress" and a[7].progress == 60
    assert a[8].update == "Policy & guidance updated."
    kinds = {(n.kind, n.cell) for n in plan.read_notes}
    assert ("id-trimmed", "C8") in kinds
    assert ("text-date", "G9") in kinds and ("serial-date", "G10") in kinds
    assert ("number-in-text-column", "E12") in kinds
    assert ("formula-not-calculated", "F16") in kinds
    hidden = [action for action in a if action.hidden]
    assert len(hidden) == 1 and hidden[0].cells["id"] == "Action Plan!C15"
    assert plan.protective_marking == "OFFICIAL"
    assert len(plan.actions()) == 39  # the marking line is not an action


def test_merged_rec_cells_and_merged_input_cell(tmp_path: Path) -> None:
    rows = catalogue_rows()
    rows[2][1] = None
    path = write_grid(tmp_path / "p.xlsx", rows, merges=["A8:A12", "B8:B12", "H8:H10"])
    plan = read_plan(path)
    rec10 = plan.recommendations[1]
    assert rec10.number == "10" and len(rec10.actions) == 5
    assert [a.status for a in rec10.actions[:3]] == ["In Progress"] * 3
    notes = [n for n in plan.read_notes if n.kind == "merged-input-cell"]
    assert [n.cell for n in notes] == ["H8"]


def test_id_and_text_in_one_cell_and_blank_rows(tmp_path: Path) -> None:
    rows = catalogue_rows()
    rows[4] = [None, None, "10.3 Uses the skills of local victim advocates.", None, "A", "U", None, "BAU", None]
    rows.insert(6, [None] * 9)
    plan = read_plan(write_grid(tmp_path / "p.xlsx", rows))
    action = by_id(plan)["10.3"]
    assert action.evidence == "Uses the skills of local victim advocates." and action.status == "BAU"
    assert len(plan.actions()) == 39
    assert any(n.kind == "blank-row" for n in plan.read_notes)


def test_two_update_columns_newest_wins(tmp_path: Path) -> None:
    headings = ["Rec No.", "Recomendation", "Sub recommendation", "Rec. Owner", "Initial action plan response",
                "March 2025 update"]
    rows: list[list[Value]] = [[7, "text", "7.1 Processes in place", "DI A", "First response", "Latest news"],
                               [None, None, "7.2 Alternative measures", "DI B", "Earlier", "Later"]]
    plan = read_plan(write_grid(tmp_path / "p.xlsx", rows, headings=headings))
    action = by_id(plan)["7.1"]
    assert action.update == "Latest news"
    assert action.extra == {"Initial action plan response": "First response"}
    assert action.evidence == "Processes in place" and action.status is None


def test_workbook_status_list_extends_vocabulary(tmp_path: Path) -> None:
    rows = catalogue_rows(status="At Risk")
    path = write_grid(tmp_path / "p.xlsx", rows, extra_sheets={
        "Lists": [["Status"], ["Not Started"], ["In Progress"], ["At Risk"], ["Action Complete"], ["BAU"]]})
    plan = read_plan(path)
    assert plan.status_list == ["Not Started", "In Progress", "At Risk", "Action Complete", "BAU"]
    assert plan.recommendations[0].actions[0].status == "At Risk"


def test_plan_from_grid_in_memory_with_offset() -> None:
    rows: list[list[Value]] = [["Force:", "Eastshire Constabulary"], list(NATIONAL_HEADINGS), *catalogue_rows()[:3]]
    grid = Grid(sheet="Plan", rows=rows, first_row=4, first_col=2, hidden_rows={7})
    plan = plan_from_grid(grid)
    assert plan.force == "Eastshire Constabulary"
    first = plan.recommendations[0].actions[0]
    assert first.cells["status"] == "Plan!I6"
    assert plan.recommendations[0].actions[1].hidden and not first.hidden  # sheet row 7 is 7.2


def test_input_file_is_never_written(tmp_path: Path) -> None:
    path = write_grid(tmp_path / "p.xlsx", catalogue_rows())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_plan(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# ------------------------------------------------------------------------------------------------ bad input


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is empty"),
    (b"Rec. No.\tRecommendation\n7\tBy 27 March", "not an Excel workbook"),
    (b"<html><body>plan</body></html>", "web page"),
    (b"PK\x03\x04garbage-that-is-not-a-zip" * 3, "damaged or incomplete"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600,
     "password-protected"),
])
def test_bad_files_one_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as info:
        read_plan(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_truncated_workbook(tmp_path: Path) -> None:
    good = write_grid(tmp_path / "p.xlsx", catalogue_rows()).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(UnreadableFileError):
        read_plan(path)


def test_zip_bomb_refused_without_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip({"xl/worksheets/sheet1.xml": b"\0" * (300 * 1024 * 1024)}))
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_plan(path)


def test_xml_bomb_refused(tmp_path: Path) -> None:
    good = write_grid(tmp_path / "p.xlsx", catalogue_rows())
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    members["xl/sharedStrings.xml"] = bomb
    path = tmp_path / "xmlbomb.xlsx"
    path.write_bytes(_zip(members))
    with pytest.raises(UnreadableFileError, match="DTD"):
        read_plan(path)


def test_workbook_without_plan(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Amount"])  # type: ignore[union-attr]
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(NoPlanFoundError, match="no plan grid"):
        read_plan(tmp_path / "other.xlsx")


def test_cli_show_json_keys_and_exit_codes(tmp_path: Path) -> None:
    import json

    path = write_grid(tmp_path / "p.xlsx", catalogue_rows())
    result = invoke(["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["title", "force", "executive_lead", "operational_lead", "protective_marking",
                          "recommendations"]
    rec = data["recommendations"][0]
    assert list(rec) == ["number", "text", "deadline", "actions"] and rec["deadline"] == "2025-03-27"
    assert list(rec["actions"][0]) == ["id", "evidence", "owner", "owners", "update", "date", "date_raw", "status",
                                       "status_raw", "progress", "supporting_documents", "extra", "cells", "hidden"]
    text = invoke(["show", str(path)])
    assert text.exit_code == 0 and "Recommendation 7 (deadline 27 Mar 2025)" in text.output
    (tmp_path / "junk.xlsx").write_bytes(b"\x00\x01junk")
    bad = invoke(["show", str(tmp_path / "junk.xlsx")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert "junk.xlsx" in bad.output and len(bad.output.strip().splitlines()) == 1


cell_values = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**6, 10**6),
                        st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                        st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(cell_values, max_size=12), max_size=25), st.integers(0, 3))
def test_arbitrary_grids_read_or_refuse_cleanly(rows: list[list[object]], where: int) -> None:
    grid_rows: list[list[object]] = [list(r) for r in rows]
    grid_rows.insert(min(where, len(grid_rows)), list(NATIONAL_HEADINGS))
    try:
        plan = plan_from_grid(Grid(sheet="S", rows=grid_rows))  # type: ignore[arg-type]
    except SheetsyncError:
        return
    for _, action in plan.actions():
        assert isinstance(action.id, str)
        assert action.status is None or action.status in {"Not Started", "In Progress", "Action Complete", "BAU",
                                                          "Not Applicable"}


def test_the_reader_builds_exactly_typed_records(tmp_path: Path) -> None:
    """The reader builds plain records without pydantic: each value is of its field's declared type (pydantic's
    strict check agrees), and the plan comes back equal through its canonical JSON."""
    from test_model import assert_strict

    from sheetsync.model import Plan

    plan = read_plan(write_grid(tmp_path / "p.xlsx", catalogue_rows()))
    assert_strict(plan)
    again = Plan.from_canonical(plan.canonical_json())
    for (_, ours), (_, theirs) in zip(plan.actions(), again.actions(), strict=True):
        assert ours == theirs


def test_local_recommendation_is_its_own(tmp_path: Path) -> None:
    rows = catalogue_rows()[:3]
    rows.append(["L1", "Local: a stalking champion in every neighbourhood team.", "L1.1", "Champions named",
                 "Insp Lee", "Twelve champions trained.", date(2025, 2, 1), "Action Complete", None])
    plan = read_plan(write_grid(tmp_path / "p.xlsx", rows))
    local = plan.recommendations[-1]
    assert local.number == "L1" and local.deadline is None
    assert [a.id for a in local.actions] == ["L1.1"]


def test_national_update_column_beats_earlier_dated_ones(tmp_path: Path) -> None:
    headings = [*NATIONAL_HEADINGS, "Initial action plan response"]
    rows = [[*r, "Earlier text"] for r in catalogue_rows()[:2]]
    plan = read_plan(write_grid(tmp_path / "p.xlsx", rows, headings=headings))
    action = plan.recommendations[0].actions[0]
    assert action.update == "Work is under way and on track. (7.1)"
    assert action.extra == {"Initial action plan response": "Earlier text"}


def test_newest_dated_update_column_wins_whatever_the_order(tmp_path: Path) -> None:
    headings = ["Rec No.", "Recommendation", "Sub recommendation", "Owner", "March 2025 update",
                "November 2024 update"]
    rows = [[7, "text", "7.1 Processes", "DI A", "Newer", "Older"]]
    action = read_plan(write_grid(tmp_path / "p.xlsx", rows, headings=headings)).recommendations[0].actions[0]
    assert action.update == "Newer" and action.extra == {"November 2024 update": "Older"}


def test_read_notes_hold_their_types(tmp_path: Path) -> None:
    """Every kind of read note the reader makes holds exactly its declared types."""
    from test_model import assert_strict

    rows = [[*row, None] for row in catalogue_rows()]
    rows[2][2] = "10.1\n"  # id-trimmed
    rows[3][6] = "27/03/25"  # text-date
    rows[4][6] = 45743  # serial-date
    rows[6][4] = 42  # number-in-text-column
    rows[9][9] = "see email"  # value-under-no-header
    rows.insert(12, [None] * 10)  # blank-row
    path = write_grid(tmp_path / "p.xlsx", rows, headings=[*NATIONAL_HEADINGS, None], formulas={"F16": "=A1&B1"},
                      merges=["H8:H10"])
    plan = read_plan(path)
    kinds = {note.kind for note in plan.read_notes}
    assert kinds == {"id-trimmed", "text-date", "serial-date", "number-in-text-column", "value-under-no-header",
                     "blank-row", "formula-not-calculated", "merged-input-cell"}
    for note in plan.read_notes:
        assert_strict(note)


_TEXT_PIECES = ["a", "Z", " ", "  ", "<p>", "</p>", "<br/>", "&amp;", "&", "<", "\r\n", "\n", "\t", "\u00a0",
                "\u2007", "\u202f", "\0", "é", "€"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(cell_values, st.lists(st.sampled_from(_TEXT_PIECES), max_size=8).map("".join)),
                max_size=12))
def test_clean_texts_is_clean_text_of_each_cell(values: list[object]) -> None:
    from sheetsync.text import clean_text, clean_texts

    assert clean_texts(values) == [clean_text(v) for v in values]  # type: ignore[arg-type]


def test_a_grid_of_uncalculated_formulas_is_named_as_such(tmp_path: Path) -> None:
    """Formulas written by a program and never calculated read as blanks: say so, not "no recommendation rows"."""
    rows = [[None] * 9 for _ in range(3)]
    formulas = {f"{col}{row}": f"=Source!{col}{row}" for row in (6, 7, 8) for col in "ABCDEFGH"}
    path = write_grid(tmp_path / "p.xlsx", rows, formulas=formulas)
    with pytest.raises(NoPlanFoundError) as caught:
        read_plan(path)
    message = str(caught.value)
    assert "the cells under them are formulas that have never been calculated (A6, B6, C6, D6, E6 and 19 more)" \
        in message and "let it calculate" in message
