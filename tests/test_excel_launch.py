"""The buttons' interpreter: run with the exact command lines xlwings builds (taken at test time from the
installed xlwings' VBA module and AppleScript), xlwings without its optional imports for sheetsync's code, and
exactly python for everything else."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sheetsync.excel.build import buttons
from sheetsync.excel.launch import OPTIONAL, parse_command_line
from sheetsync.excel.vba import our_modules, xlwings_folder

LAUNCHER = Path(sys.executable).parent / "sheetsync-excel-python"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # so that -u is the launcher's doing
# What our probe prints: the state the launcher left behind, as JSON on one line.
PROBE = ("import sheetsync.excel.book, sys, json, warnings; print(json.dumps({"
         f"'skipped': sorted(m for m in {OPTIONAL!r} if m not in sys.modules), 'argv': sys.argv, "
         "'bytecode': sys.dont_write_bytecode, 'unbuffered': sys.stdout.write_through, "
         "'filters': [f[0] for f in warnings.filters[:1]], 'warnoptions': sys.warnoptions})); "
         "import pandas; print('pandas later:', pandas.__name__)")


def launcher_argv() -> list[str]:
    if LAUNCHER.is_file():
        return [str(LAUNCHER)]
    if os.environ.get("CI") == "true":
        pytest.fail(f"{LAUNCHER} is missing: the console script comes with 'pip install -e .'")
    return [sys.executable, "-m", "sheetsync.excel.launch"]  # pragma: no cover - only without the script


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*launcher_argv(), *args], capture_output=True, text=True, check=False, timeout=120,
                          cwd=cwd, env=ENV)


# ------------------------------------------------------------------------ the command lines xlwings builds


def _concatenation(expression: str, variables: dict[str, str], *, escape: str) -> str:
    """Evaluate a VBA (`""` inside literals) or AppleScript (`\\"`) string concatenation with `&`."""
    literal = r'"((?:[^"]|"")*)"' if escape == "vba" else r'"((?:[^"\\]|\\.)*)"'
    out: list[str] = []
    for token in re.finditer(literal + r"|([A-Za-z_][A-Za-z0-9_]*)|(¬\s*)|&|\s+", expression):
        if token.group(1) is not None:
            text = token.group(1)
            out.append(text.replace('""', '"') if escape == "vba" else re.sub(r"\\(.)", r"\1", text))
        elif token.group(2):
            out.append(variables[token.group(2)])
    return "".join(out)


def windows_command(interpreter: str, code: str, workbook: str) -> str:
    """The command line xlwings.bas's ExecuteWindows hands to `cmd.exe /C` for RunPython."""
    bas = (xlwings_folder() / "xlwings.bas").read_text(encoding="utf-8")
    run_command = re.search(r'RunCommand = CondaCmd & (PythonInterpreter & " -B -c .*)$', bas, re.MULTILINE)
    tail = re.search(r'WScript\.Run\("cmd\.exe /C " & DriveCommand & _\s*RunCommand & _\s*(.*?), _\s*'
                     r'WindowStyle', bas, re.DOTALL)
    assert run_command and tail, "xlwings.bas no longer builds RunPython's command as this test expects"
    variables = {"PythonInterpreter": f'"{interpreter}"', "PYTHONPATH": f"false;{workbook};{workbook};;;;",
                 "PythonCommand": code}
    command = _concatenation(run_command.group(1), variables, escape="vba")
    variables = {"RunCommand": command, "ThisWorkbook": "", "LOG_FILE": "log.txt"}
    rest = tail.group(1).replace("ThisWorkbook.Name", '"ActionPlan.xlsm"').replace(
        "Application.Path", '"C:\\Program Files\\Microsoft Office\\root\\Office16"').replace(
        "Application.Name", '"EXCEL.EXE"').replace("Application.Hwnd", '"4242"').replace("Chr(34)", '""""')
    rest = re.sub(r"\s*_\s*\n\s*", " ", rest)
    return command + _concatenation(rest, variables, escape="vba")


