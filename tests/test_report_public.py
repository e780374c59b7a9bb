"""The public version end to end (issue 17 §1): what reaches each format, the review beside it, the exit code."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from builders import NATIONAL_HEADINGS, catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.redact import fold
from sheetsync.report import FORMATS, render_report, review_path
from sheetsync.snapshots import snapshot

AS_OF = date(2025, 4, 10)
HEADINGS = [*NATIONAL_HEADINGS, "Public update"]


def _plan(path: Path, *, owner: str = "DCI Rachel Okafor", force: str = "Wessex Vale Police",
          public_update: str | None = None, hidden: bool = False, documents: str | None = None,
          update: str = "Work is under way and on track.") -> Path:
    rows = catalogue_rows(owner=owner, update=update)
    for row in rows:
        row.append(None)
    rows[0][8] = documents  # 7.1's Supporting Documents
    rows[0][9] = public_update
    if hidden:
        rows[1][5] = "INTERNAL ONLY: DS Laura Penhaligon is reviewing the complaint."
    # the header block takes rows 1-5 (title, force, two leads, headings): 7.2 is sheet row 7
    return write_grid(path, rows, headings=HEADINGS, force=force, executive_lead="ACC Helen Marsh",
                      operational_lead="DCI Rachel Okafor", hidden_rows=(7,) if hidden else ())


def _text(path: Path) -> str:
    """Everything a reader of the file could see: the file's text, or every part of a zip (Word, Excel)."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                             if name.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_former_owners_and_the_force_cell_never_reach_the_public_version(tmp_path: Path, fmt: str) -> None:
    plan = _plan(tmp_path / "plan.xlsx")
    store = tmp_path / "store.db"
    snapshot(plan, store=store)
    _plan(tmp_path / "plan.xlsx", owner="Legal Services",
          force="Wessex Vale Police (lead: DS Laura Penhaligon)")  # handover; a name in the force cell
    out = tmp_path / f"public.{fmt}"
    render_report(plan, format=fmt, output=out, as_of=AS_OF, since="latest", store=store, public=True)
    seen = fold(_text(out))
    for word in ("okafor", "penhaligon", "laura", "helen marsh"):
        assert word not in seen, word
    assert "wessex vale police" in seen and "legal services" not in seen  # no owners at all, teams included


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_rows_and_supporting_documents_are_never_published(tmp_path: Path, fmt: str) -> None:
    plan = _plan(tmp_path / "plan.xlsx", hidden=True, documents="Report by Mr David Ellison, 07700 900123")
    out = tmp_path / f"public.{fmt}"
    render_report(plan, format=fmt, output=out, as_of=AS_OF, public=True)
    seen = _text(out)
    assert "INTERNAL ONLY" not in seen and "Ellison" not in seen and "900123" not in seen
    assert ">7.2<" not in seen and "| 7.2 |" not in seen  # the hidden row is left out whole


def test_the_public_update_column_is_used_when_present(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan.xlsx", public_update="Training has been delivered to all officers.",
                 update="Internal: PC 1234 Dobbs still to attend; escalate to Supt Dunmore.")
    out = tmp_path / "public.md"
    render_report(plan, format="md", output=out, as_of=AS_OF, public=True)
    text = out.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| 7.1 |"))
    assert "Training has been delivered to all officers." in row and "escalate" not in row
    other = next(line for line in text.splitlines() if line.startswith("| 7.2 |"))  # no public text: redacted
    assert "escalate to" in other and "Dunmore" not in text and "Dobbs" not in text


def test_teams_do_not_turn_the_force_into_a_removed_name(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan.xlsx", owner="Vale Stalking Service",
                 update="Legal Services and the Vale Stalking Service reviewed this with Wessex Vale Police.")
    out = tmp_path / "public.html"
    render_report(plan, format="html", output=out, as_of=AS_OF, public=True)
    page = out.read_text(encoding="utf-8")
    assert "Wessex [name removed]" not in page and "[name removed]" not in page
    assert "Legal Services and the Vale Stalking Service reviewed this with Wessex Vale Police." in page


def test_a_review_is_written_beside_every_public_output_and_suspicious_words_exit_1(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan.xlsx", update="Spoke to Laura about the plan; DS Ian Carmody agreed.")
    out = tmp_path / "public.html"
    result = invoke(["report", str(plan), "--format", "html", "-o", str(out), "--public",
                     "--as-of", "2025-04-10"])
    assert result.exit_code == 1, result.output
    review = review_path(out)
    assert review.exists() and "kept but suspicious" in result.output
    text = review.read_text(encoding="utf-8")
    assert "'Laura'" in text and "DS Ian Carmody" in text and "Never publish it" in text
    page = out.read_text(encoding="utf-8")
    assert "Carmody" not in page and "Laura" in page  # kept, and listed for the lead to check

    clean = _plan(tmp_path / "clean.xlsx", update="Work is under way; DS Ian Carmody agreed.")
    out2 = tmp_path / "clean.md"
    result = invoke(["report", str(clean), "--format", "md", "-o", str(out2), "--public",
                     "--as-of", "2025-04-10"])
    assert result.exit_code in (0, 1) and "suspicious" not in result.output, result.output
    assert "0 kept but suspicious" in review_path(out2).read_text(encoding="utf-8")


def test_the_internal_version_writes_no_review(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan.xlsx")
    result = render_report(plan, format="md", output=tmp_path / "internal.md", as_of=AS_OF)
    assert result.review is None and not review_path(tmp_path / "internal.md").exists()
    assert "Okafor" in (tmp_path / "internal.md").read_text(encoding="utf-8")


def test_the_shipped_samples_public_page_names_no_one_and_keeps_the_force(tmp_path: Path) -> None:
    from sheetsync.demo import SAMPLE_MARCH, sample_path
    from sheetsync.importers import import_to_workbook

    workbook = tmp_path / "wessex.xlsx"
    import_to_workbook(sample_path(SAMPLE_MARCH), workbook)
    out = tmp_path / "public.html"
    render_report(workbook, format="html", output=out, as_of=date(2025, 3, 27), public=True)
    page = out.read_text(encoding="utf-8")
    # the sample's updates name no one: teams stay whole (before: "[name removed] Services", "the [name
    # removed] Stalking Service", as owners "Legal Services" and "Paula Grant (ISAC, Vale Stalking Service)")
    assert "[name removed]" not in page and "Wessex Vale Police" in page
    assert "Legal Services" in page and "Vale Stalking Service" in page
    for name in ("Okafor", "Dunmore", "Ellery", "Marsh", "Pryce", "Cartwright", "Lowe", "Paula Grant"):
        assert name not in page, name
