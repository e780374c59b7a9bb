"""Merge: owners' returns into the plan, three-way per field, keyed on the evidence id.

base = the snapshot the return's stamp names (the plan as it was sent), ours = the plan now, theirs = the return.
Per field (update, date, status, progress, supporting documents): only theirs changed -> take it; only ours
changed -> keep it; both to the same value -> fine; both, differently -> a conflict: ours kept, both reported.
Everything else a return may hold (rows not sent, added, deleted or renumbered; locked columns; the owner) is
reported for the lead and never applied. Returns are merged in a fixed order (by owner, then save time), so the
result does not depend on the order the files are given in.

The output is the plan's own package with only the changed input cells rewritten (`sheetsync.package`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.model import Action, Plan, Recommendation, split_ref
from sheetsync.owners import UNASSIGNED, assign, names_in, owner_key
from sheetsync.plan_rules import with_progress
from sheetsync.round.report import (
    CellUpdate,
    Conflict,
    IgnoredEdit,
    IgnoredKind,
    MergeResult,
    NotReturned,
    ReturnRead,
    ReturnState,
    shown,
)
from sheetsync.round.stamp import Stamp, read_stamp, row_hash, saved_at

FIELDS = ("update", "date", "status", "progress", "supporting_documents")
_CELL_OF = {"update": "update", "date": "date", "status": "status", "progress": "status",
            "supporting_documents": "supporting_documents"}
FieldValue = str | int | date | None


class RefusedReturn(SheetsyncError, ValueError):
    """A file that cannot be merged at all: not a return, another plan's, or its base is not in the store."""


@dataclass(frozen=True, slots=True)
class ReturnFile:
    """A return read and checked: its stamp, the plan it holds, and when its owner saved it."""

    path: Path
    stamp: Stamp
    plan: Plan
    saved_at: datetime


@dataclass
class Merge:
    """The outcome before anything is written: cell writes per sheet and what to report."""

    writes: dict[str, dict[str, Any]] = field(default_factory=dict)  # sheet -> {A1: value}
    # sheet -> {A1: A1 of a cell holding a real date}: a date written into a cell with no format of its own
    # takes that cell's (else it would show as a serial number)
    like: dict[str, dict[str, str]] = field(default_factory=dict)
    reads: list[ReturnRead] = field(default_factory=list)
    updated: list[CellUpdate] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    ignored: list[IgnoredEdit] = field(default_factory=list)
    not_returned: list[NotReturned] = field(default_factory=list)
    rows_updated: int = 0


def value_of(action: Action, name: str) -> FieldValue:
    """A field as the merge compares it: the date (or the text typed when it is no date), the status word from
    the list (or the word as typed when it is not on the list), the percentage."""
    if name == "date":
        return action.date if action.date is not None else action.date_raw
    if name == "status":
        return action.status or action.status_raw
    if name == "progress":
        return action.progress
    value: str | None = getattr(action, name)
    return value


# ------------------------------------------------------------------------------------------------ reading


def read_return(path: str | os.PathLike[str], *, plan_path: Path, ours: Plan) -> ReturnFile:
    """Read one return and check it belongs to this plan; RefusedReturn (one line) when it cannot be merged."""
    from sheetsync.reader import read_plan_bytes
    from sheetsync.safety import check_workbook, read_limited
    from sheetsync.store.ledger import plan_key

    file = Path(path)
    data = read_limited(file)
    check_workbook(data, path=file)
    stamp = read_stamp(data)
    if stamp is None:
        raise RefusedReturn("has no sheetsync stamp, so it is not a return from 'sheetsync split' (or its stamp "
                            "sheet was removed)", path=file, hint="Merge only the files split wrote")
    if _fold(stamp.force) != _fold(ours.force):
        raise RefusedReturn(f"is a return for {stamp.force or 'no force'}, not {ours.force or 'no force'}",
                            path=file, hint="Merge it into that force's plan")
    if stamp.plan_key != plan_key(plan_path, ours.force):
        raise RefusedReturn(f"is a return for the plan '{stamp.plan_file}', not '{plan_path.name}'", path=file,
                            hint="Merge it into the plan it was split from")
    return ReturnFile(file, stamp, read_plan_bytes(data, source=file), saved_at(data, stamp, file))


def refusal(exc: SheetsyncError) -> str:
    """An error's line without the file name in front (the report names the file already)."""
    text = str(exc)
    prefix = f"{exc.path}: " if exc.path else ""
    return text[len(prefix):] if prefix and text.startswith(prefix) else text


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


