"""The NPCC progress update: `render_report` writes it as Word, Excel, HTML or Markdown (or its public version).

One pipeline for every format: read the plan (or a stored snapshot), validate it, diff it against the last
return when asked, derive every figure once (`report_data.build_report_data`), then lay that out. The writers
live in report_docx / report_xlsx / report_html / report_md; heavy libraries load only in the one that needs them.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel

from sheetsync.collector import collector_paused
from sheetsync.errors import ConfigError
from sheetsync.files import atomic_output
from sheetsync.model import Plan
from sheetsync.report_data import ReportData, build_report_data, long_date

ReportFormat = Literal["docx", "xlsx", "html", "md"]
FORMATS: tuple[str, ...] = get_args(ReportFormat)
_SUFFIXES = {"docx": ".docx", "xlsx": ".xlsx", "html": ".html", "md": ".md"}


class ReportResult(BaseModel):
    """What `render_report` wrote, and the figures a caller may want to print."""

    output: Path
    format: ReportFormat
    public: bool
    force: str
    as_of: date
    has_errors: bool
    error_count: int
    warning_count: int
    total: int
    done: int
    percent_complete: int
    overdue: int
    recommendations: int
    changes: int | None = None

    def describe(self) -> str:
        kind = "public progress update" if self.public else "NPCC progress update"
        text = (f"wrote {self.output} ({kind}, {self.format}): {self.force} as on {long_date(self.as_of)}, "
                f"{self.total} evidence requirements, {self.percent_complete}% complete, {self.overdue} overdue")
        if self.changes is not None:
            text += f", {self.changes} change{'s' if self.changes != 1 else ''} since the last return"
        if self.has_errors:
            text += (f"; the plan has {self.error_count} validation error{'s' if self.error_count != 1 else ''}"
                     " (run 'sheetsync validate')")
        return text


def render_report(plan: Plan | str | os.PathLike[str], *, format: str, output: str | os.PathLike[str],
                  as_of: date | None = None, since: str | None = None, snapshot: str | None = None,
                  store: str | os.PathLike[str] | None = None, public: bool = False,
                  overwrite: bool = False) -> ReportResult:
    """Write the progress update for `plan` (a workbook path or a Plan) to `output` in `format`.

    snapshot: report on that stored snapshot instead of the workbook as it is now. since: add the changes since
    that snapshot (the last return); the period covered then runs from its date to `as_of` (default today).
    """
    with collector_paused():
        return _render_report(plan, format=format, output=output, as_of=as_of, since=since, snapshot=snapshot,
                              store=store, public=public, overwrite=overwrite)


def _render_report(plan: Plan | str | os.PathLike[str], *, format: str, output: str | os.PathLike[str],
                   as_of: date | None, since: str | None, snapshot: str | None,
                   store: str | os.PathLike[str] | None, public: bool, overwrite: bool) -> ReportResult:
    fmt = _check_format(format)
    as_of = as_of or date.today()
    plan_path = None if isinstance(plan, Plan) else Path(plan)
    if isinstance(plan, Plan) and plan.source and Path(plan.source).is_file():
        plan_path = Path(plan.source)
    if (since or snapshot) and plan_path is None:
        raise ConfigError("--since and --snapshot need the plan's workbook, whose snapshots the store holds",
                          hint="Pass the workbook path rather than a plan in memory")
    current = _load(plan, plan_path, snapshot=snapshot, store=store)

    changes = None
    period_start = None
    if since and plan_path is not None:
        from sheetsync.diff import diff_plans
        from sheetsync.store import load_plan

        changes = diff_plans(load_plan(plan_path, since, store=store), current)
        period_start = _snapshot_date(plan_path, since, store)

    # A workbook read from disk (no snapshot, no diff) gives the same figures for every format: derive them once
    # per process, keyed like the read itself, so writing all four formats validates the plan once.
    read_key = _read_key(plan_path) if plan_path is not None and not (since or snapshot) else None
    data_key = None if read_key is None or _LAST_READ.get(read_key) is not current else (read_key, as_of, public)
    data = _LAST_DATA.get(data_key) if data_key is not None else None
    if data is None:
        from sheetsync.validation import validate

        validation = validate(current, as_of=as_of)
        data = build_report_data(current, as_of=as_of, public=public, validation=validation, changes=changes,
                                 period_start=period_start, snapshot=snapshot)
        if data_key is not None:
            _LAST_DATA.clear()
            _LAST_DATA[data_key] = data
    write_report(data, format=fmt, output=output, overwrite=overwrite,
                 protect=() if plan_path is None else (plan_path,))
    return ReportResult(
        output=Path(output), format=fmt, public=public, force=data.force, as_of=as_of,
        has_errors=data.error_count > 0, error_count=data.error_count, warning_count=data.warning_count,
        total=data.total, done=data.done, percent_complete=data.percent_complete, overdue=data.overdue,
        recommendations=len(data.recommendations), changes=None if data.changes is None else len(data.changes))


def write_report(data: ReportData, *, format: str, output: str | os.PathLike[str], overwrite: bool = False,
                 protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Lay out already-derived report data in one format, atomically (never over an existing file unless asked)."""
    fmt = _check_format(format)
    with collector_paused(), atomic_output(output, overwrite=overwrite, protect=protect) as tmp:
        if fmt == "md":
            from sheetsync.report_md import render_markdown

            tmp.write_text(render_markdown(data), encoding="utf-8")
            return Path(output)
        from sheetsync.chart import status_chart_png

        chart = status_chart_png(data)
        if fmt == "html":
            from sheetsync.report_html import render_html

            tmp.write_text(render_html(data, chart), encoding="utf-8")
        elif fmt == "docx":
            from sheetsync.report_docx import write_docx

            write_docx(data, chart, tmp)
        else:
            from sheetsync.report_xlsx import write_xlsx

            write_xlsx(data, chart, tmp)
    return Path(output)


