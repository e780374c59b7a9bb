"""The plan model: one Police Stalking Action Plan, its recommendations and their evidence requirements.

This module imports nothing of sheetsync's own; every other module speaks in these types. They are plain
dataclasses: sheetsync's own code builds them from values it has already checked (the reader, the importers), and
pydantic checks a plan only where one comes in as JSON from outside (`Plan.from_canonical`). The canonical JSON
(`Plan.canonical_json()`) is public and stable: its keys are exactly those documented in the README.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pydantic import TypeAdapter

# Owners are split on "/", ",", "&", ";" and line breaks always, and on "and" only between two names
# ("Gemma Ryan and Gail Russell"), never inside a role ("Head of Learning and Development").
_OWNER_SPLIT = re.compile(r"\s*(?:/|,|&|;|\n)\s*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_PAREN_AND = re.compile(r"\(\s*and\s+([^)]*)\)", re.IGNORECASE)


def _name_like(text: str) -> bool:
    words = text.strip(" .()").split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def split_owners(owner: str | None) -> list[str]:
    """The people or teams named in an owner cell, in order, without blanks or repeats."""
    if not owner:
        return []
    names: list[str] = []
    for part in _OWNER_SPLIT.split(_PAREN_AND.sub(r"/ \1", owner)):
        pieces = _AND.split(part)
        if len(pieces) > 1 and not all(_name_like(p) and len(p.split()) >= 2 for p in pieces):
            pieces = [part]
        for piece in pieces:
            name = piece.strip(" .()")
            if name and name not in names:
                names.append(name)
    return names


# A field's metadata: `_INTERNAL` marks where the plan came from and how it was read, which is not part of the
# canonical JSON (the README's "The plan as JSON" lists exactly the other fields, in field order).
_INTERNAL: dict[str, bool] = {"canonical": False}


@dataclass(frozen=True, slots=True)
class ReadNote:
    """Something the reader saw but could not put into the plan as a value (for validation to report).

    kind: "formula-not-calculated", "value-under-no-header", "number-in-text-column", "blank-row", ...
    """

    kind: str
    sheet: str
    cell: str
    value: str | None = None
    field: str | None = None
    action: str | None = None
    recommendation: str | None = None
    message: str = ""


@dataclass(slots=True)
class Action:
    """One evidence requirement and the force's response to it: one row of the grid."""

    id: str
    evidence: str | None = None
    owner: str | None = None
    owners: list[str] = field(default_factory=list)
    update: str | None = None
    date: _dt.date | None = None  # `_dt.`: the field name shadows the type here
    date_raw: str | None = None
    status: str | None = None
    status_raw: str | None = None
    progress: int | None = None  # 0 to 100, with a status that takes a percentage ("In Progress 60%")
    supporting_documents: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # field name -> "Sheet!A1" where the value was read; empty when the plan did not come from a workbook.
    cells: dict[str, str] = field(default_factory=dict)
    hidden: bool = False

    def __post_init__(self) -> None:
        if self.progress is not None and not 0 <= self.progress <= 100:
            raise ValueError(f"evidence {self.id}: progress {self.progress} is not between 0 and 100")

    def cell(self, field: str) -> tuple[str | None, str | None]:
        """(sheet, A1) where `field` was read, or (None, None)."""
        return split_ref(self.cells.get(field))

    def canonical(self) -> dict[str, Any]:
        """This row's part of the canonical JSON."""
        return _canonical(self)


@dataclass(slots=True)
class Recommendation:
    """One recommendation to chief constables (or a force's own local one) and its evidence requirements."""

    number: str
    text: str | None = None
    deadline: date | None = None
    addressees: list[str] = field(default_factory=list, metadata=_INTERNAL)
    actions: list[Action] = field(default_factory=list)
    # "number"/"text" -> "Sheet!A1"
    cells: dict[str, str] = field(default_factory=dict, metadata=_INTERNAL)

    def __post_init__(self) -> None:
        if isinstance(self.number, (int, float)) and not isinstance(self.number, bool):  # a number cell: 7.0 -> "7"
            self.number = str(int(self.number)) if float(self.number).is_integer() else str(self.number)

    def canonical(self) -> dict[str, Any]:
        """This recommendation's part of the canonical JSON."""
        return _canonical(self)


@dataclass(slots=True)
class Plan:
    """A force's Police Stalking Action Plan."""

    title: str | None = None
    force: str | None = None
    executive_lead: str | None = None
    operational_lead: str | None = None
    protective_marking: str | None = None
    recommendations: list[Recommendation] = field(default_factory=list)

    # Where the plan came from; none of this is in the canonical JSON.
    source: str | None = field(default=None, metadata=_INTERNAL)
    sheet: str | None = field(default=None, metadata=_INTERNAL)
    # "title"/"force"/"executive_lead"/"operational_lead" -> "Sheet!A1"
    header_cells: dict[str, str] = field(default_factory=dict, metadata=_INTERNAL)
    # The workbook's own status list (Lists sheet), when it has one.
    status_list: list[str] | None = field(default=None, metadata=_INTERNAL)
    read_notes: list[ReadNote] = field(default_factory=list, metadata=_INTERNAL)

    def actions(self) -> list[tuple[Recommendation, Action]]:
        """Every evidence requirement with the recommendation it sits under, in plan order."""
        return [(rec, action) for rec in self.recommendations for action in rec.actions]

    def canonical(self) -> dict[str, Any]:
        """The public, stable JSON-able form of the plan (see README, "The plan as JSON")."""
        return _canonical(self)

    def canonical_json(self, *, indent: int | None = 2) -> str:
        """The canonical JSON text; keys in field order, so equal plans give equal text."""
        return json.dumps(self.canonical(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_canonical(cls, data: dict[str, Any] | str) -> Plan:
        """Rebuild a plan from its canonical JSON (a snapshot's, or any other file's): checked field by field by
        pydantic, the edge where outside text becomes a plan. Raises pydantic's ValidationError (a ValueError)."""
        if isinstance(data, str):
            return _plan_adapter().validate_json(data)
        return _plan_adapter().validate_python(data)


Severity = Literal["error", "warning", "info"]

_CANONICAL: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls) if f.metadata.get("canonical", True))
    for cls in (Action, Recommendation, Plan)}


def _canonical(obj: Action | Recommendation | Plan) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in _CANONICAL[type(obj)]}


def _plain(value: Any) -> Any:
    """A field's value as JSON has it: dates as ISO text, nested rows and recommendations as their canonical
    form, lists and dicts copied."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (Action, Recommendation)):
        return _canonical(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of the canonical JSON")


@cache
def _plan_adapter() -> TypeAdapter[Plan]:
    """pydantic's validator for `Plan`, built on first use: only reading a plan back from JSON needs it, so
    `sheetsync validate` never imports pydantic (about 45 ms of a 0.2 s cold start, bench/bench_cold.py)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Plan)


def split_ref(ref: str | None) -> tuple[str | None, str | None]:
    """'Action Plan!G26' -> ('Action Plan', 'G26'); None -> (None, None)."""
    if not ref:
        return None, None
    sheet, _, cell = ref.rpartition("!")
    return (sheet or None), cell


def row_of(cell: str | None) -> int | None:
    """The 1-based row number of an A1 address ('G26' -> 26)."""
    if not cell:
        return None
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


__all__ = ["Action", "Plan", "ReadNote", "Recommendation", "Severity", "row_of", "split_owners", "split_ref"]
