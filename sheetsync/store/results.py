"""What the store's operations return (public JSON through `--json`, so pydantic models)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, computed_field


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class ValidationSummary(BaseModel):
    """The validation counts recorded with a snapshot."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def from_report(cls, report: Any) -> ValidationSummary:
        """From a `validation.ValidationReport` (anything with `findings` that have a `severity`)."""
        counts = Counter(getattr(finding, "severity", None) for finding in report.findings)
        return cls(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])

    def describe(self) -> str:
        return f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}"


class ChainHead(BaseModel):
    """The newest snapshot of the store's one hash chain: keep its hash elsewhere to prove nothing up to it is
    removed or rewritten later (`sheetsync verify --head HASH`)."""

    id: int
    hash: str

    def describe(self) -> str:
        return f"chain head: snapshot {self.id}, hash {self.hash}"


class SnapshotResult(BaseModel):
    """What `snapshot` did: saved a new snapshot, or found the plan unchanged since the latest one."""

    id: int
    saved: bool
    store: str
    plan_key: str
    actions: int
    validation: ValidationSummary | None = None
    plan_hash: str
    workbook_hash: str
    row_hash: str | None = None
    previous_id: int | None = None
    note: str | None = None
    chain_head: ChainHead | None = None

    def describe(self) -> str:
        if not self.saved:
            line = f"unchanged since snapshot {self.id}"
        else:
            findings = self.validation.describe() if self.validation else "not validated"
            line = f"snapshot {self.id} saved ({plural(self.actions, 'action')}; {findings})"
            line = f"{line}; {self.note}" if self.note else line
        return f"{line}\n{self.chain_head.describe()}" if self.chain_head else line


class SnapshotInfo(BaseModel):
    """One line of a plan's history."""

    id: int
    plan_key: str
    created_at: datetime
    who: str
    machine: str
    version: str
    message: str | None = None
    source: str
    force: str | None = None
    actions: int
    plan_hash: str
    workbook_hash: str
    workbook_size: int
    validation: ValidationSummary | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def findings(self) -> str:
        return self.validation.describe() if self.validation else "not validated"

    def label(self) -> str:
        return f"snapshot {self.id} ({self.created_at:%Y-%m-%d %H:%M} UTC, {self.who})"


class Problem(BaseModel):
    snapshot_id: int | None = None
    blob_id: int | None = None
    message: str

    def describe(self) -> str:
        if self.snapshot_id is None and self.blob_id is None:
            return self.message
        where = f"snapshot {self.snapshot_id}" if self.snapshot_id is not None else f"chunk {self.blob_id}"
        return f"{where}: {self.message}"


class VerifyResult(BaseModel):
    store: str
    deep: bool = False  # every workbook's exact bytes were rebuilt too
    snapshots: int = 0
    plans: int = 0
    plan_snapshots: int | None = None  # of the plan asked about, when one was
    head_id: int | None = None
    head_hash: str | None = None
    anchors_checked: int = 0  # head-log entries and --head hashes found in the chain
    problems: list[Problem] = Field(default_factory=list)  # damage or tampering: exit 1
    notes: list[Problem] = Field(default_factory=list)  # worth knowing, nothing wrong (content verified)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        what = f"{plural(self.snapshots, 'snapshot')} of {plural(self.plans, 'plan')}"
        if self.ok:
            head = f"; newest: snapshot {self.head_id}, hash {self.head_hash}" if self.head_hash else ""
            checked = ("every workbook rebuilt to its exact bytes or its content verified part by part" if self.deep
                       else "every workbook's content verified part by part (--deep also rebuilds exact bytes)")
            anchors = (f"; {plural(self.anchors_checked, 'recorded head')} found in the chain"
                       if self.anchors_checked else "")
            lines = [f"{self.store}: {what}; hash chain and every stored hash verified, {checked}{anchors}{head}"]
        else:
            lines = [f"{self.store}: {plural(len(self.problems), 'problem')} in {what}:"]
            lines.extend(f"  {problem.describe()}" for problem in self.problems)
        lines.extend(f"  note: {line}" for line in grouped(self.notes))
        return "\n".join(lines)


class RestoreResult(BaseModel):
    """What `restore_snapshot` wrote: the exact bytes, or (another zlib) a workbook with identical contents."""

    snapshot_id: int
    path: Path
    exact: bool
    zlib_here: str
    zlib_then: str | None = None  # the zlib that took the snapshot (None: not recorded, before store schema 2)
    parts_checked: int = 0
    note: str | None = None

    def describe(self) -> str:
        return f"wrote {self.path}" + (f"\n{self.note}" if self.note else "")


def grouped(notes: list[Problem]) -> list[str]:
    """Notes with the same message on one line: 'snapshots 1-40, 42 (41): message'."""
    by_message: dict[str, list[int]] = {}
    for note in notes:
        by_message.setdefault(note.message, []).append(note.snapshot_id or 0)
    lines = []
    for message, ids in by_message.items():
        if len(ids) == 1:
            lines.append(f"snapshot {ids[0]}: {message}")
            continue
        runs: list[list[int]] = []
        for sid in sorted(ids):
            if runs and sid == runs[-1][-1] + 1:
                runs[-1].append(sid)
            else:
                runs.append([sid])
        spans = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
        lines.append(f"snapshots {spans} ({len(ids)}): {message}")
    return lines


def format_history(entries: list[SnapshotInfo]) -> str:
    """A plain-text table of `history`'s entries."""
    if not entries:
        return "no snapshots yet (take one with 'sheetsync snapshot PLAN')\n"
    header = ("id", "taken (UTC)", "who", "actions", "findings", "message")
    rows = [(str(e.id), f"{e.created_at:%Y-%m-%d %H:%M}", e.who, str(e.actions), e.findings,
             " ".join((e.message or "").split())) for e in entries]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    right = {0, 3}
    lines = []
    for row in (header, *rows):
        cells = [cell.rjust(width) if i in right else cell.ljust(width)
                 for i, (cell, width) in enumerate(zip(row[:-1], widths, strict=True))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


__all__ = ["ChainHead", "Problem", "RestoreResult", "SnapshotInfo", "SnapshotResult", "ValidationSummary",
           "VerifyResult", "format_history", "grouped", "plural"]
