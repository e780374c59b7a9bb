"""Keyed diff of two plans (39, 200, 2,000 rows; 10,000 to show growth): sheetsync.diff_plans against daff keyed
on the evidence id.

The two plans are what `sheetsync diff` compares: each written as a workbook by the real template (in a child
process, so that the timing process holds what a `sheetsync diff` process would, not the debris of writing two
10,000-row workbooks) and read back by the real reader, the second with 2% of its actions changed and its rows
shuffled, so nearly every action sits at a new cell address (which must not count as a change). The same diff on
the in-memory models the workbooks were written from is timed too.

Run: .venv/bin/python bench/bench_diff.py [--rows 39 200 2000]. Prints medians and the ratio (a benchmark, not a
test). A/B: `--tree before=/tmp/old-checkout --tree after=.` times diff_plans of the same two workbooks in a child
process per tree (CPU time), trees alternating round by round (see bench_read.py).
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_store import STATUSES, build_plan

from sheetsync.diff import diff_plans, format_diff
from sheetsync.model import Plan
from sheetsync.reader import read_plan
from sheetsync.template import workbook_bytes

COLUMNS = ["id", "recommendation", "evidence", "owner", "update", "date", "status", "supporting_documents"]


def changed_copy(plan: Plan, *, share: float, seed: int = 2) -> Plan:
    """A copy with `share` of the actions changed (status, owner or a longer update) and rows shuffled."""
    rng = random.Random(seed)
    new = copy.deepcopy(plan)
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


def dict_keyed(old: list[list[object]], new: list[list[object]]) -> list[object]:
    """docs/benchmarks.md's cheapest approach: rows (prebuilt) in a dict keyed on the id, compared whole."""
    before = {row[0]: row for row in old}
    after = {row[0]: row for row in new}
    return [key for key, row in after.items() if before.get(key) != row] + [key for key in before if key not in after]


def median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[39, 200, 2000])
    parser.add_argument("--share", type=float, default=0.02, help="share of actions changed")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=DIR")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--write", metavar="DIR", help=argparse.SUPPRESS)  # the child: write the two workbooks
    args = parser.parse_args()
    if args.write:
        built_old = build_plan(args.rows[0])
        Path(args.write, "old.xlsx").write_bytes(workbook_bytes(built_old))
        Path(args.write, "new.xlsx").write_bytes(workbook_bytes(changed_copy(built_old, share=args.share)))
        return
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            # At least one change, so that a 39-row plan has something to diff.
            share = max(args.share, 1.5 / rows)
            subprocess.run([sys.executable, __file__, "--write", folder, "--rows", str(rows), "--share",
                            str(share)], check=True)
            if args.tree:
                from bench_read import ab, print_ab

                trees = {spec.partition("=")[0]: Path(spec.partition("=")[2]).resolve() for spec in args.tree}
                setup = ("from sheetsync.reader import read_plan\nfrom sheetsync.diff import diff_plans\n"
                         "old, new = read_plan(path.parent / 'old.xlsx'), read_plan(path.parent / 'new.xlsx')")
                print_ab(f"diff_plans, {rows:>6} rows", ab(trees, Path(folder, "old.xlsx"), setup=setup,
                                                           code="diff_plans(old, new)", rounds=args.rounds,
                                                           runs=max(11, 20_000 // rows)))
                continue
            old, new = read_plan(Path(folder, "old.xlsx")), read_plan(Path(folder, "new.xlsx"))
        compare(rows, share, old, new, args.repeat)


def compare(rows: int, share: float, old: Plan, new: Plan, repeat: int) -> None:
    result = diff_plans(old, new)
    old_cells = {action.id: action.cells for _, action in old.actions()}
    moved = sum(action.cells != old_cells.get(action.id) for _, action in new.actions())
    print(f"\n{rows} rows, {share:.1%} changed, rows shuffled ({moved} of {rows} at a new address): "
          f"{result.summary_line()}")
    ours = median_ms(lambda: diff_plans(old, new), repeat)
    print(f"sheetsync diff_plans, plans read from the workbooks (word diffs included): median {ours:.2f} ms; "
          "target <= 50 ms at 10,000 rows")
    text_ms = median_ms(lambda: format_diff(diff_plans(old, new), "text"), repeat)
    print(f"  ... and formatted as text: median {text_ms:.2f} ms")
    built_old = build_plan(rows)
    built_new = changed_copy(built_old, share=share)
    assert diff_plans(built_old, built_new) == result, "writing and reading the workbooks changed the diff"
    try:
        import daff  # noqa: F401
    except ImportError:
        print("daff not installed (pip install daff): no comparison")
        return
    old_table, new_table = table(old), table(new)
    cheapest = median_ms(lambda: dict_keyed(old_table[1:], new_table[1:]), repeat)
    print(f"dict keyed on id, rows prebuilt (no word diffs, no summary): median {cheapest:.2f} ms")
    theirs = median_ms(lambda: daff_keyed(old_table, new_table), max(3, repeat // 2))
    print(f"daff keyed on id (tables prebuilt): median {theirs:.2f} ms")
    print(f"ratio daff / sheetsync: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
