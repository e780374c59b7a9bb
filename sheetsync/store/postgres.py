"""The team store on a database server: PostgreSQL (tested), through SQLAlchemy 2 Core (no ORM) and psycopg 3.

Imported only for a `postgresql://…` store (`repository.open_repository`), never on the SQLite path. The same
Core tables serve Microsoft SQL Server (`mssql+pyodbc://…`, with its own write lock), which is untested.

- Tables in their own schema, `sheetsync` (`migrations`, `plans`, `blobs`, `snapshots`), so a database shared
  with other applications keeps them apart. Numbered migrations: `MIGRATIONS[n]` takes the store from schema n
  to n + 1 and records itself in `sheetsync.migrations`. Never edit one that has shipped; append another.
- Append-only, enforced by the database: on PostgreSQL every table has triggers that refuse UPDATE, DELETE and
  TRUNCATE (even by the owner, who would have to drop or disable them first: `verify` still catches that), and
  `init_store` (`sheetsync store init`, run by the database's owner) makes a role for the app that may only
  SELECT and INSERT.
- One linear chain across hosts: `append()` takes a transaction-scoped advisory lock (`pg_advisory_xact_lock`),
  one for the whole store, because the chain runs through every plan; it waits at most SHEETSYNC_STORE_TIMEOUT
  seconds (`lock_timeout`). The lock is released by the commit or rollback, or by the server when a connection
  dies, so a crashed client never leaves the store locked.
- Faults come out as one line (`StoreError`), chosen by error class and SQLSTATE, with the server's own reason
  quoted: cannot connect (wrong password, unreachable host, no such database), lost the connection (server
  stopped, connection killed; the transaction is rolled back, nothing half-written), refused (permissions,
  the append-only triggers), busy, a database with another application's tables.
- Passwords: never from a workbook (see `urls.check_store_setting`); libpq reads PGPASSWORD or `~/.pgpass`.
  `location` never shows one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from sheetsync.errors import ConfigError, StoreError
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
from sheetsync.store.server_schema import (
    DEFAULT_APP_ROLE,
    LOCK_KEY,
    MIGRATIONS,
    ROLE_NAME,
    SCHEMA,
    blobs,
    chases,
    grant_app_role,
    migrate,
    migrations,
    plans,
    snapshots,
    take_write_lock,
)
from sheetsync.store.sqlite import TIMEOUT_ENV, timeout
from sheetsync.store.urls import redact

CONNECT_TIMEOUT = 10  # seconds, unless the URL or PGCONNECT_TIMEOUT says otherwise
_BATCH = 500
_SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "sys", "guest", "INFORMATION_SCHEMA"})

# --- opening ----------------------------------------------------------------------------------------------------


def open_repository(url: str, *, mode: Mode = "write") -> ServerRepository:
    """An open store on a database server: mode "write" creates the store in an empty database (when this user
    may) and applies missing migrations; "read" never writes."""
    return ServerRepository(url, mode=mode)


def engine_for(url: str) -> Engine:
    """An engine for the URL: `postgresql://` means psycopg 3; no pool (one command, one connection)."""
    try:
        parsed = sa.engine.make_url(url.strip())
    except sa.exc.ArgumentError as exc:
        raise ConfigError(f"{redact(url)} is not a database URL ({exc})",
                          hint="Write it as postgresql://USER@HOST/DATABASE") from None
    connect_args: dict[str, Any] = {}
    options: dict[str, Any] = {}
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
        # No hstore here: skips the type look-up (three round trips) SQLAlchemy makes on a new engine's first
        # connection, which every command pays: 62 -> 50 ms per connection on loopback, medians of 40 A/B pairs.
        options["use_native_hstore"] = False
        if "connect_timeout" not in parsed.query and not os.environ.get("PGCONNECT_TIMEOUT"):
            connect_args["connect_timeout"] = CONNECT_TIMEOUT
        connect_args.setdefault("application_name", "sheetsync")
    elif not parsed.drivername.startswith("mssql"):
        raise ConfigError(f"{redact(url)}: sheetsync keeps team stores on PostgreSQL (postgresql://) and, "
                          "untested, Microsoft SQL Server (mssql+pyodbc://)",
                          hint="Use a postgresql:// URL, or a file path for a file store")
    try:
        return sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args=connect_args, **options)
    except ImportError as exc:
        raise ConfigError(f"{redact(url)} needs the database driver {exc.name}, which is not installed",
                          hint="For SQL Server: pip install pyodbc, and Microsoft's ODBC driver") from None


class _HeadReads:
    """The reads both the repository and an open transaction's appender answer, each through its own `_query`."""

    def _query(self, query: sa.Executable) -> list[sa.Row[Any]]:
        raise NotImplementedError

    def latest(self, plan_key: str) -> SnapshotHead | None:
        return _latest(self._query, plan_key)

    def head(self) -> SnapshotHead | None:
        return _head(self._query)

    def plans_named(self, stem: str) -> list[PlanRecord]:
        return _plans_named(self._query, stem)


