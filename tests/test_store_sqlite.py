"""The SQLite file store: the file itself, migrations, locking, several processes, durability, read-only use."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import make_plan, save

from sheetsync import snapshots
from sheetsync.errors import StoreError
from sheetsync.store import chain, sqlite
from sheetsync.store.repository import Appender

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(snapshots.STORE_ENV, raising=False)
    monkeypatch.setenv(sqlite.TIMEOUT_ENV, "5")


def db_of(path: Path) -> Path:
    return snapshots.resolve_store(path, None)


@contextlib.contextmanager
def connect(db: Path) -> Iterator[sqlite3.Connection]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        yield conn
        conn.commit()


def three_snapshots(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "ActionPlan.xlsx"
    for update in ("One.", "Two.", "Three."):
        save(path, make_plan(update=update))
    return path, db_of(path)


# --- the file ---------------------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match="not an SQLite database"):
        save(tmp_path / "p.xlsx", make_plan(), store=str(junk))
    other = tmp_path / "other.db"
    with connect(other) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    with pytest.raises(StoreError, match="another program"):
        save(tmp_path / "p.xlsx", make_plan(), store=str(other))
    with pytest.raises(StoreError, match="another program"):
        snapshots.verify(store=other)


def test_a_store_from_a_newer_sheetsync(tmp_path: Path) -> None:
    save(tmp_path / "p.xlsx", make_plan())
    with connect(db_of(tmp_path / "p.xlsx")) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer sheetsync"):
        snapshots.history(tmp_path / "p.xlsx")


def test_a_store_where_nothing_can_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot be created"):
        save(tmp_path / "p.xlsx", make_plan(), store=str(blocker / "snapshots.db"))
    with pytest.raises(StoreError):
        save(tmp_path / "p.xlsx", make_plan(), store="/proc/sheetsync-test/snapshots.db")


def test_a_locked_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save(tmp_path / "p.xlsx", make_plan())
    monkeypatch.setenv(sqlite.TIMEOUT_ENV, "0.2")
    holder = sqlite3.connect(db_of(tmp_path / "p.xlsx"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match="locked by another program"):
            save(tmp_path / "p.xlsx", make_plan(update="New."))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert save(tmp_path / "p.xlsx", make_plan(update="New.")).id == 2


def test_migrations_are_numbered_and_recorded(tmp_path: Path) -> None:
    save(tmp_path / "p.xlsx", make_plan())
    with connect(db_of(tmp_path / "p.xlsx")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(sqlite.MIGRATIONS)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == sqlite.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_errors_are_mapped_by_code_not_text(tmp_path: Path) -> None:
    def error(code: int, text: str = "some words") -> sqlite3.Error:
        exc = sqlite3.OperationalError(text)
        exc.sqlite_errorcode = code
        exc.sqlite_errorname = "SQLITE_X"
        return exc

    db = tmp_path / "s.db"
    assert "locked by another program" in str(sqlite.store_error(error(5, "nothing about it"), db))
    assert "locked" not in str(sqlite.store_error(error(1, "database is locked"), db))
    assert "read-only" in str(sqlite.store_error(error(8 | (5 << 8)), db))
    assert "disk it is on is full" in str(sqlite.store_error(error(13), db))
    assert "could not be read or written" in str(sqlite.store_error(error(10 | (3 << 8)), db))


def test_low_disk_space_is_named_not_a_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An I/O failure with almost no space left says the disk is full (not 'check the folder exists')."""
    import shutil

    save(tmp_path / "p.xlsx", make_plan())
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: real(folder)._replace(free=12 * 1024))
    exc = sqlite3.OperationalError("unable to open database file")
    exc.sqlite_errorcode = 14
    message = str(sqlite.store_error(exc, db_of(tmp_path / "p.xlsx")))
    assert "the disk it is on is full (12 kB left)" in message and "folder exists" not in message


