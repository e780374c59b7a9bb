"""The snapshot store: dated, tamper-evident versions of a plan in one SQLite file beside the workbook.

The git-history way: a snapshot holds the plan's canonical JSON and the workbook's exact bytes (both cut into
content-addressed chunks, stored once, see `packing`), who took it and when, and its validation counts. A new
snapshot is made only when the plan's content changed. Every snapshot records the hash of the one before it (one
chain for the whole store), and its own hash covers all its fields, so `verify` finds any edited, removed or
reordered snapshot and any damaged chunk.

Exact bytes and content: a workbook's zip members are kept uncompressed and deflated again on restore, so its
exact bytes depend on the zlib that does it. Since store schema 2 each snapshot also records the content hash of
every part (`packing.content_parts`: each member's uncompressed content, bytes kept as they are) and the zlib that
took it. `restore` writes the exact bytes when this Python rebuilds them; when its zlib deflates differently it
writes the workbook with the same members, order and content (every part checked), and says so. `verify` checks
content (what tampering would change) by default, and rebuilds every workbook's exact bytes only when `deep`.

Where: `.sheetsync/snapshots.db` in the workbook's folder, unless `store=` (`--store`) or SHEETSYNC_STORE says
otherwise. One store holds several plans; a plan is the workbook's file name without extension (case-blind, so
ActionPlan.xlsx and ActionPlan.xlsm are one plan) together with the force named in it.

On the Excel button's path: stdlib only at import time (sqlite3, hashlib, zlib).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import platform
import sqlite3
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, computed_field

from sheetsync import __version__, packing
from sheetsync.errors import SheetsyncError, SnapshotNotFoundError, StoreError
from sheetsync.files import write_bytes_atomic
from sheetsync.model import Plan

if TYPE_CHECKING:
    from sheetsync.diff import PlanDiff

STORE_ENV = "SHEETSYNC_STORE"
TIMEOUT_ENV = "SHEETSYNC_STORE_TIMEOUT"  # seconds to wait for another writer (default 10)
# Tests only: sleep this many seconds inside the snapshot transaction (after touching PAUSE_FLAG_ENV's file).
PAUSE_ENV = "SHEETSYNC_STORE_TEST_PAUSE"
PAUSE_FLAG_ENV = "SHEETSYNC_STORE_TEST_PAUSE_FLAG"
DEFAULT_TIMEOUT = 10.0
APPLICATION_ID = 0x53534E43  # "SSNC" in the SQLite header: this file is a sheetsync store
GENESIS = "0" * 64  # the "previous hash" of the first snapshot
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BLOB_LEVEL = 6

# Numbered migrations: MIGRATIONS[n] takes the schema from version n to n + 1 (PRAGMA user_version), each in its
# own transaction. Never edit one that has shipped; append another.
MIGRATIONS: list[str] = [
    f"""
    PRAGMA application_id = {APPLICATION_ID};
    CREATE TABLE blobs (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,      -- sha256 of the uncompressed chunk
        size INTEGER NOT NULL,
        data BLOB NOT NULL              -- zlib
    );
    CREATE TABLE plans (
        key TEXT PRIMARY KEY,           -- "<file stem>|<force>", case-folded
        stem TEXT NOT NULL,
        name TEXT NOT NULL,             -- the workbook's file name when first snapshotted
        force TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX plans_stem ON plans (stem);
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        plan_key TEXT NOT NULL REFERENCES plans (key),
        created_at TEXT NOT NULL,       -- ISO 8601, UTC
        who TEXT NOT NULL,
        machine TEXT NOT NULL,
        version TEXT NOT NULL,          -- sheetsync's
        message TEXT,
        source TEXT NOT NULL,
        force TEXT,
        actions INTEGER NOT NULL,
        plan_hash TEXT NOT NULL,        -- sha256 of Plan.canonical_json(indent=None)
        plan_manifest BLOB NOT NULL,
        workbook_hash TEXT NOT NULL,    -- sha256 of the workbook's bytes
        workbook_size INTEGER NOT NULL,
        workbook_manifest BLOB NOT NULL,
        validation TEXT,                -- JSON counts, NULL when validation was not available
        prev_hash TEXT NOT NULL,        -- row_hash of the snapshot before (any plan), GENESIS for the first
        row_hash TEXT NOT NULL UNIQUE
    );
    CREATE INDEX snapshots_plan ON snapshots (plan_key, id);
    """,
    # 1 -> 2: the content hash of every workbook part and the zlib that took the snapshot, as zlib-compressed
    # JSON {"v", "zlib", "parts"} (see packing.Part); NULL for snapshots taken before.
    """
    ALTER TABLE snapshots ADD COLUMN workbook_parts BLOB
    """,
]

# The fields a snapshot's row_hash covers (manifests by their sha256), in a fixed order.
_HASHED = ("id", "plan_key", "created_at", "who", "machine", "version", "message", "source", "force", "actions",
           "plan_hash", "plan_manifest", "workbook_hash", "workbook_size", "workbook_manifest", "validation",
           "prev_hash", "workbook_parts")
# Covered only when not NULL, so that snapshots from before the column was added keep their hashes.
_HASHED_IF_SET = frozenset({"workbook_parts"})
_INFO_COLUMNS = ("id, plan_key, created_at, who, machine, version, message, source, force, actions, plan_hash, "
                 "workbook_hash, workbook_size, validation")


class ValidationSummary(BaseModel):
    """The validation counts recorded with a snapshot."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def from_report(cls, report: Any) -> ValidationSummary:
        """From a `validation.ValidationReport` (anything with `findings` that have a `severity`)."""
        counts = Counter(getattr(finding, "severity", None) for finding in report.findings)
        return cls(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])

    def describe(self) -> str:
        return f"{_n(self.errors, 'error')}, {_n(self.warnings, 'warning')}"


