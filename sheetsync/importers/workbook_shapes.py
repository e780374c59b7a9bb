"""Workbook shapes beyond one national grid, read with the workbook reader's public functions (`Grid`,
`find_header_row`, `plan_from_grid`, `read_plan_bytes`):

- one sheet per recommendation beside Cover, Dashboard and Lists sheets: the plan is every sheet with plan
  headings, in sheet order; each sheet's recommendation text is the line above its headings; the force and leads
  come from the cover (labelled cells, or a first line that names a force);
- one dated update column per return and no Date column ("Update Nov 2024", "Update Jan 2025", …), the newest
  blank on some rows: each row's update is its newest non-empty one, dated by its column's heading (the earlier
  ones stay in `extra`).

Everything read is located in the import report (`read_from`) and every action keeps its cells.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from sheetsync.errors import NoPlanFoundError, UnreadableFileError
from sheetsync.importers.common import force_name, header_field, is_title, marking_of
from sheetsync.importers.keyvalue import rec_candidate
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan

# Sheets that are never plan sheets (besides the reader's own list): covers, dashboards, contents, guidance.
_NOT_PLAN = re.compile(r"^(?:cover|front(?: page| sheet)?|title|dashboard|summary|contents|index|guidance|"
                       r"instructions?|notes|lists?|lookups?|drop ?downs?|version(?: control)?|glossary|read ?me|"
                       r"key|rag|charts?)\b", re.IGNORECASE)


def read_workbook(data: bytes, path: Path, report: ImportReport) -> Plan | None:
    """The plan of a workbook through the reader, in whichever of the shapes above it takes; None when no sheet
    has plan headings (the caller falls back to reading each sheet as a table)."""
    from python_calamine import CalamineWorkbook

    from sheetsync.reader import SKIP_SHEETS, read_plan_bytes
    from sheetsync.safety import check_workbook

    listed = _xlsx_sheets(data)
    book: Any = None
    if listed is None or len(_candidates(listed, SKIP_SHEETS)) >= 2:
        check_workbook(data, path=path)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises its own error types for damaged workbooks
            raise UnreadableFileError(f"cannot be read as a workbook ({exc})", path=path,
                                      hint="Open it in Excel and save it again as .xlsx") from None
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")]
        candidates = _candidates(visible, SKIP_SHEETS)
        if len(candidates) >= 2:
            plan = _sheet_per_recommendation(book, visible, candidates, path, report)
            if plan is not None:
                return plan
    try:
        plan = read_plan_bytes(data, source=path)
    except NoPlanFoundError:
        return None
    if not any(rec.actions for rec in plan.recommendations):
        return None
    report.where(f"the plan grid on sheet '{plan.sheet}'")
    _prefer_national_headings(book, data, plan, report)
    _newest_dated_updates(book, data, plan, report)
    return plan


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb'\b(name|state)="([^"]*)"')


def _xlsx_sheets(data: bytes) -> list[str] | None:
    """The visible sheets' names from an .xlsx package's workbook part (already checked for zip bombs by
    detection), without opening the workbook; None for other kinds (.xls, .ods) or anything unexpected."""
    import html
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 2_000_000:
                return None
            xml = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    names = []
    for match in _SHEET_TAG.finditer(xml):
        attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(match.group(1))}
        if "name" in attrs and attrs.get("state", "visible") == "visible":
            names.append(html.unescape(attrs["name"]))
    return names


def _candidates(visible: list[str], skip: set[str]) -> list[str]:
    return [n for n in visible if n.casefold() not in skip and not _NOT_PLAN.match(n.strip())]


# ------------------------------------------------------------------------------------ one sheet per rec


def _grid(book: Any, name: str, path: Path) -> Any:
    from sheetsync.reader import Grid, a1

    try:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=True)
        start = sheet.start or (0, 0)
        merged = [f"{a1(r1 + 1, c1 + 1)}:{a1(r2 + 1, c2 + 1)}" for (r1, c1), (r2, c2) in
                  (sheet.merged_cell_ranges or [])]
    except Exception as exc:  # one damaged sheet: say which
        raise UnreadableFileError(f"sheet '{name}' cannot be read ({exc})", path=path,
                                  hint="Open it in Excel and save it again") from None
    return Grid(sheet=name, rows=rows, first_row=start[0] + 1, first_col=start[1] + 1, merged=merged)


def _sheet_per_recommendation(book: Any, visible: list[str], candidates: list[str], path: Path,
                              report: ImportReport) -> Plan | None:
    from sheetsync.reader import find_header_row, plan_from_grid

    grids = {name: _grid(book, name, path) for name in candidates}
    headed = [name for name, grid in grids.items() if find_header_row(grid) is not None]
    if len(headed) < 2:
        return None
    statuses = _lists_statuses(book, path)
    parts = {name: plan_from_grid(grids[name], source=str(path), status_list=statuses) for name in headed}
    numbers = [rec.number for part in parts.values() for rec in part.recommendations]
    if len(numbers) != len(set(numbers)):
        return None  # the same recommendations on several sheets (a copy, last year's plan): not this shape
    plan = Plan(source=str(path), sheet=headed[0], status_list=statuses)
    if statuses:
        report.where(f"statuses: the Lists sheet's Status column ({', '.join(statuses)})")
    for name, part in parts.items():
        for rec in part.recommendations:
            if not rec.text and part.title:
                found = rec_candidate(part.title)
                if found is not None and found[0] in (None, rec.number) and found[1]:
                    rec.text = found[1]
                    rec.cells["text"] = part.header_cells.get("title", f"{name}!A1")
                    report.clean("recommendation-text-above-grid", None,
                                 "a recommendation's text taken from the line above its sheet's headings")
            plan.recommendations.append(rec)
        plan.read_notes.extend(part.read_notes)
        for note in part.read_notes:
            report.warn(f"{note.sheet}!{note.cell}: {note.message or note.kind}")
        held = ", ".join(r.number for r in part.recommendations)
        rows = sum(len(r.actions) for r in part.recommendations)
        report.where(f"sheet '{name}': recommendation {held}, {rows} evidence row{'s' * (rows != 1)}")
    others = [n for n in visible if n not in headed]
    if others:
        report.clean("sheets-not-plan", None, f"sheets with no plan headings: {', '.join(others)}",
                     count=len(others))
    cover = next((n for n in visible if n not in headed and re.match(r"cover|front|title", n, re.IGNORECASE)),
                 None) or next((n for n in visible if n not in headed), None)
    if cover is not None:
        _header_from_cover(grids.get(cover) or _grid(book, cover, path), plan, report)
    report.shape = "sheet per recommendation"
    report.recommendations = len(plan.recommendations)
    report.evidence_rows = sum(len(r.actions) for r in plan.recommendations)
    report.header_fields = {k: v for k in ("force", "executive_lead", "operational_lead") if (v := getattr(plan, k))}
    report.title, report.protective_marking = plan.title, plan.protective_marking
    return plan


def _lists_statuses(book: Any, path: Path) -> list[str] | None:
    """The status words on a Lists sheet (the column headed Status), which a force may have extended ("At
    Risk"); None when there is none."""
    from sheetsync.importers.tables import heading_of

    name = next((n for n in book.sheet_names if re.fullmatch(r"\s*lists?\s*", n, re.IGNORECASE)), None)
    if name is None:
        return None
    rows = _grid(book, name, path).rows
    for k, value in enumerate(rows[0] if rows else []):
        if isinstance(value, str) and heading_of(value) == "status":
            words = [str(r[k]).strip() for r in rows[1:200] if k < len(r) and r[k] not in (None, "")]
            return words or None
    return None


def _header_from_cover(grid: Any, plan: Plan, report: ImportReport) -> None:
    """Force, leads, title and marking from a cover sheet: labelled cells, or lines that say them."""
    from sheetsync.reader import a1

    for index, row in enumerate(grid.rows[:60]):
        cells = ["" if v is None else str(v).strip() for v in row]
        filled = [(c, k) for k, c in enumerate(cells) if c]
        if not filled:
            continue
        where = f"{grid.sheet}!{a1(grid.first_row + index, grid.first_col + filled[0][1])}"
        field = header_field(cells)
        text = " ".join(c for c, _ in filled)
        if field is not None and getattr(plan, field[0]) is None:
            setattr(plan, field[0], field[1])
            plan.header_cells[field[0]] = where
            report.where(f"{field[0].replace('_', ' ')}: '{field[1]}' from the cover ({where})")
        elif marking_of(text) and plan.protective_marking is None:
            plan.protective_marking = marking_of(text)
        elif plan.force is None and len(filled) == 1 and (name := force_name(text)):
            plan.force = name
            plan.header_cells["force"] = where
            report.where(f"force: '{name}' from the cover ({where})")
        elif plan.title is None and is_title(text):
            plan.title = text
            plan.header_cells["title"] = where


# ------------------------------------------------------------------------------- dated update columns


def _newest_dated_updates(book: Any, data: bytes, plan: Plan, report: ImportReport) -> None:
    """Each row's newest non-empty update when the grid keeps one dated update column per return and no Date
    column; the update is dated by its column's heading."""
    from sheetsync.importers.tables import heading_date, heading_of
    from sheetsync.reader import col_letter, find_header_row, parse_a1

    actions = [a for _, a in plan.actions()]
    if not actions or any("date" in a.cells for a in actions) or plan.sheet is None:
        return
    dated_extra = {key for a in actions for key in a.extra if heading_of(key) == "update" and heading_date(key)}
    if not dated_extra:
        return
    if book is None:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))  # the reader has read (and checked) it already
    grid = _grid(book, plan.sheet, Path(plan.source or "workbook"))
    found = find_header_row(grid)
    if found is None:
        return
    heads = grid.rows[found[0]]
    columns: dict[int, tuple[str, Any]] = {}  # sheet column -> (heading, its date)
    for k, value in enumerate(heads):
        text = str(value).strip() if value is not None else ""
        when = heading_date(text) if text and heading_of(text) == "update" else None
        if when is not None:
            columns[grid.first_col + k] = (text, when)
    if len(columns) < 2:
        return
    head_row = grid.first_row + found[0]
    moved = 0
    for action in actions:
        ref = action.cells.get("update")
        if ref is None:
            continue
        sheet, _, cell = ref.rpartition("!")
        row, col = parse_a1(cell)
        if col not in columns:
            return  # the update column is not one of the dated ones: leave the reader's choice alone
        current = (columns[col][1], col, action.update)
        options = [current] + [(when, c, action.extra.get(text)) for c, (text, when) in columns.items() if c != col]
        when, chosen, value = max((o for o in options if o[2]), default=current, key=lambda o: (o[0], o[1]))
        if chosen != col and value is not None:
            heading = columns[chosen][0]
            action.extra.pop(heading, None)
            if action.update:
                action.extra[columns[col][0]] = action.update
            action.update = value
            action.cells["update"] = f"{sheet}!{col_letter(chosen)}{row}"
            moved += 1
            report.where(f"{action.id}: update from '{heading}' ({sheet}!{col_letter(chosen)}{row}); the newer "
                         "columns are blank on that row")
        if action.update and action.date is None:
            action.date, action.date_raw = when, columns[chosen][0]
            action.cells["date"] = f"{sheet}!{col_letter(chosen)}{head_row}"
    report.clean("updates-dated-by-column", None, "each row's newest non-empty update column, dated by its "
                 f"heading ({', '.join(t for t, _ in columns.values())})", count=max(1, moved))


