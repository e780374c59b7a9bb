"""From a grid of cell values to a `Plan`: the heading row found by meaning, every value's cell recorded.

`plan_from_grid` is the core of reading: it turns a sheet's values (from python-calamine through
`sheetsync.reader`, or from Excel itself through the button's adapter) into a `Plan`, recording where every value
came from and noting what it could not use (`Plan.read_notes`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import zip_longest
from typing import Any

from sheetsync.columns import COLUMNS, Field, column, heading_key, match_header_label, match_heading
from sheetsync.dates import MONTHS, parse_date
from sheetsync.errors import NoPlanFoundError
from sheetsync.model import Action, Plan, ReadNote, Recommendation, split_owners
from sheetsync.text import (
    FURNITURE,
    MARKING,
    Value,
    a1,
    cell_text,
    clean_text,
    clean_texts,
    col_letter,
    non_text_indices,
    parse_range,
)
from sheetsync.vocabulary import Vocabulary, default_vocabulary

HEADER_SCAN_ROWS = 60  # the heading row is looked for in the first rows of each sheet
TEXT_FIELDS: tuple[str, ...] = ("evidence", "owner", "update", "supporting_documents")
_NUMBER = int | float  # bool too, as a subclass of int; built once: `isinstance(v, int | float)` builds it per call
_TEXT_COLUMNS = ("rec_text", "action_id", "evidence", "owner", "update", "supporting_documents")  # cleaned
ACTION_ID = re.compile(r"^\s*([a-z]{0,3}\d{1,3}\s*\.\s*\d{1,3}[a-z]?)(?=\s|$|[:\-–)])\s*[:\-–)]?\s*(.*)$",
                       re.DOTALL | re.IGNORECASE)
# "7", "Rec 7", "Recommendation 7.", and a force's own local numbers ("L1", "29a")
REC_NUMBER = re.compile(r"^\s*(?:rec(?:ommendation)?\.?\s*(?:no\.?\s*)?)?([a-z]{0,3}\d{1,3}[a-z]?)\s*[.:)]?\s*$",
                        re.IGNORECASE)


@dataclass
class Grid:
    """A sheet's values in memory: rows[0][0] sits at (first_row, first_col), both 1-based."""

    sheet: str
    rows: list[list[Value]]
    first_row: int = 1
    first_col: int = 1
    hidden_rows: set[int] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)
    uncalculated: set[str] = field(default_factory=set)
    marking: str | None = None  # found in the page header or footer


def _is_blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------------- grid -> plan


@cache
def _exact_headings() -> frozenset[str]:
    return frozenset(heading_key(name) for col in COLUMNS for name in (col.heading, *col.aliases))


def find_header_row(grid: Grid) -> tuple[int, int] | None:
    """(index into grid.rows, score) of the heading row, or None. A heading row names at least three of the
    national columns, including the evidence (or rec number) and one of owner, update or status."""
    best: tuple[int, int] | None = None
    exact = _exact_headings()
    for index, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        texts = [v for v in row if isinstance(v, str) and 0 < len(v) < 80 and not v.isspace()]
        # Cheap first: a heading row has at least two headings spelt as some plan spells them. Only then are
        # its other cells matched fuzzily ("Recomendation"), which costs a difflib search each.
        if sum(heading_key(v) in exact for v in texts) < 2:
            continue
        fields = {match_heading(v) for v in texts}
        fields.discard(None)
        if len(fields) < 3 or not fields & {"evidence", "action_id", "rec_number"}:
            continue
        if not fields & {"owner", "update", "status"}:
            continue
        score = len(fields)
        if best is None or score > best[1]:
            best = (index, score)
    return best


