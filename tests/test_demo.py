"""The README's main job, end to end through the CLI, on the bundled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import invoke

OUTPUTS = ["workbook_template.xlsx", "wessex-vale-plan.xlsx", "snapshots.db", "changes-since-november.html",
           "npcc-progress-update.docx", "npcc-progress-update.xlsx", "npcc-progress-update.html",
           "npcc-progress-update.md", "public-progress-update.html", "ActionPlan.xlsm", "plan-summary.txt",
           "validation.txt"]


@pytest.mark.slow
def test_demo_writes_everything_into_one_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert "snapshot 2 saved" in result.output
    # the imported March plan is what the sample says, and validation finds the defects planted in it
    shown = invoke(["show", str(out / "wessex-vale-plan.xlsx"), "--json"])
    plan = json.loads(shown.output)
    assert plan["force"] == "Wessex Vale Police" and plan["executive_lead"] == "ACC Helen Marsh"
    assert sum(len(r["actions"]) for r in plan["recommendations"]) == 39
    checked = invoke(["validate", str(out / "wessex-vale-plan.xlsx"), "--as-of", "2025-03-27",
                      "--format", "json"])
    assert checked.exit_code == 1
    codes = {f["code"] for f in json.loads(checked.output)["findings"]}
    assert {"unknown-status", "misplaced-action", "owner-unassigned", "missing-owner", "pending-language",
            "duplicate-update", "truncated-text", "deadline-wording"} <= codes
    # running it again replaces its own outputs and starts a fresh store
    again = invoke(["demo", "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert "snapshot 1 saved" in again.output
