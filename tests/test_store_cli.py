"""The store's commands through the CLI: snapshot, history, diff, restore, verify (on real workbooks)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_run import invoke
from store_backends import Backend, make_plan, named_store_backend

from sheetsync import snapshots
from sheetsync.template import write_plan_workbook

__all__ = ["named_store_backend"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(snapshots.STORE_ENV, raising=False)
    monkeypatch.setenv("SHEETSYNC_STORE_TIMEOUT", "5")


def test_cli_snapshot_history_diff_restore_verify(tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    plan = make_plan()
    write_plan_workbook(plan, path)
    result = invoke(["snapshot", str(path), "-m", "March return", "--who", "jo"])
    assert result.exit_code == 0, result.output
    first, head = result.output.splitlines()
    assert first.startswith("snapshot 1 saved (6 actions;")
    assert head.startswith("chain head: snapshot 1, hash ") and len(head.rsplit(" ", 1)[1]) == 64
    result = invoke(["snapshot", str(path)])
    assert result.exit_code == 0 and result.output.strip() == "unchanged since snapshot 1", result.output

    plan.recommendations[0].actions[0].status = "Action Complete"
    write_plan_workbook(plan, path, overwrite=True)
    result = invoke(["snapshot", str(path), "--json"])
    assert result.exit_code == 0, result.output
    taken = json.loads(result.output)
    assert taken["id"] == 2 and taken["chain_head"] == {"id": 2, "hash": taken["row_hash"]}

    result = invoke(["history", str(path)])
    assert result.exit_code == 0, result.output
    assert "March return" in result.output and result.output.splitlines()[1].split()[0] == "2"
    assert [e["id"] for e in json.loads(invoke(["history", str(path), "--json"]).output)] == [2, 1]

    result = invoke(["diff", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 action moved to Action Complete" in result.output
    assert invoke(["diff", str(path), "1", "current", "--html"]).output.startswith("<!DOCTYPE html>")

    result = invoke(["restore", str(path), "1", "-o", str(tmp_path / "march.xlsx")])
    assert result.exit_code == 0, result.output
    assert snapshots.load_plan(path, 1).canonical_json() == snapshots.read_workbook(
        tmp_path / "march.xlsx")[1].canonical_json()
    result = invoke(["restore", str(path), "1", "-o", str(path), "--force"])
    assert result.exit_code == 2 and "never writes over" in result.output

    result = invoke(["verify", str(path)])
    assert result.exit_code == 0, result.output
    result = invoke(["verify", str(path), "--head", taken["row_hash"]])
    assert result.exit_code == 0 and "recorded head" in result.output, result.output
    with sqlite3.connect(snapshots.resolve_store(path, None)) as conn:
        conn.execute("UPDATE snapshots SET message = 'edited' WHERE id = 1")
    conn.close()
    result = invoke(["verify", str(path)])
    assert result.exit_code == 1 and "snapshot 1:" in result.output, result.output


def test_cli_bad_store_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    write_plan_workbook(make_plan(), path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 100)
    for args in (["snapshot", str(path), "--store", str(junk)], ["history", str(path), "--store", str(junk)],
                 ["verify", "--store", str(junk)], ["restore", str(path), "1", "-o", "x.xlsx", "--store", str(junk)]):
        result = invoke(args)
        assert result.exit_code == 2, (args, result.output)
        assert "not a sheetsync snapshot store" in result.output
    result = invoke(["history", str(path), "--store", "mongodb://host/db"])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1, result.output


@pytest.mark.parametrize("args, words", [
    (["restore", "{plan}", "99999999999999999999", "-o", "{out}"], "there is no snapshot 99999999999999999999"),
    (["diff", "{plan}", "99999999999999999999"], "there is no snapshot 99999999999999999999"),
    (["diff", "{plan}", "1", "99999999999999999999"], "there is no snapshot"),
    (["diff", "{plan}", "²", "current"], "'²' is not a snapshot id"),
    (["restore", "{plan}", "²", "-o", "{out}"], "'²' is not a snapshot id"),
    (["restore", "{plan}", "current", "-o", "{out}"], "'current' is the workbook as it is now"),
    (["verify", "{plan}", "--head", "cafe"], "is not a chain head hash"),
])
def test_cli_bad_snapshot_ids_are_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    path = write_plan_workbook(make_plan(), tmp_path / "ActionPlan.xlsx")
    assert invoke(["snapshot", str(path)]).exit_code == 0
    result = invoke([arg.format(plan=path, out=tmp_path / "out.xlsx") for arg in args])
    assert result.exit_code == 2, result.output
    assert words in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_restore_and_diff_refuse_a_tampered_row(tmp_path: Path, named_store_backend: Backend) -> None:
    store_backend = named_store_backend
    store = str(store_backend.store)
    path = tmp_path / "ActionPlan.xlsx"
    for update in ("One.", "Two."):
        write_plan_workbook(make_plan(update=update), path, overwrite=True)
        assert invoke(["snapshot", str(path), "--store", store]).exit_code == 0
    store_backend.update_row(1, {"message": "copied from snapshot 2", "plan_hash": "0" * 64})
    for args in (["restore", str(path), "1", "-o", str(tmp_path / "r.xlsx")], ["diff", str(path), "1", "2"]):
        result = invoke([*args, "--store", store])
        assert result.exit_code == 2, result.output
        assert "snapshot 1's fields were altered after it was saved" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.xlsx").exists()


def test_cli_output_carries_no_control_characters(tmp_path: Path) -> None:
    path = write_plan_workbook(make_plan(), tmp_path / "ActionPlan.xlsx")
    hostile = "March\x1b]0;PWNED\x07 return"
    result = invoke(["snapshot", str(path), "-m", hostile, "--who", "jo\x1b[2J"])
    assert result.exit_code == 0, result.output
    result = invoke(["history", str(path)])
    assert result.exit_code == 0 and "March]0;PWNED return" in result.output, result.output
    assert not any(ch in result.output for ch in "\x1b\x07"), result.output
    assert json.loads(invoke(["history", str(path), "--json"]).output)[0]["message"] == hostile