def test_a_full_disk_is_one_clear_line_for_snapshot_and_verify(tmp_path: Path) -> None:
    """On a real, full file system (a 512 kB tmpfs): what is wrong is the space, not a missing folder."""
    from cli_run import invoke

    from sheetsync.template import write_plan_workbook

    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("this test mounts a small tmpfs: it needs root")
        pytest.skip("needs root to mount a small tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.fail(f"could not mount a tmpfs: {done.stderr.decode()}")
    try:
        path = write_plan_workbook(make_plan(), tmp_path / "ActionPlan.xlsx")
        store = str(mount / "snapshots.db")
        assert invoke(["snapshot", str(path), "--store", store]).exit_code == 0
        with (mount / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
            while True:
                filler.write(b"x" * 4096)
        write_plan_workbook(make_plan(update="More."), path, overwrite=True)
        for args, words in ((["snapshot", str(path)], "cannot be written: the disk it is on is full"),
                            (["verify"], "cannot be opened: the disk it is on is full"),
                            (["history", str(path)], "the disk it is on is full")):
            result = invoke([*args, "--store", store])
            assert result.exit_code == 2, result.output
            assert words in result.output and "folder exists" not in result.output, result.output
            assert len(result.output.strip().splitlines()) == 1
    finally:
        subprocess.run(["umount", str(mount)], check=True)


# --- chunks and part hashes in the file ---------------------------------------------------------------------------


def test_small_changes_share_chunks(tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan(300))
    with connect(db_of(path)) as conn:
        before = conn.execute("SELECT count(*), sum(length(data)) FROM blobs").fetchone()
    changed = make_plan(300)
    changed.recommendations[1].actions[5].update = "Changed text."
    save(path, changed)
    with connect(db_of(path)) as conn:
        after = conn.execute("SELECT count(*), sum(length(data)) FROM blobs").fetchone()
    assert after[0] - before[0] <= 6
    assert after[1] - before[1] < before[1] / 5


def test_verify_catches_an_edited_chunk_even_with_its_hash_redone(tmp_path: Path) -> None:
    path, db = three_snapshots(tmp_path)
    with connect(db) as conn:
        blob_id, data = conn.execute("SELECT id, data FROM blobs ORDER BY size DESC LIMIT 1").fetchone()
        content = bytearray(zlib.decompress(data))
        content[10] ^= 1
        conn.execute("UPDATE blobs SET data = ?, hash = ? WHERE id = ?",
                     (zlib.compress(bytes(content)), hashlib.sha256(bytes(content)).hexdigest(), blob_id))
    result = snapshots.verify(path)
    assert not result.ok
    assert any(p.snapshot_id is not None and "does not match its hash" in p.message for p in result.problems)
    with connect(db) as conn:
        conn.execute("UPDATE blobs SET data = ? WHERE id = ?", (b"garbage", blob_id))
    result = snapshots.verify(path)
    assert any(p.blob_id == blob_id for p in result.problems), result.describe()
    refused = 0
    for snapshot_id in (1, 2, 3):
        for use in ("restore", "load"):
            try:
                if use == "restore":
                    snapshots.restore(path, snapshot_id, output=tmp_path / f"r{snapshot_id}.xlsx")
                else:
                    snapshots.load_plan(path, snapshot_id)
            except StoreError as exc:
                assert "damaged" in str(exc) or "does not match" in str(exc)
                refused += 1
    assert refused >= 1


def test_removing_or_editing_the_part_hashes_is_caught(tmp_path: Path) -> None:
    path, db = three_snapshots(tmp_path)
    with connect(db) as conn:
        conn.execute("UPDATE snapshots SET workbook_parts = NULL WHERE id = 2")
        conn.execute("UPDATE snapshots SET workbook_parts = zeroblob(8) WHERE id = 3")
    result = snapshots.verify(path)
    assert {p.snapshot_id for p in result.problems if "altered" in p.message} == {2, 3}, result.describe()
    assert any(p.snapshot_id == 3 and "unreadable" in p.message for p in result.problems)


# --- several processes ------------------------------------------------------------------------------------------

CHILD = """
import contextlib, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from store_backends import make_plan, save
from sheetsync.store.repository import open_repository

class Pausing:
    '''The SQLite store, pausing inside the transaction after the snapshot row is written (the kill test).'''
    def __init__(self, inner, flag):
        self.inner, self.flag = inner, flag
    def __getattr__(self, name):
        return getattr(self.inner, name)
    @contextlib.contextmanager
    def append(self):
        with self.inner.append() as tx:
            add = tx.add_snapshot
            def add_then_pause(row):
                add(row)
                Path(self.flag).write_text("in transaction")
                time.sleep(120)
            tx.add_snapshot = add_then_pause
            yield tx

tag, count, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
flag = sys.argv[4] if len(sys.argv) > 4 else None
for i in range(count):
    store = Pausing(open_repository(db), flag) if flag else db
    result = save(Path("/plans/ActionPlan.xlsx"), make_plan(update=f"{{tag}} {{i}}"), store=store, validation=None)
    print(result.id, flush=True)
"""


def _child(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(tests=str(ROOT / "tests")))
    return subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


@pytest.mark.slow
def test_two_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    children = [_child(tmp_path, tag, "15", str(db)) for tag in ("left", "right")]
    ids: list[int] = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        ids.extend(int(line) for line in out.split())
    assert len(ids) == 30 and len(set(ids)) == 30
    result = snapshots.verify(store=db)
    assert result.ok and result.snapshots == 30, result.describe()


@pytest.mark.slow
def test_a_process_killed_inside_the_transaction(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    first = _child(tmp_path, "first", "1", str(db))
    assert first.wait(timeout=60) == 0
    flag = tmp_path / "inside"
    victim = _child(tmp_path, "victim", "1", str(db), str(flag))
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert victim.poll() is None, victim.communicate()[1]
        assert time.monotonic() < deadline, "the child never reached the transaction"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    result = snapshots.verify(store=db)
    assert result.ok and result.snapshots == 1, result.describe()
    after = _child(tmp_path, "after", "1", str(db))
    out, err = after.communicate(timeout=60)
    assert after.returncode == 0, err
    assert out.split() == ["2"]
    assert snapshots.verify(store=db).ok


# --- a saved snapshot stays saved ---------------------------------------------------------------------------------


def test_a_store_deleted_during_a_snapshot_is_not_saved(tmp_path: Path) -> None:
    from sheetsync.store.repository import open_repository

    path = tmp_path / "ActionPlan.xlsx"
    db = tmp_path / "snapshots.db"
    save(path, make_plan(), store=str(db))
    repository = open_repository(db)
    inner_append = repository.append

    @contextlib.contextmanager
    def append_then_delete() -> Iterator[Appender]:
        with inner_append() as tx:
            yield tx
            for name in (db.name, f"{db.name}-wal", f"{db.name}-shm"):
                (tmp_path / name).unlink(missing_ok=True)

    repository.append = append_then_delete  # type: ignore[method-assign]
    with repository, pytest.raises(StoreError, match="was deleted or replaced while the snapshot was being saved"):
        save(path, make_plan(update="Lost."), store=repository)
    assert not db.exists()


def test_saved_means_in_the_database_file_itself(tmp_path: Path) -> None:
    """A reader holds the store open; after 'saved' the -wal and -shm files are deleted: nothing is lost."""
    path = tmp_path / "ActionPlan.xlsx"
    db = tmp_path / "snapshots.db"
    save(path, make_plan(), store=str(db))
    reader = sqlite3.connect(db)
    try:
        assert reader.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
        second = save(path, make_plan(update="Second."), store=str(db))
        assert second.saved and second.id == 2
        for name in (f"{db.name}-wal", f"{db.name}-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        # (while the reader is still open: closing it last would checkpoint its own handle on the deleted -wal)
        assert [entry.id for entry in snapshots.history(path, store=db)] == [2, 1]
        assert snapshots.verify(store=db).ok
    finally:
        reader.close()


def test_synchronous_full(tmp_path: Path) -> None:
    from sheetsync.store.repository import open_repository

    with open_repository(tmp_path / "s.db") as repository:
        assert isinstance(repository, sqlite.SQLiteRepository)
        assert repository.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


# --- read-only use ------------------------------------------------------------------------------------------------

NOBODY = 65534


def _as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sheetsync", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=120,
                          user=NOBODY if os.geteuid() == 0 else None,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture()
def shared_folder() -> Iterator[Path]:
    """A folder every user can read (tmp_path is private to root)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sheetsync-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _read_only_store(folder: Path) -> tuple[Path, Path]:
    from sheetsync.template import write_plan_workbook

    path = write_plan_workbook(make_plan(), folder / "ActionPlan.xlsx")
    snapshots.snapshot(path)
    plan = make_plan(update="Later.")
    write_plan_workbook(plan, path, overwrite=True)
    snapshots.snapshot(path)
    db = db_of(path)
    for item in (path, db, db.parent, Path(f"{db}.heads")):
        item.chmod(0o755 if item.is_dir() else 0o644)
    return path, db


@pytest.mark.slow
def test_read_only_commands_in_a_folder_the_user_cannot_write(shared_folder: Path) -> None:
    path, db = _read_only_store(shared_folder)
    if os.geteuid() != 0:
        db.parent.chmod(0o555)
    out = shared_folder / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    for args in (["history", str(path)], ["verify", str(path)], ["diff", str(path)],
                 ["restore", str(path), "1", "-o", str(out / "restored.xlsx")]):
        done = _as_nobody(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert sorted(p.name for p in db.parent.iterdir()) == ["snapshots.db", "snapshots.db.heads"]


@pytest.mark.slow
def test_read_only_file_leaves_no_wal_or_shm(shared_folder: Path) -> None:
    path, db = _read_only_store(shared_folder)
    db.parent.chmod(0o777)  # the folder is writable, the file is not (owned by someone else, mode 644)
    for args in (["history", str(path)], ["verify", str(path)]):
        done = _as_nobody(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert sorted(p.name for p in db.parent.iterdir()) == ["snapshots.db", "snapshots.db.heads"]


# --- stores written before part hashes (schema 1) -------------------------------------------------------------------


def as_schema_1(db: Path) -> None:
    """Make a store look as sheetsync before part hashes left it: no workbook_parts, row hashes without them."""
    with connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = [{**dict(row), "workbook_parts": None} for row in conn.execute("SELECT * FROM snapshots ORDER BY id")]
        for fields in chain.relink(rows):
            conn.execute("UPDATE snapshots SET prev_hash = ?, row_hash = ? WHERE id = ?",
                         (fields["prev_hash"], fields["row_hash"], fields["id"]))
        conn.execute("ALTER TABLE snapshots DROP COLUMN workbook_parts")
        conn.execute("DROP TABLE chases")  # added by migration 3, after schema 1
        conn.execute("PRAGMA user_version = 1")
    Path(f"{db}.heads").unlink()


def test_read_only_opening_copes_with_any_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "plans #1 ?draft %20 é"
    path = folder / "ActionPlan.xlsx"
    save(path, make_plan())
    assert [entry.id for entry in snapshots.history(path)] == [1]
    assert sqlite.uri(Path("/a b/#c.db")) == "file:///a%20b/%23c.db"


def test_verify_counts_the_snapshots_of_the_plan_asked_about(tmp_path: Path) -> None:
    path, db = three_snapshots(tmp_path)
    assert snapshots.verify(path).plan_snapshots == 3
    other = snapshots.verify(tmp_path / "Other.xlsx", store=db)
    assert other.ok and other.plan_snapshots == 0 and other.snapshots == 3


def test_read_only_commands_leave_nothing_beside_a_store_they_could_write(tmp_path: Path) -> None:
    from cli_run import invoke

    from sheetsync.template import write_plan_workbook

    path = write_plan_workbook(make_plan(), tmp_path / "ActionPlan.xlsx")
    assert invoke(["snapshot", str(path)]).exit_code == 0
    write_plan_workbook(make_plan(update="Later."), path, overwrite=True)
    assert invoke(["snapshot", str(path)]).exit_code == 0
    db = db_of(path)
    for args in (["history", str(path)], ["verify", str(path)], ["diff", str(path)],
                 ["restore", str(path), "1", "-o", str(tmp_path / "r.xlsx")]):
        result = invoke(args)
        assert result.exit_code == 0, (args, result.output)
        assert sorted(p.name for p in db.parent.iterdir()) == ["snapshots.db", "snapshots.db.heads"], args
    from sheetsync.store.repository import open_repository

    with open_repository(db, mode="read") as repository, pytest.raises(sqlite3.OperationalError, match="readonly"):
        assert isinstance(repository, sqlite.SQLiteRepository)
        repository.conn.execute("INSERT INTO plans VALUES ('k', 's', 'n', NULL, 't')")
