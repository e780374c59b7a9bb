"""The package patcher: single cells rewritten, parts and relationships added, everything else byte-identical."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.demo import SAMPLE_MARCH, sample_path
from sheetsync.errors import OutputExistsError, PackageError
from sheetsync.importers import import_to_workbook
from sheetsync.model import Plan
from sheetsync.package import Package, rels_part
from sheetsync.reader import read_plan, read_plan_bytes
from sheetsync.sheet_patch import excel_serial


@pytest.fixture(scope="module")
def plan_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package") / "plan.xlsx"
    import_to_workbook(sample_path(SAMPLE_MARCH), out)
    return out


def raw_members(data: bytes) -> dict[str, bytes]:
    """Each member's local header + compressed bytes, exactly as stored."""
    archive = zipfile.ZipFile(BytesIO(data))
    infos = sorted(archive.infolist(), key=lambda i: i.header_offset)
    end = data.rfind(b"PK\x01\x02", 0, len(data))
    starts = [i.header_offset for i in infos]
    central = min(data.find(b"PK\x01\x02", starts[-1]), end)
    bounds = [*starts[1:], central]
    return {info.filename: data[info.header_offset:stop] for info, stop in zip(infos, bounds, strict=True)}


def action_cells(plan: Plan, action_id: str) -> dict[str, str]:
    action = next(a for _, a in plan.actions() if a.id == action_id)
    return {field: ref.rpartition("!")[2] for field, ref in action.cells.items()}


def test_unchanged_package_is_byte_identical(plan_path: Path) -> None:
    data = plan_path.read_bytes()
    assert Package(data, path=plan_path).to_bytes() == data


