"""Pending language: a "complete" status over an update that describes work still to do."""

from __future__ import annotations

import re
from functools import cache

from sheetsync.validation.heuristics.history import latest_section

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
    # Intentions as infinitives: "are to be referred", "is to receive" (not "the aim is to", see _NOT_AFTER).
    r"\b(?:is|are)\s+(?:now\s+|also\s+|still\s+|then\s+)?to\s+(?:be\s+(?:fully\s+)?[a-z]+|receive|attend|undergo|"
    r"start|begin|commence|go\s+live|launch|take\s+place|transfer|move|join|complete)\b",
    r"\b(?:is|are)\s+(?:now\s+|also\s+)?(?:due|scheduled|planned|set)\s+to\s+(?:transfer|report|finish|conclude|"
    r"end|open|close|run|meet|present|publish|return|roll|deliver|move|change|expire|resume|restart|happen|arrive|"
    r"join|replace|become|continue|expand|increase|go|be|start|launch|begin|commence|take)\b",
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
    ("is to", "are to", "to be"), ("due ", "set to", "scheduled", "planned"),
)
# The patterns are compiled on first use, each on its own: compiling all of them costs more than importing this
# module otherwise does, and most plans need only a few (a cell without a trigger word needs none).
_PENDING: tuple[tuple[int, frozenset[str]], ...] = tuple(
    (index, frozenset(triggers)) for index, triggers in enumerate(_TRIGGERS))
assert len(_TRIGGERS) == len(_PENDING_PATTERNS)
_TRIGGER_WORDS: tuple[str, ...] = tuple(sorted({t for triggers in _TRIGGERS for t in triggers}))
# A phrase that describes an ongoing routine or a finished state right before the match.
_NOT_PENDING_BEFORE_SOURCE = r"(?:continues?|continued|no\s+longer|already|routinely)\s+(?:\w+\s+){0,1}$"
# Before an infinitive ("is to review"), earlier in its sentence: a role, aim or rule, not an intention.
_NOT_AFTER: dict[int, str] = {
    len(_PENDING_PATTERNS) - 2: r"\b(?:aims?|role|purpose|objective|goal|function|remit|focus|duty|responsibility|"
                                r"policy|procedure|guidance|states?|says?|requires?|expectation|instruction)\b[^.;:]*$",
}


@cache
def _compiled(source: str) -> re.Pattern[str]:
    """One of this module's patterns, compiled (case-blind) on its first use."""
    return re.compile(source, re.IGNORECASE)


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
        for match in _compiled(_PENDING_PATTERNS[index]).finditer(latest):
            if best is not None and match.start() >= best[0]:
                break
            start = match.start()
            if (_compiled(_NOT_PENDING_BEFORE_SOURCE).search(latest[max(0, start - 30):start])
                    or _compiled(_BAU_CYCLE_SOURCE).match(latest, match.end())):
                continue
            if index in _NOT_AFTER and _compiled(_NOT_AFTER[index]).search(latest[max(0, start - 80):start]):
                continue
            best = (match.start(), " ".join(match.group(0).split()))
            break
    return best[1] if best else None


__all__ = ["pending_in_latest", "pending_phrase"]
