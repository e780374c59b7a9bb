"""Commands on the snapshot store: snapshot, history, diff, restore, verify."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.cli.app import argument, cli, option
from sheetsync.cli.options import (
    INPUT_FILE,
    OUTPUT_FILE,
    as_of_option,
    echo,
    echo_json,
    json_option,
    overwrite_option,
    plan_argument,
    store_option,
)
from sheetsync.text import terminal_safe


@cli.command()
@plan_argument
@option("-m", "--message", default=None, help="What this snapshot is (e.g. 'March return').")
@option("--who", default=None, help="Who is taking it (default: your login name).")
@store_option
@option("--require-valid", is_flag=True, help="Refuse to snapshot a plan that has validation errors.")
@as_of_option
@json_option
def snapshot(plan: Path, message: str | None, who: str | None, store: str | None, require_valid: bool,
             as_of: date | None, as_json: bool) -> None:
    """Record the workbook as it is now in the snapshot store."""
    from sheetsync.snapshots import snapshot as take_snapshot

    result = take_snapshot(plan, message=message, who=who, store=store, require_valid=require_valid, as_of=as_of)
    if as_json:
        echo(result.model_dump_json(indent=2))
    else:
        echo(terminal_safe(result.describe()))


@cli.command()
@plan_argument
@store_option
@json_option
def history(plan: Path, store: str | None, as_json: bool) -> None:
    """List a plan's snapshots, newest first."""
    from sheetsync.snapshots import format_history
    from sheetsync.snapshots import history as list_history

    entries = list_history(plan, store=store)
    if as_json:
        echo_json([entry.model_dump(mode="json") for entry in entries])
    else:
        echo(terminal_safe(format_history(entries)), nl=False)


@cli.command()
@plan_argument
@argument("from_id", metavar="FROM", nargs="?")
@argument("to_id", metavar="TO", nargs="?")
@store_option
@option("--json", dest="as_json", is_flag=True, help="Print the diff as JSON.")
@option("--html", dest="as_html", is_flag=True, help="Print the diff as an HTML page.")
def diff(plan: Path, from_id: str | None, to_id: str | None, store: str | None, as_json: bool,
         as_html: bool) -> None:
    """What changed between two snapshots (default: the two newest; TO may be 'current')."""
    from sheetsync.diff import format_diff
    from sheetsync.snapshots import diff_snapshots

    result = diff_snapshots(plan, from_id, to_id, store=store)
    text = format_diff(result, "json" if as_json else "html" if as_html else "text")
    echo(text if as_json or as_html else terminal_safe(text), nl=False)


@cli.command()
@plan_argument
@argument("snapshot_id", metavar="SNAPSHOT")
@option("-o", "--output", type=OUTPUT_FILE, required=True)
@store_option
@overwrite_option
def restore(plan: Path, snapshot_id: str, output: Path, store: str | None, overwrite: bool) -> None:
    """Write the exact workbook bytes of a snapshot to a new file.

    If this Python's zlib deflates differently from the one that took the snapshot, write the workbook with the
    same parts and contents (every part checked against its recorded hash) and say so; refuse only when content
    fails its hash.
    """
    from sheetsync.snapshots import restore_snapshot

    result = restore_snapshot(plan, snapshot_id, output=output, store=store, overwrite=overwrite)
    echo(terminal_safe(result.describe()))


@cli.command()
@argument("plan", type=INPUT_FILE, nargs="?")
@store_option
@option("--deep", is_flag=True, help="Also rebuild every workbook's exact bytes and check the file's hash "
                                     "(slow: deflates every workbook again).")
@option("--head", dest="heads", multiple=True, metavar="HASH",
        help="A chain head kept elsewhere (as 'snapshot' printed it, or a report's notes): prove nothing up to "
             "it was removed or rewritten. Repeatable.")
@json_option
def verify(plan: Path | None, store: str | None, deep: bool, heads: tuple[str, ...], as_json: bool) -> int:
    """Check the snapshot store's hash chain and every stored hash; exit 1 naming what is wrong.

    By default every workbook's content is checked part by part against its recorded hashes, which proves it
    intact whatever zlib this Python has. --deep also rebuilds each workbook's exact bytes; where this zlib
    deflates differently but the content checks out, that is a note, not a problem. Every head recorded in the head
    log beside the store, and every --head HASH, must still be in the chain.
    """
    from sheetsync.snapshots import verify as verify_store

    result = verify_store(plan, store=store, deep=deep, heads=heads)
    echo(result.model_dump_json(indent=2) if as_json else terminal_safe(result.describe()))
    return 0 if result.ok else 1
