"""The repository interface every store backend implements, the rows it passes, and the store address → backend
factory.

A backend is one module that defines `open_repository(address, *, mode) -> Repository` and one entry in
`SCHEMES` (its URL scheme); nothing else changes. The backend-independent logic (packing workbooks into chunks,
sealing the hash chain, rebuilding and verifying) is in `ledger` and speaks only this interface. Backends:
`sqlite` (a file path: the embedded default), `memory` (tests), `postgres` (`postgresql://…`).

Contracts every backend keeps (the store test suite runs against each one):
- Rows are never updated or deleted by sheetsync; snapshots and blobs are only appended.
- `append()` is the only way to write. It holds the store's one write lock from entry to exit, so appends from
  any number of processes and hosts are serialised into one linear chain: inside it, `head()` and `latest()` see
  every append committed before, and nobody else can append until it exits. On a normal exit everything added
  is committed in one transaction and is *durable*: written to the store's own storage (for SQLite, the database
  file itself, not only its write-ahead log) and the store is still the one that was opened (not deleted or
  replaced meanwhile); otherwise `append()` raises `StoreError` and says whether the snapshot was kept. On an
  exception inside the block nothing is written (rolled back).
- Reads outside `append()` see only committed data. A repository opened with mode "read" never writes, creates
  or migrates anything.
- Every database failure comes out as a `sheetsync.errors.StoreError` naming the store and what to do, mapped
  from the driver's error type or code, never from its message text.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, Protocol

from sheetsync.errors import ConfigError

Mode = Literal["read", "write"]

# URL scheme -> the module whose `open_repository(address, *, mode)` opens it (imported only when used).
SCHEMES: dict[str, str] = {
    "sqlite": "sheetsync.store.sqlite",
    "postgresql": "sheetsync.store.postgres",
    "postgresql+psycopg": "sheetsync.store.postgres",
    "postgres": "sheetsync.store.postgres",
    "mssql+pyodbc": "sheetsync.store.postgres",  # the same SQLAlchemy Core tables; untested
}


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """A plan the store keeps: workbook file stem + force, case-folded ("actionplan|kent police")."""

    key: str
    stem: str
    name: str  # the workbook's file name when it was first snapshotted
    force: str | None
    created_at: str  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class SnapshotHead:
    """The little `latest()`/`head()` return: enough to decide "unchanged" and to link the next snapshot."""

    id: int
    plan_key: str
    plan_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One snapshot as stored. Its `row_hash` seals every other field (see `chain.HASHED`)."""

    id: int
    plan_key: str
    created_at: str  # ISO 8601, UTC
    who: str
    machine: str
    version: str  # sheetsync's
    message: str | None
    source: str
    force: str | None
    actions: int
    plan_hash: str  # sha256 of the plan's compact canonical JSON
    plan_manifest: bytes  # zlib JSON: the chunks (blob ids) the JSON is made of
    workbook_hash: str  # sha256 of the workbook's exact bytes
    workbook_size: int
    workbook_manifest: bytes
    validation: str | None  # JSON counts; None: not validated
    prev_hash: str  # the row hash of the snapshot before (any plan); chain.GENESIS for the first
    row_hash: str
    workbook_parts: bytes | None = None  # zlib JSON: every part's content hash (None before store schema 2)

    def fields(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_fields(cls, values: Any) -> SnapshotRow:
        """From any mapping with the columns' names (a database row); missing optional fields are None."""
        keys = set(values.keys())
        found: dict[str, Any] = {name: values[name] if name in keys else None for name in COLUMNS}
        return cls(**found)

    def head(self) -> SnapshotHead:
        return SnapshotHead(self.id, self.plan_key, self.plan_hash, self.row_hash)


COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(SnapshotRow))


@dataclass(frozen=True, slots=True)
class Blob:
    """A chunk to store: `data` is the chunk zlib-compressed; `hash` and `size` are of the uncompressed chunk."""

    hash: str
    size: int
    data: bytes


@dataclass(frozen=True, slots=True)
class StoredBlob:
    id: int
    hash: str
    size: int
    data: bytes