def windows_argv(command: str) -> list[str]:
    """Split a Windows command line as the C runtime does (CommandLineToArgvW), after cmd's `2>` redirection."""
    command = command.split(" 2> ")[0]
    args: list[str] = []
    current: list[str] = []
    quoted = have = False
    i = 0
    while i < len(command):
        ch = command[i]
        if ch == "\\":
            n = len(command[i:]) - len(command[i:].lstrip("\\"))
            if i + n < len(command) and command[i + n] == '"':
                current.append("\\" * (n // 2))
                if n % 2:
                    current.append('"')
                    i += n + 1
                else:
                    i += n
                have = True
                continue
            current.append("\\" * n)
            i += n
            have = True
            continue
        if ch == '"':
            quoted = not quoted
            have = True
        elif ch in " \t" and not quoted:
            if have:
                args.append("".join(current))
                current, have = [], False
        else:
            current.append(ch)
            have = True
        i += 1
    if have:
        args.append("".join(current))
    return args


def mac_shell_command(interpreter: str, code: str, workbook: str, log: Path) -> str:
    """The shell command xlwings' AppleScript (VbaHandler) runs for RunPython on macOS."""
    script = next(xlwings_folder().glob("xlwings-*.applescript")).read_text(encoding="utf-8")
    match = re.search(r"set ShellCommand to (.*?)\n\ttry", script, re.DOTALL)
    assert match, "the AppleScript no longer builds ShellCommand as this test expects"
    variables = {"PythonInterpreter": interpreter, "PYTHONPATH": f"false;{workbook};{workbook};;;;;",
                 "PythonCommand": code, "WorkbookName": "ActionPlan.xlsm",
                 "ApplicationFullName": "/Applications/Microsoft Excel.app", "LOG_FILE": str(log)}
    return _concatenation(match.group(1), variables, escape="applescript")


def _probe_result(stdout: str) -> dict[str, object]:
    return dict(json.loads(stdout.splitlines()[0]))


def test_windows_command_line_from_xlwings_bas(tmp_path: Path) -> None:
    command = windows_command("C:\\venv\\Scripts\\sheetsync-excel-python.exe", PROBE, str(tmp_path / "A.xlsm"))
    argv = windows_argv(command)
    assert argv[0] == "C:\\venv\\Scripts\\sheetsync-excel-python.exe" and argv[1:3] == ["-B", "-c"]
    done = run(*argv[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    state = _probe_result(done.stdout)
    assert state["skipped"] == sorted(OPTIONAL)
    assert state["argv"] == ["-c", "--wb=ActionPlan.xlsm", "--from_xl=1",
                             "--app=C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "--hwnd=4242"]
    assert state["bytecode"] is True and state["unbuffered"] is False  # Windows passes no -u
    assert done.stdout.splitlines()[1] == "pandas later: pandas"


def test_mac_command_line_from_the_applescript(tmp_path: Path) -> None:
    log = tmp_path / "xlwings.log"
    marker = tmp_path / "probe.json"
    code = PROBE.replace("print(json.dumps(", f"open({str(marker)!r}, 'w').write(json.dumps(", 1).replace(
        "})); import pandas", "}) + chr(10)); import pandas", 1)
    command = mac_shell_command(" ".join(launcher_argv()), code, str(tmp_path / "A.xlsm"), log)
    assert " -B -u -W ignore -c " in command and command.rstrip().endswith("&")  # xlwings runs it in the background
    subprocess.run(["/bin/sh", "-c", command], check=True, timeout=60, cwd=tmp_path, env=ENV)
    deadline = time.monotonic() + 90
    while not (marker.is_file() and marker.read_text().endswith("\n")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker.is_file(), log.read_text() if log.is_file() else "no log"
    state = json.loads(marker.read_text())
    assert state["skipped"] == sorted(OPTIONAL)
    assert state["argv"] == ["-c", "--wb=ActionPlan.xlsm", "--from_xl=1", "--app=/Applications/Microsoft Excel.app"]
    assert state["bytecode"] is True and state["unbuffered"] is True
    assert state["filters"] == ["ignore"] and state["warnoptions"] == ["ignore"]


def test_our_runpython_strings_run_through_it(tmp_path: Path) -> None:
    """The buttons' own strings, outside Excel: past xlwings' import into our entry point, which says in one line
    that there is no workbook to talk to."""
    calls = re.findall(r'RunPython "([^"]+)"', our_modules()["SheetSync"])
    assert len(calls) == len(buttons())  # one Sub per button
    assert all(c.startswith("import sheetsync.excel.") for c in calls)  # the launcher's lean path
    env = {**ENV, "HOME": str(tmp_path), "USERPROFILE": str(tmp_path),
           "MPLCONFIGDIR": _matplotlib_config()}  # a fresh HOME must not rebuild the font cache (and say so)
    for code in calls:
        argv = windows_argv(windows_command("python.exe", code, str(tmp_path / "A.xlsm")))
        done = subprocess.run([*launcher_argv(), *argv[1:]], capture_output=True, text=True, timeout=120, env=env,
                              check=False)
        assert done.returncode == 1 and done.stderr.startswith("sheetsync could not reach the workbook"), done.stderr


def test_a_press_runs_through_it(tmp_path: Path) -> None:
    from builders import catalogue_rows, write_grid

    plan = write_grid(tmp_path / "ActionPlan.xlsx", catalogue_rows())
    code = ('import xlwings.utils;xlwings.utils.prepare_sys_path("false;;;;;;"); import sheetsync.excel.memory as m; '
            f"m._bench_press({str(plan)!r}, {str(tmp_path / 'store.db')!r})")
    done = run("-B", "-c", code)
    assert done.returncode == 0, done.stderr
    assert "snapshot 1 saved" in done.stdout and "Traceback" not in done.stdout + done.stderr


# ------------------------------------------------------------------------ everything else: exactly python


def test_other_code_runs_exactly_as_python() -> None:
    """Another workbook's RunPython (or the add-in's UDF server) keeps numpy and pandas conversion."""
    code = ("import xlwings.utils, xlwings.conversion, sys; "
            "print(xlwings.utils.np is not None, 'pandas' in sys.modules, sys.argv, sys.flags.dont_write_bytecode)")
    done = run("-B", "-c", code, "--wb=Other.xlsm")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True True ['-c', '--wb=Other.xlsm'] 1"


def test_exit_codes_scripts_modules_and_start_up_options_pass_through(tmp_path: Path) -> None:
    assert run("-c", "import sys; sys.exit(3)").returncode == 3
    script = tmp_path / "s.py"
    script.write_text("import sys; print('script', sys.argv[1:])")
    assert run(str(script), "x").stdout.strip() == "script ['x']"
    assert run("-m", "json.tool", "--help").returncode == 0
    # -X importtime cannot be applied after start-up: even sheetsync's code then runs as python itself
    done = run("-X", "importtime", "-c", "import sheetsync.excel.book")
    assert done.returncode == 0 and "import time:" in done.stderr


def test_xlwings_error_is_one_line() -> None:
    """A OneDrive for Business URL xlwings cannot map (ADD_WORKBOOK_TO_PYTHONPATH true, the xlwings default)."""
    url = "https://police-my.sharepoint.com/personal/jo_police_uk/Documents/ActionPlan.xlsm"
    code = (f'import xlwings.utils;xlwings.utils.prepare_sys_path("true;{url};{url};;;;"); '
            "import sheetsync.excel.adapter as m; m.validate_and_snapshot()")
    env = {k: v for k, v in ENV.items() if not k.startswith("OneDrive")}
    done = subprocess.run([*launcher_argv(), "-B", "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("sheetsync: xlwings could not find this workbook's file (Couldn't find the local "
                                  "OneDrive for Business folder")


# ------------------------------------------------------------------------ parsing CPython's options


@pytest.mark.parametrize(("argv", "flags", "warnings", "other", "code", "rest"), [
    (["-B", "-c", "x", "a"], ("B",), (), (), "x", ("a",)),
    (["-B", "-u", "-W", "ignore", "-c", "x", "--wb=A"], ("B", "u"), ("ignore",), (), "x", ("--wb=A",)),
    (["-Bu", "-Wignore", "-cx"], ("B", "u"), ("ignore",), (), "x", ()),
    (["-uWignore::DeprecationWarning", "-c", "x"], ("u",), ("ignore::DeprecationWarning",), (), "x", ()),
    (["-X", "utf8", "-Ximporttime", "-c", "x", "-B"], (), (), ("-Xutf8", "-Ximporttime"), "x", ("-B",)),
    (["-E", "-c", "-c"], ("E",), (), (), "-c", ()),
])
def test_parse_command_line(argv: list[str], flags: tuple[str, ...], warnings: tuple[str, ...],
                            other: tuple[str, ...], code: str, rest: tuple[str, ...]) -> None:
    line = parse_command_line(argv)
    assert line is not None
    assert (line.flags, line.warning_options, line.other_options, line.code, line.args) == (
        flags, warnings, other, code, rest)


@pytest.mark.parametrize("argv", [[], ["-B"], ["script.py", "-c", "x"], ["-m", "mod"], ["--version"], ["-"],
                                  ["-W"], ["-c"]])
def test_not_a_c_command_line(argv: list[str]) -> None:
    assert parse_command_line(argv) is None


def test_only_applicable_options_take_the_lean_path() -> None:
    lean = parse_command_line(["-B", "-u", "-W", "ignore", "-c", "import sheetsync.excel.adapter as m"])
    assert lean is not None and lean.runs_sheetsync and lean.applicable
    optimised = parse_command_line(["-O", "-c", "import sheetsync.excel.adapter as m"])
    assert optimised is not None and not optimised.applicable
    other = parse_command_line(["-B", "-c", "import mymodule; mymodule.main()"])
    assert other is not None and not other.runs_sheetsync


def _matplotlib_config() -> str:
    """This user's matplotlib folder: a subprocess with a fresh HOME still finds its font cache there, instead of
    building one and printing "Matplotlib is building the font cache" on stderr when that takes over 5 s."""
    import matplotlib
    import matplotlib.font_manager

    return matplotlib.get_configdir()
