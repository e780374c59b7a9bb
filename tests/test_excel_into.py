"""`sheetsync excel build --into THEIR.xlsx -o THEIR.xlsm`: their workbook, part by part, plus the buttons, the VBA
project, Settings and xlwings.conf; read back it is the same plan; LibreOffice opens it."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.errors import ConfigError, OutputExistsError
from sheetsync.excel.adapter import read_settings
from sheetsync.excel.build import buttons
from sheetsync.excel.into import build_into
from sheetsync.excel.memory import MemoryBook
from sheetsync.reader import read_plan

CODE_NAME = re.compile(rb'<sheetPr codeName="\w+"/>| codeName="\w+"')


def their_workbook(path: Path, *, notes: bool) -> Path:
    """A force's own workbook: the grid with their colours, an extra sheet, and (optionally) a cell note."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    write_grid(path, catalogue_rows(owner="DS Lee"), extra_sheets={"Our notes": [["Meeting 12 March", "agreed"]]})
    book = load_workbook(path)  # building the test input, never a user's file
    sheet = book["Action Plan"]
    sheet["G6"].fill = PatternFill("solid", fgColor="FFC000")
    if notes:
        sheet["G6"].comment = Comment("Checked by the PPU", "Analyst")
    book.save(path)
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def raw(path: Path) -> dict[str, bytes]:
    """Each member's compressed bytes exactly as stored (the patcher copies untouched members raw)."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as package:
        out: dict[str, bytes] = {}
        for info in package.infolist():
            head = info.header_offset
            name_len = int.from_bytes(data[head + 26:head + 28], "little")
            extra_len = int.from_bytes(data[head + 28:head + 30], "little")
            start = head + 30 + name_len + extra_len
            out[info.filename] = data[start:start + info.compress_size]
        return out


@pytest.mark.parametrize("notes", [False, True])
def test_every_other_part_is_byte_identical(tmp_path: Path, notes: bool) -> None:
    source = their_workbook(tmp_path / "their.xlsx", notes=notes)
    out = build_into(source, tmp_path / "their.xlsm")
    before, after = parts(source), parts(out)
    raw_before, raw_after = raw(source), raw(out)
    sheets = {name for name in before if name.startswith("xl/worksheets/sheet")}
    plan_sheet = "xl/worksheets/sheet1.xml"
    expected_changes = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", plan_sheet}
    if notes:
        expected_changes |= {name for name in before if name.endswith(".vml")}  # the buttons join the notes
    else:
        expected_changes.add("xl/worksheets/_rels/sheet1.xml.rels")
    for name, data in before.items():
        if name in expected_changes:
            continue
        if name in sheets:  # Excel's code name added, nothing else
            assert CODE_NAME.sub(b"", after[name]) == data, name
            assert CODE_NAME.search(after[name]), name
        else:
            assert after[name] == data, name
            assert raw_after[name] == raw_before[name], name  # copied, not recompressed
    legacy = re.compile(rb'<legacyDrawing xmlns:r="[^"]+" r:id="rId\d+"/>')
    assert legacy.sub(b"", CODE_NAME.sub(b"", after[plan_sheet])) == before[plan_sheet]
    added = set(after) - set(before)
    assert "xl/vbaProject.bin" in added
    assert len([n for n in added if n.startswith("xl/worksheets/sheet")]) == 2  # Settings, xlwings.conf
    assert source.read_bytes() == (tmp_path / "their.xlsx").read_bytes()


@pytest.mark.parametrize("notes", [False, True])
def test_reads_back_as_the_same_plan_with_buttons_settings_and_vba(tmp_path: Path, notes: bool) -> None:
    from oletools.olevba import VBA_Parser

    source = their_workbook(tmp_path / "their.xlsx", notes=notes)
    out = build_into(source, tmp_path / "their.xlsm")
    assert read_plan(out).canonical_json() == read_plan(source).canonical_json()
    after = parts(out)
    vml = b"".join(data for name, data in after.items() if name.endswith(".vml")).decode()
    wired = [button.macro for button in buttons()]
    assert wired == ["ValidateAndSnapshot", "ExportNpccUpdate", "ClearMarks", "SendToOwners", "MergeReturns",
                     "ChaseOwners"]
    assert re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml) == wired
    from lxml import etree  # type: ignore[import-untyped]

    for name in (n for n in after if n.endswith(".vml")):  # namespace-well-formed, whoever wrote the notes
        root = etree.fromstring(after[name])
        found = root.findall(".//{urn:schemas-microsoft-com:office:excel}ClientData[@ObjectType='Button']")
        assert len(found) == len(wired), name
    if notes:
        assert "Checked by the PPU" in after["xl/comments/comment1.xml"].decode()
        ids = re.findall(r'id="(_x0000_s\d+)"', vml)
        assert len(ids) == len(set(ids)) == 1 + len(wired)  # the note's shape and the buttons
    assert b"<legacyDrawing" in after["xl/worksheets/sheet1.xml"]
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    parser = VBA_Parser(str(out))
    try:
        modules = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert {"SheetSync", "xlwings", "Dictionary", "ThisWorkbook"} <= set(modules)
    book = MemoryBook.from_file(out)
    assert read_settings(book, tmp_path).store is None  # the Settings sheet reads, every value blank
    assert book.sheet_names[-2:] == ["Settings", "xlwings.conf"]
    assert book.value("xlwings.conf", "B1") == "false"


def test_refuses_what_it_cannot_do_safely(tmp_path: Path) -> None:
    source = their_workbook(tmp_path / "their.xlsx", notes=False)
    with pytest.raises(ConfigError, match=r"\.xlsm"):
        build_into(source, tmp_path / "their.xlsx")
    built = build_into(source, tmp_path / "their.xlsm")
    with pytest.raises(OutputExistsError):
        build_into(source, built)
    with pytest.raises(ConfigError, match="already has a VBA project"):
        build_into(built, tmp_path / "again.xlsm")
    with_settings = write_grid(tmp_path / "s.xlsx", catalogue_rows(), extra_sheets={"Settings": [["x"]]})
    with pytest.raises(ConfigError, match="already has a sheet named 'Settings'"):
        build_into(with_settings, tmp_path / "s.xlsm")


def test_cli_into(tmp_path: Path) -> None:
    source = their_workbook(tmp_path / "their.xlsx", notes=False)
    result = invoke(["excel", "build", "--into", str(source), "-o", str(tmp_path / "their.xlsm")])
    assert result.exit_code == 0, result.output
    assert read_plan(tmp_path / "their.xlsm").force == "Northshire Police"
    mixed = invoke(["excel", "build", "--into", str(source), "-o", str(tmp_path / "b.xlsm"),
                    "--force", "Kent Police"])
    assert mixed.exit_code == 2 and "--into" in mixed.output


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it_with_the_buttons_bound_to_our_macros(tmp_path: Path) -> None:
    """LibreOffice, an independent reader: the plan reads, and converted to ODS each button is a push button bound
    to its Sub in the VBA project (it read the VML joined to the notes' drawing, and the project's modules)."""
    source = their_workbook(tmp_path / "their.xlsx", notes=True)
    out = build_into(source, tmp_path / "their.xlsm")
    target = tmp_path / "out"
    for fmt in ("csv", "ods"):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                        "--norestore", "--convert-to", fmt, "--outdir", str(target), str(out)],
                       capture_output=True, timeout=180, check=False)
    csv = target / "their.csv"
    assert csv.is_file(), "LibreOffice could not load the workbook"
    text = csv.read_text(encoding="utf-8", errors="replace")
    assert "Rec. No." in text and "Northshire Police" in text and "DS Lee" in text
    with zipfile.ZipFile(target / "their.ods") as ods:
        content = ods.read("content.xml").decode()
    labels = re.findall(r'<form:button [^>]*form:label="([^"]+)"', content)
    bound = re.findall(r"vnd\.sun\.star\.script:VBAProject\.SheetSync\.(\w+)\?", content)
    assert labels == [button.caption for button in buttons()]
    assert bound == [button.macro for button in buttons()]
    assert "Checked by the PPU" in content  # the note is still there


# ------------------------------------------------------------------------ an independent Open XML validator


def audit(path: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(errors, warnings) from openxml-audit (Open XML schemas plus Excel's known repair triggers), as
    (part, description) pairs."""
    from openxml_audit import FileFormat, OpenXmlValidator  # type: ignore[import-untyped]
    from openxml_audit.errors import ValidationSeverity  # type: ignore[import-untyped]

    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0).validate(str(path))
    found: dict[bool, set[tuple[str, str]]] = {True: set(), False: set()}
    for error in result.errors:
        found[error.severity == ValidationSeverity.ERROR].add((str(error.part_uri), error.description))
    return found[True], found[False]