# -------------------------------------------------------------------------------------------------- merging


def merge_plans(ours: Plan, returns: Sequence[ReturnFile], bases: Mapping[int, Plan], *,
                refused: Sequence[ReturnRead] = ()) -> Merge:
    """The three-way merge of `returns` into `ours` (pure: nothing is read or written). `bases` maps each
    stamp's base snapshot id to the plan it holds."""
    merge = Merge(reads=list(refused))
    merge.ignored.extend(IgnoredEdit(kind="refused-return", file=r.file, owner=None, message=f"{r.file}: {r.reason}")
                         for r in refused)
    newest: dict[str, ReturnFile] = {}
    for item in sorted(returns, key=lambda r: (r.saved_at, r.path.name)):
        older = newest.get(item.stamp.owner_key)
        newest[item.stamp.owner_key] = item
        if older is not None:
            reason = f"an older return from {older.stamp.owner}; {item.path.name} is newer"
            merge.reads.append(_read(older, "superseded", reason=reason))
            merge.ignored.append(IgnoredEdit(kind="superseded-return", file=older.path.name,
                                             owner=older.stamp.owner, message=f"{older.path.name}: {reason}"))
    state = _State(ours)
    base_rows = {base_id: _rows(plan) for base_id, plan in bases.items()}  # once a base, not once a return
    for item in sorted(newest.values(), key=lambda r: (r.stamp.owner_key, r.saved_at, r.path.name)):
        changed = state.merge_return(item, base_rows[item.stamp.base_snapshot], merge)
        merge.reads.append(_read(item, "merged", cells=changed))
    state.finish(merge)
    returned = {item.stamp.owner_key for item in returns}
    merge.not_returned = [NotReturned(owner=owner.name, owner_key=owner.key, rows=list(owner.ids))
                          for owner in assign(ours).owners if owner.key not in returned and owner.key != UNASSIGNED]
    return merge


def _read(item: ReturnFile, state: ReturnState, *, reason: str | None = None, cells: int = 0) -> ReturnRead:
    return ReturnRead(file=item.path.name, state=state, owner=item.stamp.owner,
                      owner_key=item.stamp.owner_key, base_snapshot=item.stamp.base_snapshot,
                      saved_at=item.saved_at, rows_sent=len(item.stamp.rows), cells_changed=cells, reason=reason)


def _rows(plan: Plan) -> dict[str, tuple[Recommendation, Action]]:
    """Rows by evidence id; of a repeated id (validation reports those), the first."""
    rows: dict[str, tuple[Recommendation, Action]] = {}
    for rec, action in plan.actions():
        rows.setdefault(action.id, (rec, action))
    return rows


