"""The Excel button's Python side, measured as Excel runs it: a NEW interpreter per press.

xlwings' RunPython starts `<interpreter> -B -c "import xlwings.utils; xlwings.utils.prepare_sys_path(...); <our
call>"`, so xlwings is imported before sheetsync. This script builds plan workbooks (39 rows, the real size, and
200), compiles sheetsync's bytecode as `pip install` does (RunPython's -B only stops Python writing it), and times,
side by side in one run:

- through `sheetsync-excel-python`, the launcher `sheetsync excel setup` writes into the xlwings config;
- through plain python (`sheetsync excel setup --plain-python`), where xlwings imports pandas, numpy and
  matplotlib before any code of ours runs;

each running `import sheetsync.excel.memory as m; m._bench_press(path, store)`: the whole 'Validate and snapshot'
press against the in-memory workbook (read, validate, mark, Issues sheet, save, read the saved file back, snapshot).
It also times the shutdown (from the press's last line to the process's exit) with and without the entry point's
`before_exit`, and lists the top `-X importtime` offenders of a launcher press.

    .venv/bin/python bench/bench_button.py [--runs 7]

Target (issue 12): <= 0.5 s for the 200-row press through the launcher. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TARGET_S = 0.5
LAUNCHER = Path(sys.executable).parent / "sheetsync-excel-python"


def build_plan(path: Path, rows: int = 200) -> Path:
    """The national plan (39 rows) plus local actions under a local recommendation, up to `rows` rows."""
    from sheetsync.model import Action, Recommendation
    from sheetsync.template import template_plan, write_plan_workbook

    plan = template_plan(force="Northshire Police", executive_lead="ACC Jane Doe", operational_lead="DCI Tom Reed")
    for _, action in plan.actions():
        action.owner, action.status, action.update = "DI Sam Patel", "In Progress", f"Work under way ({action.id})."
    extra = rows - len(plan.actions())
    if extra > 0:
        plan.recommendations.append(Recommendation(number="30", text="Local actions of Northshire Police.", actions=[
            Action(id=f"30.{i}", evidence=f"Local evidence {i}", owner="PS Kim Lowe", update=f"Local update {i}.",
                   status="Not Started") for i in range(1, extra + 1)]))
    return write_plan_workbook(plan, path, overwrite=True)


def press(path: Path, store: Path, *, launcher: bool, importtime: bool = False,
          freeze: bool = True) -> tuple[float, float, str]:
    """(seconds from start to exit, seconds of shutdown after the press's last line, output)."""
    code = ('import xlwings.utils; xlwings.utils.prepare_sys_path("false;;;;;;"); import sheetsync.excel.memory as m; '
            f"m._bench_press({str(path)!r}, {str(store)!r}, freeze={freeze})")
    if importtime:  # the launcher's lean import, done by hand: -X cannot be applied after start-up
        code = "import sheetsync.excel.launch as launch; launch.import_xlwings_lean(); " + code
    if launcher:
        args = [str(LAUNCHER), "-B", "-c", code]
    else:
        args = [sys.executable, "-B", *(["-X", "importtime"] if importtime else []), "-c", code]
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    ended, elapsed = time.time(), time.perf_counter() - started
    if done.returncode != 0 or "Traceback" in done.stdout:
        raise SystemExit(f"press failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    end_line = re.search(r"^end (\S+)$", done.stdout, re.MULTILINE)
    shutdown = ended - float(end_line.group(1)) if end_line else float("nan")
    return elapsed, shutdown, done.stderr if importtime else done.stdout.splitlines()[0]


def top_imports(stderr: str, n: int = 10) -> list[tuple[str, float]]:
    """Cumulative import time per top-level package (seconds), from `-X importtime` output."""
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if match and not match.group(2):  # top-level entries only: their cumulative time includes children
            totals[match.group(3).split(".")[0]] += int(match.group(1)) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not LAUNCHER.is_file():
        raise SystemExit(f"{LAUNCHER} is not installed: run 'pip install -e .' first")
    import sheetsync

    compileall.compile_dir(str(Path(sheetsync.__file__).parent), quiet=1)  # what pip install does
    with tempfile.TemporaryDirectory(prefix="sheetsync-bench-") as tmp:
        for rows in (39, 200):
            path = build_plan(Path(tmp) / f"ActionPlan-{rows}.xlsx", rows)
            store = Path(tmp) / f"store-{rows}.db"
            press(path, store, launcher=True)  # warm the disk cache; the first snapshot
            lean, plain, lean_off, plain_off = [], [], [], []
            for _ in range(args.runs):  # interleaved, so both see the same machine
                lean.append(press(path, store, launcher=True))
                plain.append(press(path, store, launcher=False))
                lean_off.append(press(path, store, launcher=True, freeze=False))
                plain_off.append(press(path, store, launcher=False, freeze=False))
            med = {name: statistics.median(t[0] for t in runs) for name, runs in
                   (("lean", lean), ("plain", plain))}
            down = {name: statistics.median(t[1] for t in runs) for name, runs in
                    (("lean", lean), ("plain", plain), ("lean_off", lean_off), ("plain_off", plain_off))}
            print(f"{rows}-row plan, 'Validate and snapshot', new interpreter per press, medians of {args.runs}:")
            print(f"  through sheetsync-excel-python: {med['lean']:.2f} s (min {min(t[0] for t in lean):.2f}); "
                  f"target <= {TARGET_S} s: {'met' if med['lean'] <= TARGET_S else 'NOT met'}")
            print(f"  through plain python:           {med['plain']:.2f} s (min {min(t[0] for t in plain):.2f}); "
                  f"{med['plain'] / med['lean']:.1f}x the launcher")
            print(f"  shutdown after the press, launcher: {down['lean']:.3f} s (without before_exit "
                  f"{down['lean_off']:.3f} s); plain python: {down['plain']:.3f} s (without {down['plain_off']:.3f} s)")
            print(f"  last press said: {lean[-1][2]}")
        _, _, importtime = press(path, store, launcher=False, importtime=True)
    print("  -X importtime of a 200-row press with the launcher's lean xlwings import, top-level packages:")
    for name, seconds in top_imports(importtime):
        print(f"    {name:<22} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
