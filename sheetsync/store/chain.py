"""The hash chain: every snapshot's hash covers its fields and the hash of the snapshot before it. Pure: no I/O.

One chain runs through the whole store (every plan), in id order. `row_hash` is what a snapshot is sealed with;
`verify_chain` walks rows in id order and names each broken link or altered row; `relink` recomputes a sequence's
links and hashes (what moving rows between stores, or an attacker with this code, would do; which is why a chain
needs an anchor kept outside the store: see `sheetsync.store.anchor`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

GENESIS = "0" * 64  # the "previous hash" of the first snapshot

# The fields a snapshot's row hash covers (bytes by their sha256), in a fixed order.
HASHED = ("id", "plan_key", "created_at", "who", "machine", "version", "message", "source", "force", "actions",
          "plan_hash", "plan_manifest", "workbook_hash", "workbook_size", "workbook_manifest", "validation",
          "prev_hash", "workbook_parts")
# Covered only when set, so that snapshots from before the field existed (store schema 1) keep their hashes.
HASHED_IF_SET = frozenset({"workbook_parts"})


class Chained(Protocol):
    """What the chain needs of a row (`repository.SnapshotRow` is one)."""

    @property
    def id(self) -> int: ...

    @property
    def prev_hash(self) -> str: ...

    @property
    def row_hash(self) -> str: ...

    def fields(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class ChainProblem:
    snapshot_id: int
    message: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_hash(fields: Mapping[str, Any]) -> str:
    """The hash a row with these fields is sealed with (its own `row_hash` field, if present, is not covered)."""
    covered: dict[str, Any] = {}
    for name in HASHED:
        value = fields.get(name)
        if value is None and name in HASHED_IF_SET:
            continue
        covered[name] = f"sha256:{sha256(value)}" if isinstance(value, bytes) else value
    text = json.dumps(covered, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256(text.encode("utf-8"))


def is_sealed(row: Chained) -> bool:
    """The row's fields still match the hash it was sealed with."""
    return row_hash(row.fields()) == row.row_hash


def verify_chain(rows: Iterable[Chained], *, start: str = GENESIS) -> Iterator[ChainProblem]:
    """Each broken link and each altered row of `rows`, given in id order from the start of the chain."""
    previous: tuple[int, str] | None = None
    for row in rows:
        expected = previous[1] if previous else start
        if row.prev_hash != expected:
            before = f"snapshot {previous[0]}" if previous else "the start of the chain"
            yield ChainProblem(row.id, f"the chain is broken: it does not follow {before} (a snapshot was removed, "
                                       "reordered or altered)")
        if not is_sealed(row):
            yield ChainProblem(row.id, "its fields were altered after it was saved (they no longer match its hash)")
        previous = (row.id, row.row_hash)


def relink(rows: Iterable[Mapping[str, Any]], *, start: str = GENESIS) -> list[dict[str, Any]]:
    """The rows (field mappings, in id order) with every `prev_hash` and `row_hash` recomputed from `start`."""
    linked = []
    previous = start
    for row in rows:
        fields = {**row, "prev_hash": previous}
        previous = fields["row_hash"] = row_hash(fields)
        linked.append(fields)
    return linked


def matches(row_hash_value: str, wanted: str) -> bool:
    """`wanted` (a full hash or a prefix of at least 16 hex digits, any case) names this row hash."""
    text = wanted.strip().casefold()
    return len(text) >= 16 and row_hash_value.startswith(text)


__all__ = ["GENESIS", "HASHED", "HASHED_IF_SET", "ChainProblem", "Chained", "is_sealed", "matches", "relink",
           "row_hash", "sha256", "verify_chain"]
