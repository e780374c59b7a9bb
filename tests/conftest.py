"""Shared test set-up: tests import their workbook builders from tests/builders.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pg import pg_cluster, pg_database, stop_shared  # noqa: F401  (the throwaway PostgreSQL server's fixtures)


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    stop_shared()  # the throwaway PostgreSQL cluster, if a test started it
