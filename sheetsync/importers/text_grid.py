"""Shape 1: the plan grid pasted as text: tab-separated cells whose count varies from row to row.

Rows are realigned by meaning, not position: the evidence id is found (alone, or with its text in one cell), the
owner and update follow it, and in the cells after the update a status-like or date-like cell says whether the
Date cell was dropped. `<p>` fragments, entities, blank lines, marking lines and repeated heading rows are cleaned
and counted.
"""

from __future__ import annotations

from sheetsync.columns import match_heading
from sheetsync.importers.build import PlanBuilder, Row
from sheetsync.importers.common import (
    CellCleaner,
    Document,
    Line,
    drop_trailing_empty,
    header_field,
    is_title,
    marking_of,
    rec_number,
    split_id,
)
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan
from sheetsync.text import is_page_furniture

_NAME = "text-grid"


def is_heading_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    fields = {match_heading(c) for c in filled}
    fields.discard(None)
    return len(filled) >= 3 and len(fields) >= 3 and len(fields) >= len(filled) - 1


def _candidate(doc: Document) -> bool:
    """Worth trying: several lines with tabs, some of them holding an evidence id."""
    tabbed = [line for line in doc.lines if len(line.cells) >= 3]
    return len(tabbed) >= 2 and any(split_id(c) for line in tabbed for c in line.cells[:4] if c.strip())


def _parse(doc: Document, report: ImportReport) -> Plan:
    builder = PlanBuilder(report)
    clean = CellCleaner(report)
    seen_heading = False
    for line in doc.lines:
        cells = [clean(c, line.no) for c in line.cells]
        if not any(cells):
            report.clean("blank-lines-dropped", line.no)
            continue
        filled = [c for c in cells if c]
        if len(filled) == 1 and (len(cells) <= 2 or not seen_heading) and _single(
                filled[0], line.no, builder, report, seen_heading):
            continue
        field = header_field(cells)
        if field is not None and not seen_heading:
            builder.header(*field, line.no)
            continue
        if is_heading_row(cells):
            if seen_heading:
                report.clean("repeated-headings-dropped", line.no, "heading rows repeated at page breaks")
            seen_heading = True
            continue
        row = _row(cells, line, report)
        if row is None:
            report.skip(line.no, line.text, "no evidence id or recommendation number in this row", lost=True)
            continue
        builder.add(row)
    return builder.finish(shape=_NAME)


def _single(text: str, no: int, builder: PlanBuilder, report: ImportReport, seen_heading: bool) -> bool:
    """Handle a line with one filled cell (title, marking, page number, header field); False if it is a row."""
    marking = marking_of(text)
    if marking:
        builder.marking(marking, no)
        return True
    if is_page_furniture(text):
        report.clean("page-furniture-dropped", no, "page numbers")
        return True
    field = header_field([text])
    if field is not None and not seen_heading:
        builder.header(*field, no)
        return True
    if is_title(text) and builder.plan.title is None and not seen_heading:
        builder.title(text)
        return True
    if split_id(text) or rec_number(text):
        return False
    report.skip(no, text, "a line that is not part of the grid" if seen_heading else "text before the grid")
    return True


def _row(cells: list[str], line: Line, report: ImportReport) -> Row | None:
    # The evidence id: the first of the leading cells that starts with "7.1".
    k = next((i for i, c in enumerate(cells[:5]) if c and split_id(c)), None)
    row = Row(line=line.no)
    lead = cells[: k if k is not None else min(2, len(cells))]
    for cell in lead:
        if not cell:
            continue
        number = rec_number(cell)
        if number is not None and row.rec_number is None and row.rec_text is None:
            row.rec_number = number
        elif row.rec_text is None:
            row.rec_text = cell
        else:
            report.skip(line.no, cell, "an extra cell before the evidence id")
    if k is None:
        if row.rec_number is None:
            return None
        rest = [c for c in cells[len(lead):] if c]
        if rest:
            report.skip(line.no, " | ".join(rest), f"cells of recommendation {row.rec_number}'s row with no "
                        "evidence id", lost=True)
        return row
    parts = split_id(cells[k])
    assert parts is not None
    row.action_id, text = parts
    if text:
        nxt = k + 1
        row.evidence = text
        report.clean("ids-split-from-text", line.no, "evidence id and text in one cell, split")
    else:
        row.evidence = cells[k + 1] if k + 1 < len(cells) else ""
        nxt = k + 2
    row.owner = cells[nxt] if nxt < len(cells) else ""
    row.update = cells[nxt + 1] if nxt + 1 < len(cells) else ""
    _tail(row, drop_trailing_empty(cells[nxt + 2:]), line.no, report)
    return row


def _is_status(text: str) -> bool:
    from sheetsync.vocabulary import normalise

    return bool(text) and normalise(text).ok


def _date_like(text: str) -> bool:
    from sheetsync.dates import parse_date

    return parse_date(text).how not in ("invalid", "empty")


def _tail(row: Row, tail: list[str], no: int, report: ImportReport) -> None:
    """Date, Status and Supporting Documents from the cells after the update, by meaning."""
    if not tail:
        return
    first = tail[0]
    second = tail[1] if len(tail) > 1 else ""
    if first and not _date_like(first) and (_is_status(first) or not _is_status(second)):
        # The empty Date cell was dropped: the status sits in the Date position.
        row.status = first
        rest = tail[1:]
        report.clean("cells-realigned", no, "status found in the Date position (the empty Date cell was dropped)")
    else:
        row.date = first
        row.status = second
        rest = tail[2:]
    docs = [c for c in rest if c]
    if docs:
        row.supporting_documents = docs[0]
        for extra in docs[1:]:
            report.skip(no, extra, f"{row.action_id}: a cell beyond Supporting Documents", lost=True)


class TextGrid:
    """The plan grid pasted as text, cells realigned by meaning."""

    name = _NAME

    def sniff(self, doc: Document) -> bool:
        return _candidate(doc)

    def load(self, doc: Document, report: ImportReport) -> Plan:
        return _parse(doc, report)


SHAPE = TextGrid()