def _column_map(grid: Grid, header: list[Value], data: list[list[Value]]) -> tuple[dict[Field, int],
                                                                                    dict[str, int], list[int]]:
    """Field -> column index, extra heading -> column index, and unlabelled columns."""
    fields: dict[Field, int] = {}
    extra: dict[str, int] = {}
    updates: list[tuple[int, str]] = []
    unlabelled: list[int] = []
    width = max([len(header)] + [len(r) for r in data[:200]])
    for col in range(width):
        value = header[col] if col < len(header) else None
        text = clean_text(value) if not _is_blank(value) else None
        if text is None:
            if fields.get("evidence") == col - 1 and "action_id" not in fields:
                # "Evidence requirements of progress/completion:" spans two cells: the id, then the text.
                fields["action_id"], fields["evidence"] = col - 1, col
            else:
                unlabelled.append(col)
            continue
        found = match_heading(text)
        if found == "update":
            updates.append((col, text))
        elif found is not None and found not in fields:
            fields[found] = col
        else:
            extra[text if text not in extra else f"{text} ({col_letter(col + grid.first_col)})"] = col
    if updates:
        # Several update columns ("Initial response", "March 2025 update"): the template's own "Force Update:"
        # wins; otherwise the newest by the date in its heading, otherwise the last. The others are kept.
        chosen = _newest_update(updates)
        fields["update"] = chosen
        for col, text in updates:
            if col != chosen:
                extra[text if text not in extra else f"{text} ({col_letter(col + grid.first_col)})"] = col
    return fields, extra, unlabelled


_HEADING_DATE = re.compile(r"([a-z]{3,9})\.?\s+(\d{4})|(\d{1,2})[/.](\d{2,4})|\b(20\d\d)\b", re.IGNORECASE)


def _newest_update(updates: list[tuple[int, str]]) -> int:
    """The column of the current update among several update columns."""
    national = heading_key(column("update").heading)
    for col, text in updates:
        if heading_key(text) == national:
            return col
    dated: list[tuple[tuple[int, int], int]] = []
    for col, text in updates:
        match = _HEADING_DATE.search(text)
        if match is None:
            continue
        month_name, year, month_number, year2, year_only = match.groups()
        if month_name and MONTHS.get(month_name[:3].casefold()):
            dated.append(((int(year), MONTHS[month_name[:3].casefold()]), col))
        elif month_number:
            dated.append(((int(year2) % 100 + 2000, int(month_number)), col))
        elif year_only:
            dated.append(((int(year_only), 0), col))
    return max(dated)[1] if dated else updates[-1][0]


def plan_from_grid(grid: Grid, *, source: str | None = None, status_list: list[str] | None = None,
                   vocabulary: Vocabulary | None = None, head_index: int | None = None) -> Plan:
    """Turn a sheet's values into a Plan, recording the cell of every value and what could not be used. Pass
    `head_index` (the heading row's index in `grid.rows`) when the caller found it already (`read_plan_bytes`
    does, choosing the sheet)."""
    if head_index is None:
        found = find_header_row(grid)
        if found is None:
            raise NoPlanFoundError(f"sheet '{grid.sheet}' has no heading row naming the plan's columns",
                                   path=source, hint="Start from 'sheetsync template'")
        head_index = found[0]
    vocab = vocabulary or (Vocabulary.from_list(status_list) if status_list else default_vocabulary())
    plan = Plan(title=None, force=None, executive_lead=None, operational_lead=None,
                                protective_marking=grid.marking, recommendations=[], source=source,
                                sheet=grid.sheet, header_cells={}, status_list=status_list, read_notes=[])
    _read_header_block(grid, head_index, plan)
    _RowReader(grid, head_index, plan, vocab).read()
    if not plan.recommendations and grid.uncalculated:
        below = sorted((cell for cell in grid.uncalculated if _row_of(cell) > grid.first_row + head_index),
                       key=lambda cell: (_row_of(cell), len(cell), cell))
        if below:
            shown = ", ".join(below[:5]) + (f" and {len(below) - 5} more" if len(below) > 5 else "")
            raise NoPlanFoundError(
                f"sheet '{grid.sheet}' has the plan's headings, but the cells under them are formulas that have "
                f"never been calculated ({shown}), so their values are unknown", path=source,
                hint="Open the workbook in Excel or LibreOffice, let it calculate, save it, and try again")
    if not plan.recommendations:
        raise NoPlanFoundError(f"sheet '{grid.sheet}' has the plan's headings but no recommendation rows under "
                               "them", path=source, hint="Fill in the grid, or start from 'sheetsync template'")
    _attach_deadlines(plan)
    return plan


