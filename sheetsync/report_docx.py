"""The progress update as a Word document (python-docx).

Real Heading styles (so the navigation pane and a screen reader see the structure), tables whose header row
repeats on every page, the chart with alt text, the protective marking in every header and footer with
"Page X of Y" fields, a portrait cover and landscape pages for the wide tables.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

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
    header.add_run(_x(data.marking)).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_x(f"{data.marking}    ")).bold = True
    footer.add_run(_x(f"{data.force}, as on {long_date(data.as_of)}    Page "))
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    # Cover
    _heading(doc, _x(f"{data.title}: {data.force}"), 0)
    cover = data.cover()
    _table(doc, ["Item", "Detail"], [list(pair) for pair in cover], widths=[5, 12], header=False)
    if data.banner:
        banner = doc.add_paragraph()
        run = banner.add_run(_x(data.banner))
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = RGBColor(0xB1, 0x0E, 0x1E)
        _shade_paragraph(banner, "FDF0F0")

    _heading(doc, "Headline figures", 1)
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
    caption.style = _style(doc, "Caption")

    # The wide tables go on landscape pages (header and footer carry over: linked to the previous section).
    wide = doc.add_section(WD_SECTION.NEW_PAGE)
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = Cm(29.7), Cm(21.0)
    _heading(doc, "Recommendations", 1)
    for rec in data.recommendations:
        _heading(doc, _x(rec.title), 2)
        doc.add_paragraph(_x(rec.text))
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
        _heading(doc, "Changes since the last return", 1)
        doc.add_paragraph(_x(data.changes_summary))
        for line in data.changes or ["No changes."]:
            doc.add_paragraph(_x(line), style=_style(doc, "List Bullet"))

    _heading(doc, "Outstanding actions", 1)
    if data.outstanding:
        doc.add_paragraph("Evidence requirements not yet complete, soonest deadline first.")
        _table(doc, ["Rec", "ID", "Evidence requirement", "Owner", "Deadline", "Status", "Overdue"],
               [[r.recommendation, r.id, r.evidence, r.owner, long_date(r.deadline) or "None", r.status_label,
                 "Yes" if r.overdue else "No"] for r in data.outstanding],
               widths=[1.2, 1.4, 10.5, 4, 3, 3.5, 2])
    else:
        doc.add_paragraph("None: every evidence requirement is complete.")

    if not data.public:
        _heading(doc, "Data-quality annex", 1)
        doc.add_paragraph(f"{data.error_count} errors and {data.warning_count} warnings from validation.")
        if data.findings:
            _table(doc, ["Severity", "Code", "Where", "Rec", "ID", "Message", "Suggestion"],
                   [[f.severity, f.code, f.where, f.recommendation, f.action, f.message, f.suggestion]
                    for f in data.findings], widths=[1.8, 3.4, 3, 1.2, 1.4, 9.5, 5.3])

    _heading(doc, "Notes", 1)
    for note in data.notes:
        doc.add_paragraph(note, style=_style(doc, "List Bullet"))
    doc.save(str(path))


def _style(doc: Any, name: str) -> Any:
    """A style object, looked up once per document (kept on the document): python-docx finds a style by name
    with an XPath search of styles.xml on every use (~2 ms), and a report uses a few styles dozens of times."""
    cache: dict[str, Any] = doc.__dict__.setdefault("_sheetsync_styles", {})
    if name not in cache:
        cache[name] = doc.styles[name]
    return cache[name]


def _heading(doc: Any, text: str, level: int) -> Any:
    """doc.add_heading, with the style object cached (level 0 is the Title style)."""
    return doc.add_paragraph(text, style=_style(doc, "Title" if level == 0 else f"Heading {level}"))


def _table(doc: Any, headings: list[str], rows: list[list[str]], *, widths: list[float],
           header: bool = True) -> Any:
    """A bordered table; the header row repeats on each page. Rows are built as WordprocessingML in one parse
    (python-docx's per-cell API costs ~1 ms a cell, which a 200-row plan would feel)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    table = doc.add_table(rows=0, cols=len(headings))
    table.style = _style(doc, "Table Grid")
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid: LibreOffice lays out by it; Word by each cell's tcW below
    twips = [round(width * 567) for width in widths]
    parts: list[str] = []
    if header:
        parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                     + "".join(_tc(text, w, bold=True, fill="F3F2F1") for text, w in zip(headings, twips, strict=True))
                     + "</w:tr>")
    for values in rows:
        parts.append("<w:tr>" + "".join(_tc(text, w, bold=not header and i == 0)
                                        for i, (text, w) in enumerate(zip(values, twips, strict=True))) + "</w:tr>")
    holder = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(parts)}</w:tbl>")
    for row in list(holder):
        table._tbl.append(row)
    return table


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str | None) -> str:
    """Text python-docx will accept: XML-incompatible control characters removed."""
    return _CONTROL.sub("", text or "")


def _tc(text: str | None, twips: int, *, bold: bool = False, fill: str | None = None) -> str:
    """One table cell as WordprocessingML: text escaped, control characters dropped, newlines as line breaks."""
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = _CONTROL.sub("", text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return (f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/>{shading}</w:tcPr>'
            f"<w:p><w:r>{run_props}{body}</w:r></w:p></w:tc>")


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


def _shade_run(run: Any, fill: str) -> None:
    _shade(run._r.get_or_add_rPr(), fill)


def _shade_paragraph(paragraph: Any, fill: str) -> None:
    _shade(paragraph._p.get_or_add_pPr(), fill)


__all__ = ["write_docx"]
