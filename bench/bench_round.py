"""The owners' round at real size: split a plan into one return per owner, and merge the returns, cold; and the
merge itself side by side with daff's three-way merge on the same tables as CSV.

The plan is built by the real template (`--rows` rows under 15 recommendations, `--owners` owners, a few rows
left to "Chief Constables"). Each owner's return is edited the way an owner would (two rows' update, one status)
and saved. Timed:

- `sheetsync split PLAN -o DIR` and `sheetsync merge PLAN RETURN... -o OUT`, each a new process (cold: imports,
  reading, snapshot or patching included), each run with a fresh store and output;
- the merge itself in-process: `merge_plans` over the returns already read, against `daff.Merger` merging the
  same returns one after another (base, the plan so far, the return; keyed on the evidence id), each from CSV
  text, as `daff merge parent.csv a.csv b.csv` does. One `daff merge` process on one return is timed too.

Run: .venv/bin/python bench/bench_round.py [--rows 200] [--owners 30] [--runs 5]. Prints medians and ratios
(a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from round_builders import edit_workbook

from sheetsync.model import Action, Plan, Recommendation
from sheetsync.reader import read_plan
from sheetsync.round.merge import FIELDS, ReturnFile, merge_plans, value_of
from sheetsync.round.stamp import read_stamp, saved_at
from sheetsync.snapshots import load_plan
from sheetsync.template import write_plan_workbook

SURNAMES = ["Okafor", "Dunmore", "Ellery", "Nandra", "Cartwright", "Lowe", "Pryce", "Whitfield", "Grant", "Patel",
            "Hughes", "Evans", "Morgan", "Khan", "Reid", "Shaw", "Fox", "Barker", "Lloyd", "Quinn", "Adeyemi", "Burns",
            "Carver", "Doyle", "Ennis", "Finch", "Gill", "Hart", "Irwin", "Jarvis", "Kerr", "Lamb", "Moss", "Nash"]
RANKS = ["DCI", "DI", "DS", "Insp", "Supt", "Det Supt", "Ms", "Mr"]
COLUMNS = ["id", "update", "date", "status", "progress", "supporting_documents"]


def round_plan(rows: int, owners: int) -> Plan:
    """`rows` evidence rows under 15 recommendations; owners written as people write them, some shared."""
    names = [f"{RANKS[i % len(RANKS)]} {chr(65 + i % 26)}. {SURNAMES[i % len(SURNAMES)]}" for i in range(owners)]
    per, extra = divmod(rows, 15)
    recs, n = [], 0
    for index in range(15):
        actions = []
        for sub in range(per + (1 if index < extra else 0)):
            owner = "Chief Constables" if n % 40 == 39 else names[n % owners]
            if n % 17 == 5:
                owner = f"{owner} / {names[(n + 7) % owners]}"
            actions.append(Action(
                id=f"{index + 1}.{sub + 1}", evidence=f"Evidence requirement {index + 1}.{sub + 1}.",
                owner=owner, update=f"Update {n}: the review of stalking policy was completed in March.",
                date=date(2025, 3, 1 + n % 27), status=["In Progress", "Action Complete", "BAU"][n % 3]))
            n += 1
        recs.append(Recommendation(number=str(index + 1), text=f"By 27 March 2025, recommendation {index + 1}.",
                                   actions=actions))
    return Plan(title="Benchshire Police Stalking Action Plan", force="Benchshire Police",
                operational_lead="Det Supt Owen Pryce", protective_marking="OFFICIAL", recommendations=recs)


def sheetsync_cmd() -> str:
    return str(Path(sys.executable).with_name("sheetsync"))


CPU: list[float] = []  # CPU seconds (user + system) of each process `timed` ran, in order


def timed(cmd: list[str]) -> float:
    """Wall seconds of one process; its CPU seconds go to CPU (on a shared, loaded machine the wall time
    includes waiting for a core, the CPU time does not)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:2])} failed ({done.returncode}): {done.stderr or done.stdout}")
    return elapsed


def table(plan: Plan) -> list[list[object]]:
    out: list[list[object]] = [list(COLUMNS)]
    for _, action in plan.actions():
        values = [value_of(action, name) for name in FIELDS]
        out.append([action.id, *("" if v is None else str(v) for v in values)])
    return out


def as_csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def from_csv(text: str) -> list[list[object]]:
    return [list(row) for row in csv.reader(io.StringIO(text))]


def full_theirs(base: Plan, item: ReturnFile) -> Plan:
    """The base plan with the return's rows in place of the ones it was sent: daff sees whole tables."""
    theirs = {action.id: action for _, action in item.plan.actions()}
    changed = copy.deepcopy(base)
    for rec in changed.recommendations:
        rec.actions = [theirs.get(action.id, action) for action in rec.actions]
    return changed


