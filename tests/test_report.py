"""The NPCC progress update: derived figures, the public version, and each format read back independently."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.catalogue import catalogue
from sheetsync.errors import OutputExistsError
from sheetsync.model import Action, Plan, Recommendation, Severity, split_owners
from sheetsync.report import render_report, render_reports, write_report
from sheetsync.report.data import build_report_data
from sheetsync.report.md import md
from sheetsync.report.public import build_public_data
from sheetsync.report.xlsx import inert
from sheetsync.validation import Finding, ValidationReport, validate

AS_OF = date(2025, 4, 10)  # after the six-month deadline, before rec 22's twelve-month one
XSS = "<script>alert(1)</script>"


def action(action_id: str, *, status: str | None = "In Progress", owner: str | None = "Head of Public Protection",
           update: str | None = "Work under way.", raw: str | None = None) -> Action:
    return Action(id=action_id, evidence=f"Evidence {action_id}", owner=owner, owners=split_owners(owner),
                  update=update, status=status, status_raw=raw if raw is not None else status)


def demo_plan() -> Plan:
    """Northshire Police: the 15 catalogue recommendations, varied statuses, owners and updates."""
    owners = ["DCI Nia Mellor", "Kieran Maher/Raymond Smillie", "Head of Public Protection", "", "Chief Constables",
              "Gemma Ryan and Gail Russell", "D/Supt Alan O'Neill", "Force Crime Registrar"]
    statuses = ["Action Complete", "In Progress", "BAU", None, "Not Started", "In Progress", "Complete-ish",
                "Not Applicable"]
    recs = []
    index = 0
    for crec in catalogue().recommendations:
        actions = []
        for ev in crec.evidence:
            owner = owners[index % len(owners)] or None
            typed = statuses[index % len(statuses)]
            update = (None if index % 5 == 3 else
                      f"Kieran Maher reviewed the policy with K. Maher and Mellor for {ev.id}.\nNext steps agreed.")
            canonical = typed if typed in {"Action Complete", "In Progress", "BAU", "Not Started",
                                           "Not Applicable"} else None
            actions.append(Action(id=ev.id, evidence=ev.text, owner=owner, owners=split_owners(owner), update=update,
                                  date=date(2025, 3, 1 + index % 20) if index % 3 else None, status=canonical,
                                  status_raw=typed, progress=50 if typed == "In Progress" else None))
            index += 1
        recs.append(Recommendation(number=crec.number, text=crec.text, actions=actions))
    recs[0].actions[0].update = f"{XSS} | =HYPERLINK(\"http://evil.example\",\"x\")"
    recs[0].actions[1].update = "=1+2"
    return Plan(title="Northshire Police Stalking Action Plan", force="Northshire Police",
                executive_lead="ACC Jane Doe", operational_lead="DCI Nia Mellor", protective_marking="OFFICIAL",
                recommendations=recs)


def finding(code: str, severity: Severity, message: str) -> Finding:
    return Finding(code=code, severity=severity, message=message, sheet="Plan", cell="H9", recommendation="7",
                   action="7.1")


def findings(*items: Finding) -> ValidationReport:
    return ValidationReport(ok=not any(f.severity == "error" for f in items), summary={}, findings=list(items))


class FakeDiff:
    def summary_line(self) -> str:
        return "1 action moved to Action Complete"

    def lines(self) -> list[str]:
        return ["7.1: status In Progress → Action Complete (owner Kieran Maher)"]


# --- Derived figures ----------------------------------------------------------------------------------------------

def test_headline_figures_follow_the_rules() -> None:
    plan = Plan(force="Testshire Police", recommendations=[
        Recommendation(number="7", actions=[action("7.1", status="Action Complete"), action("7.2", status="BAU")]),
        Recommendation(number="10", actions=[action("10.1", status="Not Applicable"), action("10.2", owner=None),
                                             action("10.3", status=None, raw="", update=None,
                                                    owner="Chief Constables")]),
    ])
    data = build_report_data(plan, as_of=AS_OF)
    assert (data.total, data.done, data.percent_complete) == (5, 3, 60)
    assert data.overdue == 2  # 10.2 and 10.3: not complete after 27 March 2025
    assert data.without_owner == 2  # blank, and the addressee default
    assert data.without_update == 1
    counts = {c.key: c.count for c in data.status_counts}
    assert counts["Action Complete"] == counts["BAU"] == counts["Not Applicable"] == counts["In Progress"] == 1
    assert counts["No status"] == 1
    assert [s.rag for s in data.recommendations] == ["Green", "Red"]


@pytest.mark.parametrize(("statuses", "as_of", "rag", "overall"), [
    (["Action Complete", "BAU", "Not Applicable"], AS_OF, "Green", "Complete"),
    (["Action Complete", "In Progress"], date(2025, 3, 27), "Amber", "In progress"),  # due today: not late yet
    (["Action Complete", "In Progress"], date(2025, 3, 28), "Red", "In progress"),
    (["Not Started", "Not Started"], date(2025, 1, 1), "Amber", "Not started"),
    (["Not Started"], AS_OF, "Red", "Not started"),
    ([None, None], date(2025, 1, 1), "Amber", "No status recorded"),
    ([], AS_OF, "Red", "Not started"),
])
def test_rag_rule(statuses: list[str | None], as_of: date, rag: str, overall: str) -> None:
    rec = Recommendation(number="13", actions=[action(f"13.{i}", status=s, raw=s or "")
                                               for i, s in enumerate(statuses, 1)])
    section = build_report_data(Plan(recommendations=[rec]), as_of=as_of).recommendations[0]
    assert (section.rag, section.status) == (rag, overall)


def test_unrecognised_status_is_never_complete_and_typed_synonyms_count() -> None:
    rec = Recommendation(number="17", actions=[action("17.1", status=None, raw="Completed"),
                                               action("17.2", status=None, raw="Sort of done")])
    data = build_report_data(Plan(recommendations=[rec]), as_of=date(2025, 1, 1))
    assert [row.category for row in data.recommendations[0].rows] == ["done", "unknown"]
    assert data.recommendations[0].rag == "Amber"
    assert {c.key: c.count for c in data.status_counts}["Status not recognised"] == 1


def test_outstanding_soonest_deadline_first() -> None:
    data = build_report_data(demo_plan(), as_of=date(2024, 10, 1))
    deadlines = [row.deadline or date.max for row in data.outstanding]
    assert deadlines[0] == date(2024, 11, 22)  # recs 27 and 28
    assert deadlines == sorted(deadlines)
    assert all(row.category != "done" for row in data.outstanding)


def test_validation_errors_give_a_banner_internally_only() -> None:
    validation = findings(finding("status-unknown", "error", "bad"), finding("w", "warning", "meh"))
    internal = build_report_data(demo_plan(), as_of=AS_OF, validation=validation)
    assert internal.banner is not None and "1 validation error" in internal.banner
    assert len(internal.findings) == 2
    public = build_public_data(demo_plan(), as_of=AS_OF, validation=validation).data
    assert public.banner is None and public.findings == [] and public.error_count == 1


# --- The public version -------------------------------------------------------------------------------------------

def test_public_data_has_no_names_findings_or_internal_words() -> None:
    plan = demo_plan()
    earlier = demo_plan()
    earlier.recommendations[0].actions[0].status = "Not Started"
    data = build_public_data(plan, as_of=AS_OF, changes=FakeDiff(), earlier=earlier,
                             validation=findings(finding("x", "error", "Kieran Maher typo"))).data
    dumped = data.model_dump_json()
    for name in ("Kieran", "Maher", "Mellor", "Smillie", "Gemma", "Russell", "O'Neill", "Jane Doe"):
        assert name not in dumped, name
    assert data.executive_lead is None and data.operational_lead is None and data.findings == []
    labels = {row.status_label for s in data.recommendations for row in s.rows}
    assert "Complete: now part of everyday practice" in labels and "BAU" not in labels
    assert {row.owner for s in data.recommendations for row in s.rows} == {""}
    assert data.changes == ["7.1: Not yet started → Complete"]  # statuses only, public words


# --- Formats ------------------------------------------------------------------------------------------------------

def test_markdown_escapes_pipes_newlines_and_html() -> None:
    assert md("a | b\nc") == "a \\| b<br>c"
    assert md(XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    data = build_report_data(demo_plan(), as_of=AS_OF, changes=FakeDiff())
    text = _render_text(data, "md")
    assert "# Police Stalking Action Plan: progress update: Northshire Police" in text
    assert "<script>" not in text
    for line in text.splitlines():  # every table row keeps its column count
        if line.startswith("| 7.1 |"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 7
    assert "## Changes since the last return" in text


def test_html_escapes_user_text_and_makes_no_requests(tmp_path: Path) -> None:
    data = build_report_data(demo_plan(), as_of=AS_OF, validation=findings(finding("c", "error", XSS)))
    page = write_report(data, format="html", output=tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(", page)
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Bar chart of evidence', page)
    assert '<html lang="en-GB">' in page
    assert "This plan has 1 validation error" in page and "Data-quality annex" in page


def test_public_html_is_structured_for_assistive_technology(tmp_path: Path) -> None:
    data = build_public_data(demo_plan(), as_of=AS_OF, validation=findings(finding("c", "error", "x"))).data
    page = write_report(data, format="html", output=tmp_path / "p.html").read_text(encoding="utf-8")
    levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert page.count("<table") == page.count("<caption")
    assert '<th scope="col">' in page and '<th scope="row">' in page
    assert "Data-quality annex" not in page and "validation error" not in page
    assert "Mellor" not in page and "Executive lead" not in page
    # no widths in absolute units (they break reflow at 200% zoom): only %, rem, and the print page size
    assert not re.search(r"(?<![\w-])(?:min-|max-)?width:\s*[\d.]+(?:px|pt|cm|mm|in)\b", page)


def test_xlsx_return_sheet_and_formula_neutralising(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from sheetsync.columns import COLUMNS

    assert inert("=1+2") == "'=1+2" and inert("@SUM(A1)") == "'@SUM(A1)" and inert("ok") == "ok"
    data = build_report_data(demo_plan(), as_of=AS_OF, changes=FakeDiff(),
                             validation=findings(finding("c", "error", "=cmd|' /C calc'!A0")))
    path = write_report(data, format="xlsx", output=tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Return", "Outstanding", "Changes", "Data quality", "Notes"]
    ws = book["Return"]
    headings = [c.value for c in ws[1]]
    assert headings == [c.heading for c in COLUMNS] + ["Status (canonical)", "Progress", "RAG"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.max_row == 1 + data.total
    values = [cell for row in book.worksheets for line in row.iter_rows() for cell in line]
    assert not [c.coordinate for c in values if c.data_type == "f"]
    texts = [str(c.value) for c in values if isinstance(c.value, str)]
    assert "'=1+2" in texts and not any(t.startswith(("=", "+", "@")) for t in texts)
    assert any(t.startswith("'=HYPERLINK") is False and XSS in t for t in texts)
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/media/") and name.endswith(".png") for name in archive.namelist())


def test_docx_structure(tmp_path: Path) -> None:
    from docx import Document

    data = build_report_data(demo_plan(), as_of=AS_OF, validation=findings(finding("c", "error", "x")))
    path = write_report(data, format="docx", output=tmp_path / "r.docx")
    doc = Document(str(path))
    styled = [(p.style.name if p.style is not None else "", p.text) for p in doc.paragraphs]
    headings = [(style, text) for style, text in styled if style.startswith(("Heading", "Title"))]
    assert ("Heading 1", "Headline figures") in headings
    assert ("Heading 2", "Recommendation 7: Crime recording") in headings
    assert ("Heading 1", "Data-quality annex") in headings
    assert any("This plan has 1 validation error" in p.text for p in doc.paragraphs)
    assert doc.sections[1].orientation == 1  # landscape for the wide tables
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert xml.count("<w:tblHeader") >= 15 and 'descr="Bar chart of evidence' in xml
    footers = "".join(zipfile.ZipFile(path).read(n).decode() for n in zipfile.ZipFile(path).namelist()
                      if n.startswith("word/footer"))
    assert " PAGE " in footers and " NUMPAGES " in footers and "OFFICIAL" in footers
    assert "OFFICIAL" in doc.sections[0].header.paragraphs[0].text


def test_public_docx_has_no_names_or_annex(tmp_path: Path) -> None:
    from docx import Document

    data = build_public_data(demo_plan(), as_of=AS_OF).data
    doc = Document(str(write_report(data, format="docx", output=tmp_path / "p.docx")))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "Maher" not in text and "Mellor" not in text and "Data-quality annex" not in text
    assert "Recommendation 28" in text


# --- render_report and the CLI ------------------------------------------------------------------------------------

def _workbook(tmp_path: Path, *, status: str = "In Progress", name: str = "plan.xlsx") -> Path:
    rows = catalogue_rows(status=status, owner="DI Sam Patel", update="Sam Patel is leading this")
    return write_grid(tmp_path / name, rows)


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html", "md"])
def test_render_report_from_a_workbook(tmp_path: Path, fmt: str) -> None:
    plan = _workbook(tmp_path)
    out = tmp_path / f"out.{fmt}"
    result = render_report(plan, format=fmt, output=out, as_of=AS_OF)
    assert out.exists() and out.stat().st_size > 0
    assert result.total == 39 and result.force == "Northshire Police" and result.overdue == 38
    assert result.has_errors == (not validate(result_plan(plan), as_of=AS_OF).ok)
    assert str(out) in result.describe()
    with pytest.raises(OutputExistsError):
        render_report(plan, format=fmt, output=out, as_of=AS_OF)
    render_report(plan, format=fmt, output=out, as_of=AS_OF, overwrite=True)


def test_several_formats_share_one_derivation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sheetsync.validation

    calls: list[date] = []
    real = sheetsync.validation.validate

    def counting(plan: Plan, **kwargs: Any) -> Any:
        calls.append(AS_OF)
        return real(plan, **kwargs)

    monkeypatch.setattr(sheetsync.validation, "validate", counting)
    plan = _workbook(tmp_path)
    results = render_reports(plan, outputs=[("md", tmp_path / "a.md"), ("html", tmp_path / "a.html")], as_of=AS_OF)
    assert len(calls) == 1 and [r.format for r in results] == ["md", "html"]
    assert (tmp_path / "a.md").exists() and (tmp_path / "a.html").exists()
    _workbook(tmp_path, status="Action Complete")  # nothing is remembered between calls: the new plan is read
    second = render_report(plan, format="md", output=tmp_path / "b.md", as_of=AS_OF)
    assert len(calls) == 2 and second.done == 39 and results[0].done != 39


def result_plan(path: Path) -> Plan:
    from sheetsync.reader import read_plan

    return read_plan(path)


def test_cli_report_exit_codes(tmp_path: Path) -> None:
    plan = _workbook(tmp_path)
    out = tmp_path / "r.md"
    first = invoke(["report", str(plan), "--format", "md", "-o", str(out), "--as-of", "2025-04-10"])
    expected = 0 if validate(result_plan(plan), as_of=AS_OF).ok else 1
    assert first.exit_code == expected, first.output
    assert "wrote" in first.output and out.exists()
    again = invoke(["report", str(plan), "--format", "md", "-o", str(out)])
    assert again.exit_code == 2, again.output
    broken = write_grid(tmp_path / "broken.xlsx", catalogue_rows(status="Greenish"))
    bad = invoke(["report", str(broken), "--format", "md", "-o", str(tmp_path / "b.md")])
    assert bad.exit_code == 1, bad.output
    assert "validation error" in bad.output
    assert "This plan has" in (tmp_path / "b.md").read_text(encoding="utf-8")


def test_report_never_overwrites_the_plan(tmp_path: Path) -> None:
    plan = _workbook(tmp_path)
    with pytest.raises(OutputExistsError):
        render_report(plan, format="xlsx", output=plan, overwrite=True)


def test_since_a_snapshot_reports_changes_and_period(tmp_path: Path) -> None:
    from sheetsync.snapshots import snapshot

    plan = _workbook(tmp_path)
    store = tmp_path / "store.db"
    taken = snapshot(plan, message="March return", store=store)
    _workbook(tmp_path, status="Action Complete")
    out = tmp_path / "since.md"
    result = render_report(plan, format="md", output=out, as_of=AS_OF, since=str(taken.id), store=store)
    text = out.read_text(encoding="utf-8")
    assert result.changes and result.changes >= 39
    assert "## Changes since the last return" in text and "Action Complete" in text
    # the snapshot was recorded today, after the as-of date: no backwards period, say what was compared
    assert f"recorded on {date.today().day} {date.today():%B %Y}" in text and "to 10 April 2025" not in text
    later = tmp_path / "later.md"
    render_report(plan, format="md", output=later, as_of=date.today(), since=str(taken.id), store=store)
    assert "(since the last return)" in later.read_text(encoding="utf-8")
    old = tmp_path / "old.md"
    render_report(plan, format="md", output=old, as_of=AS_OF, snapshot=str(taken.id), store=store)
    assert "100%" not in old.read_text(encoding="utf-8")
    assert "100% (39 of 39)" in text


# --- Independent readers ------------------------------------------------------------------------------------------

def _pdf_text(path: Path, tmp_path: Path) -> str:
    outdir = tmp_path / f"pdf-{path.suffix[1:]}"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
                   check=False, capture_output=True, timeout=180)
    pdf = outdir / (path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not convert {path.name}"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_libreoffice_opens_the_report(tmp_path: Path, fmt: str) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    data = build_report_data(demo_plan(), as_of=AS_OF, validation=findings(finding("c", "error", "x")))
    text = _pdf_text(write_report(data, format=fmt, output=tmp_path / f"r.{fmt}"), tmp_path)
    assert "Northshire Police" in text
    assert "Recommendation 7" in text
    assert "OFFICIAL" in text
    assert "This plan has 1 validation error" in text
    if fmt == "docx":
        assert re.search(r"Page 2 of \d+", text)  # the PAGE / NUMPAGES fields were laid out


@pytest.mark.chromium
def test_chromium_renders_the_public_page(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Chromium not installed")
    data = build_public_data(demo_plan(), as_of=AS_OF).data
    page = write_report(data, format="html", output=tmp_path / "p.html")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chrome'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert "Recommendation 28" in dom and "<script" not in dom
    shot = tmp_path / "narrow.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=640,1200",
                    "--force-device-scale-factor=2", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


def _render_text(data: object, fmt: str) -> str:
    from sheetsync.report.data import ReportData
    from sheetsync.report.md import render_markdown

    assert isinstance(data, ReportData) and fmt == "md"
    return render_markdown(data)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_html_colours_meet_contrast_minimum(tmp_path: Path) -> None:
    data = build_public_data(demo_plan(), as_of=AS_OF).data
    page = write_report(data, format="html", output=tmp_path / "p.html").read_text(encoding="utf-8")
    pairs = re.findall(r"\.rag-\w+ \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", page)
    muted = re.search(r"--muted: (#[0-9a-f]{6})", page)
    assert len(pairs) == 3 and muted
    for background, text in [*pairs, ("#ffffff", muted.group(1)), ("#f3f2f1", "#0b0c0c")]:
        light, dark = sorted((_luminance(background), _luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (background, text)
