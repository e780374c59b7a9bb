"""Cold `sheetsync chase` on a 200-row plan with 30 owners (and on the real-size 39 rows): a new Python per run,
writing one draft per owner and the lead's summary, side by side with `python -c pass` (the start-up floor) and
`sheetsync validate` of the same plan (what a chase does on top of validating).

    .venv/bin/python bench/bench_chase.py [--runs 7]

Target (issue 15): 200 rows, 30 owners, ≤ 1 s cold. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from common import median_process, table

STATUSES = ["In Progress", "Not Started", "In Progress 50%", "Action Complete", "BAU"]


def plan_with_owners(path: Path, rows: int, owners: int) -> Path:
    from builders import write_grid

    grid = []
    for i in range(rows):
        rec, sub = divmod(i, 10)
        grid.append([rec + 1 if sub == 0 else None,
                     f"By 27 March 2025, recommendation {rec + 1} text about stalking." if sub == 0 else None,
                     f"{rec + 1}.{sub + 1}", f"Evidence requirement {rec + 1}.{sub + 1}.",
                     f"DI Owner{i % owners} Surname{i % owners}" + (" / Legal Services" if i % 13 == 0 else ""),
                     f"Update {i}: the review of stalking policy was completed and briefed to {i % 50} teams.",
                     date(2024, 11, 1) + timedelta(days=i % 140), STATUSES[i % len(STATUSES)], ""])
    addresses = [["Owner", "Email"], *([f"DI Owner{n} Surname{n}", f"owner{n}@force.police.uk"] for n in range(owners))]
    return write_grid(path, grid, extra_sheets={"Lists": addresses})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sheetsync = str(Path(sys.executable).parent / "sheetsync")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for rows, owners in ((39, 10), (200, 30)):
            plan = plan_with_owners(folder / f"plan{rows}.xlsx", rows, owners)
            out = folder / "out"
            chase_cmd = [sheetsync, "chase", str(plan), "-o", str(out), "--as-of", "2025-03-20", "--overwrite",
                         "--store", str(folder / "s.db")]
            shutil.rmtree(out, ignore_errors=True)
            results = [
                ("python -c pass", median_process([sys.executable, "-c", "pass"], runs=args.runs), "floor"),
                (f"sheetsync validate ({rows} rows)",
                 median_process([sheetsync, "validate", str(plan), "--as-of", "2025-03-20"], runs=args.runs), ""),
                (f"sheetsync chase ({rows} rows, {owners} owners)", median_process(chase_cmd, runs=args.runs),
                 "target ≤ 1000 ms" if rows == 200 else ""),
            ]
            drafts = len(list(out.glob("*.eml")))
            table(f"cold processes, median of {args.runs} ({drafts} drafts written)", results)


if __name__ == "__main__":
    main()
