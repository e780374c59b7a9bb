"""What every command does with awkward paths: a folder or unreadable input, a full disk, an existing output, and
Excel's "~$" owner file beside the workbook. One line and exit code 2 where it cannot proceed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke

SAMPLE = Path(__file__).parents[1] / "sheetsync" / "samples" / "wessex-vale-plan-2024-11.txt"


def run(*args: str) -> tuple[int, str, str]:
    result = invoke(list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_grid(tmp_path / "plan.xlsx", catalogue_rows())


# Every command that takes a PLAN or SOURCE, with the rest of a valid command line ({out}: an output path).
READERS = [
    ("show", "{input}"), ("validate", "{input}"), ("import", "{input}", "-o", "{out}.xlsx"),
    ("snapshot", "{input}"), ("history", "{input}"), ("diff", "{input}"),
    ("restore", "{input}", "1", "-o", "{out}.xlsx"), ("report", "{input}", "--format", "md", "-o", "{out}.md"),
    ("split", "{input}", "-o", "{out}"), ("chase", "{input}", "-o", "{out}"), ("verify", "{input}"),
    ("excel", "build", "--from-plan", "{input}", "-o", "{out}.xlsm"),
    ("excel", "build", "--into", "{input}", "-o", "{out}.xlsm"),
    ("chase", "{plan}", "-o", "{out}", "--owners", "{input}"),
    ("collate", "{plan}", "-o", "{out}.csv", "--roster", "{input}"),
]


# Every command that writes a file or a folder: the other kind already there is one line, exit 2.
WRONG_OUTPUTS = [
    (("template", "-o", "{folder}"), "is a folder; name the file to write"),
    (("report", "{plan}", "--format", "md", "-o", "{folder}"), "is a folder; name the file to write"),
    (("excel", "build", "-o", "{folder}"), "is a folder; name the file to write"),
    (("collate", "{plan}", "-o", "{folder}"), "is a folder; name the file to write"),
    (("split", "{plan}", "-o", "{file}"), "is a file; this writes a folder of files"),
    (("chase", "{plan}", "-o", "{file}"), "is a file; this writes a folder of files"),
]


@pytest.mark.parametrize(("command", "expected"), WRONG_OUTPUTS, ids=[" ".join(c[0][:2]) for c in WRONG_OUTPUTS])
def test_the_wrong_kind_of_output_is_one_line_and_exit_2(tmp_path: Path, plan: Path, command: tuple[str, ...],
                                                         expected: str) -> None:
    folder = tmp_path / "outputs"
    folder.mkdir()
    existing = tmp_path / "notes.txt"
    existing.write_text("mine")
    code, out, err = run(*[part.format(plan=plan, folder=folder, file=existing) for part in command])
    assert code == 2, out + err
    assert err.count("\n") == 1 and expected in err, err
    assert existing.read_text() == "mine"


@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_a_folder_as_input_is_one_line_and_exit_2(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    args = [part.format(input=folder, out=tmp_path / "out", plan=plan) for part in command]
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
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert err.endswith(": could not be written: the disk is full. Free some space or choose another folder, then "
                        "run the command again.\n"), err
    if name != "excel-build":  # excel build writes a staged copy first, and names that
        assert err.startswith(f"error: {out}: ")
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
    assert "--force" not in invoke([command[0], "--help"]).stdout  # hidden


def test_excel_owner_file_beside_the_workbook_is_warned_about(plan: Path) -> None:
    (plan.parent / f"~${plan.name}").write_bytes(b"\x00" * 165)
    code, out, err = run("validate", str(plan))
    assert code in (0, 1), out + err
    assert err.startswith("warning: ~$plan.xlsx beside plan.xlsx says Excel has it open")
    (plan.parent / f"~${plan.name}").unlink()
    assert run("validate", str(plan))[2] == ""


def _with_text(path: Path, marker: str, replacement: str) -> Path:
    """Rewrite the workbook with `marker` replaced in its shared strings (openpyxl refuses control characters)."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            out.writestr(name, data.replace(marker.encode(), replacement.encode()))
    return path


TITLE_ATTACK = "_x001B_]0;PWNED_x0007_"  # OOXML's escapes for ESC and BEL: sets the terminal's title


