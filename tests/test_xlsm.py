"""ActionPlan.xlsm: our VBA inside it (read back with oletools, an independent reader), xlwings' standalone module
at the pinned version, buttons wired to our Subs, LibreOffice opens it; and `sheetsync excel setup`."""

from __future__ import annotations

import importlib
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.errors import ConfigError, OutputExistsError
from sheetsync.excel import setup as xlsm
from sheetsync.excel.build import build_xlsm, buttons
from sheetsync.excel.setup import setup_excel, user_config_file
from sheetsync.excel.vba import our_modules, source_only
from sheetsync.excel.vba import xlwings_folder as _xlwings_dir
from sheetsync.reader import read_plan

MACROS_DIR = Path(__file__).resolve().parents[1] / "macros"

SUB = re.compile(r"^\s*Sub\s+(\w+)\s*\(", re.MULTILINE | re.IGNORECASE)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_xlsm(tmp_path_factory.mktemp("xlsm") / "ActionPlan.xlsm", force="Northshire Police",
                      executive_lead="ACC Jane Doe")


def _modules(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_our_modules_are_inside_verbatim(built: Path) -> None:
    modules = _modules(built)
    ours = sorted(MACROS_DIR.glob("*.bas"))
    assert ours
    for path in ours:
        name = re.search(r'VB_Name = "([^"]+)"', path.read_text()).group(1)  # type: ignore[union-attr]
        assert _lf(modules[name]) == _lf(path.read_text(encoding="utf-8"))


def test_the_vba_is_one_line_calls_into_python() -> None:
    source = (MACROS_DIR / "SheetSync.bas").read_text()
    bodies = re.findall(r"Sub (\w+)\(\)\s*\n(.*?)\n\s*End Sub", _lf(source), re.DOTALL)
    assert {name for name, _ in bodies} == {button.macro for button in buttons()}
    assert {"ValidateAndSnapshot", "ExportNpccUpdate", "ClearMarks", "SendToOwners", "MergeReturns",
            "ChaseOwners"} <= {name for name, _ in bodies}
    for _, body in bodies:
        call = re.fullmatch(r'\s*RunPython "import (sheetsync\.excel\.[a-z_]+) as m; m\.([a-z_]+)\(\)"', body)
        assert call, body  # the launcher's lean path is for code that imports sheetsync.excel.<module>
        assert callable(getattr(importlib.import_module(call.group(1)), call.group(2)))


def test_xlwings_standalone_module_at_the_pinned_version(built: Path) -> None:
    modules = _modules(built)
    stamp = re.search(r"^'Version: (\S+)", modules["xlwings"], re.MULTILINE)
    assert stamp and stamp.group(1) == version("xlwings") == "0.37.8"
    installed = (_xlwings_dir() / "xlwings.bas").read_text(encoding="utf-8")
    assert _lf(modules["xlwings"]) == _lf(installed)
    assert "Function RunPython" in modules["xlwings"]
    assert 'Attribute VB_Name = "Dictionary"' in modules["Dictionary"]


def test_buttons_run_our_subs(built: Path) -> None:
    with zipfile.ZipFile(built) as package:
        vml = b"".join(package.read(n) for n in package.namelist() if n.endswith(".vml")).decode()
        rels = package.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        types = package.read("[Content_Types].xml").decode()
    macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert macros == [button.macro for button in buttons()]
    subs = set(SUB.findall((MACROS_DIR / "SheetSync.bas").read_text()))
    assert set(macros) <= subs
    assert "vmlDrawing" in rels  # the buttons hang off the plan sheet
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "vbaProject" in types


def test_the_grid_reads_back(built: Path) -> None:
    plan = read_plan(built)
    assert plan.force == "Northshire Police"
    assert len(plan.actions()) == 39
    with zipfile.ZipFile(built) as package:
        workbook = package.read("xl/workbook.xml").decode()
    assert re.findall(r'<sheet name="([^"]+)"', workbook) == ["Action Plan", "Instructions", "Lists", "Settings",
                                                              "xlwings.conf"]


def test_from_plan_carries_the_plan(tmp_path: Path) -> None:
    rows = catalogue_rows(owner="DS Lee", status="Action Complete")
    source = write_grid(tmp_path / "mine.xlsx", rows)
    out = build_xlsm(tmp_path / "mine.xlsm", from_plan=source)
    plan = read_plan(out)
    assert plan.force == "Northshire Police"
    assert {a.owner for _, a in plan.actions()} == {"DS Lee"}
    assert {a.status for _, a in plan.actions()} == {"Action Complete"}


def test_refuses_to_overwrite_or_to_write_xlsx(tmp_path: Path) -> None:
    mine = tmp_path / "ActionPlan.xlsm"
    mine.write_bytes(b"the user's own workbook")
    with pytest.raises(OutputExistsError):
        build_xlsm(mine)
    assert mine.read_bytes() == b"the user's own workbook"
    with pytest.raises(ConfigError, match=r"\.xlsm"):
        build_xlsm(tmp_path / "plain.xlsx")
    build_xlsm(mine, overwrite=True)
    assert zipfile.is_zipfile(mine)


def test_cli_build(tmp_path: Path) -> None:
    result = invoke(["excel", "build", "-o", str(tmp_path / "A.xlsm"), "--force", "Kent Police"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "A.xlsm").is_file()
    again = invoke(["excel", "build", "-o", str(tmp_path / "A.xlsm")])
    assert again.exit_code == 2 and "already exists" in again.output


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "csv", "--outdir", str(out), str(built)],
                   capture_output=True, timeout=180, check=False)
    csv = out / "ActionPlan.csv"
    assert csv.is_file(), "LibreOffice could not load the workbook"  # it exits 0 even then
    text = csv.read_text(encoding="utf-8", errors="replace")
    assert "Rec. No." in text and "Northshire Police" in text
    assert "7.1" in text and "28.1" in text
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "ods", "--outdir", str(out), str(built)],
                   capture_output=True, timeout=180, check=False)
    with zipfile.ZipFile(out / "ActionPlan.ods") as ods:  # LibreOffice read the buttons and the VBA project
        content = ods.read("content.xml").decode()
    assert re.findall(r"vnd\.sun\.star\.script:VBAProject\.SheetSync\.(\w+)\?", content) == [
        button.macro for button in buttons()]


