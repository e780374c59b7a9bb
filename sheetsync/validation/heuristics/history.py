"""History appended inside one cell ("… UPDATE: …", "Mar 25 update - …", "12/03/25: …")."""

from __future__ import annotations

import re

_HISTORY = re.compile(
    r"(?:^|(?<=[\s.;,)\]]))"
    r"(?:(?:further|latest|progress|new)\s+)?update"
    r"(?:\s*\(?\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:[A-Za-z]{3,9}\.?\s*)?(?:\d{1,2}/\d{1,2}/)?\d{2,4}\s*\)?)?"
    r"\s*(?::|\s[-–—]\s|[-–—](?=\s*[A-Z]))",
    re.IGNORECASE,
)
_DATE_STAMP = re.compile(
    r"(?:^|(?<=[\s.;]))(?:\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
    r"[\s-]+\d{2,4})\s*[:\-–—]\s",
    re.IGNORECASE,
)
# How every date stamp ends (its last digit, then the colon or dash): a quick scan that starts at a digit, where
# _DATE_STAMP is tried at every character of the text. Updates with a dash or colon and no stamp are common.
_DATE_STAMP_END = re.compile(r"\d\s*[:\-–—]\s")


def history_markers(text: str | None) -> list[int]:
    """Start offsets of the dated/"UPDATE:" sections appended inside one cell (empty when none)."""
    if not text:
        return []
    # Both kinds of marker end on a colon or a dash: a text without one has none.
    separated = ":" in text or "-" in text or "–" in text or "—" in text
    starts = [m.start() for m in _HISTORY.finditer(text)] if separated and "update" in text.casefold() else []
    if separated and _DATE_STAMP_END.search(text):
        stamps = [m.start() for m in _DATE_STAMP.finditer(text)]
    else:
        return sorted(s for s in set(starts) if s > 0 or len(starts) > 1) if starts else []
    # One date stamp at the very start is just a dated update; more than one (or one later on) is history.
    if len(stamps) > 1 or (stamps and stamps[0] > 0):
        starts.extend(s for s in stamps if s > 0)
    return sorted(s for s in set(starts) if s > 0 or len(starts) > 1)


def latest_section(text: str) -> str:
    """The newest part of an update: the text after the last "UPDATE:" (or date stamp) marker."""
    marks = history_markers(text)
    return text[marks[-1]:] if marks else text


__all__ = ["history_markers", "latest_section"]
