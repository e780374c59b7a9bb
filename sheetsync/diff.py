"""What changed between two versions of a plan: a pure function of two `Plan`s, keyed on the evidence id.

Row order is ignored: actions are matched on their id (a repeated id is matched by occurrence, "7.1", "7.1#2", …),
so sorting or moving rows is not a change. Update texts are compared word by word (difflib). Where the plan was read
from does not count (cell addresses, raw spellings of the same status), only what it says.
"""

from __future__ import annotations

import difflib
import html
import operator
import re
from collections import Counter
from collections.abc import Callable
from itertools import accumulate
from typing import Literal

from pydantic import BaseModel, Field

from sheetsync.model import Action, Plan, Recommendation
from sheetsync.plan_rules import status_text
from sheetsync.text import markup_safe, terminal_safe

HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("force", "Force"),
    ("executive_lead", "Executive lead"),
    ("operational_lead", "Operational lead"),
    ("protective_marking", "Protective marking"),
)
# Action fields compared, in the order changes are listed, with their plain-English names.
ACTION_FIELDS: tuple[tuple[str, str], ...] = (
    ("recommendation", "recommendation"),
    ("status", "status"),
    ("owner", "owner"),
    ("date", "date"),
    ("evidence", "evidence"),
    ("update", "update"),
    ("supporting_documents", "supporting documents"),
    ("hidden", "hidden"),
)
# difflib's alignment costs up to (old words x new words) steps: two 32,767-character cells of short, repeated
# words took 15 s. Changed passages longer than this (about 300 words on each side) are shown replaced whole, in
# at most a few tens of milliseconds; real updates differ in far fewer words.
MAX_ALIGNED_WORDS = 100_000
WORDY_FIELDS = frozenset({"evidence", "update", "supporting_documents", "text"})
_WORD_SPLIT = re.compile(r"(\S+)")


class WordOp(BaseModel):
    """One step of a word-level diff: text kept, inserted, deleted, or replaced (old -> new)."""

    op: Literal["equal", "insert", "delete", "replace"]
    old: str = ""
    new: str = ""


class FieldChange(BaseModel):
    field: str
    old: str | None = None
    new: str | None = None
    words: list[WordOp] | None = None  # for long texts: the word-level diff


class ActionRef(BaseModel):
    """An action as it was (removed) or is (added)."""

    key: str
    id: str
    recommendation: str
    evidence: str | None = None
    owner: str | None = None
    status: str | None = None


class ActionChange(BaseModel):
    key: str
    id: str
    recommendation: str
    changes: list[FieldChange]

    def change(self, field: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == field), None)


class RecommendationChange(BaseModel):
    number: str
    kind: Literal["added", "removed", "changed"]
    changes: list[FieldChange] = Field(default_factory=list)


