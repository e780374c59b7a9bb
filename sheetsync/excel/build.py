"""The macro-enabled workbook (ActionPlan.xlsm) and pointing xlwings at this Python (`sheetsync excel ...`).

`build_xlsm` runs the template builder with three buttons and a Settings sheet, marks the package macro-enabled,
and gives it a VBA project (pyOpenVBA, pure Python, so the build runs on Linux) holding our modules from
`macros/*.bas` plus xlwings' standalone VBA module and its Dictionary class, both taken from the installed
xlwings at build time (xlwings is pinned; its module is stamped with the version and must match). No
third-party VBA is kept in this repository.

`setup_excel` does what `xlwings config create` does (write this interpreter to the user's xlwings config) without
overwriting the user's other settings, and says what is left to do by hand on Windows and macOS.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import sys
import tempfile
import zipfile
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.files import write_bytes_atomic, write_text_atomic

MACROS_DIR = Path(__file__).resolve().parents[2] / "macros"
XLWINGS_MODULE = "xlwings.bas"  # inside the xlwings package: the module `xlwings quickstart --standalone` embeds
XLWINGS_DICTIONARY = "addin/Dictionary.cls"  # the class the standalone module needs on macOS
SETTINGS_SHEET = "Settings"
_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.MULTILINE)
_XLWINGS_STAMP = re.compile(r"^'Version: (\S+)", re.MULTILINE)


def buttons() -> list[Any]:
    """The plan sheet's buttons, each wired to one Sub of macros/SheetSync.bas."""
    from sheetsync.template import TemplateButton

    return [
        TemplateButton(macro="ValidateAndSnapshot", caption="Validate and snapshot",
                       description="Checks the plan, colours problem cells (with a note), lists every problem on "
                                   "the Issues sheet, saves the workbook and records a dated snapshot."),
        TemplateButton(macro="ExportNpccUpdate", caption="Export NPCC update",
                       description="Writes the NPCC progress update (Word, Excel, web page, Markdown) and the "
                                   "public web version to new files in the reports folder beside this workbook."),
        TemplateButton(macro="ClearMarks", caption="Clear marks", width=110,
                       description="Removes the colours and notes sheetsync added; your own are left alone."),
    ]


# ---------------------------------------------------------------------------------------------------- building


def vba_modules(*, macros_dir: Path | None = None) -> dict[str, str]:
    """Module name -> source (CRLF line ends) for the project: ours from macros/*.bas, then xlwings' two."""
    folder = macros_dir or MACROS_DIR
    ours = sorted(folder.glob("*.bas")) if folder.is_dir() else []
    if not ours:
        raise ConfigError(f"no VBA modules (*.bas) in {folder}",
                          hint="Run from a sheetsync checkout or installation that includes the macros folder")
    modules: dict[str, str] = {}
    for path in ours:
        source = _crlf(path.read_text(encoding="utf-8"))
        match = _VB_NAME.search(source)
        modules[match.group(1) if match else path.stem] = source
    xlwings_dir = _xlwings_dir()
    standalone = _crlf((xlwings_dir / XLWINGS_MODULE).read_text(encoding="utf-8"))
    stamp = _XLWINGS_STAMP.search(standalone)
    pinned = installed_version("xlwings")
    if stamp is None or stamp.group(1) != pinned:
        raise ConfigError(f"the xlwings VBA module in {xlwings_dir} is stamped "
                          f"{stamp.group(1) if stamp else 'with no version'}, but xlwings {pinned} is installed",
                          hint="Reinstall xlwings (pip install --force-reinstall xlwings==" + pinned + ")")
    modules["xlwings"] = standalone
    modules["Dictionary"] = _crlf((xlwings_dir / XLWINGS_DICTIONARY).read_text(encoding="utf-8"))
    return modules


