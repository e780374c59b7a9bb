"""The `docx` format: a Word document. Tables become tables (shape 4) and tab-separated lines (a key/value
rendering saved to Word reads as shape 2); paragraphs become lines (shape 3 and the header block).

Merged cells are read as Word stores them: a horizontally merged cell gives its text once and empty cells for
the columns it spans; a vertically merged cell gives its text on its first row only (faithful to the grid).
The zip is checked for bombs (`sheetsync.safety.check_zip`) before python-docx opens it.
"""

from __future__ import annotations

import io
from typing import Any

from sheetsync.errors import UnreadableFileError
from sheetsync.importers.common import Document, Line, Table
from sheetsync.importers.interfaces import Source
from sheetsync.importers.report import ImportReport


class Docx:
    """A Word document: paragraphs and tables in document order."""

    name = "docx"
    suffixes = (".docx", ".docm")
    binary = True

    def sniff(self, source: Source) -> bool:
        return "word/document.xml" in source.zip_names

    def load(self, source: Source, report: ImportReport) -> Document:
        return _load(source.data, report)


def _load(data: bytes, report: ImportReport) -> Document:
    from docx import Document as open_docx
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    from sheetsync.safety import check_zip

    check_zip(data, path=report.source or "the document")
    try:
        document = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for damaged packages
        raise UnreadableFileError(f"is not a Word document python-docx can open ({type(exc).__name__}: {exc})",
                                  path=report.source, hint="Open it in Word and save it again as .docx") from None
    doc = Document()
    counter = 0
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            counter += 1
            text = Paragraph(child, document).text
            doc.lines.append(Line(no=counter, cells=[text]))
        elif child.tag == qn("w:tbl"):
            table = Table(rows=[], name=f"table {len(doc.tables) + 1}")
            for tr in child.tr_lst:
                counter += 1
                line = Line(no=counter, cells=_row_cells(tr, DocxTable(child, document)), in_table=True)
                table.rows.append(line)
                doc.lines.append(line)
            doc.tables.append(table)
    report.clean("word-paragraphs-and-rows", None, "numbered in document order (paragraphs and table rows)",
                 count=counter)
    return doc


def _row_cells(tr: Any, table: Any) -> list[str]:
    from docx.table import _Cell

    cells: list[str] = [""] * int(getattr(tr, "grid_before", 0) or 0)
    for tc in tr.tc_lst:
        merged_below = tc.vMerge == "continue"
        cells.append("" if merged_below else _Cell(tc, table).text)
        cells.extend([""] * (max(1, int(tc.grid_span)) - 1))
    return cells


FORMAT = Docx()