def _check_format(format: str) -> ReportFormat:
    if format not in FORMATS:
        raise ConfigError(f"{format!r} is not a report format", hint=f"Use one of {', '.join(FORMATS)}")
    return format  # type: ignore[return-value]


def _load(plan: Plan | str | os.PathLike[str], plan_path: Path | None, *, snapshot: str | None,
          store: str | os.PathLike[str] | None) -> Plan:
    if snapshot and plan_path is not None:
        from sheetsync.store import load_plan

        return load_plan(plan_path, snapshot, store=store)
    if isinstance(plan, Plan):
        return plan
    return _read_cached(Path(plan))


_LAST_READ: dict[tuple[str, int, int], Plan] = {}
_LAST_DATA: dict[tuple[tuple[str, int, int], date, bool], ReportData] = {}


def _read_key(path: Path) -> tuple[str, int, int] | None:
    """The workbook's identity for the caches below: its path, modification time and size (None if unreadable)."""
    try:
        stat = path.stat()
        return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return None


def _read_cached(path: Path) -> Plan:
    """read_plan, remembering the last workbook read (keyed on its path, size and modification time), so that
    writing several formats in one process reads the workbook once."""
    from sheetsync.reader import read_plan

    key = _read_key(path)
    if key is None:
        return read_plan(path)  # let the reader word the error
    if key not in _LAST_READ:
        _LAST_READ.clear()
        _LAST_READ[key] = read_plan(path)
    return _LAST_READ[key]


def _snapshot_date(plan_path: Path, snapshot_id: str, store: str | os.PathLike[str] | None) -> date | None:
    """The day the snapshot was taken (the last return), or None when the store cannot say."""
    from sheetsync.store import history

    for info in history(plan_path, store=store):
        ident = str(getattr(info, "id", "") or "")
        if not ident or not (ident == snapshot_id or ident.startswith(snapshot_id)):
            continue
        for name in ("taken_at", "created_at", "when", "timestamp", "at", "date", "time"):
            value = getattr(info, name, None)
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
            if isinstance(value, str):
                try:
                    return datetime.fromisoformat(value).date()
                except ValueError:
                    continue
    return None


__all__ = ["FORMATS", "ReportFormat", "ReportResult", "render_report", "write_report"]
