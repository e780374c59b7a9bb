"""Import stays the same on every input it already handled: the plan JSON and the import report of each fixture,
bundled sample and the published seed, read from its path and from its bytes, hash to what they did before the
registry was redeclared (issue 11). Regenerate `expected.json` only for a change meant to alter a result:

    .venv/bin/python tests/test_import_golden.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from import_helpers import FIXTURES, ROOT, SEED

from sheetsync.errors import SheetsyncError
from sheetsync.importers import import_plan

EXPECTED = FIXTURES / "expected.json"
# Report keys added after the hashes were recorded (information only: where each field was read from).
ADDED_SINCE = ("read_from",)
SAMPLES = ROOT / "sheetsync" / "samples"


def _inputs() -> list[Path]:
    files = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix not in (".py", ".json"))
    return [*files, *sorted(SAMPLES.iterdir()), SEED]


def _result(path: Path, how: str) -> str:
    """The plan's canonical JSON and the report's JSON (or the error line), with the path made relative."""
    try:
        plan, report = import_plan(path if how == "path" else path.read_bytes())
    except SheetsyncError as exc:
        return "error: " + str(exc).replace(str(path), path.name)
    data = json.loads(report.model_dump_json())
    data["source"] = path.name if how == "path" else None
    for key in ADDED_SINCE:
        data.pop(key, None)
    return plan.canonical_json().replace(str(path), path.name) + "\n" + json.dumps(data, sort_keys=True)


def _digest(path: Path, how: str) -> str:
    return hashlib.sha256(_result(path, how).encode()).hexdigest()


CASES = [(path, how) for path in _inputs() for how in ("path", "bytes")]


@pytest.mark.parametrize(("path", "how"), CASES, ids=[f"{p.name}-{how}" for p, how in CASES])
def test_import_unchanged(path: Path, how: str) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared folder is not mounted)")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    key = f"{path.name} ({how})"
    assert key in expected, f"{key} has no recorded result: run this file with --write once, on purpose"
    assert _digest(path, how) == expected[key], _result(path, how)[:2000]


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    EXPECTED.write_text(json.dumps({f"{p.name} ({how})": _digest(p, how) for p, how in CASES if p.exists()},
                                   indent=1, sort_keys=True) + "\n", encoding="utf-8")
