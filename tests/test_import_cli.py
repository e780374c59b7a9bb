"""`sheetsync import` through the CLI runner: exit codes, the report, and the workbook it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import invoke
from import_helpers import FIXTURES, comparable, seed_path

pytest.importorskip("sheetsync.template")


def _run(*args: str) -> tuple[int, str, str]:
    result = invoke(["import", *args])
    return result.exit_code, result.stdout, result.stderr


def test_clean_import_exits_zero_and_reads_back(tmp_path: Path) -> None:
    reader = pytest.importorskip("sheetsync.reader")
    out = tmp_path / "harbourside.xlsx"
    code, stdout, stderr = _run(str(FIXTURES / "harbourside_semicolon.csv"), "-o", str(out))
    assert code == 0, stdout + stderr
    assert "1 recommendations, 3 evidence rows" in stdout and f"Wrote {out}" in stdout
    plan = reader.read_plan(out)
    assert [a.id for _, a in plan.actions()] == ["10.1", "10.2", "10.5"]


@pytest.mark.seed
def test_seed_imports_with_a_warning_and_exit_one(tmp_path: Path) -> None:
    reader = pytest.importorskip("sheetsync.reader")
    from sheetsync.importers import import_plan

    out = tmp_path / "btp.xlsx"
    code, stdout, stderr = _run(str(seed_path()), "-o", str(out))
    assert code == 1, stdout + stderr
    assert "15 recommendations, 39 evidence rows" in stdout and "14.1 sits under recommendation 13" in stdout
    expected, _ = import_plan(seed_path())
    assert comparable(reader.read_plan(out)) == comparable(expected)


def test_json_report(tmp_path: Path) -> None:
    out = tmp_path / "fenland.xlsx"
    code, stdout, stderr = _run(str(FIXTURES / "fenland_prose.md"), "-o", str(out), "--from", "markdown",
                                "--json")
    assert code == 0, stdout + stderr  # a heading left out is reported under "unused", not as a warning
    data = json.loads(stdout)
    assert data["format"] == "markdown" and data["shape"] == "labelled-prose"
    assert (data["recommendations"], data["evidence_rows"]) == (2, 3)
    assert data["header_fields"]["force"] == "Fenland Constabulary"
    assert data["output"] == str(out)
    assert data["unused"] == [{"line": 6, "text": "online stalking",
                               "reason": "a heading before the recommendation's text"}]


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the user's own file")
    code, stdout, stderr = _run(str(FIXTURES / "harbourside_semicolon.csv"), "-o", str(out))
    assert code == 2, stdout + stderr
    assert "already exists" in stderr and out.read_bytes() == b"the user's own file"
    code, stdout, stderr = _run(str(FIXTURES / "harbourside_semicolon.csv"), "-o", str(out), "--force")
    assert code == 0, stdout + stderr
    assert out.read_bytes()[:2] == b"PK"


def test_never_writes_the_source(tmp_path: Path) -> None:
    source = tmp_path / "plan.xlsx"
    source.write_bytes(b"PK\x03\x04 not really")
    code, _, stderr = _run(str(source), "-o", str(source), "--force")
    assert code == 2 and "never writes over its input" in stderr
    assert source.read_bytes() == b"PK\x03\x04 not really"


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture"),
    (b"Recommendation received. Our current process is kind.\n", "sheetsync imports"),
])
def test_nothing_importable_exits_two_with_one_line(tmp_path: Path, content: bytes, words: str) -> None:
    source = tmp_path / "source.txt"
    source.write_bytes(content)
    out = tmp_path / "out.xlsx"
    code, stdout, stderr = _run(str(source), "-o", str(out))
    assert code == 2, stdout + stderr
    assert words in stderr and len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert not out.exists()
