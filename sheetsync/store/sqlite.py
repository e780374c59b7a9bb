"""The embedded file store: one SQLite file (default `.sheetsync/snapshots.db` beside the workbook).

Everything SQLite-specific lives here: the schema and its numbered migrations (PRAGMA user_version), the
journal mode, locking, read-only opening, durability and the mapping of SQLite's error codes to one line.

- Journal: WAL on a local disk (readers never block the writer). On a network drive or a synced folder
  (`location.shared_location`), SQLite's own documentation rules WAL out, and sync clients copy `-wal`/`-shm`
  independently of the database: there the store uses the rollback journal (DELETE) with exclusive locking, and
  says once that a team should use a server store.
- Durable: `synchronous = FULL`, and after each commit in WAL mode a TRUNCATE checkpoint copies the snapshot into
  the database file itself; then the file is checked to be the one opened (same device and inode), so a store
  deleted or replaced during a snapshot is reported, never "saved".
- Read-only: mode "read" changes nothing (`PRAGMA query_only`) and leaves nothing beside the store. A store the user
  may not write (the file, or its folder) is opened with a `mode=ro` URI, as an immutable file when no writer has
  it open (see `_frozen`), so it works in a folder the user cannot write; a store the user could write is opened
  as usual, so that closing it removes the `-wal`/`-shm` files SQLite keeps while it is open.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sheetsync.errors import StoreError
from sheetsync.store import location
from sheetsync.store.repository import (
    COLUMNS,
    Blob,
    ChaseRecord,
    Mode,
    PlanRecord,
    SnapshotHead,
    SnapshotRow,
    StoredBlob,
)

TIMEOUT_ENV = "SHEETSYNC_STORE_TIMEOUT"  # seconds to wait for another writer (default 10)
DEFAULT_TIMEOUT = 10.0
APPLICATION_ID = 0x53534E43  # "SSNC" in the SQLite header: this file is a sheetsync store
SQLITE_MAGIC = b"SQLite format 3\x00"
LOW_SPACE = 4 * 1024 * 1024  # below this much free space, an I/O failure is reported as a full disk
_BATCH = 500  # ids or hashes per IN (...) query

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
    # 2 -> 3: the chase messages sent (sheetsync chase --send), so an owner is not chased twice in a day.
    """
    CREATE TABLE chases (
        plan_key TEXT NOT NULL,
        owner_key TEXT NOT NULL,
        day TEXT NOT NULL,              -- ISO date the chase was judged on
        sent_at TEXT NOT NULL,          -- ISO 8601, UTC
        who TEXT NOT NULL
    );
    CREATE INDEX chases_day ON chases (plan_key, day)
    """,
]

# SQLite's primary result codes (https://sqlite.org/rescode.html); extended codes keep these in the low byte.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26


def timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def store_error(exc: sqlite3.Error, path: Path, mode: Mode = "write") -> StoreError:
    """One line for an SQLite failure, chosen by its result code (never by the message text)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreError(f"is locked by another program (waited {timeout():g} s)", path=path,
                          hint="Another snapshot may be running: try again in a moment; if it persists, close "
                               "whatever has the store open")
    if primary == SQLITE_READONLY:
        return StoreError("is read-only", path=path,
                          hint="Use a store you can write to: --store PATH or SHEETSYNC_STORE")
    if primary in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return StoreError("is not a sheetsync snapshot store, or is damaged", path=path,
                          hint="Point --store at a sheetsync store; 'sheetsync verify' checks one")
    full = low_space(path)
    if primary == SQLITE_FULL or (primary in (SQLITE_IOERR, SQLITE_CANTOPEN) and full is not None):
        if mode == "read":
            return StoreError(f"cannot be opened: the disk it is on is full ({full or 'no space'} left) and SQLite "
                              "needs a little room beside the store to read it", path=path,
                              hint="Free some space on that disk, then try again")
        return StoreError(f"cannot be written: the disk it is on is full ({full or 'no space'} left)", path=path,
                          hint="Free some space on that disk, or use a store on another disk (--store PATH); "
                               "nothing was saved")
    if primary == SQLITE_CANTOPEN:
        return StoreError("cannot be opened", path=path,
                          hint="Check the folder exists and you may read it (and, to snapshot, write to it), or "
                               "use --store PATH")
    if primary == SQLITE_IOERR:
        return StoreError(f"could not be read or written ({name})", path=path,
                          hint="Check the disk or network share it is on is reachable and healthy")
    if primary == SQLITE_PERM:
        return StoreError("may not be opened (permission denied)", path=path, hint="Check your access to it")
    return StoreError(f"store failure ({name})", path=path)


