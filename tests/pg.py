"""A throwaway PostgreSQL cluster for the server-store tests and benchmarks, from the machine's own binaries.

`PgCluster.start()` runs `initdb` into a fresh temporary folder, then `pg_ctl start` listening on 127.0.0.1 only
(a free port; its unix socket in the same folder), with password (scram) authentication over TCP. It makes a
superuser for the harness and a non-superuser `owner` role (CREATEDB, CREATEROLE: what a force's DBA would give
whoever runs `sheetsync store init`). `stop()` stops the server and removes the folder.

initdb refuses to run as root: as root the cluster runs as the `postgres` system user (created when missing),
which owns the folder. The binaries are found through `pg_config --bindir`, then /usr/lib/postgresql/*/bin
(newest first); `python tasks.py test` installs Debian's postgresql package where neither has them.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pytest

SUPERUSER = "harness"
OWNER = "owner"
SYSTEM_USER = "postgres"


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL's server binaries are not installed."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    candidates.extend(versions)
    for initdb in (shutil.which("initdb"),):
        if initdb:
            candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _system_user() -> pwd.struct_passwd | None:
    """The account the server runs as: None when we are not root (then it runs as us)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        SYSTEM_USER], check=True, capture_output=True)
        return pwd.getpwnam(SYSTEM_USER)


def url(*, user: str, password: str | None, port: int, database: str, host: str = "127.0.0.1") -> str:
    secret = f":{quote(password, safe='')}" if password is not None else ""
    return f"postgresql://{quote(user, safe='')}{secret}@{host}:{port}/{database}"


