"""National collation, cold: 45 forces' 39-row workbooks to the national workbook in a new Python each run, side
by side with merely reading the same files with pandas (calamine, and pandas' default openpyxl engine).

    .venv/bin/python bench/bench_collate.py [--runs 7] [--forces 45]

Each command is a new process timed from outside (Python's start and every import count, as for a user): the
three are run in turn, round after round, so machine noise falls on all alike; medians are compared. The
collation reads, validates and rates every plan and writes six sheets; pandas only reads. Targets (issue 16):
collate to .xlsx <= 1 s and <= 1.5x the calamine read. Not a test: nothing asserts a time.
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

from common import ROOT

TARGET_S = 1.0
TARGET_RATIO = 1.5

READ_ALL = """
import sys
from pathlib import Path
import pandas as pd
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    pd.read_excel(path, sheet_name=None, engine=sys.argv[2])
"""


def make_returns(folder: Path, forces: int) -> list[Path]:
    """One national-grid workbook per force: the roster's names (as forces write them), then invented ones."""
    from builders import catalogue_rows, write_grid

    from sheetsync.collate import Roster

    names = list(Roster.load().forces)
    names += [f"Extra Force {i} Police" for i in range(max(0, forces - len(names)))]
    statuses = ("Action Complete", "In Progress 50%", "BAU", "Not Started", "In Progress", "Not Applicable")
    paths = []
    for i, name in enumerate(names[:forces]):
        rows = catalogue_rows(when=date(2025, 3, 1 + i % 27))
        for k, row in enumerate(rows):
            row[7] = statuses[(i + k) % len(statuses)]
        shown = name.replace(" and ", " & ") if i % 2 else name
        paths.append(write_grid(folder / f"force-{i:02d}.xlsx", rows, force=shown,
                                title=f"{shown} Stalking Action Plan"))
    return paths


def _phases(folder: Path, out: Path, runs: int) -> dict[str, float]:
    """Where a collation's time goes, in one warm process: reading, validating, writing the workbook."""
    from common import median_time

    from sheetsync.collate import collate
    from sheetsync.collate_write import write_output
    from sheetsync.importers import import_plan
    from sheetsync.validation import validate

    paths = sorted(folder.glob("*.xlsx"))
    plans = [import_plan(p)[0] for p in paths]
    done = collate([folder], as_of=date(2025, 4, 1))
    return {
        "read 45": median_time(lambda: [import_plan(p) for p in paths], runs=runs),
        "validate 45": median_time(lambda: [validate(p, as_of=date(2025, 4, 1)) for p in plans], runs=runs),
        "collate() (both, and rate)": median_time(lambda: collate([folder], as_of=date(2025, 4, 1)), runs=runs),
        "write .xlsx": median_time(lambda: write_output(done, out, overwrite=True, protect=()), runs=runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--forces", type=int, default=45)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "returns"
        folder.mkdir()
        make_returns(folder, args.forces)
        out = Path(tmp) / "national.xlsx"
        commands = {
            "sheetsync collate -> .xlsx": [sys.executable, "-m", "sheetsync", "collate", str(folder), "-o",
                                           str(out), "--overwrite", "--as-of", "2025-04-01"],
            "pandas.read_excel(calamine), all sheets": [sys.executable, "-c", READ_ALL, str(folder), "calamine"],
            "pandas.read_excel(openpyxl), all sheets": [sys.executable, "-c", READ_ALL, str(folder), "openpyxl"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs + 1):  # the first round warms the disk cache and byte-compiles; not counted
            for name, cmd in commands.items():
                started = time.perf_counter()
                done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
                times[name].append(time.perf_counter() - started)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        medians = {name: statistics.median(t[1:]) for name, t in times.items()}
        phases = _phases(folder, Path(tmp) / "phases.xlsx", args.runs)
    ours = medians["sheetsync collate -> .xlsx"]
    calamine = medians["pandas.read_excel(calamine), all sheets"]
    print(f"{args.forces} forces x 39 rows, cold processes, medians of {args.runs} runs (min in brackets)")
    for name, seconds in medians.items():
        print(f"  {name:<44} {seconds:6.3f} s  (min {min(times[name][1:]):.3f})  {seconds / calamine:4.2f}x calamine")
    print("in one warm process, medians: " + ", ".join(f"{k} {v:.3f} s" for k, v in phases.items()))
    print(f"targets: <= {TARGET_S} s: {'met' if ours <= TARGET_S else 'NOT met'}; <= {TARGET_RATIO}x calamine: "
          f"{'met' if ours <= TARGET_RATIO * calamine else 'NOT met'} ({ours / calamine:.2f}x)")


if __name__ == "__main__":
    main()