def test_control_characters_in_cells_never_reach_the_terminal(tmp_path: Path) -> None:
    rows = catalogue_rows()
    rows[0][4] = "OWNERMARK DI Sam Patel"
    rows[1][5] = "UPDATEMARK work started"
    path = _with_text(write_grid(tmp_path / "plan.xlsx", rows), "MARK", TITLE_ATTACK)
    outputs = {}
    for args in (["show"], ["show", "--json"], ["validate"], ["validate", "--format", "csv"],
                 ["validate", "--format", "json"]):
        code, out, err = run(*args, str(path))
        assert code in (0, 1), out + err
        outputs[" ".join(args)] = out + err
    assert run("snapshot", str(path))[0] == 0
    _with_text(path, "]0;PWNED", "]0;PWNED again")
    code, out, err = run("diff", str(path), "1", "current")
    assert code == 0, out + err
    outputs["diff"] = out + err
    for name, text in outputs.items():
        assert "\x1b" not in text and "\x07" not in text, name  # before: raw through show, validate and diff
    assert "OWNER]0;PWNED DI Sam Patel" in outputs["show"]  # the visible text is kept
    assert "\\u001b]0;PWNED\\u0007" in outputs["show --json"]  # JSON keeps the value, escaped
    assert "]0;PWNED again" in outputs["diff"]


def test_json_on_the_terminal_escapes_c1_controls_and_stays_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from sheetsync.cli.options import echo_safe_json

    text = json.dumps({"owner": "a\x9b31mb\x7f"}, ensure_ascii=False)
    echo_safe_json(text)
    stdout = capsys.readouterr().out
    assert "\x9b" not in stdout and "\x7f" not in stdout
    assert json.loads(stdout) == json.loads(text)


@pytest.mark.parametrize("command", [["show"], ["validate"], ["history"], ["import", "--output", "x.xlsx"]])
def test_an_unreadable_input_is_one_line_and_exit_2(plan: Path, monkeypatch: pytest.MonkeyPatch,
                                                    command: list[str]) -> None:
    # As root every file is readable, so the permission check is made to say no (as it would for another user).
    monkeypatch.setattr("sheetsync.cli.options.os.access", lambda path, mode: False)
    code, out, err = run(command[0], str(plan), *command[1:])
    assert code == 2, out + err
    assert err == f"error: {plan}: cannot be read (permission denied). Check the file's permissions.\n"


def test_a_date_that_is_not_one_is_one_line_and_exit_2(plan: Path) -> None:
    code, out, err = run("validate", str(plan), "--as-of", "2025-13-01")
    assert code == 2, out + err
    assert err == ("error: invalid value for '--as-of': '2025-13-01' is not a date; write it as YYYY-MM-DD, "
                   "e.g. 2025-03-27\n")


@pytest.mark.parametrize("args", [[], ["excel"], ["store"]])
def test_a_group_without_its_command_shows_its_help_and_exits_2(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == "", out + err
    assert err.startswith(f"usage: {' '.join(['sheetsync', *args])} [") and "commands:" in err, err


def test_usage_errors_exit_2_with_the_commands_usage() -> None:
    for args, words in ((["validate"], "the following arguments are required: PLAN"),
                        (["validate", "x.xlsx", "--no-such-option"], "unrecognized arguments: --no-such-option"),
                        (["no-such-command"], "invalid choice: 'no-such-command'"),
                        (["validate", "x.xlsx", "--format", "yaml"], "invalid choice: 'yaml'")):
        code, out, err = run(*args)
        assert code == 2 and out == "", (args, out + err)
        assert words in err and err.startswith("usage: sheetsync") and "Traceback" not in err, (args, err)
    assert run("chase", "x.xlsx", "-o", "out", "--due-within", "-1")[2].endswith(
        "error: argument --due-within: -1 is not in the range x>=0\n")


def test_version_and_help(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import version

    assert run("--version") == (0, f"sheetsync, version {version('sheetsync')}\n", "")
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: help still stops at 100 columns, as click's did
    from sheetsync.cli.app import cli

    commands = [[name] for name in cli.commands] + [["excel", "build"], ["excel", "setup"], ["store", "init"],
                                                    ["store", "copy"], []]
    for command in commands:
        for flag in ("-h", "--help"):
            code, out, err = run(*command, flag)
            assert code == 0 and err == "", (command, out + err)
            assert out.startswith(f"usage: {' '.join(['sheetsync', *command])} ")
            assert max(len(line) for line in out.splitlines()) <= 100, (command, out)
    chase_help = " ".join(run("chase", "-h")[1].split())  # options keep click's metavars and notes
    assert "-o PATH, --output PATH" in chase_help and "--due-within DAYS" in chase_help
    assert "[default: 28; x>=0]" in chase_help and "[required]" in chase_help


def test_a_closed_pipe_stops_quietly(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sheetsync show plan.xlsx | head`: no traceback when head stops reading (exit 1, as click gave)."""
    import io
    import sys

    from sheetsync.cli.app import run as run_cli

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", err)
    assert run_cli(["show", str(plan)]) == 1
    assert err.getvalue() == ""


def test_validate_never_imports_click_or_the_import_registry(plan: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from sheetsync.cli import main; code = main(['validate', sys.argv[1]]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'click' "
            "or m == 'sheetsync.importers.registry'))")
    done = subprocess.run([sys.executable, "-c", code, str(plan)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
