"""The recommendation catalogue: the 15 recommendations to chief constables and their 39 evidence requirements.

The facts live in `catalogue.json` beside this module (the one place they are written down); this module loads
them once and computes deadlines from the report's publication date and the deadline rules.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


# Deferred builds (see sheetsync.model): `catalogue()` builds these from catalogue.json without validation.
class DeadlineRule(BaseModel):
    model_config = ConfigDict(defer_build=True)

    days: int = 0
    months: int = 0
    label: str


class EvidenceRequirement(BaseModel):
    model_config = ConfigDict(defer_build=True)

    id: str
    text: str | None = None


class CatalogueRecommendation(BaseModel):
    model_config = ConfigDict(defer_build=True)

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
    model_config = ConfigDict(defer_build=True)

    title: str
    published: date
    authors: list[str]


class Catalogue(BaseModel):
    model_config = ConfigDict(defer_build=True)

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
        """True when an owner cell still holds an addressee ("Chief Constables", "All CCs", "Prif Gwnstabliaid";
        `owner_defaults` in catalogue.json is the one list): nobody owns the action. A bilingual cell
        ("Chief Constables / Prif Gwnstabliaid") counts when every part is one."""
        if not owner:
            return False
        if self._defaults is None:
            self._defaults = frozenset(d.casefold() for d in self.owner_defaults)
        norm = " ".join(owner.split()).casefold().rstrip(".")
        if norm in self._defaults:
            return True
        parts = [part.strip(" .") for part in norm.replace("|", "/").split("/")]
        return len(parts) > 1 and all(part in self._defaults for part in parts)

    def _by_number(self) -> dict[str, CatalogueRecommendation]:
        if self._numbers is None:
            numbers: dict[str, CatalogueRecommendation] = {}
            for rec in self.recommendations:
                numbers[rec.number] = rec  # the last of a repeated number, as the dict this replaces kept
            self._numbers = numbers
        return self._numbers


def add_months_days(start: date, *, months: int = 0, days: int = 0) -> date:
    """`start` plus whole months (the day kept, or the month's last day when it has fewer), then days.

    Calendar arithmetic is dateutil's (a well-kept library), imported here on first use (about 7 ms)."""
    from dateutil.relativedelta import relativedelta

    result: date = start + relativedelta(months=months, days=days)
    return result


_Built = TypeVar("_Built", bound=BaseModel)


def _built(cls: type[_Built], **values: Any) -> _Built:
    """`cls.model_construct(**values)`, refusing a key that is not one of its fields (a typo in catalogue.json
    would otherwise vanish without a word)."""
    unknown = sorted(set(values) - set(cls.model_fields))
    if unknown:
        raise TypeError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    return cls.model_construct(**values)


def catalogue_from_json(data: dict[str, Any]) -> Catalogue:
    """`Catalogue.model_validate(data)` for catalogue.json, built without pydantic's validation (its schema
    machinery costs more than the rest of a cold `sheetsync validate`). The file is sheetsync's own and holds
    exactly the fields' types; a key that is not a field raises. tests/test_catalogue.py proves the result equals
    the validated catalogue."""
    report = data["report"]
    return Catalogue.model_construct(
        report=_built(ReportInfo, **{**report, "published": date.fromisoformat(report["published"]),
                                      "authors": list(report["authors"])}),
        deadline_rules={name: _built(DeadlineRule, **rule) for name, rule in data["deadline_rules"].items()},
        placeholder_titles=list(data["placeholder_titles"]),
        owner_defaults=list(data["owner_defaults"]),
        recommendations=[
            _built(CatalogueRecommendation, **{
                **rec, "deadline_rules": list(rec["deadline_rules"]), "addressees": list(rec["addressees"]),
                "evidence": [_built(EvidenceRequirement, **ev) for ev in rec["evidence"]]})
            for rec in data["recommendations"]],
    )


@cache
def catalogue() -> Catalogue:
    """The catalogue, loaded once per process."""
    # Beside this module (as demo.py finds the samples); not importlib.resources, whose import costs ~6 ms of a
    # cold `sheetsync validate`.
    data = json.loads(Path(__file__).with_name("catalogue.json").read_text(encoding="utf-8"))
    cat = catalogue_from_json(data)
    for rec in cat.recommendations:
        rec.deadlines = [cat.rule_date(rule) for rule in rec.deadline_rules]
    return cat


__all__ = ["Catalogue", "CatalogueRecommendation", "EvidenceRequirement", "catalogue", "catalogue_from_json"]
