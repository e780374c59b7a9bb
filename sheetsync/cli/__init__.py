"""The `sheetsync` command line: each command parses its options, makes one library call, formats the result.

No business logic lives here. Library modules are imported inside the commands so that `sheetsync --help` and
quick commands start fast. Exit codes: 0 success, 1 the command worked and found problems, 2 it could not proceed.
A new command is one function in one of the modules below (or a new one, added to this import list); app.py
shows how one is declared.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from sheetsync.cli import (  # noqa: F401  (each module registers its commands)
    chase,
    collate,
    demo,
    excel,
    history,
    owners,
    plan,
    report,
    store,
)
from sheetsync.cli.app import run

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `sheetsync` with `argv` (default: the command line's arguments); return the exit code."""
    # Two collector settings, kept for what they measured (bench/bench_cold.py --tree, 15 alternating runs, CPU
    # time of the process, 2026-12-02): a pass every 100,000 allocations instead of 700 (starting up makes many
    # long-lived objects, which the default walks again and again), and no final passes at exit (they free
    # nothing a finished command needs). Without both, a cold validate of 39 rows took 0.137 s of CPU instead of
    # 0.123 s, and show 0.121 s instead of 0.104 s. Modules are still torn down and atexit handlers still run.
    gc.set_threshold(100_000, 50, 100)
    try:
        return run(sys.argv[1:] if argv is None else list(argv))
    finally:
        gc.disable()
        gc.freeze()
