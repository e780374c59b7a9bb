"""Shared test set-up: tests import their workbook builders from tests/builders.py."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pg import pg_cluster, pg_database, stop_shared  # noqa: F401  (the throwaway PostgreSQL server's fixtures)


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    stop_shared()  # the throwaway PostgreSQL cluster, if a test started it


@pytest.fixture
def require_tool() -> Callable[[str], str]:
    """`require_tool("chromium")` -> the program's path. Where it is missing the test is skipped, visibly; with
    CI=true it fails instead, so CI never passes by skipping the real-client checks."""

    def find(name: str) -> str:
        path = shutil.which(name)
        if path:
            return path
        message = f"{name} is not installed (python3 tasks.py test installs it on Debian/Ubuntu)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)

    return find


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty home folder (HOME and USERPROFILE) and no SHEETSYNC_STORE, as on a new user's PC."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.delenv("SHEETSYNC_STORE", raising=False)
    return home
