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
from typing import Literal

from pydantic import BaseModel, Field

from sheetsync.model import Action, Plan, Recommendation

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
WORDY_FIELDS = frozenset({"evidence", "update", "supporting_documents", "text"})
_TOKENS = re.compile(r"\S+")


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
        before = old_actions.get(key)
        if before is None:
            result.added.append(_ref(key, rec, action))
            continue
        if before[0].number == rec.number and (before[1].__dict__ == action.__dict__  # one C-level comparison
                                               or _signature(before[1]) == _signature(action)):
            continue  # unchanged (the second test ignores what only moved: cells, raw spellings)
        changes = _action_changes(before[0], before[1], rec, action)
        if changes:
            result.changed.append(ActionChange(key=key, id=action.id, recommendation=rec.number, changes=changes))
    for key, (rec, action) in old_actions.items():
        if key not in new_actions:
            result.removed.append(_ref(key, rec, action))
    return result


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


def status_text(action: Action) -> str | None:
    """The status as a reader sees it: canonical name (or what was typed, marked unrecognised), with its
    percentage."""
    status = action.status or (f"{action.status_raw} (not a recognised status)" if action.status_raw else None)
    if status and action.progress is not None and "%" not in status:
        return f"{status} {action.progress}%"
    return status


# Everything `_action_changes` looks at (and the raw spellings, which it then ignores): a C-speed equality test.
_signature = operator.attrgetter("status", "progress", "owner", "date", "evidence", "update", "supporting_documents",
                                 "hidden", "extra", "status_raw", "date_raw")


def _action_changes(old_rec: Recommendation, old: Action, new_rec: Recommendation, new: Action) -> list[FieldChange]:
    changes: list[FieldChange] = []
    if old_rec.number != new_rec.number:
        changes.append(FieldChange(field="recommendation", old=old_rec.number, new=new_rec.number))
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
    included), so joining the steps' `old` (or `new`) texts gives back the old (or new) text exactly."""
    a_words, a_cuts = _words(old)
    b_words, b_cuts = _words(new)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_words, b_words, autojunk=False).get_opcodes():
        ops.append(WordOp(op=tag, old=old[a_cuts[i1]:a_cuts[i2]], new=new[b_cuts[j1]:b_cuts[j2]]))
    if not ops and (old or new):  # whitespace only on either side
        ops.append(WordOp(op="replace", old=old, new=new))
    return ops


def _words(text: str) -> tuple[list[str], list[int]]:
    """The words of `text` and where each step starts (the first at 0, one past the last at len(text))."""
    matches = list(_TOKENS.finditer(text))
    cuts = [0, *(m.start() for m in matches[1:]), len(text)]
    return [m.group() for m in matches], cuts


def _ref(key: str, rec: Recommendation, action: Action) -> ActionRef:
    return ActionRef(key=key, id=action.id, recommendation=rec.number, evidence=action.evidence,
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
        return _html(diff)
    if format != "text":
        raise ValueError(f"unknown diff format {format!r}; use text, json or html")
    title = _title(diff)
    lines = [title] if title else []
    lines.append(diff.summary_line())
    body = diff.lines()
    if body:
        lines.append("")
        lines.extend(body)
    return "\n".join(lines) + "\n"


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
            if op.op == "equal":
                parts.append(esc(op.old))
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
