"""The progress update as a Word document (python-docx).

Real Heading styles (so the navigation pane and a screen reader see the structure), tables whose header row
repeats on every page, the chart with alt text, the protective marking in every header and footer with
"Page X of Y" fields, a portrait cover and landscape pages for the wide tables.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sheetsync.report_data import ReportData, long_date

_RAG_FILL = {"Red": "B10E1E", "Amber": "FFDD00", "Green": "00703C"}
_RAG_TEXT = {"Red": "FFFFFF", "Amber": "0B0C0C", "Green": "FFFFFF"}


def write_docx(data: ReportData, chart_png: bytes, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    props = doc.core_properties
    props.title = f"{data.title}: {data.force}"
    props.subject = "Police Stalking Action Plan: NPCC progress update"
    props.author = "sheetsync"
    props.comments = f"As on {data.as_of.isoformat()}; marking {data.marking}"
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(data.marking).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{data.marking}    ").bold = True
    footer.add_run(f"{data.force}, as on {long_date(data.as_of)}    Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    # Cover
    doc.add_heading(f"{data.title}: {data.force}", level=0)
    cover = [("Force", data.force)]
    if not data.public:
        cover += [("Executive lead", data.executive_lead or "Not named"),
                  ("Operational lead", data.operational_lead or "Not named")]
    cover += [("Position as on", long_date(data.as_of)), ("Period covered", data.period_text),
              ("Protective marking", data.marking)]
    if data.snapshot:
        cover.append(("Snapshot", data.snapshot))
    _table(doc, ["Item", "Detail"], [list(pair) for pair in cover], widths=[5, 12], header=False)
    if data.banner:
        banner = doc.add_paragraph()
        run = banner.add_run(data.banner)
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = RGBColor(0xB1, 0x0E, 0x1E)
        _shade_paragraph(banner, "FDF0F0")

    doc.add_heading("Headline figures", level=1)
    _table(doc, ["Figure", "Value"], [[label, value] for label, value in data.headline()], widths=[9, 8])
    doc.add_paragraph()
    _table(doc, ["Status", "Evidence requirements"], [[c.label, str(c.count)] for c in data.status_counts],
           widths=[9, 8])
    doc.add_paragraph()
    doc.add_picture(io.BytesIO(chart_png), width=Cm(16.5))
    picture = doc.inline_shapes[-1]
    picture._inline.docPr.set("descr", data.chart_alt)
    picture._inline.docPr.set("title", "Evidence requirements by status, per recommendation")
    caption = doc.add_paragraph("Figure 1: evidence requirements by status for each recommendation.")
    caption.style = doc.styles["Caption"]

    # The wide tables go on landscape pages (header and footer carry over: linked to the previous section).
    wide = doc.add_section(WD_SECTION.NEW_PAGE)
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = Cm(29.7), Cm(21.0)
    doc.add_heading("Recommendations", level=1)
    for rec in data.recommendations:
        doc.add_heading(rec.title, level=2)
        doc.add_paragraph(rec.text)
        facts = doc.add_paragraph()
        facts.add_run("Deadline: ").bold = True
        facts.add_run(f"{rec.deadline_text}    ")
        facts.add_run("Overall status: ").bold = True
        facts.add_run(f"{rec.status}    ")
        facts.add_run("RAG: ").bold = True
        rag = facts.add_run(f" {rec.rag} ")
        rag.bold = True
        rag.font.color.rgb = RGBColor.from_string(_RAG_TEXT[rec.rag])
        _shade_run(rag, _RAG_FILL[rec.rag])
        facts.add_run(f"  {rec.rag_reason}")
        if rec.rows:
            _table(doc, ["ID", "Evidence requirement", "Owner", "Status", "Date", "Update"],
                   [[r.id, r.evidence, r.owner, r.status_label, r.date_text, r.update] for r in rec.rows],
                   widths=[1.4, 7, 3.4, 3, 2.4, 8.5])
        else:
            doc.add_paragraph("No evidence requirements recorded.")

    if data.changes is not None:
        doc.add_heading("Changes since the last return", level=1)
        doc.add_paragraph(data.changes_summary or "")
        for line in data.changes or ["No changes."]:
            doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("Outstanding actions", level=1)
    if data.outstanding:
        doc.add_paragraph("Evidence requirements not yet complete, soonest deadline first.")
        _table(doc, ["Rec", "ID", "Evidence requirement", "Owner", "Deadline", "Status", "Overdue"],
               [[r.recommendation, r.id, r.evidence, r.owner, long_date(r.deadline) or "None", r.status_label,
                 "Yes" if r.overdue else "No"] for r in data.outstanding],
               widths=[1.2, 1.4, 10.5, 4, 3, 3.5, 2])
    else:
        doc.add_paragraph("None: every evidence requirement is complete.")

    if not data.public:
        doc.add_heading("Data-quality annex", level=1)
        doc.add_paragraph(f"{data.error_count} errors and {data.warning_count} warnings from validation.")
        if data.findings:
            _table(doc, ["Severity", "Code", "Where", "Rec", "ID", "Message", "Suggestion"],
                   [[f.severity, f.code, f.where, f.recommendation, f.action, f.message, f.suggestion]
                    for f in data.findings], widths=[1.8, 3.4, 3, 1.2, 1.4, 9.5, 5.3])

    doc.add_heading("Notes", level=1)
    for note in data.notes:
        doc.add_paragraph(note, style="List Bullet")
    doc.save(str(path))


def _table(doc: Any, headings: list[str], rows: list[list[str]], *, widths: list[float],
           header: bool = True) -> Any:
    from docx.shared import Cm

    table = doc.add_table(rows=1 if header else 0, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    if header:
        head = table.rows[0]
        _repeat_header(head)
        for cell, text in zip(head.cells, headings, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
            _shade_cell(cell, "F3F2F1")
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            lines = (text or "").splitlines() or [""]
            run = paragraph.add_run(lines[0])
            run.bold = not header and index == 0
            for line in lines[1:]:
                run.add_break()
                run = paragraph.add_run(line)
    # LibreOffice lays out by the grid columns, Word by the cell widths: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def _repeat_header(row: Any) -> None:
    """Mark a table row as a header row, repeated at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in `paragraph`; Word and LibreOffice fill it in when laid out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run._r.append(char("separate"))
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    run._r.append(placeholder)
    run._r.append(char("end"))


def _shade(properties: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _shade_cell(cell: Any, fill: str) -> None:
    _shade(cell._tc.get_or_add_tcPr(), fill)


def _shade_run(run: Any, fill: str) -> None:
    _shade(run._r.get_or_add_rPr(), fill)


def _shade_paragraph(paragraph: Any, fill: str) -> None:
    _shade(paragraph._p.get_or_add_pPr(), fill)


__all__ = ["write_docx"]
