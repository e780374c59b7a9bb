"""The progress update as a Word document (python-docx).

Real Heading styles (so the navigation pane and a screen reader see the structure), tables whose header row
repeats on every page, the chart with alt text, the protective marking in every header and footer with
"Page X of Y" fields, a portrait cover and landscape pages for the wide tables.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.dates import long_date
from sheetsync.text import markup_safe

if TYPE_CHECKING:
    from sheetsync.report.data import ReportData

_RAG_FILL = {"Red": "B10E1E", "Amber": "FFDD00", "Green": "00703C"}
_RAG_TEXT = {"Red": "FFFFFF", "Amber": "0B0C0C", "Green": "FFFFFF"}


def write(data: ReportData, chart_png: bytes | None, path: Path) -> None:
    """The report as a .docx at `path`."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    props = doc.core_properties
    props.title = f"{data.title}: {data.force}"
    props.subject = "Police Stalking Action Plan: NPCC progress update"
    props.author = "sheetsync"
    props.comments = f"As on {data.as_of.isoformat()}; marking {data.marking}"
    # python-docx's default template carries its own dates (2013-12-23): give the document its real ones.
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = now
    props.last_modified_by = "sheetsync"
    props.revision = 1
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

    body = _Body(doc)
    # Cover
    body.heading(f"{data.title}: {data.force}", 0)
    body.table(["Item", "Detail"], [list(pair) for pair in data.cover()], widths=[5, 12], header=False)
    if data.banner:
        body.paragraph(_run(data.banner, bold=True, size=24, color="B10E1E"), fill="FDF0F0")

    body.heading("Headline figures", 1)
    body.table(["Figure", "Value"], [[label, value] for label, value in data.headline()], widths=[9, 8])
    body.paragraph()
    body.table(["Status", "Evidence requirements"], [[c.label, str(c.count)] for c in data.status_counts],
               widths=[9, 8])
    body.paragraph()
    body.flush()
    assert chart_png is not None, "the Word writer needs the chart"
    doc.add_picture(io.BytesIO(chart_png), width=Cm(16.5))
    picture = doc.inline_shapes[-1]
    picture._inline.docPr.set("descr", data.chart_alt)
    picture._inline.docPr.set("title", "Evidence requirements by status, per recommendation")
    body.paragraph(_run("Figure 1: evidence requirements by status for each recommendation."), style="Caption")
    body.flush()

    # The wide tables go on landscape pages (header and footer carry over: linked to the previous section).
    wide = doc.add_section(WD_SECTION.NEW_PAGE)
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = Cm(29.7), Cm(21.0)
    body.heading("Recommendations", 1)
    for rec in data.recommendations:
        body.heading(rec.title, 2)
        body.paragraph(_run(rec.text))
        body.paragraph(_run("Deadline: ", bold=True) + _run(f"{rec.deadline_text}    ")
                       + _run("Overall status: ", bold=True) + _run(f"{rec.status}    ")
                       + _run("RAG: ", bold=True)
                       + _run(f" {rec.rag} ", bold=True, color=_RAG_TEXT[rec.rag], fill=_RAG_FILL[rec.rag])
                       + _run(f"  {rec.rag_reason}"))
        if rec.rows and data.public:  # no owners in the public version
            body.table(["ID", "Evidence requirement", "Status", "Date", "Update"],
                       [[r.id, r.evidence, r.status_label, r.date_text, r.update] for r in rec.rows],
                       widths=[1.4, 8.4, 3, 2.4, 10.5])
        elif rec.rows:
            body.table(["ID", "Evidence requirement", "Owner", "Status", "Date", "Update"],
                       [[r.id, r.evidence, r.owner, r.status_label, r.date_text, r.update] for r in rec.rows],
                       widths=[1.4, 7, 3.4, 3, 2.4, 8.5])
        else:
            body.paragraph(_run("No evidence requirements recorded."))

    if data.changes is not None:
        body.heading("Changes since the last return", 1)
        body.paragraph(_run(data.changes_summary))
        for line in data.changes or ["No changes."]:
            body.paragraph(_run(line), style="List Bullet")

    body.heading("Outstanding actions", 1)
    if data.outstanding:
        body.paragraph(_run("Evidence requirements not yet complete, soonest deadline first."))
        if data.public:
            body.table(["Rec", "ID", "Evidence requirement", "Deadline", "Status", "Overdue"],
                       [[r.recommendation, r.id, r.evidence, long_date(r.deadline) or "None", r.status_label,
                         "Yes" if r.overdue else "No"] for r in data.outstanding],
                       widths=[1.2, 1.4, 14.5, 3, 3.5, 2])
        else:
            body.table(["Rec", "ID", "Evidence requirement", "Owner", "Deadline", "Status", "Overdue"],
                       [[r.recommendation, r.id, r.evidence, r.owner, long_date(r.deadline) or "None",
                         r.status_label, "Yes" if r.overdue else "No"] for r in data.outstanding],
                       widths=[1.2, 1.4, 10.5, 4, 3, 3.5, 2])
    else:
        body.paragraph(_run("None: every evidence requirement is complete."))

    if not data.public:
        body.heading("Data-quality annex", 1)
        body.paragraph(_run(f"{data.error_count} errors and {data.warning_count} warnings from validation."))
        if data.findings:
            body.table(["Severity", "Code", "Where", "Rec", "ID", "Message", "Suggestion"],
                       [[f.severity, f.code, f.where, f.recommendation, f.action, f.message, f.suggestion]
                        for f in data.findings], widths=[1.8, 3.4, 3, 1.2, 1.4, 9.5, 5.3])

    body.heading("Notes", 1)
    for note in data.notes:
        body.paragraph(_run(note), style="List Bullet")
    body.flush()
    doc.save(str(path))


