"""The buttons' interpreter: xlwings without its optional imports, then everything importable again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sheetsync.excel import build as xlsm
from sheetsync.excel.launch import OPTIONAL

LAUNCHER = Path(sys.executable).parent / "sheetsync-excel-python"
PROBE = ("import xlwings.utils, sys; print('skipped:', sorted(m for m in {optional!r} if m not in sys.modules)); "
         "import pandas, matplotlib.figure; print('later:', 'pandas' in sys.modules, sys.argv)")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sheetsync.excel.launch", *args], capture_output=True, text=True,
                          check=False, timeout=120)


def test_xlwings_without_its_optional_imports_then_they_import_again() -> None:
    done = run("-B", "-c", PROBE.format(optional=OPTIONAL), "arg1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"skipped: {sorted(OPTIONAL)}"
    assert lines[1] == "later: True ['-c', 'arg1']"


def test_a_press_runs_through_it_as_runpython_calls_it(tmp_path: Path) -> None:
    from builders import catalogue_rows, write_grid

    plan = write_grid(tmp_path / "ActionPlan.xlsx", catalogue_rows())
    code = ('import xlwings.utils;xlwings.utils.prepare_sys_path("true;;;;;;"); import sheetsync.excel.memory as m; '
            f"m._bench_press({str(plan)!r}, {str(tmp_path / 'store.db')!r})")
    done = run("-B", "-c", code)
    assert done.returncode == 0, done.stderr
    assert "snapshot 1 saved" in done.stdout and "Traceback" not in done.stdout + done.stderr


def test_usage_without_code() -> None:
    done = run("-B")
    assert done.returncode == 1 and "usage: sheetsync-excel-python" in done.stderr


@pytest.mark.skipif(not LAUNCHER.is_file(), reason="the console script is installed by 'pip install -e .'")
def test_setup_points_xlwings_at_the_launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    xlsm.setup_excel(platform="linux")
    config = (tmp_path / ".xlwings" / "xlwings.conf").read_text(encoding="utf-8")
    assert f'"INTERPRETER_WIN","{LAUNCHER}"' in config
