"""Keyed diff of two 10,000-row plans: sheetsync.diff_plans against daff keyed on the evidence id.

Run: .venv/bin/python bench/bench_diff.py [--rows 10000]. Prints medians and the ratio (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_store import STATUSES, build_plan

from sheetsync.diff import diff_plans, format_diff
from sheetsync.model import Plan

COLUMNS = ["id", "recommendation", "evidence", "owner", "update", "date", "status", "supporting_documents"]


def changed_copy(plan: Plan, *, share: float, seed: int = 2) -> Plan:
    """A copy with `share` of the actions changed (status, owner or a longer update) and rows shuffled."""
    rng = random.Random(seed)
    new = plan.model_copy(deep=True)
    actions = [action for _, action in new.actions()]
    for action in rng.sample(actions, int(len(actions) * share)):
        kind = rng.randrange(3)
        if kind == 0:
            action.status = rng.choice(STATUSES)
        elif kind == 1:
            action.owner = "DS Kim Lee"
        else:
            action.update = (action.update or "") + " Policy published and training delivered."
    for rec in new.recommendations:
        rng.shuffle(rec.actions)
    return new


def table(plan: Plan) -> list[list[object]]:
    rows: list[list[object]] = [list(COLUMNS)]
    for rec, action in plan.actions():
        rows.append([action.id, rec.number, action.evidence, action.owner, action.update,
                     action.date.isoformat() if action.date else None, action.status, action.supporting_documents])
    return rows


def daff_keyed(old: list[list[object]], new: list[list[object]]) -> list[list[object]]:
    import daff

    flags = daff.CompareFlags()
    flags.addPrimaryKey("id")
    alignment = daff.Coopy.compareTables(daff.PythonTableView(old), daff.PythonTableView(new), flags).align()
    out: list[list[object]] = []
    daff.TableDiff(alignment, flags).hilite(daff.PythonTableView(out))
    return out


def median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.02, help="share of actions changed")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    old = build_plan(args.rows)
    new = changed_copy(old, share=args.share)
    result = diff_plans(old, new)
    print(f"{args.rows} rows, {args.share:.0%} changed, rows shuffled: {result.summary_line()}")
    ours = median_ms(lambda: diff_plans(old, new), args.repeat)
    print(f"sheetsync diff_plans (keyed on id, word diffs included): median {ours:.1f} ms; target <= 50 ms")
    text_ms = median_ms(lambda: format_diff(diff_plans(old, new), "text"), args.repeat)
    print(f"  ... and formatted as text: median {text_ms:.1f} ms")
    try:
        import daff  # noqa: F401
    except ImportError:
        print("daff not installed (pip install daff): no comparison")
        return
    old_table, new_table = table(old), table(new)
    theirs = median_ms(lambda: daff_keyed(old_table, new_table), max(3, args.repeat // 2))
    print(f"daff keyed on id (tables prebuilt): median {theirs:.1f} ms")
    print(f"ratio daff / sheetsync: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
