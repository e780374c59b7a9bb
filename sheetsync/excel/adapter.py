"""The Excel buttons' adapter: what runs when a user presses a button in ActionPlan.xlsm.

Each VBA Sub in `macros/SheetSync.bas` is one line, `RunPython "import sheetsync.excel.adapter as m; m.<entry>()"`.
The entry points get the calling workbook through xlwings, wrap it in the small `ExcelBook` interface, and run
the press against that interface. All the work (reading, validating, snapshotting, reporting) is sheetsync's
library; this module only moves values between Excel and it, marks cells, and talks to the user.

Rules kept here: the plan sheet's used range is read in one call; results are written back in as few calls as
possible; the workbook is saved with a plain Save through Excel (never Save As, never openpyxl); only the marks
sheetsync made (recorded on the hidden "SheetSyncMarks" sheet) are ever cleared; no Python traceback reaches
the user. xlwings is imported only inside the functions Excel calls.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.columns import PLAN_SHEET, STATUS_LIST_NAME
from sheetsync.errors import ConfigError, NoPlanFoundError, SheetsyncError
from sheetsync.excel.book import CellMarking, ExcelBook, UsedRange
from sheetsync.store.urls import check_store_setting, is_database_url
from sheetsync.text import col_letter, neutralise_formula

if TYPE_CHECKING:
    from sheetsync.model import Plan
    from sheetsync.text import Value
    from sheetsync.validation import Finding, ValidationReport

ISSUES_SHEET = "Issues"
MARKS_SHEET = "SheetSyncMarks"
SETTINGS_SHEET = "Settings"
MARK_FILLS = {"error": "#FF9B9B", "warning": "#FFD27F"}
NOTE_PREFIX = "sheetsync: "
LOG_NAME = "sheetsync-excel.log"
MARKS_HEADER: list[Value] = ["sheet", "cell", "fill set", "note set", "previous fill", "previous note"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


# ---------------------------------------------------------------------------------------------------------------
# Settings: the one documented place a force configures the buttons (the workbook's "Settings" sheet)
# ---------------------------------------------------------------------------------------------------------------

SETTING_KEYS = {
    "snapshot store": "store",
    "report folder": "report_folder",
    "plan sheet": "plan_sheet",
    "ignore findings": "ignore",
}
SETTINGS_HELP: list[tuple[str, str]] = [
    ("Snapshot store", "Snapshot store: a file (SQLite), or the team database's URL without a password "
                       "(postgresql://you@server/plans; the password comes from PGPASSWORD or .pgpass). Blank: "
                       "SHEETSYNC_STORE, else .sheetsync/snapshots.db beside this workbook. A relative path is taken "
                       "from this workbook's folder."),
    ("Report folder", "Where 'Export NPCC update' writes. Blank: '<workbook name> reports' beside this workbook."),
    ("Plan sheet", "The sheet holding the plan grid. Blank: 'Action Plan', else the first sheet with a plan."),
    ("Ignore findings", "Finding codes to leave out, separated by commas (e.g. missing-date)."),
]


@dataclass(frozen=True, slots=True)
class ButtonSettings:
    """What the workbook's Settings sheet says (every value optional). A plain record, not a pydantic model:
    `read_settings` checks each cell itself (naming the cell when it is wrong), and the adapter is imported at
    every button press, where importing pydantic costs about 0.1 s here."""

    store: Path | str | None = None  # a file, or a team database's URL (never with a password)
    report_folder: Path | None = None
    plan_sheet: str | None = None
    ignore: tuple[str, ...] = ()


def read_settings(book: ExcelBook, folder: Path) -> ButtonSettings:
    """Key/value rows from the Settings sheet (column A the setting, column B its value); blank when absent."""
    if SETTINGS_SHEET not in book.sheet_names:
        return ButtonSettings()
    used = book.read_used_range(SETTINGS_SHEET)
    found: dict[str, Any] = {}
    for offset, row in enumerate(used.values):
        if used.first_col > 1 or not row:
            break
        key = _text(row[0]).rstrip(":").strip()
        value = _text(row[1]) if len(row) > 1 else ""
        if not key or key.casefold() == "setting" or not value:
            continue
        name = SETTING_KEYS.get(key.casefold())
        if name is None:
            known = ", ".join(k for k, _ in SETTINGS_HELP)
            raise ConfigError(f"sheet {SETTINGS_SHEET!r}, cell A{used.first_row + offset}: unknown setting {key!r}",
                              path=book.full_name, hint=f"Known settings: {known}")
        if name == "store" and is_database_url(value):
            where = f"{book.full_name}, {SETTINGS_SHEET}!B{used.first_row + offset}"
            found[name] = check_store_setting(value, where=where)
        elif name in ("store", "report_folder"):
            found[name] = folder / Path(value).expanduser()
        elif name == "ignore":
            found[name] = tuple(code.strip() for code in value.replace(";", ",").split(",") if code.strip())
        else:
            found[name] = value
    return ButtonSettings(**found)


# ---------------------------------------------------------------------------------------------------------------
# The presses, against the interface (tests and the benchmark drive these directly)
# ---------------------------------------------------------------------------------------------------------------


def press_validate_and_snapshot(book: ExcelBook, *, as_of: date | None = None) -> str:
    """Validate the plan as it is in Excel, mark its problem cells, list them on 'Issues', save, snapshot.

    The snapshot records the saved file's bytes only when the plan read back from them is the plan that was
    validated: with OneDrive/SharePoint AutoSave the local file can lag Excel's Save, and a snapshot must never
    pair bytes with findings about other values."""
    from sheetsync.reader import read_plan_bytes
    from sheetsync.safety import read_limited
    from sheetsync.snapshots import snapshot_plan
    from sheetsync.store.results import ValidationSummary
    from sheetsync.validation import validate

    path = workbook_path(book)
    settings = read_settings(book, path.parent)
    unchecked: list[str] = []
    plan, sheet = _read_book(book, settings, unchecked)
    report = validate(plan, as_of=as_of, ignore=settings.ignore)
    _clear_recorded_marks(book)
    marked = _mark_findings(book, report.findings)
    _write_issues(book, report, marked, unchecked)
    book.save()  # plain Save through Excel
    data = read_limited(path)
    saved = read_plan_bytes(data, source=path, sheet=sheet)
    checked = f"{_findings_phrase(report)}{_unchecked_phrase(unchecked)}"
    same = {"hidden": not any(note.startswith("hidden rows") for note in unchecked),
            "marking": plan.protective_marking is not None}
    if _content(saved, **same) != _content(plan, **same):
        return (f"{checked}. The Issues sheet lists them. No snapshot taken: the file on disk ({path.name}) does "
                f"not yet hold what Excel shows (OneDrive or SharePoint may still be syncing it). Wait a moment "
                f"and press 'Validate and snapshot' again.")
    result = snapshot_plan(saved, data, source=path, message="Validate and snapshot (Excel button)",
                           store=settings.store, validation_summary=ValidationSummary.from_report(report))
    kept = f"snapshot {result.id} saved" if result.saved else f"unchanged since snapshot {result.id}, none added"
    return f"{checked}; {kept}. The Issues sheet lists them."


def press_export_npcc_update(book: ExcelBook, *, as_of: date | None = None) -> str:
    """Write the NPCC progress update in every report format (the report registry's list) and the public web
    page to new files."""
    from sheetsync.report import WRITERS, render_report, render_reports

    path = workbook_path(book)
    settings = read_settings(book, path.parent)
    plan = read_book_plan(book, settings)
    folder = settings.report_folder or path.parent / f"{path.stem} reports"
    stamp = (as_of or date.today()).isoformat()
    stems = [(f"{path.stem} NPCC update {stamp}", writer.suffixes[0].lstrip(".")) for writer in WRITERS]
    stems.append((f"{path.stem} public {stamp}", "html"))
    names = _unused_names(folder, stems)
    render_reports(plan, outputs=[(writer.format, target) for writer, target in zip(WRITERS, names, strict=False)],
                   as_of=as_of, store=settings.store)
    public = render_report(plan, format="html", output=names[-1], as_of=as_of, store=settings.store, public=True)
    reviews = sorted(p.name for p in folder.glob(f"{glob_escape(names[-1].stem)}*") if p != names[-1])
    listing = "\n".join(f"  {name}" for name in [*(p.name for p in names), *reviews])
    check = (f"\nBefore publishing the public page, read its redaction review: {public.suspicious} word"
             f"{'s' if public.suspicious != 1 else ''} kept that may name someone." if public.suspicious else "")
    return f"Wrote {len(names) + len(reviews)} files to {folder}:\n{listing}{check}"


def press_clear_marks(book: ExcelBook) -> str:
    """Take away the fills and notes sheetsync put on the plan; the user's own are left alone."""
    cleared = _clear_recorded_marks(book)
    if ISSUES_SHEET in book.sheet_names:
        book.clear_sheet(ISSUES_SHEET)
        book.write_values(ISSUES_SHEET, "A1", [[f"Marks cleared {datetime.now():%d/%m/%Y %H:%M}. Press "
                                                f"'Validate and snapshot' to check the plan again."]])
    return f"Cleared {cleared} sheetsync mark{'s' if cleared != 1 else ''}; your own colours and notes are untouched."


def run_press(book: ExcelBook, press: Callable[[ExcelBook], str]) -> str:
    """Run one press and show its outcome in the workbook: a summary, a SheetsyncError's message, or for
    anything unexpected a short message and the path of a log holding the traceback. Returns what was shown."""
    try:
        message = press(book)
    except SheetsyncError as exc:
        message = f"sheetsync could not finish: {exc}"
    except Exception as exc:  # a bug: the user gets one readable line, the log gets the traceback
        log = write_crash_log(book, exc)
        message = (f"sheetsync hit an unexpected problem ({type(exc).__name__}: {_first_line(exc)}). "
                   f"Nothing was snapshotted. The details are in {log}; please send that file to whoever "
                   f"supports sheetsync in your force.")
    book.alert(message)
    return message


# ---------------------------------------------------------------------------------------------------------------
# Entry points called by RunPython
# ---------------------------------------------------------------------------------------------------------------


def validate_and_snapshot() -> None:
    """The 'Validate and snapshot' button."""
    button_entry(press_validate_and_snapshot)


def export_npcc_update() -> None:
    """The 'Export NPCC update' button."""
    button_entry(press_export_npcc_update)


def clear_marks() -> None:
    """The 'Clear marks' button."""
    button_entry(press_clear_marks)


def button_entry(press: Callable[[ExcelBook], str]) -> None:
    try:
        from sheetsync.excel.xlwings_book import XlwingsBook

        book: ExcelBook = XlwingsBook(_import_xlwings().Book.caller())
    except Exception as exc:  # no workbook to talk to: RunPython shows what reaches stderr
        log = write_crash_log(None, exc)
        print(f"sheetsync could not reach the workbook ({_first_line(exc)}). Details: {log}", file=sys.stderr)
        raise SystemExit(1) from None
    try:
        try:
            run_press(book, press)
        finally:
            book.restore_protection()
    except Exception as exc:  # even the message box failed
        log = write_crash_log(book, exc)
        print(f"sheetsync could not show its result ({_first_line(exc)}). Details: {log}", file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        before_exit()


def before_exit() -> None:
    """The press is over and this Python exits next: spare the user the collector's passes at shutdown. Objects
    are still released as usual. bench/bench_button.py measures it (the time from a 200-row press's last line to
    the process's exit), 2026-12-02: through sheetsync-excel-python 0.045 s -> 0.008 s (the press itself 0.27 s);
    plain python, with pandas and matplotlib loaded by xlwings, 0.22 s -> 0.03 s."""
    gc.disable()
    gc.freeze()


def _import_xlwings() -> Any:
    import xlwings

    return xlwings


# ---------------------------------------------------------------------------------------------------------------
# Reading the plan out of the open workbook
# ---------------------------------------------------------------------------------------------------------------


def workbook_path(book: ExcelBook) -> Path:
    """The workbook's file; refuses one never saved (snapshots and reports live beside it)."""
    name = book.full_name
    path = Path(name)
    if not path.is_absolute() or not path.parent.is_dir():
        raise ConfigError("this workbook has not been saved yet", path=name,
                          hint="Save it as a macro-enabled workbook (.xlsm) in a folder first")
    return path


def read_book_plan(book: ExcelBook, settings: ButtonSettings, unchecked: list[str] | None = None) -> Plan:
    """The plan on the plan sheet: its used range in one call, read by the same reader as files. A check Excel
    would not let us make (hidden rows, merged cells) is named in `unchecked`."""
    return _read_book(book, settings, unchecked if unchecked is not None else [])[0]


def _read_book(book: ExcelBook, settings: ButtonSettings, unchecked: list[str]) -> tuple[Plan, str]:
    from sheetsync.reader import SKIP_SHEETS, Grid, plan_from_grid

    names = book.sheet_names
    if settings.plan_sheet:
        if settings.plan_sheet not in names:
            raise ConfigError(f"the Settings sheet names plan sheet {settings.plan_sheet!r}, which this workbook "
                              f"does not have", path=book.full_name, hint=f"Sheets: {', '.join(names)}")
        candidates = [settings.plan_sheet]
    else:
        candidates = [n for n in names if n.casefold() not in SKIP_SHEETS and not n.startswith("_")]
        candidates.sort(key=lambda n: n != PLAN_SHEET)
    status_list = [_text(v) for v in (book.read_name(STATUS_LIST_NAME) or []) if _text(v)] or None
    last_error: NoPlanFoundError | None = None
    for sheet in candidates:
        used = book.read_used_range(sheet)
        hidden, merged = book.hidden_rows(sheet), book.merged_ranges(sheet)
        grid = Grid(sheet=sheet, rows=used.values, first_row=used.first_row, first_col=used.first_col,
                    hidden_rows=hidden if hidden is not None else set(), merged=merged if merged is not None else [])
        try:
            plan = plan_from_grid(grid, source=book.full_name, status_list=status_list)
        except NoPlanFoundError as exc:
            last_error = exc
            continue
        if hidden is None:
            unchecked.append(f"hidden rows on {sheet!r}")
        if merged is None:
            unchecked.append(f"merged cells on {sheet!r}")
        return plan, sheet
    if last_error is not None and len(candidates) == 1:
        raise last_error
    raise NoPlanFoundError("no sheet holds a plan grid (a header row with 'Rec. No.', 'Recommendation:', "
                           "'Status' …)", path=book.full_name,
                           hint="Name the plan sheet on the Settings sheet ('Plan sheet'), or rebuild the workbook "
                                "with 'sheetsync excel build'")


def _content(plan: Plan, *, hidden: bool, marking: bool) -> str:
    """The plan's values for comparing Excel's read with the saved file's: without what only one read can see
    (hidden flags when Excel would not say; a protective marking the file has only in its page header)."""
    data = plan.canonical()
    if not marking:
        data.pop("protective_marking", None)
    if not hidden:
        for recommendation in data.get("recommendations", []):
            for action in recommendation.get("actions", []):
                action.pop("hidden", None)
    return json.dumps(data, ensure_ascii=False)


def _unchecked_phrase(unchecked: list[str]) -> str:
    if not unchecked:
        return ""
    return (f" (not checked from inside Excel: {', '.join(unchecked)}; 'sheetsync validate' on the saved file "
            f"checks them)")


# ---------------------------------------------------------------------------------------------------------------
# Marks: fills and notes on offending cells, recorded so that only ours are ever cleared
# ---------------------------------------------------------------------------------------------------------------


def _mark_findings(book: ExcelBook, findings: Sequence[Finding]) -> dict[tuple[str, str], str]:
    """Fill and annotate each cell that has an error or warning; record each on the marks sheet."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.sheet and finding.cell and finding.severity in MARK_FILLS:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    names = set(book.sheet_names)
    ledger: list[list[Value]] = [list(MARKS_HEADER)]
    marked: dict[tuple[str, str], str] = {}
    for (sheet, cell), found in by_cell.items():
        if sheet not in names:
            continue
        found.sort(key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
        fill = MARK_FILLS[found[0].severity]
        ours = NOTE_PREFIX + "\n".join(f"{f.severity} {f.code}: {_finding_text(f)}" for f in found)
        before = book.cell_marking(sheet, cell)
        note = ours if not before.note else f"{before.note}\n\n{ours}"
        book.mark_cell(sheet, cell, fill=fill, note=note)
        ledger.append([sheet, cell, fill, note, before.fill, before.note])
        marked[(sheet, cell)] = fill
    if len(ledger) > 1:
        if MARKS_SHEET not in names:
            book.add_sheet(MARKS_SHEET, hidden=True)
        book.set_text_format(MARKS_SHEET, f"A1:{col_letter(len(MARKS_HEADER))}{len(ledger)}")
        book.write_values(MARKS_SHEET, "A1", [[as_text_cell(v) for v in row] for row in ledger])
    return marked


def _clear_recorded_marks(book: ExcelBook) -> int:
    """Undo the marks the ledger records, each only if the cell still shows what sheetsync put there."""
    if MARKS_SHEET not in book.sheet_names:
        return 0
    used = book.read_used_range(MARKS_SHEET)
    rows = [row for row in used.values[1:] if len(row) >= 2 and row[0] and row[1]] if used.first_row == 1 else []
    names = set(book.sheet_names)
    cleared = 0
    for row in rows:
        sheet, cell, fill_set, note_set, prev_fill, prev_note = (list(row) + [None] * 6)[:6]
        sheet, cell = _text(sheet), _text(cell)
        if sheet not in names:
            continue
        now = book.cell_marking(sheet, cell)
        fill_ours = _same_fill(now.fill, _text(fill_set) or None)
        note_ours = (now.note or "") == _text(note_set)
        if not (fill_ours or note_ours):
            continue
        book.mark_cell(sheet, cell, fill=(_text(prev_fill) or None) if fill_ours else now.fill,
                       note=(_text(prev_note) or None) if note_ours else now.note)
        cleared += 1
    book.clear_sheet(MARKS_SHEET)
    return cleared


def _write_issues(book: ExcelBook, report: ValidationReport, marked: dict[tuple[str, str], str],
                  unchecked: list[str]) -> None:
    """The Issues sheet: a summary line, then one row per finding with a link to its cell; rewritten each press.
    Every column but the links is formatted as text first, so Excel keeps "27/03/25", "50%" or "1.10" as
    written instead of turning them into a date or a number."""
    if ISSUES_SHEET not in book.sheet_names:
        book.add_sheet(ISSUES_SHEET)
    else:
        book.clear_sheet(ISSUES_SHEET)
    stamp = datetime.now().strftime("%d/%m/%Y %H:%M")
    rows: list[list[Value]] = [
        [f"{_findings_phrase(report)}{_unchecked_phrase(unchecked)} (checked {stamp}). Coloured cells on the "
         f"plan carry a note; 'Clear marks' removes them."],
        [],
        ["Severity", "Cell", "Rec.", "Evidence", "Field", "Code", "Problem", "Suggestion", "Value"],
    ]
    ordered = sorted(report.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.row or 0))
    for finding in ordered:
        link: Value = hyperlink_formula(finding.sheet, finding.cell) if finding.sheet and finding.cell else ""
        rows.append([finding.severity, link, finding.recommendation, finding.action, finding.field, finding.code,
                     finding.message, finding.suggestion, as_text_cell(finding.value)])
    width = max(len(r) for r in rows)
    padded = [[as_text_cell(v) if i != 1 or r < 3 else v for i, v in enumerate(row + [None] * (width - len(row)))]
              for r, row in enumerate(rows)]
    last = len(padded)
    book.set_text_format(ISSUES_SHEET, f"A1:A{last}")
    book.set_text_format(ISSUES_SHEET, f"C1:{col_letter(width)}{last}")
    book.write_values(ISSUES_SHEET, "A1", padded)


def hyperlink_formula(sheet: str, cell: str) -> str:
    """An in-workbook link as a formula: one write for the whole Issues sheet instead of a call per link."""
    target = f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"
    label = f"{sheet}!{cell}"
    return f'=HYPERLINK("{target.replace(chr(34), chr(34) * 2)}","{label.replace(chr(34), chr(34) * 2)}")'


# ---------------------------------------------------------------------------------------------------------------
# Crash log and small helpers
# ---------------------------------------------------------------------------------------------------------------


def write_crash_log(book: ExcelBook | None, exc: BaseException) -> Path:
    """Append the traceback to sheetsync-excel.log beside the snapshot store (else in ~/.sheetsync)."""
    folder = Path.home() / ".sheetsync"
    with contextlib.suppress(Exception):
        if book is not None:
            from sheetsync.snapshots import resolve_store

            path = workbook_path(book)
            folder = resolve_store(path, read_settings(book, path.parent).store).parent
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    header = f"--- {datetime.now().isoformat(timespec='seconds')} sheetsync {_version()} " \
             f"Python {sys.version.split()[0]} {sys.platform}\n"
    for where in (folder, Path.home() / ".sheetsync"):
        with contextlib.suppress(OSError):
            where.mkdir(parents=True, exist_ok=True)
            log = where / LOG_NAME
            with log.open("a", encoding="utf-8") as handle:
                handle.write(header + text + "\n")
            return log
    return folder / LOG_NAME


def _version() -> str:
    from sheetsync import __version__

    return __version__


def _unused_names(folder: Path, stems: list[tuple[str, str]]) -> list[Path]:
    """One set of new file names in `folder` (the date stamp, then -2, -3 … until none of them exists)."""
    for n in range(1, 10_000):
        suffix = "" if n == 1 else f"-{n}"
        paths = [folder / f"{stem}{suffix}.{ext}" for stem, ext in stems]
        if not any(p.exists() for p in paths):
            return paths
    raise SheetsyncError("too many reports for one day", path=folder, hint="Move old reports elsewhere")


@dataclass(frozen=True, slots=True)
class SavedBook:
    """The workbook a button has just saved, its settings, the press's day and a new folder for its files."""

    path: Path
    settings: ButtonSettings
    day: date
    folder: Path


def save_with_new_folder(book: ExcelBook, folder_name: str, as_of: date | None = None) -> SavedBook:
    """What a button that writes a folder of files does first: check that the workbook holds a plan (so one with
    none fails before anything is saved), save it through Excel, and choose a new folder beside it called
    `folder_name` with "{stem}" and "{day}" filled in."""
    path = workbook_path(book)
    settings = read_settings(book, path.parent)
    read_book_plan(book, settings)
    book.save()
    day = as_of or date.today()
    return SavedBook(path, settings, day, new_folder(path, folder_name.format(stem=path.stem, day=day.isoformat())))


def new_folder(beside: Path, name: str) -> Path:
    """A folder called `name` beside the workbook `beside` that does not exist yet ("name", then "name (2)", …):
    a press never writes into an earlier press's folder."""
    base = beside.parent / name
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name} ({n})")
    return folder


def _findings_phrase(report: ValidationReport) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning")}
    total = len(report.findings)
    return (f"{total} finding{'s' if total != 1 else ''}, {counts['error']} error{'s' if counts['error'] != 1 else ''}"
            f", {counts['warning']} warning{'s' if counts['warning'] != 1 else ''}")


def _finding_text(finding: Finding) -> str:
    return f"{finding.message} {finding.suggestion}".strip() if finding.suggestion else finding.message


def _text(value: Value | object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_text_cell(value: Value) -> Value:
    """Text written to Excel is never taken for a formula (Excel's text apostrophe before = + - @ tab CR)."""
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return neutralise_formula(str(value))


def _same_fill(a: str | None, b: str | None) -> bool:
    return (a or "").upper() == (b or "").upper()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:200] if text else "") or type(exc).__name__


__all__ = [
    "ButtonSettings",
    "CellMarking",
    "ExcelBook",
    "UsedRange",
    "clear_marks",
    "export_npcc_update",
    "press_clear_marks",
    "press_export_npcc_update",
    "press_validate_and_snapshot",
    "read_settings",
    "run_press",
    "validate_and_snapshot",
]
