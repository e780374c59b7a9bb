"""The macro-enabled workbook (ActionPlan.xlsm): `sheetsync excel build`.

`build_xlsm` runs the template builder with its buttons, a Settings sheet and a hidden `xlwings.conf` sheet
(the workbook's own xlwings settings, which xlwings reads before any config file), marks the package
macro-enabled, and gives it a VBA project (`sheetsync.excel.vba`: pyOpenVBA, pure Python, so the build runs on
Linux) holding our modules plus xlwings' standalone VBA module and its Dictionary class, both taken from the
installed xlwings at build time (xlwings is pinned; its module is stamped with the version and must match). No
third-party VBA is kept in this repository.
"""

from __future__ import annotations

import dataclasses
import io
import os
import zipfile
from pathlib import Path
from typing import Any

from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.files import scratch_folder, write_bytes_atomic

SETTINGS_SHEET = "Settings"
XLWINGS_CONF_SHEET = "xlwings.conf"
# The workbook's own xlwings settings. ADD_WORKBOOK_TO_PYTHONPATH false: sheetsync is installed, so RunPython need
# not put the workbook's folder on sys.path; left true, xlwings maps a OneDrive/SharePoint URL to a local folder
# before any sheetsync code runs and a failure there reaches the user as xlwings' raw traceback.
XLWINGS_CONF: tuple[tuple[str, str], ...] = (("ADD_WORKBOOK_TO_PYTHONPATH", "false"),)
_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def buttons() -> list[Any]:
    """The plan sheet's buttons, each wired to one Sub of sheetsync/excel/vba/SheetSync.bas."""
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
        # The owners' round (sheetsync/excel/owners.py).
        TemplateButton(macro="SendToOwners", caption="Send to owners", width=130,
                       description="Saves and snapshots the plan, then writes each owner a return holding only "
                                   "their rows into a new folder beside this workbook."),
        TemplateButton(macro="MergeReturns", caption="Merge returns", width=130,
                       description="Merges the returns owners sent back (in that folder) into this workbook, marks "
                                   "each conflict, lists conflicts and ignored edits on the Conflicts sheet, saves "
                                   "and snapshots."),
        # Chasing owners (sheetsync/excel/chase.py).
        TemplateButton(macro="ChaseOwners", caption="Chase owners", width=120,
                       description="Saves the plan, then writes an email draft for each owner with what they need "
                                   "to update, and a summary for you, into a new folder beside this workbook."),
    ]


# ---------------------------------------------------------------------------------------------------- building


def build_xlsm(output: str | os.PathLike[str], *, force: str | None = None, executive_lead: str | None = None,
               operational_lead: str | None = None, from_plan: str | os.PathLike[str] | None = None,
               overwrite: bool = False) -> Path:
    """Write ActionPlan.xlsm: the plan grid (blank, or filled from `from_plan`), the buttons, a Settings
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
    from sheetsync.excel.vba import add_project, vba_modules
    from sheetsync.template import template_plan, workbook_bytes

    if from_plan is not None:
        from sheetsync.reader import read_plan

        plan = read_plan(from_plan)
        plan = dataclasses.replace(plan, force=force or plan.force,
                                   executive_lead=executive_lead or plan.executive_lead,
                                   operational_lead=operational_lead or plan.operational_lead)
    else:
        plan = template_plan(force=force, executive_lead=executive_lead, operational_lead=operational_lead)
    modules = vba_modules()
    plain = workbook_bytes(plan, buttons=buttons(), customise=_button_sheets)
    with scratch_folder("sheetsync-xlsm-") as tmp:
        staged = tmp / "ActionPlan.xlsm"  # pyOpenVBA decides by the extension
        staged.write_bytes(_macro_enabled(plain))
        return add_project(staged, modules)


def _button_sheets(workbook: Any, layout: Any) -> None:
    """The sheets the buttons add to the template: Settings, then the hidden xlwings.conf."""
    _settings_sheet(workbook)
    _xlwings_conf_sheet(workbook)


def _xlwings_conf_sheet(workbook: Any) -> None:
    """xlwings reads column A (key) and B (value) from A1 down on a sheet of this name, hidden or not."""
    ws = workbook.add_worksheet(XLWINGS_CONF_SHEET)
    for row, (key, value) in enumerate(XLWINGS_CONF):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.hide()


def _settings_sheet(workbook: Any) -> None:
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
        "not here. The hidden sheet 'xlwings.conf' holds this workbook's own xlwings settings.",
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


__all__ = ["build_xlsm", "buttons", "xlsm_bytes"]