def build_xlsm(output: str | os.PathLike[str], *, force: str | None = None, executive_lead: str | None = None,
               operational_lead: str | None = None, from_plan: str | os.PathLike[str] | None = None,
               overwrite: bool = False) -> Path:
    """Write ActionPlan.xlsm: the plan grid (blank, or filled from `from_plan`), the three buttons, a Settings
    sheet, and a VBA project with our modules and xlwings' standalone module. Never overwrites unless asked."""
    target = Path(output)
    if target.suffix.lower() != ".xlsm":
        raise ConfigError("a workbook with buttons must be a macro-enabled .xlsm", path=target,
                          hint=f"Name it {target.with_suffix('.xlsm').name}")
    data = xlsm_bytes(force=force, executive_lead=executive_lead, operational_lead=operational_lead,
                      from_plan=from_plan)
    protect = (from_plan,) if from_plan is not None else ()
    return write_bytes_atomic(target, data, overwrite=overwrite, protect=protect)


def xlsm_bytes(*, force: str | None = None, executive_lead: str | None = None, operational_lead: str | None = None,
               from_plan: str | os.PathLike[str] | None = None) -> bytes:
    """The bytes `build_xlsm` writes."""
    from pyopenvba import ExcelFile, VBAModuleKind

    from sheetsync.template import template_plan, workbook_bytes

    if from_plan is not None:
        from sheetsync.reader import read_plan

        plan = read_plan(from_plan)
        updates = {k: v for k, v in (("force", force), ("executive_lead", executive_lead),
                                     ("operational_lead", operational_lead)) if v}
        plan = plan.model_copy(update=updates)
    else:
        plan = template_plan(force=force, executive_lead=executive_lead, operational_lead=operational_lead)
    modules = vba_modules()
    plain = workbook_bytes(plan, buttons=buttons(), customise=_settings_sheet)
    with tempfile.TemporaryDirectory(prefix="sheetsync-xlsm-") as tmp:
        staged = Path(tmp) / "ActionPlan.xlsm"  # pyOpenVBA decides by the extension
        staged.write_bytes(_macro_enabled(plain))
        try:
            with ExcelFile(staged) as book:
                project = book.add_vba_project()  # document modules for the workbook and each sheet, as Excel
                for name, source in modules.items():
                    kind = VBAModuleKind.other if name == "Dictionary" else None
                    if kind is None:
                        project.add_module(name, source)
                    else:
                        project.add_module(name, source, kind=kind)
                book.save()
        except SheetsyncError:
            raise
        except Exception as exc:  # pyOpenVBA's own errors: say which step failed
            raise SheetsyncError(f"could not add the VBA project ({type(exc).__name__}: {exc})",
                                 hint="Report this with the versions of pyOpenVBA and xlwings") from exc
        return staged.read_bytes()


