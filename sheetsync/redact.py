"""Taking people and personal data out of free text, for the public version of the report.

A `Redactor` is built from everything known about the plan's people (owners and leads of every version the report
touches, and anyone a rank or title names anywhere in those texts) and removes, from any text it is given:

- people: known names in any case, with or without accents, with any apostrophe or dash ("O’Neill", "Bryant–Jones",
  "OKAFOR"), as full names, initial and surname, surname, or forename; anyone named after a rank or title
  ("DS Laura Penhaligon", "PC 1234 Dobbs", "Mrs Anne Brown"); two capitalised words that are not words the
  plan or the catalogue uses elsewhere ("met Laura Penhaligon");
- identifiers: email addresses, UK phone numbers (Google's libphonenumber metadata, through phonenumberslite),
  postcodes, dates of birth (labelled, or any full date before 2005), collar, warrant and staff numbers, and
  house-number-and-street addresses.

Teams and departments are not people: an owner ending in a team word ("Legal Services", "Vale Stalking Service")
is an organisation, and its words, the force's and the catalogue's are never removed on their own. Every removal
and every word kept but suspicious (a capitalised word that is also a known person's name, a single unknown name
after "spoke to") is recorded in the `Review`, which the lead reads before publishing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

PLACEHOLDERS: dict[str, str] = {
    "name": "[name removed]",
    "email": "[email removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
    "birth": "[date of birth removed]",
    "number": "[officer number removed]",
    "address": "[address removed]",
}
NAME_REMOVED = PLACEHOLDERS["name"]
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))

# --- Word lists ----------------------------------------------------------------------------------------------------

# Words that make up job titles and team names: an owner made only of these (and "of", "and") is a role.
ROLE_WORDS = frozenset("""
head heads of lead leads leader team teams unit units department departments dept directorate command manager
managers public protection crime crimes registrar force forces training learning development l&d safeguarding
vulnerability vulnerable investigations investigation investigative standards professional and the for to with
chief constable constables assistant deputy superintendent superintendents inspector inspectors officer officers
ppu cid strategic operational tactical policy policies performance analyst analysts analysis data quality service
services information management vawg domestic abuse stalking harassment victim victims witness care partnership
partnerships pcc pccs opcc office digital intelligence communications corporate governance board group hub
coordinator co-ordinator coordinators portfolio contact centre center control room response neighbourhood
neighbourhoods policing risk mappa isac isacs spoc spocs support review reviews sergeant sergeants detective
detectives all ccs it systems system niche athena records recording local commissioning commissioner commissioners
mayor mayors equivalents bodies subject recommendations serious organised justice criminal custody operations
operation specialist hr people college cps national regional area areas county division divisional bcu lpa single
point case allocation screening legal advisor adviser advisers advisors lawyer lawyers solicitor counsel director
directors executive secretary staff practitioner practitioners champion champions panel forum network networks
programme project projects desk function branch section secretariat academy school university court courts
charity trust foundation agency authority council councils nhs police constabulary member members chair deputy
independent advocate advocates coordinator officer's team's owner owners
""".split())  # noqa: SIM905
# The last word of an organisation's name: "Legal Services", "Vale Stalking Service", "Wessex Vale Police".
ORGANISATION_ENDINGS = frozenset("""
service services team teams unit units department departments dept directorate command board group hub office
centre center partnership partnerships police constabulary force forces council councils cps college trust
foundation agency authority panel forum network programme project desk function branch section secretariat
academy school university court courts charity nhs division bcu lpa helpline registrar commissioner opcc
""".split())  # noqa: SIM905
# Forenames and surnames that are everyday words too: never removed on their own, only in full names or after a
# rank; a capitalised one in the middle of a sentence is listed in the review as suspicious.
COMMON_NAME_WORDS = frozenset("""
may june april august will mark grace hope faith joy rose bill sue frank john ray dawn summer sky jack rob amber
ruby pearl jade holly ivy hazel heather daisy lily violet iris robin rowan hunter drew dean earl king major page
penny rich art chase miles young white brown green black grey gray wood woods hill hills field fields bell bird
baker cook cooper mason carter fisher fowler walker hall long short little small rice lane park street case read
reading law best west north south east ash moss marsh cross bishop knight price love bond booth church court
worth ward banks marks hart day days rain storm snow frost lake brook burns wells waters ford bridge
""".split())  # noqa: SIM905
_MONTHS_DAYS = frozenset("""
january february march april may june july august september october november december jan feb mar apr jun jul aug
sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
""".split())  # noqa: SIM905
# Words that start sentences in updates and are never a forename ("Met Laura Penhaligon": the name is two words).
_SENTENCE_WORDS = frozenset("""
met spoke called emailed phoned contacted visited briefed told informed thanked asked attended agreed reviewed
new all our the this these those each every further following next last monthly weekly quarterly annual national
local regional joint initial final draft revised updated current completed ongoing training awaiting following
""".split())  # noqa: SIM905
# Organisations named after people, kept whole ("Suzy Lamplugh Trust" is a charity, not a person).
KNOWN_ORGANISATIONS = (
    "Suzy Lamplugh Trust", "Alice Ruggles Trust", "Hollie Gazzard Trust", "Clare's Law", "Paladin",
    "Protection Against Stalking", "Network for Surviving Stalking", "National Stalking Helpline",
    "College of Policing",
    "Crown Prosecution Service", "Victim Support", "Women's Aid", "Refuge", "Action Fraud", "Home Office",
    "HMICFRS", "IOPC", "NPCC", "Stalking Protection Order", "Stalking Protection Orders",
)

# --- Patterns on the text as written -------------------------------------------------------------------------------

_LONG_RANKS = (r"Detective\s+Chief\s+Superintendent|Detective\s+Superintendent|Detective\s+Chief\s+Inspector|"
               r"Detective\s+Inspector|Detective\s+Sergeant|Detective\s+Constable|Chief\s+Superintendent|"
               r"Superintendent|Chief\s+Inspector|Inspector|Sergeant|Police\s+Constable|Special\s+Constable|"
               r"Constable|Deputy\s+Chief\s+Constable|Assistant\s+Chief\s+Constable|Chief\s+Constable|Commander|"
               r"Professor|Councillor|Reverend|Sir|Dame|Lord|Lady")
_SHORT_RANKS = (r"(?:[TA]/)?(?:D/?C/?S|D/?Supt|DSU|Det\.?\s+(?:Supt|Con|Sgt|Insp|Ch\.?\s+Insp)|Ch\.?\s+Supt|"
                r"C/Supt|CSupt|Supt|D/?C/?I|D/?I|D/?S|D/?C|Ch\.?\s+Insp|C/Insp|Insp|PCSO|PS|Sgt|PC|SC|ACC|DCC|CC|Cllr|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|"
                r"Rev|MR|MRS|MS|MISS|DR)\.?")
RANK = rf"(?:(?i:{_LONG_RANKS})|{_SHORT_RANKS})"
_NAME_WORD = (r"(?:(?:O['’]|Mc|Mac|D['’])?[A-ZÀ-Þ][a-zß-ÿ]+(?:['’][a-z]+)?(?:[-–][A-ZÀ-Þ][a-zß-ÿ]+)?"
              r"|[A-Z]{2,}(?:['’-][A-Z]+)?)")
_RANKED = re.compile(
    rf"(?<![\w/])(?P<rank>{RANK})(?P<rest>(?:[ \t]*\d{{2,7}})?(?:[ \t]+[A-Z]\.?)*(?:[ \t]+{_NAME_WORD}){{0,3}})"
    r"(?![\w])")
_NAME_WORD_RE = re.compile(_NAME_WORD)
_EMAIL = re.compile(r"[\w.+'’-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"(?<![\w])(?i:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]*\d[ABD-HJLNP-UW-Z]{2})(?![\w])")
_NUMBER_LABEL = re.compile(
    r"(?i:(?:collar|warrant(?:[ \t]+card)?|shoulder|badge|epaulette|staff|payroll|employee|pay)"
    r"(?:[ \t]+(?:number|no\.?|num\.?|#))?)[ \t]*[:#.-]?[ \t]*[A-Za-z]{0,2}\d{2,8}(?![\w])")
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?[ \t]+"
         r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?[ \t]+\d{4})")
_BIRTH = re.compile(rf"(?i:\b(?:d\.?o\.?b\.?|date[ \t]+of[ \t]+birth|born(?:[ \t]+on)?)\b)[ \t]*[:(,-]?[ \t]*{_DATE}")
_ANY_DATE = re.compile(rf"(?<![\w/.-]){_DATE}(?![\w/])")
_STREET = (r"(?i:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|place|pl|gardens|"
           r"gdns|grove|terrace|hill|park|square|sq|mews|row|walk|view|rise|green|parade|boulevard|wharf|yard|"
           r"meadows?|fields|chase|vale|croft|gate|end)")
_ADDRESS = re.compile(rf"(?<![\w.])\d{{1,4}}[A-Za-z]?,?[ \t]+(?:[A-Z][\w'’-]*[ \t]+){{1,3}}{_STREET}\b\.?")
_CONTACT = re.compile(r"(?i:\b(?:spoke[ \t]+(?:to|with)|met(?:[ \t]+with)?|emailed|e-mailed|phoned|called|rang|"
                      r"contacted|visited|interviewed|briefed|told|informed|thanked|asked)[ \t]+)"
                      r"(?P<name>[A-ZÀ-Þ][a-zß-ÿ]+)\b")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

_APOSTROPHES = dict.fromkeys(map(ord, "’‘ʼ`´′"), "'")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")


def fold(text: str) -> str:
    """Lower case, no accents, one apostrophe and one dash: what names are compared in."""
    text = text.translate(_APOSTROPHES).translate(_DASHES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the character of `text` it came from."""
    if text.isascii():
        folded = fold(text)
        if len(folded) == len(text):
            return folded, list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        out.append(piece)
        where.extend([index] * len(piece))
    return "".join(out), where


