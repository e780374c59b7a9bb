"""The snapshot store through its public functions (sheetsync.snapshots), on every backend in store_backends."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import Backend, fake_workbook, head_log_backend, make_plan, save, store_backend

from sheetsync import snapshots
from sheetsync.errors import OutputExistsError, SheetsyncError, SnapshotNotFoundError, StoreError
from sheetsync.store import chain
from sheetsync.store.memory import MemoryRepository
from sheetsync.store.repository import Blob, PlanRecord, Repository, open_repository

__all__ = ["head_log_backend", "store_backend"]  # the fixtures, imported for pytest


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(snapshots.STORE_ENV, raising=False)
    monkeypatch.setenv("SHEETSYNC_STORE_TIMEOUT", "5")


def write_workbook(path: Path, plan: object) -> Path:
    from sheetsync.template import write_plan_workbook

    return write_plan_workbook(plan, path, overwrite=True)  # type: ignore[arg-type]


# --- where the store is ---------------------------------------------------------------------------------------


def test_store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_path = tmp_path / "forces" / "ActionPlan.xlsx"
    assert snapshots.resolve_store(plan_path, None) == tmp_path / "forces" / ".sheetsync" / "snapshots.db"
    monkeypatch.setenv(snapshots.STORE_ENV, str(tmp_path / "env.db"))
    assert snapshots.resolve_store(plan_path, None) == tmp_path / "env.db"
    assert snapshots.resolve_store(plan_path, tmp_path / "given.db") == tmp_path / "given.db"
    assert snapshots.resolve_store(plan_path, str(tmp_path / "text.db")) == tmp_path / "text.db"
    url = "postgresql://sheetsync@db.example/plans"
    assert snapshots.store_address(plan_path, url) == url
    monkeypatch.setenv(snapshots.STORE_ENV, url)
    assert snapshots.store_address(plan_path, None) == url
    with pytest.raises(StoreError, match="database server, not a file"):
        snapshots.resolve_store(plan_path, None)


def test_plan_key_is_file_stem_and_force() -> None:
    from sheetsync.store.ledger import plan_key

    assert plan_key("a/ActionPlan.xlsx", " Kent  Police") == plan_key("b/actionplan.XLSM", "kent police")
    assert plan_key("ActionPlan.xlsx", "Kent Police") != plan_key("ActionPlan.xlsx", "Essex Police")


def test_an_unknown_store_scheme_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SheetsyncError, match=r"'mongodb://' is not a kind of store sheetsync knows"):
        save(tmp_path / "p.xlsx", make_plan(), store="mongodb://host/db")


# --- snapshots --------------------------------------------------------------------------------------------------


def test_snapshot_then_unchanged_then_changed(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    path = tmp_path / "ActionPlan.xlsx"
    first = save(path, make_plan(), message="March return", who="jo", store=store)
    assert first.saved and first.id == 1
    assert first.describe().splitlines()[0] == "snapshot 1 saved (6 actions; 1 error, 2 warnings)"
    assert first.chain_head is not None and first.describe().splitlines()[1] == (
        f"chain head: snapshot 1, hash {first.row_hash}")
    # Same plan, different bytes (Excel re-saved it): still unchanged.
    again = save(path, make_plan(), salt="re-saved", store=store)
    assert not again.saved and again.describe() == "unchanged since snapshot 1"
    second = save(path, make_plan(update="Work is done."), message="April", store=store)
    assert second.saved and second.id == 2 and second.previous_id == 1

    entries = snapshots.history(path, store=store)
    assert [e.id for e in entries] == [2, 1]
    assert entries[1].who == "jo" and entries[1].message == "March return"
    assert entries[0].who and entries[0].machine and entries[0].version
    assert entries[0].findings == "1 error, 2 warnings"
    table = snapshots.format_history(entries)
    assert table.splitlines()[0].split() == ["id", "taken", "(UTC)", "who", "actions", "findings", "message"]
    assert "March return" in table.splitlines()[2]
    head = snapshots.chain_head(path, store=store)
    assert head is not None and (head.id, head.hash) == (2, second.row_hash)


def test_validation_not_given_is_recorded_as_not_validated(tmp_path: Path, store_backend: Backend) -> None:
    result = save(tmp_path / "p.xlsx", make_plan(), store=store_backend.store, validation=None)
    assert result.describe().splitlines()[0] == "snapshot 1 saved (6 actions; not validated)"
    assert snapshots.history(tmp_path / "p.xlsx", store=store_backend.store)[0].validation is None


def test_load_plan_and_restore_give_back_what_was_saved(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    path = tmp_path / "ActionPlan.xlsx"
    plan = make_plan(30)
    data = fake_workbook(plan)
    snapshots.snapshot_plan(plan, data, source=path, store=store)
    save(path, make_plan(30, update="Later."), store=store)
    assert snapshots.load_plan(path, 1, store=store).canonical_json() == plan.canonical_json()
    assert snapshots.load_plan(path, "1", store=store).canonical_json() == plan.canonical_json()
    assert snapshots.load_plan(path, "latest", store=store).canonical_json() == make_plan(
        30, update="Later.").canonical_json()
    out = snapshots.restore(path, "1", output=tmp_path / "restored.xlsx", store=store)
    assert out.read_bytes() == data
    with pytest.raises(OutputExistsError):
        snapshots.restore(path, 1, output=out, store=store)
    snapshots.restore(path, 2, output=out, overwrite=True, store=store)
    path.write_bytes(b"the user's workbook")
    with pytest.raises(OutputExistsError):
        snapshots.restore(path, 1, output=path, overwrite=True, store=store)
    assert path.read_bytes() == b"the user's workbook"


def test_unknown_and_foreign_snapshot_ids(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    save(tmp_path / "a.xlsx", make_plan(), store=store)
    save(tmp_path / "b.xlsx", make_plan(), store=store)
    with pytest.raises(SnapshotNotFoundError, match="snapshot 9 is not in the store"):
        snapshots.load_plan(tmp_path / "a.xlsx", 9, store=store)
    with pytest.raises(SnapshotNotFoundError, match="of another plan"):
        snapshots.load_plan(tmp_path / "a.xlsx", 2, store=store)
    with pytest.raises(SnapshotNotFoundError, match="not a snapshot id"):
        snapshots.load_plan(tmp_path / "a.xlsx", "yesterday", store=store)
    with pytest.raises(SnapshotNotFoundError, match="no snapshots"):
        snapshots.load_plan(tmp_path / "c.xlsx", "latest", store=store)
    assert snapshots.history(tmp_path / "c.xlsx", store=store) == []


@pytest.mark.parametrize("wanted, words", [
    ("99999999999999999999", "there is no snapshot 99999999999999999999"),
    (99999999999999999999, "there is no snapshot 99999999999999999999"),
    ("9223372036854775808", "there is no snapshot"),
    ("0", "there is no snapshot 0"),
    ("²", "'²' is not a snapshot id"),
    ("١٢", "is not a snapshot id"),
    ("-1", "is not a snapshot id"),
])
def test_snapshot_ids_out_of_range_or_not_ascii_digits(tmp_path: Path, store_backend: Backend, wanted: object,
                                                       words: str) -> None:
    store = store_backend.store
    path = tmp_path / "a.xlsx"
    save(path, make_plan(), store=store)
    for use in (lambda: snapshots.load_plan(path, wanted, store=store),  # type: ignore[arg-type]
                lambda: snapshots.diff_snapshots(path, wanted, "1", store=store),  # type: ignore[arg-type]
                lambda: snapshots.restore(path, wanted, output=tmp_path / "x.xlsx", store=store)):  # type: ignore
        with pytest.raises(SnapshotNotFoundError, match=words):
            use()


def test_restore_current_says_what_current_is(tmp_path: Path, store_backend: Backend) -> None:
    path = tmp_path / "a.xlsx"
    save(path, make_plan(), store=store_backend.store)
    with pytest.raises(SnapshotNotFoundError, match="'current' is the workbook as it is now, not a stored snapshot"):
        snapshots.restore(path, "current", output=tmp_path / "x.xlsx", store=store_backend.store)


def test_one_file_name_for_two_forces_keeps_two_histories(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan(force="Kent Police"), store=store)
    other = save(path, make_plan(force="Essex Police"), store=store)
    assert other.id == 2 and other.previous_id is None
    assert other.note is not None and "Kent Police" in other.note
    write_workbook(path, make_plan(force="Essex Police"))  # the store asks the workbook which force it is
    assert [e.id for e in snapshots.history(path, store=store)] == [2]
    path.unlink()
    with pytest.raises(StoreError, match="keeps 2 plans named ActionPlan"):
        snapshots.history(path, store=store)


def test_snapshot_reads_validates_and_keeps_the_exact_bytes(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    path = write_workbook(tmp_path / "ActionPlan.xlsx", make_plan())
    result = snapshots.snapshot(path, message="first", who="jo", store=store)
    assert result.saved and result.validation is not None
    assert snapshots.restore(path, result.id, output=tmp_path / "copy.xlsx", store=store).read_bytes() == (
        path.read_bytes())


def test_require_valid_refuses_a_plan_with_errors(tmp_path: Path, store_backend: Backend) -> None:
    plan = make_plan()
    plan.recommendations[0].actions[0].status = "Compelte"
    path = write_workbook(tmp_path / "ActionPlan.xlsx", plan)
    with pytest.raises(SheetsyncError, match=r"validation error.*sheetsync validate"):
        snapshots.snapshot(path, require_valid=True, store=store_backend.store)
    assert snapshots.history(path, store=store_backend.store) == []


def test_diff_snapshots_defaults_and_current(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    path = write_workbook(tmp_path / "ActionPlan.xlsx", make_plan())
    snapshots.snapshot(path, store=store)
    with pytest.raises(SnapshotNotFoundError, match="not two to compare"):
        snapshots.diff_snapshots(path, store=store)
    changed = make_plan()
    changed.recommendations[0].actions[0].status = "Action Complete"
    snapshots.snapshot(write_workbook(path, changed), store=store)
    diff = snapshots.diff_snapshots(path, store=store)
    assert diff.summary_line() == "1 action moved to Action Complete"
    assert diff.old_label is not None and diff.old_label.startswith("snapshot 1 (")
    now = copy.deepcopy(changed)
    now.recommendations[0].actions[1].owner = "DS Kim Lee"
    write_workbook(path, now)
    since = snapshots.diff_snapshots(path, "2", store=store)
    assert since.summary_line() == "1 new owner"
    assert since.new_label == "ActionPlan.xlsx as it is now"
    assert snapshots.diff_snapshots(path, 1, 2, store=store).summary_line() == diff.summary_line()


# --- tamper evidence ------------------------------------------------------------------------------------------


def three_snapshots(tmp_path: Path, store_backend: Backend) -> Path:
    path = tmp_path / "ActionPlan.xlsx"
    for update in ("One.", "Two.", "Three."):
        save(path, make_plan(update=update), store=store_backend.store)
    return path


def test_verify_accepts_an_untouched_store(tmp_path: Path, store_backend: Backend) -> None:
    path = three_snapshots(tmp_path, store_backend)
    result = snapshots.verify(path, store=store_backend.store)
    assert result.ok, result.describe()
    assert (result.snapshots, result.plans, result.plan_snapshots, result.head_id) == (3, 1, 3, 3)
    # Every head in the head log found in the chain (a server store keeps none: its database refuses rewrites).
    assert result.anchors_checked == (0 if store_backend.name == "postgres" else 3)
    assert "verified" in result.describe()


@pytest.mark.parametrize("change, snapshot_id, words", [
    ({"message": "edited"}, 2, "altered"),
    ({"who": "someone else"}, 1, "altered"),
    (None, 3, "chain is broken"),  # snapshot 2 deleted
    ({"id": 9}, 2, "chain is broken"),
])
def test_verify_catches_edited_rows(tmp_path: Path, store_backend: Backend, change: dict[str, object] | None,
                                    snapshot_id: int, words: str) -> None:
    path = three_snapshots(tmp_path, store_backend)
    if change is None:
        store_backend.delete_row(2)
    else:
        store_backend.update_row(snapshot_id if "id" not in change else 1, change)
    result = snapshots.verify(path, store=store_backend.store)
    assert not result.ok
    assert any(p.snapshot_id == snapshot_id and words in p.message for p in result.problems), result.describe()
    assert f"snapshot {snapshot_id}:" in result.describe()


def test_restore_diff_and_load_refuse_a_tampered_row(tmp_path: Path, store_backend: Backend) -> None:
    """Snapshot 3's fields copied into row 1: only verify noticed; now every use of row 1 refuses it."""
    path = three_snapshots(tmp_path, store_backend)
    third = {name: value for name, value in _row(store_backend, 3).items()
             if name not in ("id", "prev_hash", "row_hash")}
    store_backend.update_row(1, third)
    store = store_backend.store
    for use in (lambda: snapshots.restore(path, 1, output=tmp_path / "r.xlsx", store=store),
                lambda: snapshots.load_plan(path, 1, store=store),
                lambda: snapshots.diff_snapshots(path, 1, 3, store=store)):
        with pytest.raises(StoreError, match=r"snapshot 1's fields were altered after it was saved .* not used"):
            use()
    assert not (tmp_path / "r.xlsx").exists()
    store_backend.delete_row(2)
    with pytest.raises(StoreError, match=r"snapshot 3 does not follow snapshot 2, which is missing"):
        snapshots.load_plan(path, 3, store=store)


