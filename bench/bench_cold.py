"""Cold-process `sheetsync show` and `sheetsync validate` (text output) on a 200-row plan: a new Python per run.

Each run is `python -m sheetsync show PLAN` / `python -m sheetsync validate PLAN`, timed from outside, so Python's
own start, every import and pydantic's class and schema building all count (as they do for the Excel button).
Prints per-command medians (and minimums), the `-X importtime` minimums per top-level package, and which pydantic
models had their validation schema built (none should be on these text paths: that machinery costs ~50 ms on first
use).

    .venv/bin/python bench/bench_cold.py [--runs 15] [--rows 200]
    .venv/bin/python bench/bench_cold.py --tree before=/tmp/old-checkout --tree after=.   # A/B, alternating

With several --tree (each a folder holding a `sheetsync/` package), runs alternate between the trees so that
machine noise (another benchmark running at the same time) falls on both alike; compare medians, not single times.
Each tree's package is byte-compiled first (a real install has .pyc files; PYTHONDONTWRITEBYTECODE may be set).
Targets (docs/benchmarks.md): show and validate of 200 rows, cold, <= 0.3 s. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT, make_workbook

TARGET_S = 0.3
COMMANDS: dict[str, list[str]] = {"show": ["show"], "validate": ["validate"]}



def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    return env


def run_once(tree: Path, args: list[str], *, extra: list[str] | None = None) -> tuple[float, str]:
    cmd = [sys.executable, *(extra or []), "-m", "sheetsync", *args]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, env=_env(tree), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed in {tree}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return elapsed, done.stderr


def import_totals(stderr: str) -> dict[str, float]:
    """Import time (seconds) per package, from `-X importtime` output: the self times of every module summed
    per top-level package, except sheetsync's modules, shown one by one (a module's self time includes the
    pydantic classes it creates)."""
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| \s*(\S+)", line)
        if match:
            name = match.group(2)
            totals[name if name.startswith("sheetsync") else name.split(".")[0]] += int(match.group(1)) / 1e6
    return dict(totals)


def schemas_built(tree: Path, args: list[str]) -> str:
    from builders import SCHEMA_PROBE  # tests/builders.py: on sys.path once `common` is imported

    done = subprocess.run([sys.executable, "-c", SCHEMA_PROBE, *args], cwd=tree, env=_env(tree),
                          capture_output=True, text=True, check=False)
    found = re.search(r"SCHEMAS-BUILT:(.*)", done.stderr)
    if found is None:
        raise SystemExit(f"schema probe failed in {tree}:\n{done.stderr[-3000:]}")
    return found.group(1) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime-runs", type=int, default=9)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--plan", type=Path, default=None, help="Use this workbook instead of building one.")
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=DIR",
                        help="A folder holding a sheetsync/ package to measure (repeatable; default: this repo).")
    args = parser.parse_args()
    trees: dict[str, Path] = {}
    for spec in args.tree or [f"current={ROOT}"]:
        label, _, folder = spec.rpartition("=")
        trees[label or folder] = Path(folder).resolve()
    for tree in trees.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "sheetsync")], check=True)

    with tempfile.TemporaryDirectory(prefix="sheetsync-cold-") as tmp:
        plan = args.plan.resolve() if args.plan else make_workbook(Path(tmp) / f"plan-{args.rows}.xlsx", args.rows)
        times: dict[tuple[str, str], list[float]] = defaultdict(list)
        for tree in trees.values():  # warm the disk cache once per tree and command
            for words in COMMANDS.values():
                run_once(tree, [*words, str(plan)])
        for _ in range(args.runs):
            for name, words in COMMANDS.items():
                for label, tree in trees.items():  # alternate trees run by run
                    times[(name, label)].append(run_once(tree, [*words, str(plan)])[0])
        imports: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in trees}
        for _ in range(args.importtime_runs):
            for label, tree in trees.items():
                totals = import_totals(run_once(tree, ["validate", str(plan)], extra=["-X", "importtime"])[1])
                imports[label]["(all imports)"].append(sum(totals.values()))
                for package, seconds in totals.items():
                    imports[label][package].append(seconds)
        built = {(name, label): schemas_built(tree, [*words, str(plan)])
                 for name, words in COMMANDS.items() for label, tree in trees.items()}

    first = next(iter(trees))
    print(f"{plan.name}: cold `python -m sheetsync COMMAND PLAN` (text output), {args.runs} runs each, alternating "
          f"trees; target <= {TARGET_S} s")
    for name in COMMANDS:
        for label in trees:
            series = times[(name, label)]
            median = statistics.median(series)
            ratio = median / statistics.median(times[(name, first)])
            print(f"  {name:<9} {label:<10} median {median:.3f} s  min {min(series):.3f} s  "
                  f"({ratio:.2f}x {first})  {'meets' if median <= TARGET_S else 'misses'} the target")
    print(f"\n`python -X importtime -m sheetsync validate PLAN`: minimum over {args.importtime_runs} runs, ms "
          "(self times summed per package; sheetsync per module)")
    packages = sorted(imports[first], key=lambda p: -min(imports[first][p]))[:14]
    print(f"  {'package':<30}" + "".join(f"{label:>12}" for label in trees))
    for package in packages:
        cells = "".join(f"{min(imports[label].get(package) or [0.0]) * 1000:12.1f}" for label in trees)
        print(f"  {package:<30}{cells}")
    print("\npydantic models whose schema was built (sheetsync's own)")
    for (name, label), models in built.items():
        print(f"  {name:<9} {label:<10} {models}")


if __name__ == "__main__":
    main()
