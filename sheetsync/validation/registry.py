"""The rule registry: every check is a small function registered with `@rule(code, severity, scope, meaning)`.

A rule is a generator `check(ctx)` that yields a `Hit` for each problem it finds, saying where: the engine
(engine.py) adds the code and severity, locates the cell and orders the findings. Its scope says what it walks:

| scope | walks | its hits name |
| --- | --- | --- |
| plan | the plan as a whole (`ctx.plan`, or across rows) | nothing (`ref=`), or the `row=` they are about |
| read note | the reader's notes of its kind (`ctx.plan.read_notes`) | `note=` |
| recommendation | each recommendation (`ctx.recs`, in sheet order) | `rec=` |
| action | each evidence row (`ctx.rows`, in sheet order) | `row=` |
| catalogue | each national recommendation (`ctx.cat`); only run when the plan has rows | `recommendation=` |

Rules walk the plan's facts themselves (`for row in ctx.rows`) rather than being called once per row: a call per
rule per row cost 0.35 ms more on a 200-row plan than main's whole check of 3.2 ms (same-run A/B).

Findings come out ordered by place (the plan, then each recommendation followed by its rows, then the catalogue)
and, at one place, by the rule's place in the registry: the order of the modules in `rules/__init__.py` and of
the functions in each. The severity table (`SEVERITY`, `CODES`), the package's docstring and the README's code
table all come from here (`code_table()`; tests hold the two copies to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sheetsync.model import Severity
from sheetsync.validation.records import Hit

if TYPE_CHECKING:
    from sheetsync.validation.facts import Context

Scope = Literal["plan", "read note", "recommendation", "action", "catalogue"]
SCOPES: tuple[Scope, ...] = ("plan", "read note", "recommendation", "action", "catalogue")
Check = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One registered check: its code, its severities (the first is the default), scope and meaning."""

    code: str
    severities: tuple[Severity, ...]
    scope: Scope
    meaning: str
    check: Check
    rank: int  # its place in the registry: orders findings found at the same place


RULES: list[Rule] = []


def rule(code: str, severity: Severity | tuple[Severity, ...], *, scope: Scope, meaning: str
         ) -> Callable[[Check], Check]:
    """Register the decorated function as the check for `code` (see the module docstring for what it gets)."""
    severities = severity if isinstance(severity, tuple) else (severity,)
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def register(check: Check) -> Check:
        RULES.append(Rule(code, severities, scope, meaning, check, len(RULES)))
        return check

    return register


def rules() -> list[Rule]:
    """Every rule, in registry order (importing the rule modules registers them)."""
    import sheetsync.validation.rules  # noqa: F401  (registers every rule)

    return RULES


def severity_table() -> dict[str, Severity]:
    """Each code's default severity, codes in registry order."""
    table: dict[str, Severity] = {}
    for entry in rules():
        table.setdefault(entry.code, entry.severities[0])
    return table


def code_table() -> str:
    """The Markdown table of codes (code, severity, meaning) that the docstring and the README show."""
    merged: dict[str, tuple[list[str], list[str]]] = {}
    for entry in rules():
        severities, meanings = merged.setdefault(entry.code, ([], []))
        severities.extend(s for s in entry.severities if s not in severities)
        if entry.meaning not in meanings:
            meanings.append(entry.meaning)
    lines = ["| code | severity | what it means |", "| --- | --- | --- |"]
    lines += [f"| {code} | {' / '.join(sev)} | {'; '.join(meaning)} |" for code, (sev, meaning) in merged.items()]
    return "\n".join(lines) + "\n"


__all__ = ["RULES", "SCOPES", "Check", "Rule", "Scope", "code_table", "rule", "rules", "severity_table"]


if __name__ == "__main__":  # python -m sheetsync.validation.registry: the table to paste into the README
    print(code_table(), end="")