class ServerRepository(_HeadReads):
    """The `Repository` on a database server (one connection for the command's life)."""

    def __init__(self, url: str, *, mode: Mode) -> None:
        self.url = url
        self.mode = mode
        self._location = redact(url)
        self._engine = engine_for(url)
        try:
            # Reads run in autocommit (no BEGIN/ROLLBACK round trips, never idle inside a transaction);
            # `append()` switches to a READ COMMITTED transaction for its writes.
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(exc, self._location, connecting=True) from None
        self._exists = True
        try:
            self._version = self._prepare()
        except BaseException:
            self.close()
            raise

    # --- Repository ------------------------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return self._location

    @property
    def anchor(self) -> Path | None:
        return None  # the database itself refuses rewrites

    @property
    def notice(self) -> str | None:
        return None

    @property
    def schema_version(self) -> int:
        return self._version

    @property
    def dialect(self) -> str:
        return self._conn.dialect.name

    def plans(self) -> list[PlanRecord]:
        return [_plan_record(row) for row in self._query(sa.select(plans).order_by(plans.c.key))]

    def blob_ids(self, hashes: Iterable[str]) -> dict[str, int]:
        return _blob_ids(self._query, hashes)

    def blobs(self, ids: Iterable[int]) -> dict[int, bytes]:
        wanted = sorted(set(ids))
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), _BATCH):
            query = sa.select(blobs.c.id, blobs.c.data).where(blobs.c.id.in_(wanted[start:start + _BATCH]))
            found.update((row.id, bytes(row.data)) for row in self._query(query))
        return found

    def all_blobs(self) -> Iterator[StoredBlob]:
        rows = self._query(sa.select(blobs.c.id, blobs.c.hash, blobs.c.size, blobs.c.data).order_by(blobs.c.id))
        for row in rows:
            yield StoredBlob(row.id, row.hash, row.size, bytes(row.data))

    def snapshots(self, plan_key: str | None = None, *, newest_first: bool = False) -> Iterator[SnapshotRow]:
        query = sa.select(*_ROW_COLUMNS).order_by(snapshots.c.id.desc() if newest_first else snapshots.c.id)
        if plan_key is not None:
            query = query.where(snapshots.c.plan_key == plan_key)
        for row in self._query(query):
            yield _snapshot_row(row)

    def snapshot(self, snapshot_id: int) -> SnapshotRow | None:
        rows = self._query(sa.select(*_ROW_COLUMNS).where(snapshots.c.id == snapshot_id))
        return _snapshot_row(rows[0]) if rows else None

    def count(self, plan_key: str) -> int:
        rows = self._query(sa.select(sa.func.count()).select_from(snapshots).where(snapshots.c.plan_key == plan_key))
        return int(rows[0][0]) if rows else 0

    def chased(self, plan_key: str, day: str) -> set[str]:
        if self.schema_version < 2:  # opened read-only before the chases table was added
            return set()
        rows = self._query(sa.select(chases.c.owner_key).where(chases.c.plan_key == plan_key, chases.c.day == day))
        return {str(row.owner_key) for row in rows}

    @contextlib.contextmanager
    def append(self) -> Iterator[_Appender]:
        if self.mode != "write":
            raise StoreError("was opened read-only", path=self._location)
        conn = self._conn
        stage = "before"
        try:
            if conn.in_transaction():
                conn.rollback()
            conn.execution_options(isolation_level="READ COMMITTED")
            try:
                with conn.begin():
                    take_write_lock(conn)
                    stage = "inside"
                    yield _Appender(conn)
                    stage = "commit"
                stage = "done"
            finally:
                if not conn.invalidated:
                    conn.execution_options(isolation_level="AUTOCOMMIT")
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(exc, self._location, stage=stage) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if getattr(self, "_conn", None) is not None:
                self._conn.close()
        self._engine.dispose()

    def __enter__(self) -> ServerRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the server -------------------------------------------------------------------------------------------

    def _query(self, query: sa.Executable) -> list[sa.Row[Any]]:
        """Run a query (autocommit: it sees everything committed before it)."""
        if not self._exists:
            return []
        try:
            rows = list(self._conn.execute(query))
            self._conn.rollback()  # ends SQLAlchemy's notional transaction; autocommit: nothing is sent
            return rows
        except sa.exc.SQLAlchemyError as exc:
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                self._conn.rollback()
            raise store_error(exc, self._location) from None

    def _prepare(self) -> int:
        """The store's schema version; in mode "write", creates or upgrades it first where that is safe."""
        version = self._installed_version()
        if version is None:
            foreign = self._foreign_tables()
            if foreign and all(name.startswith(f"{SCHEMA}.") for name in foreign):
                version = self._installed_version()  # another first snapshot may have just created the store
            if version is None and foreign:
                raise _foreign_error(self._location, foreign)
            if self.mode == "read":
                self._exists = False
                return 0
        elif version > len(MIGRATIONS):
            raise StoreError(f"was written by a newer sheetsync (store schema {version}; this one knows up to "
                             f"{len(MIGRATIONS)})", path=self._location, hint="Upgrade sheetsync")
        if self.mode == "write" and (version or 0) < len(MIGRATIONS):
            try:
                self._conn.execution_options(isolation_level="READ COMMITTED")
                try:
                    return migrate(self._conn)
                finally:
                    self._conn.execution_options(isolation_level="AUTOCOMMIT")
            except sa.exc.SQLAlchemyError as exc:
                error = store_error(exc, self._location)
                if _sqlstate(exc) == "42501":  # this user may not create it: the administrator's job
                    raise StoreError(f"has {'no sheetsync store' if version is None else f'store schema {version}'} "
                                     f"and this user may not {'create' if version is None else 'upgrade'} it",
                                     path=self._location,
                                     hint="Ask the database's owner to run 'sheetsync store init URL'") from None
                raise error from None
        return version or 0

    def _installed_version(self) -> int | None:
        """The highest migration applied, or None when there is no sheetsync.migrations table."""
        try:
            value = self._conn.execute(sa.select(sa.func.max(migrations.c.version))).scalar()
            self._conn.rollback()
            return int(value) if value is not None else 0
        except sa.exc.ProgrammingError:  # no such table (or schema): look before saying more
            self._conn.rollback()
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(exc, self._location) from None
        try:
            exists = sa.inspect(self._conn).has_table("migrations", schema=SCHEMA)
            self._conn.rollback()
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(exc, self._location) from None
        if exists:  # there, but this user may not read it
            raise StoreError("holds a sheetsync store this user may not read", path=self._location,
                             hint="Ask the database's owner to grant you the app role (sheetsync store init "
                                  "--grant USER)")
        return None

    def _foreign_tables(self) -> list[str]:
        """Tables (and views) in this database that are not a sheetsync store's."""
        try:
            inspector = sa.inspect(self._conn)
            found: list[str] = []
            for schema in inspector.get_schema_names():
                if schema in _SYSTEM_SCHEMAS or schema.startswith(("pg_", "db_")):
                    continue
                names = [*inspector.get_table_names(schema=schema), *inspector.get_view_names(schema=schema)]
                found.extend(f"{schema}.{name}" for name in sorted(names))
            self._conn.rollback()
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(exc, self._location) from None
        return found


