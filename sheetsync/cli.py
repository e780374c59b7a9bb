"""The `sheetsync` command line: each command parses its options, makes one library call, formats the result.

No business logic lives here. Library modules are imported inside the commands so that `sheetsync --help` and
quick commands start fast. Exit codes: 0 success, 1 the command worked and found problems, 2 it could not proceed.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from sheetsync.errors import SheetsyncError

F = TypeVar("F", bound=Callable[..., Any])

FORMATS_DETECTED = ("text", "markdown", "html", "csv", "docx", "xlsx")

def _parse_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-03-27") from None


# Shared options: the same words in every command.
def plan_argument(f: F) -> F:
    return click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))(f)


def store_option(f: F) -> F:
    return click.option("--store", "store", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Snapshot store (SQLite file). Default: SHEETSYNC_STORE, else "
                             "'.sheetsync/snapshots.db' beside the workbook.")(f)


def as_of_option(f: F) -> F:
    return click.option("--as-of", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
                        help="Judge deadlines and dates as on this day (default: today).")(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def force_option(f: F) -> F:
    return click.option("--force", "overwrite", is_flag=True, help="Overwrite OUT if it exists.")(f)


def handle_errors(f: F) -> F:
    """Turn a SheetsyncError into one line on stderr and exit code 2; never a traceback for bad input."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except SheetsyncError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sheetsync")
def cli() -> None:
    """sheetsync: keep a force's Police Stalking Action Plan honest, current and reportable.

    Excel stays the front end; sheetsync validates the grid, keeps dated snapshots, and writes the NPCC
    progress update. Run 'sheetsync COMMAND -h' for any command.
    """


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The new workbook (.xlsx).")
@click.option("--force", "force_name", metavar="NAME", help="The force's name for the header block.")
@click.option("--executive-lead", metavar="NAME")
@click.option("--operational-lead", metavar="NAME")
@click.option("--overwrite", is_flag=True, help="Overwrite OUTPUT if it exists.")
@handle_errors
def template(output: Path, force_name: str | None, executive_lead: str | None, operational_lead: str | None,
             overwrite: bool) -> None:
    """Write a new, blank plan workbook in the national grid."""
    from sheetsync.template import write_template

    path = write_template(output, force=force_name, executive_lead=executive_lead,
                          operational_lead=operational_lead, overwrite=overwrite)
    click.echo(f"wrote {path}")


@cli.command()
@plan_argument
@json_option
@handle_errors
def show(plan: Path, as_json: bool) -> None:
    """Show what sheetsync reads from a plan workbook."""
    from sheetsync.reader import read_plan
    from sheetsync.render_text import plan_summary

    result = read_plan(plan)
    click.echo(result.canonical_json() if as_json else plan_summary(result))


@cli.command()
@plan_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@as_of_option
@click.option("--ignore", multiple=True, metavar="CODE", help="A finding code to leave out (repeatable).")
@handle_errors
def validate(plan: Path, fmt: str, as_of: date | None, ignore: tuple[str, ...]) -> None:
    """Check a plan workbook; exit 1 when it has errors."""
    from sheetsync.reader import read_plan
    from sheetsync.validation import format_findings
    from sheetsync.validation import validate as run_validation

    report = run_validation(read_plan(plan), as_of=as_of, ignore=ignore)
    click.echo(format_findings(report, fmt), nl=False)
    sys.exit(0 if report.ok else 1)


@cli.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The new workbook (.xlsx) in the template.")
@click.option("--from", "source_format", type=click.Choice(FORMATS_DETECTED), default=None,
              help="The source's shape (detected when absent).")
@json_option
@force_option
@handle_errors
def import_(source: Path, output: Path, source_format: str | None, as_json: bool, overwrite: bool) -> None:
    """Turn a published plan (text, web page, table, Word, Excel) into a workbook in the template."""
    from sheetsync.importers import import_to_workbook

    result = import_to_workbook(source, output, format=source_format, overwrite=overwrite)
    click.echo(result.report.model_dump_json(indent=2) if as_json else result.report.summary())
    sys.exit(1 if result.report.warnings else 0)


