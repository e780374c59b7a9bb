"""Shared test set-up: tests import their workbook builders from tests/builders.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
