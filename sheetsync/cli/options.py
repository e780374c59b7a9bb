"""Options shared by every command (the same words everywhere), and the one way a command fails."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from sheetsync.errors import SheetsyncError

F = TypeVar("F", bound=Callable[..., Any])

FORMATS_DETECTED = ("text", "markdown", "html", "csv", "docx", "xlsx")

def parse_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> date | None:
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
    return click.option("--store", "store", default=None, metavar="PATH|URL",
                        help="Snapshot store: an SQLite file, or a database URL (postgresql://user@host/db). "
                             "Default: SHEETSYNC_STORE, else '.sheetsync/snapshots.db' beside the workbook.")(f)


def as_of_option(f: F) -> F:
    return click.option("--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
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


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