@cli.command()
@plan_argument
@click.option("-m", "--message", default=None, help="What this snapshot is (e.g. 'March return').")
@click.option("--who", default=None, help="Who is taking it (default: your login name).")
@store_option
@click.option("--require-valid", is_flag=True, help="Refuse to snapshot a plan that has validation errors.")
@as_of_option
@json_option
@handle_errors
def snapshot(plan: Path, message: str | None, who: str | None, store: Path | None, require_valid: bool,
             as_of: date | None, as_json: bool) -> None:
    """Record the workbook as it is now in the snapshot store."""
    from sheetsync.store import snapshot as take_snapshot

    result = take_snapshot(plan, message=message, who=who, store=store, require_valid=require_valid, as_of=as_of)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(result.describe())


@cli.command()
@plan_argument
@store_option
@json_option
@handle_errors
def history(plan: Path, store: Path | None, as_json: bool) -> None:
    """List a plan's snapshots, newest first."""
    from sheetsync.store import format_history
    from sheetsync.store import history as list_history

    entries = list_history(plan, store=store)
    if as_json:
        _echo_json([entry.model_dump(mode="json") for entry in entries])
    else:
        click.echo(format_history(entries), nl=False)


@cli.command()
@plan_argument
@click.argument("from_id", metavar="[FROM", required=False)
@click.argument("to_id", metavar="[TO]]", required=False)
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@click.option("--html", "as_html", is_flag=True, help="Print the diff as an HTML page.")
@handle_errors
def diff(plan: Path, from_id: str | None, to_id: str | None, store: Path | None, as_json: bool,
         as_html: bool) -> None:
    """What changed between two snapshots (default: the two newest; TO may be 'current')."""
    from sheetsync.diff import format_diff
    from sheetsync.store import diff_snapshots

    result = diff_snapshots(plan, from_id, to_id, store=store)
    click.echo(format_diff(result, "json" if as_json else "html" if as_html else "text"), nl=False)


@cli.command()
@plan_argument
@click.argument("snapshot_id", metavar="SNAPSHOT")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@store_option
@force_option
@handle_errors
def restore(plan: Path, snapshot_id: str, output: Path, store: Path | None, overwrite: bool) -> None:
    """Write the exact workbook bytes of a snapshot to a new file.

    If this Python's zlib deflates differently from the one that took the snapshot, write the workbook with the
    same parts and contents (every part checked against its recorded hash) and say so; refuse only when content
    fails its hash.
    """
    from sheetsync.store import restore_snapshot

    result = restore_snapshot(plan, snapshot_id, output=output, store=store, overwrite=overwrite)
    click.echo(result.describe())


@cli.command()
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path), required=False)
@store_option
@click.option("--deep", is_flag=True, help="Also rebuild every workbook's exact bytes and check the file's hash "
                                           "(slow: deflates every workbook again).")
@json_option
@handle_errors
def verify(plan: Path | None, store: Path | None, deep: bool, as_json: bool) -> None:
    """Check the snapshot store's hash chain and every stored hash; exit 1 naming what is wrong.

    By default every workbook's content is checked part by part against its recorded hashes, which proves it
    intact whatever zlib this Python has. --deep also rebuilds each workbook's exact bytes; where this zlib
    deflates differently but the content checks out, that is a note, not a problem.
    """
    from sheetsync.store import verify as verify_store

    result = verify_store(plan, store=store, deep=deep)
    click.echo(result.model_dump_json(indent=2) if as_json else result.describe())
    sys.exit(0 if result.ok else 1)


@cli.command()
@plan_argument
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "html", "md"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@as_of_option
@click.option("--since", "since", metavar="SNAPSHOT", default=None,
              help="Report what changed since this snapshot (the last return).")
