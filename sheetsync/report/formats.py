"""The report writers, declared once: each format's name, file suffixes, whether it needs the chart, and the
module whose `write(data, chart_png, path)` lays the report out.

Adding a format is one module with that `write` function and one line in `WRITERS`; the CLI, the Excel export
and the demo read `FORMATS` (or `WRITERS`) from here. The writer's module is imported when it first writes, so
reading this registry (`sheetsync report` does, for --format's choices) imports nothing else.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.errors import ConfigError

if TYPE_CHECKING:
    from sheetsync.report.data import ReportData


@dataclass(frozen=True, slots=True)
class Writer:
    """One report format, written by `module`'s `write(data, chart_png, path)` (chart_png is None when
    `needs_chart` is False)."""

    format: str
    suffixes: tuple[str, ...]  # the first is the one a new file gets
    label: str
    needs_chart: bool
    module: str

    def write(self, data: ReportData, chart_png: bytes | None, path: Path) -> None:
        """Lay `data` out into `path` (a temporary file from `sheetsync.files.atomic_output`)."""
        importlib.import_module(self.module).write(data, chart_png, path)


WRITERS: tuple[Writer, ...] = (
    Writer("docx", (".docx",), "Word", needs_chart=True, module="sheetsync.report.docx"),
    Writer("xlsx", (".xlsx",), "Excel", needs_chart=True, module="sheetsync.report.xlsx"),
    Writer("html", (".html", ".htm"), "HTML", needs_chart=True, module="sheetsync.report.html"),
    Writer("md", (".md", ".markdown"), "Markdown", needs_chart=False, module="sheetsync.report.md"),
)
FORMATS: tuple[str, ...] = tuple(writer.format for writer in WRITERS)


def writer_for(format: str) -> Writer:
    """The writer of `format`, or a ConfigError naming the formats there are."""
    for writer in WRITERS:
        if writer.format == format:
            return writer
    raise ConfigError(f"{format!r} is not a report format", hint=f"Use one of {', '.join(FORMATS)}")


def check_suffix(writer: Writer, output: str | Path) -> None:
    """Refuse an output whose suffix belongs to another format (HTML written into a .docx opens as garbage)."""
    suffix = Path(output).suffix.lower()
    if suffix in writer.suffixes:
        return
    raise ConfigError(f"format {writer.format} writes {writer.label}, but the output name ends in "
                      f"{suffix or 'no suffix'}", path=output,
                      hint=f"Name the output *{writer.suffixes[0]}, or choose the format that matches it")


__all__ = ["FORMATS", "WRITERS", "Writer", "check_suffix", "writer_for"]