def _row(backend: Backend, snapshot_id: int) -> dict[str, object]:
    from sheetsync.store.repository import open_repository

    if isinstance(backend.store, str):
        with open_repository(backend.store, mode="read") as repository:
            row = repository.snapshot(snapshot_id)
    else:
        row = backend.store.snapshot(snapshot_id)
    assert row is not None
    return row.fields()


def test_verify_head_proves_nothing_was_removed_or_rewritten(tmp_path: Path, store_backend: Backend) -> None:
    store = store_backend.store
    path = three_snapshots(tmp_path, store_backend)
    head = snapshots.chain_head(path, store=store)
    assert head is not None and head.id == 3
    assert snapshots.verify(path, store=store, heads=[head.hash]).ok
    assert snapshots.verify(path, store=store, heads=[head.hash[:16].upper()]).ok
    with pytest.raises(SheetsyncError, match="is not a chain head hash"):
        snapshots.verify(path, store=store, heads=["abc"])

    # Rewrite the whole chain with the code's own hash (an edited message in snapshot 2) and drop snapshot 3.
    rows = [_row(store_backend, sid) for sid in (1, 2)]
    rows[1]["message"] = "rewritten"
    for fields in chain.relink(rows):
        store_backend.update_row(fields["id"], {"message": fields["message"], "prev_hash": fields["prev_hash"],
                                                "row_hash": fields["row_hash"]})
    store_backend.delete_row(3)
    anchor = _anchor(store_backend)
    if anchor is not None:
        anchor.unlink()  # the attacker removed the head log too: the chain itself verifies...
    assert snapshots.verify(path, store=store).ok
    proof = snapshots.verify(path, store=store, heads=[head.hash])  # ...but not against a head kept elsewhere
    assert not proof.ok
    assert "the chain head you gave" in proof.describe() and "removed" in proof.describe()


