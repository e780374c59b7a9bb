"""Findings stay byte-identical: dump every validation output for a corpus of plans, under any tree's code.

    .venv/bin/python bench/findings_corpus.py compare /tmp/sheetsync-base   # this tree against another checkout
    .venv/bin/python bench/findings_corpus.py dump [--root DIR] -o out.json

The corpus: both bundled samples and the published seed imported, every file in tests/fixtures/import imported,
the benchmark plans (bench_validate's at 39/200/2,000 rows built in memory, bench/common's read from workbooks),
awkward workbooks read by the reader (the test suite's defects), and 300 plans made by mutating those of up to
250 rows with values drawn from all of them (fixed seeds). Each is validated at five as-of dates and written as
JSON, CSV and text (`format_findings`), plus three runs with codes ignored. `compare` builds the plans once with
this tree's importers and reader (pickled as plain data), rebuilds them with each tree's model classes, validates
them under each tree's code and lists every output that differs. Not a test: it needs the other checkout
(`git worktree add --detach /tmp/sheetsync-base 9e6d568`).
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import random
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF_DATES = (date(2024, 12, 1), date(2025, 2, 1), date(2025, 3, 27), date(2025, 8, 1), date(2026, 6, 1))
AWKWARD = ["", "   ", " \u00a0 ", "Chief Constables", "chief constables ", "All Chief Constables", "CCs", "7.1",
           " 7.1\n", "7", "x.y", "14.1", "28.1", "In Progress 50%", "in progress 150 %", "Green", "Amber",
           "Compelte", "complete", "BAU", "Action Complete 100%", "31/02/2025", "1e9", "=HYPERLINK(\"x\")",
           "By 22 November 2025 (56 days from publication), do it.", "27 March 2025, make sure it is done.",
           "will be reviewed UPDATE: done", "Training is to be delivered by the", "Awaiting sign-off.",
           "The policy was reviewed. 12/03/25: published on the intranet and shared with all officers and staff."]


def corpus(root: Path) -> Iterator[tuple[str, Any]]:
    """(name, Plan) for every plan; built with the code under `root` (already first on sys.path)."""
    import bench_validate
    import common

    from sheetsync.importers import import_plan
    from sheetsync.reader import read_plan

    sources = sorted((ROOT / "sheetsync" / "samples").glob("*.txt"))
    sources += sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    sources += sorted(p for p in (ROOT / "tests" / "fixtures" / "import").iterdir() if p.suffix != ".py")
    for path in sources:
        try:
            yield f"import:{path.name}", import_plan(path)[0]
        except Exception as exc:  # a fixture meant to fail: its error is part of the record
            yield f"import:{path.name}", f"{type(exc).__name__}: {exc}"
    for n in (39, 200, 2000):
        yield f"bench_validate:{n}", bench_validate.plan_from_rows(bench_validate.make_rows(n))
    with tempfile.TemporaryDirectory() as tmp:
        for n in (39, 200, 2000):
            yield f"bench_common:{n}", read_plan(common.make_workbook(Path(tmp) / f"p{n}.xlsx", n))
        sys.path.insert(0, str(ROOT / "tests"))
        from builders import catalogue_rows, write_grid

        rows = catalogue_rows()
        rows[0][7], rows[1][4], rows[2][2], rows[3][6], rows[5][7] = "complete", "  ", "10.1\n", "31/02/2025", "Green"
        rows[6][6], rows[7][5] = "27/03/25", 42
        yield "awkward:grid", read_plan(write_grid(Path(tmp) / "awkward.xlsx", rows))
        yield "clean:grid", read_plan(write_grid(Path(tmp) / "clean.xlsx", catalogue_rows()))


def mutants(bases: list[Any], count: int) -> Iterator[tuple[str, Any]]:
    """`count` plans, each a base plan with a few values replaced by others drawn from the whole corpus."""
    pool: dict[str, list[Any]] = {field: [*AWKWARD, None] for field in
                                  ("id", "evidence", "owner", "update", "date_raw", "status_raw")}
    for plan in bases:
        for _, action in plan.actions():
            for field, values in pool.items():
                value = getattr(action, field)
                if isinstance(value, str) and len(values) < 400:
                    values.append(value)
    texts = [t for t in pool["update"] if t]
    for seed in range(count):
        rnd = random.Random(seed)
        plan = copy.deepcopy(rnd.choice(bases))
        actions = [a for _, a in plan.actions()]
        for _ in range(rnd.randint(1, 12)):
            if not actions:
                break
            action = rnd.choice(actions)
            field = rnd.choice([*pool, "date", "hidden", "progress", "copy-update"])
            if field == "date":
                action.date = rnd.choice([None, date(2023, 1, 1), date(2025, 1, 20), date(2027, 5, 1)])
            elif field == "hidden":
                action.hidden = not action.hidden
            elif field == "progress":
                action.progress = rnd.choice([None, 0, 50, 150, -5])
            elif field == "copy-update":
                action.update = rnd.choice(texts)
            else:
                setattr(action, field, rnd.choice(pool[field]))
        if plan.recommendations and rnd.random() < 0.3:
            rec = rnd.choice(plan.recommendations)
            rec.text = rnd.choice([None, "", rec.text, "By 1 April 2025 do this.", "Make sure that (the text", "x"])
        if plan.recommendations and rnd.random() < 0.2:
            rnd.choice(plan.recommendations).number = rnd.choice(["99", "x", " 7 ", "13"])
        if rnd.random() < 0.2:
            plan.force = rnd.choice([None, "", "  "])
        if rnd.random() < 0.15:
            plan.status_list = ["Not Started", "In Progress", "At Risk", "Action Complete", "BAU"]
        yield f"mutant:{seed}", plan


def _use(root: Path) -> None:
    if str(root) not in sys.path:
        sys.path[:0] = [str(root), str(HERE)]
    import sheetsync

    assert Path(sheetsync.__file__).resolve().is_relative_to(root.resolve()), sheetsync.__file__


def build(root: Path) -> list[tuple[str, Any]]:
    """Every plan of the corpus (or the error importing it gave), built with the code under `root`."""
    _use(root)
    named = list(corpus(root))
    plans = [plan for _, plan in named if not isinstance(plan, str)]
    return named + list(mutants([p for p in plans if len(p.actions()) <= 250], 300))


def as_data(named: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The plans as plain data (every field, the internal ones too), so that a tree whose model classes differ
    (pydantic models before 5b121f8, dataclasses after) can rebuild the very same plans with `rebuild`."""
    import dataclasses

    return [(name, plan if isinstance(plan, str) else dataclasses.asdict(plan)) for name, plan in named]


