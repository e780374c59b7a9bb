"""The `xlsx` format: an Excel workbook. A workbook in the national grid goes through `sheetsync.reader`
(when present); anything else (reduced or renamed columns, a plan on its own layout) goes through the shared
table logic (shape 4), each sheet a table, read with python-calamine after the zip bomb check.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

from sheetsync.errors import UnreadableFileError
from sheetsync.importers.common import Document, Line, Table, force_from_title
from sheetsync.importers.interfaces import Source
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan


class Xlsx:
    """An Excel or OpenDocument workbook: the national grid through the workbook reader, anything else as
    tables (one per sheet)."""

    name = "xlsx"
    suffixes = (".xlsx", ".xlsm", ".xls", ".ods")
    binary = True

    def sniff(self, source: Source) -> bool:
        if source.is_ole:
            return source.suffix == ".xls"
        return "xl/workbook.xml" in source.zip_names or "content.xml" in source.zip_names

    def load(self, source: Source, report: ImportReport) -> Document | Plan:
        if source.path is not None:
            from sheetsync.importers.workbook_shapes import read_workbook

            plan = read_workbook(source.data, source.path, report)
            if plan is not None:
                if not report.shape:
                    _describe(plan, report)
                return plan
        return _load(source.data, report)


def _describe(plan: Plan, report: ImportReport) -> None:
    """The report of a workbook the reader read whole."""
    report.shape = "workbook"
    if plan.force is None and plan.title and (name := force_from_title(plan.title)):
        plan.force = name
        report.clean("force-from-title", None, f"force name '{name}' taken from the title")
    report.recommendations = len(plan.recommendations)
    report.evidence_rows = sum(len(rec.actions) for rec in plan.recommendations)
    report.header_fields = {k: v for k in ("force", "executive_lead", "operational_lead")
                            if (v := getattr(plan, k))}
    report.title, report.protective_marking = plan.title, plan.protective_marking
    for note in plan.read_notes:
        report.warn(f"{note.sheet}!{note.cell}: {note.message or note.kind}")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _load(data: bytes, report: ImportReport) -> Document:
    from python_calamine import CalamineWorkbook

    from sheetsync.safety import OLE_MAGIC, check_zip

    if data.startswith(OLE_MAGIC):
        from sheetsync.safety import check_workbook

        check_workbook(data, path=report.source or "the workbook")
    else:
        check_zip(data, path=report.source or "the workbook")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise UnreadableFileError(f"is not a workbook that can be read ({exc})", path=report.source,
                                  hint="Open it in Excel and save it again as .xlsx") from None
    doc = Document()
    for name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # one unreadable sheet should not hide the others
            report.warn(f"sheet '{name}' could not be read ({exc})")
            continue
        table = Table(rows=[], name=name)
        for r, values in enumerate(rows, start=1):
            table.rows.append(Line(no=r, cells=[_text(v) for v in values], in_table=True))
        doc.tables.append(table)
        doc.lines.extend(table.rows)
    return doc


FORMAT = Xlsx()
