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
"""

IMPORTS = {
    "matplotlib (Figure + Agg)": "import matplotlib.figure, matplotlib.backends.backend_agg",
    "python-docx": "import docx",
    "XlsxWriter": "import xlsxwriter",
    "Jinja2": "import jinja2",
    "sheetsync.reader + validation": "import sheetsync.reader, sheetsync.validation",
}


def make_workbook(path: Path, rows: int) -> Path:
    """A plan of `rows` evidence rows: the 39 catalogue rows, then local rows (7.3, 7.4, ...) cycling the recs."""
    from builders import write_grid

    from sheetsync.catalogue import catalogue

    statuses = ["Action Complete", "In Progress 50%", "BAU", "Not Started", "In progress", "Not Applicable"]
    recs = catalogue().recommendations
    grid: list[list[object]] = []
    extra = {rec.number: len(rec.evidence) for rec in recs}
    index = 0
    while len(grid) < rows:
        for rec in recs:
            if len(grid) >= rows:
                break
            if index < len(recs):
                ids = [(ev.id, ev.text) for ev in rec.evidence]
            else:
                extra[rec.number] += 1
                ids = [(f"{rec.number}.{extra[rec.number]}", f"Local action {extra[rec.number]} for {rec.about}")]
            for n, (action_id, text) in enumerate(ids):
                k = len(grid)
                grid.append([int(rec.number) if n == 0 else None, rec.text if n == 0 else None, action_id, text,
                             ["DI Sam Patel", "Head of Public Protection", "", "Kieran Maher/Raymond Smillie"][k % 4],
                             f"Update for {action_id}: DI Sam Patel met partners; work continues.\nNext review due.",
                             date(2025, 3, 1 + k % 25), statuses[k % len(statuses)], None])
            index += 1
    return write_grid(path, grid[:rows])


def cold(seconds_code: str, *args: str) -> float:
    result = subprocess.run([sys.executable, "-c", seconds_code, *args], capture_output=True, text=True,
                            cwd=ROOT, check=True)
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
