"""The registry of import formats and plan shapes, in the order they are tried.

Adding a format or a shape is one module (a class satisfying `interfaces.Format` or `interfaces.Shape`) and one
entry here; detection, `--from`'s choices and the error messages read these tuples.
"""

from __future__ import annotations

from sheetsync.importers import csv, docx, html, keyvalue, markdown, prose, tables, text, text_grid, xlsx
from sheetsync.importers.interfaces import Format, Shape

# Detection: binary formats by their bytes, then text formats by suffix and then by sniffing, in this order
# (text last: it takes any text no other format claims).
FORMATS: tuple[Format, ...] = (docx.FORMAT, xlsx.FORMAT, html.FORMAT, markdown.FORMAT, csv.FORMAT, text.FORMAT)

# Every shape whose sniff accepts the document is read; the most evidence rows wins, ties to the earlier one.
SHAPES: tuple[Shape, ...] = (tables.SHAPE, text_grid.SHAPE, keyvalue.SHAPE, prose.SHAPE)


def format_names() -> tuple[str, ...]:
    """The names `--from` accepts, in the registry's order."""
    return tuple(f.name for f in FORMATS)


def format_named(name: str) -> Format | None:
    return next((f for f in FORMATS if f.name == name), None)


__all__ = ["FORMATS", "SHAPES", "format_named", "format_names"]