class _RowReader:
    """Reads the rows under the heading row into recommendations and actions.

    Big sheets make this the reader's hot loop, so the work that does not depend on the row is done once: text
    columns are cleaned a column at a time (`clean_texts`) and each field's "Sheet!A1" prefix is built once.
    Rows that need more (a merged value carried down, an uncalculated formula, a number in a text column, a
    short row) take `_general_values`, which reads them cell by cell."""

    def __init__(self, grid: Grid, head_index: int, plan: Plan, vocab: Vocabulary) -> None:
        self.grid, self.plan, self.vocab = grid, plan, vocab
        self.notes = plan.read_notes
        self.head_index = head_index
        header = grid.rows[head_index]
        self.data = grid.rows[head_index + 1:]
        self.first_data_row = grid.first_row + head_index + 1
        self.fields, self.extra_cols, self.unlabelled = _column_map(grid, header, self.data)
        self.merged_down, merge_notes = _merged_input_ranges(grid, self.fields)
        self.notes.extend(merge_notes)
        self.heading_texts = {v.strip() for v in header if isinstance(v, str) and v.strip()}
        width = max([len(header), *(len(r) for r in self.data[:200]), *(c + 1 for c in self.fields.values())])
        self.letters = [col_letter(c + grid.first_col) for c in range(width + 1)]
        self.input_cols = [(name, col) for name, col in self.fields.items() if name not in ("rec_number", "rec_text")]
        self.col_specs = [("id" if name == "action_id" else name, name, col, self.letter(col))
                          for name, col in self.input_cols]
        self.extra_specs = [(heading, col, f"{grid.sheet}!{self.letter(col)}")
                            for heading, col in self.extra_cols.items()]
        # Every cell an action records, in the order they are recorded: the input fields, "id" standing for the
        # evidence cell when there is no id column, then the extra columns (whose heading may repeat a field's).
        self.cell_prefixes: list[tuple[str, str]] = [(key, f"{grid.sheet}!{letter}")
                                                     for key, _, _, letter in self.col_specs]
        keys = {key for key, *_ in self.col_specs}
        if "id" not in keys and "evidence" in keys:
            self.cell_prefixes.append(("id", f"{grid.sheet}!{self.letter(self.fields['evidence'])}"))
        self.cell_prefixes += [(heading, prefix) for heading, _, prefix in self.extra_specs]
        self.field_letters: dict[str, str] = {key: letter for key, _, _, letter in self.col_specs}
        self.last_col = max([col for *_, col, _ in self.col_specs] + list(self.extra_cols.values()), default=-1)
        # The rows a column at a time (None where a row is short), for the work done per column.
        self.columns = list(zip_longest(*self.data))
        text_cols = [col for name, col in self.fields.items() if name in _TEXT_COLUMNS]
        self.texts = {col: clean_texts(self.column(col)) for col in text_cols + list(self.extra_cols.values())}
        self.general_rows = self._general_rows()
        # What _action reads for a plain row, column by column (all None where the plan has no such column).
        no_column: list[None] = [None] * len(self.data)
        self.owner_texts: Sequence[str | None] = self.column_texts("owner") or no_column
        self.update_texts: Sequence[str | None] = self.column_texts("update") or no_column
        self.documents_texts: Sequence[str | None] = self.column_texts("supporting_documents") or no_column
        self.extra_texts = [(heading, self.texts[col]) for heading, col in self.extra_cols.items()]
        date_col, status_col = self.fields.get("date"), self.fields.get("status")
        self.date_values: Sequence[Value] = no_column if date_col is None else self.column(date_col)
        self.status_values: Sequence[Value] = no_column if status_col is None else self.column(status_col)
        self.owners_cache: dict[str | None, list[str]] = {}
        self.status_cache: dict[str, Any] = {}
        self.date_cache: dict[Any, Any] = {}

    def letter(self, col: int) -> str:
        return self.letters[col] if col < len(self.letters) else col_letter(col + self.grid.first_col)

    def column(self, col: int) -> Sequence[Value]:
        return self.columns[col] if col < len(self.columns) else [None] * len(self.data)

    def column_texts(self, name: Field) -> list[str | None] | None:
        col = self.fields.get(name)
        return None if col is None else self.texts[col]

    def _general_rows(self) -> set[int]:
        """Offsets into self.data of the rows `_general_values` must read: a merged value carried into them, a
        formula never calculated (a superset: any address naming the row), or a number in a text column."""
        rows = {sheet_row - self.first_data_row for sheet_row, _ in self.merged_down}
        for address in self.grid.uncalculated:
            match = re.fullmatch(r"[A-Z]+(\d+)", address)
            if match:
                rows.add(int(match.group(1)) - self.first_data_row)
        for name, col in self.fields.items():
            if name in TEXT_FIELDS:
                values = self.column(col)
                rows.update(offset for offset in non_text_indices(values) if isinstance(values[offset], _NUMBER))
        return rows

    def read(self) -> None:
        grid, plan, fields = self.grid, self.plan, self.fields
        sheet = grid.sheet
        rec: Recommendation | None = None
        pending_blank: list[int] = []
        rec_col, text_col = fields.get("rec_number"), fields.get("rec_text")
        id_col = fields.get("action_id")
        rec_texts, id_texts, ev_texts = (self.column_texts("rec_text"), self.column_texts("action_id"),
                                         self.column_texts("evidence"))
        input_cols = [c for name, c in self.input_cols if name not in ("action_id", "evidence")]
        first_data_row = self.first_data_row
        for offset, row in enumerate(self.data):
            sheet_row = first_data_row + offset
            cells = [v for v in row if v != "" and v is not None and not (isinstance(v, str) and v.isspace())]
            if not cells:
                pending_blank.append(sheet_row)
                continue
            if len(cells) == 1 and isinstance(cells[0], str):
                only = clean_text(cells[0]) or ""
                if MARKING.match(only):
                    plan.protective_marking = plan.protective_marking or only.upper()
                    continue
                if FURNITURE.match(only):
                    continue
            head = cells[0]
            if (isinstance(head, str) and head.strip() in self.heading_texts
                    and all(isinstance(v, str) and v.strip() in self.heading_texts for v in cells)):
                continue  # the heading row repeated at a page break
            for blank in pending_blank:
                self.notes.append(ReadNote(
                    kind="blank-row", sheet=sheet, cell=a1(blank, grid.first_col),
                    message=f"row {blank} is blank inside the plan grid"))
            pending_blank = []
            n = len(row)
            number = _rec_number(row[rec_col]) if rec_col is not None and rec_col < n else None
            rec_text = rec_texts[offset] if rec_texts is not None else None
            if number is not None and (rec is None or number != rec.number):
                rec = Recommendation(number=number, text=rec_text, deadline=None, addressees=[],
                                                     actions=[], cells={})
                rec.cells["number"] = f"{sheet}!{self.letter(rec_col or 0)}{sheet_row}"
                if text_col is not None:
                    rec.cells["text"] = f"{sheet}!{self.letter(text_col)}{sheet_row}"
                plan.recommendations.append(rec)
            elif rec is not None and rec_text and not rec.text:
                rec.text = rec_text
                if text_col is not None:
                    rec.cells["text"] = f"{sheet}!{self.letter(text_col)}{sheet_row}"

            action_id, evidence, trimmed = _split_id(row[id_col] if id_col is not None and id_col < n else None,
                                                     id_texts[offset] if id_texts is not None else None,
                                                     ev_texts[offset] if ev_texts is not None else None)
            if action_id is None and evidence is None and not any(
                    c < n and not _is_blank(row[c]) for c in input_cols):
                if number is None and rec_text is None and not any(
                        c < n and not _is_blank(row[c]) for c in self.extra_cols.values()):
                    self._unlabelled(row, sheet_row, None, rec)
                continue
            if rec is None:
                # Evidence before any recommendation number: keep it under a recommendation named by its id.
                guess = (action_id or "").partition(".")[0] or "?"
                rec = Recommendation(number=guess, text=None, deadline=None, addressees=[],
                                                     actions=[], cells={})
                plan.recommendations.append(rec)
            action = self._action(row, offset, sheet_row, action_id or "", evidence, rec)
            if trimmed is not None:
                self.notes.append(ReadNote(
                    kind="id-trimmed", sheet=sheet, cell=action.cells["id"].rpartition("!")[2], value=trimmed,
                    field="id", action=action.id, recommendation=rec.number,
                    message=f"the evidence id was typed as {trimmed!r}"))
            if self.unlabelled:
                self._unlabelled(row, sheet_row, action.id, rec)
            rec.actions.append(action)

    def _unlabelled(self, row: list[Value], sheet_row: int, action_id: str | None,
                    rec: Recommendation | None) -> None:
        for col in self.unlabelled:
            if col < len(row) and not _is_blank(row[col]):
                self.notes.append(_note("value-under-no-header", self.grid.sheet, sheet_row,
                                        col + self.grid.first_col, row[col], action_id, rec))

    def _action(self, row: list[Value], offset: int, sheet_row: int, action_id: str, evidence: str | None,
                rec: Recommendation) -> Action:
        grid, notes = self.grid, self.notes
        sheet = grid.sheet
        row_text = str(sheet_row)
        cells = {key: prefix + row_text for key, prefix in self.cell_prefixes}
        extra: dict[str, str] = {}
        if len(row) > self.last_col and offset not in self.general_rows:
            owner, update, documents = (self.owner_texts[offset], self.update_texts[offset],
                                        self.documents_texts[offset])
            date_value, status_value = self.date_values[offset], self.status_values[offset]
            for heading, texts in self.extra_texts:
                extra_text = texts[offset]
                if extra_text is not None:
                    extra[heading] = extra_text
        else:
            owner, update, documents, date_value, status_value = self._general_values(row, sheet_row, row_text,
                                                                                     action_id, rec)
            for heading, col, _ in self.extra_specs:
                extra_text = clean_text(row[col]) if col < len(row) else None
                if extra_text is not None:
                    extra[heading] = extra_text

        if isinstance(date_value, str):
            date_value = clean_text(date_value)
        date_parse = self.date_cache.get(date_value)
        if date_parse is None:
            date_parse = self.date_cache[date_value] = parse_date(date_value)
        if date_parse.how in ("dmy", "month", "ordinal", "iso") and "date" in self.field_letters:
            notes.append(ReadNote(
                kind="text-date", sheet=sheet, cell=self.field_letters["date"] + row_text, value=date_parse.raw,
                field="date", action=action_id, recommendation=rec.number,
                message=f"the date was typed as text ({date_parse.raw!r})"))
        elif date_parse.how == "serial" and "date" in self.field_letters:
            notes.append(ReadNote(
                kind="serial-date", sheet=sheet, cell=self.field_letters["date"] + row_text, value=date_parse.raw,
                field="date", action=action_id, recommendation=rec.number,
                message=f"the number {date_parse.raw} was read as an Excel date"))

        if type(status_value) is str:  # the usual case, in short (cell_text of a str is the str itself)
            status_raw = status_value if status_value.strip() else None
        else:
            status_raw = None if _is_blank(status_value) else cell_text(status_value)
        match = self.status_cache.get(status_raw or "")
        if match is None:
            match = self.status_cache[status_raw or ""] = self.vocab.normalise(status_raw)
        owners = self.owners_cache.get(owner)
        if owners is None:
            owners = self.owners_cache[owner] = split_owners(owner)
        return Action(
            id=action_id, evidence=evidence, owner=owner, owners=list(owners), update=update,
            date=date_parse.date, date_raw=date_parse.raw if date_parse.how != "empty" else None,
            status=match.status, status_raw=status_raw, progress=match.progress,
            supporting_documents=documents, extra=extra, cells=cells, hidden=sheet_row in grid.hidden_rows)

    def _general_values(self, row: list[Value], sheet_row: int, row_text: str, action_id: str,
                        rec: Recommendation) -> tuple[str | None, str | None, str | None, Value, Value]:
        """(owner, update, supporting documents, date, status) of a row read cell by cell, noting uncalculated
        formulas and numbers in text columns, and taking the value of a merged cell over the row."""
        grid, notes = self.grid, self.notes
        sheet = grid.sheet
        n = len(row)
        values: dict[str, Value] = {}
        uncalculated = grid.uncalculated
        for key, name, col, letter in self.col_specs:
            value = row[col] if col < n else None
            if uncalculated and f"{letter}{row_text}" in uncalculated:
                notes.append(ReadNote(
                    kind="formula-not-calculated", sheet=sheet, cell=f"{letter}{row_text}", field=key, action=action_id,
                    recommendation=rec.number, message="holds a formula that has never been calculated"))
            if self.merged_down and _is_blank(value) and (sheet_row, col) in self.merged_down:
                value = self.merged_down[(sheet_row, col)]
            values[name] = value
        for text_field in TEXT_FIELDS:
            value = values.get(text_field)
            if isinstance(value, _NUMBER):
                notes.append(ReadNote(
                    kind="number-in-text-column", sheet=sheet, cell=self.field_letters[text_field] + row_text,
                    value=cell_text(value), field=text_field, action=action_id, recommendation=rec.number,
                    message=f"a number where the {text_field.replace('_', ' ')} text should be"))
        return (clean_text(values.get("owner")), clean_text(values.get("update")),
                clean_text(values.get("supporting_documents")), values.get("date"), values.get("status"))


