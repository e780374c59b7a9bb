"""`store copy`: move a history from one store to another (a file store to the team database, or back).

SRC is verified first and never written; everything is appended to DST in one transaction under its write lock,
and DST is verified after. Two ways, chosen by what DST holds:

- DST is empty, or holds the start of SRC's own chain (an earlier copy): the snapshots are copied as they are,
  ids, chunk ids and hashes included (`Appender.copy_blobs`), so DST's chain is SRC's and a chain head kept
  elsewhere (`verify --head`) still proves it.
- DST has a history of its own (a team store other plans already use): each snapshot DST lacks is appended to
  DST's chain, oldest first: the same plan, workbook, time, user, machine, message and validation, its chunks
  stored once and its manifests pointing at DST's chunk ids, sealed with a new id, previous hash and row hash (a
  chain runs through a whole store). A snapshot counts as already there when DST holds one of the same plan,
  taken at the same moment by the same user on the same machine with the same plan and workbook hashes.

Either way running the copy again copies nothing, and copying back does not duplicate. Re-sealing a tampered
history would hide the tampering, so a SRC that does not verify is refused.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel

from sheetsync.errors import ConfigError, StoreError
from sheetsync.store import anchor, chain, ledger, packing
from sheetsync.store.repository import Blob, PlanRecord, Repository, SnapshotRow, StoredBlob, is_url, open_repository
from sheetsync.store.results import VerifyResult, plural

Identity = tuple[str, str, str, str, str, str]


class CopyResult(BaseModel):
    """What `copy_history` did, and DST's verification afterwards."""

    source: str
    destination: str
    copied: int
    already_there: int
    first_id: int | None = None  # the ids the copies got in DST
    last_id: int | None = None
    same_chain: bool = False  # copied as they are: DST's chain is SRC's, with the same hashes
    verify: VerifyResult

    @property
    def ok(self) -> bool:
        return self.verify.ok

    def describe(self) -> str:
        if self.copied:
            ids = (f" (snapshot {self.first_id})" if self.first_id == self.last_id else
                   f" (snapshots {self.first_id}-{self.last_id})")
            line = f"copied {plural(self.copied, 'snapshot')} from {self.source} to {self.destination}{ids}"
        else:
            line = f"nothing to copy: {self.destination} already holds every snapshot of {self.source}"
        if self.copied and self.already_there:
            line += f"; {self.already_there} already there"
        if self.copied and self.same_chain:
            line += "; the same chain, hashes unchanged"
        elif self.copied:
            line += f"; sealed into {self.destination}'s own chain"
        return f"{line}\n{self.verify.describe()}"


def identity(row: SnapshotRow) -> Identity:
    return (row.plan_key, row.created_at, row.who, row.machine, row.plan_hash, row.workbook_hash)


