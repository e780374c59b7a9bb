"""Shape 4: a plan as a table (Markdown, HTML, CSV, Word, Excel) with renamed, reordered, reduced or extra
columns. Headings are matched through `columns.match_heading` (the one home of heading aliases).

- No Status column: statuses stay empty. No Date column: dates stay empty.
- Several update columns ("Initial action plan response", "March 2025 update"): the newest becomes
  `Action.update`; the earlier ones are kept in `Action.extra` under their heading.
- Columns nobody knows ("RAG", "Lead team"): kept in `Action.extra` under their heading.
- "Sub recommendation" cells holding the id and the text together are split; an id alone followed by a column
  with no heading (a merged heading over two columns) takes its text from that column.
- "No. | Recommendations | Response": a response to a whole recommendation is kept as an action whose id is the
  recommendation's number, with a warning (the source gives no evidence ids; none are made up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sheetsync.columns import column, heading_key, match_heading
from sheetsync.importers.build import PlanBuilder, Row
from sheetsync.importers.common import (
    CellCleaner,
    Document,
    Line,
    Table,
    header_field,
    is_title,
    marking_of,
    rec_number,
    sides,
    split_id,
)
from sheetsync.importers.keyvalue import _DEADLINE, rec_candidate
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan, Recommendation
from sheetsync.text import is_page_furniture

_NAME = "table"

_KEY_FIELDS = {"rec_number", "action_id", "evidence"}
_MARKING_LABEL = re.compile(r"marking|classification|dosbarthiad|security", re.IGNORECASE)
_BODY_FIELDS = {"rec_text", "evidence", "owner", "update", "status"}
_HEADING_DATE = re.compile(
    r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)[a-z]*\.?\s*[-/' ]?\s*(\d{4}|\d{2})\b", re.IGNORECASE)
_MONTH_NO = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec"), start=1)}


@dataclass
class ColumnMap:
    fields: dict[str, int] = field(default_factory=dict)  # field -> column index
    extras: dict[int, str] = field(default_factory=dict)  # column index -> heading, kept in Action.extra
    id_text_col: int | None = None  # a column with no heading after the evidence column
    width: int = 0
    dated_updates: dict[int, date] = field(default_factory=dict)  # one dated update column per return, no Date


def heading_date(text: str) -> date | None:
    """The month a heading names ("Update Jan 2025", "March 2025 update"), as its first day; None if none."""
    found = _heading_date(text, 0)[0]
    return None if found == date.min else found


def _heading_date(text: str, index: int) -> tuple[date, int]:
    match = _HEADING_DATE.search(text)
    if not match:
        return date.min, index
    year = int(match.group(2))
    return date(year + 2000 if year < 100 else year, _MONTH_NO[match.group(1)[:3].lower()], 1), index


def heading_of(cell: str) -> str | None:
    """The field a heading names, trying each side of a bilingual heading ("Statws / Status", "Statws<LF>Status")."""
    if not cell.strip() or len(cell) >= 120:
        return None
    return next((name for part in sides(cell) if len(part) < 80 and (name := match_heading(part)) is not None),
                None)


def alias_rank(name: str, cell: str) -> int:
    """How near a heading is to the field's national wording: 0 for the heading itself, then the aliases in the
    order columns.py lists them (plain words before qualified ones); fuzzy matches last."""
    names = [heading_key(n) for n in (column(name).heading, *column(name).aliases)]  # type: ignore[arg-type]
    return min((names.index(key) for part in sides(cell) if (key := heading_key(part)) in names), default=len(names))


def column_map(cells: list[str]) -> ColumnMap | None:
    """The columns of a heading row, or None when the row is not one."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        name = heading_of(cell)
        if name is not None:
            found[i] = name
    filled = [c for c in cells if c.strip()]
    kinds = set(found.values())
    if len(kinds) < 2 or not kinds & _KEY_FIELDS or not kinds & _BODY_FIELDS:
        return None
    if len(found) * 2 < len(filled):
        return None
    cmap = ColumnMap(width=len(cells))
    updates = [i for i, name in found.items() if name == "update"]
    if updates:
        newest = max(updates, key=lambda i: _heading_date(cells[i], i))
        cmap.fields["update"] = newest
        for i in updates:
            if i != newest:
                cmap.extras[i] = cells[i].strip()
    # Two columns for one field (a tracker's "RAG status" beside "Status"): the heading nearer the national
    # wording wins, the other is kept as an extra; equally near, the first.
    winner: dict[str, int] = {}
    for i, name in found.items():
        if name not in winner or alias_rank(name, cells[i]) < alias_rank(name, cells[winner[name]]):
            winner[name] = i
    for i, name in found.items():
        if name == "update":
            continue
        if winner[name] != i:
            cmap.extras[i] = cells[i].strip()
        else:
            cmap.fields[name] = i
    for i, cell in enumerate(cells):
        if i not in found and cell.strip():
            cmap.extras[i] = cell.strip().rstrip(":")
    dated = {i: when for i in updates if (when := heading_date(cells[i])) is not None}
    if len(updates) >= 2 and len(dated) == len(updates) and "date" not in cmap.fields:
        cmap.dated_updates = dated
    evidence = cmap.fields.get("evidence")
    if evidence is not None and evidence + 1 < len(cells) and not cells[evidence + 1].strip():
        cmap.id_text_col = evidence + 1
    return cmap


