"""Property tests: whatever text arrives, every importer returns a plan or raises a SheetsyncError."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.errors import SheetsyncError
from sheetsync.importers import import_plan

_PIECES = st.sampled_from([
    "Recommendation:", "7.1", "Status:", "Action complete", "Force update:", "Owner: DI A", "12.3 - Evidence "
    "requirements of progress/completion: x", "Recommendation 7 - By 27 March 2025, do it.", "<table>", "<tr>",
    "<td>", "</td>", "</tr>", "</table>", "<dl><dt>Recommendation:</dt><dd>7.2</dd></dl>", "| Rec No. | Status |",
    "|---|---|", "| 7.1 | BAU |", "Rec. No.,Recommendation,Status", "7,By 27 March,Compelte", "OFFICIAL",
    "&amp;", "&#0;", "\t", "\n", "\r\n", " ", "Date: Nov-24", "Force: X Police", "\x00", "\ufeff"])
_TEXTS = st.one_of(st.text(max_size=300), st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join))


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "csv"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_importers_never_crash(fmt: str, text: str) -> None:
    try:
        plan, report = import_plan(text.encode("utf-8"), format=fmt)
    except SheetsyncError:
        return
    assert report.evidence_rows == len(plan.actions()) > 0
    assert report.recommendations == len(plan.recommendations)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=600))
def test_detection_never_crashes_on_bytes(data: bytes) -> None:
    with contextlib.suppress(SheetsyncError):
        import_plan(data)
