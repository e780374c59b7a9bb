"""The progress update as Markdown: headings, pipe tables, the rules in a notes section (no chart: text only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.dates import long_date
from sheetsync.text import markup_safe

if TYPE_CHECKING:
    from sheetsync.report.data import ActionRow, ReportData

_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")


def md(value: object) -> str:
    """User text made safe inside a Markdown table cell or line: Markdown and HTML characters escaped, pipes
    escaped, newlines turned into <br> (the only HTML the report itself adds)."""
    text = markup_safe(str(value)) if value is not None else ""
    text = text.replace("&", "&amp;")
    text = _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)), text)
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "<br>".join(line for line in lines if line)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out.extend("| " + " | ".join(md(cell) or " " for cell in row) + " |" for row in rows)
    return [*out, ""]


def _action_cells(row: ActionRow, public: bool) -> list[str]:
    if public:
        return [row.id, row.evidence, row.status_label, row.date_text, row.update]
    return [row.id, row.evidence, row.owner, row.status_label, row.date_text, row.update]


def write(data: ReportData, chart_png: bytes | None, path: Path) -> None:
    """The report as Markdown at `path` (text only: the chart is described, not drawn)."""
    path.write_text(render_markdown(data), encoding="utf-8")


def render_markdown(data: ReportData) -> str:
    out: list[str] = [f"**{md(data.marking)}**", "", f"# {md(data.title)}: {md(data.force)}", ""]
    cover = data.cover()
    out += [f"- **{label}:** {md(value)}" for label, value in cover] + [""]
    if data.banner:
        out += [f"> **Warning:** {md(data.banner)}", ""]

    out += ["## Headline figures", ""]
    out += _table(["Figure", "Value"], [[label, value] for label, value in data.headline()])
    out += _table(["Status", "Evidence requirements"], [[c.label, str(c.count)] for c in data.status_counts])
    out += [f"Chart (in the Word, Excel and HTML versions): {md(data.chart_alt)}", ""]

    out += ["## Recommendations", ""]
    for section in data.recommendations:
        out += [f"### {md(section.title)}", "", md(section.text), "",
                f"- **Deadline:** {md(section.deadline_text)}", f"- **Overall status:** {md(section.status)}",
                f"- **RAG:** {section.rag}: {md(section.rag_reason)}", ""]
        if section.rows:
            headings = ["ID", "Evidence requirement", "Owner", "Status", "Date", "Update"]
            if data.public:
                headings.remove("Owner")
            out += _table(headings, [_action_cells(row, data.public) for row in section.rows])
        else:
            out += ["No evidence requirements recorded.", ""]

    if data.changes is not None:
        out += ["## Changes since the last return", "", md(data.changes_summary or ""), ""]
        out += [f"- {md(line)}" for line in data.changes] or ["No changes."]
        out += [""]

    out += ["## Outstanding actions", "", "Soonest deadline first.", ""]
    if data.outstanding:
        headings = ["Rec", "ID", "Evidence requirement", "Owner", "Deadline", "Status", "Overdue"]
        rows = [[r.recommendation, r.id, r.evidence, r.owner, long_date(r.deadline) or "None", r.status_label,
                 "Yes" if r.overdue else "No"] for r in data.outstanding]
        if data.public:
            headings.pop(3)
            rows = [row[:3] + row[4:] for row in rows]
        out += _table(headings, rows)
    else:
        out += ["None: every evidence requirement is complete.", ""]

    if not data.public:
        out += ["## Data-quality annex", "",
                f"{data.error_count} errors and {data.warning_count} warnings from validation.", ""]
        if data.findings:
            out += _table(["Severity", "Code", "Where", "Rec", "ID", "Message", "Suggestion"],
                          [[f.severity, f.code, f.where, f.recommendation, f.action, f.message, f.suggestion]
                           for f in data.findings])

    out += ["## Notes", ""] + [f"- {md(note)}" for note in data.notes] + ["", f"**{md(data.marking)}**", ""]
    return "\n".join(out)


__all__ = ["md", "render_markdown", "write"]
