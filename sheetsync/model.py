"""The plan model: one Police Stalking Action Plan, its recommendations and their evidence requirements.

This module imports nothing of sheetsync's own; every other module speaks in these types. The canonical JSON
(`Plan.canonical_json()`) is public and stable: its keys are exactly those documented in the README.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class ReadNote(BaseModel):
    """Something the reader saw but could not put into the plan as a value (for validation to report).

    kind: "formula-not-calculated", "value-under-no-header", "number-in-text-column", "blank-row", ...
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    kind: str
    sheet: str
    cell: str
    value: str | None = None
    field: str | None = None
    action: str | None = None
    recommendation: str | None = None
    message: str = ""


class Action(BaseModel):
    """One evidence requirement and the force's response to it: one row of the grid."""

    model_config = ConfigDict(validate_assignment=False, defer_build=True)

    id: str
    evidence: str | None = None
    owner: str | None = None
    owners: list[str] = Field(default_factory=list)
    update: str | None = None
    date: _dt.date | None = None  # `_dt.`: the field name shadows the type here
    date_raw: str | None = None
    status: str | None = None
    status_raw: str | None = None
    progress: int | None = Field(default=None, ge=0, le=100)
    supporting_documents: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)
    # field name -> "Sheet!A1" where the value was read; empty when the plan did not come from a workbook.
    cells: dict[str, str] = Field(default_factory=dict)
    hidden: bool = False

    @field_validator("owners", mode="before")
    @classmethod
    def _owners_list(cls, value: Any) -> Any:
        return value if value is not None else []

    def cell(self, field: str) -> tuple[str | None, str | None]:
        """(sheet, A1) where `field` was read, or (None, None)."""
        return split_ref(self.cells.get(field))


class Recommendation(BaseModel):
    """One recommendation to chief constables (or a force's own local one) and its evidence requirements."""

    model_config = ConfigDict(defer_build=True)

    number: str
    text: str | None = None
    deadline: date | None = None
    addressees: list[str] = Field(default_factory=list, exclude=True)
    actions: list[Action] = Field(default_factory=list)
    # "number"/"text" -> "Sheet!A1"; not part of the canonical JSON.
    cells: dict[str, str] = Field(default_factory=dict, exclude=True)

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) if isinstance(value, int) else value


class Plan(BaseModel):
    """A force's Police Stalking Action Plan."""

    model_config = ConfigDict(defer_build=True)

    title: str | None = None
    force: str | None = None
    executive_lead: str | None = None
    operational_lead: str | None = None
    protective_marking: str | None = None
    recommendations: list[Recommendation] = Field(default_factory=list)

    # Where the plan came from; none of this is in the canonical JSON.
    source: str | None = Field(default=None, exclude=True)
    sheet: str | None = Field(default=None, exclude=True)
    # "title"/"force"/"executive_lead"/"operational_lead" -> "Sheet!A1"
    header_cells: dict[str, str] = Field(default_factory=dict, exclude=True)
    # The workbook's own status list (Lists sheet), when it has one.
    status_list: list[str] | None = Field(default=None, exclude=True)
    read_notes: list[ReadNote] = Field(default_factory=list, exclude=True)

    def actions(self) -> list[tuple[Recommendation, Action]]:
        """Every evidence requirement with the recommendation it sits under, in plan order."""
        return [(rec, action) for rec in self.recommendations for action in rec.actions]

    def canonical(self) -> dict[str, Any]:
        """The public, stable JSON-able form of the plan (see README, "The plan as JSON")."""
        return self.model_dump(mode="json")

    def canonical_json(self, *, indent: int | None = 2) -> str:
        """The canonical JSON text; keys in model order, so equal plans give equal text."""
        return json.dumps(self.canonical(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_canonical(cls, data: dict[str, Any] | str) -> Plan:
        """Rebuild a plan from its canonical JSON (as stored in a snapshot)."""
        if isinstance(data, str):
            data = json.loads(data)
        return cls.model_validate(data)


Severity = Literal["error", "warning", "info"]

# Every model here (and in vocabulary, catalogue and validation) is `defer_build=True`: pydantic builds a model's
# validator and serializer on its first validation or dump, not when the class is defined (about 0.1 s of a cold
# start the first time). Values sheetsync has already typed are built without validation by pydantic's own
# `model_construct`, so `sheetsync show` and `sheetsync validate` with text output never build a schema.
# `assemble` below is the one other way round validation, kept only for the reader's per-row Action (a same-run
# figure is beside its call).
_M = TypeVar("_M", bound=BaseModel)


def assemble(cls: type[_M], data: dict[str, Any], *, fields_set: set[str] | None = None) -> _M:
    """A bare instance, without validation: `data` must hold every field, already of its type and in field order
    (the reader's hot path, which builds tens of thousands of actions, calls this directly)."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", data)
    object.__setattr__(obj, "__pydantic_fields_set__", set(data) if fields_set is None else fields_set)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


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
