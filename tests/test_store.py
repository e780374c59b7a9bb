"""store.py and packing.py: snapshots, history, restore, tamper evidence, and a store under stress."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync import packing, store
from sheetsync.errors import OutputExistsError, SheetsyncError, SnapshotNotFoundError, StoreError
from sheetsync.model import Action, Plan, Recommendation

ROOT = Path(__file__).resolve().parents[1]


def make_plan(rows: int = 6, *, force: str = "Exampleshire Police", update: str = "Work has started.") -> Plan:
    recs = []
    for number in range(1, 4):
        actions = [Action(id=f"{number}.{i + 1}", evidence=f"Evidence {number}.{i + 1}", owner="DI Sam Patel",
                          update=f"{update} ({number}.{i + 1})", status="In Progress")
                   for i in range(rows // 3)]
        recs.append(Recommendation(number=str(number), text=f"Recommendation {number}", actions=actions))
    return Plan(title="Stalking Action Plan", force=force, recommendations=recs)


def fake_workbook(plan: Plan, salt: str = "") -> bytes:
    """A stand-in 'workbook': a real zip (deflated, like an .xlsx) holding the plan's JSON."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plan.json", plan.canonical_json())
        archive.writestr("salt.txt", salt or "x")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.STORE_ENV, raising=False)
    monkeypatch.delenv(store.PAUSE_ENV, raising=False)
    monkeypatch.setenv(store.TIMEOUT_ENV, "5")
    monkeypatch.setattr(store, "summarise_validation", lambda plan, **_: store.ValidationSummary(errors=1, warnings=2))