class _Appender(_HeadReads):
    """Writes inside `ServerRepository.append()`'s transaction, under the store's advisory lock. Nobody else can
    append meanwhile; on PostgreSQL `ON CONFLICT DO NOTHING` saves a look-up's round trip, elsewhere a look-up
    comes first (plain INSERTs cannot collide under the lock)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _query(self, query: sa.Executable) -> list[sa.Row[Any]]:
        return list(self.conn.execute(query))

    def add_chases(self, records: Sequence[ChaseRecord]) -> None:
        if records:
            self.conn.execute(chases.insert(), [{"plan_key": r.plan_key, "owner_key": r.owner_key, "day": r.day,
                                                 "sent_at": r.sent_at, "who": r.who} for r in records])

    def add_plan(self, plan: PlanRecord) -> None:
        values = {"key": plan.key, "stem": plan.stem, "name": plan.name, "force": plan.force,
                  "created_at": plan.created_at}
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(pg_insert(plans).values(values).on_conflict_do_nothing())
        elif not self._query(sa.select(plans.c.key).where(plans.c.key == plan.key)):
            self.conn.execute(plans.insert().values(values))

    def add_blobs(self, new_blobs: Sequence[Blob]) -> dict[str, int]:
        fresh = {blob.hash: blob for blob in new_blobs}
        ids: dict[str, int] = {}
        if self.conn.dialect.name != "postgresql":
            ids = _blob_ids(self._query, fresh)
        rows = [{"hash": blob.hash, "size": blob.size, "data": blob.data}
                for digest, blob in fresh.items() if digest not in ids]
        if rows:
            insert = pg_insert(blobs).on_conflict_do_nothing() if self.conn.dialect.name == "postgresql" else (
                blobs.insert())
            ids.update((row.hash, row.id) for row in self.conn.execute(insert.returning(blobs.c.id, blobs.c.hash),
                                                                        rows))
        missing = [digest for digest in fresh if digest not in ids]  # already stored (RETURNING skips those)
        if missing:
            ids.update(_blob_ids(self._query, missing))
        return ids

    def add_snapshot(self, row: SnapshotRow) -> None:
        values = row.fields()
        self.conn.execute(snapshots.insert().values({name: values[name] for name in COLUMNS}))

    def copy_blobs(self, stored: Sequence[StoredBlob]) -> None:
        if not stored:
            return
        if self.conn.dialect.name != "postgresql":
            raise StoreError(f"copying a store keeping its chunk ids is done on PostgreSQL only, not "
                             f"{self.conn.dialect.name}", hint="Copy into a PostgreSQL or file store")
        rows = [{"id": blob.id, "hash": blob.hash, "size": blob.size, "data": blob.data} for blob in stored]
        for start in range(0, len(rows), _BATCH):
            self.conn.execute(pg_insert(blobs).on_conflict_do_nothing(), rows[start:start + _BATCH])
        # Ids given explicitly do not move the identity's sequence: move it past them for the next snapshot.
        self.conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.blobs', 'id'), "
                                  f"(SELECT max(id) FROM {SCHEMA}.blobs))"))
        wanted = sorted(blob.id for blob in stored)
        found: dict[int, str] = {}
        for start in range(0, len(wanted), _BATCH):
            query = sa.select(blobs.c.id, blobs.c.hash).where(blobs.c.id.in_(wanted[start:start + _BATCH]))
            found.update((row.id, row.hash) for row in self._query(query))
        for blob in stored:
            if found.get(blob.id) != blob.hash:
                raise StoreError(f"chunk {blob.id} differs between the two stores", hint="Copy into an empty store")


# --- store init: the schema, and a role for the app ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InitResult:
    location: str
    schema_version: int
    app_role: str | None
    created_role: bool
    members: tuple[str, ...]

    def describe(self) -> str:
        line = f"team store ready at {self.location} (schema '{SCHEMA}', version {self.schema_version})"
        if self.app_role is None:
            return line
        made = "created" if self.created_role else "updated"
        members = f"; members: {', '.join(self.members)}" if self.members else (
            f"; give it to each user with: GRANT {self.app_role} TO <user>")
        return (f"{line}\nrole {self.app_role} {made}: may read and add snapshots, never change or remove them"
                f"{members}")


def init_store(url: str, *, app_role: str | None = DEFAULT_APP_ROLE, members: Sequence[str] = ()) -> InitResult:
    """Create (or upgrade) the team store in the database at `url`, run as its owner; on PostgreSQL also make
    `app_role` (NOLOGIN unless it exists) that may only SELECT and INSERT, and grant it to `members`.

    Unlike a first snapshot, this adds the store to a database that already holds other applications' tables
    (in its own schema): running it is the administrator's consent."""
    for name in (app_role, *members):
        if name is not None and not ROLE_NAME.fullmatch(name):
            raise ConfigError(f"{name!r} is not a role name sheetsync will use",
                              hint="Use letters, digits and underscores, starting with a letter")
    location = redact(url)
    engine = engine_for(url)
    try:
        try:
            conn = engine.connect()
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(exc, location, connecting=True) from None
        with conn:
            try:
                with conn.begin():
                    inspector = sa.inspect(conn)
                    installed = (conn.execute(sa.select(sa.func.max(migrations.c.version))).scalar()
                                 if inspector.has_table("migrations", schema=SCHEMA) else None)
                    ours = (inspector.get_table_names(schema=SCHEMA)
                            if installed is None and SCHEMA in inspector.get_schema_names() else [])
                if ours:  # a schema called sheetsync that some other program made
                    raise _foreign_error(location, [f"{SCHEMA}.{name}" for name in ours])
                if installed is not None and installed > len(MIGRATIONS):
                    raise StoreError(f"was written by a newer sheetsync (store schema {installed})", path=location,
                                     hint="Upgrade sheetsync")
                version = migrate(conn)
                created = False
                if app_role is not None and conn.dialect.name == "postgresql":
                    with conn.begin():
                        created = grant_app_role(conn, app_role, members)
                elif app_role is not None:
                    app_role = None  # SQL Server (untested): the DBA grants SELECT, INSERT on schema sheetsync
            except sa.exc.SQLAlchemyError as exc:
                raise store_error(exc, location) from None
    finally:
        engine.dispose()
    return InitResult(location=location, schema_version=version, app_role=app_role, created_role=created,
                      members=tuple(members))