def _note(kind: str, sheet: str, row: int, col: int, value: Value, action: str | None,
          rec: Recommendation | None, field_name: str | None = None, message: str = "") -> ReadNote:
    return ReadNote(
        kind=kind, sheet=sheet, cell=a1(row, col), value=None if value is None else cell_text(value),
        field=field_name, action=action, recommendation=rec.number if rec else None, message=message)


def _row_of(address: str) -> int:
    return int(address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0)


def _rec_number(value: Value) -> str | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else None
    match = REC_NUMBER.match(clean_text(value) or "")
    return match.group(1) if match else None


def _split_id(id_raw: Value, id_text: str | None, evidence: str | None) -> tuple[str | None, str | None, str | None]:
    """(id, evidence text, the id as typed when trimming changed it), from the id cell's value and the cleaned
    texts of the id and evidence cells."""
    if isinstance(id_raw, _NUMBER) and not isinstance(id_raw, bool):
        return cell_text(round(float(id_raw), 3)), evidence, None
    raw_text = id_raw if isinstance(id_raw, str) else None
    if id_text:
        match = ACTION_ID.match(id_text)
        if match and match.group(2):  # "11.3 Ways to regularly receive feedback…" in the id cell
            return re.sub(r"\s+", "", match.group(1)), evidence or match.group(2).strip(), None
        trimmed = raw_text if raw_text is not None and raw_text != id_text else None
        return id_text, evidence, trimmed
    if evidence:
        match = ACTION_ID.match(evidence)
        if match:  # id and text in one cell
            return re.sub(r"\s+", "", match.group(1)), match.group(2).strip() or None, None
    return None, evidence, None


