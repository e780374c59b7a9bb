"""Snapshot store speed and size: one snapshot of a 200-row plan, 1,000 snapshots with small changes, and the
history of all of them (the SQLite file store; the server store's bench runs the same steps against PostgreSQL).

A saved snapshot is durable in the database file itself (synchronous=FULL and a checkpoint after each commit), so
each snapshot pays for two fsyncs, which is most of the time it takes on a slow disk.

Run: .venv/bin/python bench/bench_store.py [--count 1000]. Prints medians and sizes (benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheetsync import snapshots as store
from sheetsync.model import Action, Plan, Recommendation

WORDS = ("the", "force", "has", "reviewed", "stalking", "training", "for", "all", "officers", "and", "staff",
         "with", "a", "new", "policy", "on", "risk", "assessment", "victims", "code", "protection", "orders", "multi",
         "agency", "working", "will", "be", "completed", "by", "march", "audit", "of", "crime", "recording",
         "decisions", "dedicated", "coordinator", "screening", "investigation", "quality")
STATUSES = ("In Progress", "Action Complete", "BAU", "Not Started")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def build_plan(rows: int, *, seed: int = 1) -> Plan:
    """A plan of `rows` evidence requirements under 15 recommendations, with realistic text lengths."""
    rng = random.Random(seed)
    per, extra = divmod(rows, 15)
    recs = []
    for index in range(15):
        count = per + (1 if index < extra else 0)
        actions = [Action(id=f"{index + 1}.{n + 1}", evidence=_text(rng, 30), owner=f"DCI {rng.choice(WORDS).title()}",
                          update=_text(rng, 70), status=rng.choice(STATUSES)) for n in range(count)]
        recs.append(Recommendation(number=str(index + 1), text=_text(rng, 60), actions=actions))
    return Plan(title="Force Police Stalking Action Plan", force="Exampleshire Police",
                executive_lead="ACC Jo Bloggs", operational_lead="DCI Ray Smith", recommendations=recs)


def workbook(plan: Plan) -> bytes:
    """The plan as the real template writes it (xlsxwriter underneath)."""
    try:
        from sheetsync.template import workbook_bytes

        return workbook_bytes(plan)
    except ImportError:
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet("Action Plan")
        for row, (rec, action) in enumerate(plan.actions()):
            sheet.write_row(row, 0, [rec.number, rec.text, action.id, action.evidence, action.owner, action.update,
                                     "", action.status])
        book.close()
        return buffer.getvalue()


def small_change(plan: Plan, rng: random.Random, step: int) -> None:
    _, action = rng.choice(plan.actions())
    if step % 3 == 0:
        action.status = rng.choice(STATUSES)
    action.update = (action.update or "") + f" Update {step}: " + _text(rng, 8)


def store_size(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def _parts_size(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        total: int | None = conn.execute("SELECT sum(length(workbook_parts)) FROM snapshots").fetchone()[0]
    return total or 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--no-deep", action="store_true", help="Skip timing verify --deep (slow).")
    parser.add_argument("--durability", type=int, default=0, metavar="PAIRS",
                        help="Only compare durable snapshots with the settings before (synchronous=NORMAL, no "
                             "checkpoint after the commit), interleaved, PAIRS of each.")
    args = parser.parse_args()
    if args.durability:
        durability(args.rows, args.durability)
        return
    rng = random.Random(7)
    plan = build_plan(args.rows)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ActionPlan.xlsx"
        db = Path(folder) / "snapshots.db"
        data = workbook(plan)
        print(f"{args.rows}-row plan: workbook {len(data) / 1e3:.1f} kB, canonical JSON "
              f"{len(plan.canonical_json(indent=None)) / 1e3:.1f} kB")

        snapshot_ms, unchanged_ms, naive = [], [], 0
        for step in range(args.count):
            small_change(plan, rng, step)
            data = workbook(plan)
            naive += len(zlib.compress(data, 6)) + len(zlib.compress(plan.canonical_json(indent=None).encode(), 6))
            start = time.perf_counter()
            result = store.snapshot_plan(plan, data, source=path, store=db)  # not validated: benchmarked apart
            snapshot_ms.append((time.perf_counter() - start) * 1000)
            assert result.saved, result
            if step < 20:
                start = time.perf_counter()
                assert not store.snapshot_plan(plan, data, source=path, store=db).saved
                unchanged_ms.append((time.perf_counter() - start) * 1000)
            if step + 1 in (1, 10, 100, args.count):
                print(f"  after {step + 1:>5} snapshots: store {store_size(db) / 1e6:6.2f} MB "
                      f"(each whole, zlib: {naive / 1e6:6.2f} MB)")

        print(f"snapshot_plan, {args.rows} rows, changed: median {statistics.median(snapshot_ms):.1f} ms "
              f"(first {snapshot_ms[0]:.1f} ms, p90 {sorted(snapshot_ms)[int(len(snapshot_ms) * 0.9)]:.1f} ms); "
              f"target <= 100 ms")
        print(f"snapshot_plan, unchanged: median {statistics.median(unchanged_ms):.1f} ms")
        size = store_size(db)
        print(f"{args.count} snapshots: store {size / 1e6:.2f} MB vs {naive / 1e6:.2f} MB storing each workbook "
              f"and JSON whole with zlib (ratio {naive / size:.1f}x); target <= 20 MB")

        history_ms = []
        for _ in range(7):
            start = time.perf_counter()
            entries = store.history(path, store=db)
            history_ms.append((time.perf_counter() - start) * 1000)
        print(f"history of {len(entries)} snapshots: median {statistics.median(history_ms):.1f} ms; target <= 200 ms")

        start = time.perf_counter()
        verified = store.verify(store=db)
        print(f"verify {verified.snapshots} snapshots (content, part by part): {time.perf_counter() - start:.2f} s, "
              f"ok={verified.ok}")
        if not args.no_deep:
            start = time.perf_counter()
            verified = store.verify(store=db, deep=True)
            print(f"verify --deep {verified.snapshots} snapshots (rebuilds exact bytes): "
                  f"{time.perf_counter() - start:.2f} s, ok={verified.ok}, notes={len(verified.notes)}")
        parts = _parts_size(db)
        print(f"part hashes (schema 2): {parts / 1e3:.1f} kB in all, {parts / max(1, args.count):.0f} B a snapshot")

        full = []
        for step in range(15):
            small_change(plan, rng, step)
            path.write_bytes(workbook(plan))
            start = time.perf_counter()
            store.snapshot(path, store=db)
            full.append((time.perf_counter() - start) * 1000)
        print(f"snapshot(path) incl. reading and validating the workbook: median {statistics.median(full):.1f} ms")


def durability(rows: int, pairs: int) -> None:
    """Same run, interleaved: what "saved means in the database file itself" costs a 200-row snapshot."""
    from sheetsync.store import sqlite

    class Before(sqlite.SQLiteRepository):  # the settings before: WAL + NORMAL, the checkpoint left to SQLite
        def _make_durable(self) -> None:
            if sqlite._identity(self.path) is None:
                raise AssertionError("the store went away")

    rng = random.Random(11)
    plan = build_plan(rows)
    durable_ms: list[float] = []
    before_ms: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ActionPlan.xlsx"
        for step in range(pairs):
            small_change(plan, rng, step)
            data = workbook(plan)
            order = [("durable", durable_ms), ("before", before_ms)]
            for name, times in order if step % 2 else order[::-1]:
                db = Path(folder) / f"{name}.db"
                start = time.perf_counter()
                if name == "durable":
                    store.snapshot_plan(plan, data, source=path, store=db)
                else:
                    repository = Before(db, mode="write")
                    repository.conn.execute("PRAGMA synchronous = NORMAL")
                    with repository:
                        store.snapshot_plan(plan, data, source=path, store=repository)
                times.append((time.perf_counter() - start) * 1000)
    durable, before = statistics.median(durable_ms), statistics.median(before_ms)
    print(f"snapshot, {rows} rows, {pairs} interleaved pairs: durable (FULL + checkpoint) median {durable:.1f} ms, "
          f"before (NORMAL, no checkpoint) {before:.1f} ms, ratio {durable / before:.2f}")


if __name__ == "__main__":
    main()