class PlanDiff(BaseModel):
    """The difference between two versions of a plan (JSON-serialisable)."""

    old_label: str | None = None
    new_label: str | None = None
    header: list[FieldChange] = Field(default_factory=list)
    recommendations: list[RecommendationChange] = Field(default_factory=list)
    added: list[ActionRef] = Field(default_factory=list)
    removed: list[ActionRef] = Field(default_factory=list)
    changed: list[ActionChange] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.header or self.recommendations or self.added or self.removed or self.changed)

    def summary_line(self) -> str:
        """'4 actions moved to Action Complete, 1 new owner, 2 updates changed, 1 action added'."""
        parts: list[str] = []
        moved: Counter[str] = Counter()
        progressed = 0
        for c in self.changed:
            for change in c.changes:
                if change.field != "status":
                    continue
                before, after = _without_percent(change.old), _without_percent(change.new)
                if before == after:
                    progressed += 1  # "In Progress" -> "In Progress 60%": progress, not a move
                else:
                    moved[after or "no status"] += 1
        for status, count in sorted(moved.items(), key=lambda item: (-item[1], item[0])):
            parts.append(f"{_n(count, 'action')} moved to {status}")
        if progressed:
            parts.append(f"{progressed} {'progress figure' if progressed == 1 else 'progress figures'} changed")
        counts = Counter(change.field for c in self.changed for change in c.changes if change.field != "status")
        phrases = {
            "owner": ("new owner", "new owners"),
            "update": ("update changed", "updates changed"),
            "date": ("date changed", "dates changed"),
            "evidence": ("evidence text changed", "evidence texts changed"),
            "supporting_documents": ("supporting documents changed", "supporting documents changed"),
            "recommendation": ("action moved to another recommendation", "actions moved to another recommendation"),
            "hidden": ("row hidden or shown", "rows hidden or shown"),
        }
        for field, (one, many) in phrases.items():
            if counts[field]:
                parts.append(f"{counts[field]} {one if counts[field] == 1 else many}")
        extra = sum(n for field, n in counts.items() if field.startswith("extra:"))
        if extra:
            parts.append(f"{extra} other {'cell' if extra == 1 else 'cells'} changed")
        if self.added:
            parts.append(f"{_n(len(self.added), 'action')} added")
        if self.removed:
            parts.append(f"{_n(len(self.removed), 'action')} removed")
        recs = Counter(r.kind for r in self.recommendations)
        for kind in ("added", "removed", "changed"):
            if recs[kind]:
                parts.append(f"{_n(recs[kind], 'recommendation')} {kind}")
        if self.header:
            parts.append(", ".join(f"{_header_name(c.field).lower()} changed" for c in self.header))
        return ", ".join(parts) if parts else "no changes"

    def lines(self) -> list[str]:
        """One plain-English line per change."""
        out: list[str] = []
        for change in self.header:
            out.append(f"{_header_name(change.field)}: {_show(change.old)} → {_show(change.new)}")
        for rec in self.recommendations:
            if rec.kind != "changed":
                out.append(f"Recommendation {rec.number} {rec.kind}")
            for change in rec.changes:
                out.append(f"Recommendation {rec.number} {change.field}: {_describe(change)}")
        for ref in self.added:
            out.append(f"{ref.id} added under recommendation {ref.recommendation}"
                       + (f" ({ref.status})" if ref.status else "")
                       + (f": {_clip(ref.evidence)}" if ref.evidence else ""))
        for ref in self.removed:
            out.append(f"{ref.id} removed from recommendation {ref.recommendation}"
                       + (f": {_clip(ref.evidence)}" if ref.evidence else ""))
        for action in self.changed:
            for change in action.changes:
                out.append(f"{action.id}: {_field_name(change.field)} {_describe(change)}")
        return out


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """The changes from `old` to `new`, keyed on the evidence id (row order ignored)."""
    result = PlanDiff()
    for field, _label in HEADER_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            result.header.append(FieldChange(field=field, old=before, new=after))

    old_recs = _recs_by_number(old)
    new_recs = _recs_by_number(new)
    for number, rec in new_recs.items():
        prior = old_recs.get(number)
        if prior is None:
            result.recommendations.append(RecommendationChange(number=number, kind="added"))
            continue
        changes = []
        if prior.text != rec.text:
            changes.append(_change("text", prior.text, rec.text))
        if prior.deadline != rec.deadline:
            changes.append(FieldChange(field="deadline", old=_iso(prior.deadline), new=_iso(rec.deadline)))
        if changes:
            result.recommendations.append(RecommendationChange(number=number, kind="changed", changes=changes))
    for number in old_recs:
        if number not in new_recs:
            result.recommendations.append(RecommendationChange(number=number, kind="removed"))

    old_actions = keyed_actions(old)
    new_actions = keyed_actions(new)
    for key, (rec, action) in new_actions.items():
        found = old_actions.get(key)
        if found is None:
            result.added.append(_ref(key, rec.number, action))
            continue
        old_rec, old_action = found
        if old_rec.number == rec.number and _compared(old_action) == _compared(action):
            continue  # unchanged: where it was read from (cells) does not count
        changes = _action_changes(old_rec.number, old_action, rec.number, action)
        if changes:  # none when only a raw spelling changed ("in progress " for "In Progress")
            result.changed.append(ActionChange(key=key, id=action.id, recommendation=rec.number, changes=changes))
    for key, (rec, action) in old_actions.items():
        if key not in new_actions:
            result.removed.append(_ref(key, rec.number, action))
    return result


