"""Hostile shapes read in bounded time and memory: stray far cells, whole-sheet ranges, devices and pipes.

Each runs sheetsync in a child process with its address space capped (RLIMIT_AS) and a timeout, so a regression
fails the test instead of taking the machine down; the workbooks are built in code and stay kilobytes on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid

resource = pytest.importorskip("resource")  # POSIX only: the cap needs setrlimit

MEMORY_CAP = 1_500_000_000  # bytes of address space for the child (a normal read needs a tenth of it)
TIMEOUT = 60  # seconds; each case takes well under 2 s when bounded (before: 10-19 s, 180 s, or an abort)


def run_capped(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m sheetsync ARGS` (or `python -c` when args[0] is "-c") under the memory cap and timeout."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "sheetsync", *args]
    return subprocess.run(command, preexec_fn=cap, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def with_sheet_xml(path: Path, *, rows_xml: bytes = b"", defined_names: bytes = b"") -> Path:
    """Rewrite the workbook at `path` with `rows_xml` appended to the first sheet's data and `defined_names`
    added to workbook.xml."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows_xml + b"</sheetData>")
            if name == "xl/workbook.xml" and defined_names:
                data = data.replace(b"</sheets>", b"</sheets><definedNames>" + defined_names + b"</definedNames>")
            out.writestr(name, data)
    return path


def stray_cell(ref: str, row: int) -> bytes:
    return f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>stray</t></is></c></row>'.encode()


@pytest.mark.parametrize("ref", ["XFD1048576", "I1048576", "CV1048576"])
def test_a_stray_value_far_away_is_reported_not_laid_out(tmp_path: Path, ref: str) -> None:
    path = with_sheet_xml(write_grid(tmp_path / "p.xlsx", catalogue_rows()), rows_xml=stray_cell(ref, 1048576))
    assert path.stat().st_size < 30_000
    result = run_capped("validate", str(path))
    assert result.returncode in (0, 1), result.stderr  # before: 134 (allocation of 550 GB failed) or minutes
    assert "Traceback" not in result.stderr
    assert f"warning Action Plan!{ref}: Action Plan!{ref} holds a value in a column with no heading" in result.stdout
    assert "in 39 evidence requirements" in result.stdout  # the plan itself is read in full


def test_a_sheet_really_spanning_a_million_rows_is_refused_in_one_line(tmp_path: Path) -> None:
    # A value every 900 rows down to the last row: no gap separates it from the plan, so nothing is a stray.
    rows = b"".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="I{r}"><v>2</v></c></row>'.encode()
                    for r in range(900, 1048577, 900))
    path = with_sheet_xml(write_grid(tmp_path / "p.xlsx", catalogue_rows()), rows_xml=rows)
    result = run_capped("show", str(path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "sheet 'Action Plan' spans A1:I1048500" in result.stderr and "Ctrl+End" in result.stderr


def test_a_status_list_over_the_whole_sheet_walks_only_used_cells(tmp_path: Path) -> None:
    statuses = ["Not Started", "In Progress", "Action Complete", "BAU", "Not Applicable", "At Risk"]
    lists = [[statuses[i % len(statuses)]] for i in range(50_000)]
    path = write_grid(tmp_path / "p.xlsx", catalogue_rows(status="At Risk"), extra_sheets={"Lists": lists})
    with_sheet_xml(path, defined_names=b'<definedName name="StatusList">Lists!$A$1:$XFD$1048576</definedName>')
    code = ("import sys; from sheetsync.reader import read_plan; plan = read_plan(sys.argv[1]); "
            "print(len(plan.status_list or []), sorted(set(plan.status_list or [])) == sorted(sys.argv[2:]), "
            "{a.status for _, a in plan.actions()})")
    result = run_capped("-c", code, str(path), *statuses)  # before: over 180 s
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["50000", "True", "{'At", "Risk'}"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (POSIX)")
def test_a_device_is_refused_before_it_is_read() -> None:
    result = run_capped("show", "/dev/zero")  # before: 3.8 GB, then a traceback
    assert result.returncode == 2, result.stderr
    assert result.stderr == "error: /dev/zero: is not a regular file (a device, pipe or socket). Name a workbook " \
                            "saved on disk.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.xlsx"
    os.mkfifo(fifo)
    result = run_capped("validate", str(fifo))  # before: waited for ever
    assert result.returncode == 2, result.stderr
    assert "is not a regular file" in result.stderr and result.stderr.count("\n") == 1


def test_cells_without_addresses_are_placed_as_calamine_places_them(tmp_path: Path) -> None:
    """A cell with no `r` sits after the one before it: 16,384 of them in row 1,048,576 span the whole sheet."""
    far_row = b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    path = with_sheet_xml(write_grid(tmp_path / "p.xlsx", catalogue_rows()), rows_xml=far_row)
    result = run_capped("show", str(path))
    assert result.returncode == 2, result.stderr
    assert "sheet 'Action Plan' spans A1:XFD1048576" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("xml", "bounds", "strays"), [
    (b'<row r="2"><c r="B2"><v>1</v></c><c r="D5" s="1"/></row>', (2, 5, 2, 4), set()),
    (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
     (1, 1, 1, 1), {(1048576, 16384)}),
    (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576" s="1"/></row>', (1, 1, 1, 1), set()),  # format only
    (b'<x:row r="3"><x:c r="C3"><x:v>1</x:v></x:c></x:row>', (3, 3, 3, 3), set()),
    (b'<row r="4"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (4, 5, 1, 2), set()),
    (b'<row r="7"><c\nr="E7"><v>1</v></c></row>', (7, 7, 5, 5), set()),
])
def test_sheet_extent(xml: bytes, bounds: tuple[int, int, int, int], strays: set[tuple[int, int]]) -> None:
    from sheetsync.sheet_xml import sheet_extent

    extent = sheet_extent(b"<worksheet><sheetData>" + xml + b"</sheetData></worksheet>")
    assert (extent.first_row, extent.last_row, extent.first_col, extent.last_col) == bounds
    assert set(extent.strays) == strays and extent.problem() is None
