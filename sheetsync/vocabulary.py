"""The status vocabulary: the one place that says which status words exist and what people type for them.

`normalise("In progress 60%")` maps what an owner typed to a canonical status, a percentage, and how it got
there; it refuses typos, RAG colours, prose and impossible percentages, each with the best suggestion.
A force can replace or extend the list (`Vocabulary.from_list(...)`); a workbook's Lists sheet does exactly that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusDef:
    """One canonical status and what it means for reporting."""

    name: str
    public: str  # plain-English wording for the public version of the report
    done: bool = False  # counts towards "percentage complete"
    started: bool = True  # work has begun, so an update is expected
    fill: str = "#FFFFFF"  # cell colour in the template (light, so text stays readable)
    takes_progress: bool = False  # may carry a percentage ("In Progress 50%")


DEFAULT_STATUSES: tuple[StatusDef, ...] = (
    StatusDef(name="Not Started", started=False, public="Not yet started", fill="#F8CBAD"),
    StatusDef(name="In Progress", public="In progress", fill="#FFE699", takes_progress=True),
    StatusDef(name="Action Complete", done=True, public="Complete", fill="#C6EFCE"),
    StatusDef(name="BAU", done=True, public="Complete: now part of everyday practice", fill="#B4C6E7"),
    StatusDef(name="Not Applicable", done=True, started=False,
              public="Does not apply to this force", fill="#D9D9D9"),
)

# What people type (case-folded, single-spaced) -> canonical status.
SYNONYMS: dict[str, str] = {
    "complete": "Action Complete",
    "completed": "Action Complete",
    "action completed": "Action Complete",
    "actions complete": "Action Complete",
    "completed late": "Action Complete",
    "done": "Action Complete",
    "closed": "Action Complete",
    "achieved": "Action Complete",
    "ongoing": "In Progress",
    "on going": "In Progress",
    "on-going": "In Progress",
    "underway": "In Progress",
    "under way": "In Progress",
    "being progressed": "In Progress",
    "in hand": "In Progress",
    "wip": "In Progress",
    "work in progress": "In Progress",
    "progressing": "In Progress",
    "started": "In Progress",
    "partially complete": "In Progress",
    "partially completed": "In Progress",
    "pending sign-off": "In Progress",
    "pending sign off": "In Progress",
    "inprogress": "In Progress",
    "business as usual": "BAU",
    "b.a.u.": "BAU",
    "bau - business as usual": "BAU",
    "n/a": "Not Applicable",
    "na": "Not Applicable",
    "n.a.": "Not Applicable",
    "not relevant": "Not Applicable",
    "not yet started": "Not Started",
    "not begun": "Not Started",
    "awaiting allocation": "Not Started",
    "awaiting review": "Not Started",
    "to start": "Not Started",
    "open": "Not Started",
}

_COLOURS = {"red", "amber", "green", "r", "a", "g", "blue", "black"}
RAG_WORDS = {"red", "amber", "green", "r", "a", "g", "rag", "blue", "black", "red/amber", "amber/green"}

_PERCENT = re.compile(r"\(?\s*(-?\d{1,4}(?:\.\d+)?)\s*%\s*\)?")
_SPACES = re.compile(r"\s+")
_STRIP = " \t\r\n\u00a0-–—:;,.()"

How = Literal[
    "exact", "case-or-spacing", "percentage", "synonym",  # accepted
    "empty", "typo", "rag", "prose", "bad-percentage", "unknown",  # refused
]


@dataclass(frozen=True, slots=True)
class StatusMatch:
    """The result of normalising one status cell (an internal record)."""

    raw: str | None
    how: How
    status: str | None = None
    progress: int | None = None
    suggestion: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None

    @property
    def canonical_as_typed(self) -> bool:
        """True when the cell holds the canonical word exactly (nothing for validation to tidy)."""
        return self.how == "exact" or (self.how == "percentage" and self.raw is not None
                                        and self.raw.strip() == f"{self.status} {self.progress}%")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The statuses a plan may use, with their synonyms."""

    statuses: tuple[StatusDef, ...] = DEFAULT_STATUSES
    synonyms: dict[str, str] = field(default_factory=lambda: dict(SYNONYMS))

    @classmethod
    def from_list(cls, names: list[str] | tuple[str, ...]) -> Vocabulary:
        """A vocabulary from a force's own list (a workbook's Lists sheet): known names keep their meaning,
        new ones ("At Risk") count as started and not done."""
        known = {s.name.casefold(): s for s in DEFAULT_STATUSES}
        defs: list[StatusDef] = []
        for name in names:
            clean = _SPACES.sub(" ", name).strip()
            if not clean or clean.casefold() in {d.name.casefold() for d in defs}:
                continue
            base = known.get(clean.casefold())
            defs.append(replace(base, name=clean) if base else StatusDef(name=clean, public=clean))
        names_cf = {d.name.casefold(): d.name for d in defs}
        synonyms = {k: names_cf[v.casefold()] for k, v in SYNONYMS.items() if v.casefold() in names_cf}
        return cls(statuses=tuple(defs), synonyms=synonyms)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.statuses]

    def get(self, name: str | None) -> StatusDef | None:
        if name is None:
            return None
        return next((s for s in self.statuses if s.name == name), None)

    def is_done(self, name: str | None) -> bool:
        definition = self.get(name)
        return bool(definition and definition.done)

    def normalise(self, raw: object) -> StatusMatch:
        """Map what somebody typed to a canonical status, saying how; refuse with a suggestion otherwise."""
        return _normalise(self, None if raw is None else str(raw))

    def suggest(self, text: str) -> str | None:
        """The closest canonical status to `text`, or None when nothing is close."""
        key = _key(text)
        candidates = {s.name.casefold(): s.name for s in self.statuses}
        candidates.update(self.synonyms)
        import difflib  # only for a status that is not in the list

        close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.72)
        if close:
            return candidates[close[0]]
        for word, status in (("complete", "Action Complete"), ("progress", "In Progress"), ("partial", "In Progress"),
                             ("business as usual", "BAU"), ("not started", "Not Started")):
            if word in key and status in self.names:
                return status
        return None


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip(_STRIP).casefold()


