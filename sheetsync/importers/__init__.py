"""`sheetsync import`: turn a published plan (pasted text, a web page, a table in Markdown, CSV, Word or Excel)
into a `Plan`, saying what was found, what was cleaned and what could not be used.

A registry of small modules, tablib-style (`registry.py`, interfaces in `interfaces.py`): each *format* (text,
markdown, html, csv, docx, xlsx) knows its name, suffixes, how to recognise its input and how to load it into a
`Document` (lines and tables); each *shape* (table, text grid, key/value blocks, labelled prose) knows how to read
a plan out of a `Document`. Detection walks the formats in the registry's order; every shape that recognises the
document is tried, and the one that reads the most evidence rows wins.

Limits: text-like sources over `MAX_TEXT_BYTES` (20 MB) and any file over `safety.MAX_FILE_BYTES` are refused
before they are parsed; Word and Excel files go through `safety.check_zip` (zip bombs) first.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from sheetsync.errors import NoPlanFoundError, OutputExistsError, UnreadableFileError, UnsupportedFormatError
from sheetsync.importers import registry
from sheetsync.importers.common import (
    ACCEPTED_HINT,
    MAX_TEXT_BYTES,
    Document,
    decode_text,
    force_name,
    looks_binary,
)
from sheetsync.importers.interfaces import Format, Shape, Source
from sheetsync.importers.registry import FORMATS, SHAPES, format_named, format_names
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan

SHAPES_UNDERSTOOD = ("a plan grid pasted as text (tab-separated), a police website's key/value blocks (HTML or "
                     "copied text), labelled prose ('7.1 - Evidence requirements…' then 'Owner:', 'Update:', "
                     "'Status:'), or a table with plan headings in Markdown, HTML, CSV, Word (.docx) or Excel "
                     "(.xlsx)")

_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")


class ImportResult(BaseModel):
    """What `import_to_workbook` did: the plan, the report, and the workbook written."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    plan: Plan
    report: ImportReport
    output: Path


def import_plan(source: Path | str | bytes | os.PathLike[str], *, format: str | None = None
                ) -> tuple[Plan, ImportReport]:
    """Read a published plan into a `Plan`.

    `source` is a path, the text itself (a `str` holding a newline, tab or '<' is read as text, any other `str`
    as a path), or the file's bytes. `format` is a name from the registry (text, markdown, html, csv, docx,
    xlsx; detected when None). Raises UnreadableFileError, UnsupportedFormatError or NoPlanFoundError when
    nothing can be imported.
    """
    chosen = format_named(format) if format is not None else None
    if format is not None and chosen is None:
        raise UnsupportedFormatError(f"'{format}' is not a format sheetsync imports",
                                     hint=f"Use one of {', '.join(format_names())}")
    data, name, path = _load_source(source)
    return _import(Source(data=data, name=name, path=path), chosen)


def import_file_bytes(data: bytes, path: Path, *, format: str | None = None) -> tuple[Plan, ImportReport]:
    """`import_plan` of the file at `path` whose bytes the caller has already read (collation reads each file
    once: to recognise its own outputs and repeats, then to import it)."""
    return _import(Source(data=data, name=str(path), path=path), format_named(format) if format else None)


def _import(src: Source, chosen: Format | None) -> tuple[Plan, ImportReport]:
    data, name = src.data, src.name
    report = ImportReport(source=name)
    fmt = chosen or _detect(src)
    report.format = fmt.name
    if not fmt.binary and len(data) > MAX_TEXT_BYTES:
        raise _too_big(len(data), name)
    loaded = fmt.load(src, report)
    if isinstance(loaded, Plan):
        return loaded, report
    return _best(loaded, report, name)


def import_to_workbook(source: Path | str | bytes | os.PathLike[str], output: Path | str, *,
                       format: str | None = None, overwrite: bool = False) -> ImportResult:
    """Import `source` and write it as a new workbook in the template at `output` (never over `source`)."""
    from sheetsync.template import write_plan_workbook

    out = Path(output)
    is_path = isinstance(source, Path | os.PathLike) or (isinstance(source, str) and _is_path_text(source))
    if is_path and Path(source).resolve() == out.resolve():  # type: ignore[arg-type]
        raise OutputExistsError("is the import source; sheetsync never writes over its input", path=out,
                                hint="Choose another output name")
    if out.exists() and not overwrite:
        raise OutputExistsError("already exists", path=out, hint="Choose another name or pass --overwrite")
    plan, report = import_plan(source, format=format)
    written = write_plan_workbook(plan, out, overwrite=overwrite)
    report.output = str(written)
    return ImportResult(plan=plan, report=report, output=Path(written))


# ------------------------------------------------------------------------------------------------ internals


def _is_path_text(source: str) -> bool:
    return not any(ch in source for ch in "\n\t<") and len(source) < 4096


def _load_source(source: Path | str | bytes | os.PathLike[str]) -> tuple[bytes, str | None, Path | None]:
    from sheetsync.safety import MAX_FILE_BYTES, OLE_MAGIC, ZIP_MAGIC, read_limited

    if isinstance(source, bytes):
        return source, None, None
    if isinstance(source, str) and not _is_path_text(source):
        return source.encode("utf-8"), None, None
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES and path.is_file():
            with path.open("rb") as handle:
                head = handle.read(8)
            if not head.startswith((ZIP_MAGIC, OLE_MAGIC)):
                raise _too_big(size, path)  # refused on its size alone: nothing is read or parsed
    except OSError:
        pass  # read_limited says what is wrong with the path
    return read_limited(path, limit=MAX_FILE_BYTES), str(path), path