def test_an_excel_like_workbook_stays_clean_for_the_validator(tmp_path: Path) -> None:
    """A workbook with a shared strings table, as Excel and XlsxWriter write: no errors, no warnings, before or
    after; the Settings text joins the shared strings (only appended to)."""
    from sheetsync.template import template_plan, write_plan_workbook

    source = write_plan_workbook(template_plan(force="Wessex Vale Police"), tmp_path / "ours.xlsx")
    assert audit(source) == (set(), set())
    out = build_into(source, tmp_path / "ours.xlsm")
    assert audit(out) == (set(), set())
    before, after = parts(source), parts(out)
    table = "xl/sharedStrings.xml"
    items = re.compile(rb"<si>.*?</si>", re.DOTALL)
    assert items.findall(after[table])[:len(items.findall(before[table]))] == items.findall(before[table])
    assert b"Snapshot store" in after[table]
    assert read_plan(out).canonical_json() == read_plan(source).canonical_json()


@pytest.mark.parametrize("notes", [False, True])
def test_the_validator_finds_nothing_new(tmp_path: Path, notes: bool) -> None:
    """openpyxl's own files carry a schema error in styles.xml (a font's colour out of order): it stays theirs;
    the buttons add no error (inline strings remain a warning where the workbook has no shared strings)."""
    source = their_workbook(tmp_path / "their.xlsx", notes=notes)
    errors_before, _ = audit(source)
    errors_after, warnings_after = audit(build_into(source, tmp_path / "their.xlsm"))
    assert errors_after == errors_before
    assert all("inline-string" in text for _, text in warnings_after)
