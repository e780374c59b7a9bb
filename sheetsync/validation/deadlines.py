"""Deadlines written in a recommendation's text ("By 27 March 2025 (six months from publication), …"), judged
against the national deadlines and the publication date. Pure functions; the rules that report them are in
rules/recommendation.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from sheetsync.catalogue import add_months_days

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
DEADLINE = re.compile(
    r"(?P<by>\bby\s+)?(?P<date>(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>" + "|".join(_MONTHS) + r")\s+"
    r"(?P<y>\d{4})|(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{2}|\d{4}))"
    r"(?:\s*\((?P<rule>[^)]{0,40}?from\s+publication)\))?",
    re.IGNORECASE,
)
# Where DEADLINE's date part matches, without the groups and written to start with a bare digit: the regex
# engine then skips ahead to the next digit, where DEADLINE (its "By" optional) is tried at every character.
_DEADLINE_DATE = re.compile(
    r"\d\d?(?:(?:st|nd|rd|th)?\s+(?:" + "|".join(_MONTHS) + r")\s+\d{4}|/\d{1,2}/(?:\d{2}|\d{4}))", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}
_RULE = re.compile(r"(?P<n>\d+|[a-z-]+)\s+(?P<unit>days?|weeks?|months?|years?)", re.IGNORECASE)

Kind = Literal["not-a-date", "rule-mismatch", "national-mismatch", "no-by"]


@dataclass(frozen=True, slots=True)
class Judgement:
    """One deadline in a text that is wrong or worded oddly."""

    kind: Kind
    match: re.Match[str]
    stated: date | None = None
    expected: date | None = None  # what the rule in brackets gives, or the nearest national deadline


def deadlines(text: str) -> Iterator[re.Match[str]]:
    """Exactly `DEADLINE.finditer(text)`, several times faster on a recommendation's text.

    Each match starts either at its date, or at the "By" whose spaces end right before that date; so find the
    next date alone (a fast scan), then let DEADLINE match at that "By", if there is one, or at the date.
    """
    pos = 0
    while (date_found := _DEADLINE_DATE.search(text, pos)) is not None:
        start = spaces = date_found.start()
        while spaces > pos and text[spaces - 1].isspace():  # str.isspace is exactly the regex's \s
            spaces -= 1
        match = DEADLINE.match(text, spaces - 2) if spaces < start and spaces - 2 >= pos else None
        if match is None:
            match = DEADLINE.match(text, start)
            assert match is not None  # the date alone matched here
        yield match
        pos = match.end()


@lru_cache(maxsize=256)
def judge(text: str, expected: tuple[date, ...], published: date) -> tuple[Judgement, ...]:
    """Every deadline in `text` (markup removed) that is not a real date, disagrees with its own rule ("six
    months from publication") or with the `expected` national deadlines, or opens the text without "By"."""
    found: list[Judgement] = []
    if not text.strip():
        return ()
    for match in deadlines(text):
        start = match.start()
        at_start = not text[:start].strip() or text[:start].rstrip().endswith((".", ":", ";"))
        if not match.group("by") and not at_start:
            continue  # a date in passing ("the APP published on 1 May 2024"), not a deadline
        stated = _deadline_date(match)
        if stated is None:
            found.append(Judgement("not-a-date", match))
            continue
        rule_date = _rule_date(match.group("rule"), published) if match.group("rule") else None
        if rule_date is not None and rule_date != stated:
            found.append(Judgement("rule-mismatch", match, stated, rule_date))
        elif expected and stated not in expected:
            found.append(Judgement("national-mismatch", match, stated,
                                   min(expected, key=lambda d: abs((d - stated).days))))
        elif not match.group("by") and start == len(text) - len(text.lstrip()):
            found.append(Judgement("no-by", match, stated))
    return tuple(found)


def _deadline_date(match: re.Match[str]) -> date | None:
    try:
        if match.group("month"):
            return date(int(match.group("y")), _MONTHS.index(match.group("month").casefold()) + 1,
                        int(match.group("d")))
        year = int(match.group("ny"))
        return date(year + 2000 if year < 100 else year, int(match.group("nm")), int(match.group("nd")))
    except ValueError:
        return None


def _rule_date(phrase: str, published: date) -> date | None:
    found = _RULE.search(phrase)
    if not found:
        return None
    raw = found.group("n").casefold()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
    if n is None:
        return None
    unit = found.group("unit").casefold().rstrip("s")
    # A year is twelve months and a week seven days; the calendar arithmetic is dateutil's (add_months_days).
    months, days = {"day": (0, n), "week": (0, 7 * n), "month": (n, 0), "year": (12 * n, 0)}[unit]
    return add_months_days(published, months=months, days=days)


__all__ = ["DEADLINE", "Judgement", "deadlines", "judge"]
