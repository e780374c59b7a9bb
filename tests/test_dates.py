"""UK dates by explicit day-first rules; never a silent guess."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_model import assert_same, validated_twin

from sheetsync.dates import parse_date


@pytest.mark.parametrize(("value", "expected", "how"), [
    ("27/03/25", date(2025, 3, 27), "dmy"),
    ("27/03/2025", date(2025, 3, 27), "dmy"),
    ("05.03.2025", date(2025, 3, 5), "dmy"),
    ("Nov-24", date(2024, 11, 1), "month"),
    ("November 2024", date(2024, 11, 1), "month"),
    ("21st November 2024", date(2024, 11, 21), "ordinal"),
    ("27 Mar 2025", date(2025, 3, 27), "ordinal"),
    ("2025-03-27", date(2025, 3, 27), "iso"),
    (45743, date(2025, 3, 27), "serial"),
    ("45743", date(2025, 3, 27), "serial"),
    (datetime(2025, 3, 27, 9, 30), date(2025, 3, 27), "excel"),
    (date(2025, 3, 27), date(2025, 3, 27), "excel"),
])
def test_readable(value: object, expected: date, how: str) -> None:
    parsed = parse_date(value)
    assert (parsed.date, parsed.how) == (expected, how)


@pytest.mark.parametrize(("value", "how"), [
    ("31/02/2025", "impossible"), ("tbc", "invalid"), ("03/27/2025", "impossible"), (12, "invalid"),
    ("", "empty"), (None, "empty"), ("next week", "invalid"),
])
def test_unreadable_kept_raw(value: object, how: str) -> None:
    parsed = parse_date(value)
    assert parsed.date is None and parsed.how == how
    if value not in ("", None):
        assert parsed.raw == str(value)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_day_first_round_trip(day: date) -> None:
    assert parse_date(day.strftime("%d/%m/%Y")).date == day
    assert parse_date(day.strftime("%d %B %Y")).date == day
    assert parse_date(day.isoformat()).date == day


@given(st.text(max_size=40))
def test_never_crashes(text: str) -> None:
    parsed = parse_date(text)
    assert parsed.date is None or isinstance(parsed.date, date)


@pytest.mark.parametrize("value", [
    "27/03/25", "Nov-24", "21st November 2024", "March 27, 2025", "2025-03-27", 45743, "45743", 12, True,
    datetime(2025, 3, 27, 9, 30), date(2025, 3, 27), "31/02/2025", "tbc", "", None, "  ",
])
def test_results_equal_validated_models(value: object) -> None:
    """parse_date builds its results without validation (sheetsync.model.trusted): each equals the validated one."""
    parsed = parse_date(value)
    assert_same(parsed, validated_twin(parsed))
    assert hash(parsed) == hash(validated_twin(parsed))


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=False), st.integers(), st.dates()))
def test_any_result_equals_its_validated_twin(value: object) -> None:
    parsed = parse_date(value)
    assert_same(parsed, validated_twin(parsed))
