"""Who owns which rows: owner cells read as people write them.

An owner cell may name several people or teams ("DCI Rachel Okafor / Paula Grant", "Insp Dunmore; Legal
Services"); each of them owns the row. One person is one owner however the cell spells them: case, spacing, dots
and rank or title abbreviations ("DCI", "D/Supt", "Det Supt", "Insp", "Inspector", "Ms") do not count, and a
surname alone ("Insp Dunmore") is the one person of that surname named in full elsewhere in the plan. A blank
cell, or one still holding the addressee ("Chief Constables": the catalogue's list, `Catalogue.is_owner_default`),
belongs to nobody: those rows go to the lead as "unassigned".

The owners' round (split, merge) and the chase reminders use this module; nothing here reads or writes files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sheetsync.catalogue import catalogue
from sheetsync.model import Plan, split_owners

UNASSIGNED = "unassigned"  # the key (and file name) of the lead's return for rows nobody owns

# Ranks and titles, as words after dots and slashes become spaces; longest first so "det ch supt" wins over "det".
_RANKS = sorted({
    "detective chief superintendent", "detective superintendent", "detective chief inspector",
    "detective inspector", "detective sergeant", "detective constable", "chief superintendent",
    "chief inspector", "superintendent", "inspector", "sergeant", "police constable", "constable",
    "assistant chief constable", "deputy chief constable", "chief constable", "assistant chief officer",
    "det ch supt", "det chief supt", "det supt", "det ch insp", "det chief insp", "det insp", "det sgt", "det con",
    "ch supt", "chief supt", "ch insp", "chief insp", "d supt", "d ch supt", "d insp", "dc supt",
    "dcs", "dci", "di", "ds", "dc", "pc", "ps", "sgt", "insp", "supt", "acc", "dcc", "aco", "det",
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame",
}, key=lambda rank: -len(rank))
_RANK_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(rank) for rank in _RANKS) + r")(?:\s+|$)")
# "D/Supt", "T/DI", "A/Insp", "C/Supt": a slash inside a rank, which must not split the cell in two.
_RANK_SLASH = re.compile(r"\b(D|T|A|C|Ch|Det|DC|T/D|A/D)/(?=(?:Ch|Chief|Supt|Insp|Sgt|DI|DS|DCI|DC|PS|PC|Det)\b)",
                         re.IGNORECASE)
_FRACTION_SLASH = "\u2044"
_ACTING = re.compile(r"\b[TA][/\u2044]", re.IGNORECASE)  # "T/DI", "A/Insp": temporary or acting, same person
_PARENTHESIS = re.compile(r"\s*\((?!\s*and\s)[^()]*\)")
_NOT_WORD = re.compile(r"[^\w\s'-]+")
_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def is_unassigned(name: str | None) -> bool:
    """Blank, or an addressee default ("Chief Constables", "CCs and PCCs"): nobody owns it."""
    return name is None or not name.strip() or catalogue().is_owner_default(name)


def names_in(cell: str | None) -> list[str]:
    """The people and teams an owner cell names, as written, in order; addressee defaults and descriptions in
    brackets ("(Analyst)") left out. [] when nobody owns the row."""
    if is_unassigned(cell):
        return []
    assert cell is not None
    text = _PARENTHESIS.sub("", _RANK_SLASH.sub(lambda m: m.group(1) + _FRACTION_SLASH, cell))
    names = [name.replace(_FRACTION_SLASH, "/") for name in split_owners(text)]
    return [name for name in names if not is_unassigned(name)]


def owner_key(name: str) -> str:
    """One person, one key: "DCI Rachel Okafor", "rachel  okafor" and "D/Supt Rachel Okafor" -> "rachel okafor"."""
    plain = _ACTING.sub("", name).replace(_FRACTION_SLASH, " ")
    words = " ".join(_NOT_WORD.sub(" ", plain).casefold().split())
    bare = words
    while True:
        stripped = _RANK_PREFIX.sub("", bare, count=1)
        if stripped == bare or not stripped:
            break
        bare = stripped
    return bare or words


@dataclass(frozen=True, slots=True)
class OwnerRows:
    """One owner and the rows they own: `name` as the plan most often writes it, `ids` in plan order."""

    key: str
    name: str
    ids: tuple[str, ...]
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    """Every owner of a plan with their rows (by name), and the rows nobody owns."""

    owners: tuple[OwnerRows, ...]
    unassigned: tuple[str, ...]

    def find(self, name: str) -> OwnerRows | None:
        """The owner `name` means ("Dunmore", "insp claire dunmore", "unassigned"), or None."""
        if owner_key(name) == UNASSIGNED:
            return OwnerRows(UNASSIGNED, "Unassigned", self.unassigned) if self.unassigned else None
        key = _Names(owner.key for owner in self.owners).resolve(owner_key(name))
        return next((owner for owner in self.owners if owner.key == key), None)

    def owners_of(self, action_id: str) -> list[str]:
        """The keys of the owners of one row (UNASSIGNED for a row nobody owns)."""
        if action_id in self.unassigned:
            return [UNASSIGNED]
        return [owner.key for owner in self.owners if action_id in owner.ids]


def assign(plan: Plan) -> Assignment:
    """Who owns each row of `plan`: several names in a cell each get the row; one person is one owner."""
    written: list[tuple[str, list[str]]] = []  # (action id, names as written)
    for _, action in plan.actions():
        written.append((action.id, names_in(action.owner)))
    known = _Names(owner_key(name) for _, names in written for name in names)
    rows: dict[str, list[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    unassigned: list[str] = []
    for action_id, names in written:
        if not names:
            unassigned.append(action_id)
            continue
        for name in names:
            key = known.resolve(owner_key(name))
            ids = rows.setdefault(key, [])
            if action_id not in ids:
                ids.append(action_id)
            spellings.setdefault(key, Counter())[name] += 1
    owners = [OwnerRows(key, _display(spellings[key]), tuple(ids), tuple(sorted(spellings[key])))
              for key, ids in rows.items()]
    owners.sort(key=lambda owner: (owner.name.casefold(), owner.key))
    return Assignment(tuple(owners), tuple(unassigned))


class _Names:
    """The full names among a plan's owner keys, by surname: what a surname alone can mean."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.by_surname: dict[str, list[list[str]]] = {}
        for key in set(keys):
            words = key.split()
            if len(words) > 1 and not _partial(words):
                self.by_surname.setdefault(words[-1], []).append(words)

    def resolve(self, key: str) -> str:
        """`key` itself when it is a full name; a surname alone, or initials and a surname ("c dunmore"),
        becomes the one full name it can mean; otherwise `key` unchanged."""
        words = key.split()
        if not words or not _partial(words):
            return key
        initials = words[:-1]
        matches = [full for full in self.by_surname.get(words[-1], ()) if len(full) >= len(words)
                   and all(given.startswith(initial) for given, initial in zip(full, initials, strict=False))]
        return " ".join(matches[0]) if len(matches) == 1 else key


def _partial(words: list[str]) -> bool:
    """A surname alone, or initials and a surname."""
    return all(len(word) == 1 for word in words[:-1])


def _display(spellings: Counter[str]) -> str:
    """The spelling the plan uses most; of equals, the fullest."""
    return max(spellings, key=lambda name: (spellings[name], len(name), name))


def file_name(name: str, *, taken: set[str], suffix: str = ".xlsx") -> str:
    """A file name for `name` that Windows, macOS and Linux all accept, unique (ignoring case) within `taken`,
    which it joins. "DCI Rachel Okafor" -> "DCI Rachel Okafor.xlsx"; "CON" -> "CON_.xlsx"."""
    stem = " ".join(_WINDOWS_BAD.sub("-", name).split()).strip(" .-") or "owner"
    stem = stem[:80].rstrip(" .")
    if stem.casefold().split(".")[0] in _WINDOWS_RESERVED:
        stem += "_"
    candidate, n = f"{stem}{suffix}", 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return candidate


__all__ = ["UNASSIGNED", "Assignment", "OwnerRows", "assign", "file_name", "is_unassigned", "names_in",
           "owner_key"]