def _merged_input_ranges(grid: Grid, fields: dict[Field, int]) -> tuple[dict[tuple[int, int], Value],
                                                                         list[ReadNote]]:
    """(sheet row, grid column) -> value for merged ranges over several rows in an input column, and a note
    for each such range (the value is applied to every row it covers)."""
    input_cols = {col for name, col in fields.items() if name not in ("rec_number", "rec_text")}
    result: dict[tuple[int, int], Value] = {}
    notes: list[ReadNote] = []
    for ref in grid.merged:
        try:
            (r1, c1), (r2, _c2) = parse_range(ref)
        except ValueError:
            continue
        col = c1 - grid.first_col
        index = r1 - grid.first_row
        if r2 <= r1 or col not in input_cols or not 0 <= index < len(grid.rows):
            continue
        bottom = min(r2, grid.first_row + len(grid.rows) - 1)  # a merge down a whole column stops at the data
        value = grid.rows[index][col] if col < len(grid.rows[index]) else None
        for sheet_row in range(r1 + 1, bottom + 1):
            result[(sheet_row, col)] = value
        notes.append(ReadNote(
            kind="merged-input-cell", sheet=grid.sheet, cell=ref.partition(":")[0],
            value=None if _is_blank(value) else cell_text(value),
            message=f"{ref} is one merged cell over {r2 - r1 + 1} rows; its value was applied to each"))
    return result, notes


