"""The `html` format: a saved web page. Tables become tables (shape 4) and tab-separated lines, so a site's
two-column key/value blocks (shape 2) read like copied text; site furniture (scripts, navigation, header, footer,
cookie banners, "Leave this site" buttons) is dropped and counted.

Parsed with lxml's HTML parser (already installed with python-docx; tolerant of the broken markup CMSs write;
it fetches nothing from the network).
"""

from __future__ import annotations

import re
from typing import Any

from sheetsync.errors import NoPlanFoundError
from sheetsync.importers.common import _ENTITY, Document, Line, Table, normalise_space, source_text
from sheetsync.importers.interfaces import Source
from sheetsync.importers.report import ImportReport
from sheetsync.text import markup_safe

_SNIFF = re.compile(r"<\s*(?:!doctype\s+html|html|body|table|div|tr|td|article|main)\b", re.IGNORECASE)
_DROP = ("script", "style", "noscript", "template", "svg", "head", "iframe", "form", "button", "select", "object")
_FURNITURE_TAGS = ("nav", "header", "footer", "aside")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "summary")
_FURNITURE_ATTR = re.compile(r"cookie|consent|banner|leave-?(?:this-?)?site|quick-?exit|skip-?link|breadcrumb|"
                             r"site-?(?:header|footer|nav)|menu|share|social|feedback", re.IGNORECASE)
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "section", "article", "main",
           "ul", "ol", "dl", "blockquote", "pre", "table", "tr", "td", "th", "thead", "tbody", "tfoot", "body",
           "header", "footer", "figure", "figcaption", "address", "caption", "br", "hr"}
_BREAK_AFTER = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "tr", "br", "blockquote",
                "section", "article", "pre"}


class Html:
    """A saved web page: tables as tables and tab-separated lines, the text as lines, site furniture dropped."""

    name = "html"
    suffixes = (".html", ".htm", ".xhtml")
    binary = False

    def sniff(self, source: Source) -> bool:
        return bool(_SNIFF.search(source.head[:200000]))

    def load(self, source: Source, report: ImportReport) -> Document:
        return _load(source_text(source, report), report)


def _load(text: str, report: ImportReport) -> Document:
    import lxml.etree  # type: ignore[import-untyped]
    import lxml.html  # type: ignore[import-untyped]

    safe = markup_safe(text)  # lxml refuses control characters when the tree is edited; they carry nothing
    if safe != text:
        report.clean("control-characters-removed", None, "control characters (not text) removed from the page")
        text = safe
    entities = len(_ENTITY.findall(text))
    if entities:
        report.clean("entities-decoded", None, "HTML entities such as &amp; decoded", count=entities)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NoPlanFoundError(f"the web page cannot be parsed ({exc})", path=report.source) from None
    title = root.find(".//title")
    page_title = normalise_space(title.text_content()) if title is not None else ""
    for element in list(root.iter("button")):
        if element.get("aria-expanded") is not None or element.get("aria-controls") is not None or (
                element.getparent() is not None and element.getparent().tag in _HEADINGS):
            element.drop_tag()  # an accordion's toggle: its text is the section's heading
    for element in list(root.iter(*_DROP)):
        _remove(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions
            _remove(element)
            continue
        attrs = f"{element.get('id', '')} {element.get('class', '')} {element.get('role', '')}"
        furniture = element.tag in _FURNITURE_TAGS or (
            element.tag not in ("body", "html", "table", "tr", "td", "th") and bool(_FURNITURE_ATTR.search(attrs)))
        if furniture and element.getparent() is not None:
            report.clean("site-furniture-dropped", element.sourceline,
                         "navigation, header, footer, cookie banner and leave-this-site elements")
            _remove(element)
    for element in root.iter():
        if element.tag in _BREAK_AFTER:
            element.tail = "\n" + (element.tail or "")
    report.clean("html-removed", None, "the page's markup removed; text and tables kept")
    doc = Document(title=page_title)
    body = root.find("body")
    _walk(body if body is not None else root, doc)
    return doc


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text_lines(text: str, no: int, doc: Document) -> None:
    for part in normalise_space(text).split("\n"):
        if part.strip():
            doc.lines.append(Line(no=no, cells=[part]))


def _walk(element: Any, doc: Document) -> None:
    no = element.sourceline or 0
    if element.tag == "table":
        _table(element, doc)
        return
    if not any(isinstance(d.tag, str) and d.tag in _BLOCKS and d.tag != "br" for d in element.iterdescendants()):
        _text_lines(element.text_content(), no, doc)
        return
    if element.text and element.text.strip():
        _text_lines(element.text, no, doc)
    for child in element:
        _walk(child, doc)
        if child.tail and child.tail.strip():
            _text_lines(child.tail, child.sourceline or no, doc)


def _table(element: Any, doc: Document) -> None:
    for caption in element.xpath("./caption"):  # a table's caption reads as the line above it
        _text_lines(caption.text_content(), caption.sourceline or 0, doc)
    table = Table(rows=[], name=f"table at line {element.sourceline}")
    for tr in element.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells: list[str] = []
        for cell in tr.xpath("./td|./th"):
            cells.append(normalise_space(cell.text_content()))
            try:
                span = int(cell.get("colspan", "1"))
            except ValueError:
                span = 1
            cells.extend([""] * max(0, min(span, 50) - 1))
        line = Line(no=tr.sourceline or 0, cells=cells, in_table=True)
        table.rows.append(line)
        doc.lines.append(line)
    doc.tables.append(table)


FORMAT = Html()
