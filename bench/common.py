"""Shared helpers for the benchmark scripts: workbooks of a given size, medians, a results table."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

STATUSES = ["Action Complete", "In Progress", "In Progress 50%", "BAU", "Not Started", "action complete "]


def plan_rows(n: int) -> list[list[object]]:
    """n evidence rows in the national grid: recommendations of 10 rows each, varied values."""
    rows: list[list[object]] = []
    for i in range(n):
        rec, sub = divmod(i, 10)
        rows.append([
            rec + 1 if sub == 0 else None,
            f"By 27 March 2025, recommendation {rec + 1} text about stalking." if sub == 0 else None,
            f"{rec + 1}.{sub + 1}",
            f"Evidence requirement {rec + 1}.{sub + 1}: processes are in place and used by officers.",
            f"DI Owner {i % 37}/DS Deputy {i % 11}",
            f"Update {i}: the review of stalking policy was completed and briefed to {i % 50} teams in March.",
            date(2024, 11, 1) + timedelta(days=i % 140),
            STATUSES[i % len(STATUSES)],
            "",
        ])
    return rows


def make_workbook(path: Path, n: int) -> Path:
    from builders import write_grid

    if not path.exists():
        write_grid(path, plan_rows(n))
    return path


def median_time(fn: Callable[[], object], *, runs: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_process(cmd: list[str], *, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def table(title: str, rows: list[tuple[str, float, str]]) -> None:
    print(f"\n{title}")
    for name, seconds, note in rows:
        print(f"  {name:<52} {seconds * 1000:9.1f} ms  {note}")
