"""Workbooks for the owners' round tests and bench: the sample plan, and returns edited the way an owner would
(cells changed in place, the file saved again)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.demo import SAMPLE_MARCH, sample_path
from sheetsync.importers import import_to_workbook
from sheetsync.package import Package
from sheetsync.reader import read_plan


def sample_workbook(path: Path) -> Path:
    """The bundled Wessex Vale sample (March 2025) as a workbook in the template."""
    import_to_workbook(sample_path(SAMPLE_MARCH), path)
    return path


def edit_workbook(source: Path, target: Path, changes: Mapping[str, Mapping[str, Any]], *,
                  saved: datetime | None = None) -> Path:
    """A copy of `source` with fields of rows changed ({"7.1": {"update": "..."}}), as if typed in Excel and
    saved at `saved` (the workbook's modified time)."""
    plan = read_plan(source)
    assert plan.sheet is not None
    cells: dict[str, Any] = {}
    for _, action in plan.actions():
        for field, value in changes.get(action.id, {}).items():
            cells[action.cells[field].rpartition("!")[2]] = value
    package = Package.open(source)
    package.set_cells(plan.sheet, cells)
    if saved is not None:
        core = package.read("docProps/core.xml")
        stamp = saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        package.write("docProps/core.xml", re.sub(rb"(<dcterms:modified\b[^>]*>)[^<]*", rb"\g<1>" + stamp, core))
    target.write_bytes(package.to_bytes())  # the user saving their own file (sheetsync never does this)
    return target
