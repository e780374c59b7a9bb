"""What every command does with awkward paths: a folder or unreadable input, a full disk, an existing output, and
Excel's "~$" owner file beside the workbook. One line and exit code 2 where it cannot proceed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid
from click.testing import CliRunner

from sheetsync.cli import cli

SAMPLE = Path(__file__).parents[1] / "sheetsync" / "samples" / "wessex-vale-plan-2024-11.txt"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_grid(tmp_path / "plan.xlsx", catalogue_rows())


# Every command that takes a PLAN or SOURCE, with the rest of a valid command line ({out}: an output path).
READERS = [
    ("show", "{input}"), ("validate", "{input}"), ("import", "{input}", "-o", "{out}.xlsx"),
    ("snapshot", "{input}"), ("history", "{input}"), ("diff", "{input}"),
    ("restore", "{input}", "1", "-o", "{out}.xlsx"), ("report", "{input}", "--format", "md", "-o", "{out}.md"),
]


@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_a_folder_as_input_is_one_line_and_exit_2(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    args = [part.format(input=folder, out=tmp_path / "out") for part in command]
    code, out, err = run(*args)
    assert code == 2, out + err
    assert err == f"error: {folder}: is a folder, not a file. Name the workbook itself.\n"  # before: Usage + Try


# The commands that write a file, the arguments that make them write `{out}`, and its suffix.
WRITERS = [
    ("template", ["template", "-o", "{out}"], ".xlsx"),
    ("import", ["import", str(SAMPLE), "-o", "{out}"], ".xlsx"),
    ("report", ["report", "{plan}", "--format", "md", "-o", "{out}"], ".md"),
    ("report-docx", ["report", "{plan}", "--format", "docx", "-o", "{out}"], ".docx"),
    ("report-xlsx", ["report", "{plan}", "--format", "xlsx", "-o", "{out}"], ".xlsx"),
    ("excel-build", ["excel", "build", "-o", "{out}"], ".xlsm"),
    ("collate", ["collate", "{plan}", "-o", "{out}"], ".xlsx"),
    ("restore", ["restore", "{plan}", "1", "-o", "{out}"], ".xlsx"),
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fake a full disk")
@pytest.mark.parametrize(("name", "command", "suffix"), WRITERS, ids=[w[0] for w in WRITERS])
def test_a_full_disk_is_one_line_and_exit_2(tmp_path: Path, plan: Path, monkeypatch: pytest.MonkeyPatch,
                                            name: str, command: list[str], suffix: str) -> None:
    if name == "restore":
        assert run("snapshot", str(plan))[0] == 0
    real_mkstemp = tempfile.mkstemp

    def full_disk_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        """The temporary output becomes /dev/full: every write to it fails with ENOSPC, as on a full disk."""
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        os.unlink(name)
        os.symlink("/dev/full", name)
        return fd, name

    monkeypatch.setattr("sheetsync.files.tempfile.mkstemp", full_disk_mkstemp)
    out = tmp_path / f"out{suffix}"
    code, stdout, err = run(*[part.format(plan=plan, out=out) for part in command])
    assert code == 2, stdout + err  # before: a traceback and exit 1 ("written, with problems")
    assert err == (f"error: {out}: could not be written: the disk is full. Free some space or choose another "
                   "folder, then run the command again.\n")
    assert not out.exists() and not list(tmp_path.glob(".out*"))  # nothing half-written is left behind


OVERWRITERS = [
    ["template", "-o", "{out}.xlsx"], ["import", str(SAMPLE), "-o", "{out}.xlsx"],
    ["report", "{plan}", "--format", "md", "-o", "{out}.md"], ["excel", "build", "-o", "{out}.xlsm"],
    ["collate", "{plan}", "-o", "{out}.xlsx"],
]


@pytest.mark.parametrize("command", OVERWRITERS, ids=[c[0] for c in OVERWRITERS])
def test_overwriting_is_spelled_overwrite_in_every_command(tmp_path: Path, plan: Path, command: list[str]) -> None:
    args = [part.format(plan=plan, out=tmp_path / "out") for part in command]
    assert run(*args)[0] in (0, 1)
    code, out, err = run(*args)
    assert code == 2 and "already exists. Choose another name or pass --overwrite." in err, out + err
    assert run(*args, "--overwrite")[0] in (0, 1)


@pytest.mark.parametrize("command", [["import", str(SAMPLE), "-o", "{out}.xlsx"],
                                     ["report", "{plan}", "--format", "md", "-o", "{out}.md"]])
def test_force_still_overwrites_where_it_meant_overwrite(tmp_path: Path, plan: Path, command: list[str]) -> None:
    args = [part.format(plan=plan, out=tmp_path / "out") for part in command]
    assert run(*args)[0] in (0, 1)
    code, out, err = run(*args, "--force")
    assert code in (0, 1), out + err
    assert "note: --force is now spelled --overwrite" in err
    assert "--force" not in CliRunner().invoke(cli, [command[0], "--help"]).stdout  # hidden


def test_excel_owner_file_beside_the_workbook_is_warned_about(plan: Path) -> None:
    (plan.parent / f"~${plan.name}").write_bytes(b"\x00" * 165)
    code, out, err = run("validate", str(plan))
    assert code in (0, 1), out + err
    assert err.startswith("warning: ~$plan.xlsx beside plan.xlsx says Excel has it open")
    (plan.parent / f"~${plan.name}").unlink()
    assert run("validate", str(plan))[2] == ""
