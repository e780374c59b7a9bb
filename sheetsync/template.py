"""The plan workbook: the national grid forces already know, with dropdowns, date checks, colours and protection.

One builder (`build_workbook`) writes any `Plan` into the grid with XlsxWriter. The blank template is that
builder run on a plan made from the catalogue; importers use it to write what they read; the macro-enabled build
(`xlsm.py`) passes a VBA project and buttons. Headings, statuses and recommendations come from `columns.py`,
`vocabulary.py` and the catalogue: nothing here retypes them. Every user value is written with `write_string`,
so text such as "=HYPERLINK(...)" stays text and never becomes a formula.

The output is byte-for-byte repeatable. Regenerate the committed blank template after editing the catalogue,
columns or vocabulary: `python -m sheetsync template -o workbook_template.xlsx --overwrite`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field

from sheetsync.catalogue import Catalogue, catalogue
from sheetsync.columns import (
    COLUMNS,
    DATE_MAX,
    HEADER_LABELS,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    PLAN_SHEET,
    STATUS_LIST_NAME,
    Column,
    column,
)
from sheetsync.columns import Field as ColumnField
from sheetsync.errors import ConfigError
from sheetsync.files import atomic_output
from sheetsync.model import Action, Plan, Recommendation
from sheetsync.template_instructions import write_instructions
from sheetsync.text import col_letter, row_height, wrapped_lines
from sheetsync.vocabulary import DEFAULT_STATUSES

DEFAULT_MARKING = "OFFICIAL"
LIST_SLOTS = 20  # rows the StatusList name covers on the Lists sheet: room for a force's own statuses
SPARE_ROWS = 100  # unlocked rows below the grid, for a force's local actions
# Fixed document dates make the output byte-for-byte repeatable (the committed template can be regenerated).
CREATED = datetime(2024, 9, 27, 0, 0, 0)
EXTRA_WIDTH = 24.0
# Arial: on every Windows and Mac, and LibreOffice's Liberation Sans has the same metrics, so row heights
# estimated here fit in Excel and in LibreOffice alike.
FONT = "Arial"
MAX_CELL_CHARS = 32_767  # Excel's limit, counted in UTF-16 code units

# Rows of the plan sheet (0-based, as XlsxWriter counts).
_TITLE_ROW = 0
_HEADER_ROWS = {"force": 2, "executive_lead": 3, "operational_lead": 4}
_HEADING_ROW = 6
_FIRST_DATA_ROW = _HEADING_ROW + 1

# What each national column is for, in plain English (the headings themselves come from columns.COLUMNS).


class TemplateButton(BaseModel):
    """A form button on the plan sheet that runs a VBA macro (the .xlsm build supplies the VBA project)."""

    model_config = ConfigDict(frozen=True)

    macro: str
    caption: str
    description: str = ""  # one line for the Instructions sheet
    width: int = 170  # pixels
    height: int = 30


class TemplateLayout(BaseModel):
    """Where the builder put things on the plan sheet (1-based rows, A1 cells), for callers and tests."""

    sheet: str = PLAN_SHEET
    title_cell: str
    header_cells: dict[str, str]
    heading_row: int
    first_row: int
    last_row: int  # last row holding plan data (== heading_row when the plan has no rows)
    columns: dict[str, str]  # national field -> column letter
    extra_columns: dict[str, str] = Field(default_factory=dict)  # Action.extra key -> column letter
    status_list_ref: str
    statuses: list[str]


Customise = Callable[[Any, TemplateLayout], None]


# ------------------------------------------------------------------------------------------------- public API


def template_title(force: str | None = None) -> str:
    """The catalogue's placeholder title, or the same title with the force's name in place of "Force"."""
    placeholder = catalogue().placeholder_titles[0]
    name = " ".join((force or "").split())
    if not name:
        return placeholder
    rest = placeholder.split(" ", 1)[1]  # "Police Stalking Action Plan: in response to ..."
    if name.casefold().endswith(" police") or name.casefold() == "police":
        rest = rest.split(" ", 1)[1] if rest.startswith("Police ") else rest
    return f"{name} {rest}"


def template_plan(*, force: str | None = None, executive_lead: str | None = None,
                  operational_lead: str | None = None, cat: Catalogue | None = None) -> Plan:
    """A blank plan built from the catalogue: 15 recommendations, 39 evidence requirements, nothing answered."""
    cat = cat or catalogue()
    recs = [Recommendation(number=rec.number, text=rec.text, deadline=rec.deadline, addressees=rec.addressees,
                           actions=[Action(id=ev.id, evidence=ev.text) for ev in rec.evidence])
            for rec in cat.recommendations]
    return Plan(title=template_title(force), force=force, executive_lead=executive_lead,
                operational_lead=operational_lead, protective_marking=DEFAULT_MARKING, recommendations=recs)


def build_workbook(plan: Plan, target: str | os.PathLike[str] | IO[bytes], *,
                   vba_project: bytes | str | os.PathLike[str] | None = None,
                   buttons: Sequence[TemplateButton] = (), customise: Customise | None = None,
                   created: datetime = CREATED, instructions: bool = True) -> TemplateLayout:
    """Write `plan` into a new workbook at `target` (a path or binary file object); no overwrite checks here.

    `vba_project` (a vbaProject.bin as bytes or a path) and `buttons` serve the macro-enabled build; the target
    should then be an .xlsm. `customise(workbook, layout)` runs last, before the file is closed.
    `instructions=False` leaves out the Instructions sheet (an owner's return carries its own few lines).
    """
    import xlsxwriter

    options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    if not isinstance(target, str | os.PathLike):
        options["in_memory"] = True
    workbook = xlsxwriter.Workbook(target, options)
    try:
        layout = _Builder(workbook, plan, buttons=buttons, created=created, instructions=instructions).build()
        if vba_project is not None:
            if isinstance(vba_project, bytes):
                workbook.add_vba_project(io.BytesIO(vba_project), is_stream=True)
            else:
                if not Path(vba_project).is_file():
                    raise ConfigError(f"VBA project {vba_project} not found",
                                      hint="Build vbaProject.bin first (see xlsm.py)")
                workbook.add_vba_project(str(vba_project))
        if customise is not None:
            customise(workbook, layout)
    finally:
        workbook.close()
    return layout


def workbook_bytes(plan: Plan, **kwargs: Any) -> bytes:
    """The workbook `build_workbook` would write, as bytes (same keyword options)."""
    buffer = io.BytesIO()
    build_workbook(plan, buffer, **kwargs)
    return buffer.getvalue()


def template_bytes(*, force: str | None = None, executive_lead: str | None = None,
                   operational_lead: str | None = None, **kwargs: Any) -> bytes:
    """The blank template as bytes (keyword options as for `build_workbook`)."""
    plan = template_plan(force=force, executive_lead=executive_lead, operational_lead=operational_lead)
    return workbook_bytes(plan, **kwargs)


def write_plan_workbook(plan: Plan, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write `plan` into a new workbook in the template, atomically; refuses an existing file unless `overwrite`."""
    data = workbook_bytes(plan)  # build first: a plan that cannot be written leaves no file behind
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_template(path: str | os.PathLike[str], *, force: str | None = None, executive_lead: str | None = None,
                   operational_lead: str | None = None, overwrite: bool = False) -> Path:
    """Write a new, blank plan workbook in the national grid (see `template_plan`)."""
    plan = template_plan(force=force, executive_lead=executive_lead, operational_lead=operational_lead)
    return write_plan_workbook(plan, path, overwrite=overwrite)


# ------------------------------------------------------------------------------------------------- the builder


def _excel_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _worksheet_class() -> type:
    """An XlsxWriter worksheet whose sized data rows are stored as Excel stores auto-height rows.

    Excel writes a wrapped row's height without `customHeight`: the height shows at once, and the row still
    grows when somebody types a longer update. XlsxWriter marks every sized row custom, which freezes it; for
    the rows in `auto_rows` (1-based) the flag is dropped as the row tag is written.
    """
    from xlsxwriter.worksheet import Worksheet

    class AutoHeightWorksheet(Worksheet):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.auto_rows: set[int] = set()

        def _row_attributes(self, tag: str, attributes: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
            if tag == "row" and attributes and attributes[0][0] == "r" and attributes[0][1] in self.auto_rows:
                return [pair for pair in attributes if pair[0] != "customHeight"]
            return attributes

        def _xml_start_tag_unencoded(self, tag: str, attributes: Any = ()) -> None:
            super()._xml_start_tag_unencoded(tag, self._row_attributes(tag, list(attributes)))

        def _xml_empty_tag_unencoded(self, tag: str, attributes: Any = ()) -> None:
            super()._xml_empty_tag_unencoded(tag, self._row_attributes(tag, list(attributes)))

    return AutoHeightWorksheet


class _Builder:
    """Builds the three sheets into one XlsxWriter workbook."""

    def __init__(self, workbook: Any, plan: Plan, *, buttons: Sequence[TemplateButton], created: datetime,
                 instructions: bool = True) -> None:
        self.with_instructions = instructions
        self.wb = workbook
        self.plan = plan
        self.buttons = list(buttons)
        self.created = created
        self.cat = catalogue()
        self.marking = (plan.protective_marking or DEFAULT_MARKING).strip() or DEFAULT_MARKING
        self.extras = self._extra_headings()  # Action.extra key -> heading written
        self.columns: list[Column | str] = [*COLUMNS, *self.extras.values()]
        self.col_of: dict[str, int] = {c.field: i for i, c in enumerate(COLUMNS)}
        self.extra_col = {key: len(COLUMNS) + i for i, key in enumerate(self.extras)}
        self.last_col = len(self.columns) - 1
        self.statuses = self._status_names()
        self.slots = max(LIST_SLOTS, len(self.statuses) + 10)
        self._formats()

    # -- set-up

    def _extra_headings(self) -> dict[str, str]:
        """A force's own columns in first-seen order; a heading that repeats a national one gets " (2)"."""
        taken = {c.heading.casefold() for c in COLUMNS}
        headings: dict[str, str] = {}
        for _, action in self.plan.actions():
            for key in action.extra:
                if key in headings:
                    continue
                heading, n = key.strip() or "Extra", 1
                while heading.casefold() in taken:
                    n += 1
                    heading = f"{key.strip() or 'Extra'} ({n})"
                taken.add(heading.casefold())
                headings[key] = heading
        return headings

    def _status_names(self) -> list[str]:
        names = self.plan.status_list or [s.name for s in DEFAULT_STATUSES]
        clean: list[str] = []
        for name in names:
            text = " ".join(str(name).split())
            if text and text.casefold() not in {n.casefold() for n in clean}:
                clean.append(text)
        return clean

    def _formats(self) -> None:
        def add(props: dict[str, Any]) -> Any:
            return self.wb.add_format({"font_name": FONT, **props})

        base = {"font_size": 10, "valign": "top", "text_wrap": True, "border": 1, "border_color": "#A6A6A6"}
        self.f_title = add({"bold": True, "font_size": 14, "valign": "vcenter", "text_wrap": True})
        self.f_label = add({"bold": True, "font_size": 11, "valign": "vcenter"})
        self.f_value = add({"font_size": 11, "valign": "vcenter", "bottom": 1, "locked": False,
                            "bg_color": "#FFFFFF"})
        self.f_heading = add({**base, "bold": True, "valign": "vcenter", "bg_color": "#1F3864",
                              "font_color": "#FFFFFF", "border_color": "#FFFFFF"})
        self.f_locked = add({**base, "bg_color": "#F2F2F2"})
        self.f_locked_centre = add({**base, "bg_color": "#F2F2F2", "align": "center", "bold": True})
        self.f_local = add({**base, "locked": False})
        self.f_local_centre = add({**base, "locked": False, "align": "center", "bold": True})
        self.f_input = add({**base, "locked": False})
        self.f_date = add({**base, "locked": False, "num_format": "d mmm yyyy", "align": "left"})
        self.f_spare = add({"font_size": 10, "valign": "top", "text_wrap": True, "locked": False})
        self.f_h1 = add({"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"})
        self.f_h2 = add({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top", "top": 1})
        self.f_text = add({"font_size": 10, "text_wrap": True, "valign": "top"})
        self.f_note = add({"font_size": 10, "italic": True, "font_color": "#404040"})
        self.f_bold = add({"font_size": 10, "text_wrap": True, "valign": "top", "bold": True})
        self.f_table_head = add({"font_size": 10, "bold": True, "bg_color": "#D9E1F2", "border": 1,
                                 "text_wrap": True, "valign": "top"})
        self.f_cell = add({"font_size": 10, "border": 1, "text_wrap": True, "valign": "top"})
        self.f_status_fill = {s.name.casefold(): add({"bg_color": s.fill}) for s in DEFAULT_STATUSES}
        self.f_status_cell = {s.name.casefold(): add({"font_size": 10, "border": 1, "bg_color": s.fill,
                                                      "valign": "top", "bold": True}) for s in DEFAULT_STATUSES}
        self.f_list_head = add({"bold": True, "bottom": 1})
        self.f_list_locked = add({"bg_color": "#F2F2F2", "border": 1, "border_color": "#A6A6A6"})
        self.f_list_spare = add({"locked": False, "border": 1, "border_color": "#A6A6A6"})

    def build(self) -> TemplateLayout:
        self.wb.set_properties({
            "title": self.plan.title or template_title(self.plan.force),
            "subject": self.cat.report.title,
            "author": "sheetsync",
            "company": self.plan.force or "",
            "keywords": "stalking, super-complaint, action plan, " + self.marking,
            "comments": "Police Stalking Action Plan in the national grid. Made by sheetsync.",
            "created": self.created,
        })
        self.wb.set_calc_mode("auto")
        plan_sheet = self.wb.add_worksheet(PLAN_SHEET, worksheet_class=_worksheet_class())
        instructions = self.wb.add_worksheet(INSTRUCTIONS_SHEET) if self.with_instructions else None
        lists = self.wb.add_worksheet(LISTS_SHEET)
        layout = self._plan_sheet(plan_sheet)
        self._lists_sheet(lists)
        if instructions is not None:
            write_instructions(self, instructions)
        plan_sheet.activate()
        return layout

    # -- helpers

    def _text(self, ws: Any, row: int, col: int, value: str | None, fmt: Any, *, where: str) -> None:
        """Write `value` as text (never a formula); a styled blank when empty."""
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
            return
        if _excel_len(value) > MAX_CELL_CHARS:
            raise ConfigError(f"{where} holds {_excel_len(value):,} characters; an Excel cell holds at most "
                              f"{MAX_CELL_CHARS:,}", hint="Shorten it or move the detail to a supporting document")
        ws.write_string(row, col, value, fmt)

    def _merged_text(self, ws: Any, first: int, last: int, col: int, value: str | None, fmt: Any, *,
                     where: str) -> None:
        if last > first:
            ws.merge_range(first, col, last, col, "", fmt)  # merge_range() would turn "=..." into a formula
        self._text(ws, first, col, value, fmt, where=where)

    # -- the plan sheet

    def _plan_sheet(self, ws: Any) -> TemplateLayout:
        plan = self.plan
        for i in range(len(self.columns)):
            ws.set_column(i, i, self._width(i))

        title = plan.title or template_title(plan.force)
        ws.merge_range(_TITLE_ROW, 0, _TITLE_ROW, self.last_col, "", self.f_title)
        self._text(ws, _TITLE_ROW, 0, title, self.f_title, where="the title")
        grid_width = sum(self._width(i) for i in range(self.last_col + 1))
        ws.set_row(_TITLE_ROW, min(409, 18 * wrapped_lines(title, grid_width * 10 / 14) + 8))

        value_last = self.col_of["owner"]
        header_cells: dict[str, str] = {}
        for field, row in _HEADER_ROWS.items():
            ws.merge_range(row, 0, row, 1, "", self.f_label)
            ws.write_string(row, 0, HEADER_LABELS[field], self.f_label)
            ws.merge_range(row, 2, row, value_last, "", self.f_value)
            self._text(ws, row, 2, getattr(plan, field), self.f_value, where=HEADER_LABELS[field])
            ws.data_validation(row, 2, row, 2, {
                "validate": "any", "input_title": HEADER_LABELS[field].rstrip(":"),
                "input_message": "Type the name here (this cell is not protected)."})
            ws.set_row(row, 18)
            header_cells[field] = f"{col_letter(3)}{row + 1}"

        for i, col in enumerate(self.columns):
            ws.write_string(_HEADING_ROW, i, col.heading if isinstance(col, Column) else col, self.f_heading)
        ws.set_row(_HEADING_ROW, row_height(max(wrapped_lines(c.heading if isinstance(c, Column) else c, self._width(i))
                                                  for i, c in enumerate(self.columns))) + 6)

        row = _FIRST_DATA_ROW
        for rec in plan.recommendations:
            row = self._recommendation(ws, rec, row)
        last_data = row - 1  # 0-based; == _HEADING_ROW when the plan is empty

        for spare in range(row, row + SPARE_ROWS):
            ws.set_row(spare, None, self.f_spare)
        last_input = row + SPARE_ROWS - 1
        self._validations(ws, _FIRST_DATA_ROW, last_input)
        self._conditional_formats(ws, _FIRST_DATA_ROW, last_input)

        if last_data >= _FIRST_DATA_ROW:
            ws.ignore_errors({"number_stored_as_text":
                              f"A{_FIRST_DATA_ROW + 1}:{col_letter(self.last_col + 1)}{last_input + 1}"})
        ws.autofilter(_HEADING_ROW, 0, max(last_data, _HEADING_ROW), self.last_col)
        ws.freeze_panes(_FIRST_DATA_ROW, 0)
        self._buttons(ws)
        self._print_setup(ws, landscape=True)
        ws.repeat_rows(_HEADING_ROW)
        ws.protect("", {"format_cells": False, "format_columns": True, "format_rows": True, "insert_rows": True,
                        "insert_hyperlinks": True, "autofilter": True, "sort": False, "objects": False,
                        "select_locked_cells": True, "select_unlocked_cells": True})

        return TemplateLayout(
            title_cell="A1", header_cells=header_cells, heading_row=_HEADING_ROW + 1,
            first_row=_FIRST_DATA_ROW + 1, last_row=last_data + 1,
            columns={field: col_letter(i + 1) for field, i in self.col_of.items()},
            extra_columns={key: col_letter(i + 1) for key, i in self.extra_col.items()},
            status_list_ref=self._status_ref(), statuses=list(self.statuses))

    def _width(self, index: int) -> float:
        """The column's width: columns.py's, widened so no heading word is split across lines."""
        col = self.columns[index]
        heading, width = (col.heading, col.width) if isinstance(col, Column) else (col, EXTRA_WIDTH)
        longest = max((len(word) for word in heading.split()), default=0)
        return max(width, min(longest * 1.2 + 2, 40))

    def _recommendation(self, ws: Any, rec: Recommendation, first: int) -> int:
        actions: list[Action | None] = list(rec.actions) or [None]
        national = self.cat.get(rec.number) is not None
        last = first + len(actions) - 1
        c_no, c_text = self.col_of["rec_number"], self.col_of["rec_text"]
        where = f"recommendation {rec.number}"
        self._merged_text(ws, first, last, c_no, rec.number, self.f_locked_centre if national else
                          self.f_local_centre, where=where)
        self._merged_text(ws, first, last, c_text, rec.text, self.f_locked if national else self.f_local,
                          where=where)
        note = self._deadline_note(rec)
        if note:
            ws.write_comment(first, c_no, note, {"author": "sheetsync", "x_scale": 2.2, "y_scale": 0.8})

        needed = [self._action_row(ws, first + offset, action, rec) for offset, action in enumerate(actions)]
        # Merged text does not make its rows grow anywhere: share out the lines it needs.
        rec_lines = max(wrapped_lines(rec.text, self._width(c_text)), wrapped_lines(rec.number, self._width(c_no)))
        if rec_lines > sum(needed):
            extra = rec_lines - sum(needed)
            for i in range(len(needed)):
                needed[i] += extra // len(needed) + (1 if i < extra % len(needed) else 0)
        for offset, lines in enumerate(needed):
            ws.set_row(first + offset, row_height(lines))
            ws.auto_rows.add(first + offset + 1)
        return last + 1

    def _deadline_note(self, rec: Recommendation) -> str | None:
        entry = self.cat.get(rec.number)
        if entry is not None:
            labels = [self.cat.deadline_rules[r].label for r in entry.deadline_rules]
            when = "; ".join(f"{d:%-d %B %Y} ({label})" for d, label in zip(entry.deadlines, labels, strict=True))
            return f"Recommendation {entry.number}: {entry.about}.\nDeadline: {when}."
        if rec.deadline is not None:
            return f"Local recommendation {rec.number}.\nDeadline: {rec.deadline:%-d %B %Y}."
        return None

    def _action_row(self, ws: Any, row: int, action: Action | None, rec: Recommendation) -> int:
        """Write one evidence row; returns the lines of wrapped text it needs (for merged-cell sizing)."""
        a = action or Action(id="")
        national = self.cat.evidence(a.id) is not None if a.id else False
        fixed = self.f_locked if national else self.f_local
        where = f"row {a.id or rec.number}"
        values: dict[ColumnField, str | None] = {
            "action_id": a.id or None,
            "evidence": a.evidence,
            "owner": a.owner or (" / ".join(a.owners) if a.owners else None),
            "update": a.update,
            "supporting_documents": a.supporting_documents,
            "status": self._status_text(a),
        }
        lines = 1
        for field, value in values.items():
            col = self.col_of[field]
            fmt = self.f_input if column(field).input else fixed
            self._text(ws, row, col, value, fmt, where=f"{where}, {column(field).heading}")
            lines = max(lines, wrapped_lines(value, self._width(col)))
        c_date = self.col_of["date"]
        if a.date is not None:
            ws.write_datetime(row, c_date, datetime.combine(a.date, time()), self.f_date)
        else:
            self._text(ws, row, c_date, a.date_raw, self.f_date, where=f"{where}, Date")
        for key, heading in self.extras.items():
            col = self.extra_col[key]
            value = a.extra.get(key)
            self._text(ws, row, col, value, self.f_input, where=f"{where}, {heading}")
            lines = max(lines, wrapped_lines(value, self._width(col)))
        return lines

    @staticmethod
    def _status_text(action: Action) -> str | None:
        """What the force typed when known; else the canonical status, with its percentage."""
        if action.status_raw is not None and action.status_raw.strip():
            return action.status_raw
        if action.status and action.progress is not None:
            return f"{action.status} {action.progress}%"
        return action.status

    def _status_ref(self) -> str:
        return f"={LISTS_SHEET}!$A$2:$A${self.slots + 1}"

    def _validations(self, ws: Any, first: int, last: int) -> None:
        c_status, c_date = self.col_of["status"], self.col_of["date"]
        ws.data_validation(first, c_status, last, c_status, {
            "validate": "list", "source": f"={STATUS_LIST_NAME}", "ignore_blank": True, "dropdown": True,
            "input_title": "Status",
            "input_message": "Pick a status from the list. For part-done work you may type a percentage, e.g. "
                             "'In Progress 50%'. The list is on the Lists sheet; add your own there.",
            "error_type": "warning", "error_title": "Not a status on the list",
            "error_message": "This is not one of the statuses on the Lists sheet. A percentage such as "
                             "'In Progress 50%' is fine; other words will be flagged by sheetsync validate.",
        })
        published = self.cat.report.published
        ws.data_validation(first, c_date, last, c_date, {
            "validate": "date", "criteria": "between",
            "minimum": datetime.combine(published, time()), "maximum": datetime.combine(DATE_MAX, time()),
            "ignore_blank": True, "input_title": "Date of this update",
            "input_message": "Type the date as day/month/year, e.g. 27/03/2025.",
            "error_type": "stop", "error_title": "Not a date sheetsync can use",
            "error_message": f"Type a real date between {published:%d/%m/%Y} (when the report was published) "
                             f"and {DATE_MAX:%d/%m/%Y}, as day/month/year, e.g. 27/03/2025.",
        })

    def _conditional_formats(self, ws: Any, first: int, last: int) -> None:
        c_status = self.col_of["status"]
        for status in DEFAULT_STATUSES:
            # "begins with" also colours "In Progress 50%"; Excel compares case-blind.
            ws.conditional_format(first, c_status, last, c_status, {
                "type": "text", "criteria": "begins with", "value": status.name,
                "format": self.f_status_fill[status.name.casefold()]})

    def _buttons(self, ws: Any) -> None:
        x = 0
        for button in self.buttons:
            ws.insert_button(_HEADER_ROWS["force"], self.col_of["update"], {
                "macro": button.macro, "caption": button.caption, "width": button.width,
                "height": button.height, "x_offset": x, "y_offset": 0})
            x += button.width + 12

    def _print_setup(self, ws: Any, *, landscape: bool) -> None:
        marking = self.marking.replace("&", "&&")
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
        ws.set_header(f'&C&"-,Bold"&12{marking}', {"margin": 0.3})
        ws.set_footer(f'&L&8&A&C&"-,Bold"&12{marking}&R&8Page &P of &N', {"margin": 0.3})

    # -- the Lists sheet

    def _lists_sheet(self, ws: Any) -> None:
        ws.set_column(0, 0, 24)
        ws.set_column(2, 2, 100)
        ws.write_string(0, 0, column("status").heading, self.f_list_head)
        for i in range(self.slots):
            if i < len(self.statuses):
                ws.write_string(1 + i, 0, self.statuses[i], self.f_list_locked)
            else:
                ws.write_blank(1 + i, 0, None, self.f_list_spare)
        notes = (
            f"The Status dropdown on the '{PLAN_SHEET}' sheet offers the words in column A.",
            "Add your own (for example 'At Risk') in the white cells below the list.",
            f"The name {STATUS_LIST_NAME} covers A2:A{self.slots + 1}, so the dropdown picks them up.",
            "sheetsync validate accepts the words on this list; a new word counts as work started, not finished.",
        )
        for i, note in enumerate(notes):
            ws.write_string(i, 2, note, self.f_note)
        self.wb.define_name(STATUS_LIST_NAME, self._status_ref())
        self._print_setup(ws, landscape=False)
        ws.protect("", {"format_columns": True, "format_rows": True})


__all__ = [
    "DEFAULT_MARKING",
    "INSTRUCTIONS_SHEET",
    "LISTS_SHEET",
    "PLAN_SHEET",
    "STATUS_LIST_NAME",
    "TemplateButton",
    "TemplateLayout",
    "build_workbook",
    "template_bytes",
    "template_plan",
    "template_title",
    "workbook_bytes",
    "write_plan_workbook",
    "write_template",
]
