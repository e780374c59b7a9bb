"""A store in memory: the `Repository` contract without a database, for tests (and to show the contract is small).

Appends are staged and applied together when `append()` exits normally (nothing on an exception), under a lock,
so threads see one linear chain.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.errors import StoreError
from sheetsync.store.repository import Blob, PlanRecord, SnapshotHead, SnapshotRow, StoredBlob


@dataclass
class _Data:
    plans: dict[str, PlanRecord] = field(default_factory=dict)
    blobs: dict[int, StoredBlob] = field(default_factory=dict)
    blob_ids: dict[str, int] = field(default_factory=dict)
    snapshots: dict[int, SnapshotRow] = field(default_factory=dict)


class MemoryRepository:
    """Everything in dicts. Several `MemoryRepository(shared=other)` objects may share one store's data."""

    def __init__(self, *, shared: MemoryRepository | None = None, name: str = "memory",
                 anchor: Path | None = None) -> None:
        self._data: _Data = shared._data if shared is not None else _Data()
        self._lock: threading.Lock = shared._lock if shared is not None else threading.Lock()
        self._name = name
        self._anchor = anchor
        self.closed = False

    @property
    def location(self) -> str:
        return self._name

    @property
    def anchor(self) -> Path | None:
        return self._anchor

    @property
    def notice(self) -> str | None:
        return None

    @property
    def schema_version(self) -> int:
        return 1

    def latest(self, plan_key: str) -> SnapshotHead | None:
        rows = [row for row in self._data.snapshots.values() if row.plan_key == plan_key]
        return max(rows, key=lambda row: row.id).head() if rows else None

    def head(self) -> SnapshotHead | None:
        snapshots = self._data.snapshots
        return snapshots[max(snapshots)].head() if snapshots else None

    def plans_named(self, stem: str) -> list[PlanRecord]:
        return sorted((plan for plan in self._data.plans.values() if plan.stem == stem), key=lambda plan: plan.key)

    def plans(self) -> list[PlanRecord]:
        return sorted(self._data.plans.values(), key=lambda plan: plan.key)

    def blob_ids(self, hashes: Iterable[str]) -> dict[str, int]:
        ids = self._data.blob_ids
        return {digest: ids[digest] for digest in hashes if digest in ids}

    def blobs(self, ids: Iterable[int]) -> dict[int, bytes]:
        blobs = self._data.blobs
        return {blob_id: blobs[blob_id].data for blob_id in ids if blob_id in blobs}

    def all_blobs(self) -> Iterator[StoredBlob]:
        yield from sorted(self._data.blobs.values(), key=lambda blob: blob.id)

    def snapshots(self, plan_key: str | None = None, *, newest_first: bool = False) -> Iterator[SnapshotRow]:
        rows = sorted(self._data.snapshots.values(), key=lambda row: row.id, reverse=newest_first)
        yield from (row for row in rows if plan_key is None or row.plan_key == plan_key)

    def snapshot(self, snapshot_id: int) -> SnapshotRow | None:
        return self._data.snapshots.get(snapshot_id)

    def count(self, plan_key: str) -> int:
        return sum(1 for row in self._data.snapshots.values() if row.plan_key == plan_key)

    @contextlib.contextmanager
    def append(self) -> Iterator[_Appender]:
        with self._lock:
            appender = _Appender(self)
            yield appender
            appender.commit()

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> MemoryRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Appender:
    def __init__(self, repository: MemoryRepository) -> None:
        self.repository = repository
        self.plans: list[PlanRecord] = []
        self.blobs: dict[str, StoredBlob] = {}
        self.rows: list[SnapshotRow] = []

    def latest(self, plan_key: str) -> SnapshotHead | None:
        return self.repository.latest(plan_key)

    def head(self) -> SnapshotHead | None:
        return self.repository.head()

    def plans_named(self, stem: str) -> list[PlanRecord]:
        return self.repository.plans_named(stem)

    def add_plan(self, plan: PlanRecord) -> None:
        self.plans.append(plan)

    def add_blobs(self, blobs: Sequence[Blob]) -> dict[str, int]:
        data = self.repository._data
        ids = dict(self.repository.blob_ids(blob.hash for blob in blobs))
        next_id = max([*data.blobs, *(blob.id for blob in self.blobs.values()), 0]) + 1
        for blob in blobs:
            if blob.hash in ids:
                continue
            staged = self.blobs.get(blob.hash)
            if staged is None:
                staged = self.blobs[blob.hash] = StoredBlob(next_id, blob.hash, blob.size, blob.data)
                next_id += 1
            ids[blob.hash] = staged.id
        return ids

    def add_snapshot(self, row: SnapshotRow) -> None:
        head = self.repository.head()
        expected = (head.id if head else 0) + 1 + len(self.rows)
        if row.id != expected:
            raise ValueError(f"snapshot id {row.id} is not the next one ({expected})")
        self.rows.append(row)

    def copy_blobs(self, blobs: Sequence[StoredBlob]) -> None:
        data = self.repository._data
        for blob in blobs:
            there = data.blobs.get(blob.id) or next((b for b in self.blobs.values() if b.id == blob.id), None)
            same_hash = data.blob_ids.get(blob.hash, blob.id)
            if (there is not None and there.hash != blob.hash) or same_hash != blob.id:
                raise StoreError(f"chunk {blob.id} differs between the two stores", path=self.repository.location,
                                 hint="Copy into an empty store")
            if there is None:
                self.blobs[blob.hash] = blob

    def commit(self) -> None:
        data = self.repository._data
        for plan in self.plans:
            data.plans.setdefault(plan.key, plan)
        for blob in self.blobs.values():
            data.blobs[blob.id] = blob
            data.blob_ids[blob.hash] = blob.id
        for row in self.rows:
            data.snapshots[row.id] = row


__all__ = ["MemoryRepository"]
