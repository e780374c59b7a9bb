"""report --since: the last return found by exact id (or "latest") through the store's public API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke
from freezegun import freeze_time

from sheetsync.errors import SnapshotNotFoundError
from sheetsync.report import render_report
from sheetsync.snapshots import history, snapshot

AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def fourteen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A plan with 14 snapshots, snapshot n taken on 1 March 2025 + n days, its update saying "return n"."""
    folder = tmp_path_factory.mktemp("since")
    plan = folder / "plan.xlsx"
    store = folder / "store.db"
    for n in range(1, 15):
        write_grid(plan, catalogue_rows(update=f"Return {n}"))
        with freeze_time(f"2025-03-{n:02d} 10:00:00"):
            taken = snapshot(plan, message=f"return {n}", store=store)
        assert taken.id == n
    write_grid(plan, catalogue_rows(update="Return now"))
    return plan, store


def _markdown(plan: Path, store: Path, since: str, tmp_path: Path) -> str:
    out = tmp_path / f"since-{since}.md"
    render_report(plan, format="md", output=out, as_of=AS_OF, since=since, store=store)
    return out.read_text(encoding="utf-8")


def test_fourteen_snapshots_are_in_the_store(fourteen: tuple[Path, Path]) -> None:
    plan, store = fourteen
    assert [entry.id for entry in history(plan, store=store)] == list(range(14, 0, -1))


@pytest.mark.parametrize(("since", "day"), [("1", 1), ("#1", 1), ("4", 4), ("14", 14), ("latest", 14)])
def test_since_takes_the_period_from_that_exact_snapshot(fourteen: tuple[Path, Path], tmp_path: Path, since: str,
                                                         day: int) -> None:
    plan, store = fourteen
    text = _markdown(plan, store, since, tmp_path)
    assert f"{day} March 2025 to 30 June 2025 (since the last return)" in text
    assert "## Changes since the last return" in text


def test_since_compares_with_that_snapshot(fourteen: tuple[Path, Path], tmp_path: Path) -> None:
    plan, store = fourteen
    text = _markdown(plan, store, "1", tmp_path)
    assert '7.1: update changed: added "now", removed "1"' in text  # snapshot 1's update was "Return 1 (7.1)"
    assert 'removed "14"' not in text


@pytest.mark.parametrize("since", ["15", "99999999999999999999", "²", "1.0", "current", "-1"])
def test_since_an_unknown_snapshot_is_one_line(fourteen: tuple[Path, Path], tmp_path: Path, since: str) -> None:
    plan, store = fourteen
    with pytest.raises(SnapshotNotFoundError):
        render_report(plan, format="md", output=tmp_path / "x.md", as_of=AS_OF, since=since, store=store)
    result = invoke(["report", str(plan), "--format", "md", "-o", str(tmp_path / "y.md"),
                     "--since", since, "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "y.md").exists()


def test_every_report_names_the_chain_head(fourteen: tuple[Path, Path], tmp_path: Path) -> None:
    from sheetsync.snapshots import chain_head

    plan, store = fourteen
    head = chain_head(plan, store=store)
    assert head is not None and head.id == 14
    for public in (False, True):
        out = tmp_path / f"r{public}.md"
        render_report(plan, format="md", output=out, as_of=AS_OF, store=store, public=public)
        assert f"snapshot 14, hash {head.hash}" in out.read_text(encoding="utf-8")
    result = invoke(["verify", "--store", str(store), "--head", head.hash])
    assert result.exit_code == 0, result.output


def test_a_plan_without_a_store_says_there_is_no_chain_head(tmp_path: Path) -> None:
    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    out = tmp_path / "r.md"
    render_report(plan, format="md", output=out, as_of=AS_OF, store=tmp_path / "none.db")
    assert "Snapshot chain head: none" in out.read_text(encoding="utf-8")
    assert not (tmp_path / "none.db").exists()  # reading the head creates no store
