"""The NPCC progress update and its public version, in every format the registry (`formats.WRITERS`) declares.

`render_report` writes one format, `render_reports` several from one derivation; `FORMATS` lists the formats.
Names are imported on first use, so reading the registry (the CLI's --format choices) stays cheap; writers import
their heavy library (python-docx, XlsxWriter, Jinja2, matplotlib) only when they write.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "FORMATS": "sheetsync.report.formats",
    "WRITERS": "sheetsync.report.formats",
    "Writer": "sheetsync.report.formats",
    "writer_for": "sheetsync.report.formats",
    "ReportResult": "sheetsync.report.render",
    "render_report": "sheetsync.report.render",
    "render_reports": "sheetsync.report.render",
    "review_path": "sheetsync.report.render",
    "write_report": "sheetsync.report.render",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from sheetsync.report.formats import FORMATS as FORMATS
    from sheetsync.report.formats import WRITERS as WRITERS
    from sheetsync.report.formats import Writer as Writer
    from sheetsync.report.formats import writer_for as writer_for
    from sheetsync.report.render import ReportResult as ReportResult
    from sheetsync.report.render import render_report as render_report
    from sheetsync.report.render import render_reports as render_reports
    from sheetsync.report.render import review_path as review_path
    from sheetsync.report.render import write_report as write_report


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sheetsync.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