class SnapshotResult(BaseModel):
    """What `snapshot` did: saved a new snapshot, or found the plan unchanged since the latest one."""

    id: int
    saved: bool
    store: str
    plan_key: str
    actions: int
    validation: ValidationSummary | None = None
    plan_hash: str
    workbook_hash: str
    row_hash: str | None = None
    previous_id: int | None = None
    note: str | None = None

    def describe(self) -> str:
        if not self.saved:
            return f"unchanged since snapshot {self.id}"
        findings = self.validation.describe() if self.validation else "not validated"
        line = f"snapshot {self.id} saved ({_n(self.actions, 'action')}; {findings})"
        return f"{line}; {self.note}" if self.note else line


class SnapshotInfo(BaseModel):
    """One line of a plan's history."""

    id: int
    plan_key: str
    created_at: datetime
    who: str
    machine: str
    version: str
    message: str | None = None
    source: str
    force: str | None = None
    actions: int
    plan_hash: str
    workbook_hash: str
    workbook_size: int
    validation: ValidationSummary | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def findings(self) -> str:
        return self.validation.describe() if self.validation else "not validated"

    def label(self) -> str:
        return f"snapshot {self.id} ({self.created_at:%Y-%m-%d %H:%M} UTC, {self.who})"


class Problem(BaseModel):
    snapshot_id: int | None = None
    blob_id: int | None = None
    message: str

    def describe(self) -> str:
        where = f"snapshot {self.snapshot_id}" if self.snapshot_id is not None else f"chunk {self.blob_id}"
        return f"{where}: {self.message}"


class VerifyResult(BaseModel):
    store: str
    deep: bool = False  # every workbook's exact bytes were rebuilt too
    snapshots: int = 0
    plans: int = 0
    plan_snapshots: int | None = None  # of the plan asked about, when one was
    head_id: int | None = None
    head_hash: str | None = None
    problems: list[Problem] = Field(default_factory=list)  # damage or tampering: exit 1
    notes: list[Problem] = Field(default_factory=list)  # worth knowing, nothing wrong (content verified)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        what = f"{_n(self.snapshots, 'snapshot')} of {_n(self.plans, 'plan')}"
        if self.ok:
            head = f"; newest: snapshot {self.head_id}, hash {self.head_hash[:12]}" if self.head_hash else ""
            checked = ("every workbook rebuilt to its exact bytes or its content verified part by part" if self.deep
                       else "every workbook's content verified part by part (--deep also rebuilds exact bytes)")
            lines = [f"{self.store}: {what}; hash chain and every stored hash verified, {checked}{head}"]
        else:
            lines = [f"{self.store}: {_n(len(self.problems), 'problem')} in {what}:"]
            lines.extend(f"  {problem.describe()}" for problem in self.problems)
        lines.extend(f"  note: {line}" for line in _grouped(self.notes))
        return "\n".join(lines)


class RestoreResult(BaseModel):
    """What `restore_snapshot` wrote: the exact bytes, or (another zlib) a workbook with identical contents."""

    snapshot_id: int
    path: Path
    exact: bool
    zlib_here: str
    zlib_then: str | None = None  # the zlib that took the snapshot (None: not recorded, before store schema 2)
    parts_checked: int = 0
    note: str | None = None

    def describe(self) -> str:
        return f"wrote {self.path}" + (f"\n{self.note}" if self.note else "")


# --- where the store is, and which plan a workbook is -------------------------------------------------------


def resolve_store(plan_path: str | os.PathLike[str] | None, store: str | os.PathLike[str] | None = None) -> Path:
    """`store` if given, else $SHEETSYNC_STORE, else `.sheetsync/snapshots.db` in the workbook's folder (or cwd)."""
    if store is not None and str(store):
        return Path(store).expanduser()
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    folder = Path(plan_path).absolute().parent if plan_path is not None else Path.cwd()
    return folder / ".sheetsync" / "snapshots.db"


def plan_key(plan_path: str | os.PathLike[str], force: str | None) -> str:
    """The key a plan is kept under: file name without extension and force name, case-folded ('actionplan|kent')."""
    return f"{_stem(plan_path)}|{_fold(force)}"


def _stem(plan_path: str | os.PathLike[str]) -> str:
    return Path(plan_path).stem.strip().casefold()


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


# --- reading the workbook once --------------------------------------------------------------------------------


def read_workbook(plan_path: str | os.PathLike[str]) -> tuple[bytes, Plan]:
    """The workbook's bytes, read once, and the plan parsed from those same bytes (consistent even if the file
    is saved again while it is being read)."""
    from sheetsync.safety import read_limited

    path = Path(plan_path)
    data = read_limited(path)
    return data, _parse_workbook(data, path)