# Every field `_action_changes` looks at: equal values here mean no change.
_compared = operator.attrgetter("status", "progress", "status_raw", "owner", "date", "date_raw", "evidence", "update",
                                "supporting_documents", "hidden", "extra")


def keyed_actions(plan: Plan) -> dict[str, tuple[Recommendation, Action]]:
    """Every action under a stable key: its id, or "id#n" for the n-th repeat of an id (plan order)."""
    pairs = [(action.id, (rec, action)) for rec in plan.recommendations for action in rec.actions]
    keyed: dict[str, tuple[Recommendation, Action]] = dict(pairs)
    if len(keyed) == len(pairs):  # the usual case: every id once
        return keyed
    keyed = {}
    repeats: dict[str, int] = {}
    for rec in plan.recommendations:
        for action in rec.actions:
            key = action.id
            if key in keyed:
                repeats[key] = repeats.get(key, 1) + 1
                key = f"{key}#{repeats[key]}"
            keyed[key] = (rec, action)
    return keyed


def _recs_by_number(plan: Plan) -> dict[str, Recommendation]:
    found: dict[str, Recommendation] = {}
    for rec in plan.recommendations:
        found.setdefault(rec.number, rec)
    return found


def _without_percent(status: str | None) -> str | None:
    return _PERCENT_SUFFIX.sub("", status) if status else status


_PERCENT_SUFFIX = re.compile(r"\s+\d{1,3}%$")




