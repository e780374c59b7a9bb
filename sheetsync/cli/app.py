"""The `sheetsync` command group; each command module under `sheetsync.cli` adds its commands to it."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sheetsync")
def cli() -> None:
    """sheetsync: keep a force's Police Stalking Action Plan honest, current and reportable.

    Excel stays the front end; sheetsync validates the grid, keeps dated snapshots, and writes the NPCC
    progress update. Run 'sheetsync COMMAND -h' for any command.
    """