def words_of(text: str) -> list[str]:
    """The folded words of `text`, split at anything that is not a letter."""
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]


# --- People and organisations --------------------------------------------------------------------------------------

def is_role(part: str) -> bool:
    """True when an owner part names a role or team ("Head of Public Protection"), not a person."""
    words = words_of(part)
    return bool(words) and all(w in ROLE_WORDS for w in words)


def is_organisation(part: str) -> bool:
    """True for a team, department or body ("Legal Services", "Vale Stalking Service"): a role, or a name whose
    last word is a team word, without a rank or title in front."""
    words = words_of(part)
    if not words or _RANK_AT_START.match(part.strip()):
        return False
    return is_role(part) or words[-1] in ORGANISATION_ENDINGS


_RANK_AT_START = re.compile(rf"^(?:{RANK})(?:[ \t]+|$)")


def person_words(name: str) -> list[str]:
    """The words of a person's name as written in an owner cell: rank, title, brackets and job-title words
    removed ("DCI Nia Mellor (PPU)" -> ["Nia", "Mellor"]; "Kieran Maher Stalking Lead" -> ["Kieran", "Maher"])."""
    text = re.sub(r"\(.*?(?:\)|$)", " ", " ".join(name.split()))
    while True:
        stripped = _RANK_AT_START.sub("", text.strip(" .,;:/"))
        if stripped == text:
            break
        text = stripped
    return [w for w in text.replace("/", " ").split()
            if _WORD.search(w) and fold(w).strip(".,;:") not in ROLE_WORDS]


