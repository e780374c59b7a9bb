"""The owners' round end to end on the sample plan: split, owners edit, merge; and the CLI around it."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from cli_run import invoke
from round_builders import edit_workbook, sample_workbook

from sheetsync.errors import ConfigError
from sheetsync.model import Action, Plan
from sheetsync.package import Package
from sheetsync.reader import read_plan
from sheetsync.round.merge import merge_returns
from sheetsync.round.report import MergeResult
from sheetsync.round.split import split_plan
from sheetsync.round.stamp import read_stamp, row_hash


@dataclass(frozen=True)
class Round:
    tmp: Path
    result: MergeResult
    first: int
    second: int


def rows(plan: Plan) -> dict[str, Action]:
    return {action.id: action for _, action in plan.actions()}


def raw_members(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(BytesIO(data))
    infos = sorted(archive.infolist(), key=lambda i: i.header_offset)
    central = data.rfind(b"PK\x05\x06")
    central = int.from_bytes(data[central + 16:central + 20], "little")
    bounds = [*(i.header_offset for i in infos[1:]), central]
    return {info.filename: data[info.header_offset:end] for info, end in zip(infos, bounds, strict=True)}


# ------------------------------------------------------------------------------------------------------- split


def test_split_writes_one_stamped_return_per_owner(tmp_path: Path) -> None:
    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    before = plan_path.read_bytes()
    result = split_plan(plan_path, output=tmp_path / "returns")
    assert plan_path.read_bytes() == before  # the plan is only read
    names = {sent.owner: sent for sent in result.returns}
    assert set(names) == {"DCI Rachel Okafor", "Det Supt Owen Pryce", "DI Priya Nandra", "DS Mark Ellery",
                          "Insp Claire Dunmore", "Legal Services", "Ms Dana Whitfield", "Ms Helen Cartwright",
                          "Paula Grant", "Supt Gareth Lowe", "Unassigned"}
    # A cell naming two owners gives each of them the row; addressee defaults and blanks go to the lead.
    assert "10.3" in names["Insp Claire Dunmore"].rows and names["Paula Grant"].rows == ["10.3"]
    assert "13.2" in names["Legal Services"].rows and "13.2" in names["DS Mark Ellery"].rows
    assert names["Unassigned"].rows == result.unassigned == ["12.4", "16.1", "22.1", "25.2", "27.1"]
    plan = read_plan(plan_path)
    for sent in result.returns:
        path = Path(sent.file)
        assert path.parent == tmp_path / "returns" and path.suffix == ".xlsx"
        data = path.read_bytes()
        stamp = read_stamp(data)
        assert stamp is not None
        assert (stamp.owner, stamp.base_snapshot, stamp.force) == (sent.owner, result.snapshot, "Wessex Vale Police")
        assert stamp.plan_file == "plan.xlsx" and stamp.plan_key == "plan|wessex vale police"
        back = rows(read_plan(path))
        assert list(back) == sent.rows
        # Each row reads back exactly as sent, and its hash is the one in the stamp.
        for action_id, digest in stamp.rows:
            assert row_hash(back[action_id]) == digest == row_hash(rows(plan)[action_id])
    assert "DCI Rachel Okafor" in result.describe() and "12.4, 16.1" in result.describe()


def test_return_workbook_is_the_national_grid(tmp_path: Path) -> None:
    import openpyxl

    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    result = split_plan(plan_path, output=tmp_path / "returns", owners=["Okafor"])
    assert [sent.owner for sent in result.returns] == ["DCI Rachel Okafor"]
    book = openpyxl.load_workbook(result.returns[0].file)
    assert book["SheetsyncStamp"].sheet_state == "veryHidden"
    assert book.sheetnames == ["Action Plan", "Lists", "SheetsyncStamp"]  # its own instructions, no long sheet
    ws = book["Action Plan"]
    assert ws.protection.sheet
    assert ws["C8"].protection.locked and ws["D8"].protection.locked  # catalogue columns
    assert not ws["F8"].protection.locked and not ws["H8"].protection.locked  # update, status
    assert str(ws["F2"].value).startswith("Your return for DCI Rachel Okafor: 2 rows (7.1, 7.2).")
    assert not read_plan(result.returns[0].file).read_notes  # the instructions are not mistaken for plan cells
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == "StatusList"
    assert any(dv.type == "date" for dv in ws.data_validations.dataValidation)
    assert ws.oddHeader is not None and "OFFICIAL" in (ws.oddHeader.center.text or "")


def test_split_refuses_an_unknown_owner_and_existing_files(tmp_path: Path) -> None:
    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    with pytest.raises(ConfigError, match="no owner called 'Nobody'"):
        split_plan(plan_path, output=tmp_path / "r", owners=["Nobody"])
    with pytest.raises(ConfigError, match=r"plan\.xlsx: is a file; split writes the returns into a folder"):
        split_plan(plan_path, output=plan_path)
    split_plan(plan_path, output=tmp_path / "r", owners=["Grant"])
    from sheetsync.errors import OutputExistsError

    with pytest.raises(OutputExistsError, match=r"already holds Paula Grant\.xlsx"):
        split_plan(plan_path, output=tmp_path / "r", owners=["Grant"])
    again = split_plan(plan_path, output=tmp_path / "r", owners=["Grant", "unassigned"], overwrite=True)
    assert [s.owner for s in again.returns] == ["Paula Grant", "Unassigned"]
    assert not again.snapshot_saved  # the plan did not change: the same base


# ------------------------------------------------------------------------------------------- the whole round


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Round:
    """Eight owners' returns on the sample plan, as a real round goes wrong:

    Okafor edits cleanly; Dunmore also changes a row she was not sent; Ellery returns twice; Nandra sends the
    return from the round before; Cartwright and the lead both change 14.5; Lowe types a status off the list and
    a date as text; Pryce sends his back unedited; Whitfield never returns. A file from another force, and a
    file with no stamp, are refused.
    """
    tmp = tmp_path_factory.mktemp("round")
    plan_path = sample_workbook(tmp / "plan.xlsx")
    first = split_plan(plan_path, output=tmp / "round1")
    edit_workbook(plan_path, plan_path, {"18.2": {"update": "Lead: March figures added."}})
    second = split_plan(plan_path, output=tmp / "round2")
    edit_workbook(plan_path, plan_path, {"14.5": {"update": "Lead: ISAC contract signed."}})
    r1 = {Path(s.file).stem: Path(s.file) for s in first.returns}
    r2 = {Path(s.file).stem: Path(s.file) for s in second.returns}
    back = tmp / "back"
    back.mkdir()
    files = [
        edit_workbook(r2["DCI Rachel Okafor"], back / "okafor.xlsx", {
            "7.1": {"update": "Audit repeated in April.", "status": "In Progress 75%", "date": date(2025, 4, 2)}}),
        edit_workbook(r2["Insp Claire Dunmore"], back / "dunmore.xlsx", {
            "10.1": {"update": "All response officers trained."}}),
        edit_workbook(r2["DS Mark Ellery"], back / "ellery-second.xlsx", {"10.4": {"update": "Second thoughts."}},
                      saved=datetime.now(UTC) + timedelta(hours=2)),
        edit_workbook(r2["DS Mark Ellery"], back / "ellery-first.xlsx", {"10.4": {"update": "First go."},
                                                                         "12.3": {"update": "Only in the first."}},
                      saved=datetime.now(UTC) + timedelta(hours=1)),
        edit_workbook(r1["DI Priya Nandra"], back / "nandra-old-round.xlsx", {"12.1": {"update": "DASH refreshed."}}),
        edit_workbook(r2["Ms Helen Cartwright"], back / "cartwright.xlsx", {
            "14.5": {"update": "Cartwright: contract out to tender."}, "14.4": {"supporting_documents": "VC audit"}}),
        edit_workbook(r2["Supt Gareth Lowe"], back / "lowe.xlsx", {
            "11.3": {"status": "Green", "date": "end of April"}}),
        r2["Det Supt Owen Pryce"],
    ]
    # Dunmore pastes in a row she was not sent (Nandra's 12.1) and changes it.
    pasted = back / "dunmore.xlsx"
    package = Package.open(pasted)
    plan = read_plan(pasted)
    assert plan.sheet is not None
    last = max(int(ref.rpartition("!")[2][1:]) for _, a in plan.actions() for ref in a.cells.values())
    package.set_cells(plan.sheet, {f"C{last + 1}": "12.1", f"F{last + 1}": "Dunmore's view of 12.1"})
    pasted.write_bytes(package.to_bytes())
    # A return for another force, and a plain workbook.
    foreign = Package.open(r2["Legal Services"])
    foreign.set_cells("SheetsyncStamp", {"B5": "Kent Police"})
    files.append(tmp / "kent.xlsx")
    files[-1].write_bytes(foreign.to_bytes())
    files.append(plan_path)
    before = plan_path.read_bytes()
    result = merge_returns(plan_path, files, output=tmp / "merged.xlsx", snapshot=True)
    assert plan_path.read_bytes() == before
    return Round(tmp, result, first.snapshot, second.snapshot)


def test_clean_edits_are_taken(done: Round) -> None:
    tmp = done.tmp
    merged = rows(read_plan(tmp / "merged.xlsx"))
    assert merged["7.1"].update == "Audit repeated in April."
    assert (merged["7.1"].status, merged["7.1"].progress, merged["7.1"].date) == ("In Progress", 75, date(2025, 4, 2))
    assert merged["10.1"].update == "All response officers trained."
    assert merged["14.4"].supporting_documents == "VC audit"


def test_a_conflict_keeps_the_plan_and_reports_both(done: Round) -> None:
    tmp, result = done.tmp, done.result
    merged = rows(read_plan(tmp / "merged.xlsx"))
    assert merged["14.5"].update == "Lead: ISAC contract signed."
    [conflict] = result.conflicts
    assert (conflict.id, conflict.field, conflict.ours, conflict.theirs, conflict.file, conflict.ours_from) == (
        "14.5", "update", "Lead: ISAC contract signed.", "Cartwright: contract out to tender.", "cartwright.xlsx",
        "plan")
    assert conflict.cell == "Action Plan!F29"


def test_two_returns_from_one_owner_the_newer_wins(done: Round) -> None:
    tmp, result = done.tmp, done.result
    merged = rows(read_plan(tmp / "merged.xlsx"))
    assert merged["10.4"].update == "Second thoughts."
    assert merged["12.3"].update != "Only in the first."
    states = {r.file: r.state for r in result.returns}
    assert states["ellery-second.xlsx"] == "merged" and states["ellery-first.xlsx"] == "superseded"


def test_a_return_from_an_older_round_merges_against_its_own_base(
        done: Round) -> None:
    tmp, result = done.tmp, done.result
    merged = rows(read_plan(tmp / "merged.xlsx"))
    assert merged["12.1"].update == "DASH refreshed."
    # Nandra's old return still holds 18.2 as it was before the lead changed it: that is not an edit of hers.
    assert merged["18.2"].update == "Lead: March figures added."
    read = {r.file: r for r in result.returns}
    assert read["nandra-old-round.xlsx"].base_snapshot == done.first
    assert read["okafor.xlsx"].base_snapshot == done.second


def test_edits_that_are_reported_not_applied(done: Round) -> None:
    tmp, result = done.tmp, done.result
    merged = rows(read_plan(tmp / "merged.xlsx"))
    kinds = {(i.kind, i.file, i.id) for i in result.ignored}
    assert ("row-not-sent", "dunmore.xlsx", "12.1") in kinds
    assert merged["12.1"].update == "DASH refreshed."  # Nandra's, not Dunmore's
    assert ("superseded-return", "ellery-first.xlsx", None) in kinds
    refused = {r.file: r.reason for r in result.returns if r.state == "refused"}
    assert set(refused) == {"kent.xlsx", "plan.xlsx"}
    assert "a return for Kent Police, not Wessex Vale Police" in str(refused["kent.xlsx"])
    assert "has no sheetsync stamp" in str(refused["plan.xlsx"])


def test_status_off_the_list_is_kept_as_typed(done: Round) -> None:
    tmp = done.tmp
    merged = rows(read_plan(tmp / "merged.xlsx"))
    assert (merged["11.3"].status, merged["11.3"].status_raw) == (None, "Green")
    assert (merged["11.3"].date, merged["11.3"].date_raw) == (None, "end of April")


def test_summary_names_who_sent_nothing(done: Round) -> None:
    result = done.result
    missing = {n.owner for n in result.not_returned}
    assert missing == {"Ms Dana Whitfield", "Legal Services", "Paula Grant"}
    text = result.describe()
    assert "no return from:" in text and "Ms Dana Whitfield (2 rows)" in text
    assert result.exit_code == 1
    assert result.snapshot is not None


def test_only_the_changed_cells_move(done: Round) -> None:
    tmp, result = done.tmp, done.result
    plan_path, out = tmp / "plan.xlsx", tmp / "merged.xlsx"
    old, new = raw_members(plan_path.read_bytes()), raw_members(out.read_bytes())
    assert list(old) == list(new)
    assert {name for name in old if old[name] != new[name]} == {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}
    # The merged plan is the plan with exactly the updated fields changed.
    ours, merged = rows(read_plan(plan_path)), rows(read_plan(out))
    touched = {(u.id, u.field) for u in result.updated}
    fields = ("update", "date", "status", "progress", "supporting_documents")
    for action_id, action in ours.items():
        for field in ("evidence", "owner", *fields):
            if (action_id, field) not in touched and not (field == "status" and (action_id, "progress") in touched):
                assert getattr(merged[action_id], field) == getattr(action, field), (action_id, field)
    cells = {u.cell for u in result.updated}
    assert len(cells) == len([u for u in result.updated if u.field != "progress"
                              or (u.id, "status") not in touched])


@pytest.mark.libreoffice
def test_libreoffice_opens_the_merged_plan(done: Round) -> None:
    import shutil
    import subprocess

    tmp = done.tmp
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
        return
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "csv", "--outdir", str(tmp / "lo"), str(tmp / "merged.xlsx")],
                   check=False, capture_output=True, timeout=180)
    converted = tmp / "lo" / "merged.csv"
    assert converted.exists(), "LibreOffice did not open the merged plan"
    assert "All response officers trained." in converted.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------------- CLI


def test_cli_split_and_merge(tmp_path: Path) -> None:
    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    split = invoke(["split", str(plan_path), "-o", str(tmp_path / "r"), "--json"])
    assert split.exit_code == 0, split.output
    sent = json.loads(split.output)
    assert set(sent) == {"plan", "folder", "snapshot", "snapshot_saved", "owners", "returns", "unassigned"}
    files = [r["file"] for r in sent["returns"]]
    clean = invoke(["merge", str(plan_path), *files, "-o", str(tmp_path / "out.xlsx")])
    assert clean.exit_code == 0, clean.output
    assert "11 of 11 returns merged; 0 rows updated" in clean.output
    assert read_plan(tmp_path / "out.xlsx").canonical() == read_plan(plan_path).canonical()
    edited = edit_workbook(Path(files[0]), tmp_path / "edited.xlsx", {"7.1": {"update": "Done."}})
    dry = invoke(["merge", str(plan_path), str(edited), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.output)
    assert set(data) == {"plan", "output", "dry_run", "returns", "rows_updated", "updated", "conflicts", "ignored",
                         "not_returned", "snapshot", "merged", "exit_code"}
    assert [(u["id"], u["field"], u["new"]) for u in data["updated"]] == [("7.1", "update", "Done.")]
    assert not (tmp_path / "out2.xlsx").exists()


def test_cli_merge_refusals(tmp_path: Path) -> None:
    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["Grant"])
    # The base snapshot is in another store: refused, and with nothing merged the exit code is 2.
    other = invoke(["merge", str(plan_path), sent.returns[0].file, "-o", str(tmp_path / "o.xlsx"),
                    "--store", str(tmp_path / "elsewhere.db")])
    assert other.exit_code == 2, other.output
    assert "refused: Paula Grant.xlsx: its base, snapshot 1, cannot be loaded" in other.output
    assert not (tmp_path / "o.xlsx").exists()
    missing = invoke(["merge", str(plan_path), str(tmp_path / "nope.xlsx"), "--dry-run"])
    assert missing.exit_code == 2 and "file not found" in missing.output
    no_out = invoke(["merge", str(plan_path), sent.returns[0].file])
    assert no_out.exit_code == 2 and no_out.output.startswith("error: name the merged workbook")
    into_plan = invoke(["merge", str(plan_path), sent.returns[0].file, "-o", str(plan_path)])
    assert into_plan.exit_code == 2 and "never writes over a user's workbook" in into_plan.output
    assert "Traceback" not in into_plan.output + missing.output + other.output


def test_a_date_in_a_blank_unformatted_cell_shows_as_a_date(tmp_path: Path) -> None:
    import openpyxl
    from builders import catalogue_rows, write_grid

    rows_in = catalogue_rows()
    rows_in[0][6] = None  # 7.1 has no date: openpyxl writes no cell at all there
    plan_path = write_grid(tmp_path / "plan.xlsx", rows_in)
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["DI Sam Patel"])
    edited = edit_workbook(Path(sent.returns[0].file), tmp_path / "back.xlsx", {"7.1": {"date": date(2025, 4, 2)}})
    result = merge_returns(plan_path, [edited, edited], output=tmp_path / "out.xlsx")
    assert [(u.id, u.field, u.new) for u in result.updated] == [("7.1", "date", "2025-04-02")]
    assert [r.file for r in result.returns] == ["back.xlsx"]  # one file named twice is one return
    cells = rows(read_plan(plan_path))
    date_cell = cells["7.1"].cells["date"].rpartition("!")[2]
    model = cells["7.2"].cells["date"].rpartition("!")[2]
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Action Plan"]
    assert sheet[date_cell].value == datetime(2025, 4, 2)  # a date format, as the column's other dates have
    assert sheet[date_cell].number_format == sheet[model].number_format
    merged = read_plan(tmp_path / "out.xlsx")
    assert rows(merged)["7.1"].date == date(2025, 4, 2)
    assert not [note for note in merged.read_notes if note.kind == "serial-date"]


def test_a_return_for_another_plan_is_refused(tmp_path: Path) -> None:
    import shutil

    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["Grant"])
    other = tmp_path / "other.xlsx"
    shutil.copy(plan_path, other)
    result = merge_returns(other, [sent.returns[0].file], output=tmp_path / "out.xlsx")
    assert result.exit_code == 2 and not (tmp_path / "out.xlsx").exists()
    assert result.returns[0].reason is not None
    assert result.returns[0].reason.startswith("is a return for the plan 'plan.xlsx', not 'other.xlsx'")


def test_the_return_offers_the_plans_own_statuses(tmp_path: Path) -> None:
    from sheetsync.template import write_plan_workbook

    plan = read_plan(sample_workbook(tmp_path / "sample.xlsx"))
    plan.status_list = ["Not Started", "In Progress", "At Risk", "Action Complete", "BAU"]
    plan_path = write_plan_workbook(plan, tmp_path / "plan.xlsx")
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["Okafor"])
    assert read_plan(sent.returns[0].file).status_list == plan.status_list


def test_rows_added_deleted_renumbered_and_gone_are_reported(tmp_path: Path) -> None:
    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["Ellery"])
    path = Path(sent.returns[0].file)
    back = read_plan(path)
    assert back.sheet is not None
    cells = {a.id: {f: ref.rpartition("!")[2] for f, ref in a.cells.items()} for _, a in back.actions()}
    package = Package.open(path)
    last = max(int(ref[1:]) for fields in cells.values() for ref in fields.values())
    package.set_cells(back.sheet, {
        cells["10.4"]["id"]: "10.9",  # renumbered
        **{ref: None for ref in cells["11.2"].values()},  # the whole row cleared: deleted
        f"C{last + 1}": "10.8", f"D{last + 1}": "A new idea", f"F{last + 1}": "Added by Ellery",  # added
        cells["12.3"]["update"]: "Ellery's update to a row the lead has since removed",
        cells["13.1"]["evidence"]: "Reworded evidence", cells["13.1"]["owner"]: "DS Kim Lee",
    })
    edited = tmp_path / "ellery.xlsx"
    edited.write_bytes(package.to_bytes())
    # The lead removes 12.3 from the plan after the split.
    ours = read_plan(plan_path)
    row_123 = {f: ref.rpartition("!")[2] for f, ref in rows(ours)["12.3"].cells.items()}
    lead = Package.open(plan_path)
    lead.set_cells("Action Plan", {ref: None for ref in row_123.values()})
    plan_path.write_bytes(lead.to_bytes())
    result = merge_returns(plan_path, [edited], output=tmp_path / "out.xlsx")
    kinds = sorted((i.kind, i.id or "", i.field or "") for i in result.ignored)
    assert kinds == [("id-changed", "10.4", "id"), ("locked-column", "13.1", "evidence"),
                     ("owner-changed", "13.1", "owner"), ("row-added", "10.8", ""), ("row-deleted", "11.2", ""),
                     ("row-gone", "12.3", "")]
    assert result.updated == [] and result.exit_code == 1
    merged = rows(read_plan(tmp_path / "out.xlsx"))
    assert merged["13.1"].owner == "DS Mark Ellery" and "10.8" not in merged and "10.9" not in merged
    assert merged["11.2"].update == rows(ours)["11.2"].update


def test_a_macro_enabled_plan_keeps_its_vba_project_byte_for_byte(tmp_path: Path) -> None:
    from sheetsync.excel.build import build_xlsm

    plan_path = build_xlsm(tmp_path / "ActionPlan.xlsm", from_plan=sample_workbook(tmp_path / "sample.xlsx"))
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["Okafor"])
    edited = edit_workbook(Path(sent.returns[0].file), tmp_path / "back.xlsx", {"7.2": {"update": "Checked."}})
    result = merge_returns(plan_path, [edited], output=tmp_path / "merged.xlsm")
    assert result.exit_code == 0, result.describe()
    old, new = raw_members(plan_path.read_bytes()), raw_members((tmp_path / "merged.xlsm").read_bytes())
    assert "xl/vbaProject.bin" in old and old["xl/vbaProject.bin"] == new["xl/vbaProject.bin"]
    assert {name for name in old if old[name] != new[name]} == {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}
    assert rows(read_plan(tmp_path / "merged.xlsm"))["7.2"].update == "Checked."


@pytest.mark.libreoffice
def test_a_return_saved_by_libreoffice_merges_only_its_edit(tmp_path: Path) -> None:
    import shutil
    import subprocess

    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
        return
    plan_path = sample_workbook(tmp_path / "plan.xlsx")
    sent = split_plan(plan_path, output=tmp_path / "r", owners=["Ellery"])
    (tmp_path / "edited").mkdir()
    edited = edit_workbook(Path(sent.returns[0].file), tmp_path / "edited" / "ellery.xlsx",
                           {"12.3": {"update": "Saved again by another program."}})
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(edited)],
                   check=False, capture_output=True, timeout=180)
    resaved = tmp_path / "lo" / "ellery.xlsx"
    assert resaved.exists(), "LibreOffice did not save the return"
    result = merge_returns(plan_path, [resaved], output=tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.describe()
    assert [(u.id, u.field) for u in result.updated] == [("12.3", "update")]
