"""National collation: the returns of the 43 territorial forces of England and Wales and British Transport Police,
in whatever shape each force sent (the national workbook, its own workbook, Word, a web page, CSV, Markdown,
text), read into one national view.

`collate(inputs)` reads every file (folders are walked), says in one line per file what it was read as, the
force and how many rows, or why it was skipped: sheetsync's own outputs (a national table, a progress update),
files with no plan, a table of several forces and the same file twice are never counted. Plans are matched to
the roster (`roster.csv`, or `--roster FILE`) by the name variants people write; one plan per force is kept (the
one with the newest update), and forces with no return are listed. `write_collation` writes the result as a
workbook, CSV or a national HTML page (`collate_write.py`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.model import Action, Plan

if TYPE_CHECKING:
    from sheetsync.vocabulary import Vocabulary

# What collation reads: every shape `sheetsync import` accepts.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".docx", ".html", ".htm", ".csv", ".md", ".txt")
OUTPUT_SUFFIXES = (".xlsx", ".csv", ".html")
# Written into the national workbook's properties and the national page's head so that the next collation in the
# same folder recognises them and never counts one as a force's plan (a national CSV is recognised by its headings).
MARKER = "sheetsync national collation"
REPORT_TITLE = "Police Stalking Action Plan: progress update"  # the title of `sheetsync report`'s outputs

Rag = Literal["Red", "Amber", "Green"]
RAG_ORDER: dict[str, int] = {"Green": 0, "Amber": 1, "Red": 2}
RAG_RULE = ("An evidence requirement is Green when Action Complete, BAU or Not Applicable; Red when not Green and "
            "its recommendation's deadline has passed; Amber otherwise (a missing or unrecognised status never "
            "counts as complete). A recommendation takes the worst rating of its requirements.")

# --------------------------------------------------------------------------------------------------- roster

_DROP_WORDS = frozenset({"police", "constabulary", "service", "force", "the", "heddlu", "and", "of", "polis"})


def force_key(name: str) -> str:
    """A name reduced to what tells forces apart: "Avon & Somerset Constabulary" and "avon and somerset police"
    both give "avon somerset"."""
    words = re.sub(r"[^a-z0-9]+", " ", name.casefold().replace("&", " and ")).split()
    kept = [w for w in words if w not in _DROP_WORDS]
    return " ".join(kept) or " ".join(words)


@dataclass(frozen=True, slots=True)
class Roster:
    """The forces the recommendations apply to, each with the name variants people write."""

    forces: tuple[str, ...]
    index: dict[str, str] = field(repr=False)  # force_key(variant) -> the force's name

    @classmethod
    def from_rows(cls, rows: Iterable[list[str]], *, source: str) -> Roster:
        forces: list[str] = []
        index: dict[str, str] = {}
        for number, row in enumerate(rows, start=1):
            cells = [c.strip() for c in row if c.strip()]
            if not cells or (number == 1 and cells[0].casefold() == "force"):
                continue
            name, variants = cells[0], [v.strip() for c in cells[1:] for v in c.split(";") if v.strip()]
            for variant in (name, *variants):
                key = force_key(variant)
                if index.get(key, name) != name:
                    raise ConfigError(f"line {number}: '{variant}' is also a name of {index[key]}", path=source,
                                      hint="Give each variant to one force only")
                index[key] = name
            forces.append(name)
        if not forces:
            raise ConfigError("names no forces", path=source,
                              hint="One force a line: its name, then its variants (comma or ; separated)")
        return cls(forces=tuple(forces), index=index)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Roster:
        """The packaged roster (43 territorial forces and British Transport Police), or the CSV at `path`."""
        if path is None:
            return _packaged_roster()
        from sheetsync.importers.common import decode_text
        from sheetsync.safety import read_limited

        text, _ = decode_text(read_limited(Path(path), limit=2 * 2**20), path=path)
        return cls.from_rows(csv.reader(io.StringIO(text)), source=str(path))

    def match(self, name: str | None) -> str | None:
        return self.index.get(force_key(name)) if name else None


@cache
def _packaged_roster() -> Roster:
    text = resources.files("sheetsync").joinpath("roster.csv").read_text(encoding="utf-8")
    return Roster.from_rows(csv.reader(io.StringIO(text)), source="roster.csv")


# ---------------------------------------------------------------------------------------------- the result

Outcome = Literal["counted", "skipped", "superseded"]


@dataclass(frozen=True, slots=True)
class FileLine:
    """What collation did with one input file."""

    path: str
    outcome: Outcome
    read_as: str = ""
    force: str | None = None
    rows: int = 0
    reason: str = ""

    def describe(self, *, name_only: bool = False) -> str:
        """One line; `name_only` gives the file's name without its folder (for a page sent on)."""
        shown = Path(self.path).name if name_only else self.path
        reason = self.reason.replace(str(Path(self.path).parent) + os.sep, "") if name_only else self.reason
        if self.outcome == "counted":
            note = f" ({reason})" if reason else ""
            return f"{shown}: {self.read_as}, {self.force}, {self.rows} rows{note}"
        return f"{shown}: {self.outcome}: {reason}"