def _candidate(doc: Document) -> bool:
    return any(column_map(row.cells) for table in doc.tables for row in table.rows[:25])


def _parse(doc: Document, report: ImportReport) -> Plan:
    builder = PlanBuilder(report)
    clean = CellCleaner(report)
    for line in doc.lines:
        if not line.in_table:
            _loose(line, [clean(c, line.no) for c in line.cells], builder, report, paragraph=True)
    cmap: ColumnMap | None = None
    gaps = _gaps(doc, CellCleaner(ImportReport()))  # a second look at lines already cleaned: not counted again
    waiting: list[Recommendation] = []  # from the previous table, still without text
    for k, table in enumerate(doc.tables):
        _give_text(waiting, _leading_unnumbered(gaps[k]), report)
        count = len(builder.plan.recommendations)
        cmap = _table(table, cmap, builder, clean, report)
        made = builder.plan.recommendations[count:]
        _give_text(made, gaps[k], report)
        waiting = [rec for rec in made if not rec.text]
    _give_text(waiting, _leading_unnumbered(gaps[len(doc.tables)]), report)
    return builder.finish(shape=_NAME)


# A line outside the tables that reads as a recommendation: (line, its number or None, its text).
_Candidate = tuple[int, str | None, str]


def _gaps(doc: Document, clean: CellCleaner) -> list[list[_Candidate]]:
    """For each table, the recommendation-like lines between the table before it and it; then those after the
    last table. A page that keeps one table per recommendation (accordions, Word sections) puts the
    recommendation's own paragraph, with its deadline, beside its table rather than in it."""
    heads = [_heading_index(table, clean) for table in doc.tables]
    rows = {id(line) for table, h in zip(doc.tables, heads, strict=True) for line in table.rows[h:]}
    starts = {id(table.rows[h]): k for k, (table, h) in enumerate(zip(doc.tables, heads, strict=True))
              if len(table.rows) > h}
    gaps: list[list[_Candidate]] = [[] for _ in range(len(doc.tables) + 1)]
    current = 0
    for line in doc.lines:
        if id(line) in starts:
            current = starts[id(line)] + 1
        if id(line) in rows:
            continue
        text = " ".join(c for c in (clean(c) for c in line.cells) if c)
        found = _recommendation_line(text) if text else None
        if found is not None:
            gaps[current].append((line.no, found[0], found[1]))
    return gaps  # gaps[k]: after table k-1, before table k


def _heading_index(table: Table, clean: CellCleaner) -> int:
    """The index of a table's heading row (0 when it has none): the rows above it (a title row "Recommendation 7:
    By 27 March 2025, …" merged across a Word table) read like the lines before the table."""
    for k, line in enumerate(table.rows[:25]):
        if column_map([clean(c) for c in line.cells]) is not None:
            return k
    return 0


def _recommendation_line(text: str) -> tuple[str | None, str] | None:
    """rec_candidate, also on either side of a bilingual line ("Argymhelliad 7 / Recommendation 7"; "Erbyn 27
    Mawrth 2025 / By 27 March 2025, …", whose text is kept whole)."""
    found = rec_candidate(text)
    if found is not None:
        return found
    for part in sides(text)[1:]:
        side = rec_candidate(part)
        if side is not None:
            return side[0], text if side[1] else ""
    return None


