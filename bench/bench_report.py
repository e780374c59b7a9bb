"""Benchmark: the progress update in all four formats (and the public HTML) for a 39- and a 200-row plan, each
run in a new interpreter (imports count), side by side with a baseline tree in the same run.

Target (issue 6): all four formats of a 200-row plan in one cold process <= 2 s. The A/B shows what a change
costs a user: `--baseline DIR` runs the same job against another checkout's `sheetsync/` (e.g. one made with
`git archive <commit> sheetsync | tar -x -C DIR`), calling `render_report` once per format as that code did.
Also prints matplotlib's import time, plain and as chart.py imports it; `--tricks` runs the new code without
chart.py's matplotlib patch, to show what it buys.

    .venv/bin/python bench/bench_report.py [--rows 39 200] [--runs 5] [--baseline DIR] [--tricks]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# Each job prints its inside-the-process seconds. The output folder is emptied by the driver between runs.
PER_FORMAT = """
import sys, time
from datetime import date
start = time.perf_counter()
from sheetsync.report import render_report
plan, out = sys.argv[1], sys.argv[2]
for fmt in ("docx", "xlsx", "html", "md"):
    render_report(plan, format=fmt, output=f"{out}/report.{fmt}", as_of=date(2025, 4, 10), overwrite=True)
print(f"{time.perf_counter() - start:.3f}")
"""
TOGETHER = """
import sys, time
from datetime import date
start = time.perf_counter()
from sheetsync.report import FORMATS, render_reports
plan, out = sys.argv[1], sys.argv[2]
render_reports(plan, outputs=[(fmt, f"{out}/report.{fmt}") for fmt in FORMATS], as_of=date(2025, 4, 10),
               overwrite=True)
print(f"{time.perf_counter() - start:.3f}")
"""
# matplotlib imported plainly first: chart.py's import patch then does nothing (what it buys is this line's cost)
WITHOUT_MATPLOTLIB_PATCH = """
import matplotlib.figure, matplotlib.backends.backend_agg
""" + TOGETHER
PUBLIC = """
import sys, time
from datetime import date
start = time.perf_counter()
from sheetsync.report import render_report
plan, out = sys.argv[1], sys.argv[2]
render_report(plan, format="html", output=f"{out}/public.html", as_of=date(2025, 4, 10), public=True,
              overwrite=True)
print(f"{time.perf_counter() - start:.3f}")
"""
MATPLOTLIB = """
import matplotlib.figure, matplotlib.backends.backend_agg
print(0)
"""
PATCHED_MATPLOTLIB = """
from sheetsync.report.chart import _import_matplotlib_quickly
_import_matplotlib_quickly()
import matplotlib.figure, matplotlib.backends.backend_agg
print(0)
"""


def make_workbook(path: Path, rows: int) -> Path:
    """A plan of `rows` evidence rows over the 15 recommendations: each keeps its catalogue rows and gains local
    ones (7.3, 7.4, ...) until the plan has `rows` rows, grouped under their recommendation as in a real grid."""
    from builders import write_grid

    from sheetsync.catalogue import catalogue

    statuses = ["Action Complete", "In Progress 50%", "BAU", "Not Started", "In progress", "Not Applicable"]
    owners = ["DI Sam Patel", "Head of Public Protection", "", "Kieran Maher/Raymond Smillie"]
    recs = catalogue().recommendations
    per_rec = {rec.number: [(ev.id, ev.text) for ev in rec.evidence] for rec in recs}
    total = sum(len(v) for v in per_rec.values())
    turn = 0
    while total < rows:
        rec = recs[turn % len(recs)]
        number = len(per_rec[rec.number]) + 1
        per_rec[rec.number].append((f"{rec.number}.{number}", f"Local action {number}: {rec.about}"))
        total += 1
        turn += 1
    grid: list[list[object]] = []
    for rec in recs:
        for n, (action_id, text) in enumerate(per_rec[rec.number]):
            k = len(grid)
            grid.append([int(rec.number) if n == 0 else None, rec.text if n == 0 else None, action_id, text,
                         owners[k % 4], f"Update for {action_id}: DI Sam Patel met partners.\nNext review due.",
                         date(2025, 3, 1 + k % 25), statuses[k % len(statuses)], None])
    return write_grid(path, grid[:rows])


def cold(code: str, *args: str, tree: Path | None = None) -> tuple[float, float]:
    """(wall seconds from interpreter start to exit, CPU seconds the process used) for one new interpreter.
    CPU time (user + system) is the steadier figure on a shared machine: it does not count time spent waiting
    for a core."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            cwd=tree or ROOT, env=env, check=False)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(f"benchmark run failed:\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[39, 200])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a folder holding another version's sheetsync/ package, run side by side")
    parser.add_argument("--tricks", action="store_true",
                        help="also run the new code with each speed trick issue 11 removed, applied from outside")
    args = parser.parse_args()
    jobs: list[tuple[str, str, Path | None]] = [
        ("four formats, render_reports (one derivation)", TOGETHER, None),
        ("four formats, render_report x4", PER_FORMAT, None),
        ("public HTML", PUBLIC, None),
    ]
    if args.tricks:
        jobs += [("four formats, without chart.py's matplotlib patch", WITHOUT_MATPLOTLIB_PATCH, None)]
    if args.baseline is not None:
        jobs.append(("baseline: four formats, render_report x4", PER_FORMAT, args.baseline.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            plan = make_workbook(Path(tmp) / f"plan-{rows}.xlsx", rows)
            out = Path(tmp) / "out"
            out.mkdir(exist_ok=True)
            for _, code, tree in jobs:
                cold(code, str(plan), str(out), tree=tree)  # warm the OS file cache and matplotlib's font cache
            times: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in jobs}
            for _ in range(args.runs):  # interleaved, so the machine's noise hits every job alike
                for label, code, tree in jobs:
                    times[label].append(cold(code, str(plan), str(out), tree=tree))
            print(f"{rows}-row plan, a new interpreter each, median of {args.runs} (wall: start to exit; "
                  "CPU: user + system)")
            base = statistics.median(c for _, c in times[jobs[-1][0]])
            for label, samples in times.items():
                wall = statistics.median(w for w, _ in samples)
                cpu = statistics.median(c for _, c in samples)
                print(f"  {label:48} wall {wall:.2f} s   CPU {cpu:.2f} s ({cpu / base:.2f}x the last line)   "
                      f"CPU runs {', '.join(f'{c:.2f}' for _, c in samples)}")
    plain = [cold(MATPLOTLIB)[1] for _ in range(args.runs)]
    patched = [cold(PATCHED_MATPLOTLIB)[1] for _ in range(args.runs)]
    print(f"import matplotlib.figure + Agg, a new interpreter, median CPU of {args.runs}: "
          f"plain {statistics.median(plain) * 1000:.0f} ms, "
          f"through chart.py's patch {statistics.median(patched) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