class _State:
    """The plan's values as the merge goes: ours, then each return's changes on top."""

    def __init__(self, ours: Plan) -> None:
        self.ours = _rows(ours)
        not_dates = {(note.sheet, note.cell) for note in ours.read_notes if note.kind in ("text-date", "serial-date")}
        self.date_cell = next((ref for _, action in ours.actions() if action.date is not None
                               and (ref := action.cells.get("date")) and split_ref(ref) not in not_dates), None)
        self.values: dict[str, dict[str, FieldValue]] = {}  # id -> field -> value, for rows touched
        self.source: dict[tuple[str, str], str] = {}  # (id, field) -> file the current value came from
        # id -> (status as typed, status, progress) of the return the status cell was last taken from
        self.typed: dict[str, tuple[str | None, FieldValue, FieldValue]] = {}

    def current(self, action_id: str, name: str) -> FieldValue:
        row = self.values.get(action_id)
        if row is not None and name in row:
            return row[name]
        return value_of(self.ours[action_id][1], name)

    def merge_return(self, item: ReturnFile, base: dict[str, tuple[Recommendation, Action]], merge: Merge) -> int:
        stamp, file = item.stamp, item.path.name
        sent = stamp.sent()
        theirs = _rows(item.plan)
        changed = 0

        def ignore(kind: IgnoredKind, message: str, *, action_id: str | None = None, name: str | None = None,
                   value: object = None) -> None:
            merge.ignored.append(IgnoredEdit(kind=kind, file=file, owner=stamp.owner, id=action_id, field=name,
                                             value=shown(value), message=f"{file} ({stamp.owner}): {message}"))

        added = [i for i in theirs if i not in sent and i not in base and i not in self.ours]
        missing = [i for i in sent if i not in theirs]
        for action_id, (_, action) in theirs.items():
            if action_id in sent or action_id in added:
                continue
            _, reference = base.get(action_id) or self.ours[action_id]
            if row_hash(action) != row_hash(reference):
                ignore("row-not-sent", f"row {action_id} was not sent to them; their changes to it are not "
                       "applied", action_id=action_id)
        for new_id in list(added):
            evidence = theirs[new_id][1].evidence
            old_id = next((m for m in missing if evidence and base.get(m, (None, None))[1] is not None
                           and base[m][1].evidence == evidence), None)
            if old_id is not None:
                added.remove(new_id)
                missing.remove(old_id)
                ignore("id-changed", f"row {old_id} came back numbered {new_id}; nothing in it is applied",
                       action_id=old_id, name="id", value=new_id)
        for new_id in added:
            ignore("row-added", f"added a row {new_id}, which the plan does not have; not added",
                   action_id=new_id, value=theirs[new_id][1].evidence)
        for old_id in missing:
            ignore("row-deleted", f"row {old_id} is missing from the return; the plan keeps it",
                   action_id=old_id)
        reported_recs: set[str] = set()
        for action_id, digest in stamp.rows:
            if action_id not in theirs or action_id not in base:
                continue
            their_rec, action = theirs[action_id]
            base_rec, was = base[action_id]
            rec_changed = (their_rec.text or "") != (base_rec.text or "") or their_rec.number != base_rec.number
            if row_hash(action) == digest and not rec_changed:
                continue  # unchanged since it was sent
            if rec_changed and base_rec.number not in reported_recs:
                reported_recs.add(base_rec.number)
                ignore("locked-column", f"recommendation {base_rec.number}'s number or text was changed "
                       "(a locked column); not applied", action_id=action_id, name="recommendation")
            if (action.evidence or "") != (was.evidence or ""):
                ignore("locked-column", f"row {action_id}'s evidence text was changed (a locked column); not "
                       "applied", action_id=action_id, name="evidence", value=action.evidence)
            if {owner_key(n) for n in names_in(action.owner)} != {owner_key(n) for n in names_in(was.owner)}:
                ignore("owner-changed", f"row {action_id}'s owner changed to '{action.owner or ''}' (was "
                       f"'{was.owner or ''}'); for the lead to decide", action_id=action_id, name="owner",
                       value=action.owner)
            for key in sorted(set(action.extra) | set(was.extra)):
                if action.extra.get(key) != was.extra.get(key):
                    ignore("other-column", f"row {action_id}'s '{key}' changed; the force's own columns are not "
                           "merged", action_id=action_id, name=key, value=action.extra.get(key))
            if action_id not in self.ours:
                ignore("row-gone", f"row {action_id} is no longer in the plan; their changes to it are not "
                       "applied", action_id=action_id)
                continue
            changed += self._fields(action_id, action, was, item, merge)
        return changed

    def _fields(self, action_id: str, theirs: Action, base: Action, item: ReturnFile, merge: Merge) -> int:
        taken = 0
        cells = self.ours[action_id][1].cells
        for name in FIELDS:
            was, new = value_of(base, name), value_of(theirs, name)
            if was == new:
                continue
            now = self.current(action_id, name)
            cell = cells.get(_CELL_OF[name])
            if now == new:
                continue
            if now != was:
                merge.conflicts.append(Conflict(
                    id=action_id, field=name, cell=cell, owner=item.stamp.owner, file=item.path.name,
                    base=shown(was), ours=shown(now), theirs=shown(new),
                    ours_from=self.source.get((action_id, name), "plan")))
                continue
            if cell is None:
                merge.ignored.append(IgnoredEdit(
                    kind="no-cell", file=item.path.name, owner=item.stamp.owner, id=action_id, field=name,
                    value=shown(new), message=f"{item.path.name} ({item.stamp.owner}): the plan has no column for "
                    f"{name}, so row {action_id}'s new value is not applied"))
                continue
            self.values.setdefault(action_id, {})[name] = new
            self.source[(action_id, name)] = item.path.name
            if name in ("status", "progress"):
                self.typed[action_id] = (theirs.status_raw, value_of(theirs, "status"),
                                         value_of(theirs, "progress"))
            merge.updated.append(CellUpdate(id=action_id, field=name, cell=cell, owner=item.stamp.owner,
                                            file=item.path.name, old=shown(now), new=shown(new)))
            taken += 1
        return taken

    def finish(self, merge: Merge) -> None:
        """The cell writes for every row a return changed."""
        for action_id, changes in self.values.items():
            action = self.ours[action_id][1]
            merge.rows_updated += 1
            for name, new in changes.items():
                if name == "progress" and "status" in changes:
                    continue
                sheet, cell = split_ref(action.cells[_CELL_OF[name]])
                if sheet is None or cell is None:
                    continue
                if name in ("status", "progress"):
                    new = self._status_cell(action_id)
                merge.writes.setdefault(sheet, {})[cell] = new
                model_sheet, model = split_ref(self.date_cell)
                if name == "date" and isinstance(new, date) and model_sheet == sheet and model is not None:
                    merge.like.setdefault(sheet, {})[cell] = model

    def _status_cell(self, action_id: str) -> str | None:
        """The status cell's text: as the return typed it when both status and percentage are theirs."""
        status, progress = self.current(action_id, "status"), self.current(action_id, "progress")
        typed = self.typed.get(action_id)
        if typed is not None and typed[1:] == (status, progress):
            return typed[0]
        return with_progress(str(status) if status is not None else None,
                             progress if isinstance(progress, int) else None)


