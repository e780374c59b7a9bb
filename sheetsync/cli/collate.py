"""National collation of many forces' plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from sheetsync.cli.app import cli
from sheetsync.cli.options import (
    as_of_option,
    force_option,
    handle_errors,
)


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
