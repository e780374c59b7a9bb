"""The recommendation catalogue: the 15 recommendations to chief constables and their 39 evidence requirements.

The facts live in `catalogue.json` beside this module (the one place they are written down); this module loads
them once and computes deadlines from the report's publication date and the deadline rules.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from importlib import resources

from pydantic import BaseModel, Field, PrivateAttr


class DeadlineRule(BaseModel):
    days: int = 0
    months: int = 0
    label: str


class EvidenceRequirement(BaseModel):
    id: str
    text: str | None = None


class CatalogueRecommendation(BaseModel):
    number: str
    about: str
    text: str
    deadline_rules: list[str]
    addressees: list[str]
    evidence: list[EvidenceRequirement]
    deadlines: list[date] = Field(default_factory=list)

    @property
    def deadline(self) -> date:
        """The final deadline (rec 28 has two: publish by +56 days, report progress by +6 months)."""
        return max(self.deadlines)


class ReportInfo(BaseModel):
    title: str
    published: date
    authors: list[str]


class Catalogue(BaseModel):
    report: ReportInfo
    deadline_rules: dict[str, DeadlineRule]
    placeholder_titles: list[str]
    owner_defaults: list[str]
    recommendations: list[CatalogueRecommendation]
    # Lookups built on first use (the catalogue is loaded once and not changed afterwards).
    _numbers: dict[str, CatalogueRecommendation] | None = PrivateAttr(default=None)
    _evidence: dict[str, EvidenceRequirement] | None = PrivateAttr(default=None)
    _defaults: frozenset[str] | None = PrivateAttr(default=None)

    def get(self, number: str) -> CatalogueRecommendation | None:
        """The catalogue recommendation with this number ("7"), or None for a local one."""
        return self._by_number().get(str(number).strip())

    def evidence(self, action_id: str) -> EvidenceRequirement | None:
        rec = self.get(action_id.partition(".")[0])
        if rec is None:
            return None
        if self._evidence is None:
            # The first requirement with each id, as the search this replaces found it.
            found: dict[str, EvidenceRequirement] = {}
            for each in self._by_number().values():
                for ev in each.evidence:
                    found.setdefault(f"{each.number}\x00{ev.id}", ev)
            self._evidence = found
        return self._evidence.get(f"{rec.number}\x00{action_id}")

    def numbers(self) -> list[str]:
        return [rec.number for rec in self.recommendations]

    def evidence_ids(self) -> list[str]:
        return [ev.id for rec in self.recommendations for ev in rec.evidence]

    def rule_date(self, rule: str) -> date:
        """The date a deadline rule ("56d", "6m", "12m") gives from the publication date."""
        spec = self.deadline_rules[rule]
        return add_months_days(self.report.published, months=spec.months, days=spec.days)

    def is_owner_default(self, owner: str | None) -> bool:
        """True when an owner cell still holds an addressee ("Chief Constables"): nobody owns the action."""
        if not owner:
            return False
        norm = " ".join(owner.split()).casefold().rstrip(".")
        if self._defaults is None:
            self._defaults = frozenset(d.casefold() for d in self.owner_defaults)
        return norm in self._defaults

    def _by_number(self) -> dict[str, CatalogueRecommendation]:
        if self._numbers is None:
            numbers: dict[str, CatalogueRecommendation] = {}
            for rec in self.recommendations:
                numbers[rec.number] = rec  # the last of a repeated number, as the dict this replaces kept
            self._numbers = numbers
        return self._numbers


def add_months_days(start: date, *, months: int = 0, days: int = 0) -> date:
    """`start` plus whole months (the day kept, or the month's last day when it has fewer), then days: what
    dateutil's relativedelta(months=…, days=…) gives, without importing dateutil on the validate path."""
    if months:
        year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
        month += 1
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        start = date(year, month, min(start.day, (following - timedelta(days=1)).day))
    return start + timedelta(days=days)


@cache
def catalogue() -> Catalogue:
    """The catalogue, loaded once per process."""
    data = json.loads(resources.files("sheetsync").joinpath("catalogue.json").read_text(encoding="utf-8"))
    cat = Catalogue.model_validate(data)
    for rec in cat.recommendations:
        rec.deadlines = [cat.rule_date(rule) for rule in rec.deadline_rules]
    return cat


__all__ = ["Catalogue", "CatalogueRecommendation", "EvidenceRequirement", "catalogue"]