def _parse_workbook(data: bytes, path: Path) -> Plan:
    """The plan in `data`, the bytes of the workbook at `path` (tests replace this to do without workbooks)."""
    from sheetsync.reader import read_plan_bytes

    return read_plan_bytes(data, source=path)


def summarise_validation(plan: Plan, *, as_of: date | None = None) -> ValidationSummary:
    """The plan's validation counts, judged as on `as_of` (default today)."""
    from sheetsync.validation import validate

    return ValidationSummary.from_report(validate(plan, as_of=as_of))


# --- commands -------------------------------------------------------------------------------------------------


def snapshot(plan_path: str | os.PathLike[str], *, message: str | None = None, who: str | None = None,
             store: str | os.PathLike[str] | None = None, require_valid: bool = False,
             as_of: date | None = None) -> SnapshotResult:
    """Record the workbook as it is now (a new snapshot only if the plan's content changed). Its validation
    counts are judged as on `as_of` (default today)."""
    path = Path(plan_path)
    data, plan = read_workbook(path)
    summary = summarise_validation(plan, as_of=as_of)
    if require_valid and summary.errors:
        raise SheetsyncError(f"has {_n(summary.errors, 'validation error')}; no snapshot taken", path=path,
                             hint=f"Run 'sheetsync validate {path}' to see them, fix them, then snapshot again")
    return snapshot_plan(plan, data, source=path, message=message, who=who, store=store,
                         validation_summary=summary)


