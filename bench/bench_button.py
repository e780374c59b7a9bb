"""The Excel button's Python side, measured as Excel runs it: a NEW interpreter per press.

xlwings' RunPython starts `python -B -c "import xlwings.utils; xlwings.utils.prepare_sys_path(...); <our call>"`,
so xlwings is imported before sheetsync. This script builds a 200-row plan workbook, then times
`python -B -c "import xlwings.utils; import sheetsync.excel.memory as m; m._bench_press(path, store)"` (the whole
'Validate and snapshot' press against the in-memory workbook: read, validate, mark, Issues sheet, save, snapshot),
prints medians, the share that is xlwings' own import, and the top `-X importtime` offenders.

    .venv/bin/python bench/bench_button.py [--runs 5]

Target (docs/benchmarks.md): <= 1.5 s for a 200-row plan. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TARGET_S = 1.5


def build_plan(path: Path, rows: int = 200) -> Path:
    """The national plan (39 rows) plus local actions under a local recommendation, up to `rows` rows."""
    from sheetsync.model import Action, Recommendation
    from sheetsync.template import template_plan, write_plan_workbook

    plan = template_plan(force="Northshire Police", executive_lead="ACC Jane Doe", operational_lead="DCI Tom Reed")
    for _, action in plan.actions():
        action.owner, action.status, action.update = "DI Sam Patel", "In Progress", f"Work under way ({action.id})."
    extra = rows - len(plan.actions())
    plan.recommendations.append(Recommendation(number="30", text="Local actions of Northshire Police.", actions=[
        Action(id=f"30.{i}", evidence=f"Local evidence {i}", owner="PS Kim Lowe", update=f"Local update {i}.",
               status="Not Started") for i in range(1, extra + 1)]))
    return write_plan_workbook(plan, path, overwrite=True)


LAUNCHER = Path(sys.executable).parent / "sheetsync-excel-python"


def press(path: Path, store: Path, *, with_xlwings: bool = True, importtime: bool = False,
          launcher: bool = False) -> tuple[float, str]:
    code = ("import xlwings.utils; " if with_xlwings else "") + \
        f"import sheetsync.excel.memory as m; m._bench_press({str(path)!r}, {str(store)!r})"
    if launcher:  # the interpreter `sheetsync excel setup` gives xlwings: RunPython calls it exactly like python
        args = [str(LAUNCHER), "-B", "-c", code]
    else:
        args = [sys.executable, "-B", *(["-X", "importtime"] if importtime else []), "-c", code]
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "Traceback" in done.stdout:
        raise SystemExit(f"press failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return elapsed, done.stderr if importtime else done.stdout.strip()


def top_imports(stderr: str, n: int = 12) -> list[tuple[str, float]]:
    """Cumulative import time per top-level package (seconds), from `-X importtime` output."""
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if match and not match.group(2):  # top-level entries only: their cumulative time includes children
            totals[match.group(3).split(".")[0]] += int(match.group(1)) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sheetsync-bench-") as tmp:
        path = build_plan(Path(tmp) / "ActionPlan.xlsx")
        store = Path(tmp) / "store.db"
        press(path, store)  # warm the disk cache and the store once
        full = [press(path, store)[0] for _ in range(args.runs)]
        bare = [press(path, store, with_xlwings=False)[0] for _ in range(args.runs)]
        lean = [press(path, store, launcher=True)[0] for _ in range(args.runs)] if LAUNCHER.is_file() else []
        _, last = press(path, store)
        _, importtime = press(path, store, importtime=True)
    median, median_bare = statistics.median(full), statistics.median(bare)
    print(f"200-row plan, 'Validate and snapshot', new interpreter per press, {args.runs} runs")
    print(f"  plain python, xlwings imported first:      median {median:.2f} s "
          f"(min {min(full):.2f}, max {max(full):.2f}); target <= {TARGET_S} s: "
          f"{'met' if median <= TARGET_S else 'NOT met'}")
    print(f"  without xlwings' import:                   median {median_bare:.2f} s; xlwings' own share "
          f"~{median - median_bare:.2f} s")
    if lean:
        print(f"  through sheetsync-excel-python (what `sheetsync excel setup` configures; xlwings imported without "
              f"pandas/numpy/matplotlib): median {statistics.median(lean):.2f} s (min {min(lean):.2f}, max "
              f"{max(lean):.2f}); target <= {TARGET_S} s: "
              f"{'met' if statistics.median(lean) <= TARGET_S else 'NOT met'}")
    else:
        print(f"  ({LAUNCHER} not installed: run 'pip install -e .' to measure the launcher)")
    print(f"  last press said: {last}")
    print("  -X importtime, top-level packages by cumulative import time:")
    for name, seconds in top_imports(importtime):
        print(f"    {name:<22} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