@dataclass(frozen=True, slots=True)
class Removal:
    where: str
    kind: str
    text: str
    context: str


@dataclass(frozen=True, slots=True)
class Suspect:
    where: str
    text: str
    reason: str
    context: str


@dataclass(slots=True)
class Review:
    """What a redactor removed and what it kept but found suspicious, for the lead to check before publishing."""

    removals: list[Removal] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)

    def text(self, heading: str = "Redaction review") -> str:
        lines = [heading, "=" * len(heading), "",
                 "INTERNAL: this file quotes what was removed. Never publish it. Check every line before the public",
                 "version goes on the website; put wording you want published in a 'Public update' column.", "",
                 f"{len(self.suspects)} kept but suspicious, {len(self.removals)} removed.", ""]
        lines.append("Kept but suspicious (the public version prints these words: check each one)")
        lines += [f"  {s.where}: {s.text!r} ({s.reason}) in: {s.context}" for s in self.suspects] or ["  none"]
        lines += ["", "Removed"]
        lines += [f"  {r.where}: {r.kind} {r.text!r} in: {r.context}" for r in self.removals] or ["  none"]
        return "\n".join(lines) + "\n"


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    lead = "…" if start > width else ""
    tail = "…" if end + width < len(text) else ""
    snippet = f"{lead}{before}«{text[start:end]}»{after}{tail}"
    return " ".join(snippet.split())


