"""Truncated text: an update, evidence or recommendation text cut off by copying or exporting."""

from __future__ import annotations

import re
from functools import cache, lru_cache

_DANGLING_TEXT = (
    "and or but nor the a an of to for with in at by from into onto as than that which who whom whose "
    "their our its his her your my is are was were be been being will would can could should may "
    "might must has have had including such via about between within without through where when while "
    "whilst because although also e.g eg i.e ie per towards toward upon among amongst whether if unless "
    "whereby across against during following regarding on after before until "
    # Ordinary words a phrase goes on after: a quantifier or adjective waiting for its noun, a verb for its object.
    "every several various very local national new additional dedicated designated ensure ensuring providing"
)
# Lower-case words of two or three letters that end a sentence legitimately; any other short lower-case last
# word ("a booklet is ava", "tasking or ac") is a word cut in half.
_SHORT_TEXT = (
    "a an as at be by do go he if in is it me my no of on or so to up us we am are was has had can may "
    "did get got its our out own per set new old one two six ten all any few far how let not now off too "
    "use via yes yet who why day way key low top end due see met led run ran won act age aim art bid box "
    "bus car cut fit gap law lot mix net pay put raw sit tax try war web ago men man job map log tag kit "
    "fee hub bau etc ok eg ie re vs him her she his they them one "
)
_SHORT_WORDS = frozenset(_SHORT_TEXT.split())
_DANGLING_WORDS = frozenset(_DANGLING_TEXT.split())
_EXPORT_LIMITS = frozenset({255, 256, 1000, 1024, 2000, 2048, 4000, 4095, 4096, 8000, 8192, 32767})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_END_PUNCT = tuple(".!?)]\"'’”")
_END_CHARS = frozenset(_END_PUNCT)
_OPEN_END = tuple(",:;/&-–—•(")


@cache
def _reference_words() -> tuple[frozenset[str], frozenset[str]]:
    """Words of the catalogue texts plus common plan words, and all their prefixes (for mid-word cuts)."""
    from sheetsync.catalogue import catalogue

    cat = catalogue()
    texts = [rec.text for rec in cat.recommendations]
    texts += [ev.text or "" for rec in cat.recommendations for ev in rec.evidence]
    texts.append(_COMMON_WORDS)
    words = {w.casefold() for text in texts for w in _WORD.findall(text)}
    prefixes = {w[:n] for w in words for n in range(4, len(w))}
    return frozenset(words), frozenset(prefixes)


_COMMON_WORDS = (
    "harassment investigation investigations investigating safeguarding information officers management "
    "complete completed completion implementation implemented development developing developed training "
    "referral referrals procedure procedures assessment assessments performance partnership partnerships "
    "intelligence department supervisors supervision protection vulnerability victims witness statement "
    "statements recommendation recommendations organisation organisational communication communications "
    "arrangements requirements understanding identification consultation governance strategic strategy "
    "processes meeting meetings reviewing reviewed monitoring published guidance document documents "
    "additional available availability currently continue continuing ongoing appropriate appropriately "
    "throughout including effectively effective operational operation operations specialist support "
    "services service response responses approximately recording recorded offences offenders suspects"
)


def truncation_reason(text: str | None, *, full: str | None = None, context: str | None = None) -> str | None:
    """Why `text` looks cut off mid-sentence, or None.

    `full` is the national wording when the cell should hold it (evidence text): a cell equal to it is never
    truncated, a cell that is a strict beginning of it is. `context` is nearby text (the row's evidence) whose
    words help spot a cut mid-word.
    """
    if text is None:
        return None
    if full is None:
        # Without a national wording to compare with, a text ending on a full stop (the usual case) is done
        # with: the whitespace-normalised text below ends on the same character.
        end = text.rstrip()
        if not end or end[-1] in _END_CHARS:
            return None
    clean = " ".join(text.split())
    if not clean:
        return None
    if full is not None:
        mine, reference = _TOKEN.findall(clean.casefold()), _full_tokens(full)
        if mine == reference:
            return None
        if len(mine) >= 4 and len(reference) > len(mine) and reference[: len(mine)] == mine:
            return "it is only the beginning of the national wording"
    if clean.endswith(_END_PUNCT):
        return None
    if len(text) in _EXPORT_LIMITS and len(clean) > 200:
        return f"it is exactly {len(text)} characters long, a length at which exports cut text"
    if clean.endswith(_OPEN_END) and not clean.endswith(("e.g.", "etc")):
        return f"it ends on '{clean[-1]}'"
    tokens = _WORD.findall(clean[-40:])
    if not tokens or not clean[-1].isalpha():
        return None
    last = tokens[-1]
    if len(clean.split()) < 4:
        return None
    if last.casefold() in _DANGLING_WORDS:
        return f"it ends on '{last}'"
    if _unmatched_open(clean):
        return "a bracket is opened and never closed"
    if 2 <= len(last) <= 3 and last.islower() and last not in _SHORT_WORDS:
        return f"it ends mid-word ('{last}')"
    if len(last) >= 4 and not last.isupper():
        known, prefixes = _reference_words()
        lower = last.casefold()
        extra = {w.casefold() for w in _WORD.findall(f"{clean} {context or ''}")}
        extra.discard(lower)
        stem = any(lower + suffix in known or lower + suffix in extra for suffix in _SUFFIXES)
        if lower not in known and lower not in extra and not stem and (
            lower in prefixes or any(w.startswith(lower) and len(w) >= len(lower) + 3 for w in extra)
        ):
            return f"it ends mid-word ('{last}')"
    return None


_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=256)
def _full_tokens(full: str) -> list[str]:
    """The words of a national wording (a few dozen distinct texts, compared with every row)."""
    return _TOKEN.findall(full.casefold())


_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "al", "ment", "ments")


def _unmatched_open(text: str) -> bool:
    return text.count("(") > text.count(")")


__all__ = ["truncation_reason"]
