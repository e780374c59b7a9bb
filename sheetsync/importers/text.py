"""The `text` format: a plan pasted or saved as plain text (any of shapes 1-3).

Lines split on tabs. A cell copied from Excel that holds line breaks arrives wrapped in double quotes over several
lines (`"first line<LF>second line"`, inner quotes doubled); such cells are joined back into one cell when the
closing quote is found within a few lines, and counted in the report. Anything else is left exactly as it came.
"""

from __future__ import annotations

import re

from sheetsync.importers.common import Document, Line, source_text
from sheetsync.importers.interfaces import Source
from sheetsync.importers.markdown import is_separator, markdown_plain, pipe_cells
from sheetsync.importers.report import ImportReport

_LABEL_PIPE = re.compile(r"^\s*\|?\s*[^|\t]{1,60}:\s*\|[^|\t]*\|?\s*$")  # "Status: | Complete |"
_BOLD_LABEL = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*|__)[^*_]{1,60}?:?\s*(?:\*\*|__)")  # "**Status:** …"
_MAX_JOINED_LINES = 40  # a quoted cell longer than this is not a quoted cell: leave the lines as they are


class Text:
    """Plain text: lines split on tabs. Last in the registry: any text no other format claims."""

    name = "text"
    suffixes = (".txt", ".tsv", ".text")
    binary = False

    def sniff(self, source: Source) -> bool:
        return True

    def load(self, source: Source, report: ImportReport) -> Document:
        return _load(source_text(source, report), report)


def _load(text: str, report: ImportReport) -> Document:
    raw = text.split("\n")
    doc = Document()
    head = raw[:2000]
    piped = any(is_separator(line) for line in head) or sum(bool(_LABEL_PIPE.match(line)) for line in head) >= 3
    bold = not piped and sum(bool(_BOLD_LABEL.match(line)) for line in head) >= 3
    i = 0
    while i < len(raw):
        if piped and "|" in raw[i]:
            # Copied by a tool that writes Markdown-like rows ("Label: | value |" with "---|---|" between blocks).
            if is_separator(raw[i]):
                report.clean("table-separators-dropped", i + 1, "'---|---|' separator rows")
            else:
                doc.lines.append(Line(no=i + 1, cells=pipe_cells(raw[i])))
                report.clean("pipe-cells-split", i + 1, "rows written as 'Label: | value |' split at the pipes")
            i += 1
            continue
        if piped or bold:  # the same tools write headings and emphasis in Markdown ("**Status:** Complete")
            raw[i] = markdown_plain(raw[i], i + 1, report)
        if '"' in raw[i]:
            joined = _quoted_row(raw, i)
            if joined is not None:
                cells, used = joined
                if used > 1:
                    report.clean("quoted-cells-joined", i + 1,
                                 "cells with line breaks (quoted by Excel) joined back into one cell")
                doc.lines.append(Line(no=i + 1, cells=cells))
                i += used
                continue
        doc.lines.append(Line(no=i + 1, cells=raw[i].split("\t")))
        i += 1
    return doc


def _quoted_row(raw: list[str], start: int) -> tuple[list[str], int] | None:
    """The cells of the row starting at raw[start] read with Excel's quoting, and how many lines it used; None
    when no cell in it is a well-formed quoted cell (the line is then split plainly)."""
    buf = raw[start]
    used = 1
    cells: list[str] = []
    pos = 0
    quoted_any = False
    while True:
        if pos < len(buf) and buf[pos] == '"':
            j = pos + 1
            value: list[str] = []
            while True:
                if j >= len(buf):
                    if used >= _MAX_JOINED_LINES or start + used >= len(raw):
                        return None
                    buf += "\n" + raw[start + used]
                    used += 1
                    continue
                ch = buf[j]
                if ch == '"':
                    if j + 1 < len(buf) and buf[j + 1] == '"':
                        value.append('"')
                        j += 2
                        continue
                    if j + 1 == len(buf) or buf[j + 1] == "\t":
                        break
                    return None  # a quote inside an unquoted-looking cell: not Excel's quoting
                value.append(ch)
                j += 1
            cells.append("".join(value))
            quoted_any = True
            pos = j + 1
        else:
            end = buf.find("\t", pos)
            end = len(buf) if end == -1 else end
            cells.append(buf[pos:end])
            pos = end
        if pos >= len(buf):
            break
        pos += 1  # the tab
        if pos == len(buf):
            cells.append("")
            break
    return (cells, used) if quoted_any else None


FORMAT = Text()