def daff_merge_all(base_csv: str, ours_csv: str, theirs_csvs: list[str]) -> tuple[list[list[object]], int]:
    import daff

    local = from_csv(ours_csv)
    conflicts = 0
    for remote_csv in theirs_csvs:
        flags = daff.CompareFlags()
        flags.addPrimaryKey("id")
        merger = daff.Merger(daff.PythonTableView(from_csv(base_csv)), daff.PythonTableView(local),
                             daff.PythonTableView(from_csv(remote_csv)), flags)
        conflicts += merger.apply()
    return local, conflicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--owners", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-round-"))
    try:
        plan_path = write_plan_workbook(round_plan(args.rows, args.owners), tmp / "plan.xlsx")
        exe = sheetsync_cmd()
        split_times = [timed([exe, "split", str(plan_path), "-o", str(tmp / f"split{run}"),
                              "--store", str(tmp / f"split{run}.db")]) for run in range(args.runs)]
        split_cpu = statistics.median(CPU[-args.runs:])
        store = tmp / "round.db"
        subprocess.run([exe, "split", str(plan_path), "-o", str(tmp / "returns"), "--store", str(store)],
                       check=True, capture_output=True)
        sent = sorted((tmp / "returns").glob("*.xlsx"))
        back = tmp / "back"
        back.mkdir()
        edited: list[Path] = []
        for index, path in enumerate(sent):
            plan = read_plan(path)
            ids = [action.id for _, action in plan.actions()]
            changes = {ids[0]: {"update": f"Owner {index}: done and checked."}}
            if len(ids) > 1:
                changes[ids[-1]] = {"status": "Action Complete", "update": f"Owner {index}: signed off."}
            edited.append(edit_workbook(path, back / path.name, changes))
        merge_times = [timed([exe, "merge", str(plan_path), *map(str, edited), "-o", str(tmp / f"out{run}.xlsx"),
                              "--store", str(store)]) for run in range(args.runs)]
        merge_cpu = statistics.median(CPU[-args.runs:])

        # The merge itself, in-process, on returns already read; daff on the same tables as CSV.
        ours = read_plan(plan_path)
        returns = []
        for path in edited:
            data = path.read_bytes()
            stamp = read_stamp(data)
            assert stamp is not None
            returns.append(ReturnFile(path, stamp, read_plan(path), saved_at(data, stamp, path)))
        base_id = returns[0].stamp.base_snapshot
        base = load_plan(plan_path, base_id, store=store)
        bases = {base_id: base}
        ours_csv, base_csv = as_csv(table(ours)), as_csv(table(base))
        theirs_csvs = [as_csv(table(full_theirs(base, item))) for item in returns]

        def ours_merge() -> object:
            return merge_plans(ours, returns, bases)

        def daff_run() -> object:
            return daff_merge_all(base_csv, ours_csv, theirs_csvs)

        merged = merge_plans(ours, returns, bases)
        daff_table, daff_conflicts = daff_merge_all(base_csv, ours_csv, theirs_csvs)
        ours_rows = {row[0]: row for row in table(ours)[1:]}
        daff_changed = sum(1 for row in daff_table[1:] if ours_rows.get(row[0]) != row)
        ours_times = [_once(ours_merge) for _ in range(max(args.runs, 7))]
        daff_times = [_once(daff_run) for _ in range(max(args.runs, 3))]
        for name, text in (("parent.csv", base_csv), ("a.csv", ours_csv), ("b.csv", theirs_csvs[0])):
            (tmp / name).write_text(text, encoding="utf-8")
        daff_exe = str(Path(sys.executable).with_name("daff"))
        daff_cli = [timed([daff_exe, "merge", "--output", str(tmp / f"m{run}.csv"), str(tmp / "parent.csv"),
                           str(tmp / "a.csv"), str(tmp / "b.csv")]) for run in range(3)]

        load = os.getloadavg()[0]
        print(f"owners' round: {args.rows}-row plan, {len(sent)} returns ({args.owners} owners + unassigned), "
              f"{len(edited)} edited; medians of {args.runs} runs; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
              f"load average {load:.1f} on {os.cpu_count()} CPUs")
        print(f"  sheetsync split, cold process             {statistics.median(split_times):7.3f} s wall, "
              f"{split_cpu:.3f} s CPU  (target 1.5 s)")
        print(f"  sheetsync merge {len(edited)} returns, cold process   {statistics.median(merge_times):7.3f} s wall, "
              f"{merge_cpu:.3f} s CPU  (target 1.5 s)")
        ratio = statistics.median(daff_times) / statistics.median(ours_times)
        print(f"  merge itself: sheetsync merge_plans       {statistics.median(ours_times) * 1000:7.1f} ms  "
              f"({len(merged.updated)} cells updated, {len(merged.conflicts)} conflicts)")
        print(f"  merge itself: daff.Merger x{len(returns)} from CSV     {statistics.median(daff_times) * 1000:7.1f} ms"
              f"  ({daff_changed} rows changed, {daff_conflicts} conflicts)  daff / sheetsync = {ratio:.0f}x")
        print(f"  one 'daff merge' process, one return      {statistics.median(daff_cli):7.3f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _once(run: object) -> float:
    assert callable(run)
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
