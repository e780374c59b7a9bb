"""Benchmark: sheetsync validation against frictionless, on plans of 200 and 10,000 rows built here.

    .venv/bin/python bench/bench_validate.py [--runs 7]

Prints medians (and ratios) for (a) validate() of an already-read Plan, (b) read_plan + validate in-process,
(c) a cold `python -m sheetsync validate` process against the `frictionless validate` CLI on the same rows as
CSV with a Table Schema, (d) frictionless in-process on the same rows, (e) the fastest cold import of the validation
module. Benchmarks, not tests: nothing asserts.
"""

from __future__ import annotations

import argparse
import csv
import json
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
sys.path.insert(0, str(ROOT))

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


def cold(cmd: list[str], runs: int, cwd: Path = ROOT) -> float:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def min_time(cmd: list[str], runs: int, cwd: Path = ROOT) -> float:
    """The fastest of `runs` cold processes: start-up cost without the machine's noise on top."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=cwd)
        times.append(time.perf_counter() - start)
    return min(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    frictionless: Any
    try:
        import frictionless
    except ImportError:
        frictionless = None
        print("note: frictionless is not installed (.venv/bin/pip install frictionless); its lines are skipped")
    read_plan: Any
    try:
        from sheetsync.reader import read_plan
    except ImportError:
        read_plan = None
        print("note: sheetsync.reader is not there yet; read+validate and the cold CLI lines are skipped")

    tmp = Path(tempfile.mkdtemp(prefix="sheetsync-bench-"))
    try:
        schema_path = tmp / "schema.json"
        schema_path.write_text(json.dumps(SCHEMA), encoding="utf-8")
        print(f"Python {sys.version.split()[0]}, {runs} runs each, medians; as-of {AS_OF}")
        for n in (200, 10_000):
            rows = rows_n = make_rows(n)
            xlsx, csv_path = tmp / f"plan{n}.xlsx", tmp / f"plan{n}.csv"
            write_xlsx(rows, xlsx)
            write_csv(rows, csv_path)
            plan = plan_from_rows(rows)
            report = validate(plan, as_of=AS_OF)
            print(f"\n{n} rows ({report.summary['error']} errors, {report.summary['warning']} warnings, "
                  f"{report.summary['info']} notes)")
            def run_validate(plan: Plan = plan) -> object:
                return validate(plan, as_of=AS_OF)

            t_validate = median_time(run_validate, runs)
            print(f"  (a) sheetsync validate(), plan in memory      {ms(t_validate)}")
            if read_plan is not None:
                def run_read(xlsx: Path = xlsx) -> object:
                    return validate(read_plan(xlsx), as_of=AS_OF)

                t_read = median_time(run_read, runs)
                print(f"  (b) sheetsync read_plan + validate            {ms(t_read)}")
            if frictionless is not None:
                def fl(csv_path: Path = csv_path, rows_n: list[dict[str, Any]] = rows_n) -> Any:
                    schema = frictionless.Schema.from_descriptor(SCHEMA)
                    resource = frictionless.Resource(csv_path.name, basepath=str(tmp), schema=schema)
                    report = resource.validate()
                    assert report.stats["tasks"] == 1 and report.tasks[0].stats.get("rows") == len(rows_n), report
                    return report

                t_fl = median_time(fl, max(3, runs // 2) if n > 1000 else runs)
                print(f"  (d) frictionless validate, in-process (CSV)   {ms(t_fl)}   "
                      f"sheetsync (a) is {t_fl / t_validate:5.1f}x faster")
            if n == 200:
                t_import = min_time([sys.executable, "-c", "import sheetsync.validation"], runs)
                print(f"  (e) cold `import sheetsync.validation`, min  {ms(t_import)}")
                fl_cli = shutil.which("frictionless", path=str(Path(sys.executable).parent))
                if read_plan is not None:
                    t_cli = cold([sys.executable, "-m", "sheetsync", "validate", str(xlsx), "--as-of",
                                  AS_OF.isoformat()], runs)
                    print(f"  (c) cold `python -m sheetsync validate` (xlsx) {ms(t_cli)}")
                else:
                    t_cli = cold([sys.executable, "-c", "import sheetsync.validation"], runs)
                    print(f"  (c) cold import of sheetsync.validation (proxy){ms(t_cli)}")
                if fl_cli:
                    t_fl_cli = cold([fl_cli, "validate", csv_path.name, "--schema", schema_path.name], runs, cwd=tmp)
                    print(f"  (c) cold `frictionless validate` (CSV+schema)  {ms(t_fl_cli)}   "
                          f"sheetsync is {t_fl_cli / t_cli:5.1f}x faster")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
