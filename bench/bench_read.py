"""Reading a plan workbook: sheetsync.read_plan against calamine alone and openpyxl read-only, in one run.

Targets (docs/benchmarks.md): 10,000 rows in-process within 1.5x of calamine alone; `sheetsync show` of a 200-row
plan <= 0.3 s in a cold process. Run: `python tasks.py bench read` (or `.venv/bin/python bench/bench_read.py`).
"""

from __future__ import annotations

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


def main() -> None:
    from sheetsync.reader import read_plan

    folder = Path(tempfile.mkdtemp(prefix="sheetsync-bench-"))
    for n in (200, 10_000):
        path = make_workbook(folder / f"plan-{n}.xlsx", n)
        ours = median_time(partial(read_plan, path))
        calamine = median_time(partial(calamine_alone, path))
        openpyxl = median_time(partial(openpyxl_read_only, path), runs=3 if n > 1000 else 7)
        table(f"read a {n}-row plan in-process (median)", [
            ("sheetsync.read_plan (values, cells, hidden, formulas)", ours, f"{ours / calamine:.2f}x calamine"),
            ("python-calamine alone (values only)", calamine, "1.00x"),
            ("openpyxl read-only (values only)", openpyxl, f"{openpyxl / ours:.1f}x slower than sheetsync"),
        ])
    small = folder / "plan-200.xlsx"
    cold = median_process([sys.executable, "-m", "sheetsync", "show", str(small)])
    bare = median_process([sys.executable, "-c", "pass"])
    table("cold process, 200 rows (median of 5)", [
        ("sheetsync show", cold, "target <= 300 ms"),
        ("python -c pass (interpreter start alone)", bare, ""),
    ])


if __name__ == "__main__":
    main()