# --------------------------------------------------------------------------------------- decoy columns

_RIVALS = ("status", "owner", "date", "supporting_documents")  # fields a tracker export doubles with a decoy


def _prefer_national_headings(book: Any, data: bytes, plan: Plan, report: ImportReport) -> None:
    """A tracker export with a decoy beside a real column ("RAG status" before "Status"): the reader takes the
    first; the heading nearer the national wording is the field, the other kept as an extra column."""
    from sheetsync.importers.tables import alias_rank, heading_of

    actions = [a for _, a in plan.actions()]
    rivals = {key: field for a in actions for key in a.extra if (field := heading_of(key)) in _RIVALS}
    if not rivals or plan.sheet is None:
        return
    heading_at = _headings(book, data, plan)
    for field in {f for f in rivals.values() if any(f in a.cells for a in actions)}:
        ref = next(a.cells[field] for a in actions if field in a.cells)
        current = heading_at.get(ref.rpartition("!")[2].rstrip("0123456789"), "")
        best = min((k for k, f in rivals.items() if f == field), key=lambda k: alias_rank(field, k))
        if not current or alias_rank(field, best) >= alias_rank(field, current):
            continue
        for action in actions:
            _swap(action, field, best, current, plan)
        report.where(f"{field.replace('_', ' ')} from '{best}' rather than '{current}' (nearer the national "
                     f"heading; '{current}' kept beside it)")


