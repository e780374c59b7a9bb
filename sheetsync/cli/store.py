"""Commands on the store itself: `store init` (a team store on a database server) and `store copy`."""

from __future__ import annotations

from sheetsync.cli.app import argument, cli, option
from sheetsync.cli.options import echo, json_option


@cli.group()
def store() -> None:
    """Set up a team store on a database server, and move histories between stores."""


@store.command("init")
@argument("url", metavar="URL")
@option("--app-role", default="sheetsync_app", show_default=True, metavar="NAME",
        help="The role the app's users work through: may read and add snapshots, never change or remove them.")
@option("--no-app-role", is_flag=True, help="Create the store only; grant access yourself.")
@option("--grant", dest="members", multiple=True, metavar="USER",
        help="Give the app role to this existing login (repeat for each user).")
def init(url: str, app_role: str, no_app_role: bool, members: tuple[str, ...]) -> None:
    """Create (or upgrade) the team store in the database at URL; run it as the database's owner.

    URL is postgresql://USER@HOST/DATABASE; the password comes from PGPASSWORD or your .pgpass file. The store
    lives in its own schema, 'sheetsync'; UPDATE, DELETE and TRUNCATE on its tables are refused by the database.
    """
    from sheetsync.store.postgres import init_store

    result = init_store(url, app_role=None if no_app_role else app_role, members=members)
    echo(result.describe())


@store.command("copy")
@argument("source", metavar="SRC")
@argument("destination", metavar="DST")
@json_option
def copy(source: str, destination: str, as_json: bool) -> int:
    """Copy every snapshot in SRC that DST lacks (a file store to the team database, or back), then verify DST.

    SRC and DST are file paths or database URLs. Running it again copies nothing new. Exit 1 if DST's chain
    does not verify afterwards.
    """
    from sheetsync.store.transfer import copy_history

    result = copy_history(source, destination)
    echo(result.model_dump_json(indent=2) if as_json else result.describe())
    return 0 if result.ok else 1