# --- queries shared by reads and the appender --------------------------------------------------------------------

Query = Callable[[sa.Executable], list[sa.Row[Any]]]


def _snapshot_row(row: sa.Row[Any]) -> SnapshotRow:
    return SnapshotRow(*tuple(row))  # selected in COLUMNS' order; bytea comes as bytes


_ROW_COLUMNS = tuple(snapshots.c[name] for name in COLUMNS)


def _head_of(rows: list[sa.Row[Any]]) -> SnapshotHead | None:
    if not rows:
        return None
    row = rows[0]
    return SnapshotHead(row.id, row.plan_key, row.plan_hash, row.row_hash)


_HEAD_COLUMNS = (snapshots.c.id, snapshots.c.plan_key, snapshots.c.plan_hash, snapshots.c.row_hash)


def _latest(query: Query, plan_key: str) -> SnapshotHead | None:
    return _head_of(query(sa.select(*_HEAD_COLUMNS).where(snapshots.c.plan_key == plan_key)
                          .order_by(snapshots.c.id.desc()).limit(1)))


def _head(query: Query) -> SnapshotHead | None:
    return _head_of(query(sa.select(*_HEAD_COLUMNS).order_by(snapshots.c.id.desc()).limit(1)))


def _plan_record(row: sa.Row[Any]) -> PlanRecord:
    return PlanRecord(row.key, row.stem, row.name, row.force, row.created_at)


