"""The progress update as one self-contained HTML page: inline CSS, the chart as a data: URI, no requests out.

Rendered through Jinja2 with autoescaping on, so every piece of plan text is escaped; the template
(`templates/report.html.j2`) is written to be accessible (lang, ordered headings, captions, scoped headers).
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.dates import long_date
from sheetsync.text import markup_safe

if TYPE_CHECKING:
    import jinja2

    from sheetsync.report.data import ReportData


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    # finalize: every value printed passes markup_safe (no NUL, ESC or other control characters) before escaping
    env = jinja2.Environment(loader=jinja2.PackageLoader("sheetsync", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             finalize=_safe)
    env.filters["long_date"] = long_date
    return env


def write(data: ReportData, chart_png: bytes | None, path: Path) -> None:
    """The report as one HTML file at `path`."""
    assert chart_png is not None, "the HTML writer needs the chart"
    path.write_text(render_html(data, chart_png), encoding="utf-8")


def _safe(value: object) -> object:
    return markup_safe(value) if isinstance(value, str) else value


def render_html(data: ReportData, chart_png: bytes) -> str:
    chart_uri = "data:image/png;base64," + base64.b64encode(chart_png).decode("ascii")
    return _environment().get_template("report.html.j2").render(d=data, chart_uri=chart_uri)


__all__ = ["render_html", "write"]