def copy_history(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> CopyResult:
    """Copy every snapshot of SRC that DST lacks into DST, then verify DST (see the module docstring)."""
    src_address, dst_address = _address(source), _address(destination)
    if str(src_address) == str(dst_address):
        raise ConfigError(f"{source} is both the source and the destination", hint="Name two different stores")
    if isinstance(src_address, Path) and not src_address.exists():
        raise StoreError("does not exist", path=src_address, hint="Name the store to copy from")
    with open_repository(src_address, mode="read") as src:
        checked = ledger.verify(src)
        if not checked.ok:
            raise StoreError(f"does not verify ({plural(len(checked.problems), 'problem')}), so it is not copied: "
                             "copying would seal the damage into the other store's chain", path=src.location,
                             hint=f"Run 'sheetsync verify --store {src.location}' to see what is wrong")
        with open_repository(dst_address, mode="write") as dst:
            source_rows = list(src.snapshots())
            head = dst.head()
            same_chain = head is None or any(row.id == head.id and row.row_hash == head.row_hash
                                             for row in source_rows)
            if same_chain:
                rows = [row for row in source_rows if head is None or row.id > head.id]
                copied = _append_as_they_are(src, dst, rows) if rows else []
            else:
                have = {identity(row) for row in dst.snapshots()}
                rows = [row for row in source_rows if identity(row) not in have]
                copied = _append(src, dst, rows) if rows else []
            _record_heads(dst, copied)
            result = ledger.verify(dst)
            return CopyResult(source=src.location, destination=dst.location, copied=len(copied),
                              already_there=checked.snapshots - len(copied),
                              first_id=copied[0].id if copied else None, last_id=copied[-1].id if copied else None,
                              same_chain=same_chain, verify=result)


def _address(store: str | os.PathLike[str]) -> str | Path:
    text = os.fspath(store)
    return text if is_url(text) else Path(text).expanduser()


def _append_as_they_are(src: Repository, dst: Repository, rows: list[SnapshotRow]) -> list[SnapshotRow]:
    """Append `rows` (the rest of SRC's chain after DST's head) unchanged, with their chunks under their ids."""
    with dst.append() as tx:
        for record in src.plans():
            tx.add_plan(record)
        tx.copy_blobs(list(src.all_blobs()))
        for row in rows:
            tx.add_snapshot(row)
    return rows


def _append(src: Repository, dst: Repository, rows: list[SnapshotRow]) -> list[SnapshotRow]:
    """Append copies of `rows` (in id order) to DST's chain; the copies as sealed in DST."""
    stored = {blob.id: blob for blob in src.all_blobs()}
    needed = sorted({ref for row in rows for ref in (*_refs(row.plan_manifest), *_refs(row.workbook_manifest))})
    missing = [ref for ref in needed if ref not in stored]
    if missing:
        raise StoreError(f"refers to missing chunks ({', '.join(map(str, missing[:5]))})", path=src.location,
                         hint="Run 'sheetsync verify' on it")
    records = _plan_records(src, rows)
    copies: list[SnapshotRow] = []
    with dst.append() as tx:
        new_ids = tx.add_blobs([_blob(stored[ref]) for ref in needed])
        mapping = {ref: new_ids[stored[ref].hash] for ref in needed}
        for record in records:
            tx.add_plan(record)
        head = tx.head()
        next_id, previous = (head.id + 1, head.row_hash) if head else (1, chain.GENESIS)
        for row in rows:
            copy = replace(row, id=next_id, plan_manifest=_remapped(row.plan_manifest, mapping),
                           workbook_manifest=_remapped(row.workbook_manifest, mapping), prev_hash=previous,
                           row_hash="")
            copy = replace(copy, row_hash=chain.row_hash(copy.fields()))
            tx.add_snapshot(copy)
            copies.append(copy)
            next_id, previous = next_id + 1, copy.row_hash
    return copies


def _record_heads(dst: Repository, rows: list[SnapshotRow]) -> None:
    """A file store's head log records every snapshot added to it, copies too."""
    if dst.anchor is not None:
        for row in rows:
            anchor.record(dst.anchor, row.id, row.row_hash, row.created_at)


def _blob(blob: StoredBlob) -> Blob:
    return Blob(blob.hash, blob.size, blob.data)


def _body(manifest: bytes) -> dict[str, object]:
    body: dict[str, object] = json.loads(zlib.decompress(manifest))
    return body


def _refs(manifest: bytes) -> list[int]:
    segments = _body(manifest)["segments"]
    assert isinstance(segments, list)
    return packing.refs(segments)


def _remapped(manifest: bytes, mapping: dict[int, int]) -> bytes:
    body = _body(manifest)
    segments = body["segments"]
    assert isinstance(segments, list)
    body["segments"] = packing.remap(segments, mapping)
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("ascii"), 9)


def _plan_records(src: Repository, rows: Iterable[SnapshotRow]) -> list[PlanRecord]:
    """The plan record of every plan the rows belong to (as SRC keeps it)."""
    records: dict[str, PlanRecord] = {}
    for row in rows:
        if row.plan_key in records:
            continue
        found = [plan for plan in src.plans_named(ledger.stem(row.source)) if plan.key == row.plan_key]
        if not found:  # the workbook was renamed since: its key still names the plan
            found = [PlanRecord(row.plan_key, row.plan_key.split("|", 1)[0], Path(row.source).name, row.force,
                                row.created_at)]
        records[row.plan_key] = found[0]
    return list(records.values())


__all__ = ["CopyResult", "copy_history", "identity"]
