"""Shared bits of the importer tests: fixture paths and the real seed (skipped, visibly, when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.model import Plan

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SEED = ROOT.parent / "shared" / "seeds" / "000_971b1e020c253460.txt"


def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"the published seed plan is not at {SEED} (the shared folder is not mounted)")
    return SEED


def by_id(plan: Plan) -> dict[str, tuple[str, object]]:
    """action id -> (recommendation number it sits under, the action)."""
    return {action.id: (rec.number, action) for rec, action in plan.actions()}


def comparable(plan: Plan) -> dict[str, object]:
    """The canonical plan without where-it-was-read positions (cells), which only a workbook reader fills."""
    data = plan.canonical()
    for rec in data["recommendations"]:
        for action in rec["actions"]:
            action.pop("cells", None)
            action.pop("hidden", None)
    return data