@dataclass(frozen=True, slots=True)
class ForceReturn:
    """One force's plan as counted: the roster's name (or the plan's own, or the file's), its findings."""

    force: str
    in_roster: bool
    plan: Plan
    source: str
    read_as: str
    newest: date | None
    errors: dict[str, int]
    warnings: dict[str, int]
    ratings: tuple[Rag, ...]  # each evidence requirement's RAG at the collation's as-of, in the plan's order

    def recommendation_rags(self) -> dict[str, Rag]:
        """Each recommendation's RAG: the worst of its requirements'."""
        worst: dict[str, Rag] = {}
        for (rec, _), rag in zip(self.plan.actions(), self.ratings, strict=True):
            number = rec.number
            if number not in worst or RAG_ORDER[rag] > RAG_ORDER[worst[number]]:
                worst[number] = rag
        return worst


@dataclass(frozen=True, slots=True)
class Collation:
    as_of: date
    returns: tuple[ForceReturn, ...]
    files: tuple[FileLine, ...]
    missing: tuple[str, ...]
    roster: tuple[str, ...]

    def lines(self) -> list[str]:
        counted = sum(f.outcome == "counted" for f in self.files)
        out = [f.describe() for f in self.files]
        skipped = len(self.files) - counted
        out.append(f"{counted} plan{'s' * (counted != 1)} counted, {skipped} file{'s' * (skipped != 1)} not counted; "
                   f"{len(self.roster) - len(self.missing)} of {len(self.roster)} forces returned"
                   + (f"; missing: {', '.join(self.missing)}" if self.missing else ""))
        return out


def ratings_of(plan: Plan, as_of: date) -> tuple[Rag, ...]:
    """Every evidence requirement's RAG, in the plan's order."""
    from sheetsync.plan_rules import deadline_of, vocabulary_of

    vocab = vocabulary_of(plan)
    return tuple(rag_of(action, deadline_of(rec), as_of, vocab) for rec, action in plan.actions())


def rag_of(action: Action, deadline: date | None, as_of: date, vocab: Vocabulary) -> Rag:
    """The README's rule (`plan_rules`): Green when done; Red when not done and the deadline has passed at
    `as_of`; Amber otherwise (a missing or unrecognised status is never done)."""
    from sheetsync.plan_rules import is_done, is_overdue

    if is_done(action, vocab):
        return "Green"
    return "Red" if is_overdue(action, deadline, as_of, vocab) else "Amber"


# ------------------------------------------------------------------------------------------------ collating


