"""What validation produces: a `Finding` per problem and the `ValidationReport` of a plan; and the `Hit` a rule
yields, which the engine turns into a finding (it adds the code, the severity and the cell)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, NamedTuple

from sheetsync.model import Severity

if TYPE_CHECKING:
    from sheetsync.model import ReadNote
    from sheetsync.validation.facts import RecRow, Row


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem, where it is, and what to do about it."""

    code: str
    severity: Severity
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    recommendation: str | None = None
    action: str | None = None
    field: str | None = None
    value: str | None = None
    message: str
    suggestion: str | None = None

    @property
    def where(self) -> str | None:
        """'Action Plan!G26', or None when the plan was not read from a workbook."""
        if self.cell is None:
            return None
        return f"{self.sheet}!{self.cell}" if self.sheet else self.cell

    def as_dict(self) -> dict[str, Any]:
        """The finding as its JSON object: every field, in field order."""
        return {name: getattr(self, name) for name in FINDING_FIELDS}


FINDING_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Finding))


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationReport:
    """The findings for one plan; `ok` when none is an error."""

    ok: bool
    summary: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    evidence_requirements: int = 0


class Hit(NamedTuple):
    """What a rule found, and where. The engine adds the rule's code and (unless `severity` says otherwise) its
    first severity, and locates the cell: on an evidence `row`, the cell of `field` in it (else its id cell); on a
    `rec`, the cell of `field` (else its number cell); otherwise `ref` ("Sheet!A1"), with `action` and
    `recommendation` naming what it is about. A reader's `note` keeps its place among the notes. (A NamedTuple,
    immutable and cheap to build: a rule may yield thousands.)"""

    message: str
    field: str | None = None
    value: object = None
    suggestion: str | None = None
    severity: Severity | None = None
    ref: str | None = None
    row: Row | None = None
    rec: RecRow | None = None
    note: ReadNote | None = None
    action: str | None = None
    recommendation: str | None = None


__all__ = ["FINDING_FIELDS", "Finding", "Hit", "ValidationReport"]
