"""The `text` format: a plan pasted or saved as plain text (any of shapes 1-3)."""

from __future__ import annotations

from sheetsync.importers.common import Document, ImportReport, Line

NAME = "text"
SUFFIXES = (".txt", ".tsv", ".text")


def sniff(text: str) -> bool:
    return True


def load(text: str, report: ImportReport) -> Document:
    return Document(lines=[Line(no=i, cells=raw.split("\t")) for i, raw in enumerate(text.split("\n"), start=1)])