def rebuild(data: dict[str, Any]) -> Any:
    """A plan from `as_data`'s form, with the model classes of the tree in use and without validation (mutants
    hold values no validating constructor would take, such as a progress of 150)."""
    from sheetsync.model import Action, Plan, ReadNote, Recommendation

    def make(cls: Any, values: dict[str, Any]) -> Any:
        if hasattr(cls, "model_construct"):
            return cls.model_construct(**values)
        built = cls(**{**values, "progress": None}) if cls is Action else cls(**values)
        if cls is Action:
            built.progress = values["progress"]
        return built

    recs = [make(Recommendation, {**rec, "actions": [make(Action, a) for a in rec["actions"]]})
            for rec in data["recommendations"]]
    notes = [make(ReadNote, note) for note in data["read_notes"]]
    return make(Plan, {**data, "recommendations": recs, "read_notes": notes})


def dump(root: Path, named: list[tuple[str, Any]]) -> dict[str, str]:
    """Every output of `format_findings` for every plan, validated with the code under `root`."""
    _use(root)
    from sheetsync.validation import format_findings, validate

    out: dict[str, str] = {}
    for name, plan in named:
        if isinstance(plan, str):
            out[name] = plan
            continue
        for as_of in AS_OF_DATES:
            report = validate(rebuild(plan), as_of=as_of)
            for fmt in ("json", "csv", "text"):
                out[f"{name}@{as_of}:{fmt}"] = format_findings(report, fmt)
        for ignore in (["missing-owner", "duplicate-update"], ["truncated-text", "pending-language", "overdue"],
                       ["owner-unassigned", "missing-date", "bad-date"]):
            report = validate(rebuild(plan), as_of=AS_OF_DATES[2], ignore=ignore)
            out[f"{name}@ignore={','.join(ignore)}:json"] = format_findings(report, "json")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("-o", "--output", type=Path, required=True)
    d = sub.add_parser("dump")
    d.add_argument("--root", type=Path, default=ROOT)
    d.add_argument("--plans", type=Path, help="plans pickled by `build` (default: build them here)")
    d.add_argument("-o", "--output", type=Path, required=True)
    c = sub.add_parser("compare")
    c.add_argument("other", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        args.output.write_bytes(pickle.dumps(as_data(build(ROOT))))
        return
    if args.command == "dump":
        _use(args.root)  # before unpickling, which imports sheetsync.model
        named = pickle.loads(args.plans.read_bytes()) if args.plans else as_data(build(args.root))
        args.output.write_text(json.dumps(dump(args.root, named), ensure_ascii=False), encoding="utf-8")
        return
    with tempfile.TemporaryDirectory() as tmp:
        # The plans are built once, with this tree's code, so both sides validate the very same plans.
        plans = Path(tmp) / "plans.pickle"
        subprocess.run([sys.executable, __file__, "build", "-o", str(plans)], check=True)
        results: list[dict[str, str]] = []
        for root in (args.other, ROOT):
            target = Path(tmp) / f"{len(results)}.json"
            subprocess.run([sys.executable, __file__, "dump", "--root", str(root), "--plans", str(plans), "-o",
                            str(target)], check=True)
            results.append(json.loads(target.read_text(encoding="utf-8")))
    theirs, ours = results
    names = {key.split("@")[0] for key in ours}
    differ = sorted(key for key in set(theirs) | set(ours) if theirs.get(key) != ours.get(key))
    findings = sum(len(json.loads(v)["findings"]) for k, v in ours.items() if k.endswith(":json") and "@" in k)
    print(f"{len(names)} plans, {len(ours)} outputs ({findings} findings in the JSON ones): "
          f"{len(differ)} differ from {args.other}")
    # What differs, as findings added and removed by code (JSON outputs only).
    changes: Counter[str] = Counter()
    for key in differ:
        if key.endswith(":json") and key in theirs and key in ours:
            before = Counter(json.dumps(f, sort_keys=True) for f in json.loads(theirs[key])["findings"])
            after = Counter(json.dumps(f, sort_keys=True) for f in json.loads(ours[key])["findings"])
            changes.update(f"+ {json.loads(f)['code']}" for f in (after - before).elements())
            changes.update(f"- {json.loads(f)['code']}" for f in (before - after).elements())
    for change, count in sorted(changes.items()):
        print(f"  {change}: {count}")
    for key in differ[:40]:
        print("  differs:", key)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
