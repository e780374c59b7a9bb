"""The two plug-in points of `sheetsync import`, declared once and checked by mypy.

A *format* turns a file's bytes into a `Document` (lines and tables), or straight into a `Plan` when it reads
the plan itself (a workbook in the national grid goes through the workbook reader). A *shape* reads a plan out
of a `Document`. Both live in `registry.py`, in the order detection tries them: adding one is one module and one
entry there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sheetsync.importers.common import Document
    from sheetsync.importers.report import ImportReport
    from sheetsync.model import Plan


@dataclass(frozen=True, slots=True)
class Source:
    """What a format sees: the bytes, the file's name and path when it has one, and what detection learnt on
    the way (the names inside a zip package, the decoded start of a text file)."""

    data: bytes
    name: str | None = None
    path: Path | None = None
    zip_names: frozenset[str] = frozenset()
    head: str = ""

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower() if self.name else ""

    @property
    def is_ole(self) -> bool:
        from sheetsync.safety import OLE_MAGIC

        return self.data.startswith(OLE_MAGIC)


class Format(Protocol):
    """A file format: text, markdown, html, csv, docx, xlsx."""

    @property
    def name(self) -> str: ...

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    @property
    def binary(self) -> bool:
        """True for packages recognised by their bytes (zip, OLE); False for text, decoded before sniffing."""
        ...

    def sniff(self, source: Source) -> bool:
        """True when `source` is this format (binary: by `zip_names`/magic; text: by `head`)."""
        ...

    def load(self, source: Source, report: ImportReport) -> Document | Plan:
        """The source as lines and tables for the shapes, or the plan itself when the format reads it whole."""
        ...


class Shape(Protocol):
    """A way a plan is laid out in a document: a pasted grid, key/value blocks, labelled prose, a table."""

    @property
    def name(self) -> str: ...

    def sniff(self, doc: Document) -> bool:
        """Worth trying on `doc` (cheap; the shape that reads the most evidence rows wins)."""
        ...

    def load(self, doc: Document, report: ImportReport) -> Plan:
        """Read the plan, recording in `report` what was cleaned and what could not be used."""
        ...


__all__ = ["Format", "Shape", "Source"]
