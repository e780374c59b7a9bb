"""Plain-text views of a plan for the terminal (`sheetsync show`), with control characters removed."""

from __future__ import annotations

import textwrap
from collections import Counter

from sheetsync.model import Plan
from sheetsync.text import terminal_safe


def _short(text: str | None, width: int) -> str:
    if not text:
        return "-"
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def plan_summary(plan: Plan, *, width: int = 100) -> str:
    """A readable summary: the header block, then each recommendation with its evidence requirements."""
    actions = [action for _, action in plan.actions()]
    counts = Counter(action.status or ("(no status)" if not action.status_raw else "(unrecognised)")
                     for action in actions)
    lines = [
        plan.title or "(untitled plan)",
        f"Force: {plan.force or '-'}   Executive lead: {plan.executive_lead or '-'}   "
        f"Operational lead: {plan.operational_lead or '-'}",
        f"Marking: {plan.protective_marking or '-'}   Source: {plan.source or '-'}"
        + (f" (sheet '{plan.sheet}')" if plan.sheet else ""),
        f"{len(plan.recommendations)} recommendations, {len(actions)} evidence requirements: "
        + ", ".join(f"{n} {status}" for status, n in counts.most_common()),
        "",
    ]
    for rec in plan.recommendations:
        deadline = rec.deadline.strftime("%d %b %Y") if rec.deadline else "no deadline"
        lines.append(f"Recommendation {rec.number} (deadline {deadline})")
        if rec.text:
            lines.extend(textwrap.wrap(rec.text, width=width, initial_indent="  ", subsequent_indent="  ",
                                       max_lines=2, placeholder=" …"))
        for action in rec.actions:
            status = action.status or (f"? {action.status_raw!r}" if action.status_raw else "(no status)")
            if action.progress is not None:
                status += f" {action.progress}%"
            when = action.date.strftime("%d/%m/%Y") if action.date else (action.date_raw or "-")
            hidden = "  [hidden row]" if action.hidden else ""
            lines.append(f"  {action.id or '(no id)':<6} {status:<20} {when:<11} {_short(action.owner, 30)}{hidden}")
            if action.update:
                lines.append(f"         {_short(action.update, width - 9)}")
        lines.append("")
    return terminal_safe("\n".join(lines))  # a cell's escape sequence must not drive the terminal


__all__ = ["plan_summary"]
