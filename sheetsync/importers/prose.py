"""Shape 3: labelled prose: "7.1 - Evidence requirements of progress/completion: …" then labelled lines
("Owner: …", "Update: …", "Status: …"). The block logic is the key/value reader's."""

from __future__ import annotations

from sheetsync.importers.common import Document
from sheetsync.importers.keyvalue import _prose_start, read_blocks
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan

_NAME = "labelled-prose"


def _candidate(doc: Document) -> bool:
    return any(line.cells and _prose_start(line.cells[0]) is not None for line in doc.lines
               if len([c for c in line.cells if c.strip()]) == 1)


def _parse(doc: Document, report: ImportReport) -> Plan:
    return read_blocks(doc, report, prose=True, shape=_NAME)


class Prose:
    """Labelled prose: an evidence id and its text, then labelled lines."""

    name = _NAME

    def sniff(self, doc: Document) -> bool:
        return _candidate(doc)

    def load(self, doc: Document, report: ImportReport) -> Plan:
        return _parse(doc, report)


SHAPE = Prose()
