"""Options shared by every command (the same words everywhere), and the one way a command fails."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sheetsync.errors import SheetsyncError

F = TypeVar("F", bound=Callable[..., Any])


class ImportFormatChoice(click.Choice[str]):
    """`--from`'s choices: the import registry's format names, looked up when first needed, so the registry
    (and pydantic behind it) is not imported each time the CLI starts."""

    def __init__(self) -> None:
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from sheetsync.importers.registry import format_names

        return format_names()


def parse_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-03-27") from None


class InputError(click.ClickException):
    """A PLAN or SOURCE that cannot be an input: one line and exit code 2, like every SheetsyncError (click's own
    usage error would print three)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        echo_safe(f"error: {self.format_message()}", err=True)


if TYPE_CHECKING:  # click's ParamType is generic only from 8.2 on, and only for the type checker's sake here
    _PathType = click.ParamType[Path, Any]
else:
    _PathType = click.ParamType


class InputFile(_PathType):
    """A file to read. A folder or an unreadable file is refused in one line; a missing file is left to the
    command (the store of a deleted workbook can still be read). Warns when Excel has the workbook open."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from sheetsync.errors import UnreadableFileError
        from sheetsync.safety import excel_owner_file

        path = Path(value)
        if path.is_dir():
            raise InputError(str(UnreadableFileError("is a folder, not a file", path=path,
                                                     hint="Name the workbook itself")))
        if path.exists() and not os.access(path, os.R_OK):
            raise InputError(str(UnreadableFileError("cannot be read (permission denied)", path=path,
                                                     hint="Check the file's permissions")))
        owner = excel_owner_file(path)
        if owner is not None:
            echo_safe(f"warning: {owner.name} beside {path.name} says Excel has it open and may be saving it; "
                       "save and close it in Excel for a complete read", err=True)
        return path


INPUT_FILE = InputFile()


class OutputPath(_PathType):
    """A file (or, with `folder=True`, a folder) to write. The wrong kind of thing already there is refused in one
    line; everything else (existing files, --overwrite) is the writer's to judge."""

    name = "path"

    def __init__(self, *, folder: bool = False) -> None:
        self.folder = folder

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from sheetsync.errors import ConfigError

        path = Path(value)
        if self.folder and path.exists() and not path.is_dir():
            raise InputError(str(ConfigError("is a file; this writes a folder of files", path=path,
                                              hint="Name a folder (it is made if missing)")))
        if not self.folder and path.is_dir():
            raise InputError(str(ConfigError("is a folder; name the file to write", path=path,
                                              hint=f"For example {path / 'out'}")))
        return path


OUTPUT_FILE = OutputPath()
OUTPUT_FOLDER = OutputPath(folder=True)


# Shared options: the same words in every command.
def plan_argument(f: F) -> F:
    return click.argument("plan", type=INPUT_FILE)(f)


def source_argument(f: F) -> F:
    return click.argument("source", type=INPUT_FILE)(f)


def store_option(f: F) -> F:
    return click.option("--store", "store", default=None, metavar="PATH|URL",
                        help="Snapshot store: an SQLite file, or a database URL (postgresql://user@host/db). "
                             "Default: SHEETSYNC_STORE, else '.sheetsync/snapshots.db' beside the workbook.")(f)


def as_of_option(f: F) -> F:
    return click.option("--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
                        help="Judge deadlines and dates as on this day (default: today).")(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def overwrite_option(f: F) -> F:
    """`--overwrite`: replace OUTPUT if it exists. `--force` is kept, hidden, where it used to mean this."""

    @functools.wraps(f)
    def wrapper(*args: Any, overwrite: bool, overwrite_alias: bool, **kwargs: Any) -> Any:
        if overwrite_alias:
            click.echo("note: --force is now spelled --overwrite", err=True)
        return f(*args, overwrite=overwrite or overwrite_alias, **kwargs)

    wrapper = click.option("--force", "overwrite_alias", is_flag=True, hidden=True)(wrapper)
    return click.option("--overwrite", "overwrite", is_flag=True, help="Replace OUTPUT if it exists.")(wrapper)  # type: ignore[return-value]


force_option = overwrite_option  # the old name, still imported by some command modules


def handle_errors(f: F) -> F:
    """Turn a SheetsyncError into one line on stderr and exit code 2; never a traceback for bad input."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except SheetsyncError as exc:
            echo_safe(f"error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def echo_json(data: Any) -> None:
    echo_safe_json(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def echo_safe(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Echo text whose control characters (a cell's ESC ] 0 ; … BEL sets the terminal's title) are removed."""
    from sheetsync.text import terminal_safe

    click.echo(terminal_safe(text), err=err, nl=nl)


_JSON_UNESCAPED_CONTROL = re.compile("[\x7f-\x9f]")  # JSON escapes C0 itself; DEL and C1 it leaves raw


def echo_safe_json(text: str) -> None:
    """Echo JSON with DEL and C1 control characters written as \\u escapes: the same JSON, safe on a terminal."""
    click.echo(_JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


