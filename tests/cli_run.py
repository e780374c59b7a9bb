"""Run the `sheetsync` command line in this process, as a user would see it: the exit code, stdout, stderr, and
`output` (both, in the order they were written)."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sheetsync.cli import main


@dataclass(frozen=True, slots=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str
    output: str
    exception: BaseException | None  # an exception main() let escape (a bug: never for bad input)


class _Stream(io.StringIO):
    """One of stdout and stderr; each write also goes to the combined output."""

    encoding = "utf-8"

    def __init__(self, combined: list[str]) -> None:
        super().__init__()
        self.combined = combined

    def write(self, text: str) -> int:
        self.combined.append(text)
        return super().write(text)


def invoke(args: Sequence[str], *, catch_exceptions: bool = True, env: Mapping[str, str | None] | None = None
           ) -> Result:
    """`sheetsync ARGS` through `main`, with `env` set in the environment (None removes a name) for the call. An
    exception main() lets escape is exit code 1 and `exception` (as click's CliRunner did), or raised with
    `catch_exceptions=False`."""
    combined: list[str] = []
    out, err = _Stream(combined), _Stream(combined)
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    exception: BaseException | None = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _environment(env or {}):
            sys.stdin, stdin = io.StringIO(""), sys.stdin
            try:
                code = main(list(args))
            except Exception as exc:
                if not catch_exceptions:
                    raise
                exception, code = exc, 1
            finally:
                sys.stdin = stdin
    finally:  # main() tunes the collector for a short-lived process; this one goes on
        gc.unfreeze()
        gc.set_threshold(*threshold)
        if enabled:
            gc.enable()
    return Result(code, out.getvalue(), err.getvalue(), "".join(combined), exception)


@contextlib.contextmanager
def _environment(env: Mapping[str, str | None]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    try:
        for name, value in env.items():
            _set(name, value)
        yield
    finally:
        for name, value in saved.items():
            _set(name, value)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
