"""Is a store file on a network drive or in a synced folder? There SQLite's write-ahead log is unsafe.

(Filled in below; the SQLite backend asks `shared_location(path)`.)
"""

from __future__ import annotations

from pathlib import Path


def shared_location(path: Path) -> str | None:
    """A phrase naming why `path` is shared ('on a network drive (cifs)'), or None for a local disk."""
    return None
