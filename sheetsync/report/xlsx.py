"""The progress update as an Excel workbook (XlsxWriter): a Summary sheet with the chart, the Return sheet in
the national column order, then Outstanding, Changes, Data quality and Notes.

Every piece of plan text goes in with write_string (never parsed as a formula, number or link), and text that
starts like a formula (= + - @, tab, CR) is prefixed with an apostrophe as well, so it stays inert if the sheet
is saved as CSV or the cell is edited.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.columns import COLUMNS
from sheetsync.text import neutralise_formula, row_height, wrapped_lines

if TYPE_CHECKING:
    from sheetsync.report.data import ReportData

_RAG_FORMAT = {"Red": {"bg_color": "#B10E1E", "font_color": "#FFFFFF"},
               "Amber": {"bg_color": "#FFDD00", "font_color": "#0B0C0C"},
               "Green": {"bg_color": "#00703C", "font_color": "#FFFFFF"}}


def inert(value: object) -> str:
    """Text that no spreadsheet will take for a formula."""
    return neutralise_formula("" if value is None else str(value))


def write(data: ReportData, chart_png: bytes | None, path: Path) -> None:
    """The report as an .xlsx at `path`."""
    import xlsxwriter

    assert chart_png is not None, "the Excel writer needs the chart"

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                           "strings_to_urls": False, "in_memory": True})
    book.set_properties({"title": f"{data.title}: {data.force}", "subject": "NPCC progress update",
                         "author": "sheetsync", "comments": f"Protective marking: {data.marking}"})
    f = _Formats(book)
    header = "&C&B" + data.marking.replace("&", "&&")
    footer = "&L" + data.marking.replace("&", "&&") + "&RPage &P of &N"

    def sheet(name: str) -> Any:
        ws = book.add_worksheet(name)
        ws.set_header(header)
        ws.set_footer(footer)
        ws.set_paper(9)  # A4
        return ws

    _summary(sheet("Summary"), data, chart_png, f)
    _return(sheet("Return"), data, f)
    _outstanding(sheet("Outstanding"), data, f)
    if data.changes is not None:
        ws = sheet("Changes")
        ws.set_column(0, 0, 120, f.wrap)
        ws.write_string(0, 0, "Changes since the last return", f.title)
        ws.write_string(1, 0, inert(data.changes_summary), f.wrap)
        for index, line in enumerate(data.changes or ["No changes."], start=3):
            ws.write_string(index, 0, inert(line), f.wrap)
            _fit_row(ws, index, [(line, 120)])
    if not data.public:
        _findings(sheet("Data quality"), data, f)
    ws = sheet("Notes")
    ws.set_column(0, 0, 120, f.wrap)
    ws.write_string(0, 0, "Notes", f.title)
    for index, note in enumerate(data.notes, start=2):
        ws.write_string(index, 0, inert(note), f.wrap)
        _fit_row(ws, index, [(note, 120)])
    book.close()  # a full disk raises XlsxWriter's FileCreateError, which sheetsync.files unwraps and reports


def _fit_row(ws: Any, row: int, cells: list[tuple[str, float]]) -> None:
    """Set a row tall enough for its wrapped text (XlsxWriter cannot measure; Excel and LibreOffice do not
    re-measure rows on opening)."""
    lines = max((wrapped_lines(text, width) for text, width in cells), default=1)
    if lines > 1:
        ws.set_row(row, row_height(lines))


class _Formats:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.head = book.add_format({"bold": True, "bg_color": "#F3F2F1", "border": 1, "text_wrap": True,
                                     "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.cell = self.cell
        self.date = book.add_format({"num_format": "d mmmm yyyy", "valign": "top", "border": 1})
        self.num = book.add_format({"valign": "top", "border": 1})
        self.banner = book.add_format({"bold": True, "font_color": "#B10E1E", "text_wrap": True, "border": 2,
                                       "border_color": "#B10E1E"})
        self.rag = {name: book.add_format({**spec, "bold": True, "border": 1, "valign": "top"})
                    for name, spec in _RAG_FORMAT.items()}


def _summary(ws: Any, data: ReportData, chart_png: bytes, f: _Formats) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 44, f.wrap)
    ws.write_string(0, 0, inert(f"{data.title}: {data.force}"), f.title)
    row = 2
    cover = data.cover()
    for label, value in cover:
        ws.write_string(row, 0, label, f.bold)
        ws.write_string(row, 1, inert(value), f.wrap)
        _fit_row(ws, row, [(value, 44)])
        row += 1
    if data.banner:
        row += 1
        ws.merge_range(row, 0, row, 1, "", f.banner)
        ws.write_string(row, 0, inert(data.banner), f.banner)
        ws.set_row(row, 32)
        row += 1
    row += 1
    ws.write_string(row, 0, "Headline figures", f.head)
    ws.write_string(row, 1, "Value", f.head)
    for label, value in data.headline():
        row += 1
        ws.write_string(row, 0, label, f.cell)
        ws.write_string(row, 1, value, f.cell)
    row += 2
    ws.write_string(row, 0, "Status", f.head)
    ws.write_string(row, 1, "Evidence requirements", f.head)
    for count in data.status_counts:
        row += 1
        ws.write_string(row, 0, count.label, f.cell)
        ws.write_number(row, 1, count.count, f.num)
    row += 2
    ws.write_string(row, 0, "Recommendation", f.head)
    ws.write_string(row, 1, "Deadline, overall status and RAG", f.head)
    ws.write_string(row, 2, "RAG", f.head)
    ws.set_column(2, 2, 8)
    for rec in data.recommendations:
        row += 1
        summary = f"{rec.deadline_text}; {rec.status}; {rec.rag_reason}"
        ws.write_string(row, 0, inert(rec.title), f.cell)
        ws.write_string(row, 1, inert(summary), f.cell)
        _fit_row(ws, row, [(rec.title, 34), (summary, 44)])
        ws.write_string(row, 2, rec.rag, f.rag[rec.rag])
    ws.insert_image(2, 4, "status-chart.png", {"image_data": io.BytesIO(chart_png), "x_scale": 0.55,
                                               "y_scale": 0.55, "description": data.chart_alt,
                                               "object_position": 3})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _return(ws: Any, data: ReportData, f: _Formats) -> None:
    # The national column order; the public version has no owners or supporting documents.
    columns = [c for c in COLUMNS if not (data.public and c.field in ("owner", "supporting_documents"))]
    headings = [c.heading for c in columns] + ["Status (canonical)", "Progress", "RAG"]
    # dates are written as "20 February 2025": wider than the template's column for typed dates
    widths = [max(c.width, 17) if c.field == "date" else c.width for c in columns] + [16, 9, 8]
    for col, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, heading, f.head)
    texts = {rec.number: rec.text for rec in data.recommendations}
    row = 0
    for rec in data.recommendations:
        for action in rec.rows:
            row += 1
            values = {"rec_number": action.recommendation, "rec_text": texts.get(action.recommendation, ""),
                      "action_id": action.id, "evidence": action.evidence, "owner": action.owner,
                      "update": action.update, "status": action.status_label if data.public else action.status_typed,
                      "supporting_documents": action.supporting_documents}
            for col, column in enumerate(columns):
                if column.field == "date":
                    if action.date is not None:
                        ws.write_datetime(row, col, action.date, f.date)
                    else:
                        ws.write_string(row, col, inert(action.date_text), f.cell)
                else:
                    ws.write_string(row, col, inert(values[column.field]), f.cell)
            _fit_row(ws, row, [(values[c.field], c.width) for c in columns if c.field != "date"])
            base = len(columns)
            ws.write_string(row, base, action.status or "", f.cell)
            if action.progress is not None:
                ws.write_number(row, base + 1, action.progress, f.num)
            else:
                ws.write_blank(row, base + 1, None, f.num)
            ws.write_string(row, base + 2, action.rag, f.rag[action.rag])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(row, 1), len(headings) - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _outstanding(ws: Any, data: ReportData, f: _Formats) -> None:
    headings = ["Rec", "ID", "Evidence requirement", "Owner", "Deadline", "Status", "Overdue", "RAG"]
    widths = [6, 7, 60, 24, 18, 22, 9, 8]
    if data.public:  # no owners in the public version
        del headings[3], widths[3]
    for col, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, heading, f.head)
    for row, action in enumerate(data.outstanding, start=1):
        values = [action.recommendation, action.id, action.evidence] + ([] if data.public else [action.owner])
        for col, value in enumerate(values):
            ws.write_string(row, col, inert(value), f.cell)
        _fit_row(ws, row, [(action.evidence, 60), (action.owner, 24)])
        col = len(values)
        if action.deadline is not None:
            ws.write_datetime(row, col, action.deadline, f.date)
        else:
            ws.write_string(row, col, "None", f.cell)
        ws.write_string(row, col + 1, inert(action.status_label), f.cell)
        ws.write_string(row, col + 2, "Yes" if action.overdue else "No", f.cell)
        ws.write_string(row, col + 3, action.rag, f.rag[action.rag])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(data.outstanding), 1), len(headings) - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _findings(ws: Any, data: ReportData, f: _Formats) -> None:
    headings = ["Severity", "Code", "Where", "Rec", "ID", "Message", "Suggestion"]
    for col, (heading, width) in enumerate(zip(headings, [9, 22, 20, 6, 7, 70, 40], strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, heading, f.head)
    for row, finding in enumerate(data.findings, start=1):
        values = [finding.severity, finding.code, finding.where, finding.recommendation, finding.action,
                  finding.message, finding.suggestion]
        for col, value in enumerate(values):
            ws.write_string(row, col, inert(value), f.cell)
        _fit_row(ws, row, [(finding.message, 70), (finding.suggestion, 40), (finding.code, 22)])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(data.findings), 1), len(headings) - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


__all__ = ["inert", "write"]
