"""The `sheetsync` command line: each command parses its options, makes one library call, formats the result.

No business logic lives here. Library modules are imported inside the commands so that `sheetsync --help` and
quick commands start fast. Exit codes: 0 success, 1 the command worked and found problems, 2 it could not proceed.
A new command goes in one of the modules below (or a new one, added to this import list).
"""

from __future__ import annotations

import gc
import os

from sheetsync.cli import (  # noqa: F401  (each module registers its commands)
    chase,
    collate,
    demo,
    excel,
    history,
    owners,
    plan,
    report,
)
from sheetsync.cli.app import cli

__all__ = ["cli", "main"]


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

