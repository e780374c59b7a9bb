"""The main job on the bundled sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sheetsync.cli.app import cli, option
from sheetsync.cli.options import (
    INPUT_FILE,
    OUTPUT_FOLDER,
    as_of_option,
    echo,
)


@cli.command()
@option("-o", "--output", dest="outdir", type=OUTPUT_FOLDER,
        default="out", show_default=True, help="Folder for everything the demo writes.")
@option("--sample", type=INPUT_FILE, default=None,
        help="The plan to run on (default: the bundled sample).")
@as_of_option
def demo(outdir: Path, sample: Path | None, as_of: date | None) -> None:
    """The main job on the bundled sample plan: import, validate, snapshot, report; outputs in one folder."""
    from sheetsync.demo import run_demo

    for line in run_demo(outdir, sample=sample, as_of=as_of):
        echo(line)
