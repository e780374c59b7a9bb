"""The head log: a small append-only text file beside a file store, one line per saved snapshot ("id hash time").

The hash chain proves every snapshot follows the one before, but whoever can edit the store can also delete its
newest snapshots, or recompute the whole chain with sheetsync's own code, and the chain still verifies. The head
log is an anchor outside the database: `verify` checks that every head it recorded is still in the chain with the
same hash. A force that keeps a head elsewhere too (the hash `snapshot` prints, the one in a report's notes) can
prove with `verify --head HASH` that nothing up to it was removed or rewritten, even if the log was edited as well.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class LoggedHead:
    line: int
    id: int
    hash: str


def record(log: Path, snapshot_id: int, row_hash: str, created_at: str) -> str | None:
    """Append one head; None when written, else why not (a note for the user: the snapshot itself is saved)."""
    try:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{snapshot_id} {row_hash} {created_at}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return f"its hash could not be added to the head log {log.name} ({exc.strerror or exc})"
    return None


def read(log: Path) -> tuple[list[LoggedHead], list[int]]:
    """The heads the log recorded, and the numbers of lines that are not heads (the log was edited)."""
    try:
        text = log.read_text(encoding="ascii", errors="replace")
    except OSError:  # none yet (or unreadable: the chain is still verified, with nothing to anchor it)
        return [], []
    heads: list[LoggedHead] = []
    bad: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if len(fields) >= 2 and fields[0].isascii() and fields[0].isdigit() and len(fields[1]) == 64:
            heads.append(LoggedHead(number, int(fields[0]), fields[1].casefold()))
        elif line.strip():
            bad.append(number)
    return heads, bad


__all__ = ["LoggedHead", "read", "record"]
