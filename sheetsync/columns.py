"""The plan grid's columns: national order, headings, and the other names forces give them.

The one place column headings are written down. The template writes `Column.heading`; the reader, the importers
and the report's Return sheet find and name columns through `match_heading` and `COLUMNS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

Field = Literal[
    "rec_number", "rec_text", "action_id", "evidence", "owner", "update", "date", "status", "supporting_documents"
]


@dataclass(frozen=True, kw_only=True)
class Column:
    """One grid column. A constant table, so a frozen dataclass: no pydantic model to build at import."""

    field: Field
    heading: str  # as the national template writes it
    aliases: tuple[str, ...] = ()  # other headings seen in real plans (compared case- and punctuation-blind)
    width: float = 14  # template column width, in characters
    input: bool = False  # filled in by the force (unlocked in the template)

    def __post_init__(self) -> None:
        object.__setattr__(self, "width", float(self.width))  # 7 -> 7.0, as the pydantic model gave


COLUMNS: tuple[Column, ...] = (
    Column(field="rec_number", heading="Rec. No.", width=7,
           aliases=("rec no", "rec", "recommendation no", "recommendation number", "rec number", "no",
                    "number", "rec ref", "ref no")),
    Column(field="rec_text", heading="Recommendation:", width=44,
           aliases=("recommendation", "recommendations", "recommendation text", "recommendation description")),
    Column(field="action_id", heading="Evidence ID", width=8,
           aliases=("evidence id", "evidence ref", "evidence no", "action id", "action no", "sub rec no",
                    "requirement id", "id", "ref")),
    Column(field="evidence", heading="Evidence requirements of progress/completion:", width=44,
           aliases=("evidence requirements of progress completion", "evidence requirements of progress",
                    "evidence requirements", "evidence requirement", "evidence", "sub recommendation",
                    "sub recommendations", "requirement", "action required", "evidence of progress")),
    Column(field="owner", heading="Recommendation Owner:", width=20, input=True,
           aliases=("recommendation owner", "rec owner", "owner", "action owner", "owners", "responsible officer",
                    "responsible", "lead officer", "action lead", "lead")),
    Column(field="update", heading="Force Update:", width=60, input=True,
           aliases=("force update", "update", "updates", "progress update", "latest update", "force response",
                    "response", "commentary", "progress", "initial action plan response", "action taken")),
    Column(field="date", heading="Date", width=12, input=True,
           aliases=("date", "update date", "date of update", "date updated", "last updated", "updated")),
    Column(field="status", heading="Status", width=16, input=True,
           aliases=("status", "current status", "progress status", "action status", "rag status")),
    Column(field="supporting_documents", heading="Supporting Documents", width=24, input=True,
           aliases=("supporting documents", "supporting documentation", "supporting evidence", "documents",
                    "attachments", "links")),
)

FIELDS: tuple[Field, ...] = tuple(c.field for c in COLUMNS)

# Header-block labels above the grid ("Force:", "Strategic / Executive Lead:").
HEADER_FIELDS: dict[str, tuple[str, ...]] = {
    "force": ("force", "force name", "police force"),
    "executive_lead": ("executive lead", "strategic executive lead", "strategic lead", "chief officer lead",
                       "exec lead", "strategic / executive lead"),
    "operational_lead": ("operational lead", "ops lead", "tactical lead"),
}
HEADER_LABELS: dict[str, str] = {"force": "Force:", "executive_lead": "Executive Lead:",
                                 "operational_lead": "Operational Lead:"}

# The workbook's own sheets and names, as the template writes them and the reader and the buttons look for them.
PLAN_SHEET = "Action Plan"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
STATUS_LIST_NAME = "StatusList"
DATE_MAX = date(2030, 12, 31)  # the Date column's validation accepts dates up to this day

_NON_WORD = re.compile(r"[^a-z0-9]+")
_DATED_UPDATE = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* )?(?:\d{4} )?update(?: \d{4})?$"
)


def heading_key(text: object) -> str:
    """A heading compared blind to case, punctuation and spacing: 'Rec. No.' -> 'rec no'."""
    return _NON_WORD.sub(" ", str(text).casefold()).strip()


@cache
def _alias_table() -> dict[str, Field]:
    table: dict[str, Field] = {}
    for col in COLUMNS:
        for name in (col.heading, *col.aliases):
            table.setdefault(heading_key(name), col.field)
    return table


@cache
def match_heading(text: str) -> Field | None:
    """The field a grid heading means, or None. Tolerates typos ('Recomendation') and dated update headings
    ('March 2025 update')."""
    key = heading_key(text)
    if not key or len(key) > 80:
        return None
    table = _alias_table()
    if key in table:
        return table[key]
    if _DATED_UPDATE.match(key) or key.endswith(" update") or key.startswith("update "):
        return "update"
    import difflib  # only for a heading matching no name exactly

    close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.86)
    return table[close[0]] if close else None


@cache
def match_header_label(text: str) -> str | None:
    """'Strategic / Executive Lead:' -> 'executive_lead'; None when the cell is not a header-block label."""
    key = heading_key(text)
    for field, labels in HEADER_FIELDS.items():
        if key in {heading_key(label) for label in labels}:
            return field
    return None


def column(field: Field) -> Column:
    return next(c for c in COLUMNS if c.field == field)


__all__ = [
    "COLUMNS",
    "DATE_MAX",
    "FIELDS",
    "HEADER_FIELDS",
    "HEADER_LABELS",
    "INSTRUCTIONS_SHEET",
    "LISTS_SHEET",
    "PLAN_SHEET",
    "STATUS_LIST_NAME",
    "Column",
    "Field",
    "column",
    "heading_key",
    "match_header_label",
    "match_heading",
]
