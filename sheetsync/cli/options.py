"""Options shared by every command (the same words everywhere), the checks on their values, and safe output."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sheetsync.cli.app import argument, option

F = TypeVar("F", bound=Callable[..., Any])


class InputError(Exception):
    """A value that cannot be used (a folder as PLAN, a date that is not one): one line on stderr and exit code 2,
    like every SheetsyncError. Not a ValueError, which argparse would turn into its usage message."""


def import_formats() -> Sequence[str]:
    """`--from`'s choices: the import registry's format names, looked up only when `import` runs, so the
    registry (and pydantic behind it) is not imported each time the CLI starts."""
    from sheetsync.importers.registry import format_names

    return format_names()


class DateOption:
    """A YYYY-MM-DD date, named in the message when it is not one."""

    metavar = "YYYY-MM-DD"

    def __init__(self, flag: str) -> None:
        self.flag = flag

    def __call__(self, value: str) -> date:
        return parse_date(value, flag=self.flag)


def parse_date(value: str, *, flag: str = "the date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid value for '{flag}': {value!r} is not a date; write it as YYYY-MM-DD, "
                         "e.g. 2025-03-27") from None


class Count:
    """A whole number of at least 0 (click's IntRange(min=0))."""

    note = "x>=0"

    def __call__(self, value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a valid integer") from None
        if number < 0:
            raise argparse.ArgumentTypeError(f"{number} is not in the range x>=0")
        return number


COUNT = Count()


class InputFile:
    """A file to read. A folder or an unreadable file is refused in one line; a missing file is left to the
    command (the store of a deleted workbook can still be read). Warns when Excel has the workbook open."""

    metavar = "FILE"

    def __call__(self, value: str) -> Path:
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


class OutputPath:
    """A file (or, with `folder=True`, a folder) to write. The wrong kind of thing already there is refused in one
    line; everything else (existing files, --overwrite) is the writer's to judge."""

    metavar = "PATH"

    def __init__(self, *, folder: bool = False) -> None:
        self.folder = folder

    def __call__(self, value: str) -> Path:
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
plan_argument = argument("plan", type=INPUT_FILE)
source_argument = argument("source", type=INPUT_FILE)

store_option = option("--store", dest="store", default=None, metavar="PATH|URL",
                      help="Snapshot store: an SQLite file, or a database URL (postgresql://user@host/db). "
                           "Default: SHEETSYNC_STORE, else '.sheetsync/snapshots.db' beside the workbook.")

as_of_option = option("--as-of", dest="as_of", type=DateOption("--as-of"),
                      help="Judge deadlines and dates as on this day (default: today).")

json_option = option("--json", dest="as_json", is_flag=True, help="Print JSON instead of text.")


class _OldSpelling(argparse.Action):
    """`--force` where it used to mean --overwrite: still works, hidden, with a note on stderr."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest="overwrite", nargs=0, default=False, help=argparse.SUPPRESS)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        echo("note: --force is now spelled --overwrite", err=True)
        namespace.overwrite = True


def overwrite_option(f: F) -> F:
    """`--overwrite`: replace OUTPUT if it exists. `--force` is kept, hidden, where it used to mean this."""
    f = option("--overwrite", dest="overwrite", is_flag=True, help="Replace OUTPUT if it exists.")(f)
    return option("--force", action=_OldSpelling, hidden=True)(f)




def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Write a line to stdout (or stderr), flushed at once as click.echo did."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


def echo_json(data: Any) -> None:
    echo_safe_json(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def echo_safe(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Echo text whose control characters (a cell's ESC ] 0 ; … BEL sets the terminal's title) are removed."""
    from sheetsync.text import terminal_safe

    echo(terminal_safe(text), err=err, nl=nl)


_JSON_UNESCAPED_CONTROL = re.compile("[\x7f-\x9f]")  # JSON escapes C0 itself; DEL and C1 it leaves raw


def echo_safe_json(text: str) -> None:
    """Echo JSON with DEL and C1 control characters written as \\u escapes: the same JSON, safe on a terminal."""
    echo(_JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
