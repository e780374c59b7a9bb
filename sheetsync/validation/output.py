"""`format_findings`: a report as readable text (grouped by recommendation, errors first), JSON or CSV."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Literal

from sheetsync.errors import ConfigError
from sheetsync.text import neutralise_formula, terminal_safe
from sheetsync.validation.records import FINDING_FIELDS, Finding, ValidationReport

Format = Literal["text", "json", "csv"]
_RANK = {"error": 0, "warning": 1, "info": 2}


def format_findings(report: ValidationReport, fmt: str = "text") -> str:
    """The report as readable text (grouped by recommendation, errors first), JSON or CSV."""
    if fmt == "json":
        import json

        data = {"ok": report.ok, "summary": report.summary, "findings": [f.as_dict() for f in report.findings]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv  # only for this output
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FINDING_FIELDS)
        for finding in report.findings:
            writer.writerow([_csv_cell(getattr(finding, column)) for column in FINDING_FIELDS])
        return out.getvalue()
    if fmt != "text":
        raise ConfigError(f"unknown output format {fmt!r}", hint="Use text, json or csv.")
    return _format_text(report)


def _csv_cell(value: object) -> str:
    return "" if value is None else neutralise_formula(str(value))


def _format_text(report: ValidationReport) -> str:
    groups: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        key = finding.recommendation if finding.action or finding.recommendation else None
        groups[key].append(finding)
    lines: list[str] = []
    for key, findings in groups.items():
        lines.append("The plan" if key is None else terminal_safe(f"Recommendation {key}"))
        for finding in sorted(findings, key=lambda f: _RANK[f.severity]):
            where = f"{finding.where}: " if finding.where else ""
            label = {"error": "error  ", "warning": "warning", "info": "note   "}[finding.severity]
            lines.append(terminal_safe(f"  {label} {where}{finding.message} [{finding.code}]"))
    total = report.evidence_requirements
    s = Counter(f.severity for f in report.findings)
    noun = "evidence requirement" if total == 1 else "evidence requirements"
    if not report.findings:
        lines.append(f"No problems found in {total} {noun}.")
    else:
        lines.append(f"{_plural(s['error'], 'error')}, {_plural(s['warning'], 'warning')}, "
                     f"{_plural(s['info'], 'note')} in {total} {noun}")
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


__all__ = ["Format", "format_findings"]