@pytest.fixture()
def stub_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workbooks in these tests are `fake_workbook` zips: parse the plan back out of the bytes given."""

    def parse(data: bytes, path: Path) -> Plan:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return Plan.from_canonical(archive.read("plan.json").decode())

    monkeypatch.setattr(store, "_parse_workbook", parse)


def save(path: Path, plan: Plan, salt: str = "", **kwargs: object) -> store.SnapshotResult:
    return store.snapshot_plan(plan, fake_workbook(plan, salt), source=path, **kwargs)  # type: ignore[arg-type]


# --- where the store is ---------------------------------------------------------------------------------------


def test_store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_path = tmp_path / "forces" / "ActionPlan.xlsx"
    assert store.resolve_store(plan_path, None) == tmp_path / "forces" / ".sheetsync" / "snapshots.db"
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "env.db"))
    assert store.resolve_store(plan_path, None) == tmp_path / "env.db"
    assert store.resolve_store(plan_path, tmp_path / "given.db") == tmp_path / "given.db"


def test_plan_key_is_file_stem_and_force() -> None:
    assert store.plan_key("a/ActionPlan.xlsx", " Kent  Police") == store.plan_key("b/actionplan.XLSM", "kent police")
    assert store.plan_key("ActionPlan.xlsx", "Kent Police") != store.plan_key("ActionPlan.xlsx", "Essex Police")


# --- snapshots --------------------------------------------------------------------------------------------------


def test_snapshot_then_unchanged_then_changed(tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    first = save(path, make_plan(), message="March return", who="jo")
    assert first.saved and first.id == 1
    assert first.describe() == "snapshot 1 saved (6 actions; 1 error, 2 warnings)"
    # Same plan, different bytes (Excel re-saved it): still unchanged.
    again = save(path, make_plan(), salt="re-saved")
    assert not again.saved and again.describe() == "unchanged since snapshot 1"
    second = save(path, make_plan(update="Work is done."), message="April")
    assert second.saved and second.id == 2 and second.previous_id == 1

    entries = store.history(path)
    assert [e.id for e in entries] == [2, 1]
    assert entries[1].who == "jo" and entries[1].message == "March return"
    assert entries[0].who and entries[0].machine and entries[0].version
    assert entries[0].findings == "1 error, 2 warnings"
    table = store.format_history(entries)
    assert table.splitlines()[0].split() == ["id", "taken", "(UTC)", "who", "actions", "findings", "message"]
    assert "March return" in table.splitlines()[2]


def test_validation_not_available_is_recorded_as_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "summarise_validation", lambda plan, **_: None)
    result = save(tmp_path / "p.xlsx", make_plan())
    assert result.describe() == "snapshot 1 saved (6 actions; not validated)"
    assert store.history(tmp_path / "p.xlsx")[0].validation is None


def test_load_plan_and_restore_give_back_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    plan = make_plan(30)
    data = fake_workbook(plan)
    store.snapshot_plan(plan, data, source=path)
    save(path, make_plan(30, update="Later."))
    assert store.load_plan(path, 1).canonical_json() == plan.canonical_json()
    assert store.load_plan(path, "1").canonical_json() == plan.canonical_json()
    assert store.load_plan(path, "latest").canonical_json() == make_plan(30, update="Later.").canonical_json()
    out = store.restore(path, "1", output=tmp_path / "restored.xlsx")
    assert out.read_bytes() == data
    with pytest.raises(OutputExistsError):
        store.restore(path, 1, output=out)
    store.restore(path, 2, output=out, overwrite=True)
    path.write_bytes(b"the user's workbook")
    with pytest.raises(OutputExistsError):
        store.restore(path, 1, output=path, overwrite=True)
    assert path.read_bytes() == b"the user's workbook"


def test_unknown_and_foreign_snapshot_ids(tmp_path: Path) -> None:
    save(tmp_path / "a.xlsx", make_plan())
    save(tmp_path / "b.xlsx", make_plan())
    with pytest.raises(SnapshotNotFoundError, match="snapshot 9 is not in the store"):
        store.load_plan(tmp_path / "a.xlsx", 9)
    with pytest.raises(SnapshotNotFoundError, match="of another plan"):
        store.load_plan(tmp_path / "a.xlsx", 2)
    with pytest.raises(SnapshotNotFoundError, match="not a snapshot id"):
        store.load_plan(tmp_path / "a.xlsx", "yesterday")
    with pytest.raises(SnapshotNotFoundError, match="no snapshots"):
        store.load_plan(tmp_path / "c.xlsx", "latest")
    assert store.history(tmp_path / "c.xlsx") == []


def test_one_file_name_for_two_forces_keeps_two_histories(tmp_path: Path, stub_reader: None) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan(force="Kent Police"))
    other = save(path, make_plan(force="Essex Police"))
    assert other.id == 2 and other.previous_id is None
    assert other.note is not None and "Kent Police" in other.note
    path.write_bytes(fake_workbook(make_plan(force="Essex Police")))
    assert [e.id for e in store.history(path)] == [2]


def test_snapshot_reads_the_workbook_once(tmp_path: Path, stub_reader: None) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    path.write_bytes(fake_workbook(make_plan()))
    result = store.snapshot(path, message="first", who="jo")
    assert result.saved
    assert store.restore(path, result.id, output=tmp_path / "copy.xlsx").read_bytes() == path.read_bytes()


def test_require_valid_refuses_a_plan_with_errors(tmp_path: Path, stub_reader: None) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    path.write_bytes(fake_workbook(make_plan()))
    with pytest.raises(SheetsyncError, match=r"1 validation error.*sheetsync validate"):
        store.snapshot(path, require_valid=True)
    assert not store.resolve_store(path, None).exists() or store.history(path) == []


def test_diff_snapshots_defaults_and_current(tmp_path: Path, stub_reader: None) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan())
    with pytest.raises(SnapshotNotFoundError, match="not two to compare"):
        store.diff_snapshots(path)
    changed = make_plan()
    changed.recommendations[0].actions[0].status = "Action Complete"
    save(path, changed)
    diff = store.diff_snapshots(path)
    assert diff.summary_line() == "1 action moved to Action Complete"
    assert diff.old_label is not None and diff.old_label.startswith("snapshot 1 (")
    now = changed.model_copy(deep=True)
    now.recommendations[0].actions[1].owner = "DS Kim Lee"
    path.write_bytes(fake_workbook(now))
    since = store.diff_snapshots(path, "2")
    assert since.summary_line() == "1 new owner"
    assert since.new_label == "ActionPlan.xlsx as it is now"
    assert store.diff_snapshots(path, 1, 2).summary_line() == diff.summary_line()


# --- packing ------------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000), st.sampled_from([b"\n", b"}", b">", b"ab"]))
def test_cut_is_lossless(data: bytes, sep: bytes) -> None:
    chunks = packing.cut(data, sep)
    assert b"".join(chunks) == data
    assert all(chunks)


def test_pack_workbook_rebuilds_exact_bytes() -> None:
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w") as archive:
        archive.writestr("a.xml", "<row>1</row>" * 400, compress_type=zipfile.ZIP_STORED)
        archive.writestr("b.xml", "<si>x</si>" * 400, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        archive.writestr("c.bin", os.urandom(3000), compress_type=zipfile.ZIP_DEFLATED)
    for data in (fake_workbook(make_plan(60)), stored.getvalue(), b"not a zip at all", stored.getvalue()[:-40],
                 b"PK\x03\x04" + os.urandom(200), b""):
        packed = packing.pack_workbook(data)
        assert packing.unpack(packed.segments, packed.chunks_by_ref()) == data
    kinds = [segment[0] for segment in packing.pack_workbook(stored.getvalue()).segments]
    assert "d" in kinds and "c" in kinds


def test_small_changes_share_chunks(tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan(300))
    db = store.resolve_store(path, None)
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*), sum(length(data)) FROM blobs").fetchone()
    changed = make_plan(300)
    changed.recommendations[1].actions[5].update = "Changed text."
    save(path, changed)
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT count(*), sum(length(data)) FROM blobs").fetchone()
    assert after[0] - before[0] <= 6
    assert after[1] - before[1] < before[1] / 5


# --- tamper evidence ------------------------------------------------------------------------------------------


def _three_snapshots(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "ActionPlan.xlsx"
    for update in ("One.", "Two.", "Three."):
        save(path, make_plan(update=update))
    return path, store.resolve_store(path, None)


def test_verify_accepts_an_untouched_store(tmp_path: Path) -> None:
    path, _ = _three_snapshots(tmp_path)
    result = store.verify(path)
    assert result.ok, result.describe()
    assert (result.snapshots, result.plans, result.plan_snapshots, result.head_id) == (3, 1, 3, 3)
    assert "verified" in result.describe()


@pytest.mark.parametrize("sql, snapshot_id, words", [
    ("UPDATE snapshots SET message = 'edited' WHERE id = 2", 2, "altered"),
    ("UPDATE snapshots SET who = 'someone else' WHERE id = 1", 1, "altered"),
    ("DELETE FROM snapshots WHERE id = 2", 3, "chain is broken"),
    ("UPDATE snapshots SET id = 9 WHERE id = 1", 2, "chain is broken"),
])
def test_verify_catches_edited_rows(tmp_path: Path, sql: str, snapshot_id: int, words: str) -> None:
    path, db = _three_snapshots(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute(sql)
    result = store.verify(path)
    assert not result.ok
    assert any(p.snapshot_id == snapshot_id and words in p.message for p in result.problems), result.describe()
    assert f"snapshot {snapshot_id}:" in result.describe()


def test_verify_catches_an_edited_chunk_even_with_its_hash_redone(tmp_path: Path) -> None:
    path, db = _three_snapshots(tmp_path)
    import hashlib
    import zlib

    with sqlite3.connect(db) as conn:
        blob_id, data = conn.execute("SELECT id, data FROM blobs ORDER BY size DESC LIMIT 1").fetchone()
        content = bytearray(zlib.decompress(data))
        content[10] ^= 1
        conn.execute("UPDATE blobs SET data = ?, hash = ? WHERE id = ?",
                     (zlib.compress(bytes(content)), hashlib.sha256(bytes(content)).hexdigest(), blob_id))
    result = store.verify(path)
    assert not result.ok
    assert any(p.snapshot_id is not None and "does not match its hash" in p.message for p in result.problems)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE blobs SET data = ? WHERE id = ?", (b"garbage", blob_id))
    result = store.verify(path)
    assert any(p.blob_id == blob_id for p in result.problems), result.describe()
    refused = 0
    for snapshot_id in (1, 2, 3):
        for use in ("restore", "load"):
            try:
                if use == "restore":
                    store.restore(path, snapshot_id, output=tmp_path / f"r{snapshot_id}.xlsx")
                else:
                    store.load_plan(path, snapshot_id)
            except StoreError as exc:
                assert "damaged" in str(exc) or "does not match" in str(exc)
                refused += 1
    assert refused >= 1


# --- the store file itself ---------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match="not an SQLite database"):
        save(tmp_path / "p.xlsx", make_plan(), store=junk)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    with pytest.raises(StoreError, match="another program"):
        save(tmp_path / "p.xlsx", make_plan(), store=other)
    with pytest.raises(StoreError, match="another program"):
        store.verify(store=other)


def test_a_store_from_a_newer_sheetsync(tmp_path: Path) -> None:
    save(tmp_path / "p.xlsx", make_plan())
    db = store.resolve_store(tmp_path / "p.xlsx", None)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer sheetsync"):
        store.history(tmp_path / "p.xlsx")


def test_a_store_where_nothing_can_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot be created"):
        save(tmp_path / "p.xlsx", make_plan(), store=blocker / "snapshots.db")
    with pytest.raises(StoreError):
        save(tmp_path / "p.xlsx", make_plan(), store="/proc/sheetsync-test/snapshots.db")


def test_a_locked_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save(tmp_path / "p.xlsx", make_plan())
    monkeypatch.setenv(store.TIMEOUT_ENV, "0.2")
    holder = sqlite3.connect(store.resolve_store(tmp_path / "p.xlsx", None), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match="locked"):
            save(tmp_path / "p.xlsx", make_plan(update="New."))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert save(tmp_path / "p.xlsx", make_plan(update="New.")).id == 2


def test_migrations_are_numbered_and_recorded(tmp_path: Path) -> None:
    save(tmp_path / "p.xlsx", make_plan())
    with sqlite3.connect(store.resolve_store(tmp_path / "p.xlsx", None)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- several processes ------------------------------------------------------------------------------------------

CHILD = """
import sys
sys.path.insert(0, {tests!r})
from test_store import make_plan, fake_workbook
from sheetsync import store
store.summarise_validation = lambda plan, **_: None
tag, count, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(count):
    plan = make_plan(update=f"{{tag}} {{i}}")
    result = store.snapshot_plan(plan, fake_workbook(plan), source="/plans/ActionPlan.xlsx", store=db)
    print(result.id, flush=True)