def _read_header_block(grid: Grid, head_index: int, plan: Plan) -> None:
    """Title, Force, Executive Lead, Operational Lead and a marking, from the rows above the headings."""
    sheet = grid.sheet
    merged_end: dict[tuple[int, int], int] = {}  # (sheet row, grid col) of a merged range's start -> its last col
    for ref in grid.merged:
        try:
            (r1, c1), (_r2, c2) = parse_range(ref)
        except ValueError:
            continue
        merged_end[(r1, c1 - grid.first_col)] = c2 - grid.first_col
    for index, row in enumerate(grid.rows[:head_index]):
        sheet_row = grid.first_row + index
        col = 0
        while col < len(row):
            value = row[col]
            if _is_blank(value):
                col += 1
                continue
            text = clean_text(value) or ""
            label, _, inline = text.partition(":")
            field_name = match_header_label(label) if len(label) < 40 else None
            if field_name:
                answer: str | None = inline.strip() or None
                at = col
                if answer is None:
                    for nxt in range(col + 1, len(row)):
                        if not _is_blank(row[nxt]):
                            answer, at = clean_text(row[nxt]), nxt
                            break
                    else:
                        at = merged_end.get((sheet_row, col), col) + 1
                setattr(plan, field_name, answer)
                plan.header_cells[field_name] = f"{sheet}!{a1(sheet_row, at + grid.first_col)}"
                col = at + 1
                continue
            if MARKING.match(text):
                plan.protective_marking = plan.protective_marking or text.upper()
            elif plan.title is None and len(text) > 12:
                plan.title = text.strip("'\" ")
                plan.header_cells["title"] = f"{sheet}!{a1(sheet_row, col + grid.first_col)}"
            col += 1


def _attach_deadlines(plan: Plan) -> None:
    from sheetsync.catalogue import catalogue

    cat = catalogue()
    for rec in plan.recommendations:
        entry = cat.get(rec.number)
        if entry is not None:
            rec.deadline = entry.deadline
            rec.addressees = list(entry.addressees)


__all__ = [
    "ACTION_ID",
    "HEADER_SCAN_ROWS",
    "REC_NUMBER",
    "TEXT_FIELDS",
    "Grid",
    "find_header_row",
    "plan_from_grid",
]