def _leading_unnumbered(gap: list[_Candidate]) -> list[_Candidate]:
    """The unnumbered recommendation texts at the start of a gap, before any numbered heading: they follow the
    previous table and belong to it."""
    out: list[_Candidate] = []
    for candidate in gap:
        if candidate[1] is not None:
            break
        out.append(candidate)
    return out


def _give_text(recs: list[Recommendation], gap: list[_Candidate], report: ImportReport) -> None:
    for rec in recs:
        if rec.text:
            continue
        fits = [c for c in gap if c[1] in (None, rec.number) and c[2]]
        if not fits:
            continue
        line, _, text = max(fits, key=lambda c: (bool(_DEADLINE.match(c[2]) or _DEADLINE.search(c[2][:60])),
                                                 len(c[2])))
        rec.text = text
        gap.remove((line, _, text))
        report.clean("recommendation-text-beside-table", line,
                     "a recommendation's text taken from the paragraph or heading beside its table")


def _loose(line: Line, cells: list[str], builder: PlanBuilder, report: ImportReport, *, paragraph: bool) -> bool:
    """Title, header fields, marking and page furniture outside the grid; True when the line was one."""
    text = " ".join(c for c in cells if c)
    if not text:
        return True
    marking = marking_of(text)
    if marking:
        builder.marking(marking, line.no)
        return True
    if is_page_furniture(text):
        report.clean("page-furniture-dropped", line.no, "page numbers")
        return True
    filled = [c for c in cells if c]
    if len(filled) == 2 and _MARKING_LABEL.search(filled[0]):
        found = next((m for part in sides(filled[1]) if (m := marking_of(part))), None)
        if found:
            builder.marking(found, line.no)
            return True
    head = header_field(cells)
    if head is not None:
        builder.header(*head, line.no)
        return True
    if is_title(text) and builder.plan.title is None:
        builder.title(text)
        return True
    if paragraph:
        # Prose around the table (a web page's paragraphs): not part of the grid, not worth one line each.
        report.clean("text-outside-tables-ignored", line.no, "paragraphs outside the plan's table")
        return True
    return False


def _table(table: Table, cmap: ColumnMap | None, builder: PlanBuilder, clean: CellCleaner,
           report: ImportReport) -> ColumnMap | None:
    rows = [(line, [clean(c, line.no) for c in line.cells]) for line in table.rows]
    start = 0
    own: ColumnMap | None = None
    for k, (_line, cells) in enumerate(rows[:25]):
        own = column_map(cells)
        if own is not None:
            start = k + 1
            break
    if own is None:
        if cmap is None or not rows or max(len(c) for _, c in rows) != cmap.width:
            for line, cells in rows:
                if any(cells) and not _loose(line, cells, builder, report, paragraph=False):
                    report.skip(line.no, line.text, "a table row outside the plan grid")
            return cmap
        report.clean("tables-continued", rows[0][0].no, "tables without headings read with the previous headings")
    else:
        for line, cells in rows[: start - 1]:
            if not any(cells) or _loose(line, cells, builder, report, paragraph=False):
                continue
            if _recommendation_line(" ".join(c for c in cells if c)) is not None:
                report.clean("recommendation-rows-above-headings", line.no,
                             "a recommendation's number or text in a row above its table's headings")
                continue
            report.skip(line.no, line.text, "a row above the grid's headings")
        cmap = own
        report.where(_describe_columns(own, rows[start - 1][1], f"{table.name or 'table'}, headings at line "
                                                                f"{rows[start - 1][0].no}"))
    for line, cells in rows[start:]:
        if not any(cells):
            report.clean("blank-rows-dropped", line.no)
            continue
        if column_map(cells) is not None:
            report.clean("repeated-headings-dropped", line.no, "heading rows repeated at page breaks")
            continue
        _row(line, cells, cmap, builder, report)
    return cmap


