"""The owners' round: split a plan into one return per owner, merge what comes back (three-way, per field).

`split.py` writes the returns, `stamp.py` is what each return carries, `merge.py` merges them into the plan and
`report.py` says what happened. `sheetsync.split_plan` and `sheetsync.merge_returns` are the public entry points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheetsync.round.merge import merge_returns
    from sheetsync.round.split import split_plan

__all__ = ["merge_returns", "split_plan"]


def __getattr__(name: str) -> Any:
    if name == "split_plan":
        from sheetsync.round.split import split_plan

        return split_plan
    if name == "merge_returns":
        from sheetsync.round.merge import merge_returns

        return merge_returns
    raise AttributeError(f"module 'sheetsync.round' has no attribute {name!r}")
