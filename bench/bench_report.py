"""Benchmark: the progress update in all four formats for a 200-row plan, in one cold Python process.

Target (issue 6): <= 2 s, median of 5 runs, each a new interpreter (imports count). Also prints the import time
of the heavy libraries the report loads (matplotlib's Agg pieces, python-docx, XlsxWriter, Jinja2).

    .venv/bin/python bench/bench_report.py [--rows 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

RUN_ALL = """
import sys, time
from datetime import date
start = time.perf_counter()
from sheetsync.report import render_report
plan, out = sys.argv[1], sys.argv[2]
for fmt in ("docx", "xlsx", "html", "md"):
    render_report(plan, format=fmt, output=f"{out}/report.{fmt}", as_of=date(2025, 4, 10), overwrite=True)
print(f"{time.perf_counter() - start:.3f}")
import gc  # end the process as sheetsync's entry points (the CLI, the Excel buttons) do
gc.disable()
gc.freeze()
"""

IMPORTS = {
    "matplotlib (Figure + Agg, as chart.py imports it)":
        "from sheetsync.chart import _import_matplotlib_quickly as quickly; quickly(); "
        "import matplotlib.figure, matplotlib.backends.backend_agg",
    "python-docx": "import docx",
    "XlsxWriter": "import xlsxwriter",
    "Jinja2": "import jinja2",
    "sheetsync.reader + validation": "import sheetsync.reader, sheetsync.validation",
}


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


def cold(seconds_code: str, *args: str) -> float:
    result = subprocess.run([sys.executable, "-c", seconds_code, *args], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    if result.returncode:
        raise SystemExit(f"benchmark run failed:\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def import_time(statement: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return statistics.median(cold(code) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan = make_workbook(Path(tmp) / "plan.xlsx", args.rows)
        cold(RUN_ALL, str(plan), tmp)  # warm the OS file cache and matplotlib's font cache once
        times = []
        for _ in range(args.runs):
            wall = time.perf_counter()
            inner = cold(RUN_ALL, str(plan), tmp)
            times.append((time.perf_counter() - wall, inner))
        sizes = {p.suffix: p.stat().st_size for p in Path(tmp).glob("report.*")}
    wall_median = statistics.median(t for t, _ in times)
    inner_median = statistics.median(i for _, i in times)
    print(f"all four formats, {args.rows}-row plan, cold process, median of {args.runs}:")
    print(f"  wall (interpreter start to exit): {wall_median:.2f} s   target <= 2.00 s   "
          f"{'OK' if wall_median <= 2 else 'OVER'}")
    print(f"  inside the process (imports + read + validate + render x4): {inner_median:.2f} s")
    print(f"  runs: {', '.join(f'{t:.2f}' for t, _ in times)}")
    print(f"  output sizes: {', '.join(f'{k} {v / 1024:.0f} KB' for k, v in sorted(sizes.items()))}")
    print("import time, cold process, median:")
    for label, statement in IMPORTS.items():
        print(f"  {label}: {import_time(statement, args.runs) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
