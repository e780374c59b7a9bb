"""The snapshot store: dated, tamper-evident versions of plans, behind one repository interface.

- `chain`: the hash chain (row hash, verify a sequence, relink); pure.
- `packing`: workbooks as content-defined chunks, stored once; pure.
- `repository`: the `Repository` interface, the rows it passes, and `open_repository(address)` (a path →
  SQLite, `postgresql://…` → the server backend; `SCHEMES` is the one place a backend is registered).
- `ledger`: append, find, rebuild and verify snapshots on any backend.
- `sqlite` (the embedded default, with `location`: network and synced folders), `memory` (tests), `postgres`.
- `anchor`: the append-only head log beside a file store.

The commands (`snapshot`, `history`, `diff_snapshots`, `restore`, `verify`, `load_plan`, …) are in
`sheetsync.snapshots`, which reads and validates workbooks; they are also importable from here for callers
written before the split (imported on first use, so the store itself never imports the layer above).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_COMMANDS = frozenset({
    "STORE_ENV", "ChainHead", "RestoreResult", "SnapshotInfo", "SnapshotResult", "ValidationSummary", "VerifyResult",
    "chain_head", "diff_snapshots", "format_history", "history", "load_plan", "read_workbook", "resolve_store",
    "restore", "restore_snapshot", "snapshot", "snapshot_plan", "store_address", "summarise_validation", "verify",
})

if TYPE_CHECKING:
    from sheetsync.snapshots import (
        STORE_ENV as STORE_ENV,
    )
    from sheetsync.snapshots import (
        ChainHead as ChainHead,
    )
    from sheetsync.snapshots import (
        RestoreResult as RestoreResult,
    )
    from sheetsync.snapshots import (
        SnapshotInfo as SnapshotInfo,
    )
    from sheetsync.snapshots import (
        SnapshotResult as SnapshotResult,
    )
    from sheetsync.snapshots import (
        ValidationSummary as ValidationSummary,
    )
    from sheetsync.snapshots import (
        VerifyResult as VerifyResult,
    )
    from sheetsync.snapshots import (
        chain_head as chain_head,
    )
    from sheetsync.snapshots import (
        diff_snapshots as diff_snapshots,
    )
    from sheetsync.snapshots import (
        format_history as format_history,
    )
    from sheetsync.snapshots import (
        history as history,
    )
    from sheetsync.snapshots import (
        load_plan as load_plan,
    )
    from sheetsync.snapshots import (
        read_workbook as read_workbook,
    )
    from sheetsync.snapshots import (
        resolve_store as resolve_store,
    )
    from sheetsync.snapshots import (
        restore as restore,
    )
    from sheetsync.snapshots import (
        restore_snapshot as restore_snapshot,
    )
    from sheetsync.snapshots import (
        snapshot as snapshot,
    )
    from sheetsync.snapshots import (
        snapshot_plan as snapshot_plan,
    )
    from sheetsync.snapshots import (
        store_address as store_address,
    )
    from sheetsync.snapshots import (
        summarise_validation as summarise_validation,
    )
    from sheetsync.snapshots import (
        verify as verify,
    )


def __getattr__(name: str) -> Any:
    if name not in _COMMANDS:
        raise AttributeError(f"module 'sheetsync.store' has no attribute {name!r}")
    return getattr(importlib.import_module("sheetsync.snapshots"), name)


__all__ = sorted(_COMMANDS)
