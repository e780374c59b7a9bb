"""The recommendation catalogue: the 15 recommendations to chief constables and their 39 evidence requirements.

The facts live in `catalogue.json` beside this module (the one place they are written down); this module loads
them once and computes deadlines from the report's publication date and the deadline rules.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, Field


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

    def get(self, number: str) -> CatalogueRecommendation | None:
        """The catalogue recommendation with this number ("7"), or None for a local one."""
        return self._by_number().get(str(number).strip())

    def evidence(self, action_id: str) -> EvidenceRequirement | None:
        rec = self.get(action_id.partition(".")[0])
        if rec is None:
            return None
        return next((ev for ev in rec.evidence if ev.id == action_id), None)

    def numbers(self) -> list[str]:
        return [rec.number for rec in self.recommendations]

    def evidence_ids(self) -> list[str]:
        return [ev.id for rec in self.recommendations for ev in rec.evidence]

    def rule_date(self, rule: str) -> date:
        """The date a deadline rule ("56d", "6m", "12m") gives from the publication date."""
        spec = self.deadline_rules[rule]
        result: date = self.report.published + relativedelta(days=spec.days, months=spec.months)
        return result

    def is_owner_default(self, owner: str | None) -> bool:
        """True when an owner cell still holds an addressee ("Chief Constables"): nobody owns the action."""
        if not owner:
            return False
        norm = " ".join(owner.split()).casefold().rstrip(".")
        return norm in {d.casefold() for d in self.owner_defaults}

    def _by_number(self) -> dict[str, CatalogueRecommendation]:
        return {rec.number: rec for rec in self.recommendations}


@cache
def catalogue() -> Catalogue:
    """The catalogue, loaded once per process."""
    data = json.loads(resources.files("sheetsync").joinpath("catalogue.json").read_text(encoding="utf-8"))
    cat = Catalogue.model_validate(data)
    for rec in cat.recommendations:
        rec.deadlines = [cat.rule_date(rule) for rule in rec.deadline_rules]
    return cat


__all__ = ["Catalogue", "CatalogueRecommendation", "EvidenceRequirement", "catalogue"]
