"""UK dates by explicit day-first rules; never a silent guess."""

from __future__ import annotations

from datetime import date, datetime
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.dates import How, parse_date


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


def test_a_result_is_a_frozen_record() -> None:
    """An internal record (a frozen, slotted dataclass): equal by value, hashable, never changed in place."""
    import dataclasses

    parsed = parse_date("27/03/25")
    assert parsed == parse_date("27/03/25") and hash(parsed) == hash(parse_date("27/03/25"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.raw = "x"  # type: ignore[misc]
    assert parse_date("45743").raw == "45743" and parse_date("45743").how == "serial"


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=False), st.integers(), st.dates(), st.none()))
def test_any_value_gives_a_well_formed_result(value: object) -> None:
    parsed = parse_date(value)
    assert parsed.how in get_args(How)
    assert (parsed.date is not None) == (parsed.how in ("excel", "serial", "iso", "dmy", "month", "ordinal"))
    assert (parsed.message != "") == (parsed.how in ("invalid", "impossible"))