def _normalise(vocab: Vocabulary, raw: str | None) -> StatusMatch:
    if raw is None or not raw.strip(_STRIP):
        return StatusMatch(raw=raw, how="empty")
    by_key = {s.name.casefold(): s.name for s in vocab.statuses}
    if raw in vocab.names:
        return StatusMatch(raw=raw, status=raw, how="exact")
    key = _key(raw)
    if key in by_key:
        return StatusMatch(raw=raw, status=by_key[key], how="case-or-spacing")
    if key in vocab.synonyms:
        return StatusMatch(raw=raw, status=vocab.synonyms[key], how="synonym")

    percent = _PERCENT.search(raw)
    if percent:
        value = float(percent.group(1))
        rest = _key(raw[: percent.start()] + " " + raw[percent.end():])
        rest = rest.removesuffix(" complete").removesuffix(" completed") if rest not in by_key else rest
        status = by_key.get(rest) or vocab.synonyms.get(rest)
        if not rest:
            status = next((s.name for s in vocab.statuses if s.takes_progress), None)
        if not 0 <= value <= 100:
            return StatusMatch(raw=raw, how="bad-percentage", suggestion=status)
        if status is not None:
            return StatusMatch(raw=raw, status=status, progress=round(value), how="percentage")

    words = re.findall(r"[a-z]+", key)
    if words and all(w in RAG_WORDS or w in ("status", "rating") for w in words) and set(words) & _COLOURS:
        return StatusMatch(raw=raw, how="rag", suggestion=None)
    suggestion = vocab.suggest(raw)
    if len(key.split()) > 4:
        return StatusMatch(raw=raw, how="prose", suggestion=suggestion)
    if suggestion is not None:
        return StatusMatch(raw=raw, how="typo", suggestion=suggestion)
    return StatusMatch(raw=raw, how="unknown")


@cache
def default_vocabulary() -> Vocabulary:
    """The national vocabulary, built once per process."""
    return Vocabulary()


def normalise(raw: object, vocabulary: Vocabulary | None = None) -> StatusMatch:
    """Normalise one status cell against `vocabulary` (the national default when None)."""
    return (vocabulary or default_vocabulary()).normalise(raw)


__all__ = [
    "DEFAULT_STATUSES",
    "SYNONYMS",
    "StatusDef",
    "StatusMatch",
    "Vocabulary",
    "default_vocabulary",
    "normalise",
]
