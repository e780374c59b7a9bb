"""The server store's schema: SQLAlchemy Core tables in schema `sheetsync`, its numbered migrations, the
append-only triggers, the store's one write lock, and the app role `store init` makes. No connection handling
and no messages here (see `postgres`).

Numbered migrations: `MIGRATIONS[n]` takes the store from schema n to n + 1 and records itself in
`sheetsync.migrations`. Never edit one that has shipped; append another (which alters the tables and the `Table`s
below alike).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sheetsync.errors import ConfigError, StoreError
from sheetsync.store.sqlite import timeout

SCHEMA = "sheetsync"
LOCK_KEY = 0x53534E43  # "SSNC": the store's one advisory lock (the same number SQLite stores carry as their id)
DEFAULT_APP_ROLE = "sheetsync_app"
ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")

metadata = sa.MetaData(schema=SCHEMA)
# Keys are bounded strings (SQL Server cannot index unbounded text); everything else is text or binary.
migrations = sa.Table(
    "migrations", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.UnicodeText, nullable=False),
    sa.Column("applied_at", sa.Unicode(40), nullable=False),
    sa.Column("applied_by", sa.UnicodeText, nullable=False),
)
plans = sa.Table(
    "plans", metadata,
    sa.Column("key", sa.Unicode(400), primary_key=True),  # "<file stem>|<force>", case-folded
    sa.Column("stem", sa.Unicode(400), nullable=False, index=True),
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("force", sa.UnicodeText),
    sa.Column("created_at", sa.Unicode(40), nullable=False),
)
blobs = sa.Table(
    "blobs", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),  # sha256 of the uncompressed chunk
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # zlib
)
snapshots = sa.Table(
    "snapshots", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("plan_key", sa.Unicode(400), sa.ForeignKey(plans.c.key), nullable=False),
    sa.Column("created_at", sa.Unicode(40), nullable=False),  # ISO 8601 UTC, exactly as hashed
    sa.Column("who", sa.UnicodeText, nullable=False),
    sa.Column("machine", sa.UnicodeText, nullable=False),
    sa.Column("version", sa.UnicodeText, nullable=False),
    sa.Column("message", sa.UnicodeText),
    sa.Column("source", sa.UnicodeText, nullable=False),
    sa.Column("force", sa.UnicodeText),
    sa.Column("actions", sa.Integer, nullable=False),
    sa.Column("plan_hash", sa.String(64), nullable=False),
    sa.Column("plan_manifest", sa.LargeBinary, nullable=False),
    sa.Column("workbook_hash", sa.String(64), nullable=False),
    sa.Column("workbook_size", sa.BigInteger, nullable=False),
    sa.Column("workbook_manifest", sa.LargeBinary, nullable=False),
    sa.Column("validation", sa.UnicodeText),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("row_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("workbook_parts", sa.LargeBinary),
    sa.Index("snapshots_plan", "plan_key", "id"),
)
TABLES = (migrations, plans, blobs, snapshots)

# PostgreSQL: refuse UPDATE, DELETE and TRUNCATE on every table, whoever asks (SQLSTATE 42501).
_REFUSE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'sheetsync: % on %.% refused: the snapshot store is append-only', TG_OP, TG_TABLE_SCHEMA,
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$body$
"""


def _create_schema_1(conn: Connection) -> None:
    conn.execute(sa.schema.CreateSchema(SCHEMA, if_not_exists=True))
    metadata.create_all(conn, tables=list(TABLES), checkfirst=False)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(_REFUSE_FUNCTION))
        for table in TABLES:
            name = f"{SCHEMA}.{table.name}"
            conn.execute(sa.text(f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {name} FOR EACH ROW "
                                 f"EXECUTE FUNCTION {SCHEMA}.refuse_change()"))
            conn.execute(sa.text(f"CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON {name} "
                                 f"FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.refuse_change()"))


# (description, step): MIGRATIONS[n] takes the store from schema n to n + 1.
MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("tables migrations, plans, blobs, snapshots; append-only triggers", _create_schema_1),
]


def take_write_lock(conn: Connection) -> None:
    """The store's one write lock, held until this transaction ends (waits at most `timeout()` seconds)."""
    wait_ms = max(1, int(timeout() * 1000))
    if conn.dialect.name == "postgresql":  # one round trip: no parameters, so psycopg sends both at once
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}; SELECT pg_advisory_xact_lock({LOCK_KEY})")
    elif conn.dialect.name == "mssql":  # untested
        status = conn.execute(sa.text(
            "DECLARE @status int; EXEC @status = sp_getapplock @Resource = 'sheetsync', @LockMode = 'Exclusive', "
            "@LockOwner = 'Transaction', @LockTimeout = :wait; SELECT @status"), {"wait": wait_ms}).scalar()
        if status is None or int(status) < 0:
            raise StoreError(f"is busy: another snapshot held the store for more than {timeout():g} s",
                             hint="Try again in a moment")
    else:
        raise ConfigError(f"sheetsync cannot lock a {conn.dialect.name} store")


def migrate(conn: Connection) -> int:
    """Apply the migrations the store lacks, each in its own transaction under the store's write lock (two
    first snapshots at once create it once). Returns the schema version reached."""
    while True:
        with conn.begin():
            take_write_lock(conn)
            inspector = sa.inspect(conn)
            version = (conn.execute(sa.select(sa.func.max(migrations.c.version))).scalar() or 0
                       if inspector.has_table("migrations", schema=SCHEMA) else 0)
            if version >= len(MIGRATIONS):
                return int(version)
            description, step = MIGRATIONS[version]
            step(conn)
            conn.execute(migrations.insert().values(version=version + 1, description=description,
                                                    applied_at=datetime.now(UTC).isoformat(),
                                                    applied_by=_current_user(conn)))


def grant_app_role(conn: Connection, role: str, members: Sequence[str]) -> bool:
    quote = conn.dialect.identifier_preparer.quote
    exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": role}).first()
    if exists is None:
        conn.execute(sa.text(f"CREATE ROLE {quote(role)} NOLOGIN"))
    tables = ", ".join(f"{SCHEMA}.{table.name}" for table in TABLES)
    data_tables = ", ".join(f"{SCHEMA}.{table.name}" for table in (plans, blobs, snapshots))
    for statement in (
        f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"REVOKE ALL ON {tables} FROM PUBLIC",
        f"REVOKE ALL ON {tables} FROM {quote(role)}",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {quote(role)}",
        f"GRANT SELECT, INSERT ON {data_tables} TO {quote(role)}",
        f"GRANT SELECT ON {SCHEMA}.migrations TO {quote(role)}",
        # USAGE: new chunks take the next id; UPDATE: `store copy` moves the sequence past the ids it keeps.
        f"GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {quote(role)}",
        *(f"GRANT {quote(role)} TO {quote(member)}" for member in members),
    ):
        conn.execute(sa.text(statement))
    return exists is None


def _current_user(conn: Connection) -> str:
    if conn.dialect.name == "postgresql":
        return str(conn.execute(sa.text("SELECT current_user")).scalar())
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


__all__ = ["DEFAULT_APP_ROLE", "LOCK_KEY", "MIGRATIONS", "ROLE_NAME", "SCHEMA", "TABLES", "blobs", "grant_app_role",
           "metadata", "migrate", "migrations", "plans", "snapshots", "take_write_lock"]