def _plans_named(query: Query, stem: str) -> list[PlanRecord]:
    return [_plan_record(row) for row in query(sa.select(plans).where(plans.c.stem == stem).order_by(plans.c.key))]


def _blob_ids(query: Query, hashes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(hashes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _BATCH):
        rows = query(sa.select(blobs.c.id, blobs.c.hash).where(blobs.c.hash.in_(wanted[start:start + _BATCH])))
        found.update((row.hash, row.id) for row in rows)
    return found


# --- one line for every failure -------------------------------------------------------------------------------

_CONNECT_HINT = ("Check the server is running and reachable from here, the user and database names, and the "
                 "password (PGPASSWORD or your .pgpass file; never in the workbook)")


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return state if isinstance(state, str) else None


def _reason(exc: BaseException) -> str:
    """The driver's or server's own words, on one line."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    text = text.removeprefix("connection failed: ")
    return (text[:300] + "…") if len(text) > 300 else text.rstrip(".")


def store_error(exc: sa.exc.SQLAlchemyError, location: str, *, connecting: bool = False,
                stage: str = "read") -> StoreError:
    """One line for a database failure, chosen by error class and SQLSTATE (never by the message text).

    `stage` says how far an append got: "before" the lock, "inside" the transaction, at "commit"."""
    state = _sqlstate(exc)
    reason = _reason(exc)
    nothing_saved = "nothing was saved (the database rolled the transaction back)"
    if connecting:
        return StoreError(f"cannot connect to the team store: {reason}", path=location, hint=_CONNECT_HINT)
    lost = (isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated) or (
        state is not None and (state.startswith("08") or state in ("57P01", "57P02", "57P03")))
    if lost:
        if stage == "commit":
            return StoreError(f"lost the connection to the server while committing ({reason}): the snapshot may or "
                              "may not have been saved", path=location,
                              hint="When the server is back, 'sheetsync history' shows whether it was; "
                                   "'sheetsync verify' checks the chain")
        saved = f"; {nothing_saved}" if stage in ("before", "inside") else ""
        return StoreError(f"lost the connection to the server ({reason}){saved}", path=location,
                          hint="Try again when the server is back; 'sheetsync verify' checks the chain")
    if state == "42501":
        return StoreError(f"the database refused this ({reason})", path=location,
                          hint="The team store is append-only: snapshots can be added, never changed or removed")
    if state in ("55P03", "57014"):
        return StoreError(f"is busy: another snapshot held the store's write lock for more than {timeout():g} s",
                          path=location, hint=f"Try again in a moment (or raise {TIMEOUT_ENV})")
    if state in ("42P01", "3F000", "42703"):
        return StoreError(f"does not hold a complete sheetsync store ({reason})", path=location,
                          hint="Ask the database's owner to run 'sheetsync store init URL'")
    if state == "42704":
        return StoreError(f"names something the database does not have ({reason})", path=location,
                          hint="Check the spelling; a user given to --grant must already have a login")
    if state == "28000" or state == "28P01":
        return StoreError(f"refused the login ({reason})", path=location, hint=_CONNECT_HINT)
    if isinstance(exc, sa.exc.OperationalError) and state is None:
        return StoreError(f"cannot reach the team store: {reason}", path=location, hint=_CONNECT_HINT)
    tail = f"; {nothing_saved}" if stage in ("before", "inside", "commit") else ""
    return StoreError(f"database failure ({state or type(exc).__name__}: {reason}){tail}", path=location)


def _foreign_error(location: str, tables: list[str]) -> StoreError:
    shown = ", ".join(tables[:3]) + (f" and {len(tables) - 3} more" if len(tables) > 3 else "")
    return StoreError(f"holds another application's tables ({shown}) and no sheetsync store", path=location,
                      hint="Point --store at an empty database for the team store, or have its owner add the "
                           "store (in its own schema, 'sheetsync') with 'sheetsync store init URL'")


__all__ = ["DEFAULT_APP_ROLE", "LOCK_KEY", "MIGRATIONS", "SCHEMA", "InitResult", "ServerRepository", "engine_for",
           "init_store", "migrate", "open_repository", "store_error"]