def _anchor(backend: Backend) -> Path | None:
    if backend.name == "postgres":
        return None  # a server store keeps no head log
    if isinstance(backend.store, str):
        return Path(backend.store + ".heads")
    anchor = backend.store.anchor
    assert anchor is not None
    return anchor


def test_the_head_log_catches_removed_newest_snapshots(tmp_path: Path, head_log_backend: Backend) -> None:
    """Lost snapshot 3 (deleted, or its -wal lost), then a new snapshot 3: the head log still knows the first."""
    store = head_log_backend.store
    path = three_snapshots(tmp_path, head_log_backend)
    head_log_backend.delete_row(3)
    assert save(path, make_plan(update="Another."), store=store).id == 3
    result = snapshots.verify(path, store=store)
    assert not result.ok
    assert any(p.snapshot_id == 3 and "head log" in p.message and "another snapshot under that id" in p.message
               for p in result.problems), result.describe()
    head_log_backend.delete_row(3)
    assert "no longer holds it" in snapshots.verify(path, store=store).describe()


def test_the_memory_store_serialises_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    repository = MemoryRepository()

    def take(i: int) -> int:
        return save(tmp_path / "p.xlsx", make_plan(update=f"u{i}"), store=MemoryRepository(shared=repository)).id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(take, range(24)))
    assert sorted(ids) == list(range(1, 25))
    assert snapshots.verify(store=repository).ok


