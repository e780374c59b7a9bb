"""The owners' round: split (one return per owner) and merge (returns back into the plan)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.cli.app import argument, cli, option
from sheetsync.cli.options import (
    INPUT_FILE,
    OUTPUT_FILE,
    OUTPUT_FOLDER,
    as_of_option,
    echo,
    echo_json,
    json_option,
    overwrite_option,
    plan_argument,
    store_option,
)


@cli.command()
@plan_argument
@option("-o", "--output", type=OUTPUT_FOLDER, required=True, metavar="DIR",
        help="Folder to write the returns into (made if missing).")
@option("--owner", dest="owners", multiple=True, metavar="NAME",
        help="Only this owner's return (repeatable; 'unassigned' for rows nobody owns).")
@as_of_option
@store_option
@option("--overwrite", dest="overwrite", is_flag=True, help="Replace returns of the same names already in DIR.")
@json_option
def split(plan: Path, output: Path, owners: tuple[str, ...], as_of: date | None, store: Path | None,
          overwrite: bool, as_json: bool) -> None:
    """Snapshot PLAN and write one return workbook per owner into DIR, holding only their rows."""
    from sheetsync.round.split import split_plan

    result = split_plan(plan, output=output, owners=owners, as_of=as_of, store=store, overwrite=overwrite)
    if as_json:
        echo_json(result.model_dump(mode="json"))
    else:
        echo(result.describe())


@cli.command()
@plan_argument
@argument("returns", nargs="+", type=INPUT_FILE)
@option("-o", "--output", type=OUTPUT_FILE, default=None,
        help="The merged workbook to write (PLAN itself is never written).")
@option("--dry-run", is_flag=True, help="Say what would be merged; write nothing.")
@option("--snapshot", dest="take_snapshot", is_flag=True, help="Snapshot OUT after merging.")
@store_option
@overwrite_option
@json_option
def merge(plan: Path, returns: tuple[Path, ...], output: Path | None, dry_run: bool, take_snapshot: bool,
          store: Path | None, overwrite: bool, as_json: bool) -> int:
    """Merge owners' RETURNS into a copy of PLAN: three-way per field; conflicts keep the plan's value.

    Exit 0 clean, 1 merged with conflicts or ignored edits, 2 nothing merged.
    """
    from sheetsync.round.merge import merge_returns

    result = merge_returns(plan, returns, output=output, dry_run=dry_run, snapshot=take_snapshot, store=store,
                           overwrite=overwrite)
    if as_json:
        echo_json(result.data())
    else:
        echo(result.describe())
    return result.exit_code
