"""Copied updates: the same or nearly the same text on different actions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

# Punctuation becomes a space and sentence ends a NUL marker to split sentences on (str.translate: C speed).
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


__all__ = ["MIN_WORDS", "DuplicateMatches", "Similar", "duplicate_matches", "near_duplicates"]