@click.option("--snapshot", "snapshot_id", metavar="ID", default=None,
              help="Report on a stored snapshot instead of the workbook as it is now.")
@store_option
@click.option("--public", is_flag=True, help="The version for the force website: no names, no internal annex.")
@force_option
@handle_errors
def report(plan: Path, fmt: str, output: Path, as_of: date | None, since: str | None, snapshot_id: str | None,
           store: Path | None, public: bool, overwrite: bool) -> None:
    """Write the NPCC progress update (or its public version) as Word, Excel, HTML or Markdown."""
    from sheetsync.report import render_report

    result = render_report(plan, format=fmt, output=output, as_of=as_of, since=since, snapshot=snapshot_id,
                           store=store, public=public, overwrite=overwrite)
    click.echo(result.describe())
    sys.exit(1 if result.has_errors else 0)


@cli.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The national table: .csv or .xlsx (a 'Plans' sheet and a 'By force' sheet).")
@as_of_option
@force_option
@handle_errors
def collate(plans: tuple[Path, ...], output: Path, as_of: date | None, overwrite: bool) -> None:
    """Combine many forces' plan workbooks into one table (for national collators and analysts)."""
    from sheetsync.frames import write_collation

    click.echo(write_collation(plans, output, as_of=as_of, overwrite=overwrite))


@cli.group()
def excel() -> None:
    """The Excel front end: build the macro-enabled workbook, point xlwings at this Python."""


@excel.command(name="build")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The new macro-enabled workbook (.xlsm).")
@click.option("--force", "force_name", metavar="NAME", help="The force's name for the header block.")
@click.option("--executive-lead", metavar="NAME")
@click.option("--operational-lead", metavar="NAME")
@click.option("--from-plan", "from_plan", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fill it from this plan workbook instead of the blank template.")
@click.option("--overwrite", is_flag=True, help="Overwrite OUTPUT if it exists.")
@handle_errors
def excel_build(output: Path, force_name: str | None, executive_lead: str | None, operational_lead: str | None,
                from_plan: Path | None, overwrite: bool) -> None:
    """Build ActionPlan.xlsm: the template plus the buttons and their VBA."""
    from sheetsync.xlsm import build_xlsm

    path = build_xlsm(output, force=force_name, executive_lead=executive_lead,
                      operational_lead=operational_lead, from_plan=from_plan, overwrite=overwrite)
    click.echo(f"wrote {path}")


@excel.command(name="setup")
@handle_errors
def excel_setup() -> None:
    """Point xlwings at this Python and say what is left to do on Windows and macOS."""
    from sheetsync.xlsm import setup_excel

    click.echo(setup_excel())


@cli.command()
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for everything the demo writes.")
@click.option("--sample", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The plan to run on (default: the bundled sample).")
@as_of_option
@handle_errors
def demo(outdir: Path, sample: Path | None, as_of: date | None) -> None:
    """The main job on the bundled sample plan: import, validate, snapshot, report; outputs in one folder."""
    from sheetsync.demo import run_demo

    for line in run_demo(outdir, sample=sample, as_of=as_of):
        click.echo(line)


def main() -> None:
    # A command makes few objects worth collecting: collect rarely (the default, every 700 allocations, spends
    # ~15 ms of a cold start walking the objects that importing pydantic creates), and not at all at exit.
    gc.set_threshold(100_000, 50, 100)
    # This process is ours: skip pydantic's scan of installed packages for plugins (about 25 ms of every
    # start). A user who relies on a pydantic plugin can still set PYDANTIC_DISABLE_PLUGINS themselves.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        cli(prog_name="sheetsync")
    finally:
        # The command is done: skip the collector's passes over every object at interpreter shutdown (about
        # 0.4 s once matplotlib and numpy are loaded). Modules are still torn down and atexit handlers run.
        gc.disable()
        gc.freeze()


if __name__ == "__main__":
    main()
