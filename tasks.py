"""Set-up and the project's two commands, with nothing but Python 3.11+ on the machine (Linux, macOS, Windows).

    python tasks.py demo    # installs sheetsync in ./.venv and runs the main job on the bundled sample -> out/
    python tasks.py test    # installs sheetsync and its dev tools in ./.venv (and LibreOffice, poppler,
                            # Chromium and PostgreSQL on Debian/Ubuntu when missing), then ruff, mypy and the
                            # whole test suite

Other targets: `bench` (benchmarks), `lint`. Extra arguments after the target go to the tool (pytest, sheetsync).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
SYSTEM_TOOLS = {  # command -> Debian package that provides it (the real-client tests need them)
    "soffice": ["libreoffice-calc-nogui", "libreoffice-writer-nogui"],
    "pdftoppm": ["poppler-utils"],
    "chromium": ["chromium"],
    "initdb": ["postgresql"],  # the server-store tests start a throwaway cluster (tests/pg.py)
    "bindfs": ["bindfs"],  # a real FUSE mount for the store's network-location test
}


def run(*cmd: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check).returncode


def ensure_venv(extras: str) -> None:
    """Create .venv and install sheetsync (editable) with `extras`; skipped when nothing changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"sheetsync needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating {VENV}", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            # Debian's own python3 ships venv's pip bootstrap separately (python3-venv).
            if not apt_install([f"python{sys.version_info.major}.{sys.version_info.minor}-venv"]):
                sys.exit(f"could not create {VENV} ({exc}); install your Python's venv support "
                         "(on Debian/Ubuntu: apt-get install python3-venv) and run this again")
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)


def apt_install(packages: list[str]) -> bool:
    """Install Debian packages when apt-get is here and ours to use (root, or sudo without a password)."""
    apt = shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    sudo = [] if is_root else (["sudo", "-n"] if shutil.which("sudo") else None)
    if apt is None or sudo is None:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, apt, "update", "-qq"], check=False, env=env)
    return subprocess.run([*sudo, apt, "install", "-y", "-qq", "--no-install-recommends", *packages],
                          check=False, env=env).returncode == 0


def have_tool(tool: str) -> bool:
    """On PATH; PostgreSQL's server programs also where Debian keeps them (pg_config --bindir, /usr/lib/postgresql)."""
    if shutil.which(tool):
        return True
    if tool != "initdb":
        return False
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        folders.append(Path(out.stdout.strip() or "."))
    return any((folder / tool).is_file() for folder in folders)


def ensure_system_tools() -> None:
    """Install LibreOffice, poppler, Chromium and PostgreSQL with apt where they are missing and apt is ours."""
    missing = [pkg for tool, pkgs in SYSTEM_TOOLS.items() if not have_tool(tool) for pkg in pkgs]
    if not missing:
        return
    if not apt_install([*missing, "fonts-dejavu-core", "fonts-liberation"]):
        print(f"note: could not install {', '.join(missing)} (no apt-get for this user, or it failed); the "
              "tests that need them will be reported as skipped", flush=True)


def demo(args: list[str]) -> int:
    ensure_venv("")
    return run(BIN / "sheetsync", "demo", *(args or ["-o", "out"]), check=False)


def lint(args: list[str]) -> int:
    ensure_venv("dev")
    code = run(PY, "-m", "ruff", "check", "sheetsync", "tests", "bench", "tasks.py", check=False)
    return code or run(PY, "-m", "mypy", "sheetsync", "tests", "bench", "tasks.py", check=False)


def test(args: list[str]) -> int:
    ensure_venv("dev")
    ensure_system_tools()
    code = lint([])
    if code:
        return code
    return run(PY, "-m", "pytest", *args, check=False)


def bench(args: list[str]) -> int:
    ensure_venv("dev")
    code = 0
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if not args or any(a in script.name for a in args):
            code |= run(PY, script, check=False)
    return code


TARGETS = {"demo": demo, "test": test, "lint": lint, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python tasks.py {{{'|'.join(TARGETS)}}} [args...]")
    sys.exit(TARGETS[sys.argv[1]](sys.argv[2:]))