def snapshot_plan(plan: Plan, workbook_bytes: bytes, *, source: str | os.PathLike[str], message: str | None = None,
                  who: str | None = None, store: str | os.PathLike[str] | None = None,
                  validation_summary: ValidationSummary | None = None) -> SnapshotResult:
    """Snapshot a plan already read (the Excel adapter reads through Excel); `source` is the workbook's path."""
    source_path = Path(source)
    store_path = resolve_store(source_path, store)
    # Compact canonical JSON: the same content as canonical_json()'s default, written by json's C encoder (fast).
    canonical = plan.canonical_json(indent=None).encode("utf-8")
    plan_hash = _sha(canonical)
    workbook_hash = _sha(workbook_bytes)
    key = plan_key(source_path, plan.force)
    actions = len(plan.actions())

    def unchanged(since: int) -> SnapshotResult:
        return SnapshotResult(id=since, saved=False, store=str(store_path), plan_key=key, actions=actions,
                              validation=validation_summary, plan_hash=plan_hash, workbook_hash=workbook_hash,
                              previous_id=since)

    with _connection(store_path, create=True) as conn:
        latest = _latest(conn, key)
        if latest is not None and latest["plan_hash"] == plan_hash:
            return unchanged(latest["id"])
        # The slow part (validation, chunking, compression) happens before the write lock is taken.
        if validation_summary is None:
            validation_summary = summarise_validation(plan)
        plan_pack = packing.pack_text(canonical)
        book_pack = packing.pack_workbook(workbook_bytes)
        parts = _parts_manifest(book_pack)
        chunks = {_sha(chunk): chunk for chunk in (*plan_pack.chunks, *book_pack.chunks)}
        present = _blob_ids(conn, chunks)
        fresh = [(digest, len(chunk), zlib.compress(chunk, _BLOB_LEVEL))
                 for digest, chunk in chunks.items() if digest not in present]

        _begin(conn)
        try:
            latest = _latest(conn, key)  # again, under the lock: another process may have just saved it
            if latest is not None and latest["plan_hash"] == plan_hash:
                conn.execute("ROLLBACK")
                return unchanged(latest["id"])
            now = datetime.now(UTC).isoformat()
            note = None if latest is not None else _first_note(conn, source_path, plan.force)
            conn.execute("INSERT INTO plans (key, stem, name, force, created_at) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (key) DO NOTHING", (key, _stem(source_path), source_path.name, plan.force, now))
            conn.executemany("INSERT INTO blobs (hash, size, data) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                             fresh)
            ids = _blob_ids(conn, chunks)
            head = conn.execute("SELECT id, row_hash FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
            row: dict[str, Any] = {
                "id": head["id"] + 1 if head else 1,
                "plan_key": key,
                "created_at": now,
                "who": who or _login(),
                "machine": platform.node() or "unknown",
                "version": __version__,
                "message": message,
                "source": str(source_path.absolute()),
                "force": plan.force,
                "actions": actions,
                "plan_hash": plan_hash,
                "plan_manifest": _manifest(plan_pack, ids),
                "workbook_hash": workbook_hash,
                "workbook_size": len(workbook_bytes),
                "workbook_manifest": _manifest(book_pack, ids),
                "validation": validation_summary.model_dump_json() if validation_summary else None,
                "prev_hash": head["row_hash"] if head else GENESIS,
                "workbook_parts": parts,
            }
            row["row_hash"] = _row_hash(row)
            _pause_for_tests()
            columns = ", ".join(row)
            conn.execute(f"INSERT INTO snapshots ({columns}) VALUES ({', '.join('?' for _ in row)})",
                         tuple(row.values()))
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
    return SnapshotResult(id=row["id"], saved=True, store=str(store_path), plan_key=key, actions=actions,
                          validation=validation_summary, plan_hash=plan_hash, workbook_hash=workbook_hash,
                          row_hash=row["row_hash"], previous_id=latest["id"] if latest is not None else None,
                          note=note)


def history(plan_path: str | os.PathLike[str], *, store: str | os.PathLike[str] | None = None
            ) -> list[SnapshotInfo]:
    """The plan's snapshots, newest first (empty when there are none, or no store yet)."""
    store_path = resolve_store(plan_path, store)
    if not store_path.exists():
        return []
    with _connection(store_path, create=False) as conn:
        key = _plan_key(conn, Path(plan_path))
        if key is None:
            return []
        rows = conn.execute(f"SELECT {_INFO_COLUMNS} FROM snapshots WHERE plan_key = ? ORDER BY id DESC", (key,))
        return [_info(row) for row in rows]


def format_history(entries: list[SnapshotInfo]) -> str:
    """A plain-text table of `history`'s entries."""
    if not entries:
        return "no snapshots yet (take one with 'sheetsync snapshot PLAN')\n"
    header = ("id", "taken (UTC)", "who", "actions", "findings", "message")
    rows = [(str(e.id), f"{e.created_at:%Y-%m-%d %H:%M}", e.who, str(e.actions), e.findings,
             " ".join((e.message or "").split())) for e in entries]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    right = {0, 3}
    lines = []
    for row in (header, *rows):
        cells = [cell.rjust(width) if i in right else cell.ljust(width)
                 for i, (cell, width) in enumerate(zip(row[:-1], widths, strict=True))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def load_plan(plan_path: str | os.PathLike[str], snapshot_id: int | str, *,
              store: str | os.PathLike[str] | None = None) -> Plan:
    """The plan as snapshot `snapshot_id` holds it (14, "14", "latest"; "current" reads the workbook now)."""
    if _is_current(snapshot_id):
        return read_workbook(plan_path)[1]
    with _connection(_existing_store(plan_path, store), create=False) as conn:
        row = _find_snapshot(conn, Path(plan_path), snapshot_id)
        return _plan_of(conn, row, Path(plan_path))


def diff_snapshots(plan_path: str | os.PathLike[str], from_id: int | str | None = None,
                   to_id: int | str | None = None, *, store: str | os.PathLike[str] | None = None) -> PlanDiff:
    """What changed from snapshot FROM to TO. Neither given: the two newest. FROM only: FROM to the workbook as
    it is now ("current", like `git diff A`)."""
    from sheetsync.diff import diff_plans  # not on the Excel button's path

    path = Path(plan_path)
    if from_id is not None and to_id is None:
        to_id = "current"
    with _connection(_existing_store(path, store), create=False) as conn:
        if from_id is None and to_id is None:
            key = _plan_key(conn, path)
            newest = conn.execute("SELECT id FROM snapshots WHERE plan_key = ? ORDER BY id DESC LIMIT 2",
                                  (key,)).fetchall() if key else []
            if len(newest) < 2:
                only = f" (snapshot {newest[0]['id']})" if newest else ""
                raise SnapshotNotFoundError(f"has {len(newest)} snapshot{'' if len(newest) == 1 else 's'}{only}, "
                                            "so there are not two to compare", path=path,
                                            hint="Compare with the workbook as it is now: "
                                                 f"sheetsync diff {path} {newest[0]['id'] if newest else 'latest'} "
                                                 "current")
            from_id, to_id = newest[1]["id"], newest[0]["id"]
        sides: list[tuple[Plan, str]] = []
        for wanted in (from_id, to_id):
            assert wanted is not None
            if _is_current(wanted):
                sides.append((read_workbook(path)[1], f"{path.name} as it is now"))
            else:
                row = _find_snapshot(conn, path, wanted)
                sides.append((_plan_of(conn, row, path), _info(row).label()))
    result = diff_plans(sides[0][0], sides[1][0])
    return result.model_copy(update={"old_label": sides[0][1], "new_label": sides[1][1]})


def restore(plan_path: str | os.PathLike[str], snapshot_id: int | str, *, output: str | os.PathLike[str],
            store: str | os.PathLike[str] | None = None, overwrite: bool = False) -> Path:
    """Write a snapshot's workbook to a new file (never over the plan itself); the path written. See
    `restore_snapshot`, which also says whether the bytes are exact or the contents identical."""
    return restore_snapshot(plan_path, snapshot_id, output=output, store=store, overwrite=overwrite).path


def restore_snapshot(plan_path: str | os.PathLike[str], snapshot_id: int | str, *, output: str | os.PathLike[str],
                     store: str | os.PathLike[str] | None = None, overwrite: bool = False) -> RestoreResult:
    """Write a snapshot's workbook to a new file (never over the plan itself).

    The exact bytes snapshotted when this Python's zlib rebuilds them (checked against the file's SHA-256). When
    it deflates differently: the workbook with the same members, in the same order, with the same content (every
    part checked against its recorded hash), whose compressed bytes differ; `.exact` is False and `.note` says
    why. Refuses (StoreError, naming the part) only when content itself fails its hash: damage or tampering.
    """
    path = Path(plan_path)
    with _connection(_existing_store(path, store), create=False) as conn:
        row = _find_snapshot(conn, path, snapshot_id)
        try:
            segments, contents = _fetch(conn, row["workbook_manifest"])
        except (KeyError, ValueError, TypeError, zlib.error) as exc:
            raise StoreError(f"snapshot {row['id']}'s workbook refers to missing or damaged chunks", path=None,
                             hint="Run 'sheetsync verify' for details") from exc
        rebuilt = _rebuild_workbook(row, segments, contents)
    if rebuilt.problem is not None:
        raise StoreError(f"snapshot {row['id']}'s {rebuilt.problem}; it was not restored",
                         hint="Run 'sheetsync verify' for details")
    assert rebuilt.data is not None
    written = write_bytes_atomic(output, rebuilt.data, overwrite=overwrite, protect=(path,))
    return RestoreResult(snapshot_id=row["id"], path=written, exact=rebuilt.exact,
                         zlib_here=zlib.ZLIB_RUNTIME_VERSION, zlib_then=rebuilt.zlib_then,
                         parts_checked=rebuilt.parts_checked,
                         note=None if rebuilt.exact else f"restored snapshot {row['id']}: {rebuilt.note}")


def verify(plan_path: str | os.PathLike[str] | None = None, *, store: str | os.PathLike[str] | None = None,
           deep: bool = False) -> VerifyResult:
    """Check the whole store: the hash chain, every row's hash, every chunk's hash, every plan's hash, and every
    workbook's content.

    A workbook's content is every part's recorded SHA-256 (its members uncompressed, bytes kept as they are; the
    zip headers are in the row-hashed manifest), which proves it intact whatever zlib this Python has, and costs no
    deflating. `deep` also rebuilds every workbook's exact bytes and checks the file's SHA-256; where this zlib
    deflates differently but the content is verified, that is a note, not a problem. Snapshots from before store
    schema 2 have no part hashes: their exact bytes are always rebuilt, as the only proof there is.
    """
    store_path = _existing_store(plan_path, store)
    with _connection(store_path, create=False) as conn:
        result = VerifyResult(store=str(store_path), deep=deep)
        contents: dict[int, bytes] = {}
        for blob in conn.execute("SELECT id, hash, size, data FROM blobs ORDER BY id"):
            try:
                content = zlib.decompress(blob["data"])
            except (zlib.error, TypeError):
                result.problems.append(Problem(blob_id=blob["id"], message="its data cannot be decompressed"))
                continue
            if _sha(content) != blob["hash"] or len(content) != blob["size"]:
                result.problems.append(Problem(blob_id=blob["id"], message="its content does not match its hash"))
            contents[blob["id"]] = content
        previous: tuple[int, str] | None = None
        plans: set[str] = set()
        cache: dict[tuple[int, ...], str] = {}
        for row in conn.execute("SELECT * FROM snapshots ORDER BY id"):
            sid = row["id"]
            plans.add(row["plan_key"])
            result.snapshots += 1
            expected_prev = previous[1] if previous else GENESIS
            if row["prev_hash"] != expected_prev:
                before = f"snapshot {previous[0]}" if previous else "the start of the chain"
                result.problems.append(Problem(snapshot_id=sid, message=(
                    f"the chain is broken: it does not follow {before} (a snapshot was removed, reordered or "
                    "altered)")))
            if _row_hash(row) != row["row_hash"]:
                result.problems.append(Problem(snapshot_id=sid, message="its fields were altered after it was saved "
                                                                       "(they no longer match its hash)"))
            previous = (sid, row["row_hash"])
            try:
                ok = _sha(_assemble(row["plan_manifest"], contents)) == row["plan_hash"]
            except (KeyError, ValueError, TypeError, zlib.error):
                result.problems.append(Problem(snapshot_id=sid, message="its plan JSON refers to missing or "
                                                                       "unreadable chunks"))
            else:
                if not ok:
                    result.problems.append(Problem(snapshot_id=sid, message="its plan JSON does not match its hash"))
            try:
                segments = _segments(row["workbook_manifest"])
                parts = _parts_of(row)
            except (KeyError, ValueError, TypeError, zlib.error):
                result.problems.append(Problem(snapshot_id=sid, message="its workbook manifest is unreadable"))
                continue
            if parts is not None and not deep:
                failures = packing.part_failures(segments, contents, parts["parts"], cache)
                if failures:
                    result.problems.append(Problem(snapshot_id=sid, message=_failed_parts(failures)))
                continue
            rebuilt = _rebuild_workbook(row, segments, contents, cache=cache)
            if rebuilt.problem is not None and rebuilt.content_ok:  # intact, but restore here cannot write it
                result.notes.append(Problem(snapshot_id=sid, message=rebuilt.problem))
            elif rebuilt.problem is not None:
                result.problems.append(Problem(snapshot_id=sid, message=f"its {rebuilt.problem}"))
            elif rebuilt.note is not None:
                result.notes.append(Problem(snapshot_id=sid, message=rebuilt.note))
        result.plans = len(plans)
        if previous:
            result.head_id, result.head_hash = previous
        if plan_path is not None:
            key = _plan_key(conn, Path(plan_path))
            result.plan_snapshots = conn.execute("SELECT count(*) FROM snapshots WHERE plan_key = ?",
                                                 (key,)).fetchone()[0] if key else 0
        return result


# --- the store file ---------------------------------------------------------------------------------------------


def _existing_store(plan_path: str | os.PathLike[str] | None, store: str | os.PathLike[str] | None) -> Path:
    store_path = resolve_store(plan_path, store)
    if not store_path.exists():
        raise StoreError("no snapshot store here", path=store_path,
                         hint="Take a snapshot first ('sheetsync snapshot PLAN'), or name the store with --store")
    return store_path


@contextlib.contextmanager
def _connection(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    """An open, migrated store; every SQLite failure comes out as a StoreError naming the file and the fix."""
    if path.exists():
        if path.is_dir():
            raise StoreError("is a folder, not a snapshot store", path=path, hint="Name a file with --store")
        try:
            with path.open("rb") as handle:
                magic = handle.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"cannot be read ({exc.strerror or exc})", path=path,
                             hint="Check that you may read it") from exc
        if magic and magic != _SQLITE_MAGIC:
            raise StoreError("is not a sheetsync snapshot store (not an SQLite database)", path=path,
                             hint="Point --store (or SHEETSYNC_STORE) at a sheetsync store, or move this file away")
    elif not create:
        raise StoreError("no snapshot store here", path=path, hint="Take a snapshot first")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot be created ({exc.strerror or exc})", path=path,
                             hint="Use a folder you can write to: --store PATH or SHEETSYNC_STORE") from exc
    try:
        conn = sqlite3.connect(str(path), timeout=_timeout(), isolation_level=None)
    except sqlite3.Error as exc:
        raise _store_error(exc, path) from exc
    try:
        conn.row_factory = sqlite3.Row
        _prepare(conn, path)
        yield conn
    except sqlite3.Error as exc:
        raise _store_error(exc, path) from exc
    finally:
        conn.close()


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError("is an SQLite database of another program, not a sheetsync snapshot store", path=path,
                             hint="Point --store (or SHEETSYNC_STORE) at another file")
        version = 0
    if version > len(MIGRATIONS):
        raise StoreError(f"was written by a newer sheetsync (store schema {version}; this one knows up to "
                         f"{len(MIGRATIONS)})", path=path, hint="Upgrade sheetsync")
    # WAL + NORMAL: consistent after any crash; a power cut may lose the newest snapshot, never corrupt the chain.
    conn.execute("PRAGMA synchronous = NORMAL")
    if version < len(MIGRATIONS):
        _migrate(conn)
    conn.execute("PRAGMA foreign_keys = ON")


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this store lacks, each in its own transaction (safe against a concurrent upgrade)."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    while True:
        _begin(conn)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= len(MIGRATIONS):
                conn.execute("ROLLBACK")
                return
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise


def _begin(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")  # take the write lock now (waits up to the busy timeout)


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError(f"is locked by another program (waited {_timeout():g} s)", path=path,
                          hint="Another snapshot may be running: try again in a moment; if it persists, close "
                               "whatever has the store open")
    if "readonly" in text or "read-only" in text:
        return StoreError("is read-only", path=path,
                          hint="Use a store you can write to: --store PATH or SHEETSYNC_STORE")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError("is not a sheetsync snapshot store, or is damaged", path=path,
                          hint="Point --store at a sheetsync store; 'sheetsync verify' checks one")
    if "unable to open" in text or "disk i/o" in text:
        return StoreError("cannot be opened", path=path,
                          hint="Check the folder exists and you may write to it, or use --store PATH")
    return StoreError(f"store failure ({exc})", path=path)


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if not pause:
        return
    flag = os.environ.get(PAUSE_FLAG_ENV)
    if flag:
        Path(flag).write_text("in transaction\n", encoding="utf-8")
    time.sleep(float(pause))


# --- rows, chunks and manifests ---------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _row_hash(row: Mapping[str, Any] | sqlite3.Row) -> str:
    fields: dict[str, Any] = {}
    for name in _HASHED:
        value = row[name]
        if value is None and name in _HASHED_IF_SET:
            continue
        fields[name] = f"sha256:{_sha(value)}" if isinstance(value, bytes) else value
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _sha(text.encode("utf-8"))


def _blob_ids(conn: sqlite3.Connection, digests: Iterable[str]) -> dict[str, int]:
    wanted = list(digests)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        marks = ", ".join("?" for _ in batch)
        for row in conn.execute(f"SELECT id, hash FROM blobs WHERE hash IN ({marks})", batch):
            found[row["hash"]] = row["id"]
    return found


def _manifest(packed: packing.Packed, ids: Mapping[str, int]) -> bytes:
    mapping = {index: ids[_sha(chunk)] for index, chunk in enumerate(packed.chunks)}
    body = {"v": 1, "zlib": zlib.ZLIB_RUNTIME_VERSION, "segments": packing.remap(packed.segments, mapping)}
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("ascii"), 9)


def _segments(manifest: bytes) -> list[packing.Segment]:
    body = json.loads(zlib.decompress(manifest))
    segments: list[packing.Segment] = body["segments"]
    return segments


def _assemble(manifest: bytes, contents: Mapping[int, bytes]) -> bytes:
    return packing.unpack(_segments(manifest), contents)


def _fetch(conn: sqlite3.Connection, manifest: bytes) -> tuple[list[packing.Segment], dict[int, bytes]]:
    segments = _segments(manifest)
    wanted = sorted(set(packing.refs(segments)))
    contents: dict[int, bytes] = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        marks = ", ".join("?" for _ in batch)
        for row in conn.execute(f"SELECT id, data FROM blobs WHERE id IN ({marks})", batch):
            contents[row["id"]] = zlib.decompress(row["data"])
    return segments, contents


def _content(conn: sqlite3.Connection, row: sqlite3.Row, manifest: str, digest: str, what: str) -> bytes:
    try:
        segments, contents = _fetch(conn, row[manifest])
        data = packing.unpack(segments, contents)
    except (KeyError, ValueError, TypeError, zlib.error) as exc:
        raise StoreError(f"snapshot {row['id']}'s {what} refers to missing or damaged chunks", path=None,
                         hint="Run 'sheetsync verify' for details") from exc
    if _sha(data) != row[digest]:
        stored_zlib = json.loads(zlib.decompress(row[manifest])).get("zlib")
        why = (f"; it was stored with zlib {stored_zlib} and this Python has zlib {zlib.ZLIB_RUNTIME_VERSION}, "
               "which may deflate differently" if stored_zlib != zlib.ZLIB_RUNTIME_VERSION else "")
        raise StoreError(f"snapshot {row['id']}'s {what} does not match its recorded hash{why}",
                         hint="Run 'sheetsync verify' for details")
    return data


def _parts_manifest(packed: packing.Packed) -> bytes:
    body = {"v": 1, "zlib": packing.zlib_params(), "parts": packing.content_parts(packed)}
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("utf-8"), 9)


def _parts_of(row: sqlite3.Row) -> dict[str, Any] | None:
    """The snapshot's part hashes and zlib (None: taken before store schema 2)."""
    raw = row["workbook_parts"]
    if raw is None:
        return None
    body: dict[str, Any] = json.loads(zlib.decompress(raw))
    if not isinstance(body.get("parts"), list):
        raise ValueError("no parts in the parts manifest")
    return body


def _failed_parts(failures: list[str]) -> str:
    shown = ", ".join(failures[:5]) + (f" and {len(failures) - 5} more" if len(failures) > 5 else "")
    return (f"workbook is damaged or was altered: {shown} {'does' if len(failures) == 1 else 'do'} not match "
            "the recorded content hash")


@dataclass
class _Rebuilt:
    data: bytes | None = None
    exact: bool = False
    problem: str | None = None  # damage or tampering (the content, or the exact bytes when nothing else proves it)
    note: str | None = None  # the content is verified but the exact bytes could not be rebuilt here
    content_ok: bool = False  # every part's content verified (a `problem` then is not damage: restore cannot write it)
    zlib_then: str | None = None
    parts_checked: int = 0


def _rebuild_workbook(row: sqlite3.Row, segments: list[packing.Segment], contents: Mapping[int, bytes], *,
                      cache: dict[tuple[int, ...], str] | None = None) -> _Rebuilt:
    """The snapshot's workbook: its exact bytes when this zlib rebuilds them, else (part hashes recorded and every
    part's content verified) the content-identical zip; else a problem saying what failed."""
    try:
        parts = _parts_of(row)
        zlib_then = (parts["zlib"].get("runtime") if parts is not None else
                     json.loads(zlib.decompress(row["workbook_manifest"])).get("zlib"))
        built = packing.pieces(segments, contents)
    except (KeyError, ValueError, TypeError, AttributeError, zlib.error):
        return _Rebuilt(problem="workbook refers to missing or damaged chunks")
    data = b"".join(built)
    here = zlib.ZLIB_RUNTIME_VERSION
    if _sha(data) == row["workbook_hash"]:
        return _Rebuilt(data=data, exact=True, zlib_then=zlib_then)
    if parts is None:
        why = (f"; it was stored with zlib {zlib_then} and this Python has zlib {here}, which may deflate "
               "differently (it was taken before sheetsync recorded content hashes, so only a Python with that "
               "zlib can check it)" if zlib_then != here else "")
        return _Rebuilt(problem=f"workbook does not match its recorded hash{why}", zlib_then=zlib_then)
    failures = packing.part_failures(segments, contents, parts["parts"], cache)
    if failures:
        return _Rebuilt(problem=_failed_parts(failures), zlib_then=zlib_then)
    if _row_hash(row) != row["row_hash"]:  # the part hashes are the proof now: they must be the ones recorded
        return _Rebuilt(problem="fields were altered after it was saved (they no longer match its hash)",
                        zlib_then=zlib_then)
    try:
        relinked = packing.relink(segments, built, parts["parts"])
    except ValueError as exc:
        return _Rebuilt(problem=f"workbook's content is intact (every part checked) but this Python's zlib ({here}) "
                                f"deflates differently from the one that took it ({zlib_then}) and its zip could "
                                f"not be re-linked ({exc}); restore it with a Python that has zlib {zlib_then}",
                        zlib_then=zlib_then, content_ok=True)
    differs = (f"differs from the one that took the snapshot ({zlib_then})" if zlib_then != here else
               f"deflates differently from the one that took the snapshot (also reporting {zlib_then})")
    note = ("contents identical to what was snapshotted (every part checked); the file's compressed bytes differ "
            f"because this Python's zlib ({here}) {differs}")
    return _Rebuilt(data=relinked, exact=False, note=note, zlib_then=zlib_then, parts_checked=len(parts["parts"]))


def _grouped(notes: list[Problem]) -> list[str]:
    """Notes with the same message on one line: 'snapshots 1-40, 42 (41): message'."""
    by_message: dict[str, list[int]] = {}
    for note in notes:
        by_message.setdefault(note.message, []).append(note.snapshot_id or 0)
    lines = []
    for message, ids in by_message.items():
        if len(ids) == 1:
            lines.append(f"snapshot {ids[0]}: {message}")
            continue
        runs: list[list[int]] = []
        for sid in sorted(ids):
            if runs and sid == runs[-1][-1] + 1:
                runs[-1].append(sid)
            else:
                runs.append([sid])
        spans = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
        lines.append(f"snapshots {spans} ({len(ids)}): {message}")
    return lines


def _plan_of(conn: sqlite3.Connection, row: sqlite3.Row, path: Path) -> Plan:
    plan = Plan.from_canonical(_content(conn, row, "plan_manifest", "plan_hash", "plan JSON").decode("utf-8"))
    plan.source = str(path)
    return plan


def _latest(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT id, plan_hash FROM snapshots WHERE plan_key = ? ORDER BY id DESC LIMIT 1", (key,)).fetchone()
    return row


def _first_note(conn: sqlite3.Connection, path: Path, force: str | None) -> str | None:
    others = conn.execute("SELECT name, force FROM plans WHERE stem = ? AND key != ?",
                          (_stem(path), plan_key(path, force))).fetchall()
    if not others:
        return None
    names = "; ".join(f"{row['name']} for {row['force'] or 'no force'}" for row in others)
    return (f"the first of {path.name} for {force or 'no force'}: the store also keeps {names} "
            "(a different force name starts a separate history)")


def _plan_key(conn: sqlite3.Connection, path: Path) -> str | None:
    """The key of the plan this workbook is, from its file name; reads the workbook only when the store holds
    the same file name for several forces."""
    keys = [row["key"] for row in conn.execute("SELECT key FROM plans WHERE stem = ? ORDER BY key", (_stem(path),))]
    if len(keys) <= 1:
        return keys[0] if keys else None
    if path.exists():
        key = plan_key(path, read_workbook(path)[1].force)
        if key in keys:
            return key
    forces = ", ".join(repr(key.split("|", 1)[1]) for key in keys)
    raise StoreError(f"the store keeps {len(keys)} plans named {path.stem} (forces {forces}) and the workbook "
                     "does not say which it is", path=path, hint="Open the workbook and check the Force: cell")


def _parse_id(snapshot_id: int | str) -> int | str:
    if isinstance(snapshot_id, int):
        return snapshot_id
    text = str(snapshot_id).strip().lstrip("#")
    if text.isdigit():
        return int(text)
    if text.casefold() == "latest":
        return "latest"
    raise SnapshotNotFoundError(f"{snapshot_id!r} is not a snapshot id",
                                hint="Use a number from 'sheetsync history', 'latest' or 'current'")


def _is_current(snapshot_id: int | str) -> bool:
    return isinstance(snapshot_id, str) and snapshot_id.strip().casefold() == "current"


def _find_snapshot(conn: sqlite3.Connection, path: Path, snapshot_id: int | str) -> sqlite3.Row:
    wanted = _parse_id(snapshot_id)
    key = _plan_key(conn, path)
    if key is None:
        raise SnapshotNotFoundError("has no snapshots in this store", path=path,
                                    hint="Take one with 'sheetsync snapshot', or name the store with --store")
    if wanted == "latest":
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM snapshots WHERE plan_key = ? ORDER BY id DESC LIMIT 1", (key,)).fetchone()
        if row is None:
            raise SnapshotNotFoundError("has no snapshots in this store", path=path)
        return row
    row = conn.execute("SELECT * FROM snapshots WHERE id = ?", (wanted,)).fetchone()
    if row is None:
        raise SnapshotNotFoundError(f"snapshot {wanted} is not in the store", path=path,
                                    hint="'sheetsync history' lists this plan's snapshots")
    if row["plan_key"] != key:
        raise SnapshotNotFoundError(f"snapshot {wanted} is of another plan ({row['source']})", path=path,
                                    hint="'sheetsync history' lists this plan's snapshots")
    return row


def _info(row: sqlite3.Row) -> SnapshotInfo:
    validation = row["validation"]
    return SnapshotInfo(
        id=row["id"], plan_key=row["plan_key"], created_at=datetime.fromisoformat(row["created_at"]),
        who=row["who"], machine=row["machine"], version=row["version"], message=row["message"],
        source=row["source"], force=row["force"], actions=row["actions"], plan_hash=row["plan_hash"],
        workbook_hash=row["workbook_hash"], workbook_size=row["workbook_size"],
        validation=ValidationSummary.model_validate_json(validation) if validation else None)


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


__all__ = [
    "MIGRATIONS", "Problem", "RestoreResult", "SnapshotInfo", "SnapshotResult", "ValidationSummary", "VerifyResult",
    "diff_snapshots", "format_history", "history", "load_plan", "plan_key", "read_workbook", "resolve_store", "restore",
    "restore_snapshot", "snapshot", "snapshot_plan", "summarise_validation", "verify",
]
