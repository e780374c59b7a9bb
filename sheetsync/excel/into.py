"""`sheetsync excel build --into THEIR.xlsx -o THEIR.xlsm`: the buttons in the force's own workbook.

Their workbook is patched, never loaded and saved (`sheetsync.package`: untouched parts are copied raw). What
changes is what Excel itself changes when a workbook gains a VBA project and its form buttons:

- the workbook part's content type becomes macro-enabled, and it gains `xl/vbaProject.bin` (source only, see
  `sheetsync.excel.vba`) with its relationship and a `bin` content type;
- Excel's code names: `codeName` on workbookPr and on each sheet's sheetPr that lacks one (pyOpenVBA's record
  of what Excel writes; the only change to sheets other than the plan sheet);
- on the plan sheet, a VML drawing with the buttons right of the grid (merged into the sheet's existing
  VML drawing when it has notes) and the `legacyDrawing` element pointing at it;
- two new sheets, Settings (plain cells: their styles part stays as it is) and the hidden xlwings.conf, their
  text in the workbook's shared strings when it has a table (Excel moves inline strings there on its next save).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.errors import ConfigError
from sheetsync.excel.build import SETTINGS_SHEET, XLWINGS_CONF, XLWINGS_CONF_SHEET, buttons
from sheetsync.files import scratch_folder

if TYPE_CHECKING:
    from sheetsync.package import Package

MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = OFFICE_REL + "/worksheet"
VML_REL = OFFICE_REL + "/vmlDrawing"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Worksheet children that come after legacyDrawing in the schema's order (CT_Worksheet).
_AFTER_LEGACY_DRAWING = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                         "tableParts", "extLst")


def build_into(source: str | os.PathLike[str], output: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write `output` (.xlsm): the workbook at `source` with the buttons, their VBA, Settings and xlwings.conf."""
    target = Path(output)
    if target.suffix.lower() != ".xlsm":
        raise ConfigError("a workbook with buttons must be a macro-enabled .xlsm", path=target,
                          hint=f"Name it {target.with_suffix('.xlsm').name}")
    return into_package(source).save(target, overwrite=overwrite)


def into_package(source: str | os.PathLike[str]) -> Package:
    """The patched package, not yet written (see `build_into`)."""
    from sheetsync.excel.vba import vba_modules
    from sheetsync.package import Package
    from sheetsync.reader import read_plan

    package = Package.open(source)
    path = Path(source)
    if any(name.casefold().endswith("vbaproject.bin") for name in package.names()):
        raise ConfigError("already has a VBA project; sheetsync will not merge its buttons into another one",
                          path=path, hint="Start from the workbook saved as .xlsx (File > Save As > Excel "
                                          "Workbook), or use 'sheetsync excel build --from-plan'")
    sheets = package.sheets()
    taken = {name.casefold() for name in sheets}
    for name in (SETTINGS_SHEET, XLWINGS_CONF_SHEET):
        if name.casefold() in taken:
            raise ConfigError(f"already has a sheet named {name!r}, which the buttons would add", path=path,
                              hint="Rename or delete that sheet, then build again")
    plan = read_plan(path)
    if plan.sheet is None:
        raise ConfigError("has a plan, but sheetsync could not tell on which sheet", path=path)
    right = max((_column(ref) for _, action in plan.actions() for ref in action.cells.values()), default=9)
    _add_buttons(package, package.sheet_part(plan.sheet), column=right + 1)
    _add_sheet(package, SETTINGS_SHEET, _settings_cells(), widths=(22, 45, 90))
    _add_sheet(package, XLWINGS_CONF_SHEET, {f"{c}{r}": v for r, (key, value) in enumerate(XLWINGS_CONF, start=1)
                                             for c, v in (("A", key), ("B", value))}, hidden=True)
    package.set_content_type(package.workbook_part(), MACRO_MAIN)
    _add_vba_project(package, vba_modules())
    return package


# ---------------------------------------------------------------------------------------------------- buttons


def _add_buttons(package: Package, sheet_part: str, *, column: int) -> None:
    """The buttons in row 1, from `column` (0-based) rightwards, as XlsxWriter draws form buttons."""
    vml = _buttons_vml(column)
    rels = package.relationships(sheet_part)
    existing = next((package.target_part(sheet_part, target) for rel_type, target in rels.values()
                     if rel_type == VML_REL), None)
    if existing is not None:  # notes already hang off a VML drawing: the buttons join it
        package.write(existing, _merge_vml(package.read(existing), vml))
        return
    names = set(package.names())
    number = 1
    while f"xl/drawings/vmlDrawing{number}.vml" in names:
        number += 1
    part = f"xl/drawings/vmlDrawing{number}.vml"
    package.write(part, vml)
    package.add_default_content_type("vml", VML_TYPE)
    rid = package.add_relationship(sheet_part, VML_REL, f"../drawings/vmlDrawing{number}.vml")
    xml = package.read(sheet_part)
    root = re.search(rb"<(\w+:)?worksheet\b", xml)
    prefix = root.group(1) or b"" if root else b""
    element = (b"<" + prefix + b'legacyDrawing xmlns:r="' + OFFICE_REL.encode() + b'" r:id="' + rid.encode()
               + b'"/>')
    later = [m.start() for name in _AFTER_LEGACY_DRAWING
             if (m := re.search(rb"<(?:\w+:)?" + name.encode() + rb"\b", xml))]
    close = xml.rfind(b"</" + prefix + b"worksheet>")
    at = min(later) if later else close
    package.write(sheet_part, xml[:at] + element + xml[at:])