@dataclass
class PgCluster:
    """One running throwaway cluster (see the module docstring)."""

    bindir: Path
    root: Path
    port: int
    fsync: bool = False
    superuser_password: str = field(default_factory=lambda: secrets.token_hex(12))
    owner_password: str = field(default_factory=lambda: secrets.token_hex(12))
    _databases: int = 0

    @classmethod
    def start_new(cls, *, fsync: bool = False) -> PgCluster:
        bindir = find_bindir()
        if bindir is None:
            raise FileNotFoundError("PostgreSQL's server binaries (initdb, pg_ctl) were not found via pg_config "
                                    "--bindir or /usr/lib/postgresql/*/bin; install Debian's 'postgresql' package "
                                    "('python tasks.py test' does it where apt-get is available)")
        # Not under pytest's tmp folders: those are private to root, and the server may run as postgres.
        root = Path(tempfile.mkdtemp(prefix="sheetsync-pg-"))
        cluster = cls(bindir=bindir, root=root, port=free_port(), fsync=fsync)
        try:
            cluster._init()
            cluster.start()
            cluster.psql(f"CREATE ROLE {OWNER} LOGIN CREATEDB CREATEROLE PASSWORD '{cluster.owner_password}'")
        except BaseException:
            cluster.stop(remove=True)
            raise
        return cluster

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def _run_as_server(self, cmd: list[str], *, check: bool = True, timeout: float = 120
                       ) -> subprocess.CompletedProcess[str]:
        account = _system_user()
        kwargs: dict[str, object] = {}
        if account is not None:
            kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
               "HOME": str(self.root), "TZ": "UTC"}
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root, env=env,
                                check=False, **kwargs)  # type: ignore[call-overload]
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()} {log}")
        completed: subprocess.CompletedProcess[str] = result
        return completed

    def _init(self) -> None:
        account = _system_user()
        secret = self.root / "pwfile"
        secret.write_text(self.superuser_password + "\n")
        if account is not None:
            for path in (self.root, secret):
                os.chown(path, account.pw_uid, account.pw_gid)
        self.root.chmod(0o700)
        self._run_as_server([str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                             f"--pwfile={secret}", "--auth-local=trust", "--auth-host=scram-sha-256",
                             "--encoding=UTF8", "--no-locale", "--no-sync"])
        secret.unlink()

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c shared_buffers=32MB "
                   f"-c max_connections=60 -c fsync={'on' if self.fsync else 'off'} "
                   "-c synchronous_commit=on -c full_page_writes=off -c log_min_messages=warning")
        self._run_as_server([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                             "-t", "60", "-o", options, "start"])

    def stop(self, *, mode: str = "fast", remove: bool = False) -> None:
        """Stop the server (`mode`: smart, fast or immediate); `remove` also deletes its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run_as_server([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60",
                                 "stop"], check=False)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def running(self) -> bool:
        result = self._run_as_server([str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"], check=False)
        return result.returncode == 0

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run SQL as the harness superuser over the unix socket; return what psql printed (unaligned)."""
        result = subprocess.run(
            [str(self.bindir / "psql"), "-h", str(self.root), "-p", str(self.port), "-U", SUPERUSER, "-d", database,
             "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()} (SQL: {sql[:200]})")
        return result.stdout.strip()

    def owner_url(self, database: str, *, password: bool = True) -> str:
        return url(user=OWNER, password=self.owner_password if password else None, port=self.port, database=database)

    def superuser_url(self, database: str) -> str:
        return url(user=SUPERUSER, password=self.superuser_password, port=self.port, database=database)

    def user_url(self, user: str, password: str | None, database: str) -> str:
        return url(user=user, password=password, port=self.port, database=database)

    def create_database(self, prefix: str = "store", *, template: str | None = None) -> str:
        """A new empty database owned by the owner role; its name."""
        self._databases += 1
        name = f"{prefix}_{self._databases}_{secrets.token_hex(3)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.psql(f"CREATE DATABASE {name} OWNER {OWNER}{copy}")
        return name

    def drop_database(self, name: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def running_cluster(*, fsync: bool = False) -> Iterator[PgCluster]:
    cluster = PgCluster.start_new(fsync=fsync)
    try:
        yield cluster
    finally:
        cluster.stop(mode="fast", remove=True)


# --- pytest fixtures (tests/conftest.py imports them) -----------------------------------------------------------


def missing_server_message() -> str:
    return ("PostgreSQL's server binaries are not installed (looked in pg_config --bindir and "
            "/usr/lib/postgresql/*/bin): install Debian's 'postgresql' package, or run 'python tasks.py test', "
            "which installs it")


def no_server(env: Mapping[str, str]) -> NoReturn:
    """What a server test does without a server: fail under CI=true (CI must have one), else skip visibly."""
    if env.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true and {missing_server_message()}", pytrace=False)
    pytest.skip(missing_server_message())


_shared: list[PgCluster] = []


def shared_cluster() -> PgCluster:
    """The test session's one cluster, started on first use (`stop_shared` at the session's end). Without the
    binaries: skipped visibly, or failed when CI=true."""
    if not _shared:
        if find_bindir() is None:
            no_server(os.environ)
        _shared.append(PgCluster.start_new())
        atexit.register(stop_shared)  # also when the session ends without its finish hook
    return _shared[0]


def stop_shared() -> None:
    while _shared:
        _shared.pop().stop(mode="fast", remove=True)


@pytest.fixture(scope="session")
def pg_cluster() -> PgCluster:
    """The session's throwaway cluster (see `shared_cluster`)."""
    return shared_cluster()


@pytest.fixture()
def pg_database(pg_cluster: PgCluster) -> Iterator[str]:
    """A new empty database (owned by the cluster's owner role) for one test; dropped after it."""
    name = pg_cluster.create_database()
    try:
        yield name
    finally:
        pg_cluster.drop_database(name)


# --- the store test suite's PostgreSQL backend (tests/store_backends.py) --------------------------------------

APP_USER = "clerk"  # a login that works through the app role, as a force's users would
APP_USER_PASSWORD = secrets.token_hex(12)  # the session's own


def app_user(cluster: PgCluster) -> str:
    """The cluster's app login (made once): what the store test suite snapshots as."""
    cluster.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_USER}') THEN "
                 f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{APP_USER_PASSWORD}'; END IF; END $$")
    return APP_USER


def owner_execute(cluster: PgCluster, database: str, sql: str, params: Sequence[Any] = ()) -> None:
    """One SQL statement on the store's tables as the database's owner, who must first switch the append-only
    triggers off (and does so only inside this transaction). `?` placeholders, as in sqlite3."""
    import psycopg

    with psycopg.connect(cluster.owner_url(database), autocommit=False) as conn:
        conn.execute("SET LOCAL search_path = sheetsync")
        for table in TABLE_NAMES:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.execute(sql.replace("?", "%s"), list(params))
        for table in TABLE_NAMES:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


TABLE_NAMES = ("migrations", "plans", "blobs", "snapshots")


def postgres_backend(tmp_path: Path) -> Iterator[Any]:
    """A fresh team store (`store init`) in a new database; the tests snapshot through the app role's login."""
    from store_backends import Backend

    from sheetsync.store.postgres import init_store

    cluster = shared_cluster()
    database = cluster.create_database()
    try:
        init_store(cluster.owner_url(database), app_role="sheetsync_app", members=(app_user(cluster),))

        def execute(sql: str, params: Sequence[Any] = ()) -> None:
            owner_execute(cluster, database, sql, params)

        def update_row(snapshot_id: int, values: dict[str, Any]) -> None:
            sets = ", ".join(f"{name} = ?" for name in values)
            execute(f"UPDATE snapshots SET {sets} WHERE id = ?", [*values.values(), snapshot_id])

        yield Backend("postgres", cluster.user_url(APP_USER, APP_USER_PASSWORD, database), execute, update_row,
                      lambda sid: execute("DELETE FROM snapshots WHERE id = ?", [sid]))
    finally:
        cluster.drop_database(database)
