"""The report's one chart: evidence requirements by status for each recommendation, as PNG bytes.

Stacked horizontal bars whose fills differ in lightness *and* hatching, so the chart still reads when printed in
greyscale. Drawn with matplotlib's Agg canvas directly (no pyplot: faster to import, no global state).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sheetsync.report.data import ReportData

# Fill and hatch per status category: lightness falls from "not started" to "done", hatches tell them apart.
# Hatches are drawn at double density, not triple: Agg's hatching cost grows with density (0.4 s -> 0.2 s).
_STYLE: dict[str, tuple[str, str]] = {
    "Action Complete": ("#0b3c5d", ""),
    "BAU": ("#3f7cac", ".."),
    "Not Applicable": ("#b8b8b8", "\\\\"),
    "In Progress": ("#f2c14e", "//"),
    "Not Started": ("#ffffff", "xx"),
    "No status": ("#ffffff", ""),
    "Status not recognised": ("#e6e6e6", "o"),
    "Status not recorded": ("#ffffff", ""),
}
# Stack order: complete on the left, then work under way, then what has not begun or is unknown.
_ORDER = {"done": 0, "in_progress": 1, "not_started": 2, "unknown": 3}
_FALLBACK: dict[str, tuple[str, str]] = {
    "done": ("#5b8c5a", "--"),
    "in_progress": ("#f6dc9c", "++"),
    "not_started": ("#ffffff", "o"),
    "unknown": ("#ffffff", ""),
}


def status_chart_png(data: ReportData) -> bytes:
    """The chart for `data` as PNG bytes (`render_reports` draws it once for all the formats it writes)."""
    rows = tuple((f"Rec {s.number}", tuple(c.count for c in s.counts)) for s in data.recommendations)
    order = sorted(range(len(data.status_counts)), key=lambda i: _ORDER[data.status_counts[i].category])
    rows = tuple((label, tuple(counts[i] for i in order)) for label, counts in rows)
    series = tuple((data.status_counts[i].key, data.status_counts[i].label, data.status_counts[i].category)
                   for i in order)
    return _draw(rows, series)


def _import_matplotlib_quickly() -> None:
    """Import matplotlib without building the help text of every Artist subclass's set() method.

    Kept after issue 11's review because it is the one report trick with a figure a user feels: matplotlib
    builds that text (and a signature) for each of its ~100 Artist classes as they are defined, for nothing
    sheetsync uses. Same run, a new interpreter each, median CPU of 7 (`bench/bench_report.py --tricks`, 2-core
    VM shared with other jobs, 2026-12-02): importing matplotlib's Figure and Agg 821 -> 716 ms; all four formats
    of a 39-row plan 1.59 -> 1.52 s, of a 200-row plan 1.71 -> 1.50 s (without it the report is 12-19 % slower
    than before this round; with it 5-7 %). `set()` itself keeps working (it is
    Artist.set); only its generated docstring is missing in this process. If matplotlib is already imported, or
    its internals change, this does nothing.
    """
    import sys

    if "matplotlib.figure" in sys.modules:
        return
    import matplotlib.artist

    artist = matplotlib.artist.Artist
    if hasattr(artist, "_update_set_signature_and_docstring"):
        artist._update_set_signature_and_docstring = classmethod(lambda cls: None)


def _draw(rows: tuple[tuple[str, tuple[int, ...]], ...], series: tuple[tuple[str, str, str], ...]) -> bytes:
    _import_matplotlib_quickly()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from matplotlib.ticker import MaxNLocator

    labels = [label for label, _ in rows] or ["(none)"]
    top_in, bottom_in = 0.45, 1.15  # title above; axis label and legend below (inches)
    height = top_in + bottom_in + 0.3 * len(labels)
    fig = Figure(figsize=(8.0, height), dpi=100)
    # Fixed margins instead of tight_layout: tight_layout draws the whole figure once more just to measure it.
    fig.subplots_adjust(left=0.1, right=0.97, top=1 - top_in / height, bottom=bottom_in / height)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # Each status is one patch whose path holds all its bars (the rectangles ax.barh would draw): 5 artists
    # instead of ~75, and Agg renders each hatch pattern once per patch rather than once per bar (dots and
    # crosses cost ~1 ms a bar). The patches are the legend's handles, in stack order.
    bar = 0.35  # half the bar height (barh's default 0.7)
    box_codes = [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    left = [0] * len(labels)
    handles = []
    for index, (key, label, category) in enumerate(series):
        widths = [counts[index] for _, counts in rows] or [0]
        if not any(widths):
            continue
        fill, hatch = _STYLE.get(key) or _STYLE.get(label) or _FALLBACK.get(category, ("#ffffff", ""))
        vertices: list[tuple[float, float]] = []
        for y, (x, w) in enumerate(zip(left, widths, strict=True)):
            if w:
                vertices += [(x, y - bar), (x + w, y - bar), (x + w, y + bar), (x, y + bar), (x, y - bar)]
        bars = Path(vertices, box_codes * (len(vertices) // 5))
        handles.append(ax.add_patch(PathPatch(bars, facecolor=fill, edgecolor="#000000", linewidth=0.6,
                                              hatch=hatch or None, label=label)))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    # The limits barh's autoscaling gives (5% margins; the bars start at 0), first recommendation at the top.
    ax.set_xlim(0, max(max(left) * 1.05, 1))
    span = len(labels) - 1 + 2 * bar
    ax.set_ylim(len(labels) - 1 + bar + 0.05 * span, -bar - 0.05 * span)
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    ax.set_xlabel("Evidence requirements", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # y=1: where matplotlib would place it anyway (nothing above the axes), without measuring every tick label.
    ax.set_title("Evidence requirements by status, per recommendation", fontsize=10, loc="left", y=1.0)
    if handles:
        ax.legend(handles=handles, loc="upper center",
                  bbox_to_anchor=(0.5, -0.55 / (height - top_in - bottom_in)), ncol=3, fontsize=8, frameon=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


__all__ = ["status_chart_png"]