def _buttons_vml(column: int) -> bytes:
    """The VML XlsxWriter writes for our buttons (form controls wired to our Subs), anchored at row 1."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    x = 0
    for button in buttons():
        sheet.insert_button(0, column, {"macro": button.macro, "caption": button.caption, "width": button.width,
                                        "height": button.height, "x_offset": x, "y_offset": 4})
        x += button.width + 12
    workbook.close()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as scratch:
        return scratch.read("xl/drawings/vmlDrawing1.vml")


_VML_NAMESPACES = {b"v": b"urn:schemas-microsoft-com:vml", b"o": b"urn:schemas-microsoft-com:office:office",
                   b"x": b"urn:schemas-microsoft-com:office:excel"}


def _merge_vml(existing: bytes, ours: bytes) -> bytes:
    """`existing` with our button shapes (and their shape type, if missing) added, shape ids kept unique. Each
    added element declares the v:, o: and x: prefixes itself: a drawing written by openpyxl or LibreOffice does
    not declare them on its root, and an undeclared prefix makes the whole drawing unreadable."""
    used = [int(n) for n in re.findall(rb"_x0000_s(\d+)", existing)]
    next_id = max(used, default=1024) + 1
    declare = b"".join(b" xmlns:" + prefix + b'="' + uri + b'"' for prefix, uri in _VML_NAMESPACES.items())
    shapes = re.findall(rb"<v:shape\b.*?</v:shape>", ours, re.DOTALL)
    renumbered: list[bytes] = []
    for shape in shapes:
        shape = re.sub(rb'id="_x0000_s\d+"', f'id="_x0000_s{next_id}"'.encode(), shape, count=1)
        renumbered.append(b"<v:shape" + declare + shape[len(b"<v:shape"):])
        next_id += 1
    shape_type = re.search(rb'<v:shapetype\b[^>]*\bid="(_x0000_t\d+)".*?</v:shapetype>', ours, re.DOTALL)
    addition = b"".join(renumbered)
    if shape_type is not None and b'id="' + shape_type.group(1) + b'"' not in existing:
        addition = b"<v:shapetype" + declare + shape_type.group(0)[len(b"<v:shapetype"):] + addition
    close = existing.rfind(b"</xml>")
    if close < 0:
        raise ConfigError("the plan sheet's drawing of notes is not in the form Excel writes, so the buttons "
                          "cannot join it", hint="Build a new workbook with 'sheetsync excel build --from-plan'")
    return existing[:close] + addition + existing[close:]


# ---------------------------------------------------------------------------------------------------- sheets


def _settings_cells() -> dict[str, str | None]:
    from sheetsync.excel.adapter import SETTINGS_HELP

    cells: dict[str, str | None] = {"A1": "Setting", "B1": "Value", "C1": "What it means"}
    for row, (name, meaning) in enumerate(SETTINGS_HELP, start=2):
        cells[f"A{row}"] = name
        cells[f"C{row}"] = meaning
    cells[f"A{len(SETTINGS_HELP) + 3}"] = ("Leave a value blank for the default. Which Python runs the buttons is "
                                            "set per user by 'sheetsync excel setup'.")
    return cells


def _add_sheet(package: Package, name: str, cells: dict[str, str | None], *, widths: tuple[int, ...] = (),
               hidden: bool = False) -> None:
    """A new worksheet after the others, its cells as inline strings (no styles: theirs stay untouched)."""
    names = set(package.names())
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in names:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    skeleton = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" '
                f'xmlns:r="{OFFICE_REL}">{f"<cols>{cols}</cols>" if cols else ""}<sheetData/></worksheet>')
    package.write(part, skeleton.encode(), content_type=WORKSHEET_TYPE)
    workbook = package.workbook_part()
    rid = package.add_relationship(workbook, WORKSHEET_REL, f"worksheets/sheet{number}.xml")
    xml = package.read(workbook)
    ids = [int(n) for n in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bsheetId="(\d+)"', xml)]
    sheet = re.search(rb"<(\w+:)?sheet\b[^>]*?\b(\w+):id=", xml)
    element_prefix = (sheet.group(1) or b"") if sheet else b""
    rel_prefix = sheet.group(2) if sheet else b"r"
    declare = b" xmlns:" + rel_prefix + b'="' + OFFICE_REL.encode() + b'"'  # legal even where the root has it
    state = b' state="hidden"' if hidden else b""
    element = (b"<" + element_prefix + b'sheet name="' + _xml_attr(name) + b'" sheetId="'
               + str(max(ids, default=0) + 1).encode() + b'"' + state + declare + b" " + rel_prefix + b':id="'
               + rid.encode() + b'"/>')
    close = xml.rfind(b"</" + element_prefix + b"sheets>")
    if close < 0:
        raise ConfigError("the workbook part lists no sheets", path=package.path)
    package.write(workbook, xml[:close] + element + xml[close:])
    package.set_cells(name, cells)  # shared strings where the workbook has a table, else inline


def _add_vba_project(package: Package, modules: dict[str, str]) -> None:
    """The VBA project as pyOpenVBA adds it to a copy (with Excel's code names); only the parts it changed or
    added are taken back into `package`, so everything else keeps its original bytes."""
    from sheetsync.excel.vba import add_project

    with scratch_folder("sheetsync-into-") as tmp:
        staged = tmp / "staged.xlsm"
        staged.write_bytes(package.to_bytes())
        with zipfile.ZipFile(io.BytesIO(add_project(staged, modules))) as result:
            for name in result.namelist():
                data = result.read(name)
                if not package.has(name) or package.read(name) != data:
                    package.write(name, data)


def _column(ref: str) -> int:
    """The 0-based column of "Sheet!H6"."""
    from sheetsync.text import parse_a1

    return parse_a1(ref.rpartition("!")[2])[1] - 1


def _xml_attr(text: str) -> bytes:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").encode()


__all__ = ["build_into", "into_package"]
