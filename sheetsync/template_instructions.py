"""The template's Instructions sheet: how to fill in the grid, what each column and status word means, the
deadlines and the buttons, all written from the catalogue, the columns and the vocabulary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheetsync.columns import COLUMNS, DATE_MAX, HEADER_LABELS, LISTS_SHEET, PLAN_SHEET, STATUS_LIST_NAME
from sheetsync.text import row_height, wrapped_lines
from sheetsync.vocabulary import DEFAULT_STATUSES, StatusDef

COLUMN_HELP: dict[str, str] = {
    "rec_number": "The recommendation's number in the super-complaint report (7, 10, 11 ...). Local "
                  "recommendations of your own can use your own numbers.",
    "rec_text": "The recommendation as the report words it, including its deadline.",
    "action_id": "The evidence requirement's number (7.1, 7.2 ...): one row for each.",
    "evidence": "What the report says will show progress or completion. Blank where the report gives no "
                "separate requirement.",
    "owner": "The named person or team who owns this action. Not 'Chief Constables': a recommendation's "
             "addressee is nobody's job.",
    "update": "What your force has done and what is still to do, in plain English. Say what has happened, "
              "not what will happen; start a new dated update instead of appending 'UPDATE:' to old text.",
    "date": "The date of the update above (a real date, day/month/year, e.g. 27/03/2025).",
    "status": "Pick from the dropdown (see the status words below).",
    "supporting_documents": "Names or links of the documents that evidence the update.",
}


def write_instructions(self: Any, ws: Any) -> None:
    """The Instructions sheet: how to fill in the grid, the status words, the deadlines and the buttons.
    `self` is the template's builder (its formats, catalogue, marking and buttons)."""
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 70)
    ws.hide_gridlines(2)
    r = 0

    def para(text: str, fmt: Any = None, height: float | None = None) -> None:
        nonlocal r
        ws.merge_range(r, 0, r, 2, "", fmt or self.f_text)
        ws.write_string(r, 0, text, fmt or self.f_text)
        ws.set_row(r, height or row_height(wrapped_lines(text, 126)))
        r += 1

    def table_row(cells: Sequence[str], fmt: Any, fills: Sequence[Any] = ()) -> None:
        nonlocal r
        widths = (22, 34, 70)
        for i, text in enumerate(cells):
            ws.write_string(r, i, text, fills[i] if i < len(fills) and fills[i] is not None else fmt)
        ws.set_row(r, row_height(max(wrapped_lines(t, widths[i]) for i, t in enumerate(cells))))
        r += 1

    cat = self.cat
    para("How to use this workbook", self.f_h1, 22)
    para(f"This is your force's action plan in response to '{cat.report.title}' "
         f"({cat.report.published:%-d %B %Y}). It keeps the national grid every force was given, so the "
         "NPCC and your governance board can read it, and adds a dropdown for Status, a check on dates, "
         "colours by status and protection for the report's own wording.")
    para(f"The '{PLAN_SHEET}' sheet is protected without a password: the report's wording (grey cells) "
         "is locked so it cannot be changed by accident; every white cell is yours to fill in. To change "
         "anything else use Review > Unprotect Sheet (no password is needed), then protect it again.")
    r += 1
    para("Filling in the header", self.f_h2, 20)
    para(f"Type your force's name, the executive (chief officer) lead and the operational lead beside "
         f"{', '.join(repr(v) for v in HEADER_LABELS.values())} at the top of the '{PLAN_SHEET}' sheet.")
    r += 1
    para("The columns", self.f_h2, 20)
    table_row(("Column", "Who fills it in", "What goes in it"), self.f_table_head)
    for col in COLUMNS:
        table_row((col.heading, "Your force" if col.input else "The report (locked)", COLUMN_HELP[col.field]),
                  self.f_cell)
    para("One row per evidence requirement. The recommendation's number and text sit on its first row and "
         "are merged down over its other rows. Columns to the right of the national ones are your own.")
    para("Local actions of your own: add them in the empty rows below the grid (they are not locked), "
         "giving each a number of your own. To insert a row inside a recommendation, unprotect the sheet "
         "first.")
    r += 1
    para("Status words", self.f_h2, 20)
    table_row(("Status", "Counts as", "What it means"), self.f_table_head)
    for status in DEFAULT_STATUSES:
        table_row((status.name, _counts_as(status), _meaning(status)), self.f_cell,
                  fills=(self.f_status_cell[status.name.casefold()],))
    para(f"Pick the status from the dropdown in the Status column. The words come from the '{LISTS_SHEET}' "
         f"sheet (the name {STATUS_LIST_NAME}); add your own words there, for example 'At Risk'. If you type "
         "something that is not on the list, Excel warns you; a percentage such as 'In Progress 50%' is "
         "fine. RAG colours (Red, Amber, Green) are a rating, not a status: do not type them here.")
    para(f"Dates: the Date column takes a real date between {cat.report.published:%-d %B %Y} and "
         f"{DATE_MAX:%-d %B %Y}; type it day/month/year (27/03/2025). Excel refuses anything else.")
    r += 1
    para("Deadlines", self.f_h2, 20)
    table_row(("Recommendation", "About", "Deadline"), self.f_table_head)
    for rec in cat.recommendations:
        labels = [cat.deadline_rules[rule].label for rule in rec.deadline_rules]
        when = "; ".join(f"{d:%-d %B %Y} ({label})" for d, label in zip(rec.deadlines, labels, strict=True))
        table_row((rec.number, rec.about, when), self.f_cell)
    para("Hover over a recommendation's number on the plan sheet to see its deadline.")
    r += 1
    para("Checking the plan and keeping its history", self.f_h2, 20)
    if self.buttons:
        para("The buttons at the top of the plan sheet run sheetsync on this workbook (macros must be "
             "enabled; Excel blocks them in files downloaded or emailed, so keep the workbook in a trusted "
             "location):")
        for button in self.buttons:
            para(f"'{button.caption}': {button.description or 'runs ' + button.macro}.")
    para("sheetsync checks the plan (missing owners, owners left as 'Chief Constables', statuses that say "
         "complete while the update says work is still to come, rows under the wrong recommendation, missing "
         "or impossible dates), keeps dated snapshots so earlier updates are never lost, and writes the NPCC "
         "progress update. From a command prompt: 'sheetsync validate plan.xlsx', "
         "'sheetsync snapshot plan.xlsx', 'sheetsync report plan.xlsx --format docx -o update.docx'.")
    r += 1
    para(f"Protective marking: {self.marking}. It is printed at the top and bottom of every page.",
         self.f_bold)
    self._print_setup(ws, landscape=False)


def _counts_as(status: StatusDef) -> str:
    if status.done and not status.started:
        return "Closed: does not apply"
    if status.done:
        return "Complete"
    return "Started, not complete" if status.started else "Not started"


def _meaning(status: StatusDef) -> str:
    text = status.public[0].upper() + status.public[1:] + "."
    if status.takes_progress:
        text += f" You may add a percentage: '{status.name} 50%'."
    return text