def _too_big(size: int, name: object) -> UnreadableFileError:
    return UnreadableFileError(f"is {size / 2**20:.0f} MB, over the {MAX_TEXT_BYTES // 2**20} MB limit for a "
                               "plan as text, a web page or CSV", path=name, hint="Check this is the right file")


def _detect(source: Source) -> Format:
    """The registry's first format that claims `source`: binary packages by their bytes, text by suffix, then
    by sniffing its decoded start; refusals for what sheetsync cannot read at all."""
    from dataclasses import replace

    from sheetsync.safety import OLE_MAGIC, ZIP_MAGIC

    data, name, suffix = source.data, source.name, source.suffix
    if not data.strip():
        raise UnreadableFileError("is empty", path=name, hint=ACCEPTED_HINT)
    if data.startswith(ZIP_MAGIC):
        from sheetsync.safety import check_zip

        names = frozenset(check_zip(data, path=name or "the file").namelist())
        found = _first(replace(source, zip_names=names), binary=True)
        if found is None:
            raise UnsupportedFormatError("is a zip archive but neither a Word document nor an Excel workbook",
                                         path=name, hint=ACCEPTED_HINT)
        return found
    if data.startswith(OLE_MAGIC):
        found = _first(source, binary=True)
        if found is None:
            raise UnsupportedFormatError("is an old-style Office file (.doc/.xls) or a password-protected one",
                                         path=name, hint="Save it as .docx or .xlsx without a password and retry")
        return found
    if data.startswith(b"%PDF"):
        raise UnsupportedFormatError("is a PDF, which sheetsync does not read", path=name,
                                     hint="Copy the plan's table into Word or Excel (or paste it as text) and "
                                          "import that")
    if data.startswith(_IMAGES) or data[4:12] in (b"ftypheic", b"ftypavif") or data[8:12] == b"WEBP":
        raise UnsupportedFormatError("is a picture; sheetsync cannot read a photo or scan of a table", path=name,
                                     hint="Ask for the plan as text, a web page, Word or Excel")
    if suffix in _ZIP_SUFFIXES:
        raise UnreadableFileError(f"is named {suffix} but is not a zip package (damaged or misnamed)", path=name,
                                  hint="Open it in Word or Excel and save it again")
    decoded, _ = decode_text(data[:200000], path=name) if len(data) > 200000 else decode_text(data, path=name)
    if looks_binary(decoded):
        raise UnsupportedFormatError("is binary data, not a plan", path=name, hint=ACCEPTED_HINT)
    text = replace(source, head=decoded.replace("\r\n", "\n").replace("\r", "\n"))
    by_suffix = next((f for f in registry.FORMATS if not f.binary and suffix in f.suffixes), None)
    found = by_suffix or _first(text, binary=False)
    assert found is not None, "the registry's last text format takes any text"
    return found


# Suffixes of zip packages: a file so named that is not a zip is damaged or misnamed (".xls" is left out: web
# pages saved as .xls are common, and read as the HTML they are).
_ZIP_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm", ".ods")


def _first(source: Source, *, binary: bool) -> Format | None:
    return next((f for f in registry.FORMATS if f.binary == binary and f.sniff(source)), None)


def _best(doc: Document, base: ImportReport, name: str | None) -> tuple[Plan, ImportReport]:
    best: tuple[tuple[int, int, int], Plan, ImportReport] | None = None
    for rank, shape in enumerate(registry.SHAPES):
        if not shape.sniff(doc):
            continue
        report = base.model_copy(deep=True)
        plan = shape.load(doc, report)
        score = (report.evidence_rows, report.recommendations, -rank)
        if best is None or score > best[0]:
            best = (score, plan, report)
    if best is None or best[0][0] == 0:
        raise NoPlanFoundError(f"holds no plan sheetsync recognises ({base.format})", path=name,
                               hint=f"sheetsync imports {SHAPES_UNDERSTOOD}")
    _, plan, report = best
    plan.source = name
    if plan.force is None:
        _force_from_context(doc, plan, report)
    return plan, report


def _force_from_context(doc: Document, plan: Plan, report: ImportReport) -> None:
    """The force's name from where a source states it outside the plan: the page's title, else the document's
    first line."""
    first = next((line for line in doc.lines if line.filled), None)
    for where, text, line in (("the page title", doc.title, None),
                              ("the document's first line", " ".join(first.filled) if first else "",
                               first.no if first else None)):
        name = force_name(text) if text else None
        if name:
            plan.force = name
            report.header_fields["force"] = name
            report.clean("force-from-context", line, f"force name '{name}' taken from {where}")
            report.where(f"force: '{name}' from {where}" + (f" (line {line})" if line else ""))
            return


__all__ = ["FORMATS", "SHAPES", "Format", "ImportReport", "ImportResult", "Shape", "Source", "format_names",
           "import_file_bytes", "import_plan", "import_to_workbook"]
