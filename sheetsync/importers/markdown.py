"""The `markdown` format: pipe tables (shape 4) and Markdown text around them (shapes 2-3)."""

from __future__ import annotations

import re

from sheetsync.importers.common import Document, Line, Table, source_text
from sheetsync.importers.interfaces import Source
from sheetsync.importers.report import ImportReport


class Markdown:
    """Pipe tables and the Markdown text around them."""

    name = "markdown"
    suffixes = (".md", ".markdown")
    binary = False

    def sniff(self, source: Source) -> bool:
        return any(_SEPARATOR.match(line) and "|" in line for line in source.head.split("\n")[:400])

    def load(self, source: Source, report: ImportReport) -> Document:
        return _load(source_text(source, report), report)


_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)")


def is_separator(line: str) -> bool:
    """A Markdown table's separator row ("---|---|", "| :--- | ---: |")."""
    return "|" in line and bool(_SEPARATOR.match(line))


def pipe_cells(line: str) -> list[str]:
    """The cells of a pipe row, outer pipes dropped, escaped pipes kept."""
    return _cells(line)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in _PIPE_SPLIT.split(body)]


def markdown_plain(text: str, no: int, report: ImportReport) -> str:
    """A line without Markdown's heading, quote and list markers and emphasis (counted in the report)."""
    return _plain(text, no, report)


def _plain(text: str, no: int, report: ImportReport) -> str:
    out = _PREFIX.sub("", text)
    out = _EMPHASIS.sub(r"\2", out)
    if out != text:
        report.clean("markdown-removed", no, "Markdown emphasis, headings and list markers removed")
    return out


def _load(text: str, report: ImportReport) -> Document:
    raw = text.split("\n")
    doc = Document()
    i = 0
    while i < len(raw):
        line = raw[i]
        if "|" in line and i + 1 < len(raw) and _SEPARATOR.match(raw[i + 1]) and "|" in raw[i + 1]:
            table = Table(rows=[Line(no=i + 1, cells=[_plain(c, i + 1, report) for c in _cells(line)],
                                     in_table=True)], name=f"table at line {i + 1}")
            report.clean("table-separators-dropped", i + 2, "Markdown table separator rows")
            i += 2
            while i < len(raw) and "|" in raw[i] and raw[i].strip():
                if _SEPARATOR.match(raw[i]):  # a separator row between key/value blocks of one table
                    report.clean("table-separators-dropped", i + 1, "Markdown table separator rows")
                    i += 1
                    continue
                table.rows.append(Line(no=i + 1, cells=[_plain(c, i + 1, report) for c in _cells(raw[i])],
                                       in_table=True))
                i += 1
            doc.tables.append(table)
            doc.lines.extend(table.rows)
            continue
        doc.lines.append(Line(no=i + 1, cells=[_plain(cell, i + 1, report) for cell in line.split("\t")]))
        i += 1
    return doc


FORMAT = Markdown()