# --- the repository contract itself (what a new backend must keep) --------------------------------------------------


@contextlib.contextmanager
def opened(backend: Backend) -> Iterator[Repository]:
    if isinstance(backend.store, str):
        with open_repository(backend.store) as repository:
            yield repository
    else:
        yield backend.store


def test_an_exception_inside_append_writes_nothing(tmp_path: Path, store_backend: Backend) -> None:
    save(tmp_path / "p.xlsx", make_plan(), store=store_backend.store)
    with opened(store_backend) as repository:
        head = repository.head()
        with pytest.raises(RuntimeError, match="half-way"), repository.append() as tx:
            tx.add_plan(PlanRecord("other|", "other", "other.xlsx", None, "2025-01-01T00:00:00+00:00"))
            ids = tx.add_blobs([Blob("f" * 64, 3, zlib.compress(b"abc"))])
            assert set(ids) == {"f" * 64}
            raise RuntimeError("half-way")
        assert repository.head() == head
        assert repository.plans_named("other") == [] and repository.blob_ids(["f" * 64]) == {}
        assert [plan.key for plan in repository.plans()] == ["p|exampleshire police"]


def test_copying_a_store_keeps_the_chain_and_every_hash(tmp_path: Path, store_backend: Backend) -> None:
    """Into an empty store of this backend, from an SQLite one: ids kept, so verify and --head still hold."""
    source = tmp_path / "source.db"
    path = tmp_path / "ActionPlan.xlsx"
    for update in ("One.", "Two.", "Three."):
        last = save(path, make_plan(update=update), store=str(source))
    with open_repository(source, mode="read") as src, opened(store_backend) as dst:
        with dst.append() as tx:
            for plan in src.plans():
                tx.add_plan(plan)
            tx.copy_blobs(list(src.all_blobs()))
            for row in src.snapshots():
                tx.add_snapshot(row)
        with dst.append() as tx:  # copying again is harmless; a different chunk under the same id is refused
            tx.copy_blobs(list(src.all_blobs()))
        blob = next(src.all_blobs())
        with pytest.raises(StoreError, match="differs between the two stores"), dst.append() as tx:
            tx.copy_blobs([dataclasses.replace(blob, hash="0" * 64)])
    assert last.row_hash is not None
    result = snapshots.verify(store=store_backend.store, heads=[last.row_hash])
    assert result.ok and result.snapshots == 3, result.describe()
    assert snapshots.load_plan(path, 2, store=store_backend.store).canonical_json() == make_plan(
        update="Two.").canonical_json()
