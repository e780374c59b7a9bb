"""The import report: what an import found, what it cleaned (with counts and source lines), what it could not
use and why, and its warnings. Crosses module lines, so it is a pydantic model (JSON via `model_dump_json`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Cleaning(BaseModel):
    """One kind of tidying the importer did, with how often and where (1-based source lines or rows)."""

    kind: str
    count: int = 0
    lines: list[int] = Field(default_factory=list)
    note: str = ""


class Unused(BaseModel):
    """A line, row or cell the importer could not put into the plan, and why."""

    line: int | None = None
    text: str
    reason: str


class ImportReport(BaseModel):
    """What an import found, what it cleaned, and what it could not use."""

    source: str | None = None
    format: str = ""
    shape: str = ""
    recommendations: int = 0
    evidence_rows: int = 0
    header_fields: dict[str, str] = Field(default_factory=dict)
    title: str | None = None
    protective_marking: str | None = None
    cleaned: list[Cleaning] = Field(default_factory=list)
    unused: list[Unused] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    output: str | None = None
    read_from: list[str] = Field(default_factory=list)  # where each field was read ("status from 'Status' …")

    def clean(self, kind: str, line: int | None, note: str = "", *, count: int = 1) -> None:
        """Count `count` cleanings of `kind` at `line`."""
        entry = next((c for c in self.cleaned if c.kind == kind), None)
        if entry is None:
            entry = Cleaning(kind=kind, note=note)
            self.cleaned.append(entry)
        entry.count += count
        if line is not None and line not in entry.lines:
            entry.lines.append(line)

    def skip(self, line: int | None, text: str, reason: str, *, lost: bool = False) -> None:
        """Record something not used; `lost` when it looked like plan content (also a warning)."""
        self.unused.append(Unused(line=line, text=_clip(text), reason=reason))
        if lost:
            at = f"line {line}: " if line is not None else ""
            self.warn(f"{at}{reason}; not imported: {_clip(text, 60)!r}")

    def where(self, message: str) -> None:
        """Record where something was read from (columns, sheets, a page title), once."""
        if message not in self.read_from:
            self.read_from.append(message)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def headline(self) -> str:
        """One line: what was imported, in what shape, and how many warnings."""
        warned = f"; {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}" if self.warnings else ""
        return (f"{self.recommendations} recommendations, {self.evidence_rows} evidence rows "
                f"({self.format}, {self.shape}){warned}")

    def summary(self) -> str:
        """The report as readable text for the command line."""
        where = f" from {self.source}" if self.source else ""
        out = [f"Imported{where} ({self.format}, {self.shape or 'no shape'}): {self.recommendations} "
               f"recommendations, {self.evidence_rows} evidence rows."]
        if self.output:
            out.append(f"Wrote {self.output}.")
        if self.title:
            out.append(f"Title: {self.title}")
        for key, value in self.header_fields.items():
            out.append(f"{key.replace('_', ' ').capitalize()}: {value}")
        if self.protective_marking:
            out.append(f"Protective marking: {self.protective_marking}")
        if self.read_from:
            out.append("Read from:")
            out.extend(f"  {w}" for w in self.read_from)
        if self.cleaned:
            out.append("Cleaned:")
            for c in self.cleaned:
                note = f" ({c.note})" if c.note else ""
                out.append(f"  {c.kind}: {c.count}{note}{_lines_text(c.lines)}")
        if self.unused:
            out.append(f"Not used ({len(self.unused)}):")
            for u in self.unused:
                at = f"line {u.line}: " if u.line is not None else ""
                out.append(f"  {at}{u.reason}: {u.text!r}")
        if self.warnings:
            out.append(f"Warnings ({len(self.warnings)}):")
            out.extend(f"  {w}" for w in self.warnings)
        return "\n".join(out)


def _lines_text(lines: list[int]) -> str:
    if not lines:
        return ""
    shown = ", ".join(str(n) for n in lines[:12])
    more = f" and {len(lines) - 12} more" if len(lines) > 12 else ""
    return f" at lines {shown}{more}"


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"




__all__ = ["Cleaning", "ImportReport", "Unused"]
