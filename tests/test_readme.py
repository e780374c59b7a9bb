"""The README stays true: its commands exist, its code table is the validator's, CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from cli_run import invoke

from sheetsync.validation import SEVERITY

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_code_is_in_the_readme_with_its_severity() -> None:
    for code, severity in SEVERITY.items():
        row = re.search(rf"^\| {re.escape(code)} \| ([^|]+) \|", README, re.MULTILINE)
        assert row is not None, code
        assert severity in row.group(1), (code, row.group(1))


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in ci and "python3 tasks.py test" in README
    assert "python3 tasks.py demo" in README


def test_every_command_in_the_readme_exists() -> None:
    blocks = "\n".join(re.findall(r"^```\n(.*?)^```", README, re.MULTILINE | re.DOTALL))
    commands = sorted(set(re.findall(r"^sheetsync ([a-z]+)\b", blocks, re.MULTILINE)))
    assert len(commands) >= 12, commands
    for command in commands:
        result = invoke([command, "--help"])
        assert result.exit_code == 0, (command, result.output)
