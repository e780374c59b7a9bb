"""The recommendation catalogue: the 15 recommendations to chief constables and their 39 evidence requirements.

The facts live in `catalogue.json` beside this module (the one place they are written down); this module loads
them once and computes deadlines from the report's publication date and the deadline rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    label: str
    days: int = 0
    months: int = 0


@dataclass(frozen=True, slots=True)
class EvidenceRequirement:
    id: str
    text: str | None = None


@dataclass(slots=True)
class CatalogueRecommendation:
    number: str
    about: str
    text: str
    deadline_rules: list[str]
    addressees: list[str]
    evidence: list[EvidenceRequirement]
    deadlines: list[date] = field(default_factory=list)  # from deadline_rules, filled in by `catalogue()`

    @property
    def deadline(self) -> date:
        """The final deadline (rec 28 has two: publish by +56 days, report progress by +6 months)."""
        return max(self.deadlines)


@dataclass(frozen=True, slots=True)
class ReportInfo:
    title: str
    published: date
    authors: list[str]


@dataclass(slots=True)
class Catalogue:
    report: ReportInfo
    deadline_rules: dict[str, DeadlineRule]
    placeholder_titles: list[str]
    owner_defaults: list[str]
    recommendations: list[CatalogueRecommendation]
    # Lookups built on first use (the catalogue is loaded once and not changed afterwards).
    _numbers: dict[str, CatalogueRecommendation] | None = field(default=None, init=False, repr=False, compare=False)
    _evidence: dict[str, EvidenceRequirement] | None = field(default=None, init=False, repr=False, compare=False)
    _defaults: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

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


_Record = TypeVar("_Record")


def _built(cls: type[_Record], what: str, values: dict[str, Any]) -> _Record:
    """`cls(**values)`, saying which entry of catalogue.json is wrong when a key is not one of its fields (a typo
    would otherwise be a bare TypeError) or a required one is missing."""
    try:
        return cls(**values)
    except TypeError as exc:
        raise TypeError(f"catalogue.json, {what}: {exc}") from None


def catalogue_from_json(data: dict[str, Any]) -> Catalogue:
    """The catalogue from catalogue.json's data. The file is sheetsync's own, shipped with it: a key that is not
    a field, or a missing one, raises; tests/test_catalogue.py checks every value's type."""
    report = data["report"]
    return Catalogue(
        report=_built(ReportInfo, "report", {**report, "published": date.fromisoformat(report["published"]),
                                             "authors": list(report["authors"])}),
        deadline_rules={name: _built(DeadlineRule, f"deadline rule {name}", rule)
                        for name, rule in data["deadline_rules"].items()},
        placeholder_titles=list(data["placeholder_titles"]),
        owner_defaults=list(data["owner_defaults"]),
        recommendations=[
            _built(CatalogueRecommendation, f"recommendation {rec.get('number')}", {
                **rec, "deadline_rules": list(rec["deadline_rules"]), "addressees": list(rec["addressees"]),
                "evidence": [_built(EvidenceRequirement, f"evidence {ev.get('id')}", ev) for ev in rec["evidence"]]})
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
