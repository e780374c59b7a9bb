"""Snapshots of a plan, as the commands use them: read the workbook, validate it, and hand the plan, its bytes and
its validation counts to the store; read snapshots back, diff them, restore them, verify the store.

The store itself (`sheetsync.store`) reads no workbook, validates nothing and diffs nothing; this layer does.
Every function's `store` is a file path (SQLite), a database URL (`postgresql://…`), or an open `Repository`
(tests); None means $SHEETSYNC_STORE, else `.sheetsync/snapshots.db` in the workbook's folder. One store holds
several plans; a plan is the workbook's file name without extension (case-blind, so ActionPlan.xlsx and
ActionPlan.xlsm are one plan) together with the force named in it.

On the Excel button's path: stdlib, the model and the SQLite store only at import time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Union

from sheetsync.errors import SheetsyncError, SnapshotNotFoundError, StoreError
from sheetsync.files import write_bytes_atomic
from sheetsync.model import Plan
from sheetsync.store import ledger
from sheetsync.store.repository import Mode, Repository, is_url, open_repository
from sheetsync.store.results import (
    ChainHead,
    RestoreResult,
    SnapshotInfo,
    SnapshotResult,
    ValidationSummary,
    VerifyResult,
    format_history,
    plural,
)

if TYPE_CHECKING:
    from sheetsync.diff import PlanDiff

STORE_ENV = "SHEETSYNC_STORE"
StoreArg = Union[str, "os.PathLike[str]", Repository, None]
PathArg = Union[str, "os.PathLike[str]"]


# --- where the store is ---------------------------------------------------------------------------------------


def store_address(plan_path: PathArg | None, store: StoreArg = None) -> str | Path | Repository:
    """`store` if given, else $SHEETSYNC_STORE, else `.sheetsync/snapshots.db` in the workbook's folder (or cwd):
    a Path for a file store, the URL (a str) for a server store."""
    if store is not None and not isinstance(store, (str, os.PathLike)):
        return store
    given = os.fspath(store) if store is not None else ""
    chosen = given or os.environ.get(STORE_ENV, "")
    if chosen:
        return chosen if is_url(chosen) else Path(chosen).expanduser()
    folder = Path(plan_path).absolute().parent if plan_path is not None else Path.cwd()
    return folder / ".sheetsync" / "snapshots.db"


def resolve_store(plan_path: PathArg | None, store: PathArg | None = None) -> Path:
    """The file store's path (see `store_address`); StoreError when the store is a database server."""
    address = store_address(plan_path, store)
    if not isinstance(address, Path):
        raise StoreError("is a database server, not a file", path=_shown(address),
                         hint="Use store_address() for a store that may be a server")
    return address


def _shown(address: str | Path | Repository) -> str:
    if isinstance(address, (str, Path)):
        text = str(address)
        scheme, sep, rest = text.partition("://")
        if sep and "@" in rest.split("/", 1)[0]:  # never print a password
            user, _, host = rest.split("/", 1)[0].rpartition("@")
            text = f"{scheme}://{user.split(':', 1)[0]}@{host}{rest[len(rest.split('/', 1)[0]):]}"
        return text
    return address.location


@contextlib.contextmanager
def _opened(plan_path: PathArg | None, store: StoreArg, mode: Mode) -> Iterator[Repository]:
    address = store_address(plan_path, store)
    if not isinstance(address, (str, Path)):
        yield address  # the caller's own repository: theirs to close
        return
    repository = open_repository(address, mode=mode)
    try:
        yield repository
    finally:
        repository.close()


def _no_store(plan_path: PathArg | None, store: StoreArg) -> bool:
    address = store_address(plan_path, store)
    return isinstance(address, Path) and not address.exists()


# --- reading the workbook once --------------------------------------------------------------------------------


def read_workbook(plan_path: PathArg) -> tuple[bytes, Plan]:
    """The workbook's bytes, read once, and the plan parsed from those same bytes (consistent even if the file
    is saved again while it is being read)."""
    from sheetsync.reader import read_plan_bytes
    from sheetsync.safety import read_limited

    path = Path(plan_path)
    data = read_limited(path)
    return data, read_plan_bytes(data, source=path)


def summarise_validation(plan: Plan, *, as_of: date | None = None) -> ValidationSummary:
    """The plan's validation counts, judged as on `as_of` (default today)."""
    from sheetsync.validation import validate

    return ValidationSummary.from_report(validate(plan, as_of=as_of))