class Redactor:
    """Removes the people in `people` (owner cells, leads: "DCI Nia Mellor", "Kieran Maher Stalking Lead") and
    any personal data from text; `organisations` are names whose words are never removed on their own, and
    `known_words` words seen in lower case in the plan (ordinary words, so never a name on their own)."""

    def __init__(self, people: Iterable[str] = (), *, organisations: Iterable[str] = (),
                 known_words: Iterable[str] = ()) -> None:
        self.review = Review()
        self._known = {fold(w) for w in known_words} | ROLE_WORDS | _MONTHS_DAYS | _SENTENCE_WORDS
        protected = [*KNOWN_ORGANISATIONS, *(o for o in organisations if o.strip())]
        for name in protected:
            self._known.update(words_of(name))
        self._protected = _alternation([_phrase(words_of(p)) for p in protected if words_of(p)])
        patterns: set[str] = set()
        self._common: set[str] = set()
        for name in people:
            if is_organisation(name):
                continue
            words = person_words(name)
            if not words or is_organisation(" ".join(words)):
                continue
            if len(words) == 1 and not _NAME_WORD_RE.fullmatch(words[0]):
                continue  # "ViSOR", "justice": a system or a stray word, not somebody's name
            patterns.update(self._name_patterns([words_of(w) for w in words]))
        self._people = _alternation(sorted(patterns, key=len, reverse=True))

    def _name_patterns(self, words: list[list[str]]) -> list[str]:
        """Folded patterns for one person: full name, initial and surname, surname, forename (each unless it is
        also an everyday word, which is only removed as part of the full name)."""
        words = [w for w in words if w]
        found = [_phrase([t for w in words for t in w])]
        surname, first = words[-1], words[0]
        if len(words) >= 2:
            found.append(rf"{re.escape(first[0][0])}[\s.]*{_phrase(surname)}")
            if len(first) == 1:
                found.append(self._single(first[0]))
        found.append(self._single("".join(surname)) if len(surname) == 1 else _phrase(surname))
        if len(surname) > 1:  # "Bryant-Jones": each part too
            found += [self._single(part) for part in surname if len(part) >= 3]
        return [p for p in found if p]

    def _single(self, word: str) -> str:
        if len(word) < 3 or word in COMMON_NAME_WORDS or word in self._known:
            self._common.add(word)
            return ""
        return re.escape(word)

    # --- scrubbing ---

    def people_found(self) -> list[str]:
        """The names removed so far (owners, and anyone found by rank, title or as an unknown name)."""
        found = (removal.text for removal in self.review.removals if removal.kind == "name")
        return list(dict.fromkeys(found))

    def scrub(self, text: str | None, *, where: str = "") -> str:
        """`text` with people and personal data replaced by placeholders; removals and suspects go to the review."""
        if not text:
            return ""
        spans = self._spans(text)
        out: list[str] = []
        at = 0
        for start, end, kind in spans:
            self.review.removals.append(Removal(where, kind, text[start:end], _context(text, start, end)))
            out.append(text[at:start])
            out.append(PLACEHOLDERS[kind])
            at = end
        out.append(text[at:])
        result = _merge_placeholders("".join(out))
        self._suspects(result, where)
        return result

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        found += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
        found += [(m.start(), m.end(), "birth") for m in _BIRTH.finditer(text)]
        found += [(m.start(), m.end(), "birth") for m in _ANY_DATE.finditer(text) if _year(m.group()) < 2005]
        found += [(m.start(), m.end(), "number") for m in _NUMBER_LABEL.finditer(text)]
        found += [(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)]
        found += [(m.start(), m.end(), "postcode") for m in _POSTCODE.finditer(text)]
        found += _phones(text)
        found += self._ranked(text)
        found += self._known_people(text)
        found += self._unknown_pairs(text)
        return _merged(found, text)

    def _ranked(self, text: str) -> list[tuple[int, int, str]]:
        """A rank or title followed by a name or a number: "DS Laura Penhaligon", "PC 1234 Dobbs", "Mrs Brown"."""
        spans = []
        for match in _RANKED.finditer(text):
            rest = match.group("rest")
            names = _NAME_WORD_RE.findall(rest)
            # "DS Team", "Chief Constables": words a role or month is made of are not a name
            while names and (fold(names[-1]) in ROLE_WORDS or fold(names[-1]) in _MONTHS_DAYS):
                names.pop()
            number = re.search(r"\d", rest) is not None
            if not names and not number:
                continue
            end = match.start("rest") + (rest.rfind(names[-1]) + len(names[-1]) if names else len(rest.rstrip()))
            spans.append((match.start(), end, "name" if names else "number"))
        return spans

    def _known_people(self, text: str) -> list[tuple[int, int, str]]:
        if self._people is None:
            return []
        folded, where = _folded_with_map(text)
        protected = ([(m.start(), m.end()) for m in self._protected.finditer(folded)]
                     if self._protected is not None else [])
        spans = []
        for match in self._people.finditer(folded):
            start, end = match.span()
            if any(a <= start < b or a < end <= b for a, b in protected):
                continue
            spans.append((where[start], where[end - 1] + 1, "name"))
        return spans

    def _unknown_pairs(self, text: str) -> list[tuple[int, int, str]]:
        """Two or three capitalised words in a row, none of them a word the plan uses in lower case, a role,
        a month or an organisation's: a name ("Laura Penhaligon"), unless an organisation word follows."""
        spans = []
        words = list(_WORD.finditer(text))
        run: list[re.Match[str]] = []
        for word in [*words, None]:
            joined = (word is not None and bool(run)
                      and text[run[-1].end():word.start()] in (" ", "-", "–") and self._unknown_name(word.group()))
            if joined and word is not None:
                run.append(word)
                continue
            if len(run) >= 2 and (word is None or fold(word.group()) not in ORGANISATION_ENDINGS
                                  or text[run[-1].end():word.start()] != " "):
                spans.append((run[0].start(), run[-1].end(), "name"))
            run = [word] if word is not None and self._unknown_name(word.group()) else []
        return spans

    def _unknown_name(self, word: str) -> bool:
        return _capitalised(word) and fold(word) not in self._known and fold(word) not in COMMON_NAME_WORDS

    def _suspects(self, text: str, where: str) -> None:
        stripped = _PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)
        for match in _WORD.finditer(stripped):
            word = match.group()
            if fold(word) in self._common and _capitalised(word) and not _sentence_start(stripped, match.start()):
                self.review.suspects.append(Suspect(where, word, "also a known person's name",
                                                    _context(text, match.start(), match.end())))
        for match in _CONTACT.finditer(stripped):
            word = match.group("name")
            if self._unknown_name(word):
                self.review.suspects.append(Suspect(where, word, "a name after a word for contact",
                                                    _context(text, match.start("name"), match.end("name"))))


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:;\n•-*"


