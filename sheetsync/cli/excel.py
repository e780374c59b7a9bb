"""The Excel front end: building the macro-enabled workbook and pointing xlwings at this Python."""

from __future__ import annotations

from pathlib import Path

from sheetsync.cli.app import UsageError, cli, option
from sheetsync.cli.options import (
    INPUT_FILE,
    OUTPUT_FILE,
    echo,
)


@cli.group()
def excel() -> None:
    """The Excel front end: build the macro-enabled workbook, point xlwings at this Python."""


@excel.command(name="build")
@option("-o", "--output", type=OUTPUT_FILE, required=True,
        help="The new macro-enabled workbook (.xlsm).")
@option("--force", dest="force_name", metavar="NAME", help="The force's name for the header block.")
@option("--executive-lead", metavar="NAME")
@option("--operational-lead", metavar="NAME")
@option("--from-plan", dest="from_plan", type=INPUT_FILE, default=None,
        help="Fill it from this plan workbook instead of the blank template.")
@option("--into", dest="into", type=INPUT_FILE, default=None,
        help="Put the buttons into this workbook of yours (a copy: OUTPUT); every other part stays as it is.")
@option("--overwrite", is_flag=True, help="Overwrite OUTPUT if it exists.")
def excel_build(output: Path, force_name: str | None, executive_lead: str | None, operational_lead: str | None,
                from_plan: Path | None, into: Path | None, overwrite: bool) -> None:
    """Build ActionPlan.xlsm: the template plus the buttons and their VBA (or, with --into, your own workbook
    plus the buttons, their VBA and a Settings sheet)."""
    if into is not None:
        if from_plan is not None or force_name or executive_lead or operational_lead:
            raise UsageError("--into keeps your workbook as it is: it takes no --from-plan, --force or leads")
        from sheetsync.excel.into import build_into

        echo(f"wrote {build_into(into, output, overwrite=overwrite)}")
        return
    from sheetsync.excel.build import build_xlsm

    path = build_xlsm(output, force=force_name, executive_lead=executive_lead,
                      operational_lead=operational_lead, from_plan=from_plan, overwrite=overwrite)
    echo(f"wrote {path}")


@excel.command(name="setup")
@option("--plain-python", is_flag=True,
        help="Point xlwings at this python itself, not the sheetsync-excel-python launcher (for PCs that "
             "allow only signed programs; each press is then slower).")
@option("--replace", is_flag=True,
        help="Replace an interpreter the xlwings config already names for another Python.")
def excel_setup(plain_python: bool, replace: bool) -> None:
    """Point xlwings at this Python and say what is left to do on Windows and macOS."""
    from sheetsync.excel.setup import setup_excel

    echo(setup_excel(plain_python=plain_python, replace=replace))
