"""The team store on a real PostgreSQL server (a throwaway cluster, tests/pg.py): store init and the app role,
append-only enforced by the database, 16 processes at once, faults, store copy, and passwords kept out of workbooks.

The behaviour every backend shares (snapshot, history, diff, restore, verify, dedupe, the chain) is tested in the
store suite, which runs against PostgreSQL too (the "postgres" entry of tests/store_backends.py).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pg
import psycopg
import pytest
from cli_run import invoke
from pg import PgCluster
from store_backends import make_plan, save

from sheetsync import snapshots
from sheetsync.errors import ConfigError, StoreError
from sheetsync.store import postgres
from sheetsync.store.transfer import copy_history
from sheetsync.store.urls import check_store_setting, has_password, is_database_url, redact

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def team(pg_cluster: PgCluster, pg_database: str) -> str:
    """An initialised team store; its URL for the app's login (no password: that comes from PGPASSWORD)."""
    postgres.init_store(pg_cluster.owner_url(pg_database), members=(pg.app_user(pg_cluster),))
    return pg_cluster.user_url(pg.APP_USER, None, pg_database)


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", pg.APP_USER_PASSWORD)
    monkeypatch.delenv(snapshots.STORE_ENV, raising=False)


def as_app(cluster: PgCluster, database: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(cluster.user_url(pg.APP_USER, pg.APP_USER_PASSWORD, database), autocommit=True)


def database_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def count(cluster: PgCluster, database: str, table: str = "snapshots") -> int:
    return int(cluster.psql(f"SELECT count(*) FROM sheetsync.{table}", database=database))


# --- store init, the app role, append-only ------------------------------------------------------------------------


def test_init_makes_the_schema_the_migrations_and_an_insert_only_role(pg_cluster: PgCluster, team: str) -> None:
    db = database_of(team)
    assert pg_cluster.psql("SELECT version, applied_by FROM sheetsync.migrations", database=db) == "1|owner\n2|owner"
    grants = pg_cluster.psql("SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) FROM "
                             "information_schema.role_table_grants WHERE grantee = 'sheetsync_app' "
                             "GROUP BY table_name ORDER BY table_name", database=db)
    assert grants.splitlines() == ["blobs|INSERT,SELECT", "chases|INSERT,SELECT", "migrations|SELECT",
                                   "plans|INSERT,SELECT", "snapshots|INSERT,SELECT"]
    assert pg_cluster.psql("SELECT pg_has_role('clerk', 'sheetsync_app', 'USAGE')") == "t"
    # Again: nothing changes, nothing breaks (an upgrade is the same command).
    again = postgres.init_store(pg_cluster.owner_url(db), members=("clerk",))
    assert again.schema_version == len(postgres.MIGRATIONS) == 2 and not again.created_role
    assert "role sheetsync_app updated" in again.describe()


def test_the_app_role_may_add_but_never_change_or_remove(pg_cluster: PgCluster, team: str, tmp_path: Path) -> None:
    save(tmp_path / "ActionPlan.xlsx", make_plan(), store=team, who="jo")
    db = database_of(team)
    with as_app(pg_cluster, db) as conn:
        for sql in ("UPDATE sheetsync.snapshots SET message = 'rewritten'",
                    "DELETE FROM sheetsync.snapshots",
                    "TRUNCATE sheetsync.snapshots CASCADE",
                    "UPDATE sheetsync.blobs SET data = 'x'",
                    "DELETE FROM sheetsync.plans",
                    "DELETE FROM sheetsync.migrations",
                    "DELETE FROM sheetsync.chases",
                    "DROP TABLE sheetsync.snapshots"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    assert pg_cluster.psql("SELECT message IS NULL FROM sheetsync.snapshots", database=db) == "t"
    assert snapshots.verify(store=team).ok


def test_even_the_owner_is_refused_by_the_triggers_and_a_tamper_past_them_is_caught(
        pg_cluster: PgCluster, team: str, tmp_path: Path) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan(), store=team)
    save(path, make_plan(update="Done."), store=team)
    db = database_of(team)
    with psycopg.connect(pg_cluster.owner_url(db)) as conn:
        for sql in ("UPDATE sheetsync.snapshots SET who = 'someone else' WHERE id = 1",
                    "DELETE FROM sheetsync.snapshots WHERE id = 2"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(sql)
            conn.rollback()
    # The owner can switch the triggers off (it is their table): verify still finds the edit.
    pg.owner_execute(pg_cluster, db, "UPDATE snapshots SET who = ? WHERE id = ?", ["someone else", 1])
    result = snapshots.verify(store=team)
    assert not result.ok
    assert [p.describe() for p in result.problems] == [
        "snapshot 1: its fields were altered after it was saved (they no longer match its hash)"]
    assert pg_cluster.psql("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'append_only%' AND tgenabled = 'O'",
                           database=db) == "10"  # two (rows, truncate) on each of the five tables


def test_cli_store_init_and_a_snapshot_through_the_app_role(pg_cluster: PgCluster, pg_database: str,
                                                           tmp_path: Path) -> None:
    template = pytest.importorskip("sheetsync.template")
    pg.app_user(pg_cluster)
    result = invoke(["store", "init", pg_cluster.owner_url(pg_database, password=False), "--grant",
                     "clerk"], env={"PGPASSWORD": pg_cluster.owner_password})
    assert result.exit_code == 0, result.output
    assert "team store ready at postgresql://owner@127.0.0.1" in result.output and "members: clerk" in result.output
    workbook = tmp_path / "ActionPlan.xlsx"
    template.write_plan_workbook(make_plan(), workbook)
    url = pg_cluster.user_url("clerk", None, pg_database)
    result = invoke(["snapshot", str(workbook), "--store", url, "--who", "jo"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("snapshot 1 saved (6 actions;")
    result = invoke(["history", str(workbook)], env={snapshots.STORE_ENV: url})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[0] == "1" and " jo " in result.output
    result = invoke(["verify", "--store", url])
    assert result.exit_code == 0 and "1 snapshot of 1 plan" in result.output, result.output


def test_init_names_a_missing_login_in_one_line(pg_cluster: PgCluster, pg_database: str) -> None:
    result = invoke(["store", "init", pg_cluster.owner_url(pg_database), "--grant", "nobody_here"])
    assert result.exit_code == 2, result.output
    assert 'role "nobody_here" does not exist' in result.output and len(result.output.strip().splitlines()) == 1
    assert pg_cluster.owner_password not in result.output


def test_init_refuses_a_bad_role_name_and_a_user_without_rights(pg_cluster: PgCluster, pg_database: str) -> None:
    with pytest.raises(ConfigError, match="is not a role name"):
        postgres.init_store(pg_cluster.owner_url(pg_database), app_role="app; DROP TABLE x")
    pg.app_user(pg_cluster)
    with pytest.raises(StoreError, match="refused this") as caught:
        postgres.init_store(pg_cluster.user_url("clerk", pg.APP_USER_PASSWORD, pg_database))
    assert "\n" not in str(caught.value)


# --- passwords never from the workbook --------------------------------------------------------------------------


def test_a_store_setting_with_a_password_is_refused_in_one_line() -> None:
    assert check_store_setting(" postgresql://jo@db.example/plans ") == "postgresql://jo@db.example/plans"
    assert check_store_setting(r"\\server\share\snapshots.db") == r"\\server\share\snapshots.db"
    assert check_store_setting("C:/plans/.sheetsync/snapshots.db") == "C:/plans/.sheetsync/snapshots.db"
    for url in ("postgresql://jo:s3cret@db.example/plans", "postgresql://jo:@db.example/plans",
                "mssql+pyodbc://jo:s3cret@db.example/plans?driver=ODBC+Driver+18+for+SQL+Server"):
        with pytest.raises(ConfigError) as caught:
            check_store_setting(url, where="ActionPlan.xlsm, Settings!B4")
        message = str(caught.value)
        assert message.startswith("ActionPlan.xlsm, Settings!B4: the store URL ") and "PGPASSWORD" in message
        assert "s3cret" not in message and "\n" not in message
    assert redact("postgresql://jo:s3cret@db.example:5433/plans") == "postgresql://jo@db.example:5433/plans"
    assert not has_password("postgresql://jo@db.example/plans") and is_database_url("postgres://h/d")
    assert not is_database_url("C:\\plans\\store.db")


def test_a_password_in_the_url_never_shows(pg_cluster: PgCluster, team: str, tmp_path: Path) -> None:
    url = pg_cluster.user_url("clerk", pg.APP_USER_PASSWORD, database_of(team))
    result = save(tmp_path / "p.xlsx", make_plan(), store=url)
    assert pg.APP_USER_PASSWORD not in result.model_dump_json()
    assert pg.APP_USER_PASSWORD not in snapshots.verify(store=url).describe()


# --- one linear chain from 16 processes ---------------------------------------------------------------------------


def _snapshot_in_process(url: str, folder: str, index: int, ready: Any, go: Any, results: Any) -> None:
    import platform

    platform.node = lambda: f"pc-{index:02d}.force.local"  # another host
    plan = make_plan(update=f"Update written on PC {index}.")
    ready.release()
    go.wait()
    try:
        results.put(save(Path(folder) / f"Plan{index % 4}.xlsx", plan, store=url, who=f"user{index:02d}").id)
    except Exception as exc:
        results.put(repr(exc))


def test_16_processes_at_once_lose_nothing_and_keep_one_chain(pg_cluster: PgCluster, team: str,
                                                              tmp_path: Path) -> None:
    # fork where there is one: 16 fresh interpreters importing sheetsync take most of a minute on a small machine.
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
    ready, go, results = context.Semaphore(0), context.Event(), context.Queue()
    processes = [context.Process(target=_snapshot_in_process, args=(team, str(tmp_path), i, ready, go, results))
                 for i in range(16)]
    for process in processes:
        process.start()
    try:
        for _ in range(16):
            assert ready.acquire(timeout=120)
        go.set()
        ids = sorted(results.get(timeout=120) for _ in range(16))
    finally:
        for process in processes:
            process.join(timeout=60)
    assert ids == list(range(1, 17))
    rows = list(snapshots.history(tmp_path / "Plan0.xlsx", store=team))
    assert len(rows) == 4
    db = database_of(team)
    assert pg_cluster.psql("SELECT count(DISTINCT who) || ' ' || count(DISTINCT machine) FROM sheetsync.snapshots",
                           database=db) == "16 16"
    result = snapshots.verify(store=team)
    assert result.ok and result.snapshots == 16 and result.plans == 4, result.describe()


# --- faults: one line, exit 2, nothing half-written, the chain intact after -----------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None, wait: bool = True) -> subprocess.Popen[str]:
    full_env = {**os.environ, **(env or {})}
    process = subprocess.Popen([sys.executable, "-m", "sheetsync", *args], cwd=ROOT, env=full_env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if wait:
        process.wait(timeout=120)
    return process


def one_error_line(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and pg.APP_USER_PASSWORD not in err
    return lines[0]


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    template = pytest.importorskip("sheetsync.template")
    path = tmp_path / "ActionPlan.xlsx"
    template.write_plan_workbook(make_plan(), path)
    return path


@pytest.fixture()
def stalled(pg_cluster: PgCluster, team: str) -> Iterator[str]:
    """The team store with a trigger that holds every snapshot INSERT for 60 s, inside the append transaction
    (after the plan and its chunks are written): a fault can then strike mid-snapshot."""
    db = database_of(team)
    pg_cluster.psql("CREATE FUNCTION public.stall() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "PERFORM pg_sleep(60); RETURN NEW; END $$; CREATE TRIGGER stall AFTER INSERT ON "
                    "sheetsync.snapshots FOR EACH ROW EXECUTE FUNCTION public.stall()", database=db)
    yield team
    if pg_cluster.running:
        pg_cluster.psql("DROP TRIGGER IF EXISTS stall ON sheetsync.snapshots", database=db)


def stalled_backend(cluster: PgCluster, db: str) -> int:
    for _ in range(600):
        pid = cluster.psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}' AND wait_event = 'PgSleep'")
        if pid:
            return int(pid)
        time.sleep(0.1)
    raise AssertionError("the snapshot never reached the stalled INSERT")


def check_after_the_fault(cluster: PgCluster, url: str, workbook: Path) -> None:
    db = database_of(url)
    cluster.psql("DROP TRIGGER IF EXISTS stall ON sheetsync.snapshots", database=db)
    for table in ("snapshots", "plans", "blobs"):
        assert count(cluster, db, table) == 0, f"half-written: {table}"
    assert snapshots.verify(store=url).ok
    retry = run_cli("snapshot", str(workbook), "--store", url)
    assert retry.returncode == 0, retry.communicate()
    assert snapshots.verify(store=url).ok and count(cluster, db) == 1


def test_the_connection_killed_mid_snapshot(pg_cluster: PgCluster, stalled: str, workbook: Path) -> None:
    process = run_cli("snapshot", str(workbook), "--store", stalled, wait=False)
    pid = stalled_backend(pg_cluster, database_of(stalled))
    pg_cluster.psql(f"SELECT pg_terminate_backend({pid})")
    line = one_error_line(process)
    assert "lost the connection to the server" in line and "nothing was saved" in line, line
    check_after_the_fault(pg_cluster, stalled, workbook)


def test_the_server_stopped_mid_snapshot(pg_cluster: PgCluster, stalled: str, workbook: Path) -> None:
    process = run_cli("snapshot", str(workbook), "--store", stalled, wait=False)
    stalled_backend(pg_cluster, database_of(stalled))
    pg_cluster.stop(mode="immediate")
    try:
        line = one_error_line(process)
        assert "lost the connection to the server" in line and "nothing was saved" in line, line
        down = run_cli("history", str(workbook), "--store", stalled)
        assert "cannot connect to the team store" in one_error_line(down)
    finally:
        pg_cluster.start()
    check_after_the_fault(pg_cluster, stalled, workbook)


def test_a_store_held_too_long_by_another_snapshot_is_busy(pg_cluster: PgCluster, team: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_STORE_TIMEOUT", "1")
    with as_app(pg_cluster, database_of(team)) as holder:
        holder.execute("BEGIN")
        holder.execute(f"SELECT pg_advisory_xact_lock({postgres.LOCK_KEY})")  # another snapshot, mid-append
        started = time.perf_counter()
        with pytest.raises(StoreError, match="is busy: another snapshot held the store's write lock for more "
                                             "than 1 s") as caught:
            save(tmp_path / "p.xlsx", make_plan(), store=team)
        assert 0.9 < time.perf_counter() - started < 30 and "\n" not in str(caught.value)
        holder.execute("ROLLBACK")
    assert save(tmp_path / "p.xlsx", make_plan(), store=team).id == 1  # free again: nothing was left behind


def test_wrong_or_missing_password_unreachable_host_and_no_such_database(pg_cluster: PgCluster, team: str,
                                                                         workbook: Path) -> None:
    wrong = one_error_line(run_cli("snapshot", str(workbook), "--store", team, env={"PGPASSWORD": "wrong"}))
    assert "cannot connect to the team store" in wrong and 'password authentication failed for user "clerk"' in wrong
    env = {"PGPASSWORD": "", "PGPASSFILE": str(workbook.parent / "no.pgpass")}
    assert "no password supplied" in one_error_line(run_cli("history", str(workbook), "--store", team, env=env))
    closed = pg.url(user="clerk", password=None, port=pg.free_port(), database="plans")
    unreachable = one_error_line(run_cli("snapshot", str(workbook), "--store", closed))
    assert "cannot connect to the team store" in unreachable and "Connection refused" in unreachable
    missing = one_error_line(run_cli("verify", "--store", team.rsplit("/", 1)[0] + "/nosuchdb"))
    assert 'database "nosuchdb" does not exist' in missing
    assert count(pg_cluster, database_of(team)) == 0


def test_a_database_with_another_applications_tables(pg_cluster: PgCluster, pg_database: str,
                                                     workbook: Path) -> None:
    pg_cluster.psql("CREATE TABLE public.orders (id int PRIMARY KEY); CREATE TABLE public.customers (id int)",
                    database=pg_database)
    url = pg_cluster.owner_url(pg_database)
    line = one_error_line(run_cli("snapshot", str(workbook), "--store", url))
    assert "holds another application's tables (public.customers, public.orders) and no sheetsync store" in line
    assert pg_cluster.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'sheetsync'",
                           database=pg_database) == "0"
    # A schema called sheetsync that is not a sheetsync store is not taken over either, even by store init.
    pg_cluster.psql("CREATE SCHEMA sheetsync AUTHORIZATION owner; CREATE TABLE sheetsync.snapshots (x int)",
                    database=pg_database)
    with pytest.raises(StoreError, match=r"another application's tables \(sheetsync.snapshots\)"):
        postgres.init_store(url)
    # With the administrator's consent (store init), the store goes beside the other tables in its own schema (one
    # the DBA made empty for it is fine).
    pg_cluster.psql("DROP TABLE sheetsync.snapshots", database=pg_database)
    postgres.init_store(url, app_role=None)
    assert save(workbook, make_plan(), store=url).saved


def test_an_empty_database_becomes_a_store_on_the_owners_first_snapshot_but_not_the_apps(
        pg_cluster: PgCluster, pg_database: str, tmp_path: Path) -> None:
    pg.app_user(pg_cluster)
    pg_cluster.psql(f"GRANT CONNECT ON DATABASE {pg_database} TO clerk")
    with pytest.raises(StoreError, match="has no sheetsync store and this user may not create it"):
        save(tmp_path / "p.xlsx", make_plan(), store=pg_cluster.user_url("clerk", None, pg_database))
    assert snapshots.history(tmp_path / "p.xlsx", store=pg_cluster.owner_url(pg_database)) == []
    assert save(tmp_path / "p.xlsx", make_plan(), store=pg_cluster.owner_url(pg_database)).id == 1


# --- store copy ------------------------------------------------------------------------------------------------


def test_store_copy_to_the_team_store_and_back_is_idempotent_and_verified(pg_cluster: PgCluster, team: str,
                                                                          tmp_path: Path) -> None:
    local = tmp_path / "local" / "snapshots.db"
    local.parent.mkdir()
    path = tmp_path / "ActionPlan.xlsx"
    for n in range(3):
        save(path, make_plan(update=f"Version {n}."), store=str(local), message=f"v{n}")
    save(tmp_path / "Other.xlsx", make_plan(force="Kent Police"), store=team)  # the team store is not empty

    first = copy_history(local, team)
    assert (first.copied, first.already_there, first.first_id, first.last_id) == (3, 0, 2, 4)
    assert first.ok and first.verify.snapshots == 4, first.describe()
    again = copy_history(local, team)
    assert (again.copied, again.already_there) == (0, 3) and again.ok
    assert again.describe().startswith("nothing to copy")

    team_history = snapshots.history(path, store=team)
    local_history = snapshots.history(path, store=str(local))
    same = ("created_at", "who", "machine", "message", "plan_hash", "workbook_hash", "validation")
    assert [e.model_dump(include=set(same)) for e in team_history] == [
        e.model_dump(include=set(same)) for e in local_history]
    assert snapshots.load_plan(path, 4, store=team).canonical_json() == snapshots.load_plan(
        path, 3, store=str(local)).canonical_json()

    back = tmp_path / "back.db"
    result = invoke(["store", "copy", team, str(back)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("copied 4 snapshots from postgresql://clerk@127.0.0.1")
    assert "4 snapshots of 2 plans; hash chain and every stored hash verified" in result.output
    assert copy_history(local, back).copied == 0  # the same snapshots, whichever way they came


def test_store_copy_into_an_empty_team_store_keeps_the_chain_and_its_hashes(team: str, tmp_path: Path) -> None:
    local = tmp_path / "snapshots.db"
    path = tmp_path / "ActionPlan.xlsx"
    for n in range(2):
        last = save(path, make_plan(update=f"Version {n}."), store=str(local))
    first = copy_history(local, team)
    assert (first.copied, first.first_id, first.last_id, first.same_chain) == (2, 1, 2, True), first.describe()
    assert "the same chain, hashes unchanged" in first.describe()
    assert last.row_hash is not None and snapshots.verify(store=team, heads=[last.row_hash]).ok
    # The file store goes on; copying again brings only what is new, still the same chain.
    newer = save(path, make_plan(update="Version 2."), store=str(local))
    again = copy_history(local, team)
    assert (again.copied, again.already_there, again.first_id, again.same_chain) == (1, 2, 3, True)
    assert newer.row_hash is not None and snapshots.verify(store=team, heads=[newer.row_hash]).ok
    # The team store then takes snapshots of its own; the next snapshot gets the next chunk ids too.
    assert save(tmp_path / "Other.xlsx", make_plan(force="Kent Police"), store=team).id == 4
    assert snapshots.verify(store=team).ok


def test_store_copy_refuses_a_history_that_does_not_verify(pg_cluster: PgCluster, team: str,
                                                           tmp_path: Path) -> None:
    save(tmp_path / "ActionPlan.xlsx", make_plan(), store=team)
    pg.owner_execute(pg_cluster, database_of(team), "UPDATE snapshots SET message = ? WHERE id = 1", ["forged"])
    with pytest.raises(StoreError, match=r"does not verify \(1 problem\), so it is not copied"):
        copy_history(team, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


# --- the SQLite path never loads the server libraries ----------------------------------------------------------


def test_the_file_store_never_imports_sqlalchemy(tmp_path: Path) -> None:
    code = ("import sys; sys.path.insert(0, 'tests'); from pathlib import Path; from store_backends import "
            "make_plan, save; from sheetsync import snapshots; "
            f"save(Path({str(tmp_path / 'p.xlsx')!r}), make_plan()); snapshots.verify(Path({str(tmp_path)!r}) / "
            "'p.xlsx'); import sheetsync.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'psycopg')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_an_sql_server_url_reaches_the_server_store_and_names_its_missing_driver(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    if __import__("importlib.util").util.find_spec("pyodbc") is not None:
        pytest.skip("pyodbc is installed here; this checks the message when it is not")
    url = "mssql+pyodbc://jo@127.0.0.1:1/plans?driver=ODBC+Driver+18+for+SQL+Server"
    with pytest.raises(ConfigError, match="needs the database driver pyodbc, which is not installed"):
        snapshots.history(tmp_path / "p.xlsx", store=url)


def test_a_chase_recorded_in_the_team_store_is_seen_from_every_pc(team: str, tmp_path: Path) -> None:
    """Two leads on two PCs, one team database: an owner chased from one is not chased again today from the
    other (the record lives in the store, through the app role's INSERT and SELECT)."""
    from datetime import date

    from sheetsync.chasing import ChaseLog

    day = date(2025, 3, 20)
    first_pc = ChaseLog(tmp_path / "pc1" / "ActionPlan.xlsx", team, force="Exampleshire Police")
    second_pc = ChaseLog(tmp_path / "pc2" / "ActionPlan.xlsx", team, force="Exampleshire Police")
    assert second_pc.chased_on(day) == set()
    first_pc.record(day, ["rachel okafor", "claire dunmore"])
    assert second_pc.chased_on(day) == {"rachel okafor", "claire dunmore"}
    assert second_pc.chased_on(date(2025, 3, 21)) == set()
    other_plan = ChaseLog(tmp_path / "pc2" / "Other.xlsx", team, force="Exampleshire Police")
    assert other_plan.chased_on(day) == set()