def _settings_sheet(workbook: Any, layout: Any) -> None:
    """The Settings sheet: the one place a force configures the buttons (see excel.SETTINGS_HELP)."""
    from sheetsync.excel.adapter import SETTINGS_HELP

    ws = workbook.add_worksheet(SETTINGS_SHEET)
    head = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#D9E1F2"})
    key = workbook.add_format({"bold": True, "valign": "top", "border": 1, "border_color": "#A6A6A6",
                               "bg_color": "#F2F2F2"})
    value = workbook.add_format({"locked": False, "valign": "top", "border": 1, "border_color": "#A6A6A6"})
    text = workbook.add_format({"text_wrap": True, "valign": "top", "font_size": 10})
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 45)
    ws.set_column(2, 2, 80)
    for col, heading in enumerate(("Setting", "Value", "What it means")):
        ws.write_string(0, col, heading, head)
    for row, (name, meaning) in enumerate(SETTINGS_HELP, start=1):
        ws.write_string(row, 0, name, key)
        ws.write_blank(row, 1, None, value)
        ws.write_string(row, 2, meaning, text)
        ws.set_row(row, 30)
    notes = [
        "Leave a value blank for the default. The status words come from the Lists sheet (StatusList).",
        "Which Python runs the buttons is set per user by 'sheetsync excel setup' (the xlwings config file), "
        "not here.",
    ]
    for offset, line in enumerate(notes, start=len(SETTINGS_HELP) + 2):
        ws.write_string(offset, 0, line, text)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _macro_enabled(data: bytes) -> bytes:
    """The same package with the workbook part typed macro-enabled (what pyOpenVBA's add_vba_project expects)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                if _PLAIN_MAIN not in part:
                    raise SheetsyncError("the template's package has no workbook part to make macro-enabled")
                part = part.replace(_PLAIN_MAIN, _MACRO_MAIN)
            target.writestr(info, part)
    return out.getvalue()


def _xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")  # found, not imported: importing xlwings is slow
    if spec is None or spec.origin is None:
        raise ConfigError("xlwings is not installed in this Python", hint="pip install sheetsync (it pins xlwings)")
    folder = Path(spec.origin).parent
    for name in (XLWINGS_MODULE, XLWINGS_DICTIONARY):
        if not (folder / name).is_file():
            raise ConfigError(f"the installed xlwings has no {name}", path=folder,
                              hint="Reinstall the pinned xlwings")
    return folder


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


# ---------------------------------------------------------------------------------------------------- setup


def user_config_file() -> Path:
    """xlwings' per-user config file (the same place `xlwings config create` writes)."""
    return Path.home() / ".xlwings" / "xlwings.conf"


LAUNCHER = "sheetsync-excel-python"  # the console script of sheetsync.excel.launch (pyproject.toml)


def button_interpreter(platform: str | None = None) -> str:
    """What the buttons should run: the `sheetsync-excel-python` launcher installed beside this Python (it skips
    xlwings' optional imports of pandas and matplotlib, ~1.5 s a press), else this Python itself."""
    platform = platform or sys.platform
    folder = Path(sys.executable).parent
    launcher = folder / (f"{LAUNCHER}.exe" if platform.startswith("win") else LAUNCHER)
    return str(launcher) if launcher.is_file() else sys.executable


def setup_excel(*, interpreter: str | None = None, platform: str | None = None) -> str:
    """Write this Python into the user's xlwings config (INTERPRETER_WIN or INTERPRETER_MAC), keeping every other
    setting there, and return what the user still has to do."""
    platform = platform or sys.platform
    key = "INTERPRETER_MAC" if platform.startswith("darwin") else "INTERPRETER_WIN"
    python = interpreter or button_interpreter(platform)
    path = user_config_file()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    entry = f'"{key}","{python}"'
    kept = [line for line in lines if _config_key(line) != key]
    previous = next((line for line in lines if _config_key(line) == key), None)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "\n".join([*kept, entry]) + "\n", overwrite=True)
    changed = "unchanged" if previous == entry else ("updated" if previous else "added")
    steps = [
        f"{key} = {python} ({changed} in {path}; other settings there kept).",
        "",
        "Still to do:",
        "  Windows: open ActionPlan.xlsm from a trusted location (File > Options > Trust Center > Trusted "
        "Locations), or have IT sign its VBA project; Office blocks macros in files that came from the internet "
        "or email (right-click > Properties > Unblock only if your IT policy allows it). Then press 'Validate "
        "and snapshot'.",
        "  macOS: run 'xlwings runpython install' once in this environment (it installs the AppleScript Excel "
        "needs), then open the workbook and allow macros.",
        "  Both: the workbook must be saved as .xlsm in a folder you can write to; snapshots go to "
        "'.sheetsync/snapshots.db' beside it unless its Settings sheet says otherwise.",
    ]
    return "\n".join(steps)


def _config_key(line: str) -> str | None:
    match = re.match(r'\s*"([^"]*)"', line)
    return match.group(1).upper() if match else None


__all__ = ["build_xlsm", "buttons", "setup_excel", "user_config_file", "vba_modules", "xlsm_bytes"]
