"""`sheetsync import`: turn a published plan (pasted text, a web page, a table in Markdown, CSV, Word or Excel)
into a `Plan`, saying what was found, what was cleaned and what could not be used.

A registry of small modules, tablib-style: each *format* module (text, markdown, html, csv, docx, xlsx) knows
its name, how to recognise its input and how to load it into a `Document` (lines and tables); each *shape* module
(text_grid, keyvalue, prose, tables) knows how to read a plan out of a `Document`. Every shape that recognises
the document is tried, and the one that reads the most evidence rows wins.

Limits: text-like sources over `MAX_TEXT_BYTES` (20 MB) and any file over `safety.MAX_FILE_BYTES` are refused
before they are parsed; Word and Excel files go through `safety.check_zip` (zip bombs) first.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel, ConfigDict

from sheetsync.errors import NoPlanFoundError, OutputExistsError, UnreadableFileError, UnsupportedFormatError
from sheetsync.importers import csv, docx, html, keyvalue, markdown, prose, tables, text, text_grid, xlsx
from sheetsync.importers.common import ACCEPTED_HINT, MAX_TEXT_BYTES, Document, decode_text, looks_binary
from sheetsync.importers.report import ImportReport
from sheetsync.model import Plan

FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (text, markdown, html, csv, docx, xlsx)}
SHAPES: tuple[ModuleType, ...] = (tables, text_grid, keyvalue, prose)  # ties go to the earlier shape
SHAPES_UNDERSTOOD = ("a plan grid pasted as text (tab-separated), a police website's key/value blocks (HTML or "
                     "copied text), labelled prose ('7.1 - Evidence requirements…' then 'Owner:', 'Update:', "
                     "'Status:'), or a table with plan headings in Markdown, HTML, CSV, Word (.docx) or Excel "
                     "(.xlsx)")

_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")
_SOURCE = Path | str | bytes


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
    as a path), or the file's bytes. `format` is one of text, markdown, html, csv, docx, xlsx (detected when
    None). Raises UnreadableFileError, UnsupportedFormatError or NoPlanFoundError when nothing can be imported.
    """
    if format is not None and format not in FORMATS:
        raise UnsupportedFormatError(f"'{format}' is not a format sheetsync imports",
                                     hint=f"Use one of {', '.join(FORMATS)}")
    data, name, path = _load_source(source)
    report = ImportReport(source=name)
    fmt = format or _detect(data, name, report)
    report.format = fmt
    if fmt in ("text", "markdown", "html", "csv") and len(data) > MAX_TEXT_BYTES:
        raise _too_big(len(data), name)
    if fmt == "xlsx" and path is not None:
        direct = _via_reader(path, report)
        if direct is not None:
            return direct, report
    module = FORMATS[fmt]
    if fmt in ("docx", "xlsx"):
        doc: Document = module.load(data, report)
    else:
        decoded, encoding = decode_text(data, path=name)
        if encoding != "utf-8":
            report.clean("decoded", None, f"read as {encoding}")
        if looks_binary(decoded):
            raise UnsupportedFormatError("is binary data, not a plan", path=name, hint=ACCEPTED_HINT)
        decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
        doc = module.load(decoded, report)
    return _best(doc, report, name)


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


def _detect(data: bytes, name: str | None, report: ImportReport) -> str:
    from sheetsync.safety import OLE_MAGIC, ZIP_MAGIC

    suffix = Path(name).suffix.lower() if name else ""
    if not data.strip():
        raise UnreadableFileError("is empty", path=name, hint=ACCEPTED_HINT)
    if data.startswith(ZIP_MAGIC):
        from sheetsync.safety import check_zip

        names = set(check_zip(data, path=name or "the file").namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names or "content.xml" in names:
            return "xlsx"
        raise UnsupportedFormatError("is a zip archive but neither a Word document nor an Excel workbook",
                                     path=name, hint=ACCEPTED_HINT)
    if data.startswith(OLE_MAGIC):
        if suffix == ".xls":
            return "xlsx"
        raise UnsupportedFormatError("is an old-style Office file (.doc/.xls) or a password-protected one",
                                     path=name, hint="Save it as .docx or .xlsx without a password and retry")
    if data.startswith(b"%PDF"):
        raise UnsupportedFormatError("is a PDF, which sheetsync does not read", path=name,
                                     hint="Copy the plan's table into Word or Excel (or paste it as text) and "
                                          "import that")
    if data.startswith(_IMAGES) or data[4:12] in (b"ftypheic", b"ftypavif") or data[8:12] == b"WEBP":
        raise UnsupportedFormatError("is a picture; sheetsync cannot read a photo or scan of a table", path=name,
                                     hint="Ask for the plan as text, a web page, Word or Excel")
    if suffix in (".docx", ".xlsx", ".xlsm"):
        raise UnreadableFileError(f"is named {suffix} but is not a zip package (damaged or misnamed)", path=name,
                                  hint="Open it in Word or Excel and save it again")
    decoded, _ = decode_text(data[:200000], path=name) if len(data) > 200000 else decode_text(data, path=name)
    if looks_binary(decoded):
        raise UnsupportedFormatError("is binary data, not a plan", path=name, hint=ACCEPTED_HINT)
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    for fmt in ("html", "markdown", "csv"):
        if suffix in FORMATS[fmt].SUFFIXES:
            return fmt
    if suffix in FORMATS["text"].SUFFIXES:
        return "text"
    for fmt in ("html", "markdown", "csv"):
        if FORMATS[fmt].sniff(decoded):
            return fmt
    return "text"


def _best(doc: Document, base: ImportReport, name: str | None) -> tuple[Plan, ImportReport]:
    best: tuple[tuple[int, int, int], Plan, ImportReport] | None = None
    for rank, shape in enumerate(SHAPES):
        if not shape.candidate(doc):
            continue
        report = base.model_copy(deep=True)
        plan = shape.parse(doc, report)
        score = (report.evidence_rows, report.recommendations, -rank)
        if best is None or score > best[0]:
            best = (score, plan, report)
    if best is None or best[0][0] == 0:
        raise NoPlanFoundError(f"holds no plan sheetsync recognises ({base.format})", path=name,
                               hint=f"sheetsync imports {SHAPES_UNDERSTOOD}")
    _, plan, report = best
    plan.source = name
    return plan, report


def _via_reader(path: Path, report: ImportReport) -> Plan | None:
    """A workbook in the national grid, read by the workbook reader; None to fall back to the table logic."""
    try:
        from sheetsync.reader import read_plan
    except ImportError:
        return None
    try:
        plan = read_plan(path)
    except NoPlanFoundError:
        return None
    if not any(rec.actions for rec in plan.recommendations):
        return None
    report.shape = "workbook"
    report.recommendations = len(plan.recommendations)
    report.evidence_rows = sum(len(rec.actions) for rec in plan.recommendations)
    report.header_fields = {k: v for k in ("force", "executive_lead", "operational_lead")
                            if (v := getattr(plan, k))}
    report.title, report.protective_marking = plan.title, plan.protective_marking
    for note in plan.read_notes:
        report.warn(f"{note.sheet}!{note.cell}: {note.message or note.kind}")
    return plan


__all__ = ["FORMATS", "SHAPES", "ImportReport", "ImportResult", "import_plan", "import_to_workbook"]
