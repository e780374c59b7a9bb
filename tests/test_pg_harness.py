"""tests/pg.py: the throwaway PostgreSQL cluster the server-store tests run against."""

from __future__ import annotations

import pytest
from pg import PgCluster, find_bindir, no_server


def test_without_a_server_ci_fails_and_elsewhere_skips() -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true and PostgreSQL's server binaries are not installed"):
        no_server({"CI": "true"})
    with pytest.raises(pytest.skip.Exception, match="install Debian's 'postgresql' package"):
        no_server({})


@pytest.mark.postgres
def test_the_cluster_is_on_loopback_only_and_asks_for_passwords(pg_cluster: PgCluster, pg_database: str) -> None:
    assert find_bindir() == pg_cluster.bindir
    assert pg_cluster.psql("SHOW listen_addresses") == "127.0.0.1"
    assert pg_cluster.psql("SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND auth_method "
                           "= 'scram-sha-256'") != "0"
    assert pg_cluster.psql("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = "
                           f"'{pg_database}'") == "owner"
    assert pg_cluster.psql("SELECT rolsuper FROM pg_roles WHERE rolname = 'owner'") == "f"
