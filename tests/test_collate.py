"""`sheetsync collate`: many forces' returns in any shape, one plan per force, the national outputs."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke
from import_helpers import FIXTURES

from sheetsync.collate import RAG_RULE, Roster, collate, force_key, own_output, write_collation
from sheetsync.errors import ConfigError

SAMPLE = Path(__file__).resolve().parent.parent / "sheetsync" / "samples" / "wessex-vale-plan-2025-03.txt"
AS_OF = date(2025, 4, 1)  # after most deadlines (27 March 2025), before recommendation 22's (27 September 2025)


def _plan(folder: Path, name: str, force: str | None, *, status: str = "In Progress",
          when: date = date(2025, 3, 1)) -> Path:
    return write_grid(folder / name, catalogue_rows(status=status, when=when), force=force,
                      title=f"{force or 'Our'} Stalking Action Plan" if force else None)


def _run(*args: str) -> Any:
    result = invoke(["collate", *args])
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------------------------------------------- roster


@pytest.mark.parametrize("written", ["Avon & Somerset Constabulary", "Avon and Somerset Police",
                                     "avon and somerset police", "AVON & SOMERSET CONSTABULARY", "ASC"])
def test_roster_matches_the_variants_people_write(written: str) -> None:
    assert Roster.load().match(written) == "Avon and Somerset Constabulary"


def test_roster_is_the_44_forces() -> None:
    roster = Roster.load()
    assert len(roster.forces) == 44 and roster.forces[-1] == "British Transport Police"
    assert roster.match("Heddlu Gwent") == "Gwent Police" and roster.match("Met Police") == (
        "Metropolitan Police Service")
    assert roster.match("Devon & Cornwall Police") == "Devon and Cornwall Police"
    assert roster.match("Wessex Vale Police") is None
    assert force_key("West Midlands Police") != force_key("West Mercia Police")


def test_roster_file_replaces_the_packaged_one(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("force,variants\nNorthshire Police,Northshire Constabulary;NSP\nEastshire Police\n")
    _plan(tmp_path, "n.xlsx", "NSP")
    result = collate([tmp_path / "n.xlsx"], roster=roster, as_of=AS_OF)
    assert [r.force for r in result.returns] == ["Northshire Police"] and result.missing == ("Eastshire Police",)
    bad = tmp_path / "bad.csv"
    bad.write_text("A Police,Shared\nB Police,Shared\n")
    with pytest.raises(ConfigError, match="also a name of A Police"):
        collate([], roster=bad)


# ------------------------------------------------------------------------------------------- what counts


def test_same_file_twice_counts_once(tmp_path: Path) -> None:
    a = _plan(tmp_path, "a.xlsx", "Kent Police")
    result = _run(str(a), str(a), str(tmp_path), "-o", str(tmp_path / "out" / "n.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "n.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 39, result.output
    assert "skipped: the same file as" in result.output


def test_copy_under_another_name_counts_once(tmp_path: Path) -> None:
    a = _plan(tmp_path, "a.xlsx", "Kent Police")
    shutil.copy(a, tmp_path / "a copy.xlsx")
    result = collate([tmp_path], as_of=AS_OF)
    assert len(result.returns) == 1
    assert [f.outcome for f in result.files] == ["counted", "skipped"]
    assert "the same content as" in result.files[1].reason


def test_rerun_in_the_same_folder_skips_its_own_outputs(tmp_path: Path) -> None:
    for name, force in (("kent.xlsx", "Kent Police"), ("essex.xlsx", "Essex Police"), ("surrey.xlsx", "Surrey")):
        _plan(tmp_path, name, force)
    inputs = sorted(str(p) for p in tmp_path.glob("*.xlsx"))
    _run(*inputs, "-o", str(tmp_path / "national.xlsx"), "--as-of", "2025-04-01")
    _run(*inputs, "-o", str(tmp_path / "national.html"), "--as-of", "2025-04-01")
    again = _run(*sorted(str(p) for p in tmp_path.glob("*.xlsx")), str(tmp_path / "national.html"), "-o",
                 str(tmp_path / "national.csv"), "--as-of", "2025-04-01")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "national.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 3 * 39 and all(r["force"] for r in rows), again.output
    assert again.output.count("a national table written by sheetsync collate") == 2
    third = collate([tmp_path], as_of=AS_OF)
    assert len(third.returns) == 3 and sum(f.outcome == "skipped" for f in third.files) == 3


def test_sheetsync_reports_are_not_returns(tmp_path: Path) -> None:
    from sheetsync.report import render_report

    plan = _plan(tmp_path, "kent.xlsx", "Kent Police")
    for fmt in ("docx", "xlsx", "html", "md"):
        render_report(plan, format=fmt, output=tmp_path / f"update.{fmt}", as_of=AS_OF)
    result = collate([tmp_path], as_of=AS_OF)
    assert [r.force for r in result.returns] == ["Kent Police"]
    skipped = {Path(f.path).name: f.reason for f in result.files if f.outcome == "skipped"}
    assert set(skipped) == {"update.docx", "update.xlsx", "update.html", "update.md"}
    assert all("written by sheetsync report" in reason for reason in skipped.values()), skipped


def test_no_plan_and_several_forces_are_skipped_with_a_reason(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "narrative.html", tmp_path / "narrative.html")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    table = tmp_path / "regional.csv"
    table.write_text("Force,Rec No,Evidence ID,Evidence,Owner,Update,Status\n"
                     "Kent Police,7,7.1,Processes,DI A,Done,Action Complete\n"
                     "Essex Police,7,7.1,Processes,DI B,Started,In Progress\n", encoding="utf-8")
    result = collate([tmp_path], as_of=AS_OF)
    assert result.returns == ()
    reasons = {Path(f.path).name: f.reason for f in result.files}
    assert "no plan" in reasons["narrative.html"]
    assert "not a shape sheetsync reads" in reasons["photo.png"]
    assert reasons["regional.csv"].startswith("a table of several forces (Essex Police, Kent Police)")


def test_unnamed_plan_counted_under_its_file_name(tmp_path: Path) -> None:
    _plan(tmp_path, "return-from-gwent.xlsx", None)
    result = collate([tmp_path], as_of=AS_OF)
    assert [r.force for r in result.returns] == ["return-from-gwent"]
    assert "no force name in the file" in result.files[0].describe()


def test_one_plan_per_force_newest_kept(tmp_path: Path) -> None:
    old = _plan(tmp_path, "kent-march.xlsx", "Kent Police", when=date(2025, 3, 1))
    new = _plan(tmp_path, "kent-june.xlsx", "Kent Constabulary", status="Action Complete", when=date(2025, 6, 1))
    for order in ([old, new], [new, old]):
        result = collate(order, as_of=AS_OF)
        assert len(result.returns) == 1 and result.returns[0].source == str(new)
        superseded = [f for f in result.files if f.outcome == "superseded"]
        assert [f.path for f in superseded] == [str(old)]
        assert "more recent (updates to 2025-06-01 against updates to 2025-03-01)" in superseded[0].reason


def test_other_shapes_are_imported_in_memory(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "wessex.txt")
    shutil.copy(FIXTURES / "moorland_word_table.docx", tmp_path / "moorland.docx")
    shutil.copy(FIXTURES / "marshfield_reduced.md", tmp_path / "marshfield.md")
    result = collate([tmp_path], as_of=AS_OF)
    read = {r.force: (r.read_as, len(r.plan.actions())) for r in result.returns}
    assert read == {"Wessex Vale Police": ("text (text-grid)", 39), "Moorland Police": ("docx (table)", 4),
                    "Marshfield Police": ("markdown (table)", 4)}
    assert len(result.missing) == 44


# ------------------------------------------------------------------------------------------------ outputs


def _national(tmp_path: Path) -> Path:
    _plan(tmp_path, "kent.xlsx", "Kent Police", status="Action Complete")
    rows = catalogue_rows(status="In Progress")
    rows[0][7] = "Compelte"
    write_grid(tmp_path / "essex.xlsx", rows, force="Essex Police")
    write_grid(tmp_path / "evil.xlsx", catalogue_rows(status="BAU"), force="@SUM(1+1)*cmd|' /C calc'!A0 <b>")
    return tmp_path


def test_workbook_sheets(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "out" / "national.xlsx"
    write_collation([_national(tmp_path)], out, as_of=AS_OF)
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine", header=None)
    assert list(sheets) == ["Plans", "By force", "Matrix", "Data quality", "Missing returns", "Files"]
    plans = pd.read_excel(out, sheet_name="Plans", engine="calamine", dtype={"action": str, "recommendation": str})
    assert len(plans) == 3 * 39 and set(plans["rag"]) == {"Red", "Amber", "Green"}
    assert plans["force"].str.startswith("@").sum() == 0 and plans["force"].str.startswith("'@SUM").sum() == 39
    kent = plans[plans["force"] == "Kent Police"]
    assert set(kent["rag"]) == {"Green"} and not kent["hidden"].any()
    essex = plans[plans["force"] == "Essex Police"].set_index("action")
    assert essex.loc["7.1", "rag"] == "Red" and essex.loc["22.1", "rag"] == "Amber"  # 22's deadline is Sept 2025
    matrix = sheets["Matrix"]
    assert RAG_RULE in str(matrix.iloc[1, 0]) and list(matrix.iloc[2].dropna()) == ["Key:", "Green", "Amber", "Red"]
    heads = list(matrix.iloc[4].dropna())
    assert heads[:3] == ["Force", "Rec 7", "Rec 10"]
    essex_row = matrix[matrix[0] == "Essex Police"].iloc[0].tolist()
    assert essex_row[1] == "Red" and essex_row[heads.index("Rec 22")] == "Amber"
    quality = pd.read_excel(out, sheet_name="Data quality", engine="calamine").set_index("Force")
    assert quality.at["Essex Police", "Errors"] == 1 and "unknown-status" in quality.columns
    assert quality.loc["Essex Police", "unknown-status"] == "1 error"
    missing = pd.read_excel(out, sheet_name="Missing returns", engine="calamine")
    assert len(missing) == 42 and "Kent Police" not in set(missing.iloc[:, 0])
    assert own_output(out.read_bytes(), out) is not None


def test_html_page(tmp_path: Path) -> None:
    out = tmp_path / "national.html"
    write_collation([_national(tmp_path)], out, as_of=AS_OF)
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in page and "<caption>" in page and '<th scope="row">Essex Police</th>' in page
    assert '<td class="rag-Red">Red</td>' in page and '<td class="rag-Green">Green</td>' in page
    assert "<strong>2 of 44</strong>" in page and "Gwent Police" in page  # headline and missing returns
    assert "cmd|&#39; /C calc&#39;!A0</th>" in page  # escaped, never markup
    assert "<script" not in page and "http-equiv=\"Content-Security-Policy\"" in page


def test_csv_and_bad_suffix(tmp_path: Path) -> None:
    out = tmp_path / "national.csv"
    write_collation([_national(tmp_path)], out, as_of=AS_OF)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["force", "recommendation", "deadline", "action", "evidence"]
    assert len(rows) == 1 + 3 * 39 and not any(r[0].startswith("@") for r in rows)
    with pytest.raises(ConfigError, match=r"cannot write '\.pdf'"):
        write_collation([tmp_path], tmp_path / "n.pdf")
    refused = invoke(["collate", str(tmp_path), "-o", str(out)])
    assert refused.exit_code == 2 and "already exists" in refused.output


def test_control_characters_reach_neither_terminal_nor_page(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("Wessex Vale Police\t", "Wessex\x1b]0;PWNED\x07 Vale\t", 1)
    (tmp_path / "wessex.txt").write_text(text, encoding="utf-8")
    result = _run(str(tmp_path / "wessex.txt"), "-o", str(tmp_path / "n.html"))
    assert "\x1b" not in result.output and "\x07" not in result.output and "PWNED" in result.output
    page = (tmp_path / "n.html").read_text(encoding="utf-8")
    assert "\x1b" not in page and "\x07" not in page and "Wessex]0;PWNED" in page


def test_an_old_national_workbook_and_a_regional_workbook_are_not_plans(tmp_path: Path) -> None:
    from shape_builders import workbook

    heads = ["force", "recommendation", "action", "evidence", "owner", "update", "status", "source"]
    rows = [["Kent Police", "7", "7.1", "Processes.", "DI A", "Done.", "Action Complete", "kent.xlsx"],
            ["Essex Police", "7", "7.1", "Processes.", "DI B", "Started.", "In Progress", "essex.xlsx"]]
    workbook(tmp_path / "national-2024.xlsx", {"Plans": [heads, *rows], "By force": [["force"], ["Kent Police"]]})
    workbook(tmp_path / "region.xlsx", {"Region": [["Force", "Rec No", "Evidence ID", "Evidence", "Owner",
                                                    "Update", "Status"],
                                                   ["Kent Police", "7", "7.1", "Processes.", "DI A", "Done.",
                                                    "Action Complete"],
                                                   ["Essex Police", "", "7.2", "Alternatives.", "DI B", "Started.",
                                                    "In Progress"]]})
    result = collate([tmp_path], as_of=AS_OF)
    reasons = {Path(f.path).name: f.reason for f in result.files}
    assert result.returns == (), reasons
    assert reasons["national-2024.xlsx"] == "a national table written by sheetsync collate, not a force's plan"
    assert reasons["region.xlsx"].startswith("a table of several forces (Essex Police, Kent Police)")


def test_page_names_files_without_their_folders(tmp_path: Path) -> None:
    folder = tmp_path / "private" / "returns"
    folder.mkdir(parents=True)
    kent = _plan(folder, "kent.xlsx", "Kent Police")
    shutil.copy(kent, folder / "kent-copy.xlsx")
    out = tmp_path / "national.html"
    write_collation([folder], out, as_of=AS_OF)
    page = out.read_text(encoding="utf-8")
    assert "<li>kent.xlsx: skipped: the same content as kent-copy.xlsx</li>" in page
    assert "private" not in page