# ---------------------------------------------------------------------------------------------- the command


def merge_files(ours: Plan, files: Sequence[str | os.PathLike[str]], *, plan_path: Path,
                store: str | os.PathLike[str] | None = None) -> Merge:
    """Read each return (refusing, with its reason, what cannot be merged), load the bases their stamps name,
    and merge them into `ours`, the plan at `plan_path` as it is now (from the file, or from Excel)."""
    from sheetsync.errors import SnapshotNotFoundError, StoreError
    from sheetsync.snapshots import load_plan

    accepted: list[ReturnFile] = []
    refused: list[ReturnRead] = []
    bases: dict[int, Plan] = {}
    seen: set[Path] = set()
    for path in files:
        if Path(path).resolve() in seen:
            continue  # the same file named twice (a shell glob and a name) is one return
        seen.add(Path(path).resolve())
        try:
            item = read_return(path, plan_path=plan_path, ours=ours)
            base_id = item.stamp.base_snapshot
            if base_id not in bases:
                try:
                    bases[base_id] = load_plan(plan_path, base_id, store=store)
                except (SnapshotNotFoundError, StoreError) as exc:
                    raise RefusedReturn(f"its base, snapshot {base_id}, cannot be loaded ({exc.detail})",
                                        path=path, hint="Use the store the round was split with (--store, "
                                                        "or the Settings sheet's snapshot store)") from None
            accepted.append(item)
        except SheetsyncError as exc:
            refused.append(ReturnRead(file=Path(path).name, state="refused", reason=refusal(exc)))
    return merge_plans(ours, accepted, bases, refused=refused)


def merge_returns(plan: str | os.PathLike[str], returns: Sequence[str | os.PathLike[str]], *,
                  output: str | os.PathLike[str] | None = None, dry_run: bool = False, snapshot: bool = False,
                  store: str | os.PathLike[str] | None = None, overwrite: bool = False) -> MergeResult:
    """Merge owners' returns into a copy of `plan` written to `output` (only the changed input cells rewritten;
    `plan` itself is never written). `dry_run` reports without writing; `snapshot` snapshots `output`."""
    from sheetsync.snapshots import read_workbook

    if not dry_run and output is None:
        raise ConfigError("name the merged workbook to write (-o OUT), or pass --dry-run")
    plan_path = Path(plan)
    data, ours = read_workbook(plan_path)
    merge = merge_files(ours, returns, plan_path=plan_path, store=store)
    accepted = any(read.state == "merged" for read in merge.reads)
    result = MergeResult(plan=str(plan_path), output=str(output) if output is not None else None, dry_run=dry_run,
                         returns=merge.reads, rows_updated=merge.rows_updated, updated=merge.updated,
                         conflicts=merge.conflicts, ignored=merge.ignored, not_returned=merge.not_returned)
    if dry_run or output is None or not accepted:
        return result
    from sheetsync.package import Package

    package = Package(data, path=plan_path)
    for sheet, cells in merge.writes.items():
        package.set_cells(sheet, cells, like=merge.like.get(sheet))
    package.save(output, overwrite=overwrite)
    if snapshot:
        from sheetsync.snapshots import snapshot as take_snapshot

        taken = take_snapshot(output, message=f"owners' round: {result.merged} returns merged", store=store)
        result = result.model_copy(update={"snapshot": taken.id})
    return result


__all__ = ["FIELDS", "Merge", "RefusedReturn", "ReturnFile", "merge_files", "merge_plans", "merge_returns",
           "read_return", "refusal", "value_of"]