def _headings(book: Any, data: bytes, plan: Plan) -> dict[str, str]:
    """Column letter -> heading text of the plan sheet's heading row."""
    from python_calamine import CalamineWorkbook

    from sheetsync.reader import col_letter, find_header_row

    if book is None:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))  # the reader has read (and checked) it already
    assert plan.sheet is not None
    grid = _grid(book, plan.sheet, Path(plan.source or "workbook"))
    found = find_header_row(grid)
    if found is None:
        return {}
    return {col_letter(grid.first_col + k): str(v).strip() for k, v in enumerate(grid.rows[found[0]])
            if v is not None and str(v).strip()}


def _swap(action: Any, field: str, best: str, current: str, plan: Plan) -> None:
    """Make column `best` the action's `field`, keeping what `current` held under its heading."""
    from sheetsync.dates import parse_date
    from sheetsync.model import split_owners
    from sheetsync.plan_rules import vocabulary_of

    old: str | None
    if field == "status":
        old = action.status_raw or action.status
    elif field == "date":
        old = action.date_raw or (action.date.isoformat() if action.date else None)
    else:
        old = getattr(action, field)
    new = action.extra.pop(best, None)
    if old:
        action.extra[current] = old
    cell = action.cells.pop(best, None)
    if field in action.cells:
        action.cells[current] = action.cells[field]
    if cell is not None:
        action.cells[field] = cell
    if field == "status":
        match = vocabulary_of(plan).normalise(new) if new else None
        action.status, action.progress = (match.status, match.progress) if match else (None, None)
        action.status_raw = new
    elif field == "date":
        parsed = parse_date(new) if new else None
        action.date, action.date_raw = (parsed.date if parsed else None), new
    elif field == "owner":
        action.owner, action.owners = new, split_owners(new)
    else:
        setattr(action, field, new)