def collate(inputs: Iterable[str | os.PathLike[str]], *, roster: str | os.PathLike[str] | None = None,
            as_of: date | None = None) -> Collation:
    """Read every input (files, or folders walked for the shapes sheetsync imports) into the national view."""
    from sheetsync.validation import validate

    day = as_of or date.today()
    known = Roster.load(roster)
    files: list[FileLine] = []
    seen_paths: dict[Path, str] = {}
    seen_bytes: dict[str, str] = {}
    kept: dict[str, tuple[ForceReturn, int]] = {}  # force -> (return, index of its line in files)
    for path in _expand(inputs):
        shown = str(path)
        resolved = path.resolve()
        if resolved in seen_paths:
            files.append(FileLine(shown, "skipped", reason=f"the same file as {seen_paths[resolved]}, already read"))
            continue
        seen_paths[resolved] = shown
        if path.suffix.lower() not in SUFFIXES:
            files.append(FileLine(shown, "skipped", reason=f"'{path.suffix or path.name}' is not a shape sheetsync "
                                                           "reads (" + ", ".join(SUFFIXES) + ")"))
            continue
        try:
            from sheetsync.safety import read_limited

            data = read_limited(path)
        except SheetsyncError as exc:
            files.append(FileLine(shown, "skipped", reason=_reason(exc, path)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen_bytes:
            files.append(FileLine(shown, "skipped", reason=f"the same content as {seen_bytes[digest]}"))
            continue
        seen_bytes[digest] = shown
        own = own_output(data, path)
        if own is not None:
            files.append(FileLine(shown, "skipped", reason=own))
            continue
        try:
            plan, read_as = _read(data, path)
        except SheetsyncError as exc:
            files.append(FileLine(shown, "skipped", reason=_reason(exc, path)))
            continue
        several = _several_forces(plan)
        if several:
            files.append(FileLine(shown, "skipped", read_as=read_as,
                                  reason=f"a table of several forces ({several}); send each force's plan"))
            continue
        rows = sum(len(rec.actions) for rec in plan.recommendations)
        if rows == 0:
            files.append(FileLine(shown, "skipped", read_as=read_as, reason="holds no evidence requirements"))
            continue
        matched = known.match(plan.force)
        note = ""
        if matched is None and plan.force:
            note = f"'{plan.force}' is not in the roster"
        elif matched is None:
            note = "no force name in the file: counted under its file name"
        elif matched != plan.force:
            note = f"written '{plan.force}'"
        name = matched or plan.force or path.stem
        report = validate(plan, as_of=day)
        errors = Counter(f.code for f in report.findings if f.severity == "error")
        warnings = Counter(f.code for f in report.findings if f.severity == "warning")
        newest = max((a.date for _, a in plan.actions() if a.date is not None), default=None)
        entry = ForceReturn(force=name, in_roster=matched is not None, plan=plan, source=shown, read_as=read_as,
                            newest=newest, errors=dict(sorted(errors.items())), warnings=dict(sorted(warnings.items())),
                            ratings=ratings_of(plan, day))
        line = FileLine(shown, "counted", read_as=read_as, force=name, rows=rows, reason=note)
        previous = kept.get(name)
        if previous is not None:
            older, at = previous
            if _newer(entry, path, older):
                files[at] = FileLine(older.source, "superseded", read_as=older.read_as, force=name,
                                     reason=f"{name}'s plan in {shown} is more recent ({_when(entry)} against "
                                            f"{_when(older)})")
            else:
                files.append(FileLine(shown, "superseded", read_as=read_as, force=name,
                                      reason=f"{name}'s plan in {older.source} is more recent ({_when(older)} "
                                             f"against {_when(entry)})"))
                continue
        kept[name] = (entry, len(files))
        files.append(line)
    returns = tuple(sorted((r for r, _ in kept.values()), key=lambda r: r.force.casefold()))
    missing = tuple(f for f in known.forces if f not in kept)
    return Collation(as_of=day, returns=returns, files=tuple(files), missing=missing, roster=known.forces)


def _expand(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                parts = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith((".", "~$")) for p in parts):
                    yield child
        else:
            yield path


def _reason(exc: SheetsyncError, path: Path) -> str:
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: ", f"'{path}' ", f"{path} "):
        text = text.removeprefix(prefix)
    return text


def _read(data: bytes, path: Path) -> tuple[Plan, str]:
    """A workbook through the reader (and the workbook shapes), any other shape imported in memory."""
    from sheetsync.importers import import_file_bytes

    plan, report = import_file_bytes(data, path)
    return plan, f"{report.format} ({report.shape})" if report.shape else report.format


_FORCE_COLUMNS = frozenset({"force", "force name", "police force", "forces"})


def _several_forces(plan: Plan) -> str:
    """The forces named in a Force column of the plan's rows, when there are several."""
    names: set[str] = set()
    for _, action in plan.actions():
        for key, value in action.extra.items():
            if key.strip().rstrip(":").casefold() in _FORCE_COLUMNS and value.strip():
                names.add(value.strip())
    return ", ".join(sorted(names)[:3]) + (" …" if len(names) > 3 else "") if len(names) > 1 else ""


def _newer(entry: ForceReturn, path: Path, older: ForceReturn) -> bool:
    """The newest update date decides; without dates, the file modified last."""
    if entry.newest != older.newest:
        return (entry.newest or date.min) > (older.newest or date.min)
    try:
        return path.stat().st_mtime > Path(older.source).stat().st_mtime
    except OSError:
        return False


def _when(entry: ForceReturn) -> str:
    return f"updates to {entry.newest.isoformat()}" if entry.newest else "no dated updates"


# ------------------------------------------------------------------------------------------ own outputs


def own_output(data: bytes, path: Path) -> str | None:
    """Why `data` is one of sheetsync's own outputs (never a force's return), or None."""
    from sheetsync.safety import ZIP_MAGIC

    national = "a national table written by sheetsync collate, not a force's plan"
    report = "a progress update written by sheetsync report, not a force's plan"
    if data.startswith(ZIP_MAGIC):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
            props = b"".join(archive.read(n)[:20000] for n in ("docProps/core.xml", "docProps/custom.xml")
                             if n in names)
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
            return None  # the importer says what is wrong with it
        if MARKER.encode() in props:
            return national
        if b">sheetsync<" in props and b"progress update" in props.lower():
            return report
        if "xl/workbook.xml" in names:
            workbook = archive.read("xl/workbook.xml")[:50000]
            if b'name="Plans"' in workbook and b'name="By force"' in workbook:
                return national  # written before the marker existed
        return None
    head = data[:20000].decode("utf-8", "replace")
    if MARKER in head:
        return national
    if REPORT_TITLE in head:
        return report
    if path.suffix.lower() == ".csv":
        first = next(csv.reader(io.StringIO(head.lstrip("\ufeff"))), [])
        if {"force", "recommendation", "action", "source"} <= {c.strip().casefold() for c in first}:
            return national
    return None


def write_collation(inputs: Iterable[str | os.PathLike[str]], output: str | os.PathLike[str], *,
                    roster: str | os.PathLike[str] | None = None, as_of: date | None = None,
                    overwrite: bool = False) -> Collation:
    """`sheetsync collate`: the national table as .xlsx, .csv or .html (chosen by `output`'s suffix)."""
    from sheetsync.collate_write import write_output

    out = Path(output)
    if out.suffix.casefold() not in OUTPUT_SUFFIXES:
        raise ConfigError(f"cannot write '{out.suffix or out.name}'", path=out,
                          hint="Name a .xlsx, .csv or .html file")
    paths = list(inputs)
    result = collate(paths, roster=roster, as_of=as_of)
    write_output(result, out, overwrite=overwrite, protect=tuple(paths))
    return result


__all__ = ["MARKER", "RAG_RULE", "SUFFIXES", "Collation", "FileLine", "ForceReturn", "Roster", "collate",
           "force_key", "own_output", "rag_of", "write_collation"]
