"""The store backends the store test suite runs against (the `store_backend` fixture in tests/conftest.py).

A backend is a function `(tmp_path) -> Iterator[Backend]` in `BACKENDS`: it yields a fresh, empty store and
whatever a test needs to tamper with it as the database's owner would. A new backend adds one function here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sqlite3
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pg import postgres_backend

from sheetsync import snapshots
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.store.memory import MemoryRepository
from sheetsync.store.repository import Repository
from sheetsync.store.results import SnapshotResult, ValidationSummary

COUNTS = ValidationSummary(errors=1, warnings=2)


def make_plan(rows: int = 6, *, force: str = "Exampleshire Police", update: str = "Work has started.") -> Plan:
    recs = []
    for number in range(1, 4):
        actions = [Action(id=f"{number}.{i + 1}", evidence=f"Evidence {number}.{i + 1}", owner="DI Sam Patel",
                          update=f"{update} ({number}.{i + 1})", status="In Progress")
                   for i in range(rows // 3)]
        recs.append(Recommendation(number=str(number), text=f"Recommendation {number}", actions=actions))
    return Plan(title="Stalking Action Plan", force=force, recommendations=recs)


def fake_workbook(plan: Plan, salt: str = "") -> bytes:
    """A stand-in 'workbook': a real zip (deflated, like an .xlsx) holding the plan's JSON; the same plan and salt
    give the same bytes (each member dated 1 January 2025, not the clock's second)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("plan.json", plan.canonical_json()), ("salt.txt", salt or "x")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def save(path: Path, plan: Plan, salt: str = "", *, store: str | Repository | None = None,
         validation: ValidationSummary | None = COUNTS, **kwargs: Any) -> SnapshotResult:
    """Snapshot `plan` as if read from a workbook at `path` (the bytes are a `fake_workbook`)."""
    return snapshots.snapshot_plan(plan, fake_workbook(plan, salt), source=path, store=store,
                                   validation_summary=validation, **kwargs)


@dataclass
class Backend:
    name: str
    store: str | Repository  # what `store=` (and, for a str, --store) takes
    execute: Callable[[str, Sequence[Any]], None]  # one SQL statement as the owner ("UPDATE snapshots SET …")
    update_row: Callable[[int, dict[str, Any]], None]  # set some of a snapshot's columns
    delete_row: Callable[[int], None]


def sqlite_backend(tmp_path: Path) -> Iterator[Backend]:
    db = tmp_path / "store" / "snapshots.db"

    def execute(sql: str, params: Sequence[Any] = ()) -> None:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute(sql, params)
            conn.commit()

    def update_row(snapshot_id: int, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{name} = ?" for name in values)
        execute(f"UPDATE snapshots SET {sets} WHERE id = ?", [*values.values(), snapshot_id])

    yield Backend("sqlite", str(db), execute, update_row, lambda sid: execute("DELETE FROM snapshots WHERE id = ?",
                                                                                [sid]))


def memory_backend(tmp_path: Path) -> Iterator[Backend]:
    repository = MemoryRepository(anchor=tmp_path / "memory.heads")
    rows = repository._data.snapshots  # the test's hands on the database

    def execute(sql: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError("the memory store has no SQL")

    def update_row(snapshot_id: int, values: dict[str, Any]) -> None:
        if "id" in values:
            rows[values["id"]] = dataclasses.replace(rows.pop(snapshot_id), **values)
        else:
            rows[snapshot_id] = dataclasses.replace(rows[snapshot_id], **values)

    def delete_row(snapshot_id: int) -> None:
        del rows[snapshot_id]

    yield Backend("memory", repository, execute, update_row, delete_row)


BACKENDS: dict[str, Callable[[Path], Iterator[Backend]]] = {
    "sqlite": sqlite_backend,
    "memory": memory_backend,
    "postgres": postgres_backend,  # a team store on the throwaway cluster (tests/pg.py)
}


@pytest.fixture(params=sorted(BACKENDS))
def store_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A fresh, empty store on each backend (import this fixture into a test module to use it)."""
    yield from BACKENDS[request.param](tmp_path)


@pytest.fixture(params=sorted(name for name in BACKENDS if name != "postgres"))
def head_log_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A fresh store on each backend that keeps a head log (a server store has none: its database refuses
    rewrites, and `verify --head` proves its chain)."""
    yield from BACKENDS[request.param](tmp_path)


@pytest.fixture(params=sorted(name for name in BACKENDS if name != "memory"))
def named_store_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A fresh store on each backend that a command line can name (--store PATH or URL)."""
    yield from BACKENDS[request.param](tmp_path)
