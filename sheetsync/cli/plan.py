"""Commands on one plan workbook: template, show, validate, import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.cli.app import cli, option
from sheetsync.cli.options import (
    OUTPUT_FILE,
    as_of_option,
    echo,
    echo_safe,
    echo_safe_json,
    import_formats,
    json_option,
    overwrite_option,
    plan_argument,
    source_argument,
)


@cli.command()
@option("-o", "--output", type=OUTPUT_FILE, required=True,
        help="The new workbook (.xlsx).")
@option("--force", dest="force_name", metavar="NAME", help="The force's name for the header block.")
@option("--executive-lead", metavar="NAME")
@option("--operational-lead", metavar="NAME")
@option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
def template(output: Path, force_name: str | None, executive_lead: str | None, operational_lead: str | None,
             overwrite: bool) -> None:
    """Write a new, blank plan workbook in the national grid."""
    from sheetsync.template import write_template

    path = write_template(output, force=force_name, executive_lead=executive_lead,
                          operational_lead=operational_lead, overwrite=overwrite)
    echo(f"wrote {path}")


@cli.command()
@plan_argument
@json_option
def show(plan: Path, as_json: bool) -> None:
    """Show what sheetsync reads from a plan workbook."""
    from sheetsync.reader import read_plan
    from sheetsync.render_text import plan_summary

    result = read_plan(plan)
    if as_json:
        echo_safe_json(result.canonical_json())
    else:
        echo_safe(plan_summary(result))


@cli.command()
@plan_argument
@option("--format", dest="fmt", choices=["text", "json", "csv"], default="text", show_default=True)
@as_of_option
@option("--ignore", multiple=True, metavar="CODE", help="A finding code to leave out (repeatable).")
def validate(plan: Path, fmt: str, as_of: date | None, ignore: tuple[str, ...]) -> int:
    """Check a plan workbook; exit 1 when it has errors."""
    from sheetsync.reader import read_plan
    from sheetsync.validation import format_findings
    from sheetsync.validation import validate as run_validation

    report = run_validation(read_plan(plan), as_of=as_of, ignore=ignore)
    if fmt == "json":
        echo_safe_json(format_findings(report, fmt).rstrip("\n"))
    else:
        echo_safe(format_findings(report, fmt), nl=False)
    return 0 if report.ok else 1


@cli.command(name="import")
@source_argument
@option("-o", "--output", type=OUTPUT_FILE, required=True,
        help="The new workbook (.xlsx) in the template.")
@option("--from", dest="source_format", choices=import_formats, default=None,
        help="The source's shape (detected when absent).")
@json_option
@overwrite_option
def import_(source: Path, output: Path, source_format: str | None, as_json: bool, overwrite: bool) -> int:
    """Turn a published plan (text, web page, table, Word, Excel) into a workbook in the template."""
    from sheetsync.importers import import_to_workbook

    result = import_to_workbook(source, output, format=source_format, overwrite=overwrite)
    if as_json:
        echo_safe_json(result.report.model_dump_json(indent=2))
    else:
        echo_safe(result.report.summary())
    return 1 if result.report.warnings else 0
