"""Shared test set-up: tests import their workbook builders from tests/builders.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pg import pg_cluster, pg_database  # noqa: F401  (the throwaway PostgreSQL server's fixtures)
