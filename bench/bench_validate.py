"""Benchmark: sheetsync validation against frictionless, and against another checkout's code, in one run.

    .venv/bin/python bench/bench_validate.py [--runs 7] [--sizes 39,200,2000,10000] [--ab /tmp/sheetsync-base]

For each plan size (the national 39 rows, then local recommendations of 100 rows): (a) validate() of a plan in
memory, (b) read_plan + validate in-process, (d) frictionless validating the same rows as CSV with a Table
Schema, in-process, (c) a cold `python -m sheetsync validate PLAN.xlsx` process against the `frictionless
validate` CLI on the CSV and against `python -c pass` (the start-up floor). With `--ab DIR` (a checkout of the
code to compare with, e.g. `git worktree add --detach /tmp/sheetsync-base 9e6d568`, a path of your own: /tmp is
shared), (a) and the cold CLI are also timed under DIR's code, alternating the two in separate processes round by
round, so both see the same machine.
Medians throughout, plus the minimum for the A/B (the machine is shared; the minimum is the least disturbed).
Benchmarks, not tests: nothing asserts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# `--worker DIR` times DIR's code: its sheetsync must come first on the path.
_WORKER = Path(sys.argv[sys.argv.index("--worker") + 1]) if "--worker" in sys.argv[:-1] else None
sys.path.insert(0, str(_WORKER or ROOT))

import common  # noqa: E402  (bench/common.py: shared timing helpers)

from sheetsync.catalogue import catalogue  # noqa: E402
from sheetsync.model import Action, Plan, Recommendation  # noqa: E402
from sheetsync.validation import validate  # noqa: E402

AS_OF = date(2025, 3, 1)
HEADINGS = ["Rec. No.", "Recommendation:", "Evidence requirements of progress/completion:", None,
            "Recommendation Owner:", "Force Update:", "Date", "Status", "Supporting Documents"]
STATUSES = ["In Progress", "Action Complete", "BAU", "Not Started", "In Progress 50%", "action complete"]
WORDS_TEXT = ("stalking victims officers training policy review referral SPOC audit safeguarding niche partners ISAC "
         "screening risk assessment supervisors investigation guidance board profile data intelligence MAPPA "
         "orders breaches team unit report process monthly delivered completed agreed published shared new "
         "local national force area contact centre support service meeting quarter improve record")
WORDS = WORDS_TEXT.split()
OWNERS = ["DI Sam Patel", "DCI Tom Reed", "Gemma Ryan", "Kieran Maher / Raymond Smillie", "Chief Constables", ""]


def make_rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """`n` evidence rows: the national 39 first, then local recommendations of 100 rows each, a few defects."""
    rnd = random.Random(seed)
    rows: list[dict[str, Any]] = []
    cat = catalogue()
    national = [(rec, ev) for rec in cat.recommendations for ev in rec.evidence]
    local_rec = 100
    while len(rows) < n:
        if len(rows) < len(national):
            rec, ev = national[len(rows)]
            number, text, action_id, evidence = rec.number, rec.text, ev.id, ev.text or ""
            first = ev.id == rec.evidence[0].id
        else:
            index = (len(rows) - len(national)) % 100
            if index == 0:
                local_rec += 1
            number, text = str(local_rec), f"By 27 March 2025, local recommendation {local_rec}."
            action_id, evidence, first = f"{local_rec}.{index + 1}", f"Local requirement {index + 1}.", index == 0
        words = rnd.sample(WORDS, 25)
        update = " ".join(words[:12]).capitalize() + ". " + " ".join(words[12:]).capitalize() + "."
        rows.append({
            "rec_number": number if first else None, "rec_text": text if first else None, "id": action_id,
            "evidence": evidence, "owner": rnd.choices(OWNERS, weights=[30, 30, 20, 10, 2, 1])[0], "update": update,
            "date": date(2024, 11, 1) + timedelta(days=rnd.randrange(100)),
            "status": rnd.choices(STATUSES, weights=[40, 40, 8, 8, 2, 2])[0], "docs": None,
        })
    return rows


def plan_from_rows(rows: list[dict[str, Any]]) -> Plan:
    """The Plan the reader would give for these rows (built directly, so (a) does not need the reader)."""
    recs: list[Recommendation] = []
    for i, row in enumerate(rows, start=6):
        if row["rec_number"] is not None:
            recs.append(Recommendation(number=row["rec_number"], text=row["rec_text"],
                                       cells={"number": f"Action Plan!A{i}", "text": f"Action Plan!B{i}"}))
        recs[-1].actions.append(Action(
            id=row["id"], evidence=row["evidence"], owner=row["owner"] or None, update=row["update"],
            date=row["date"], status_raw=row["status"],
            cells={f: f"Action Plan!{c}{i}" for f, c in zip(("id", "evidence", "owner", "update", "date", "status"),
                                                            "CDEFGH", strict=True)}))
    return Plan(title="Northshire Police Stalking Action Plan", force="Northshire Police",
                executive_lead="ACC Jane Doe", operational_lead="DCI Tom Reed", recommendations=recs)


def write_xlsx(rows: list[dict[str, Any]], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Action Plan")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Northshire Police Stalking Action Plan"])
    for r, (label, value) in enumerate((("Force:", "Northshire Police"), ("Executive Lead:", "ACC Jane Doe"),
                                        ("Operational Lead:", "DCI Tom Reed")), start=1):
        sheet.write_row(r, 0, [label, value])
    sheet.write_row(4, 0, [h or "" for h in HEADINGS])
    for r, row in enumerate(rows, start=5):
        number = row["rec_number"]
        sheet.write_row(r, 0, [int(number) if number else None, row["rec_text"], row["id"], row["evidence"],
                               row["owner"], row["update"]])
        sheet.write_datetime(r, 6, row["date"], dates)
        sheet.write(r, 7, row["status"])
    book.close()


SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "rec_number", "type": "string"},
        {"name": "rec_text", "type": "string"},
        {"name": "id", "type": "string", "constraints": {"required": True, "unique": True,
                                                         "pattern": r"^\d{1,3}\.\d{1,3}$"}},
        {"name": "evidence", "type": "string"},
        {"name": "owner", "type": "string", "constraints": {"required": True}},
        {"name": "update", "type": "string"},
        {"name": "date", "type": "date"},
        {"name": "status", "type": "string",
         "constraints": {"required": True, "enum": ["Not Started", "In Progress", "Action Complete", "BAU",
                                                    "Not Applicable"]}},
        {"name": "docs", "type": "string"},
    ]
}


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f["name"] for f in SCHEMA["fields"]])
        for row in rows:
            writer.writerow([row["rec_number"] or "", row["rec_text"] or "", row["id"], row["evidence"], row["owner"],
                             row["update"], row["date"].isoformat(), row["status"], ""])


def median_time(fn: Callable[[], object], runs: int) -> float:
    return common.median_time(fn, runs=runs, warmup=1)


def fastest(fn: Callable[[], object], runs: int) -> float:
    """The fastest of `runs` calls: on a shared machine, the least disturbed one."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def process_time(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=cwd, env=env)
    return time.perf_counter() - start


