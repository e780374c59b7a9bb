"""Cold-process `sheetsync show` and `sheetsync validate` (text output) on 39-, 200- and 2,000-row plans: a new
Python per run, side by side with the start-up floor (`python -c pass`) and `frictionless validate` with an
equivalent Table Schema on the same workbook.

Each run is `python -m sheetsync show PLAN` / `python -m sheetsync validate PLAN`, timed from outside, so Python's
own start, every import and pydantic's class and schema building all count (as they do for the Excel button).
Prints per-command medians (and minimums), the `-X importtime` minimums per top-level package, and which pydantic
models had their validation schema built.

    .venv/bin/python bench/bench_cold.py [--runs 15] [--rows 39 200 2000]
    .venv/bin/python bench/bench_cold.py --tree before=/tmp/old-checkout --tree after=.   # A/B, alternating

With several --tree (each a folder holding a `sheetsync/` package), runs alternate between the trees so that
machine noise (another benchmark running at the same time) falls on both alike; compare medians, not single times.
Each tree's package is byte-compiled first (a real install has .pyc files; PYTHONDONTWRITEBYTECODE may be set).
Targets (issue 11): validate of 39 rows within 3x of `python -c pass` and >= 8x faster than frictionless; show
and validate of 200 rows <= 0.3 s. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT, make_workbook

COMMANDS: dict[str, list[str]] = {"show": ["show"], "validate": ["validate"]}



def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    return env


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (user + system)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, list[float]] = defaultdict(list)  # CPU seconds of each run, by the command line's key


def run_once(tree: Path, args: list[str], *, extra: list[str] | None = None) -> tuple[float, str]:
    cmd = [sys.executable, *(extra or []), "-m", "sheetsync", *args]
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(cmd, cwd=tree, env=_env(tree), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    CPU[f"{tree} {' '.join(args)}"].append(children_cpu() - cpu)
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
    return {"-": "pydantic not imported", "": "none"}.get(found.group(1), found.group(1))


# frictionless's equivalent of the national grid's checks, on the same workbook (headings on row 5).
FRICTIONLESS_SCHEMA = {"fields": [
    {"name": "Rec. No.", "type": "integer"},
    {"name": "Recommendation:", "type": "string"},
    {"name": "Evidence requirements of progress/completion:", "type": "string",
     "constraints": {"required": True, "pattern": r"\d{1,2}\.\d{1,2}"}},
    {"name": "field4", "type": "string"},
    {"name": "Recommendation Owner:", "type": "string", "constraints": {"required": True}},
    {"name": "Force Update:", "type": "string"},
    {"name": "Date", "type": "date"},
    {"name": "Status", "type": "string", "constraints": {
        "required": True, "enum": ["Not Started", "In Progress", "Action Complete", "BAU", "Not Applicable"]}},
    {"name": "Supporting Documents", "type": "string"},
]}


def timed(cmd: list[str], cwd: Path) -> float:
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    CPU[" ".join(cmd[:2])].append(children_cpu() - cpu)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime-runs", type=int, default=9)
    parser.add_argument("--rows", type=int, nargs="+", default=[39, 200, 2000])
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
    frictionless = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    first = next(iter(trees))

    with tempfile.TemporaryDirectory(prefix="sheetsync-cold-") as tmp:
        schema = Path(tmp, "schema.json")
        schema.write_text(json.dumps(FRICTIONLESS_SCHEMA), encoding="utf-8")
        plans = [args.plan.resolve()] if args.plan else [make_workbook(Path(tmp) / f"plan-{n}.xlsx", n)
                                                         for n in args.rows]
        for plan in plans:
            times: dict[tuple[str, str], list[float]] = defaultdict(list)
            floor: list[float] = []
            theirs: list[float] = []
            for tree in trees.values():  # warm the disk cache once per tree and command
                for words in COMMANDS.values():
                    run_once(tree, [*words, str(plan)])
            for _ in range(args.runs):
                floor.append(timed([sys.executable, "-c", "pass"], ROOT))
                for name, words in COMMANDS.items():
                    for label, tree in trees.items():  # alternate trees run by run
                        times[(name, label)].append(run_once(tree, [*words, str(plan)])[0])
                if frictionless:
                    theirs.append(timed([frictionless, "validate", str(plan), "--sheet", "Action Plan",
                                         "--header-rows", "5", "--schema", str(schema)], Path(tmp)))
            bare = statistics.median(floor)
            bare_cpu = statistics.median(CPU[f"{sys.executable} -c"])
            print(f"\n{plan.name}: cold `python -m sheetsync COMMAND PLAN` (text output), {args.runs} runs each, "
                  f"alternating trees (wall time; CPU time of the process, steadier on a busy machine)")
            print(f"  python -c pass       median {bare:.3f} s  CPU {bare_cpu:.3f} s  (the start-up floor)")
            if theirs:
                their_cpu = statistics.median(CPU[f"{frictionless} validate"])
                print(f"  frictionless validate median {statistics.median(theirs):.3f} s  CPU {their_cpu:.3f} s  "
                      "(Table Schema, same book)")
            for name in COMMANDS:
                for label in trees:
                    series = times[(name, label)]
                    median = statistics.median(series)
                    ratio = median / statistics.median(times[(name, first)])
                    versus = (f", {statistics.median(theirs) / median:.1f}x faster than frictionless"
                              if theirs and name == "validate" else "")
                    cpu = statistics.median(CPU[f"{trees[label]} {' '.join([*COMMANDS[name], str(plan)])}"])
                    print(f"  {name:<9} {label:<10} median {median:.3f} s  min {min(series):.3f} s  CPU {cpu:.3f} s "
                          f"({ratio:.2f}x {first}; {median / bare:.1f}x the floor, CPU {cpu / bare_cpu:.1f}x{versus})")

        plan = plans[0]
        imports: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in trees}
        for _ in range(args.importtime_runs):
            for label, tree in trees.items():
                totals = import_totals(run_once(tree, ["validate", str(plan)], extra=["-X", "importtime"])[1])
                imports[label]["(all imports)"].append(sum(totals.values()))
                for package, seconds in totals.items():
                    imports[label][package].append(seconds)
        built = {(name, label): schemas_built(tree, [*words, str(plan)])
                 for name, words in COMMANDS.items() for label, tree in trees.items()}

    print(f"\n`python -X importtime -m sheetsync validate {plan.name}`: minimum over {args.importtime_runs} runs, ms "
          "(self times summed per package; sheetsync per module)")
    packages = sorted(imports[first], key=lambda p: -min(imports[first][p]))[:16]
    print(f"  {'package':<30}" + "".join(f"{label:>12}" for label in trees))
    for package in packages:
        cells = "".join(f"{min(imports[label].get(package) or [0.0]) * 1000:12.1f}" for label in trees)
        print(f"  {package:<30}{cells}")
    print("\npydantic models whose schema was built (sheetsync's own)")
    for (name, label), models in built.items():
        print(f"  {name:<9} {label:<10} {models}")


if __name__ == "__main__":
    main()
