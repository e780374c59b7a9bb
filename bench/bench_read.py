"""Reading a plan workbook: sheetsync.read_plan against calamine alone and openpyxl read-only, in one run, at 39,
200 and 2,000 rows (10,000 only to show growth stays linear).

Targets (docs/benchmarks.md): 10,000 rows in-process within 1.5x of calamine alone; `sheetsync show` of a 200-row
plan <= 0.3 s in a cold process.

    .venv/bin/python bench/bench_read.py [--rows 39 200 2000 10000]
    .venv/bin/python bench/bench_read.py --tree before=/tmp/old-checkout --tree after=. [--rounds 7]   # A/B

With --tree, each tree's read_plan is timed in its own child process (PYTHONPATH=tree), the trees alternating
round by round so machine noise falls on both alike; the median of the rounds' medians is compared. The child
counts CPU time (time.process_time), which other processes on a busy machine disturb far less than wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from common import make_workbook, median_process, median_time, table


def calamine_alone(path: Path) -> object:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


def openpyxl_read_only(path: Path) -> object:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    book.close()
    return rows


# The child of an A/B run: the median in-process time of `code` (run with `path` bound), in ms, on stdout.
_CHILD = """
import statistics, sys, time
from pathlib import Path
path = Path(sys.argv[1]); runs = int(sys.argv[2])
{setup}
def once():
    {code}
once()
times = []
for _ in range(runs):
    start = time.process_time(); once(); times.append(time.process_time() - start)
print(statistics.median(times) * 1000)
"""
READ_SETUP = "from sheetsync.reader import read_plan"
READ_CODE = "read_plan(path)"


def ab(trees: dict[str, Path], path: Path, *, setup: str, code: str, rounds: int, runs: int) -> dict[str, float]:
    """Median (over rounds, trees alternating) of each tree's in-process median time in ms."""
    program = _CHILD.format(setup=setup, code=code)
    results: dict[str, list[float]] = {label: [] for label in trees}
    for _ in range(rounds):
        for label, tree in trees.items():
            env = {**os.environ, "PYTHONPATH": str(tree)}
            done = subprocess.run([sys.executable, "-c", program, str(path), str(runs)], env=env, cwd=tree,
                                  capture_output=True, text=True, check=True)
            results[label].append(float(done.stdout.strip()))
    return {label: statistics.median(series) for label, series in results.items()}


def print_ab(title: str, medians: dict[str, float]) -> None:
    first = next(iter(medians.values()))
    print(f"  {title}: " + ", ".join(f"{label} {ms:.2f} ms ({ms / first:.2f}x)" for label, ms in medians.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[39, 200, 2000, 10_000])
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=DIR")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sheetsync-bench-"))
    if args.tree:
        trees = {spec.partition("=")[0]: Path(spec.partition("=")[2]).resolve() for spec in args.tree}
        print(f"read_plan in-process, A/B: median of {args.rounds} alternating rounds of per-process medians")
        for n in args.rows:
            path = make_workbook(folder / f"plan-{n}.xlsx", n)
            runs = max(5, 4000 // n)
            print_ab(f"{n:>6} rows", ab(trees, path, setup=READ_SETUP, code=READ_CODE, rounds=args.rounds,
                                        runs=runs))
        return

    from sheetsync.reader import read_plan

    for n in args.rows:
        path = make_workbook(folder / f"plan-{n}.xlsx", n)
        runs = max(7, min(101, 4000 // n))
        ours = median_time(partial(read_plan, path), runs=runs)
        calamine = median_time(partial(calamine_alone, path), runs=runs)
        openpyxl = median_time(partial(openpyxl_read_only, path), runs=3 if n > 1000 else 7)
        table(f"read a {n}-row plan in-process (median)", [
            ("sheetsync.read_plan (values, cells, hidden, formulas)", ours, f"{ours / calamine:.2f}x calamine"),
            ("python-calamine alone (values only)", calamine, "1.00x"),
            ("openpyxl read-only (values only)", openpyxl, f"{openpyxl / ours:.1f}x slower than sheetsync"),
        ])
    small = make_workbook(folder / "plan-200.xlsx", 200)
    cold = median_process([sys.executable, "-m", "sheetsync", "show", str(small)])
    bare = median_process([sys.executable, "-c", "pass"])
    table("cold process, 200 rows (median of 5)", [
        ("sheetsync show", cold, "target <= 300 ms"),
        ("python -c pass (interpreter start alone)", bare, ""),
    ])


if __name__ == "__main__":
    main()
