"""The `csv` format: one table (shape 4), comma-, semicolon- or tab-separated."""

from __future__ import annotations

import csv as _csv
import io

from sheetsync.importers.common import Document, Line, Table, source_text
from sheetsync.importers.interfaces import Source
from sheetsync.importers.report import ImportReport


class Csv:
    """Comma-, semicolon- or tab-separated values: one table."""

    name = "csv"
    suffixes = (".csv",)
    binary = False

    def sniff(self, source: Source) -> bool:
        return _sniff(source.head)

    def load(self, source: Source, report: ImportReport) -> Document:
        return _load(source_text(source, report), report)


def _sniff(text: str) -> bool:
    from sheetsync.importers.tables import column_map

    head = text[:20000]
    try:
        dialect = _csv.Sniffer().sniff(head, delimiters=",;")
        rows = list(_csv.reader(io.StringIO(head), dialect))[:20]
    except _csv.Error:
        return False
    return any(column_map(row) for row in rows)


def _load(text: str, report: ImportReport) -> Document:
    try:
        dialect: type[_csv.Dialect] | _csv.Dialect = _csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
    except _csv.Error:
        dialect = _csv.excel
    table = Table(rows=[], name="csv")
    reader = _csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            table.rows.append(Line(no=reader.line_num, cells=row, in_table=True))
    except _csv.Error as exc:
        report.warn(f"the CSV stops being readable at line {reader.line_num} ({exc}); rows after it were not read")
    return Document(lines=list(table.rows), tables=[table])


FORMAT = Csv()