def test_set_cells_changes_only_those_cells(plan_path: Path, tmp_path: Path) -> None:
    before = read_plan(plan_path)
    package = Package.open(plan_path)
    sheet = before.sheet
    assert sheet is not None
    cells = action_cells(before, "10.2")
    package.set_cells(sheet, {cells["update"]: "Training delivered to 400 officers & staff <all>",
                              cells["date"]: date(2025, 3, 1), cells["status"]: "Action Complete"})
    out = package.save(tmp_path / "out.xlsx")
    after = read_plan(out)
    action = next(a for _, a in after.actions() if a.id == "10.2")
    assert action.update == "Training delivered to 400 officers & staff <all>"
    assert action.date == date(2025, 3, 1)
    assert action.status == "Action Complete"
    # Everything else in the plan reads back the same.
    for (_, old), (_, new) in zip(before.actions(), after.actions(), strict=True):
        if old.id != "10.2":
            assert dataclasses.replace(old, cells={}) == dataclasses.replace(new, cells={})
    # Part by part: untouched members are the very same stored bytes; only the sheet and the string table moved.
    old_raw, new_raw = raw_members(plan_path.read_bytes()), raw_members(out.read_bytes())
    assert list(old_raw) == list(new_raw)
    part = package.sheet_part(sheet)
    changed = {name for name in old_raw if old_raw[name] != new_raw[name]}
    assert changed == {part, "xl/sharedStrings.xml"}
    # Inside the sheet, only the three cells differ.
    old_xml = zipfile.ZipFile(plan_path).read(part)
    new_xml = zipfile.ZipFile(out).read(part)

    def without(xml: bytes) -> bytes:
        for ref in (cells["update"], cells["date"], cells["status"]):
            xml = re.sub(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', b"", xml, flags=re.DOTALL)
        return xml

    assert without(old_xml) == without(new_xml) and old_xml != new_xml
    # Each cell keeps its style.
    for ref in (cells["update"], cells["date"], cells["status"]):
        style = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?\bs="(\d+)"')
        old_style, new_style = style.search(old_xml), style.search(new_xml)
        assert old_style is not None and new_style is not None and old_style.group(1) == new_style.group(1)


def test_inline_strings_leave_the_string_table_alone(plan_path: Path) -> None:
    plan = read_plan(plan_path)
    assert plan.sheet is not None
    package = Package.open(plan_path)
    package.set_cells(plan.sheet, {action_cells(plan, "7.1")["update"]: "  inline\ntext  "}, strings="inline")
    assert package.changed() == [package.sheet_part(plan.sheet)]
    after = read_plan_bytes(package.to_bytes(), source="x.xlsx")
    assert next(a for _, a in after.actions() if a.id == "7.1").update == "inline\ntext"  # the reader trims the ends
    assert b't="inlineStr"' in package.read(package.sheet_part(plan.sheet))


def test_cells_and_rows_are_created_in_order(plan_path: Path) -> None:
    package = Package.open(plan_path)
    part = package.sheet_part("Lists")
    package.set_cells("Lists", {"Z1": 3.5, "B400": "far down", "A399": True, "C2": None})
    xml = package.read(part).decode()
    rows = [int(r) for r in re.findall(r'<row r="(\d+)"', xml)]
    assert rows == sorted(rows) and 399 in rows and 400 in rows
    first = re.search(r'<row r="1".*?</row>', xml, re.DOTALL)
    assert first is not None
    refs = re.findall(r'<c r="([A-Z]+)1"', first.group(0))
    assert refs[-1] == "Z" and refs == sorted(refs, key=lambda r: (len(r), r))
    assert '<c r="Z1"><v>3.5</v></c>' in xml and '<c r="A399" t="b"><v>1</v></c>' in xml
    dimension = re.search(r'<dimension ref="([^"]+)"', xml)
    assert dimension is not None and dimension.group(1).endswith("Z400")
    import openpyxl

    book = openpyxl.load_workbook(BytesIO(package.to_bytes()))
    assert book["Lists"]["B400"].value == "far down" and book["Lists"]["Z1"].value == 3.5


def test_values_of_every_kind(plan_path: Path) -> None:
    import openpyxl

    package = Package.open(plan_path)
    package.set_cells("Lists", {"F1": 42, "F2": -0.1, "F3": datetime(2025, 3, 27, 12, 0), "F4": "x\x01y",
                                "F5": False})
    book = openpyxl.load_workbook(BytesIO(package.to_bytes()))
    ws = book["Lists"]
    assert [ws[f"F{i}"].value for i in (1, 2, 4, 5)] == [42, -0.1, "xy", False]
    assert ws["F3"].value == excel_serial(datetime(2025, 3, 27, 12, 0)) == 45743.5
    assert excel_serial(date(2025, 3, 1)) == 45717


def test_sheets_resolve_through_the_workbook_relationships(plan_path: Path) -> None:
    package = Package.open(plan_path)
    sheets = package.sheets()
    assert list(sheets)[:1] == ["Action Plan"]
    assert all(package.has(part) for part in sheets.values())
    assert package.sheet_part("action plan") == sheets["Action Plan"]
    with pytest.raises(PackageError, match="has no sheet 'Nope' \\(its sheets: Action Plan"):
        package.sheet_part("Nope")


def test_parts_relationships_and_content_types(plan_path: Path) -> None:
    package = Package.open(plan_path)
    package.write("customXml/item1.xml", b"<stamp plan='x'/>", content_type="application/xml")
    rid = package.add_relationship("", "http://example.com/stamp", "customXml/item1.xml")
    assert rid.startswith("rId") and rid not in Package.open(plan_path).relationships("")
    assert package.relationships("")[rid] == ("http://example.com/stamp", "customXml/item1.xml")
    assert package.content_type("customXml/item1.xml") == "application/xml"
    assert package.content_type("xl/workbook.xml") == Package.open(plan_path).content_type("xl/workbook.xml")
    package.set_content_type("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    assert package.content_type("/xl/workbook.xml") == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    # A relationships part that did not exist is created.
    package.add_relationship("customXml/item1.xml", "http://example.com/next", "item2.xml")
    assert package.has(rels_part("customXml/item1.xml"))
    assert package.target_part("customXml/item1.xml", "item2.xml") == "customXml/item2.xml"
    data = package.to_bytes()
    archive = zipfile.ZipFile(BytesIO(data))
    assert archive.testzip() is None
    assert archive.read("customXml/item1.xml") == b"<stamp plan='x'/>"
    assert archive.namelist()[:len(Package.open(plan_path).names())] == Package.open(plan_path).names()


def test_never_written_over_its_source(plan_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "plan.xlsx"
    shutil.copy(plan_path, copy)
    package = Package.open(copy)
    package.set_cells("Lists", {"F1": 1})
    with pytest.raises(OutputExistsError, match="never writes over"):
        package.save(copy, overwrite=True)
    (tmp_path / "taken.xlsx").write_bytes(b"")
    with pytest.raises(OutputExistsError):
        package.save(tmp_path / "taken.xlsx")
    assert copy.read_bytes() == plan_path.read_bytes()


def test_a_shared_formula_is_never_overwritten(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "S"
    book.save(tmp_path / "f.xlsx")
    package = Package.open(tmp_path / "f.xlsx")
    part = package.sheet_part("S")
    package.write(part, re.sub(
        rb"<sheetData\s*/>|<sheetData></sheetData>",
        b'<sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f><v>1</v></c></row></sheetData>',
        package.read(part)))
    with pytest.raises(PackageError, match="A1 starts a shared formula"):
        package.set_cells("S", {"A1": 5})


def test_not_a_workbook_is_one_clear_error(tmp_path: Path) -> None:
    from sheetsync.errors import UnreadableFileError

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"hello")
    with pytest.raises(UnreadableFileError, match=r"bad\.xlsx: is not an Excel workbook"):
        Package.open(bad)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60),
       inline=st.booleans())
def test_any_text_reads_back(plan_path: Path, text: str, inline: bool) -> None:
    import openpyxl

    package = Package.open(plan_path)
    package.set_cells("Lists", {"H3": text}, strings="inline" if inline else "shared")
    value = openpyxl.load_workbook(BytesIO(package.to_bytes()))["Lists"]["H3"].value
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    assert (value or "") == expected


@pytest.mark.libreoffice
def test_libreoffice_opens_the_patched_workbook(plan_path: Path, tmp_path: Path) -> None:
    import csv

    exe = shutil.which("soffice")
    if exe is None:
        if _ci():
            pytest.fail("LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
        return
    plan = read_plan(plan_path)
    assert plan.sheet is not None
    package = Package.open(plan_path)
    package.set_cells(plan.sheet, {action_cells(plan, "7.1")["update"]: "Patched by sheetsync",
                                   action_cells(plan, "7.2")["date"]: date(2025, 3, 1)})
    out = package.save(tmp_path / "patched.xlsx")
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "csv", "--outdir", str(tmp_path / "lo"), str(out)],
                   check=False, capture_output=True, timeout=180)
    converted = tmp_path / "lo" / "patched.csv"
    assert converted.exists(), "LibreOffice did not open the patched workbook"
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    assert any("Patched by sheetsync" in row for row in rows)
    row = next(row for row in rows if len(row) > 6 and row[2] == "7.2")
    assert row[6] in ("01/03/2025", "03/01/2025")  # shown as a date (in LibreOffice's locale): the style was kept


def _ci() -> bool:
    import os

    return os.environ.get("CI", "").lower() == "true"


def test_a_cell_without_style_borrows_one(plan_path: Path) -> None:
    import openpyxl

    package = Package.open(plan_path)
    plan = read_plan(plan_path)
    assert plan.sheet is not None
    model = action_cells(plan, "7.1")["date"]
    package.set_cells(plan.sheet, {"Z200": date(2025, 3, 1), "Z201": date(2025, 3, 1)}, like={"Z200": model})
    sheet = openpyxl.load_workbook(BytesIO(package.to_bytes()))[plan.sheet]
    assert sheet["Z200"].value == datetime(2025, 3, 1)  # shown as a date, like the model cell
    assert sheet["Z201"].value == excel_serial(date(2025, 3, 1))  # no style: a bare serial number
