"""Plans as pandas DataFrames, for analysts and for the national collators who combine forty-odd plans.

`plan_frame(plan)` gives one row per evidence requirement in the national column order; `collate(paths)` reads
many plan workbooks into one frame with a `force` and `source` column, so counts by force, status and
recommendation are one `groupby` away. pandas is imported here only, never on the Excel button's path.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from os import PathLike
from typing import TYPE_CHECKING

from sheetsync.model import Plan

if TYPE_CHECKING:
    import pandas as pd

FRAME_COLUMNS = ["force", "recommendation", "deadline", "action", "evidence", "owner", "update", "date", "status",
                 "status_raw", "progress", "supporting_documents", "done", "overdue", "hidden", "source"]


def plan_frame(plan: Plan, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per evidence requirement; `done` counts Action Complete, BAU and Not Applicable, `overdue` is a
    started-or-not deadline passed at `as_of` (default today) without being done."""
    import pandas as pd

    from sheetsync.plan_rules import deadline_of, is_done, is_overdue, vocabulary_of

    vocab = vocabulary_of(plan)
    today = as_of or date.today()
    rows = []
    for rec, action in plan.actions():
        done = is_done(action, vocab)
        rows.append({
            "force": plan.force, "recommendation": rec.number, "deadline": rec.deadline, "action": action.id,
            "evidence": action.evidence, "owner": action.owner, "update": action.update, "date": action.date,
            "status": action.status, "status_raw": action.status_raw, "progress": action.progress,
            "supporting_documents": action.supporting_documents, "done": done,
            "overdue": is_overdue(action, deadline_of(rec), today, vocab), "hidden": action.hidden,
            "source": plan.source,
        })
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    return frame.astype({"progress": "Int64", "done": bool, "overdue": bool, "hidden": bool})


def collate(paths: Iterable[str | PathLike[str]], *, as_of: date | None = None,
            roster: str | PathLike[str] | None = None) -> pd.DataFrame:
    """Every force's plan in `paths` (files or folders, any shape `sheetsync import` reads) as one frame, after
    `sheetsync.collate.collate` has skipped sheetsync's own outputs, duplicates and tables of several forces;
    `force` is the roster's name for the force."""
    import pandas as pd

    from sheetsync.collate import collate as collate_returns

    result = collate_returns(paths, as_of=as_of, roster=roster)
    frames = []
    for ret in result.returns:
        frame = plan_frame(ret.plan, as_of=result.as_of)
        frame["force"] = ret.force
        frame["source"] = ret.source
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def summary_by_force(frame: pd.DataFrame) -> pd.DataFrame:
    """Per force: evidence requirements, how many done, percentage done, overdue, without status."""
    grouped = frame.groupby("force", dropna=False)
    result = grouped.agg(requirements=("action", "size"), done=("done", "sum"), overdue=("overdue", "sum"),
                         without_status=("status", lambda s: int(s.isna().sum())))
    result["percent_done"] = (100 * result["done"] // result["requirements"]).astype(int)
    return result.reset_index()


__all__ = ["FRAME_COLUMNS", "collate", "plan_frame", "summary_by_force"]
