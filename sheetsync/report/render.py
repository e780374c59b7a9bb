"""The pipeline every format shares: read the plan (or a stored snapshot), validate it, diff it against the last
return when asked, derive every figure once (`data.build_report_data`, or `public.build_public_data` for the
website version), then hand that to each format's writer from the registry (`formats.WRITERS`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from sheetsync.errors import ConfigError, OutputExistsError, SheetsyncError, SnapshotNotFoundError
from sheetsync.files import atomic_output, write_text_atomic
from sheetsync.model import Plan
from sheetsync.report.data import ReportData, build_report_data, long_date
from sheetsync.report.formats import Writer, check_suffix, writer_for


class ReportResult(BaseModel):
    """What `render_report` wrote, and the figures a caller may want to print."""

    output: Path
    format: str
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
    review: Path | None = None  # the public version's redaction review, written beside it
    removed: int = 0
    suspicious: int = 0

    def describe(self) -> str:
        kind = "public progress update" if self.public else "NPCC progress update"
        text = (f"wrote {self.output} ({kind}, {self.format}): {self.force} as on {long_date(self.as_of)}, "
                f"{self.total} evidence requirements, {self.percent_complete}% complete, {self.overdue} overdue")
        if self.changes is not None:
            text += f", {self.changes} change{'s' if self.changes != 1 else ''} since the last return"
        if self.has_errors:
            text += (f"; the plan has {self.error_count} validation error{'s' if self.error_count != 1 else ''}"
                     " (run 'sheetsync validate')")
        if self.review is not None:
            text += f"; redaction review {self.review}: {self.removed} removed"
            if self.suspicious:
                text += (f", {self.suspicious} kept but suspicious: check them before publishing")
        return text

    @property
    def needs_attention(self) -> bool:
        """Exit 1: validation errors, or a public version with words kept that may name someone."""
        return self.has_errors or self.suspicious > 0


@dataclass(frozen=True, slots=True)
class _Prepared:
    data: ReportData
    review_text: str | None
    removed: int
    suspicious: int


def render_report(plan: Plan | str | os.PathLike[str], *, format: str, output: str | os.PathLike[str],
                  as_of: date | None = None, since: str | None = None, snapshot: str | None = None,
                  store: str | os.PathLike[str] | None = None, public: bool = False,
                  overwrite: bool = False) -> ReportResult:
    """Write the progress update for `plan` (a workbook path or a Plan) to `output` in `format`.

    snapshot: report on that stored snapshot instead of the workbook as it is now. since: add the changes since
    that snapshot (the last return); the period covered then runs from its date to `as_of` (default today).
    public: the version for the force website, with its redaction review written beside it.
    """
    return render_reports(plan, outputs=[(format, output)], as_of=as_of, since=since, snapshot=snapshot,
                          store=store, public=public, overwrite=overwrite)[0]


def render_reports(plan: Plan | str | os.PathLike[str], *,
                   outputs: Sequence[tuple[str, str | os.PathLike[str]]], as_of: date | None = None,
                   since: str | None = None, snapshot: str | None = None,
                   store: str | os.PathLike[str] | None = None, public: bool = False,
                   overwrite: bool = False) -> list[ReportResult]:
    """Write the same update in several formats, `outputs` being (format, path) pairs: the plan is read,
    validated and derived once, and the chart drawn once, whatever the number of formats."""
    jobs = [(writer_for(fmt), Path(out)) for fmt, out in outputs]
    for writer, out in jobs:
        check_suffix(writer, out)
        for target in (out, review_path(out)) if public else (out,):
            if not overwrite and target.exists():  # before anything is written: no review without its report
                raise OutputExistsError("already exists", path=target, hint="Choose another name or pass --overwrite")
    as_of = as_of or date.today()
    plan_path = None if isinstance(plan, Plan) else Path(plan)
    if isinstance(plan, Plan) and plan.source and Path(plan.source).is_file():
        plan_path = Path(plan.source)
    prepared = _prepare(plan, plan_path, as_of=as_of, since=since, snapshot=snapshot, store=store, public=public)
    data = prepared.data
    chart = None
    if any(writer.needs_chart for writer, _ in jobs):
        from sheetsync.report.chart import status_chart_png

        chart = status_chart_png(data)
    protect = () if plan_path is None else (plan_path,)
    results = []
    for writer, out in jobs:
        write_report(data, format=writer.format, output=out, overwrite=overwrite, protect=protect, chart=chart)
        review = None
        if prepared.review_text is not None:  # a public report and its review exist together, or neither does
            review = review_path(out)
            try:
                write_text_atomic(review, prepared.review_text, overwrite=overwrite, protect=protect)
            except BaseException:
                out.unlink(missing_ok=True)
                raise
        results.append(ReportResult(
            output=out, format=writer.format, public=public, force=data.force, as_of=as_of,
            has_errors=data.error_count > 0, error_count=data.error_count, warning_count=data.warning_count,
            total=data.total, done=data.done, percent_complete=data.percent_complete, overdue=data.overdue,
            recommendations=len(data.recommendations),
            changes=None if data.changes is None else len(data.changes),
            review=review, removed=prepared.removed, suspicious=prepared.suspicious))
    return results


def review_path(output: str | os.PathLike[str]) -> Path:
    """Where the redaction review of a public output goes: beside it, named after it."""
    out = Path(output)
    return out.with_name(f"{out.name}.redaction-review.txt")


def write_report(data: ReportData, *, format: str, output: str | os.PathLike[str], overwrite: bool = False,
                 protect: tuple[str | os.PathLike[str], ...] = (), chart: bytes | None = None) -> Path:
    """Lay out already-derived report data in one format, atomically (never over an existing file unless asked).
    `chart`: the chart's PNG when the caller has drawn it already."""
    writer: Writer = writer_for(format)
    if writer.needs_chart and chart is None:
        from sheetsync.report.chart import status_chart_png

        chart = status_chart_png(data)
    with atomic_output(output, overwrite=overwrite, protect=protect) as tmp:
        writer.write(data, chart if writer.needs_chart else None, tmp)
    return Path(output)


