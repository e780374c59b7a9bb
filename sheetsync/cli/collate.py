"""National collation of many forces' plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.cli.app import argument, cli, option
from sheetsync.cli.options import (
    INPUT_FILE,
    OUTPUT_FILE,
    as_of_option,
    echo,
    overwrite_option,
)


@cli.command()
@argument("inputs", nargs="+", type=Path)
@option("-o", "--output", type=OUTPUT_FILE, required=True,
        help="The national table: .xlsx (Plans, By force, Matrix, Data quality, Missing returns), .csv (the "
             "Plans table) or .html (the national page).")
@option("--roster", type=INPUT_FILE, default=None,
        help="A CSV of the forces expected (name, then name variants); default: the 43 territorial forces "
             "of England and Wales and British Transport Police.")
@as_of_option
@overwrite_option
def collate(inputs: tuple[Path, ...], output: Path, roster: Path | None, as_of: date | None,
            overwrite: bool) -> None:
    """Combine forces' plans (files or folders, in any shape import reads) into the national view."""
    from sheetsync.collate import write_collation
    from sheetsync.text import terminal_safe

    result = write_collation(inputs, output, roster=roster, as_of=as_of, overwrite=overwrite)
    for line in result.lines():
        echo(terminal_safe(line))
    echo(terminal_safe(f"wrote {output}"))
