"""sheetsync: keep a force's Police Stalking Action Plan honest, current and reportable.

The public API is re-exported here lazily, so `import sheetsync` stays fast (the Excel button starts a new
Python on every press): each name's module is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "Plan": "sheetsync.model",
    "Recommendation": "sheetsync.model",
    "Action": "sheetsync.model",
    "SheetsyncError": "sheetsync.errors",
    "Vocabulary": "sheetsync.vocabulary",
    "normalise": "sheetsync.vocabulary",
    "read_plan": "sheetsync.reader",
    "write_template": "sheetsync.template",
    "write_plan_workbook": "sheetsync.template",
    "validate": "sheetsync.validation",
    "import_plan": "sheetsync.importers",
    "snapshot": "sheetsync.snapshots",
    "history": "sheetsync.snapshots",
    "verify": "sheetsync.snapshots",
    "restore": "sheetsync.snapshots",
    "restore_snapshot": "sheetsync.snapshots",
    "load_plan": "sheetsync.snapshots",
    "diff_snapshots": "sheetsync.snapshots",
    "resolve_store": "sheetsync.snapshots",
    "chain_head": "sheetsync.snapshots",
    "diff_plans": "sheetsync.diff",
    "render_report": "sheetsync.report",
    "split_plan": "sheetsync.round.split",
    "merge_returns": "sheetsync.round.merge",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from sheetsync.diff import diff_plans
    from sheetsync.errors import SheetsyncError
    from sheetsync.importers import import_plan
    from sheetsync.model import Action, Plan, Recommendation
    from sheetsync.reader import read_plan
    from sheetsync.report import render_report
    from sheetsync.round.merge import merge_returns
    from sheetsync.round.split import split_plan
    from sheetsync.snapshots import (
        chain_head,
        diff_snapshots,
        history,
        load_plan,
        resolve_store,
        restore,
        restore_snapshot,
        snapshot,
        verify,
    )
    from sheetsync.template import write_plan_workbook, write_template
    from sheetsync.validation import validate
    from sheetsync.vocabulary import Vocabulary, normalise


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sheetsync' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