def _prepare(plan: Plan | str | os.PathLike[str], plan_path: Path | None, *, as_of: date, since: str | None,
             snapshot: str | None, store: str | os.PathLike[str] | None, public: bool) -> _Prepared:
    if (since or snapshot) and plan_path is None:
        raise ConfigError("--since and --snapshot need the plan's workbook, whose snapshots the store holds",
                          hint="Pass the workbook path rather than a plan in memory")
    from sheetsync.validation import validate

    current = _load(plan, plan_path, snapshot=snapshot, store=store)
    earlier = None
    changes = None
    period_start = None
    if since and plan_path is not None:
        from sheetsync.diff import diff_plans
        from sheetsync.snapshots import load_plan

        taken = _snapshot_taken(plan_path, since, store)
        earlier = load_plan(plan_path, taken.id, store=store)
        changes = diff_plans(earlier, current)
        period_start = taken.created_at.date()
    validation = validate(current, as_of=as_of)
    notes = () if plan_path is None else (chain_head_note(plan_path, store),)
    if public:
        from sheetsync.report.public import build_public_data

        public_data = build_public_data(current, as_of=as_of, validation=validation, changes=changes,
                                        earlier=earlier, period_start=period_start, snapshot=snapshot,
                                        extra_notes=notes)
        return _Prepared(public_data.data, public_data.review.text(), len(public_data.review.removals),
                         len(public_data.review.suspects))
    data = build_report_data(current, as_of=as_of, validation=validation, changes=changes,
                             period_start=period_start, snapshot=snapshot, extra_notes=notes)
    return _Prepared(data, None, 0, 0)


def chain_head_note(plan_path: Path, store: str | os.PathLike[str] | None) -> str:
    """The snapshot store's chain head as a note: kept in the report, outside the store, it lets `sheetsync verify
    --head HASH` prove later that no snapshot up to it was removed or rewritten."""
    from sheetsync.snapshots import chain_head

    try:
        head = chain_head(plan_path, store=store)
    except SheetsyncError as exc:  # the report does not need the store: say why there is no head, and go on
        return f"Snapshot chain head: not available ({exc})"
    if head is None:
        return "Snapshot chain head: none (no snapshots have been taken in this plan's store)."
    return (f"Snapshot chain head when this report was written: snapshot {head.id}, hash {head.hash}. Keep this "
            "line: 'sheetsync verify --head HASH' proves later that no snapshot up to it was removed or rewritten.")


def _load(plan: Plan | str | os.PathLike[str], plan_path: Path | None, *, snapshot: str | None,
          store: str | os.PathLike[str] | None) -> Plan:
    if snapshot and plan_path is not None:
        from sheetsync.snapshots import load_plan

        return load_plan(plan_path, snapshot, store=store)
    if isinstance(plan, Plan):
        return plan
    from sheetsync.reader import read_plan

    return read_plan(Path(plan))


class _Taken(Protocol):
    """What the report needs of a line of the store's public `history` (its SnapshotInfo)."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


def _snapshot_taken(plan_path: Path, wanted: str, store: str | os.PathLike[str] | None) -> _Taken:
    """The snapshot `--since` names, by exact id ("14", "#14") or "latest", from the store's public history."""
    from sheetsync.snapshots import history

    text = wanted.strip().removeprefix("#")
    entries = history(plan_path, store=store)
    if text.casefold() == "latest":
        if entries:
            return entries[0]
        raise SnapshotNotFoundError("has no snapshots in this store", path=plan_path,
                                    hint="Take one with 'sheetsync snapshot', or name the store with --store")
    if not (text.isascii() and text.isdigit()):
        raise SnapshotNotFoundError(f"{wanted!r} is not a snapshot id", path=plan_path,
                                    hint="Use a number from 'sheetsync history', or 'latest'")
    number = int(text)
    for entry in entries:
        if entry.id == number:
            return entry
    raise SnapshotNotFoundError(f"snapshot {number} is not one of this plan's snapshots", path=plan_path,
                                hint="'sheetsync history' lists them")


__all__ = ["ReportResult", "render_report", "render_reports", "review_path", "write_report"]