def cold(cmd: list[str], runs: int, cwd: Path = ROOT, env: dict[str, str] | None = None) -> float:
    process_time(cmd, cwd, env)
    return statistics.median(process_time(cmd, cwd, env) for _ in range(runs))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f} ms"


def runs_for(n: int, runs: int) -> int:
    return max(3, runs // 2) if n >= 2000 else runs


def worker(sizes: list[int], runs: int) -> None:
    """Time validate() at each size under this process's code; print {size: [median, min]} as JSON."""
    out: dict[int, list[float]] = {}
    for n in sizes:
        plan = plan_from_rows(make_rows(n))
        validate(plan, as_of=AS_OF)
        times = []
        for _ in range(runs_for(n, runs) * 3):
            start = time.perf_counter()
            validate(plan, as_of=AS_OF)
            times.append(time.perf_counter() - start)
        out[n] = [statistics.median(times), min(times)]
    print(json.dumps(out))


def ab(other: Path, sizes: list[int], runs: int, rounds: int, xlsx39: Path | None) -> None:
    """Same-run A/B: validate() in memory and the cold CLI under `other`'s code and this tree's, alternating."""
    results: dict[str, dict[int, list[list[float]]]] = {"A": {}, "B": {}}
    cli: dict[str, list[float]] = {"A": [], "B": []}
    script = str(Path(__file__).resolve())
    for round_ in range(rounds):
        order = (("A", other), ("B", ROOT)) if round_ % 2 == 0 else (("B", ROOT), ("A", other))
        for side, root in order:
            done = subprocess.run([sys.executable, script, "--worker", str(root), "--sizes", ",".join(map(str, sizes)),
                                   "--runs", str(runs)], capture_output=True, text=True, check=True)
            for size, timing in json.loads(done.stdout).items():
                results[side].setdefault(int(size), []).append(timing)
            if xlsx39 is not None:
                env = {**os.environ, "PYTHONPATH": str(root)}
                cmd = [sys.executable, "-m", "sheetsync", "validate", str(xlsx39), "--as-of", AS_OF.isoformat()]
                cli[side].extend(process_time(cmd, xlsx39.parent, env) for _ in range(3))
    print(f"\nSame-run A/B, {rounds} alternating rounds: A = {other}, B = this tree ({ROOT})")
    print(f"  {'rows':>6}  {'A median':>12} {'B median':>12} {'B/A':>6}   {'A min':>12} {'B min':>12} {'B/A':>6}")
    for n in sizes:
        a_med = statistics.median(t[0] for t in results["A"][n])
        b_med = statistics.median(t[0] for t in results["B"][n])
        a_min = min(t[1] for t in results["A"][n])
        b_min = min(t[1] for t in results["B"][n])
        print(f"  {n:>6}  {ms(a_med)} {ms(b_med)} {b_med / a_med:6.2f}   {ms(a_min)} {ms(b_min)} {b_min / a_min:6.2f}")
    if xlsx39 is not None:
        a, b = statistics.median(cli["A"]), statistics.median(cli["B"])
        print(f"  cold `sheetsync validate` 39 rows: A {ms(a)}  B {ms(b)}  B/A {b / a:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="39,200,2000,10000")
    parser.add_argument("--ab", type=Path, help="another checkout to compare with, same run")
    parser.add_argument("--rounds", type=int, default=6, help="A/B rounds (alternating)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    runs, sizes = args.runs, [int(n) for n in args.sizes.split(",")]
    if args.worker is not None:
        worker(sizes, runs)
        return
    frictionless: Any
    try:
        import frictionless
    except ImportError:
        frictionless = None
        print("note: frictionless is not installed (.venv/bin/pip install frictionless); its lines are skipped")
    from sheetsync.reader import read_plan

    tmp = Path(tempfile.mkdtemp(prefix="sheetsync-bench-"))
    fl_cli = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    xlsx39: Path | None = None
    try:
        schema_path = tmp / "schema.json"
        schema_path.write_text(json.dumps(SCHEMA), encoding="utf-8")
        print(f"Python {sys.version.split()[0]}, {runs} runs each (fewer at 2,000+ rows), medians; as-of {AS_OF}")
        floor = cold([sys.executable, "-c", "pass"], runs)
        print(f"cold `python -c pass` (the start-up floor)      {ms(floor)}")
        for n in sizes:
            rows = make_rows(n)
            xlsx, csv_path = tmp / f"plan{n}.xlsx", tmp / f"plan{n}.csv"
            write_xlsx(rows, xlsx)
            write_csv(rows, csv_path)
            if n == 39:
                xlsx39 = xlsx
            plan = plan_from_rows(rows)
            report = validate(plan, as_of=AS_OF)
            k = runs_for(n, runs)
            print(f"\n{n} rows ({report.summary['error']} errors, {report.summary['warning']} warnings, "
                  f"{report.summary['info']} notes)")

            def run_validate(plan: Plan = plan) -> object:
                return validate(plan, as_of=AS_OF)

            t_validate = median_time(run_validate, k)
            print(f"  (a) sheetsync validate(), plan in memory      {ms(t_validate)}   "
                  f"(fastest {ms(fastest(run_validate, k))})")

            def run_read(xlsx: Path = xlsx) -> object:
                return validate(read_plan(xlsx), as_of=AS_OF)

            t_read = median_time(run_read, k)
            print(f"  (b) sheetsync read_plan + validate            {ms(t_read)}")
            if frictionless is not None:
                def fl(csv_path: Path = csv_path, n: int = n) -> Any:
                    schema = frictionless.Schema.from_descriptor(SCHEMA)
                    resource = frictionless.Resource(csv_path.name, basepath=str(tmp), schema=schema)
                    result = resource.validate()
                    assert result.stats["tasks"] == 1 and result.tasks[0].stats.get("rows") == n, result
                    return result

                t_fl = median_time(fl, k)
                print(f"  (d) frictionless validate, in-process (CSV)   {ms(t_fl)}   "
                      f"(a) is {t_fl / t_validate:5.1f}x faster, (b) {t_fl / t_read:5.1f}x; fastest runs "
                      f"{fastest(fl, k) / fastest(run_validate, k):5.1f}x")
            t_cli = cold([sys.executable, "-m", "sheetsync", "validate", str(xlsx), "--as-of", AS_OF.isoformat()], k)
            print(f"  (c) cold `python -m sheetsync validate` (xlsx) {ms(t_cli)}   {t_cli / floor:4.1f}x the floor")
            if fl_cli:
                t_fl_cli = cold([fl_cli, "validate", csv_path.name, "--schema", schema_path.name], k, cwd=tmp)
                print(f"  (c) cold `frictionless validate` (CSV+schema)  {ms(t_fl_cli)}   "
                      f"sheetsync is {t_fl_cli / t_cli:5.1f}x faster")
        if args.ab is not None:
            ab(args.ab, sizes, runs, args.rounds, xlsx39)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