class _Body:
    """The document body written as WordprocessingML text and parsed in one go per stretch (between the picture
    and the section break, which python-docx adds). python-docx's per-paragraph, per-run and per-cell API costs
    about a millisecond a call (assigning a style alone searches styles.xml for the default style), which a
    200-row plan would feel; the XML is what that API would have written."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.parts: list[str] = []
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """The id of the template's style called `name` (python-docx looks it up by name; ids are not names)."""
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    def paragraph(self, runs: str = "", *, style: str | None = None, fill: str | None = None) -> None:
        props = (f'<w:pStyle w:val="{self.style_id(style)}"/>' if style else "") + (_shd(fill) if fill else "")
        self.parts.append(f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>")

    def heading(self, text: str, level: int) -> None:
        """A heading paragraph (level 0 is the Title style), as doc.add_heading writes it."""
        self.paragraph(_run(text), style="Title" if level == 0 else f"Heading {level}")

    def table(self, headings: list[str], rows: list[list[str]], *, widths: list[float], header: bool = True) -> None:
        """A bordered table (Table Grid style, fixed layout); the header row repeats on each page. The grid is
        what LibreOffice lays out by, each cell's width (tcW) what Word does."""
        from docx.shared import Cm

        twips = [Cm(width).twips for width in widths]
        parts = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.style_id("Table Grid")}"/><w:tblW w:type="auto" w:w="0"/>'
                 '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
                 'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>'
                 + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>"]
        if header:
            parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                         + "".join(_tc(text, w, bold=True, fill="F3F2F1")
                                   for text, w in zip(headings, twips, strict=True))
                         + "</w:tr>")
        for values in rows:
            parts.append("<w:tr>" + "".join(_tc(text, w, bold=not header and i == 0)
                                            for i, (text, w) in enumerate(zip(values, twips, strict=True)))
                         + "</w:tr>")
        parts.append("</w:tbl>")
        self.parts.append("".join(parts))

    def flush(self) -> None:
        """Parse what has been written and add it to the end of the document body (before its section)."""
        if not self.parts:
            return
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        holder = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self.parts)}</w:body>")
        self.parts.clear()
        # Move the holder in whole, then unwrap it inside the document: lxml moves an element that carries its
        # namespace declaration cheaply, but reconciles namespaces node by node for each child taken out of
        # another document (50 times slower for a 200-row plan).
        body = self.doc.element.body
        if body.sectPr is not None:
            body.sectPr.addprevious(holder)
        else:
            body.append(holder)
        for element in list(holder):
            holder.addprevious(element)
        body.remove(holder)


def _x(text: str | None) -> str:
    """Text XML can hold: markup_safe's control characters out, and the two non-characters XML also refuses."""
    return markup_safe(text or "").replace("\ufffe", "").replace("\uffff", "")


def _text(text: str | None) -> str:
    """Run content: text escaped, control characters dropped, newlines as line breaks and tabs as tabs."""
    lines = _x(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line, quote=False)}</w:t>'.replace("\t", _TAB)
                          for line in lines)


_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


def _run(text: str | None, *, bold: bool = False, size: int | None = None, color: str | None = None,
         fill: str | None = None) -> str:
    """One run as WordprocessingML (size in half-points); properties in the order the schema wants."""
    props = (("<w:b/>" if bold else "") + (f'<w:color w:val="{color}"/>' if color else "")
             + (f'<w:sz w:val="{size}"/>' if size else "") + (_shd(fill) if fill else ""))
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{_text(text)}</w:r>"


def _shd(fill: str) -> str:
    return f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'


def _tc(text: str | None, twips: int, *, bold: bool = False, fill: str | None = None) -> str:
    """One table cell as WordprocessingML: text escaped, control characters dropped, newlines as line breaks."""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/>{_shd(fill) if fill else ""}</w:tcPr>'
            f"<w:p>{_run(text, bold=bold)}</w:p></w:tc>")


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


__all__ = ["write"]
