"""Text heuristics for free-text cells: pending language, truncation, history in one cell, copied updates.

Pure functions on strings (no plan types), so they can be measured on a labelled corpus
(tests/test_heuristics.py asserts precision and recall floors). Tuned to catch real defects while staying
quiet on ordinary process descriptions ("victims will be referred", "will continue to", "reviewed annually").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

# --- history appended inside one cell ("… UPDATE: …", "Mar 25 update - …", "12/03/25: …") -----------------

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


# --- pending language: a "complete" status over an update that describes work still to do ----------------

_PARTICIPLES = (
    r"(?:re-?)?(?:reviewed|updated|developed|implemented|created|introduced|rolled\s+out|launched|delivered|"
    r"completed|considered|explored|agreed|published|circulated|established|finali[sz]ed|amended|drafted|"
    r"set\s+up|put\s+in\s+place|made\s+available|produced|uploaded|added|asked|revisited|discussed|presented|"
    r"scoped|procured|recruited|issued|shared|written|refreshed|tested|piloted|arranged|signed\s+off|"
    r"evaluated|confirmed|decided|scheduled|designed|built|embedded|commissioned|appointed|sourced|"
    r"revised|rewritten|incorporated|mapped|identified|undertaken|carried\s+out|conducted|approved|"
    r"available|in\s+place|launched|live|ready)"
)
_BAU_CYCLE_SOURCE = (
    r"\s*(?:annually|yearly|quarterly|monthly|weekly|daily|every|each|regularly|periodically|routinely|"
    r"on\s+an?\s+(?:annual|regular|ongoing|rolling|monthly|quarterly|case)|as\s+(?:and\s+when|required|needed|"
    r"necessary|part\s+of\s+(?:the\s+)?(?:normal|routine|annual|regular|business|usual|standard))|"
    r"at\s+(?:all\s+times|every|each)|24/7|when\s+(?:required|needed|necessary))"
)
_PENDING_PATTERNS: tuple[str, ...] = (
    r"\b(?:is|are|am|were|was)\s+(?:now\s+|also\s+)?going\s+to\b",
    rf"\bwill\s+(?:now\s+|also\s+|then\s+|shortly\s+|soon\s+|need\s+to\s+|have\s+to\s+)?be\s+(?:fully\s+)?{_PARTICIPLES}",
    rf"\b(?:still\s+|yet\s+)?to\s+be\s+(?:fully\s+)?{_PARTICIPLES}",
    r"\b(?:is|are|currently|still)\s+(?:currently\s+|still\s+)?being\s+(?:re-?)?(?:reviewed|developed|updated|drafted|"
    r"considered|explored|progressed|finali[sz]ed|written|scoped|implemented|rolled\s+out|piloted|tested|designed|"
    r"established|set\s+up|created|produced|agreed|mapped|refreshed|revised|looked\s+(?:at|into)|worked\s+on|"
    r"discussed|arranged|procured|built|planned|prepared|trialled|evaluated)\b",
    r"\bwaiting\s+(?:on|for)\b",
    r"\bawaiting\s+(?:sign[- ]?off|approval|confirmation|the\s+(?:outcome|results?|decision|publication|"
    r"completion|new|national|final|review)|outcome|results?|feedback|a\s+(?:response|decision|date|review)|"
    r"response|decision|ratification|agreement|completion|publication|delivery|funding|guidance)\b",
    r"\bneeds?\s+to\s+(?:take\s+place|happen|be\s+\w+|go\s+live)\b",
    r"\b(?:still\s+)?needs?\s+(?:further\s+)?(?:work|development|review|consideration|agreement|sign[- ]?off)\b",
    r"\bwill\s+(?:then\s+|also\s+)?take\s+place\b",
    r"\bunable\s+to\b",
    r"\b(?:cannot|can\s*not|can't|will\s+not|won't)\s+(?:\w+\s+){0,3}until\b",
    r"\bonce\s+(?:\w+\s+){0,10}?(?:has|have)\s+(?:taken\s+place|been\s+(?:completed|agreed|finali[sz]ed|approved|"
    r"signed\s+off|published|assessed|reviewed|scored|launched|implemented|received))\b",
    r"\b(?:in\s+the\s+process\s+of|in\s+development|under\s+(?:review|development|consideration|discussion)|"
    r"not\s+yet|yet\s+to|has\s+yet\s+to|have\s+yet\s+to|in\s+due\s+course|in\s+the\s+coming\s+(?:weeks|months)|"
    r"later\s+this\s+year|in\s+the\s+new\s+year|to\s+follow|tbc|tbd|"
    r"subject\s+to\s+(?:approval|sign[- ]?off|funding))\b",
    r"\b(?:planned|scheduled|due|expected|intended|anticipated)\s+(?:for|to\s+(?:be|go|start|launch|complete|begin|"
    r"commence|take))\b",
    r"\bwill\s+(?:now\s+|also\s+|then\s+|shortly\s+|soon\s+)?(?:seek|look|aim|endeavou?r|explore|consider|"
    r"scope|commence|begin|start|go\s+live|be\s+able\s+to|be\s+launched|roll\s+out|look\s+into)\b",
    r"\b(?:we|the\s+force|force|(?-i:[A-Z]{1,4}P|MPS|PSNI|PSoS))\s+(?:will|shall|intends?\s+to|plans?\s+to|aims?\s+to|"
    r"hopes?\s+to|(?:is|are)\s+(?:planning|hoping|intending|aiming)\s+to)\s+(?:now\s+|also\s+|then\s+|shortly\s+|"
    r"soon\s+)?(?:review|develop|implement|introduce|create|establish|launch|deliver|draft|produce|publish|"
    r"circulate|finali[sz]e|complete|undertake|arrange|agree|procure|recruit|pilot|trial|test|design|refresh|"
    r"revise|amend|update|upload|communicate|engage|liaise|request|work\s+(?:with|on|to)|set\s+up|put\s+in|"
    r"write|look|seek|explore|consider|conduct|carry\s+out|commission|appoint|build|map|audit|submit|roll\s+out|"
    r"identify|train|run|hold|meet|share|check|assess|evaluate)\b",
    r"\b(?:by|before|at)\s+the\s+(?:end\s+of\s+(?:april|may|june|july|august|september|october|november|"
    r"december|january|february|march|the\s+(?:month|year|quarter))|next\s+(?:cpd|training|board|meeting|"
    r"quarter|financial\s+year|review|phase))\b",
    r"\b(?:the|our)\s+next\s+(?:cpd|training\s+day|input|phase|stage)\b",
    r"\bwith\s+a\s+view\s+to\b",
    r"\b(?:do|does)\s+not\s+(?:currently\s+)?have\s+(?:the\s+)?capacity\b",
    r"\b(?:currently|now)\s+(?:looking\s+(?:at|into)|exploring|considering|scoping|developing|drafting|reviewing)\b",
)
# Each pattern runs only when one of its trigger words is in the text (a substring test is far cheaper than a
# regex scan), which keeps validation of 10,000 rows fast.
_TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("going to",), ("will",), ("to be",), ("being",), ("waiting",), ("awaiting",), ("need",), ("need",),
    ("take place",),
    ("unable",), ("until",), ("once",),
    ("process of", "development", "under ", "not yet", "yet to", "due course", "coming", "later this", "new year",
     "to follow", "tbc", "tbd", "subject to"),
    ("planned", "scheduled", "due ", "expected", "intended", "anticipated"),
    ("will",), ("will", "shall", "intend", "plan", "aim", "hope"), ("the end of", "the next"), ("next",),
    ("with a view",), ("capacity",), ("currently", "now "),
)
# The patterns are compiled on first use, each on its own: compiling all of them costs more than importing this
# module otherwise does, and most plans need only a few (a cell without a trigger word needs none).
_PENDING: tuple[tuple[int, frozenset[str]], ...] = tuple(
    (index, frozenset(triggers)) for index, triggers in enumerate(_TRIGGERS))
assert len(_TRIGGERS) == len(_PENDING_PATTERNS)
_TRIGGER_WORDS: tuple[str, ...] = tuple(sorted({t for triggers in _TRIGGERS for t in triggers}))
# A phrase that describes an ongoing routine or a finished state right before the match.
_NOT_PENDING_BEFORE_SOURCE = r"(?:continues?|continued|no\s+longer|already|routinely)\s+(?:\w+\s+){0,1}$"


@cache
def _pending_pattern(index: int) -> re.Pattern[str]:
    return re.compile(_PENDING_PATTERNS[index], re.IGNORECASE)


@cache
def _not_pending_before() -> re.Pattern[str]:
    return re.compile(_NOT_PENDING_BEFORE_SOURCE, re.IGNORECASE)


@cache
def _bau_cycle() -> re.Pattern[str]:
    return re.compile(_BAU_CYCLE_SOURCE, re.IGNORECASE)


def pending_phrase(text: str | None) -> str | None:
    """The first phrase in `text` saying the work is not done yet ("will be reviewed", "waiting on"), or None.

    Only the newest section of a cell with appended history counts: "… are going to … UPDATE: circulated"
    reports completion.
    """
    if not text or not text.strip():
        return None
    return pending_in_latest(latest_section(text))


def pending_in_latest(latest: str) -> str | None:
    """`pending_phrase` on a text that is already its latest section (validation finds the markers once)."""
    lower = latest.casefold()
    # Forty substring tests cost less than one regex scan for any of them.
    present = {trigger for trigger in _TRIGGER_WORDS if trigger in lower}
    if not present:
        return None
    best: tuple[int, str] | None = None
    for index, triggers in _PENDING:
        if present.isdisjoint(triggers):
            continue
        for match in _pending_pattern(index).finditer(latest):
            if best is not None and match.start() >= best[0]:
                break
            before = latest[max(0, match.start() - 30):match.start()]
            if _not_pending_before().search(before) or _bau_cycle().match(latest, match.end()):
                continue
            best = (match.start(), " ".join(match.group(0).split()))
            break
    return best[1] if best else None


# --- truncated text ---------------------------------------------------------------------------------------

_DANGLING_TEXT = (
    "and or but nor the a an of to for with in at by from into onto as than that which who whom whose "
    "this these those their our its his her is are was were be been being will would can could should may "
    "might must has have had including such via about between within without through where when while "
    "whilst because although also e.g eg i.e ie per towards toward upon among amongst whether if unless "
    "whereby across against during following regarding on after before until"
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


@lru_cache(maxsize=256)
def _full_tokens(full: str) -> list[str]:
    """The words of a national wording (a few dozen distinct texts, compared with every row)."""
    return _TOKEN.findall(full.casefold())


_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "al", "ment", "ments")


def _unmatched_open(text: str) -> bool:
    return text.count("(") > text.count(")")


# --- copied updates: the same or nearly the same text on different actions --------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")
# Punctuation becomes a space before splitting into words: str.translate runs at C speed.
_PUNCTUATION = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~‘’“”–—…•\u00a0"})
# The same, but sentence ends become a NUL marker to split sentences on.
# Every Latin-1 character has an entry (most map to themselves): str.translate then never looks a character up
# in vain, which costs an exception per distinct character and made this the slowest step for 10,000 rows.
_SENTENCE_MARKS: dict[int, int | str] = {
    **{i: i for i in range(256)},
    **{ord(c): " " for c in "\"#$%&'()*+,-/:<=>@[\\]^_`{|}~‘’“”–—•\u00a0"},
    **{ord(c): "\x00" for c in ".!?;…\n"},
}
# For an ASCII text (nearly every update) casefold() only lower-cases A-Z, so casefolding and marking are one
# bytes.translate with this table: a single C pass, about five times faster than the two steps on str. It also
# turns every other whitespace character into a space (the text is split into words on whitespace anyway), so a
# marked ASCII text is already single-spaced unless it has two spaces in a row or one at either end.
_ASCII_SENTENCE_MARKS = bytes(
    ord(" " if marked.isspace() else marked)
    for marked in (chr(i).casefold().translate(_SENTENCE_MARKS) for i in range(128))) + bytes(range(128, 256))
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
MIN_WORDS = 8  # shorter updates ("Complete.", "See 7.1") are not worth comparing
_COMMON_BUCKET = 40  # a sentence shared by more actions than this is boilerplate, not a copy


def _shingles(tokens: Sequence[str]) -> frozenset[int]:
    return frozenset(hash(tuple(tokens[i:i + 3])) for i in range(max(1, len(tokens) - 2)))


class Similar(NamedTuple):
    """Another text that is the same or nearly the same as this one."""

    other: int
    jaccard: float  # shared 3-word shingles over all shingles of the two texts
    containment: float  # shared shingles over the shorter text's shingles
    shared: int  # number of shared shingles (about the number of words copied)


def near_duplicates(texts: Sequence[str | None], *, jaccard: float = 0.6, containment: float = 0.8,
                    passage: int = 30) -> dict[int, list[Similar]]:
    """For each index, the other indexes whose text is the same or nearly the same.

    Near means word 3-shingle Jaccard ≥ `jaccard`; or ≥ `containment` of the shorter text found in the longer
    (a copy cut short, or a copy with a sentence added); or a shared passage of ≥ `passage` shingles making up
    at least a third of the shorter text (a long paragraph pasted into another update). Candidates come from
    hashing each text's sentences, opening and ending, so 10,000 rows compare only the pairs that share one.
    """
    found = duplicate_matches(texts, jaccard=jaccard, containment=containment, passage=passage)
    return {index: found.matches(index) for index in found.indexes(ordered=False)}


class DuplicateMatches:
    """The result of `duplicate_matches`: near copies found pair by pair, plus mass copies kept as groups.

    More than `_COMMON_BUCKET` identical texts are kept as one group, not as every pair of it, so a plan with
    thousands of identical updates costs time and memory in proportion to its rows, not their square.
    """

    __slots__ = ("_groups", "_pairs")

    def __init__(self, pairs: dict[int, dict[int, Similar]], groups: dict[int, tuple[list[int], int]]) -> None:
        self._pairs = pairs
        self._groups = groups  # index -> (the sorted indexes of its identical texts, its number of words)

    def indexes(self, *, ordered: bool = True) -> list[int]:
        """The indexes that have at least one match: in order, or mass copies first and then as found."""
        found = list(dict.fromkeys([*self._groups, *self._pairs]))
        return sorted(found) if ordered else found

    def count(self, index: int) -> int:
        """How many other texts match this one."""
        group = self._groups.get(index)
        return len(self._pairs.get(index, ())) + (len(group[0]) - 1 if group else 0)

    def matches(self, index: int, limit: int | None = None) -> list[Similar]:
        """The matches of one index, ordered by the other index (at most `limit` of them)."""
        found = dict(self._pairs.get(index, {}))
        group = self._groups.get(index)
        if group is not None:
            members, words = group
            for other in members if limit is None else members[: limit + 1]:
                if other != index:
                    found.setdefault(other, Similar(other, 1.0, 1.0, words))
        ordered = sorted(found.values())
        return ordered if limit is None else ordered[:limit]


def _add(buckets: dict[str, int], extra: dict[str, list[int]], key: str, index: int) -> None:
    first = buckets.setdefault(key, index)
    if first != index:
        members = extra.get(key)
        if members is None:
            extra[key] = [first, index]
        elif members[-1] != index:
            members.append(index)


def duplicate_matches(texts: Sequence[str | None], *, jaccard: float = 0.6, containment: float = 0.8,
                      passage: int = 30) -> DuplicateMatches:
    """`near_duplicates` in a compact form (see `DuplicateMatches`): what validation uses."""
    # Each text long enough to compare, as its words joined by single spaces (None when too short).
    norms: list[str | None] = [None] * len(texts)
    # Candidate keys: the whole text and each of its sentences share one namespace (a sentence pasted as a
    # whole update is a copy); the opening and the ending ten words have their own.
    whole: dict[str, int] = {}
    heads: dict[str, int] = {}
    tails: dict[str, int] = {}
    whole_extra: dict[str, list[int]] = {}
    head_extra: dict[str, list[int]] = {}
    tail_extra: dict[str, list[int]] = {}
    marks = _SENTENCE_MARKS
    first_whole, first_head, first_tail = whole.setdefault, heads.setdefault, tails.setdefault
    ascii_marks = _ASCII_SENTENCE_MARKS
    for index, text in enumerate(texts):
        if not text:
            continue
        if text.isascii():
            marked = text.encode("ascii").translate(ascii_marks).decode("ascii")
            # Already its words joined by single spaces (as most texts are): no need to split and join again.
            spaced = "  " not in marked and marked[0] != " " and marked[-1] != " "
        else:
            marked = text.casefold().translate(marks)
            spaced = False
        if "\x00" not in marked:
            norm = marked if spaced else " ".join(marked.split())
            count = norm.count(" ") + 1 if norm else 0
            if count < MIN_WORDS:
                continue
            if first_whole(norm, index) != index:
                _add(whole, whole_extra, norm, index)
        else:
            # Sentence by sentence, each as single-spaced words: the same words as splitting the whole text.
            if spaced and " \x00" not in marked:
                # The usual "… done. Next …": only a space after a sentence mark to drop.
                sentences = marked.replace("\x00 ", "\x00").split("\x00")
            else:
                sentences = [part.strip(" ") for part in (marked if spaced else " ".join(marked.split())).split("\x00")]
            norm = " ".join(filter(None, sentences))
            count = norm.count(" ") + 1 if norm else 0
            if count < MIN_WORDS:
                continue
            if first_whole(norm, index) != index:
                _add(whole, whole_extra, norm, index)
            if len(sentences) > 2 or sentences[1]:
                for sentence in sentences:
                    if sentence.count(" ") >= 5 and first_whole(sentence, index) != index:  # six words or more
                        _add(whole, whole_extra, sentence, index)
        norms[index] = norm
        if count <= 10:
            if first_head(norm, index) != index:
                _add(heads, head_extra, norm, index)
            if first_tail(norm, index) != index:
                _add(tails, tail_extra, norm, index)
        else:
            words = norm.split(" ")
            head, tail = " ".join(words[:10]), " ".join(words[-10:])
            if first_head(head, index) != index:
                _add(heads, head_extra, head, index)
            if first_tail(tail, index) != index:
                _add(tails, tail_extra, tail, index)

    pairs: set[tuple[int, int]] = set()
    groups: dict[int, tuple[list[int], int]] = {}
    for extra in (whole_extra, head_extra, tail_extra):
        for members in extra.values():
            if len(members) > _COMMON_BUCKET:
                # Boilerplate shared by many rows; keep only whole-text copies among them.
                by_text: dict[str | None, list[int]] = defaultdict(list)
                for index in members:
                    by_text[norms[index]].append(index)
                for norm_text, group in by_text.items():
                    if len(group) > _COMMON_BUCKET:
                        if group[0] not in groups:
                            entry = (group, len(str(norm_text).split(" ")))
                            for index in group:
                                groups[index] = entry
                    elif len(group) > 1:
                        pairs.update((a, b) for i, a in enumerate(group) for b in group[i + 1:])
                continue
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    pairs.add((a, b))

    result: dict[int, dict[int, Similar]] = defaultdict(dict)
    shingles: dict[int, frozenset[int]] = {}
    for a, b in sorted(pairs):
        sa = shingles.get(a)
        if sa is None:
            sa = shingles[a] = _shingles(str(norms[a]).split(" "))
        sb = shingles.get(b)
        if sb is None:
            sb = shingles[b] = _shingles(str(norms[b]).split(" "))
        common = len(sa & sb)
        if not common:
            continue
        jac = common / len(sa | sb)
        shorter = min(len(sa), len(sb))
        contained = common / shorter
        if (jac >= jaccard or (contained >= containment and shorter >= MIN_WORDS - 2)
                or (common >= passage and contained >= 1 / 3)):
            result[a][b] = Similar(b, round(jac, 2), round(contained, 2), common)
            result[b][a] = Similar(a, round(jac, 2), round(contained, 2), common)
    return DuplicateMatches(dict(result), groups)


__all__ = ["DuplicateMatches", "Similar", "duplicate_matches", "history_markers", "latest_section", "near_duplicates",
           "pending_in_latest", "pending_phrase", "truncation_reason"]
