"""What a merge did, as data (the stable JSON of `sheetsync merge --json`) and as the summary a lead reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from sheetsync.store.results import plural
from sheetsync.text import terminal_safe

ReturnState = Literal["merged", "superseded", "refused"]
# Edits reported for the lead and never applied.
IgnoredKind = Literal[
    "row-not-sent",  # a row the owner was not sent, changed in their return
    "row-added",  # a row the plan does not have
    "row-deleted",  # a row they were sent is missing from the return
    "id-changed",  # a row they were sent came back under another evidence number
    "locked-column",  # evidence or recommendation text, or a recommendation number, changed
    "owner-changed",  # the owner cell changed: for the lead to decide
    "other-column",  # one of the force's own columns changed (not part of the merge)
    "row-gone",  # the row is no longer in the plan
    "no-cell",  # the plan has no column for this field
    "superseded-return",  # an older return from the same owner
    "refused-return",  # a file that could not be merged at all
]


class ReturnRead(BaseModel):
    """One file given to merge, and what became of it."""

    model_config = ConfigDict(frozen=True)

    file: str
    state: ReturnState
    owner: str | None = None
    owner_key: str | None = None
    base_snapshot: int | None = None
    saved_at: datetime | None = None
    rows_sent: int = 0
    cells_changed: int = 0
    reason: str | None = None


class _ReturnedField(BaseModel):
    """Which field of which row a return touched, and whose return it was (first in the JSON of both below)."""

    model_config = ConfigDict(frozen=True)

    id: str
    field: str
    cell: str | None
    owner: str
    file: str


class CellUpdate(_ReturnedField):
    """A field taken from a return: only the return changed it since the base."""

    old: str | None
    new: str | None


class Conflict(_ReturnedField):
    """A field both the plan (or an earlier return) and a return changed, differently: the plan's value kept."""

    base: str | None
    ours: str | None
    theirs: str | None
    ours_from: str  # "plan", or the earlier return whose value the plan now holds


class IgnoredEdit(BaseModel):
    """An edit reported for the lead and not applied."""

    model_config = ConfigDict(frozen=True)

    kind: IgnoredKind
    file: str
    owner: str | None
    id: str | None = None
    field: str | None = None
    value: str | None = None
    message: str


class NotReturned(BaseModel):
    """An owner with rows in the plan who sent nothing back."""

    model_config = ConfigDict(frozen=True)

    owner: str
    owner_key: str
    rows: list[str]


class MergeResult(BaseModel):
    """Everything `merge_returns` did; `exit_code` is 0 clean, 1 merged with conflicts or ignored edits, 2 nothing
    merged (no file could be merged)."""

    plan: str
    output: str | None
    dry_run: bool
    returns: list[ReturnRead]
    rows_updated: int
    updated: list[CellUpdate]
    conflicts: list[Conflict]
    ignored: list[IgnoredEdit]
    not_returned: list[NotReturned]
    snapshot: int | None = None

    @property
    def merged(self) -> int:
        return sum(1 for item in self.returns if item.state == "merged")

    @property
    def exit_code(self) -> int:
        if not self.merged:
            return 2
        return 1 if self.conflicts or self.ignored else 0

    def data(self) -> dict[str, object]:
        """The JSON form: the fields above plus `merged` and `exit_code`."""
        return {**self.model_dump(mode="json"), "merged": self.merged, "exit_code": self.exit_code}

    def describe(self) -> str:
        where = "dry run: nothing written" if self.dry_run else (
            f"written to {self.output}" if self.output and self.merged else "nothing written")
        lines = [f"{self.merged} of {plural(len(self.returns), 'return')} merged; "
                 f"{plural(self.rows_updated, 'row')} updated ({plural(len(self.updated), 'cell')}); {where}"]
        for item in self.returns:
            if item.state != "merged":
                lines.append(f"  {item.state}: {_s(item.file)}: {_s(item.reason)}")
        if self.conflicts:
            lines.append(f"conflicts ({len(self.conflicts)}), the plan's value kept:")
            for c in self.conflicts:
                ours = "the plan" if c.ours_from == "plan" else _s(c.ours_from)
                lines.append(f"  {c.id} {c.field} ({c.cell or 'no cell'}): {ours} has {_q(c.ours)}; "
                             f"{_s(c.owner)} ({_s(c.file)}) sent {_q(c.theirs)} (was {_q(c.base)})")
        edits = [i for i in self.ignored if i.kind not in ("superseded-return", "refused-return")]
        if edits:
            lines.append(f"ignored edits ({len(edits)}), for the lead to apply by hand if right:")
            lines.extend(f"  {i.kind}: {_s(i.message)}" for i in edits)
        if self.not_returned:
            lines.append("no return from: " + "; ".join(
                f"{_s(n.owner)} ({len(n.rows)} row{'s' if len(n.rows) != 1 else ''})" for n in self.not_returned))
        if self.snapshot is not None:
            lines.append(f"snapshot {self.snapshot} taken of {self.output}")
        return "\n".join(lines)


def shown(value: object) -> str | None:
    """A field value as the report shows it (dates ISO, numbers as digits)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _s(text: object) -> str:
    return terminal_safe(str(text)) if text is not None else ""


def _q(text: str | None, limit: int = 80) -> str:
    if text is None or text == "":
        return "(blank)"
    text = " ".join(terminal_safe(text).split())
    return f'"{text[:limit - 1]}…"' if len(text) > limit else f'"{text}"'


__all__ = ["CellUpdate", "Conflict", "IgnoredEdit", "IgnoredKind", "MergeResult", "NotReturned", "ReturnRead",
           "shown"]