def test_the_shipped_vba_is_the_readable_source() -> None:
    """macros/ (the source a reader browses) and sheetsync/excel/vba/ (what the wheel ships) hold the same text."""
    shipped = our_modules()
    readable = {re.search(r'VB_Name = "([^"]+)"', p.read_text()).group(1): p.read_text(encoding="utf-8")  # type: ignore[union-attr]
                for p in MACROS_DIR.glob("*.bas")}
    assert readable and {k: _lf(v) for k, v in shipped.items()} == {k: _lf(v) for k, v in readable.items()}


def test_an_independent_validator_finds_nothing(built: Path) -> None:
    """openxml-audit: the Open XML schemas and the patterns Excel is known to repair; xlwings' own workbook as the
    control."""
    from openxml_audit import FileFormat, OpenXmlValidator  # type: ignore[import-untyped]

    for path in (built, _xlwings_dir() / "quickstart_standalone.xlsm"):
        result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0).validate(str(path))
        assert [f"{e.part_uri}: {e.description}" for e in result.errors] == [], path


def test_the_workbook_keeps_xlwings_off_the_onedrive_mapping(built: Path) -> None:
    """The workbook's own xlwings.conf sheet (read before any config file) sets ADD_WORKBOOK_TO_PYTHONPATH false."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built))
    assert book.get_sheet_by_name("xlwings.conf").to_python() == [["ADD_WORKBOOK_TO_PYTHONPATH", "false"]]
    with zipfile.ZipFile(built) as package:
        workbook = package.read("xl/workbook.xml").decode()
    assert re.search(r'<sheet name="xlwings.conf"[^>]*state="hidden"', workbook)


# ------------------------------------------------------------------------------------- the VBA project (MS-OVBA)


def _dir_records(ole: Any) -> list[tuple[int, bytes]]:
    """The decompressed dir stream as (id, data) records, read with olefile and oletools' decompressor only
    (independent of pyOpenVBA, which wrote it). PROJECTVERSION (0x09) has a fixed 6-byte body after its size."""
    from oletools.olevba import decompress_stream

    raw = decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
    records: list[tuple[int, bytes]] = []
    i = 0
    while i < len(raw):
        rid, size = struct.unpack_from("<HI", raw, i)
        if rid == 0x0009:
            size = 6
        records.append((rid, bytes(raw[i + 6:i + 6 + size])))
        i += 6 + size
        if rid == 0x0010:
            break
    return records


def _vba_project(path: Path) -> Any:
    import olefile  # type: ignore[import-untyped]

    with zipfile.ZipFile(path) as package:
        return olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))


def test_vba_project_is_source_only_per_ms_ovba(built: Path) -> None:
    """MS-OVBA 2.3.4.1: _VBA_PROJECT is CC61 FFFF 00 0100 (version 0xFFFF, no performance cache); every module
    stream is its compressed source from offset 0 (no compiled code); project and module cookies are 0xFFFF."""
    from oletools.olevba import decompress_stream

    ole = _vba_project(built)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")
    assert not [s for s in ole.listdir() if s[-1].casefold().startswith("__srp_")]
    records = _dir_records(ole)
    ids = [rid for rid, _ in records]
    assert struct.unpack("<H", dict(records)[0x0013])[0] == 0xFFFF  # PROJECTCOOKIE
    modules: dict[str, tuple[int, int]] = {}
    name = ""
    for rid, data in records:
        if rid == 0x001A:  # MODULESTREAMNAME
            name = data.decode("cp1252")
        elif rid == 0x0031:  # MODULEOFFSET
            offset = struct.unpack("<I", data)[0]
        elif rid == 0x002C:  # MODULECOOKIE
            modules[name] = (offset, struct.unpack("<H", data)[0])
    assert ids.count(0x0019) == len(modules) >= 5  # ThisWorkbook, a module per sheet, ours, xlwings, Dictionary
    for stream, (offset, cookie) in modules.items():
        assert (offset, cookie) == (0, 0xFFFF), stream
        data = ole.openstream(f"VBA/{stream}").read()
        assert data[0] == 0x01  # a CompressedContainer's signature at offset 0: no p-code before the source
        source = decompress_stream(bytearray(data)).decode("cp1252")
        assert source.startswith('Attribute VB_Name = "'), stream
        assert len(re.findall(r'^Attribute VB_Name = "', source, re.MULTILINE)) == 1, stream
    assert set(modules) >= {"ThisWorkbook", "Sheet1", "SheetSync", "xlwings", "Dictionary"}


def test_vba_project_layout_matches_xlwings_own_workbook(built: Path) -> None:
    """xlwings' shipped quickstart_standalone.xlsm, read the same way: the same 7-byte _VBA_PROJECT and streams."""
    reference = _vba_project(_xlwings_dir() / "quickstart_standalone.xlsm")
    ours = _vba_project(built)
    assert ours.openstream("VBA/_VBA_PROJECT").read() == reference.openstream("VBA/_VBA_PROJECT").read()
    top = {"/".join(s) for s in ours.listdir() if len(s) == 1 or s[0] != "VBA"}
    assert top == {"/".join(s) for s in reference.listdir() if len(s) == 1 or s[0] != "VBA"} == {"PROJECT",
                                                                                               "PROJECTwm"}


