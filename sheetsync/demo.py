"""The main job on the bundled sample, start to finish: what `python tasks.py demo` runs.

An invented force (Wessex Vale Police) publishes its plan in November 2024 and a progress update in March 2025,
both as pasted text (the shape most forces' published plans take). The demo imports each into a workbook in the
template, validates it, snapshots it, and writes the NPCC progress update (Word, Excel, HTML, Markdown), the
public web version, what changed between the two returns, the owners' round (one return workbook per owner) with
an email draft chasing each owner who has something to update, and the macro-enabled workbook with its buttons.
Everything lands in one folder, which the demo owns: it rewrites its own earlier outputs there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path

SAMPLE_NOVEMBER = "wessex-vale-plan-2024-11.txt"
SAMPLE_MARCH = "wessex-vale-plan-2025-03.txt"
RETURN_DATE = date(2025, 3, 27)  # the six-month progress update the sample's March version is for


def sample_path(name: str) -> Path:
    """A bundled sample file (shipped inside the package as package data)."""
    return Path(str(resources.files("sheetsync").joinpath("samples", name)))


def run_demo(outdir: Path, *, sample: Path | None = None, as_of: date | None = None) -> Iterator[str]:
    """Run the whole job and yield one line per step, naming each output."""
    from sheetsync.chasing import chase
    from sheetsync.diff import format_diff
    from sheetsync.excel.build import build_xlsm, buttons
    from sheetsync.files import write_text_atomic
    from sheetsync.importers import import_to_workbook
    from sheetsync.reader import read_plan
    from sheetsync.render_text import plan_summary
    from sheetsync.report import WRITERS, render_report, render_reports
    from sheetsync.round import split_plan
    from sheetsync.snapshots import diff_snapshots, snapshot
    from sheetsync.template import write_template
    from sheetsync.validation import format_findings, validate

    as_of = as_of or RETURN_DATE
    outdir.mkdir(parents=True, exist_ok=True)
    store = outdir / "snapshots.db"
    for stale in (store, Path(f"{store}-wal"), Path(f"{store}-shm"), Path(f"{store}.heads")):  # a new history
        stale.unlink(missing_ok=True)
    workbook = outdir / "wessex-vale-plan.xlsx"

    template = write_template(outdir / "workbook_template.xlsx", overwrite=True)
    yield f"template        {template}"

    versions = [(sample_path(SAMPLE_NOVEMBER), "November 2024: plan published")]
    versions.append((sample or sample_path(SAMPLE_MARCH), "March 2025: progress update to the NPCC"))
    first_id: int | None = None
    for source, message in versions:
        result = import_to_workbook(source, workbook, overwrite=True)
        yield f"import          {source.name} -> {workbook}: {result.report.headline()}"
        plan = read_plan(workbook)
        report = validate(plan, as_of=as_of)
        yield f"validate        {format_findings(report, 'text').strip().splitlines()[-1]}"
        taken = snapshot(workbook, message=message, who="demo", store=store, as_of=as_of)
        first_id = first_id if first_id is not None else taken.id
        yield "snapshot        " + taken.describe().replace("\n", "\n" + " " * 16)

    changes = diff_snapshots(workbook, None, None, store=store)
    changes_path = outdir / "changes-since-november.html"
    write_text_atomic(changes_path, format_diff(changes, "html"), overwrite=True)
    yield f"diff            {changes.summary_line()} -> {changes_path}"

    outputs = [(writer.format, outdir / f"npcc-progress-update{writer.suffixes[0]}") for writer in WRITERS]
    for done in render_reports(workbook, outputs=outputs, as_of=as_of, since=str(first_id), store=store,
                               overwrite=True):
        yield f"report          {done.describe()}"
    public = render_report(workbook, format="html", output=outdir / "public-progress-update.html", as_of=as_of,
                           since=str(first_id), store=store, public=True, overwrite=True)
    yield f"public report   {public.describe()}"

    returns, drafts = outdir / "returns", outdir / "chase"
    for folder in (returns, drafts):  # the demo's own earlier round
        for old in folder.glob("*") if folder.is_dir() else ():
            old.unlink()
    round_ = split_plan(workbook, output=returns, as_of=as_of, store=store)
    yield (f"owners' round   {len(round_.returns)} returns, one per owner, in {returns} "
           f"(snapshot {round_.snapshot} is the round's base)")
    chased = chase(workbook, output=drafts, as_of=as_of, store=store, attach_returns=returns)
    yield (f"chase           {len(chased.round.to_chase)} email drafts with each owner's return attached, and the "
           f"lead's summary, in {drafts}")

    xlsm = build_xlsm(outdir / "ActionPlan.xlsm", from_plan=workbook, overwrite=True)
    yield f"excel workbook  {xlsm} (buttons: {', '.join(button.caption for button in buttons())})"

    # the last (March) plan and its findings, as read and validated above
    write_text_atomic(outdir / "plan-summary.txt", plan_summary(plan), overwrite=True)
    write_text_atomic(outdir / "validation.txt", format_findings(report, "text"), overwrite=True)
    yield f"summaries       {outdir / 'plan-summary.txt'}, {outdir / 'validation.txt'}"
    yield f"done: everything is in {outdir.resolve()}"


__all__ = ["run_demo", "sample_path"]
