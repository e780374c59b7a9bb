"""Text as sheetsync handles it, in one place: cleaning cell text (HTML fragments, entities, spacing), protective
markings and page furniture, text made safe for spreadsheets (no formulas), terminals (no control sequences) and
markup (no NUL or ESC), and A1 addresses.

A1 helpers count rows and columns from 1, as Excel does. They are written here rather than taken from XlsxWriter's
`utility` because importing that module loads all of XlsxWriter (about 0.1 s measured with `python -X importtime`),
which the read and validate paths never otherwise need.
"""

from __future__ import annotations

import math
import re
import textwrap
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime
from itertools import accumulate
from typing import cast

Value = str | int | float | bool | date | datetime | None

# ------------------------------------------------------------------------------------ markings and furniture

# A cell or line that is nothing but a protective marking ("OFFICIAL", "OFFICIAL - SENSITIVE", "RESTRICTED").
MARKING = re.compile(r"^(?:official(?:[\s\-–:]+sensitive)?|restricted|(?:top\s+)?secret|protect|"
                     r"not protectively marked|unclassified)(?:\s*[\-–:]\s*[a-z ]+)?$", re.IGNORECASE)
# Page furniture left in pasted or converted documents: "Page 3 of 12", "3 / 12", "3 of 12", "- 3 -", "Continued".
FURNITURE = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s*/\s*\d+|\d+\s+of\s+\d+|-\s*\d+\s*-|"
                       r"continued(?: overleaf)?|\(continued\))$", re.IGNORECASE)


def marking_of(text: str, *, as_written: bool = False) -> str | None:
    """The protective marking when `text` is nothing but one. With `as_written`, only a marking written in capitals
    or title case counts (prose that merely says "official" is not a marking line)."""
    clean = " ".join(text.split())
    if not clean or not MARKING.match(clean):
        return None
    return clean if not as_written or clean.isupper() or clean.istitle() else None


def is_page_furniture(text: str) -> bool:
    """True for page numbers and "continued" lines."""
    return bool(FURNITURE.match(" ".join(text.split())))


# ----------------------------------------------------------------------------------------------- cell text

_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|span|b|i|u|strong|em|li|ul|ol|font|td|tr|table|a)\b[^>]*>",
                  re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
# What makes clean_text do more than strip(): the one list both the cell-at-a-time test (_NEEDS_CLEAN) and the
# column-at-a-time one (clean_texts) look for.
_CLEAN_MARKERS = ("<", "&", "\r", "\n", "\t", "\u00a0", "\u2007", "\u202f", "  ")
_NEEDS_CLEAN = re.compile("[" + "".join(re.escape(m) for m in _CLEAN_MARKERS if len(m) == 1) + "]|"
                          + "|".join(re.escape(m) for m in _CLEAN_MARKERS if len(m) > 1))


def col_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    """'G26' -> (26, 7); '$G$26' works too."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not match:
        raise ValueError(f"not an A1 address: {ref!r}")
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def parse_range(ref: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """'A5:C9' -> ((5, 1), (9, 3)), its first and last cells; a single cell 'B2' -> ((2, 2), (2, 2))."""
    first, _, last = ref.partition(":")
    return parse_a1(first), parse_a1(last or first)


def clean_text(value: Value) -> str | None:
    """Cell text as sheetsync keeps it: HTML fragments and entities gone, spaces folded, blank -> None."""
    if value is None:
        return None
    text = value if isinstance(value, str) else cell_text(value)
    if not _NEEDS_CLEAN.search(text):
        return text.strip() or None
    if "<" in text or "&" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
        text = unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text or None


def cell_text(value: Value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def clean_texts(values: Sequence[Value]) -> list[str | None]:
    """`[clean_text(v) for v in values]`, a column at a time. Nearly every cell only needs strip(); finding the
    few that need more with one `str.find` per marker over the joined column costs far less than a regex search
    per cell, which was the reader's largest cost on big sheets."""
    needs_more = non_text_indices(values)
    if needs_more or None in values:
        texts: Sequence[str] = [v if isinstance(v, str) else "" for v in values]
    else:
        texts = cast("Sequence[str]", values)  # all str already
    result = [text.strip() or None for text in texts]
    joined = "\0".join(texts)  # no marker contains "\0", so none is found across two cells
    ends: list[int] = []  # ends[i]: where cell i + 1 starts in `joined`
    for marker in _CLEAN_MARKERS:
        at = joined.find(marker)
        while at != -1:
            ends = ends or list(accumulate(len(text) + 1 for text in texts))
            index = bisect_right(ends, at)
            needs_more.append(index)
            at = joined.find(marker, ends[index])
    for index in set(needs_more):  # a cell holding several markers was listed once for each
        result[index] = clean_text(values[index])
    return result


def non_text_indices(values: Sequence[Value]) -> list[int]:
    """Indices of the values that are neither str nor None (counted in C first: usually there are none)."""
    kinds = list(map(type, values))
    if kinds.count(str) + kinds.count(type(None)) == len(kinds):
        return []
    return [index for index, kind in enumerate(kinds) if kind is not str and kind is not type(None)]


def strip_html(text: str) -> str:
    """`text` with HTML fragments removed (block tags become line breaks) and entities decoded."""
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
    return unescape(text)


def unescape(text: str) -> str:
    """`text` with HTML and XML character references decoded ("&amp;" -> "&"). The `html` module (and its table of
    2,231 entities, about 3 ms of a cold start) is imported only for text that holds an "&"."""
    if "&" not in text:
        return text
    import html

    return html.unescape(text)


# ------------------------------------------------------------------------------------------------ layout

LINE_PT = 12.75  # the height of one line of 10 pt Arial, in points


def wrapped_lines(text: str | None, width: float) -> int:
    """Roughly how many wrapped lines `text` takes in a column `width` characters wide (10 pt Arial)."""
    if not text:
        return 1
    per_line = max(1, int(width * 1.35) - 1)
    total = 0
    for part in text.split("\n"):
        if len(part) <= per_line:
            total += 1
        elif len(part) > 4000:  # wrapping is pointless past the 409 pt limit
            total += math.ceil(len(part) / per_line)
        else:
            total += max(1, len(textwrap.wrap(part, per_line, drop_whitespace=True)))
    return total


def row_height(lines: int) -> float:
    """Points for `lines` lines of 10 pt text; Excel's maximum row height is 409 pt."""
    return float(min(409.0, LINE_PT * lines + 3))


# --------------------------------------------------------------------------------------------- safe output

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 control characters but tab and line feed, and DEL: what a terminal would act on.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKUP_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise_formula(text: str) -> str:
    """Text no spreadsheet will take for a formula when it is opened from CSV or written as a cell (a leading
    apostrophe before = + - @ tab or carriage return)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def terminal_safe(text: str) -> str:
    """`text` with control characters (escape sequences, bells, carriage returns) removed, for a terminal line."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def markup_safe(text: str) -> str:
    """`text` without the control characters HTML and Markdown must not carry (NUL, ESC and the like)."""
    return _MARKUP_CONTROL.sub("", text) if _MARKUP_CONTROL.search(text) else text


__all__ = [
    "FURNITURE",
    "MARKING",
    "Value",
    "a1",
    "cell_text",
    "clean_text",
    "clean_texts",
    "col_letter",
    "is_page_furniture",
    "marking_of",
    "markup_safe",
    "neutralise_formula",
    "non_text_indices",
    "parse_a1",
    "strip_html",
    "terminal_safe",
]