def test_source_only_drops_compiled_code_from_an_excel_saved_project() -> None:
    """xlwings' own workbook (saved by Excel, with p-code before each module's source) comes out source-only."""
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(_xlwings_dir() / "quickstart_standalone.xlsm") as package:
        original = package.read("xl/vbaProject.bin")
    import olefile

    before_offsets = [d for rid, d in _dir_records(olefile.OleFileIO(io.BytesIO(original))) if rid == 0x0031]
    assert any(offset != bytes(4) for offset in before_offsets)  # Excel saved compiled code before the source
    rewritten = source_only(original)
    ole = olefile.OleFileIO(io.BytesIO(rewritten))
    offsets = [d for rid, d in _dir_records(ole) if rid == 0x0031]
    assert offsets and set(offsets) == {bytes(4)}
    before = {n: c for _, _, n, c in VBA_Parser("a.xlsm", data=_zip_with(original)).extract_macros()}
    after = {n: c for _, _, n, c in VBA_Parser("b.xlsm", data=_zip_with(rewritten)).extract_macros()}
    assert before == after and len(after) >= 4
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")


def _zip_with(vba_bin: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("xl/vbaProject.bin", vba_bin)
        package.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


# ------------------------------------------------------------------------------------- excel setup


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    return tmp_path


def _xlwings_user_config_file(platform: str, home: Path) -> str:
    """xlwings.USER_CONFIG_FILE as the installed xlwings computes it on `platform` (its __init__ run up to
    the point its platform-specific imports fail on this machine)."""
    source = (_xlwings_dir() / "__init__.py").read_text(encoding="utf-8")
    probe = (f"import sys, os; sys.platform = {platform!r}; ns = {{'__name__': 'xlwings_probe'}}\n"
             f"try:\n    exec(compile({source!r}, 'xlwings/__init__.py', 'exec'), ns)\n"
             "except Exception:\n    pass\nprint(ns['USER_CONFIG_FILE'])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={**os.environ, "HOME": str(home)})
    return done.stdout.strip()


@pytest.mark.parametrize("platform", ["darwin", "linux"])
def test_setup_writes_where_xlwings_reads(home: Path, platform: str) -> None:
    expected = _xlwings_user_config_file(platform, home)
    assert "Containers/com.microsoft.Excel/Data" in expected if platform == "darwin" else ".xlwings" in expected
    assert str(user_config_file(platform)) == expected
    setup_excel(interpreter="/opt/venv/bin/sheetsync-excel-python", platform=platform)
    assert Path(expected).is_file()


def test_setup_keeps_other_settings_with_crlf_in_the_ansi_code_page(home: Path) -> None:
    conf = user_config_file("win32")
    conf.parent.mkdir(parents=True)
    conf.write_bytes('"LICENSE_KEY","noncommercial"\r\n"PYTHONPATH","C:\\Users\\Siân\\lib"\r\n'
                     '"INTERPRETER_WIN","C:\\old\\sheetsync-excel-python.exe"\r\n'.encode("cp1252"))
    python = "C:\\Users\\Siân\\venv\\Scripts\\sheetsync-excel-python.exe"
    text = setup_excel(interpreter=python, platform="win32", encoding="cp1252")
    assert conf.read_bytes() == ('"LICENSE_KEY","noncommercial"\r\n"PYTHONPATH","C:\\Users\\Siân\\lib"\r\n'
                                 f'"INTERPRETER_WIN","{python}"\r\n').encode("cp1252")
    assert "updated" in text and "Trusted Locations" in text and "xlwings runpython install" in text
    assert "unchanged" in setup_excel(interpreter=python, platform="win32", encoding="cp1252")


def test_setup_on_mac_uses_lf_and_keeps_the_windows_entry(home: Path) -> None:
    text = setup_excel(interpreter="/opt/venv/bin/sheetsync-excel-python", platform="darwin", encoding="utf-8")
    assert "read by every xlwings workbook" in text  # said when there was no interpreter before
    conf = user_config_file("darwin")
    assert conf.read_bytes() == b'"INTERPRETER_MAC","/opt/venv/bin/sheetsync-excel-python"\n'


def test_setup_reports_a_config_it_cannot_decode_in_one_line(home: Path) -> None:
    conf = user_config_file("win32")
    conf.parent.mkdir(parents=True)
    conf.write_bytes('"PYTHONPATH","C:\\Users\\Siân"\r\n'.encode("cp1252"))
    with pytest.raises(ConfigError, match=r"not in this computer's text encoding \(utf-8\): byte 0xE2"):
        setup_excel(interpreter="C:\\v\\python.exe", platform="win32", encoding="utf-8")
    if sys.platform != "darwin":  # the CLI reads the same file with this machine's own encoding (UTF-8 or ASCII)
        result = invoke(["excel", "setup"])
        assert result.exit_code == 2, result.output
        assert "not in this computer's text encoding" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_setup_refuses_a_path_the_code_page_cannot_hold(home: Path) -> None:
    with pytest.raises(ConfigError, match="cannot hold"):
        setup_excel(interpreter="C:\\Users\\Łukasz\\venv\\Scripts\\python.exe", platform="win32",
                    encoding="cp1252")
    assert not user_config_file("win32").exists()


def test_setup_leaves_another_pythons_interpreter_unless_told(home: Path) -> None:
    conf = user_config_file("win32")
    conf.parent.mkdir(parents=True)
    conf.write_text('"INTERPRETER_WIN","C:\\Anaconda3\\python.exe"\r\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"already names C:\\Anaconda3\\python.exe"):
        setup_excel(interpreter="C:\\v\\sheetsync-excel-python.exe", platform="win32", encoding="utf-8")
    assert "Anaconda3" in conf.read_text(encoding="utf-8")
    setup_excel(interpreter="C:\\v\\sheetsync-excel-python.exe", platform="win32", encoding="utf-8",
                replace=True)
    assert conf.read_bytes() == b'"INTERPRETER_WIN","C:\\v\\sheetsync-excel-python.exe"\r\n'


def test_setup_cli_writes_the_launcher_or_plain_python(home: Path) -> None:
    result = invoke(["excel", "setup"])
    assert result.exit_code == 0, result.output
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    conf = user_config_file()
    assert conf.read_bytes().decode() == f'"{key}","{xlsm.button_interpreter()}"' + ("\n" if sys.platform == "darwin"
                                                                            else "\r\n")
    plain = invoke(["excel", "setup", "--plain-python"])
    assert plain.exit_code == 0, plain.output
    assert f'"{key}","{sys.executable}"' in conf.read_text() and "--plain-python" in plain.output
