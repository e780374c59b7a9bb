"""Plans as DataFrames, and `sheetsync collate` for the national view."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from builders import catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.frames import collate, plan_frame, summary_by_force
from sheetsync.reader import read_plan


def test_plan_frame_one_row_per_requirement(tmp_path: Path) -> None:
    rows = catalogue_rows(status="Action Complete")
    rows[0][7] = "In Progress 40%"
    frame = plan_frame(read_plan(write_grid(tmp_path / "p.xlsx", rows)), as_of=date(2025, 6, 1))
    assert len(frame) == 39 and list(frame["action"][:2]) == ["7.1", "7.2"]
    first = frame.iloc[0]
    assert first["status"] == "In Progress" and first["progress"] == 40 and bool(first["overdue"])
    assert int(frame["done"].sum()) == 38


def test_collate_forces_and_cli(tmp_path: Path) -> None:
    a = write_grid(tmp_path / "a.xlsx", catalogue_rows(status="BAU"), force="Kent Constabulary")
    b = write_grid(tmp_path / "b.xlsx", catalogue_rows(status="Not Started"), force="@SUM(1+1)*cmd|' /C calc'!A0")
    frame = collate([a, b, a], as_of=date(2025, 6, 1))  # the same file twice is counted once
    assert len(frame) == 78 and set(frame["source"]) == {str(a), str(b)}
    summary = summary_by_force(frame).set_index("force")
    assert summary.loc["Kent Police", "percent_done"] == 100  # the roster's name for the force
    hostile = summary.drop(index="Kent Police").iloc[0]
    assert hostile["overdue"] == 38 and hostile["percent_done"] == 0  # rec 22's deadline is September 2025
    out = tmp_path / "national.xlsx"
    result = invoke(["collate", str(a), str(b), "-o", str(out), "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    plans = pd.read_excel(out, sheet_name="Plans", engine="calamine")
    assert len(plans) == 78 and plans["force"].str.startswith("@").sum() == 0
    assert plans["force"].str.startswith("'@SUM").sum() == 39
    again = invoke(["collate", str(a), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
