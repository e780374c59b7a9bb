"""ActionPlan.xlsm: our VBA inside it (read back with oletools, an independent reader), xlwings' standalone module
at the pinned version, buttons wired to our Subs, LibreOffice opens it; and `sheetsync excel setup`."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid
from click.testing import CliRunner

from sheetsync.cli import cli
from sheetsync.errors import ConfigError, OutputExistsError
from sheetsync.excel import build as xlsm
from sheetsync.excel.build import MACROS_DIR, _xlwings_dir, build_xlsm, setup_excel, user_config_file
from sheetsync.reader import read_plan

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
    assert {name for name, _ in bodies} == {"ValidateAndSnapshot", "ExportNpccUpdate", "ClearMarks"}
    for _, body in bodies:
        assert re.fullmatch(r'\s*RunPython "import sheetsync\.excel\.adapter as m; m\.[a-z_]+\(\)"', body), body
    import sheetsync.excel.adapter as m

    for entry in re.findall(r"m\.([a-z_]+)\(\)", source):
        assert callable(getattr(m, entry))


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
    assert macros == ["ValidateAndSnapshot", "ExportNpccUpdate", "ClearMarks"]
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
    assert re.findall(r'<sheet name="([^"]+)"', workbook) == ["Action Plan", "Instructions", "Lists", "Settings"]


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
    result = CliRunner().invoke(cli, ["excel", "build", "-o", str(tmp_path / "A.xlsm"), "--force", "Kent Police"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "A.xlsm").is_file()
    again = CliRunner().invoke(cli, ["excel", "build", "-o", str(tmp_path / "A.xlsm")])
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


def test_setup_writes_the_interpreter_and_keeps_other_settings(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    conf = user_config_file()
    assert conf == tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"LICENSE_KEY","noncommercial"\n"INTERPRETER_WIN","C:\\old\\python.exe"\n')
    text = setup_excel(interpreter="C:\\venv\\Scripts\\python.exe", platform="win32")
    lines = conf.read_text().splitlines()
    assert lines == ['"LICENSE_KEY","noncommercial"', '"INTERPRETER_WIN","C:\\venv\\Scripts\\python.exe"']
    assert "updated" in text and "Trusted Locations" in text and "xlwings runpython install" in text
    setup_excel(interpreter="/opt/venv/bin/python", platform="darwin")
    assert conf.read_text().splitlines()[-1] == '"INTERPRETER_MAC","/opt/venv/bin/python"'
    assert len(conf.read_text().splitlines()) == 3
    assert "unchanged" in setup_excel(interpreter="/opt/venv/bin/python", platform="darwin")


def test_setup_creates_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["excel", "setup"])
    assert result.exit_code == 0, result.output
    import sys

    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    expected = xlsm.button_interpreter()  # the sheetsync-excel-python launcher beside this Python, when installed
    assert (tmp_path / ".xlwings" / "xlwings.conf").read_text() == f'"{key}","{expected}"\n'
