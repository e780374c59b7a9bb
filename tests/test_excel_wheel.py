"""A normal install: build the wheel, install it into a fresh venv outside the checkout, and run `sheetsync excel
build`, `sheetsync demo` and `sheetsync validate` from there (issue 12: the VBA was not in the wheel).

The fresh venv gets the wheel with `--no-deps`; its dependencies come from this test's own environment through a
path line in a .pth file (a directory named that way is put on sys.path but its own .pth files are not run, so
the checkout's editable install stays out). Everything of sheetsync's is the wheel's: the test checks where
`sheetsync` and its package data are loaded from.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--disable-pip-version-check", "-q",
          "-w", str(out)], cwd=out)
    [built] = out.glob("sheetsync-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_ships_every_data_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as package:
        names = set(package.namelist())
    source = ROOT / "sheetsync"
    tracked = subprocess.run(["git", "ls-files", "sheetsync"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    expected = {name for name in tracked if (ROOT / name).is_file()} if tracked else {
        str(p.relative_to(ROOT)) for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert expected - names == set()
    assert "sheetsync/excel/vba/SheetSync.bas" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.mark.slow
def test_installed_wheel_builds_the_workbook_runs_the_demo_and_validates(wheel: Path,
                                                                          tmp_path: Path) -> None:
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / ("python.exe" if sys.platform == "win32" else "python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=tmp_path).stdout.strip())
    (site / "_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
          "--disable-pip-version-check", str(wheel)], cwd=tmp_path)
    work = tmp_path / "work"  # outside the checkout
    work.mkdir()
    where = _run([str(python), "-c", "import sheetsync, sheetsync.excel.vba as v; print(sheetsync.__file__); "
                  "print(len(v.our_modules()))"], cwd=work).stdout.split()
    assert Path(where[0]).is_relative_to(env_dir) and where[1] == "1"
    sheetsync = str(bin_dir / "sheetsync")
    built = _run([sheetsync, "excel", "build", "-o", "ActionPlan.xlsm", "--force", "Wessex Vale Police"], cwd=work)
    assert (work / "ActionPlan.xlsm").is_file(), built.stdout
    demo = _run([sheetsync, "demo", "--output", "demo-out"], cwd=work)
    assert "Traceback" not in demo.stdout + demo.stderr
    assert list((work / "demo-out").rglob("*.xlsm")), demo.stdout
    validated = subprocess.run([sheetsync, "validate", "ActionPlan.xlsm"], cwd=work, capture_output=True,
                               text=True, timeout=300, check=False)
    assert validated.returncode in (0, 1), validated.stderr  # 1: findings (a blank plan has errors), never 2
    assert "Traceback" not in validated.stdout + validated.stderr and validated.stdout.strip()
    assert (bin_dir / "sheetsync-excel-python").is_file() or sys.platform == "win32"