"""


def _child(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(tests=str(ROOT / "tests")))
    return subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})}, cwd=ROOT)


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
    result = store.verify(store=db)
    assert result.ok and result.snapshots == 30, result.describe()


@pytest.mark.slow
def test_a_process_killed_inside_the_transaction(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    first = _child(tmp_path, "first", "1", str(db))
    assert first.wait(timeout=60) == 0
    flag = tmp_path / "inside"
    victim = _child(tmp_path, "victim", "1", str(db),
                    env={store.PAUSE_ENV: "120", store.PAUSE_FLAG_ENV: str(flag)})
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert victim.poll() is None, victim.communicate()[1]
        assert time.monotonic() < deadline, "the child never reached the transaction"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    result = store.verify(store=db)
    assert result.ok and result.snapshots == 1, result.describe()
    after = _child(tmp_path, "after", "1", str(db))
    out, err = after.communicate(timeout=60)
    assert after.returncode == 0, err
    assert out.split() == ["2"]
    assert store.verify(store=db).ok


# --- the command line, on real workbooks --------------------------------------------------------------------------


def test_cli_snapshot_history_diff_restore_verify(tmp_path: Path) -> None:
    template = pytest.importorskip("sheetsync.template", reason="the CLI tests write workbooks with the template")
    pytest.importorskip("sheetsync.reader", reason="sheetsync.reader is not written yet")
    from sheetsync.cli import cli

    path = tmp_path / "ActionPlan.xlsx"
    plan = make_plan()
    template.write_plan_workbook(plan, path)
    runner = CliRunner()
    result = runner.invoke(cli, ["snapshot", str(path), "-m", "March return", "--who", "jo"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("snapshot 1 saved (6 actions;")
    result = runner.invoke(cli, ["snapshot", str(path)])
    assert result.exit_code == 0 and result.output.strip() == "unchanged since snapshot 1", result.output

    plan.recommendations[0].actions[0].status = "Action Complete"
    template.write_plan_workbook(plan, path, overwrite=True)
    result = runner.invoke(cli, ["snapshot", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == 2

    result = runner.invoke(cli, ["history", str(path)])
    assert result.exit_code == 0, result.output
    assert "March return" in result.output and result.output.splitlines()[1].split()[0] == "2"
    assert [e["id"] for e in json.loads(runner.invoke(cli, ["history", str(path), "--json"]).output)] == [2, 1]

    result = runner.invoke(cli, ["diff", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 action moved to Action Complete" in result.output
    assert runner.invoke(cli, ["diff", str(path), "1", "current", "--html"]).output.startswith("<!DOCTYPE html>")

    result = runner.invoke(cli, ["restore", str(path), "1", "-o", str(tmp_path / "march.xlsx")])
    assert result.exit_code == 0, result.output
    assert store.load_plan(path, 1).canonical_json() == store.read_workbook(tmp_path / "march.xlsx")[1].model_copy(
        update={"source": None}).canonical_json()
    result = runner.invoke(cli, ["restore", str(path), "1", "-o", str(path), "--force"])
    assert result.exit_code == 2 and "never writes over" in result.output

    result = runner.invoke(cli, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(store.resolve_store(path, None)) as conn:
        conn.execute("UPDATE snapshots SET message = 'edited' WHERE id = 1")
    result = runner.invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1 and "snapshot 1:" in result.output, result.output


def test_cli_bad_store_exits_2(tmp_path: Path, stub_reader: None) -> None:
    from sheetsync.cli import cli

    path = tmp_path / "ActionPlan.xlsx"
    path.write_bytes(fake_workbook(make_plan()))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 100)
    runner = CliRunner()
    for args in (["snapshot", str(path), "--store", str(junk)], ["history", str(path), "--store", str(junk)],
                 ["verify", "--store", str(junk)], ["restore", str(path), "1", "-o", "x.xlsx", "--store", str(junk)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "not a sheetsync snapshot store" in result.output


# --- another zlib: content proven by part hashes, exact bytes only where this zlib can rebuild them -----------------


def other_zlib(monkeypatch: pytest.MonkeyPatch, version: str | None = "1.3.1.zlib-ng") -> None:
    """This Python 'has another zlib': restore deflates to different (valid) bytes, and reports another version."""
    import zlib

    def deflate(plain: bytes, level: int) -> bytes:
        deflater = zlib.compressobj(1 if level != 1 else 9, zlib.DEFLATED, -15, 9, zlib.Z_FILTERED)
        return deflater.compress(plain) + deflater.flush()

    monkeypatch.setattr(packing, "deflate", deflate)
    if version is not None:
        monkeypatch.setattr(zlib, "ZLIB_RUNTIME_VERSION", version)


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _odd_zip() -> bytes:
    """Stored and deflated members, member and archive comments, and (written to a stream that cannot seek) data
    descriptors after every member."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            chunk = bytes(data)  # type: ignore[call-overload]
            self.buffer += chunk
            return len(chunk)

    for stream in (io.BytesIO(), Unseekable()):
        with zipfile.ZipFile(stream, "w") as archive:
            archive.comment = b"archive comment"
            archive.writestr("[Content_Types].xml", "<Types>" + "<Default/>" * 300 + "</Types>",
                             compress_type=zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(2024, 11, 5, 10, 30, 0))
            info.comment = b"member comment"
            archive.writestr(info, "".join(f"<row r='{i}'><c>{i * 7}</c></row>" for i in range(2000)),
                             compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            archive.writestr("stored.xml", "<si>x</si>" * 100, compress_type=zipfile.ZIP_STORED)
            archive.writestr("empty.xml", "", compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>text</t></si>" * 500 + "</sst>",
                             compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        if isinstance(stream, Unseekable):
            return bytes(stream.buffer)
    raise AssertionError("unreachable")


def test_relink_gives_the_same_zip_with_another_zlibs_deflate(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _odd_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())  # data descriptors
    for original in (data, fake_workbook(make_plan(60))):
        packed = packing.pack_workbook(original)
        parts = packing.content_parts(packed)
        assert sum(1 for segment in packed.segments if segment[0] == "d") >= 2
        with monkeypatch.context() as patch:
            other_zlib(patch, None)
            built = packing.pieces(packed.segments, packed.chunks_by_ref())
            assert b"".join(built) != original
            relinked = packing.relink(packed.segments, built, parts)
        assert relinked != original
        assert members(relinked) == members(original)
        with zipfile.ZipFile(io.BytesIO(relinked)) as new, zipfile.ZipFile(io.BytesIO(original)) as old:
            assert new.comment == old.comment
            for a, b in zip(new.infolist(), old.infolist(), strict=True):
                assert (a.filename, a.date_time, a.comment, a.CRC, a.file_size, a.compress_type, a.flag_bits) == (
                    b.filename, b.date_time, b.comment, b.CRC, b.file_size, b.compress_type, b.flag_bits)
        assert packing.part_failures(packed.segments, packed.chunks_by_ref(), parts) == []


def test_part_failures_name_the_damaged_member() -> None:
    packed = packing.pack_workbook(_odd_zip())
    parts = packing.content_parts(packed)
    index = next(i for i, part in enumerate(parts) if part[1] == "xl/worksheets/sheet1.xml")
    chunks = packed.chunks_by_ref()
    ref = packing.refs([packed.segments[parts[index][0]]])[0]
    chunks[ref] = chunks[ref].replace(b"<c>", b"<c>9", 1)
    assert packing.part_failures(packed.segments, chunks, parts) == ["part xl/worksheets/sheet1.xml"]
    del chunks[ref]
    assert packing.part_failures(packed.segments, chunks, parts) == ["part xl/worksheets/sheet1.xml (missing chunks)"]


def _tamper_chunk_of(db: Path, member_text: bytes) -> int:
    """Edit the largest chunk holding `member_text` and redo its hash (a careful tamperer); its blob id."""
    import hashlib
    import zlib

    with sqlite3.connect(db) as conn:
        for blob_id, data in conn.execute("SELECT id, data FROM blobs ORDER BY size DESC").fetchall():
            content = zlib.decompress(data)
            if member_text in content:
                content = content.replace(member_text, member_text.upper(), 1)
                conn.execute("UPDATE blobs SET data = ?, hash = ? WHERE id = ?",
                             (zlib.compress(content), hashlib.sha256(content).hexdigest(), blob_id))
                return int(blob_id)
    raise AssertionError(f"no chunk holds {member_text!r}")


def test_another_zlib_restores_identical_contents_and_verify_notes_it(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import zlib

    path = tmp_path / "ActionPlan.xlsx"
    plan = make_plan(30)
    data = fake_workbook(plan)
    store.snapshot_plan(plan, data, source=path)
    taken_with = zlib.ZLIB_RUNTIME_VERSION
    other_zlib(monkeypatch)

    result = store.restore_snapshot(path, 1, output=tmp_path / "restored.xlsx")
    assert not result.exact and result.parts_checked == 2
    assert result.note == (
        "restored snapshot 1: contents identical to what was snapshotted (every part checked); the file's "
        f"compressed bytes differ because this Python's zlib (1.3.1.zlib-ng) differs from the one that took the "
        f"snapshot ({taken_with})")
    assert result.describe() == f"wrote {result.path}\n{result.note}"
    restored = result.path.read_bytes()
    assert restored != data and members(restored) == members(data)
    assert store.restore(path, 1, output=tmp_path / "again.xlsx").read_bytes() == restored  # the Path API too

    checked = store.verify(path)  # content, part by part: no deflating, nothing to note
    assert checked.ok and not checked.notes, checked.describe()
    deep = store.verify(path, deep=True)
    assert deep.ok and deep.deep, deep.describe()
    assert [note.snapshot_id for note in deep.notes] == [1]
    assert "note: snapshot 1: contents identical" in deep.describe()
    assert "zlib (1.3.1.zlib-ng) differs" in deep.describe()

    # The same zlib version string, another build (e.g. a SIMD zlib): still content-identical, worded for it.
    monkeypatch.setattr(zlib, "ZLIB_RUNTIME_VERSION", taken_with)
    same = store.restore_snapshot(path, 1, output=tmp_path / "same.xlsx")
    assert not same.exact and same.note is not None and "deflates differently" in same.note

    # A real tamper still fails, by default and with --deep, and restore refuses naming the part.
    _tamper_chunk_of(store.resolve_store(path, None), b'"Evidence 2.1",\n')  # the member, not the JSON
    for deep_check in (False, True):
        bad = store.verify(path, deep=deep_check)
        assert not bad.ok
        assert any(p.snapshot_id == 1 and "part plan.json" in p.message and "damaged or was altered" in p.message
                   for p in bad.problems), bad.describe()
    with pytest.raises(StoreError, match=r"snapshot 1's workbook is damaged or was altered: part plan\.json does "
                                         r"not match.*not restored"):
        store.restore_snapshot(path, 1, output=tmp_path / "refused.xlsx")
    assert not (tmp_path / "refused.xlsx").exists()


def test_verify_checks_content_without_deflating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = _three_snapshots(tmp_path)

    def no_deflate(plain: bytes, level: int) -> bytes:
        raise AssertionError("verify deflated")

    monkeypatch.setattr(packing, "deflate", no_deflate)
    result = store.verify(path)
    assert result.ok and result.snapshots == 3 and not result.deep, result.describe()
    assert "content verified part by part" in result.describe()
    with pytest.raises(AssertionError, match="verify deflated"):
        store.verify(path, deep=True)


def test_removing_or_editing_the_part_hashes_is_caught(tmp_path: Path) -> None:
    path, db = _three_snapshots(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE snapshots SET workbook_parts = NULL WHERE id = 2")
        conn.execute("UPDATE snapshots SET workbook_parts = zeroblob(8) WHERE id = 3")
    result = store.verify(path)
    assert {p.snapshot_id for p in result.problems if "altered" in p.message} == {2, 3}, result.describe()
    assert any(p.snapshot_id == 3 and "unreadable" in p.message for p in result.problems)


def _as_schema_1(db: Path) -> None:
    """Make a store look as sheetsync before part hashes left it: no workbook_parts, row hashes without them."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        previous = store.GENESIS
        for row in conn.execute("SELECT * FROM snapshots ORDER BY id").fetchall():
            fields = {**dict(row), "workbook_parts": None, "prev_hash": previous}
            previous = store._row_hash(fields)
            conn.execute("UPDATE snapshots SET prev_hash = ?, row_hash = ? WHERE id = ?",
                         (fields["prev_hash"], previous, row["id"]))
        conn.execute("ALTER TABLE snapshots DROP COLUMN workbook_parts")
        conn.execute("PRAGMA user_version = 1")


def test_a_store_from_before_part_hashes_upgrades_and_keeps_working(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path, db = _three_snapshots(tmp_path)
    original = fake_workbook(make_plan(update="One."))
    _as_schema_1(db)
    result = store.verify(path)  # opening it migrates it
    assert result.ok and result.snapshots == 3, result.describe()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS) == 2
        assert conn.execute("SELECT count(*) FROM snapshots WHERE workbook_parts IS NULL").fetchone()[0] == 3
    restored = store.restore_snapshot(path, 1, output=tmp_path / "old.xlsx")
    assert restored.exact and restored.path.read_bytes() == original
    fourth = save(path, make_plan(update="Four."))
    assert fourth.id == 4
    assert store.verify(path).ok and store.verify(path, deep=True).ok

    # On another zlib the old snapshots behave as before (their exact bytes are the only proof); the new one does not.
    other_zlib(monkeypatch)
    with pytest.raises(StoreError, match=r"does not match its recorded hash; it was stored with zlib .* "
                                         r"1\.3\.1\.zlib-ng"):
        store.restore(path, 1, output=tmp_path / "refused.xlsx")
    assert not store.restore_snapshot(path, 4, output=tmp_path / "new.xlsx").exact
    result = store.verify(path)
    assert {p.snapshot_id for p in result.problems} == {1, 2, 3}, result.describe()
    assert "taken before sheetsync recorded content hashes" in result.describe()


def test_cli_restore_and_verify_on_another_zlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = pytest.importorskip("sheetsync.template", reason="the CLI tests write workbooks with the template")
    reader = pytest.importorskip("sheetsync.reader", reason="sheetsync.reader is not written yet")
    from sheetsync.cli import cli

    path = tmp_path / "ActionPlan.xlsx"
    template.write_plan_workbook(make_plan(30), path)
    original = path.read_bytes()
    runner = CliRunner()
    assert runner.invoke(cli, ["snapshot", str(path)]).exit_code == 0
    other_zlib(monkeypatch)

    out = tmp_path / "restored.xlsx"
    result = runner.invoke(cli, ["restore", str(path), "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("restored snapshot 1: contents identical to what was "
                                                    "snapshotted (every part checked)")
    assert out.read_bytes() != original and members(out.read_bytes()) == members(original)
    assert reader.read_plan(out).model_copy(update={"source": None}).canonical_json() == reader.read_plan(
        path).model_copy(update={"source": None}).canonical_json()

    result = runner.invoke(cli, ["verify", str(path)])
    assert result.exit_code == 0 and "note:" not in result.output, result.output
    result = runner.invoke(cli, ["verify", str(path), "--deep"])
    assert result.exit_code == 0 and "note: snapshot 1: contents identical" in result.output, result.output
    assert json.loads(runner.invoke(cli, ["verify", str(path), "--deep", "--json"]).output)["notes"]

    _tamper_chunk_of(store.resolve_store(path, None), b"<t>Evidence 1.1</t>")
    for args in (["verify", str(path)], ["verify", str(path), "--deep"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1 and "damaged or was altered: part xl/" in result.output, result.output
    result = runner.invoke(cli, ["restore", str(path), "1", "-o", str(tmp_path / "no.xlsx")])
    assert result.exit_code == 2 and "damaged or was altered: part xl/" in result.output, result.output


def test_a_zip_that_cannot_be_relinked_is_refused_by_restore_but_not_called_damage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan())
    other_zlib(monkeypatch)

    def cannot(*args: object) -> bytes:
        raise ValueError("a zip64 archive")

    monkeypatch.setattr(packing, "relink", cannot)
    with pytest.raises(StoreError, match=r"content is intact \(every part checked\).*a zip64 archive.*restore it "
                                         r"with a Python that has zlib"):
        store.restore_snapshot(path, 1, output=tmp_path / "out.xlsx")
    result = store.verify(path, deep=True)
    assert result.ok and "a zip64 archive" in result.notes[0].message, result.describe()


def test_verify_groups_the_same_note_over_many_snapshots() -> None:
    notes = [store.Problem(snapshot_id=sid, message="bytes differ") for sid in (1, 2, 3, 5, 7, 8)]
    result = store.VerifyResult(store="s.db", snapshots=8, plans=1, notes=notes)
    assert result.ok
    assert result.describe().splitlines()[1] == "  note: snapshots 1-3, 5, 7-8 (6): bytes differ"