def _action_changes(old_number: str, old: Action, new_number: str, new: Action) -> list[FieldChange]:
    changes: list[FieldChange] = []
    if old_number != new_number:
        changes.append(FieldChange(field="recommendation", old=old_number, new=new_number))
    before, after = status_text(old), status_text(new)
    if before != after:
        changes.append(FieldChange(field="status", old=before, new=after))
    if old.owner != new.owner:
        changes.append(FieldChange(field="owner", old=old.owner, new=new.owner))
    before, after = _date_text(old), _date_text(new)
    if before != after:
        changes.append(FieldChange(field="date", old=before, new=after))
    for field in ("evidence", "update", "supporting_documents"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            changes.append(_change(field, before, after))
    if old.hidden != new.hidden:
        changes.append(FieldChange(field="hidden", old=str(old.hidden).lower(), new=str(new.hidden).lower()))
    if old.extra != new.extra:
        for name in sorted(set(old.extra) | set(new.extra)):
            if old.extra.get(name) != new.extra.get(name):
                changes.append(_change(f"extra:{name}", old.extra.get(name), new.extra.get(name)))
    return changes


def _date_text(action: Action) -> str | None:
    return action.date.isoformat() if action.date is not None else action.date_raw


def _iso(value: object) -> str | None:
    return None if value is None else str(value)


def _change(field: str, old: str | None, new: str | None) -> FieldChange:
    words = word_diff(old, new) if old and new else None
    return FieldChange(field=field, old=old, new=new, words=words)


def word_diff(old: str, new: str) -> list[WordOp]:
    """A word-level diff: words are compared, and each step carries the text up to the next word (whitespace
    included), so joining the steps' `old` (or `new`) texts gives back the old (or new) text exactly.

    The text both start with, and the text both end with, are found first by comparing characters (in C) and cut
    back to where a word starts in both: an update usually grows at its end or is edited in one place, so only
    the words in between are split out and aligned (difflib)."""
    head = (min(len(old), len(new)) if old.startswith(new) or new.startswith(old)  # the usual edit: text added
            else _common_length(lambda n: old[:n] == new[:n], min(len(old), len(new))))
    while not (_step_starts(old, head) and _step_starts(new, head)):
        kept = old[:head].rstrip()  # back to where the last word before `head` starts (0: the first word)
        words = kept.rsplit(None, 1)
        head = len(kept) - len(words[1]) if len(words) == 2 else 0
    tail = _common_length(lambda n: old[-n:] == new[-n:], min(len(old), len(new)) - head)
    while not (_step_starts(old, len(old) - tail) and _step_starts(new, len(new) - tail)):
        shared = old[len(old) - tail:]  # on to where the next word starts
        tail = len(shared.lstrip() if shared[:1].isspace() else [*shared.split(None, 1), ""][1])
    ops: list[WordOp] = []
    if head:
        ops.append(WordOp(op="equal", old=old[:head], new=new[:head]))
    if head < len(old) - tail or head < len(new) - tail:
        for op in _word_ops(old[head:len(old) - tail], new[head:len(new) - tail]):
            if op.op == "equal" and ops and ops[-1].op == "equal":
                ops[-1] = WordOp(op="equal", old=ops[-1].old + op.old, new=ops[-1].new + op.new)
            else:
                ops.append(op)
    if tail:
        equal = WordOp(op="equal", old=old[len(old) - tail:], new=new[len(new) - tail:])
        if ops and ops[-1].op == "equal":
            before = ops.pop()
            equal = WordOp(op="equal", old=before.old + equal.old, new=before.new + equal.new)
        ops.append(equal)
    return ops


def _common_length(same: Callable[[int], bool], most: int) -> int:
    """The largest n <= most for which same(n): a binary search, each probe one C-speed comparison of slices."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _step_starts(text: str, at: int) -> bool:
    """Whether a step of `word_diff` starts at `at`: the start or end of the text, or a word after another."""
    return (at in (0, len(text))
            or (text[at - 1].isspace() and not text[at].isspace() and not text[:at].isspace()))


def _word_ops(old: str, new: str) -> list[WordOp]:
    """The word-level diff of two texts that each start with a word (or are empty) and end with a step's end."""
    a_words, a_cuts = _words(old)
    b_words, b_cuts = _words(new)
    if not (a_words and b_words):  # one side blank (or spaces only): nothing to align
        return [WordOp(op="insert" if not old else "delete" if not new else "replace", old=old, new=new)]
    shortest = min(len(a_words), len(b_words))
    head = 0
    while head < shortest and a_words[head] == b_words[head]:
        head += 1
    tail = 0
    while tail < shortest - head and a_words[-1 - tail] == b_words[-1 - tail]:
        tail += 1
    a_end, b_end = len(a_words) - tail, len(b_words) - tail
    steps: list[tuple[Literal["equal", "insert", "delete", "replace"], int, int, int, int]]
    steps = [("equal", 0, head, 0, head)] if head else []
    if head < a_end and head < b_end and (a_end - head) * (b_end - head) > MAX_ALIGNED_WORDS:
        steps.append(("replace", head, a_end, head, b_end))  # too long to align in bounded time: replaced whole
    elif head < a_end and head < b_end:  # words changed on both sides: difflib aligns them
        matcher = difflib.SequenceMatcher(None, a_words[head:a_end], b_words[head:b_end], autojunk=False)
        steps.extend((tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in matcher.get_opcodes())
    elif head < a_end or head < b_end:  # words only inserted, or only deleted
        steps.append(("insert" if head == a_end else "delete", head, a_end, head, b_end))
    if tail:
        steps.append(("equal", a_end, len(a_words), b_end, len(b_words)))
    return [WordOp(op=tag, old=old[a_cuts[i1]:a_cuts[i2]], new=new[b_cuts[j1]:b_cuts[j2]])
            for tag, i1, i2, j1, j2 in steps]


def _words(text: str) -> tuple[list[str], list[int]]:
    """The words of `text` and where each step starts (the first at 0, one past the last at len(text))."""
    parts = _WORD_SPLIT.split(text)  # [space, word, space, word, ..., word, space]: 2n + 1 parts for n words
    words = parts[1::2]
    starts = list(accumulate(map(len, parts), initial=0))  # starts[k]: where parts[k] starts
    return words, [0, *starts[3:2 * len(words):2], len(text)]


def _ref(key: str, number: str, action: Action) -> ActionRef:
    return ActionRef(key=key, id=action.id, recommendation=number, evidence=action.evidence,
                     owner=action.owner, status=status_text(action))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _header_name(field: str) -> str:
    return dict(HEADER_FIELDS).get(field, field)


def _field_name(field: str) -> str:
    if field.startswith("extra:"):
        return f"'{field[6:]}'"
    return dict(ACTION_FIELDS).get(field, field)


def _show(value: str | None) -> str:
    return f"'{value}'" if value else "(blank)"


def _clip(text: str | None, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _describe(change: FieldChange) -> str:
    """'In Progress → Action Complete', or for texts the words added and removed."""
    if change.field not in WORDY_FIELDS and not change.field.startswith("extra:"):
        return f"{_show(change.old)} → {_show(change.new)}"
    if not change.old:
        return f'added: "{_clip(change.new)}"'
    if not change.new:
        return "cleared"
    words = change.words or []
    added = [op.new.strip() for op in words if op.op in ("insert", "replace") and op.new.strip()]
    removed = [op.old.strip() for op in words if op.op in ("delete", "replace") and op.old.strip()]
    parts = []
    for verb, texts in (("added", added), ("removed", removed)):
        if texts:
            more = f" and {len(texts) - 3} more" if len(texts) > 3 else ""
            parts.append(f"{verb} " + "; ".join(f'"{_clip(text, 60)}"' for text in texts[:3]) + more)
    return "changed: " + ", ".join(parts) if parts else "changed (spacing only)"


def format_diff(diff: PlanDiff, format: str = "text") -> str:
    """The diff as plain text, JSON or a small self-contained HTML page."""
    if format == "json":
        return diff.model_dump_json(indent=2) + "\n"
    if format == "html":
        return markup_safe(_html(diff))
    if format != "text":
        raise ValueError(f"unknown diff format {format!r}; use text, json or html")
    title = _title(diff)
    lines = [title] if title else []
    lines.append(diff.summary_line())
    body = diff.lines()
    if body:
        lines.append("")
        lines.extend(body)
    return terminal_safe("\n".join(lines)) + "\n"  # for a terminal: no control characters from the cells


def _title(diff: PlanDiff) -> str:
    if diff.old_label or diff.new_label:
        return f"{diff.old_label or 'old'} → {diff.new_label or 'new'}"
    return ""


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;
text-align:left}ins{background:#c6efce;text-decoration:none}del{background:#f8cbad}.id{white-space:nowrap}"""


def _html(diff: PlanDiff) -> str:
    esc = html.escape
    rows: list[str] = []

    def row(what: str, field: str, cell: str) -> None:
        rows.append(f"<tr><td class=id>{esc(what)}</td><td>{esc(field)}</td><td>{cell}</td></tr>")

    for change in diff.header:
        row("plan", _header_name(change.field), _html_change(change))
    for rec in diff.recommendations:
        if rec.kind != "changed":
            row(f"rec {rec.number}", "", esc(rec.kind))
        for change in rec.changes:
            row(f"rec {rec.number}", change.field, _html_change(change))
    for ref in diff.added:
        row(ref.id, "added", f"<ins>{esc(ref.evidence or '')}</ins>" + (f" ({esc(ref.status)})" if ref.status else ""))
    for ref in diff.removed:
        row(ref.id, "removed", f"<del>{esc(ref.evidence or '')}</del>")
    for action in diff.changed:
        for change in action.changes:
            row(action.id, _field_name(change.field), _html_change(change))
    title = esc(_title(diff) or "Plan changes")
    table = ("<table><thead><tr><th>Action</th><th>What</th><th>Change</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table>") if rows else ""
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"<style>{_CSS}</style></head><body><h1>{title}</h1><p>{esc(diff.summary_line())}</p>"
            f"{table}</body></html>\n")


def _html_change(change: FieldChange) -> str:
    esc = html.escape
    if change.words is not None:
        parts = []
        for op in change.words:
            if op.op == "equal":  # the same words; the new text's spacing, as the page reads as the new text
                parts.append(esc(op.new))
            if op.op in ("delete", "replace"):
                parts.append(f"<del>{esc(op.old)}</del>")
            if op.op in ("insert", "replace"):
                parts.append(f"<ins>{esc(op.new)}</ins>")
        return "".join(parts)
    old = f"<del>{esc(change.old)}</del>" if change.old else "(blank)"
    new = f"<ins>{esc(change.new)}</ins>" if change.new else "(blank)"
    return f"{old} → {new}"


__all__ = [
    "ActionChange", "ActionRef", "FieldChange", "PlanDiff", "RecommendationChange", "WordOp", "diff_plans",
    "format_diff", "keyed_actions", "status_text", "word_diff",
]