def low_space(path: Path) -> str | None:
    """'12 kB' when the disk holding `path` has less than LOW_SPACE free, else None (also when unknown)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    return f"{free // 1024} kB" if free < LOW_SPACE else None


def open_repository(path: Path, *, mode: Mode = "write",
                    platform: location.Platform | None = None) -> SQLiteRepository:
    """An open, migrated store (mode "write", created if missing) or an existing one opened read-only.
    `platform`: the machine's facts for `location.shared_location` (default: this machine's)."""
    _check_file(path, create=mode == "write")
    if mode == "read" and _needs_migration(path) and _writable(path):
        SQLiteRepository(path, mode="write", platform=platform).close()  # migrate once, then read read-only
    return SQLiteRepository(path, mode=mode, platform=platform)


class _HeadReads:
    """The reads both the repository and an open transaction's appender answer, each through its own `_query`."""

    def _query(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        raise NotImplementedError

    def latest(self, plan_key: str) -> SnapshotHead | None:
        return _latest(self._query, plan_key)

    def head(self) -> SnapshotHead | None:
        return _head(self._query)

    def plans_named(self, stem: str) -> list[PlanRecord]:
        return _plans_named(self._query, stem)


class SQLiteRepository(_HeadReads):
    """The `Repository` on one SQLite file."""

    def __init__(self, path: Path, *, mode: Mode, platform: location.Platform | None = None) -> None:
        self.path = path
        self.mode = mode
        self.shared = location.shared_location(path, platform=platform)
        self._notice: str | None = None
        self._wal = False
        self._fresh = not path.exists() or path.stat().st_size == 0
        try:
            if mode == "read" and not _writable(path):
                query = "?mode=ro&immutable=1" if _frozen(path) else "?mode=ro"
                self.conn = sqlite3.connect(uri(path) + query, uri=True, timeout=timeout(), isolation_level=None)
            else:
                self.conn = sqlite3.connect(str(path), timeout=timeout(), isolation_level=None)
        except sqlite3.Error as exc:
            raise store_error(exc, path, mode) from exc
        try:
            self.conn.row_factory = sqlite3.Row
            self._identity = _identity(path)
            self._version = self._prepare()
        except sqlite3.Error as exc:
            self.conn.close()
            raise store_error(exc, path, mode) from exc
        except BaseException:
            self.conn.close()
            raise

    # --- Repository ------------------------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def anchor(self) -> Path | None:
        return self.path.with_name(self.path.name + ".heads")

    @property
    def notice(self) -> str | None:
        return self._notice

    @property
    def schema_version(self) -> int:
        return self._version

    def plans(self) -> list[PlanRecord]:
        rows = self._query("SELECT key, stem, name, force, created_at FROM plans ORDER BY key")
        return [PlanRecord(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    def blob_ids(self, hashes: Iterable[str]) -> dict[str, int]:
        return _blob_ids(self._query, hashes)

    def blobs(self, ids: Iterable[int]) -> dict[int, bytes]:
        wanted = sorted(set(ids))
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start:start + _BATCH]
            marks = ", ".join("?" for _ in batch)
            for row in self._query(f"SELECT id, data FROM blobs WHERE id IN ({marks})", batch):
                found[row["id"]] = row["data"]
        return found

    def all_blobs(self) -> Iterator[StoredBlob]:
        for row in self._query("SELECT id, hash, size, data FROM blobs ORDER BY id"):
            yield StoredBlob(row["id"], row["hash"], row["size"], row["data"])

    def snapshots(self, plan_key: str | None = None, *, newest_first: bool = False) -> Iterator[SnapshotRow]:
        order = "DESC" if newest_first else "ASC"
        if plan_key is None:
            rows = self._query(f"SELECT * FROM snapshots ORDER BY id {order}")
        else:
            rows = self._query(f"SELECT * FROM snapshots WHERE plan_key = ? ORDER BY id {order}", (plan_key,))
        for row in rows:
            yield SnapshotRow.from_fields(row)

    def snapshot(self, snapshot_id: int) -> SnapshotRow | None:
        row = self._query("SELECT * FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
        return SnapshotRow.from_fields(row) if row is not None else None

    def count(self, plan_key: str) -> int:
        total: int = self._query("SELECT count(*) FROM snapshots WHERE plan_key = ?", (plan_key,)).fetchone()[0]
        return total

    def chased(self, plan_key: str, day: str) -> set[str]:
        if self.schema_version < 3:  # a store opened read-only before its chase table was added
            return set()
        rows = self._query("SELECT owner_key FROM chases WHERE plan_key = ? AND day = ?", (plan_key, day))
        return {row[0] for row in rows}

    @contextlib.contextmanager
    def append(self) -> Iterator[_Appender]:
        if self.mode != "write":
            raise StoreError("was opened read-only", path=self.path)
        try:
            self.conn.execute("BEGIN IMMEDIATE")  # the write lock now (waits up to the busy timeout)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path, self.mode) from exc
        try:
            yield _Appender(self.conn, self.path)
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise store_error(exc, self.path, self.mode) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        self._make_durable()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- SQLite ------------------------------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path, self.mode) from exc

    def _prepare(self) -> int:
        conn = self.conn
        if self.mode == "write" and self.shared is not None:
            # Exclusive locking keeps every lock until the connection closes: one that read first (keeping a shared
            # lock) and then wanted to write could deadlock with another doing the same. So the exclusive lock is
            # taken before anything is read, waiting for any other writer, and held for this whole session. It is
            # taken in the normal locking mode and only then made to stay: in exclusive mode a try that loses
            # keeps the shared lock it took on the way, and the writer ahead (holding the pending lock, waiting
            # for every shared lock to go) then waits for it until the timeout. Four writers on a share locked
            # up that way about one run in eight on a loaded machine (tests/test_store_location.py).
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("COMMIT")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise StoreError("is an SQLite database of another program, not a sheetsync snapshot store",
                                 path=self.path, hint="Point --store (or SHEETSYNC_STORE) at another file")
            version = 0
        if version > len(MIGRATIONS):
            raise StoreError(f"was written by a newer sheetsync (store schema {version}; this one knows up to "
                             f"{len(MIGRATIONS)})", path=self.path, hint="Upgrade sheetsync")
        if self.mode == "read":
            # A store we could write is opened as usual but refuses every change: a read-only (mode=ro) connection
            # can create -wal/-shm but never remove them, so as the last one to close it would leave them behind.
            conn.execute("PRAGMA query_only = ON")
            if version == 0:
                raise StoreError("holds no snapshots yet", path=self.path,
                                 hint="Take one with 'sheetsync snapshot PLAN'")
            self._wal = False
            return version
        conn.execute("PRAGMA synchronous = FULL")
        self._set_journal()
        if version < len(MIGRATIONS):
            version = self._migrate()
        conn.execute("PRAGMA foreign_keys = ON")
        return version

    def _set_journal(self) -> None:
        conn = self.conn
        shared = self.shared
        current = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if shared is None:
            if current != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            self._wal = True
            return
        if current != "delete":
            conn.execute("PRAGMA journal_mode = DELETE")
        if current == "wal" or self._fresh:
            self._notice = (f"this store is {shared}, where SQLite's write-ahead log is unsafe, so it uses a rollback "
                            "journal and one writer at a time; a team sharing one history should use a server "
                            "store (--store postgresql://…)")

    def _migrate(self) -> int:
        """Apply the migrations this store lacks, each in its own transaction (safe against a concurrent upgrade)."""
        conn = self.conn
        while True:
            conn.execute("BEGIN IMMEDIATE")
            try:
                version: int = conn.execute("PRAGMA user_version").fetchone()[0]
                if version >= len(MIGRATIONS):
                    conn.execute("ROLLBACK")
                    return version
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

    def _make_durable(self) -> None:
        """After a commit: the data in the database file itself, in the file that was opened.

        In WAL mode, PASSIVE checkpoints until every committed frame (ours among them) is copied into the database
        file and synced: PASSIVE never waits on another writer (two writers each waiting in a FULL checkpoint for
        the other can stall), and a reader still using an older state only delays the copy, up to the timeout.
        """
        if self._wal:
            deadline = time.monotonic() + timeout()
            while True:
                try:
                    busy, log, copied = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:
                    raise store_error(exc, self.path, self.mode) from exc
                if not busy and copied >= log:
                    break
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"kept the snapshot only in {self.path.name}-wal: another program reading the store stopped "
                        f"it being copied into {self.path.name} itself (waited {timeout():g} s)", path=self.path,
                        hint=f"Close that program; the copy completes when the store is next opened. Do not delete "
                             f"{self.path.name}-wal meanwhile")
                time.sleep(0.01)
        if _identity(self.path) != self._identity:
            raise StoreError("was deleted or replaced while the snapshot was being saved, so the snapshot is not in "
                             "it", path=self.path, hint="Take the snapshot again")


class _Appender(_HeadReads):
    """Writes inside `SQLiteRepository.append()`'s transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def _query(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def add_plan(self, plan: PlanRecord) -> None:
        self.conn.execute("INSERT INTO plans (key, stem, name, force, created_at) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (key) DO NOTHING", (plan.key, plan.stem, plan.name, plan.force,
                                                           plan.created_at))

    def add_blobs(self, blobs: Sequence[Blob]) -> dict[str, int]:
        self.conn.executemany("INSERT INTO blobs (hash, size, data) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                              [(blob.hash, blob.size, blob.data) for blob in blobs])
        return _blob_ids(self._query, [blob.hash for blob in blobs])

    def add_chases(self, records: Sequence[ChaseRecord]) -> None:
        self.conn.executemany("INSERT INTO chases (plan_key, owner_key, day, sent_at, who) VALUES (?, ?, ?, ?, ?)",
                              [(r.plan_key, r.owner_key, r.day, r.sent_at, r.who) for r in records])

    def copy_blobs(self, blobs: Sequence[StoredBlob]) -> None:
        self.conn.executemany("INSERT INTO blobs (id, hash, size, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              [(blob.id, blob.hash, blob.size, blob.data) for blob in blobs])
        found = {row[0]: row[1] for batch in _batches(sorted(blob.id for blob in blobs)) for row in self.conn.execute(
            f"SELECT id, hash FROM blobs WHERE id IN ({', '.join('?' for _ in batch)})", batch)}
        for blob in blobs:
            if found.get(blob.id) != blob.hash:
                raise StoreError(f"chunk {blob.id} differs between the two stores", path=self.path,
                                 hint="Copy into an empty store")

    def add_snapshot(self, row: SnapshotRow) -> None:
        values = row.fields()
        self.conn.execute(f"INSERT INTO snapshots ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
                          tuple(values[name] for name in COLUMNS))


# --- queries shared by reads and the appender --------------------------------------------------------------------

_Query = Any  # Callable[[str, Sequence[Any]], sqlite3.Cursor]


def _latest(query: _Query, plan_key: str) -> SnapshotHead | None:
    row = query("SELECT id, plan_key, plan_hash, row_hash FROM snapshots WHERE plan_key = ? ORDER BY id DESC "
                "LIMIT 1", (plan_key,)).fetchone()
    return SnapshotHead(row[0], row[1], row[2], row[3]) if row is not None else None


def _head(query: _Query) -> SnapshotHead | None:
    row = query("SELECT id, plan_key, plan_hash, row_hash FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
    return SnapshotHead(row[0], row[1], row[2], row[3]) if row is not None else None


def _plans_named(query: _Query, stem: str) -> list[PlanRecord]:
    rows = query("SELECT key, stem, name, force, created_at FROM plans WHERE stem = ? ORDER BY key", (stem,))
    return [PlanRecord(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def _blob_ids(query: _Query, hashes: Iterable[str]) -> dict[str, int]:
    wanted = list(hashes)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start:start + _BATCH]
        marks = ", ".join("?" for _ in batch)
        for row in query(f"SELECT id, hash FROM blobs WHERE hash IN ({marks})", batch):
            found[row[1]] = row[0]
    return found


def _batches(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _BATCH):
        yield values[start:start + _BATCH]


# --- the file ------------------------------------------------------------------------------------------------------


def _check_file(path: Path, *, create: bool) -> None:
    if path.exists():
        if path.is_dir():
            raise StoreError("is a folder, not a snapshot store", path=path, hint="Name a file with --store")
        try:
            with path.open("rb") as handle:
                magic = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"cannot be read ({exc.strerror or exc})", path=path,
                             hint="Check that you may read it") from exc
        if magic and magic != SQLITE_MAGIC:
            raise StoreError("is not a sheetsync snapshot store (not an SQLite database)", path=path,
                             hint="Point --store (or SHEETSYNC_STORE) at a sheetsync store, or move this file away")
    elif not create:
        raise StoreError("no snapshot store here", path=path,
                         hint="Take a snapshot first ('sheetsync snapshot PLAN'), or name the store with --store")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot be created ({exc.strerror or exc})", path=path,
                             hint="Use a folder you can write to: --store PATH or SHEETSYNC_STORE") from exc


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _needs_migration(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    return len(header) == 100 and int.from_bytes(header[60:64], "big") < len(MIGRATIONS)


def uri(path: Path) -> str:
    """The file: URI SQLite opens `path` by: an empty authority (SQLite accepts no host), so a Windows UNC path
    keeps its two leading slashes ("file:////server/share/…") and a drive path gets one ("file:///C:/…")."""
    text = os.path.abspath(path).replace(os.sep, "/")
    if not text.startswith("/"):
        text = "/" + text
    return "file://" + urllib.parse.quote(text, safe="/:")


def _frozen(path: Path) -> bool:
    """A WAL store that we may not write (the file or its folder) and that no writer has open (no -wal file).

    SQLite reads a WAL database read-only only through its -shm file, which it must create, and then cannot remove
    (leaving -wal/-shm beside a file we may not write, or failing in a folder we may not write). Such a store is
    read as an immutable file instead: nothing is created. Were a writer to start meanwhile, a torn read would
    fail the hash checks every read makes, never pass silently.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    wal = len(header) == 20 and header[18] == 2
    return wal and not _writable(path) and not path.with_name(path.name + "-wal").exists()


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


__all__ = ["APPLICATION_ID", "MIGRATIONS", "TIMEOUT_ENV", "SQLiteRepository", "low_space", "open_repository",
           "store_error", "timeout"]
