"""The team store on PostgreSQL (a throwaway cluster on loopback, fsync on) beside the SQLite file store, same run.

    .venv/bin/python bench/bench_store_pg.py [--runs 15] [--history 1000]

Each figure is what one command costs in-process, opening the store and closing it as the CLI does (for
PostgreSQL: connect, with scram password authentication, over TCP on 127.0.0.1):
- a snapshot of a changed 200-row plan, the store's part (the plan already read and validated), target <= 100 ms;
- the same through `snapshot(path)`: reading and validating the workbook too;
- 16 processes snapshotting different plans at the same moment (released together, each its own connection or
  file handle), wall time until all 16 are saved, target <= 3 s in all;
- `history` of a plan with 1,000 snapshots, target <= 0.2 s (the stores filled through `store copy`, whose time
  is printed too).
Medians; the machine is shared and noisy, so compare the two columns of one run. Benchmarks, not tests.
"""

from __future__ import annotations

import argparse
import copy
import functools
import multiprocessing
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from builders import write_grid
from common import make_workbook, plan_rows
from pg import PgCluster, running_cluster

from sheetsync import snapshots
from sheetsync.model import Plan
from sheetsync.store.postgres import init_store
from sheetsync.store.results import ValidationSummary
from sheetsync.store.transfer import copy_history

COUNTS = ValidationSummary(errors=0, warnings=3)


def changed(plan: Plan, step: int) -> Plan:
    """The plan with one update changed (a new snapshot each time)."""
    changed = copy.deepcopy(plan)
    _, action = changed.actions()[step % len(changed.actions())]
    action.update = f"{action.update or ''} Reviewed again at step {step}."
    return changed


def median_ms(fn: Callable[[int], object], runs: int) -> float:
    fn(-1)  # warm-up: imports, first connection, prepared statements
    times = []
    for step in range(runs):
        start = time.perf_counter()
        fn(step)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _one(store: str, source: str, plan: Plan, data: bytes, index: int, ready: Any, go: Any, done: Any) -> None:
    ready.release()
    go.wait()
    try:
        snapshots.snapshot_plan(changed(plan, index), data, source=Path(source), store=store, who=f"user{index}",
                                validation_summary=COUNTS)
        done.put((time.perf_counter(), None))
    except Exception as exc:
        done.put((time.perf_counter(), f"{type(exc).__name__}: {exc}"))