class Appender(Protocol):
    """The writes allowed inside `Repository.append()`, under the store's write lock."""

    def latest(self, plan_key: str) -> SnapshotHead | None:
        """The plan's newest snapshot, seeing every append committed before the lock was taken."""

    def head(self) -> SnapshotHead | None:
        """The chain's newest snapshot (any plan): the next one links to it and takes its id + 1."""

    def plans_named(self, stem: str) -> list[PlanRecord]:
        """Every plan whose file stem is `stem`, by key."""

    def add_plan(self, plan: PlanRecord) -> None:
        """Record the plan; nothing happens if its key is already there."""

    def add_blobs(self, blobs: Sequence[Blob]) -> dict[str, int]:
        """Store the blobs whose hash is not there yet; the ids of all of them by hash (de-duplication)."""

    def add_snapshot(self, row: SnapshotRow) -> None:
        """Append a sealed row (its id is head().id + 1, or 1)."""

    def copy_blobs(self, blobs: Sequence[StoredBlob]) -> None:
        """Store blobs under their own ids (copying a store: manifests name blobs by id, and the row hashes cover
        the manifests). One already there with the same id and hash is skipped; the same id or hash with the other
        different is a StoreError."""


class Repository(Protocol):
    """A snapshot store. Use as a context manager, or call `close()`."""

    @property
    def location(self) -> str:
        """The store for messages: a path, or a URL without its password."""

    @property
    def anchor(self) -> Path | None:
        """Where the append-only head log beside the store goes (file stores), or None (a server store, whose
        database refuses rewrites)."""

    @property
    def notice(self) -> str | None:
        """Something to tell the user once about where the store is (a file store on a network drive), or None."""

    @property
    def schema_version(self) -> int:
        """The numbered migration the store is at (every backend applies its own numbered migrations on opening
        for "write"; opening for "read" never migrates)."""

    def latest(self, plan_key: str) -> SnapshotHead | None:
        """The plan's newest snapshot (committed), or None."""

    def head(self) -> SnapshotHead | None:
        """The chain's newest snapshot, any plan, or None."""

    def plans_named(self, stem: str) -> list[PlanRecord]:
        """Every plan whose file stem is `stem`, by key."""

    def plans(self) -> list[PlanRecord]:
        """Every plan, by key."""

    def blob_ids(self, hashes: Iterable[str]) -> dict[str, int]:
        """The ids of those blobs already stored, by hash (lets the slow compression skip them, outside the lock)."""

    def blobs(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The stored (compressed) data of these blobs by id; ids not found are left out."""

    def all_blobs(self) -> Iterator[StoredBlob]:
        """Every blob, by id."""

    def snapshots(self, plan_key: str | None = None, *, newest_first: bool = False) -> Iterator[SnapshotRow]:
        """The plan's snapshots (all of them when `plan_key` is None) in id order (newest first if asked)."""

    def snapshot(self, snapshot_id: int) -> SnapshotRow | None:
        """One snapshot by id (any plan), or None."""

    def count(self, plan_key: str) -> int:
        """How many snapshots the plan has."""

    def append(self) -> AbstractContextManager[Appender]:
        """The store's write lock and one transaction; durable when the block exits normally (see the module
        docstring)."""

    def close(self) -> None:
        """Release the connection; the repository is unusable after."""

    def __enter__(self) -> Repository: ...

    def __exit__(self, *exc: object) -> None: ...


def is_url(store: str | os.PathLike[str]) -> bool:
    """A database URL ("scheme://…") rather than a file path (Windows drive paths and UNC paths are paths)."""
    text = os.fspath(store)
    scheme, sep, _ = text.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").isalnum()


def open_repository(store: str | os.PathLike[str], *, mode: Mode = "write") -> Repository:
    """The backend for a store address: a file path → SQLite; `scheme://…` → the backend `SCHEMES` names.

    mode "write" creates and migrates the store as needed; "read" opens an existing store read-only.
    """
    if not is_url(store):
        from sheetsync.store import sqlite

        return sqlite.open_repository(Path(store).expanduser(), mode=mode)
    text = os.fspath(store)
    scheme = text.partition("://")[0].casefold()
    module_name = SCHEMES.get(scheme)
    if module_name is None:
        known = ", ".join(f"{name}://" for name in SCHEMES)
        raise ConfigError(f"'{scheme}://' is not a kind of store sheetsync knows",
                          hint=f"Give a file path for a file store, or a database URL starting {known}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"the {scheme}:// store needs a part of sheetsync that is not installed ({exc.name})",
                          hint="Install sheetsync with its server-store extra: pip install 'sheetsync[server]'"
                          ) from exc
    repository: Repository = module.open_repository(text, mode=mode)
    return repository


__all__ = ["COLUMNS", "SCHEMES", "Appender", "Blob", "Mode", "PlanRecord", "Repository", "SnapshotHead", "SnapshotRow",
           "StoredBlob", "is_url", "open_repository"]