def _describe_columns(cmap: ColumnMap, heads: list[str], where: str) -> str:
    fields = ", ".join(f"{name.replace('_', ' ')} from '{_short(heads[i])}'" for name, i in cmap.fields.items())
    extras = ", ".join(f"'{_short(text)}'" for text in cmap.extras.values())
    return f"{where}: {fields}" + (f"; kept beside them: {extras}" if extras else "")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _newest_dated_update(row: Row, cells: list[str], cmap: ColumnMap, report: ImportReport) -> None:
    """One dated update column per return and no Date column: the row's newest non-empty update, dated by its
    column (the newest column is often blank on rows nobody updated this time)."""
    filled = [(when, i) for i, when in cmap.dated_updates.items() if _cell(cells, i)]
    if not filled:
        return
    when, chosen = max(filled)
    row.date = when.isoformat()
    if chosen != cmap.fields["update"]:
        heading = cmap.extras[chosen]
        row.update = row.extra.pop(heading)
        report.where(f"line {row.line}: update from '{heading}'; the newer update columns are blank on that row")
    report.clean("updates-dated-by-column", row.line, "each row's newest non-empty update column, dated by its "
                 "heading")


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _row(line: Line, cells: list[str], cmap: ColumnMap, builder: PlanBuilder, report: ImportReport) -> None:
    get = cmap.fields.get
    row = Row(line=line.no, owner=_cell(cells, get("owner")), update=_cell(cells, get("update")),
              date=_cell(cells, get("date")), status=_cell(cells, get("status")),
              supporting_documents=_cell(cells, get("supporting_documents")))
    row.extra = {heading: _cell(cells, i) for i, heading in cmap.extras.items() if _cell(cells, i)}
    if cmap.dated_updates:
        _newest_dated_update(row, cells, cmap, report)
    if len(cells) > cmap.width:
        for value in cells[cmap.width:]:
            if value:
                report.skip(line.no, value, "a value beyond the last heading", lost=True)

    rec_cell, rec_text = _cell(cells, get("rec_number")), _cell(cells, get("rec_text"))
    id_cell, evidence = _cell(cells, get("action_id")), _cell(cells, get("evidence"))
    id_from_rec_cell = False
    if rec_cell:
        number = rec_number(rec_cell)
        parts = split_id(rec_cell) if number is None else None
        if number is not None:
            row.rec_number = number
        elif parts is not None and not parts[1] and not id_cell:
            id_cell, id_from_rec_cell = parts[0], True  # "Recommendation number" column holding "7.1"
            if get("evidence") is None and rec_text:
                # "No. | Recommendations | Response" with an evidence row: its text sits in Recommendations.
                evidence, rec_text = rec_text, ""
        else:
            report.skip(line.no, rec_cell, "not a recommendation number", lost=True)
    if rec_text:
        found = rec_candidate(rec_text) if row.rec_number is None else None
        if found is not None and found[0] is not None:
            row.rec_number, rec_text = found[0], found[1]
            report.clean("numbers-split-from-recommendation-text", line.no)
        row.rec_text = rec_text
    if id_cell:
        parts = split_id(id_cell)
        if parts is None:
            report.skip(line.no, id_cell, "not an evidence id", lost=True)
        else:
            row.action_id = parts[0]
    if evidence and row.action_id is None:
        parts = split_id(evidence)
        if parts is not None:
            row.action_id, evidence = parts
            if evidence:
                report.clean("ids-split-from-text", line.no, "evidence id and text in one cell, split")
            elif cmap.id_text_col is not None:
                evidence = _cell(cells, cmap.id_text_col)
    row.evidence = evidence
    has_content = any((row.owner, row.update, row.status, row.evidence))
    if row.action_id is None and row.rec_number is not None and has_content and not row.evidence:
        row.action_id = row.rec_number
        report.warn(f"recommendation {row.rec_number}: the source answers the whole recommendation with no "
                    f"evidence ids; kept as action '{row.rec_number}'")
    if row.action_id is not None and row.rec_number is None:
        if id_from_rec_cell or (get("rec_number") is None and get("rec_text") is None):
            # The source lists evidence ids only: each id's recommendation is its prefix.
            builder.prefix_recommendation(row.action_id, line.no)
        elif builder.current is None or (row.rec_text and row.rec_text != builder.current.text):
            row.rec_number = row.action_id.partition(".")[0]
            report.clean("recommendation-from-id", line.no,
                         "recommendation number taken from the evidence id (the source gave none)")
    if row.action_id is None and row.rec_number is None and any(cells):
        report.skip(line.no, line.text, "a row without an evidence id or recommendation number", lost=True)
        return
    builder.add(row)


class Tables:
    """A table with plan headings (renamed, reordered, reduced or extra columns)."""

    name = _NAME

    def sniff(self, doc: Document) -> bool:
        return _candidate(doc)

    def load(self, doc: Document, report: ImportReport) -> Plan:
        return _parse(doc, report)


SHAPE = Tables()