def _phrase(tokens: list[str]) -> str:
    """Folded tokens as one pattern, any run of spaces, apostrophes, dots or dashes (or none) between them."""
    return r"[\s'.\-]*".join(re.escape(t) for t in tokens)


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    patterns = [p for p in patterns if p]
    if not patterns:
        return None
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(patterns)})(?:'s)?(?![a-z0-9])")


def _year(date_text: str) -> int:
    digits = re.findall(r"\d+", date_text)
    year = int(digits[-1]) if digits else 9999
    return year + (2000 if year < 50 else 1900) if year < 100 else year


def _phones(text: str) -> list[tuple[int, int, str]]:
    """UK phone numbers as written (libphonenumber's matcher, kept to numbers written the UK way)."""
    if sum(c.isdigit() for c in text) < 9:
        return []
    import phonenumbers

    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        if raw.startswith(("0", "+44", "(0", "44")):
            spans.append((match.start, match.end, "phone"))
    return spans


_KIND_ORDER = {kind: index for index, kind in enumerate(("email", "birth", "address", "phone", "postcode", "number",
                                                           "name"))}


def _merged(spans: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """Overlapping spans joined; a name span takes in a rank or an initial just before it ("DCI", "J.")."""
    widened = []
    for start, end, kind in spans:
        if kind == "name":
            before = re.search(rf"(?:(?:{RANK})[ \t]+|\b[A-Z]\.?[ \t]*)$", text[:start])
            if before:
                start = before.start()
        widened.append((start, end, kind))
    widened.sort(key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int, str]] = []
    for start, end, kind in widened:
        if out and start < out[-1][1]:
            last = out[-1]
            keep = kind if _KIND_ORDER[kind] < _KIND_ORDER[last[2]] else last[2]
            out[-1] = (last[0], max(end, last[1]), keep)
        else:
            out.append((start, end, kind))
    return out


def _merge_placeholders(text: str) -> str:
    """"[name removed] and [name removed]" -> "[name removed]"."""
    name = re.escape(NAME_REMOVED)
    return re.sub(rf"{name}(?:\s*(?:,|/|&|and)\s*{name})+", NAME_REMOVED, text)


__all__ = ["NAME_REMOVED", "PLACEHOLDERS", "Redactor", "Removal", "Review", "Suspect", "fold", "is_organisation",
           "is_role", "person_words", "words_of"]