def _force_of(path: Path) -> ledger.ForceOf:
    return lambda: read_workbook(path)[1].force if path.exists() else None


# --- commands -------------------------------------------------------------------------------------------------


def snapshot(plan_path: PathArg, *, message: str | None = None, who: str | None = None, store: StoreArg = None,
             require_valid: bool = False, as_of: date | None = None) -> SnapshotResult:
    """Record the workbook as it is now (a new snapshot only if the plan's content changed). Its validation
    counts are judged as on `as_of` (default today)."""
    path = Path(plan_path)
    data, plan = read_workbook(path)
    summary = summarise_validation(plan, as_of=as_of)
    if require_valid and summary.errors:
        raise SheetsyncError(f"has {plural(summary.errors, 'validation error')}; no snapshot taken", path=path,
                             hint=f"Run 'sheetsync validate {path}' to see them, fix them, then snapshot again")
    return snapshot_plan(plan, data, source=path, message=message, who=who, store=store, validation_summary=summary)


def snapshot_plan(plan: Plan, workbook_bytes: bytes, *, source: PathArg, message: str | None = None,
                  who: str | None = None, store: StoreArg = None,
                  validation_summary: ValidationSummary | None = None) -> SnapshotResult:
    """Snapshot a plan already read and validated by the caller (the Excel adapter reads through Excel); `source`
    is the workbook's path; `validation_summary` None records "not validated"."""
    with _opened(source, store, "write") as repository:
        return ledger.save(repository, plan, workbook_bytes, source=Path(source), message=message, who=who,
                           validation=validation_summary)


def history(plan_path: PathArg, *, store: StoreArg = None) -> list[SnapshotInfo]:
    """The plan's snapshots, newest first (empty when there are none, or no store yet)."""
    if _no_store(plan_path, store):
        return []
    path = Path(plan_path)
    with _opened(path, store, "read") as repository:
        key = ledger.find_key(repository, path, _force_of(path))
        return [] if key is None else [ledger.info(row) for row in repository.snapshots(key, newest_first=True)]


def chain_head(plan_path: PathArg | None = None, *, store: StoreArg = None) -> ChainHead | None:
    """The newest snapshot of the store's hash chain (any plan), or None when the store is empty or absent: print
    its hash where the store cannot reach it (report notes), for `verify --head` later."""
    if _no_store(plan_path, store):
        return None
    with _opened(plan_path, store, "read") as repository:
        return ledger.chain_head(repository)


def _is_current(snapshot_id: int | str) -> bool:
    return isinstance(snapshot_id, str) and snapshot_id.strip().casefold() == "current"


def _existing(plan_path: PathArg | None, store: StoreArg) -> None:
    if _no_store(plan_path, store):
        raise StoreError("no snapshot store here", path=store_address(plan_path, store),
                         hint="Take a snapshot first ('sheetsync snapshot PLAN'), or name the store with --store")


def load_plan(plan_path: PathArg, snapshot_id: int | str, *, store: StoreArg = None) -> Plan:
    """The plan as snapshot `snapshot_id` holds it (14, "14", "latest"; "current" reads the workbook now). The
    snapshot's row is checked against its hash and its link in the chain first."""
    if _is_current(snapshot_id):
        return read_workbook(plan_path)[1]
    ledger.parse_id(snapshot_id)
    _existing(plan_path, store)
    path = Path(plan_path)
    with _opened(path, store, "read") as repository:
        return ledger.plan_of(repository, ledger.find_snapshot(repository, path, snapshot_id, _force_of(path)), path)


