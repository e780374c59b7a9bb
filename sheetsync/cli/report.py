"""The NPCC progress update."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.cli.app import cli, option
from sheetsync.cli.options import (
    OUTPUT_FILE,
    as_of_option,
    echo,
    overwrite_option,
    plan_argument,
    store_option,
)


def report_formats() -> tuple[str, ...]:
    """--format's choices, from the writers' registry; read only when `report` runs or shows its help."""
    from sheetsync.report.formats import FORMATS

    return FORMATS


@cli.command()
@plan_argument
@option("--format", dest="fmt", choices=report_formats, required=True,
        help="The output format; OUT's suffix must match it.")
@option("-o", "--output", type=OUTPUT_FILE, required=True)
@as_of_option
@option("--since", dest="since", metavar="SNAPSHOT", default=None,
        help="Report what changed since this snapshot (the last return).")
@option("--snapshot", dest="snapshot_id", metavar="ID", default=None,
        help="Report on a stored snapshot instead of the workbook as it is now.")
@store_option
@option("--public", is_flag=True,
        help="The version for the force website: statuses, figures, national texts and redacted updates; "
             "a redaction review is written beside OUT (exit 1 when it lists words kept as suspicious).")
@overwrite_option
def report(plan: Path, fmt: str, output: Path, as_of: date | None, since: str | None, snapshot_id: str | None,
           store: str | None, public: bool, overwrite: bool) -> int:
    """Write the NPCC progress update (or its public version) as Word, Excel, HTML or Markdown."""
    from sheetsync.report.render import render_report

    result = render_report(plan, format=fmt, output=output, as_of=as_of, since=since, snapshot=snapshot_id,
                           store=store, public=public, overwrite=overwrite)
    echo(result.describe())
    return 1 if result.needs_attention else 0