def concurrent_seconds(store: str, folder: Path, plan: Plan, data: bytes, round_: int) -> tuple[float, list[str]]:
    """16 processes released at once, each snapshotting its own plan: seconds until the last is done, and the
    errors of those that failed."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
    ready, go, done = context.Semaphore(0), context.Event(), context.Queue()
    workers = [context.Process(target=_one, args=(store, str(folder / f"Plan{round_}-{i}.xlsx"), plan, data,
                                                  i, ready, go, done)) for i in range(16)]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    finished = [done.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join()
    return max(when for when, _ in finished) - start, [error for _, error in finished if error]


def median_cold(args: list[str], *, module: bool = True, runs: int = 5) -> float:
    """A new interpreter each run (`python -m sheetsync ARGS`, or `python ARGS`), median wall time in ms."""
    command = [sys.executable, *(["-m", "sheetsync"] if module else []), *args]
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PGPASSWORD": ""})
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[1:])


def fill(store: str, path: Path, plan: Plan, data: bytes, count: int) -> None:
    for step in range(count):
        snapshots.snapshot_plan(changed(plan, step), data, source=path, store=store, validation_summary=COUNTS)


def run(cluster: PgCluster, folder: Path, runs: int, history_count: int) -> None:
    workbook = make_workbook(folder / "ActionPlan.xlsx", 200)
    data, plan = snapshots.read_workbook(workbook)
    print(f"200-row plan: workbook {len(data) / 1e3:.1f} kB; PostgreSQL {cluster.psql('SHOW server_version')} "
          f"on 127.0.0.1 (fsync on), SQLite {sqlite3.sqlite_version} (WAL, synchronous FULL)")
    stores: dict[str, str] = {"sqlite": str(folder / "file" / "snapshots.db")}
    (folder / "file").mkdir()
    database = cluster.create_database("bench")
    init_store(cluster.owner_url(database), app_role=None)
    stores["postgres"] = cluster.owner_url(database)

    rows: list[tuple[str, dict[str, float], str]] = []

    def store_part(name: str) -> Callable[[int], object]:
        return lambda step: snapshots.snapshot_plan(changed(plan, 1000 + step), data, source=workbook,
                                                    store=stores[name], validation_summary=COUNTS)

    rows.append(("snapshot, 200 rows (store part), ms", {name: median_ms(store_part(name), runs) for name in stores},
                 "target <= 100 ms"))

    whole_ms = {}
    for name in stores:
        times = []
        for step in range(-1, runs):  # -1: warm-up (the reader's and validator's imports)
            grid = plan_rows(200)
            grid[max(step, 0) % 200][5] = f"Update changed for {name} at step {step}."
            write_grid(workbook, grid)
            start = time.perf_counter()
            snapshots.snapshot(workbook, store=stores[name])
            times.append((time.perf_counter() - start) * 1000)
        whole_ms[name] = statistics.median(times[1:])
    rows.append(("snapshot(path), 200 rows, read + validate + store, ms", whole_ms, ""))

    concurrent: dict[str, float] = {}
    failures: dict[str, list[str]] = {}
    for name in stores:
        rounds = [concurrent_seconds(stores[name], folder, plan, data, r) for r in range(3)]
        concurrent[name] = statistics.median(seconds for seconds, _ in rounds) * 1000
        failures[name] = [error for _, errors in rounds for error in errors]
    rows.append(("16 processes snapshotting at once (3 rounds), ms", concurrent, "target <= 3,000 ms"))

    small = folder / "Small.xlsx"
    small_data, small_plan = snapshots.read_workbook(make_workbook(small, 39))
    source = str(folder / "history-source.db")
    start = time.perf_counter()
    fill(source, small, small_plan, small_data, history_count)
    filled = time.perf_counter() - start
    history_db = cluster.create_database("history")
    init_store(cluster.owner_url(history_db), app_role=None)
    history_stores = {"sqlite": source, "postgres": cluster.owner_url(history_db)}
    start = time.perf_counter()
    copied = copy_history(source, history_stores["postgres"])
    copy_s = time.perf_counter() - start
    assert copied.copied == history_count and copied.ok, copied.describe()
    listed = {name: median_ms(functools.partial(lambda url, _: snapshots.history(small, store=url), url), runs)
              for name, url in history_stores.items()}
    assert all(len(snapshots.history(small, store=url)) == history_count for url in history_stores.values())
    rows.append((f"history of {history_count:,} snapshots (39 rows), ms", listed, "target <= 200 ms"))

    cold = {name: median_cold(["history", str(small), "--store", url]) for name, url in history_stores.items()}
    rows.append(("`sheetsync history` (1,000 snapshots), cold process, ms", cold,
                 "what a command costs: imports and connecting included"))
    imports = {"sqlite": median_cold(["-c", "import sheetsync.snapshots"], module=False),
               "postgres": median_cold(["-c", "import sheetsync.snapshots, sheetsync.store.postgres"], module=False)}
    rows.append(("importing the store (a new interpreter), ms", imports, "SQLAlchemy + psycopg for a server store"))

    print(f"\n{'':56} {'SQLite':>10} {'PostgreSQL':>11} {'PG/SQLite':>10}")
    for label, figures, note in rows:
        ratio = figures["postgres"] / figures["sqlite"]
        print(f"{label:56} {figures['sqlite']:10.1f} {figures['postgres']:11.1f} {ratio:9.1f}x  {note}")
    for name, errors in failures.items():
        if errors:
            print(f"{name}: {len(errors)} of 48 concurrent snapshots FAILED, e.g. {errors[0][:300]}")
        else:
            print(f"{name}: all 48 concurrent snapshots saved")
    print(f"\nfilling the file store with {history_count:,} snapshots one command at a time: {filled:.1f} s; "
          f"store copy of all {history_count:,} to PostgreSQL (one transaction, then verify): {copy_s:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--history", type=int, default=1000)
    args = parser.parse_args()
    random.seed(7)
    with tempfile.TemporaryDirectory() as folder, running_cluster(fsync=True) as cluster:
        run(cluster, Path(folder), args.runs, args.history)


if __name__ == "__main__":
    main()