def diff_snapshots(plan_path: PathArg, from_id: int | str | None = None, to_id: int | str | None = None, *,
                   store: StoreArg = None) -> PlanDiff:
    """What changed from snapshot FROM to TO. Neither given: the two newest. FROM only: FROM to the workbook as
    it is now ("current", like `git diff A`). Every snapshot used is checked against its hash first."""
    from sheetsync.diff import diff_plans  # not on the Excel button's path

    path = Path(plan_path)
    if from_id is not None and to_id is None:
        to_id = "current"
    for wanted in (from_id, to_id):
        if wanted is not None and not _is_current(wanted):
            ledger.parse_id(wanted)
    _existing(path, store)
    with _opened(path, store, "read") as repository:
        if from_id is None and to_id is None:
            newest = ledger.newest_two(repository, ledger.find_key(repository, path, _force_of(path)))
            if len(newest) < 2:
                only = f" (snapshot {newest[0].id})" if newest else ""
                raise SnapshotNotFoundError(f"has {plural(len(newest), 'snapshot')}{only}, so there are not two to "
                                            "compare", path=path,
                                            hint="Compare with the workbook as it is now: sheetsync diff "
                                                 f"{path} {newest[0].id if newest else 'latest'} current")
            from_id, to_id = newest[1].id, newest[0].id
        sides: list[tuple[Plan, str]] = []
        for wanted in (from_id, to_id):
            assert wanted is not None
            if _is_current(wanted):
                sides.append((read_workbook(path)[1], f"{path.name} as it is now"))
            else:
                row = ledger.find_snapshot(repository, path, wanted, _force_of(path))
                sides.append((ledger.plan_of(repository, row, path), ledger.info(row).label()))
    result = diff_plans(sides[0][0], sides[1][0])
    return result.model_copy(update={"old_label": sides[0][1], "new_label": sides[1][1]})


def restore(plan_path: PathArg, snapshot_id: int | str, *, output: PathArg, store: StoreArg = None,
            overwrite: bool = False) -> Path:
    """Write a snapshot's workbook to a new file (never over the plan itself); the path written. See
    `restore_snapshot`, which also says whether the bytes are exact or the contents identical."""
    return restore_snapshot(plan_path, snapshot_id, output=output, store=store, overwrite=overwrite).path


def restore_snapshot(plan_path: PathArg, snapshot_id: int | str, *, output: PathArg, store: StoreArg = None,
                     overwrite: bool = False) -> RestoreResult:
    """Write a snapshot's workbook to a new file (never over the plan itself).

    The exact bytes snapshotted when this Python's zlib rebuilds them (checked against the file's SHA-256). When
    it deflates differently: the workbook with the same members, in the same order, with the same content (every
    part checked against its recorded hash), whose compressed bytes differ; `.exact` is False and `.note` says
    why. Refuses (StoreError) when the snapshot's row fails its hash or its link in the chain, or its content
    fails its hash: damage or tampering.
    """
    import zlib

    path = Path(plan_path)
    ledger.parse_id(snapshot_id)
    _existing(path, store)
    with _opened(path, store, "read") as repository:
        row = ledger.find_snapshot(repository, path, snapshot_id, _force_of(path))
        rebuilt = ledger.rebuild_workbook(repository, row)
    if rebuilt.problem is not None:
        raise StoreError(f"snapshot {row.id}'s {rebuilt.problem}; it was not restored",
                         hint="Run 'sheetsync verify' for details")
    assert rebuilt.data is not None
    written = write_bytes_atomic(output, rebuilt.data, overwrite=overwrite, protect=(path,))
    return RestoreResult(snapshot_id=row.id, path=written, exact=rebuilt.exact, zlib_here=zlib.ZLIB_RUNTIME_VERSION,
                         zlib_then=rebuilt.zlib_then, parts_checked=rebuilt.parts_checked,
                         note=None if rebuilt.exact else f"restored snapshot {row.id}: {rebuilt.note}")


def verify(plan_path: PathArg | None = None, *, store: StoreArg = None, deep: bool = False,
           heads: Iterable[str] = ()) -> VerifyResult:
    """Check the whole store (see `ledger.verify`): the hash chain, every stored hash, every workbook's content
    (`deep`: its exact bytes too), and that every head in the head log beside the store, and every hash in `heads`
    (a chain head kept elsewhere), is still in the chain."""
    wanted = [ledger.check_id(head) for head in heads]
    _existing(plan_path, store)
    with _opened(plan_path, store, "read") as repository:
        key = None
        if plan_path is not None:  # "" when the store has no snapshot of it: counted as 0
            key = ledger.find_key(repository, Path(plan_path), _force_of(Path(plan_path))) or ""
        return ledger.verify(repository, deep=deep, plan_key=key, heads=wanted)


__all__ = [
    "STORE_ENV", "ChainHead", "RestoreResult", "SnapshotInfo", "SnapshotResult", "ValidationSummary", "VerifyResult",
    "chain_head", "diff_snapshots", "format_history", "history", "load_plan", "read_workbook", "resolve_store",
    "restore", "restore_snapshot", "snapshot", "snapshot_plan", "store_address", "summarise_validation", "verify",
]
