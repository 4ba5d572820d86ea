"""Date arithmetic in Asia/Tokyo: month steps clamp at month ends, ranges touch months."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yoyaku.domain.calendar import (
    add_months,
    days,
    end_of_next_month,
    month_key,
    months_between,
    tokyo_date,
)

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
MONTHS = st.integers(min_value=-240, max_value=240)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2030, 1, 31), 1, date(2030, 2, 28)),  # clamped at the end of February
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # leap day a year later
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # and four years later
        (date(2030, 3, 31), -1, date(2030, 2, 28)),  # backwards, clamped
        (date(2030, 3, 31), 1, date(2030, 4, 30)),
        (date(2030, 12, 15), 1, date(2031, 1, 15)),  # across the year end
        (date(2031, 1, 15), -1, date(2030, 12, 15)),
        (date(2030, 5, 15), 0, date(2030, 5, 15)),
        (date(2030, 5, 31), -15, date(2029, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@given(DATES, MONTHS)
def test_add_months_moves_exactly_that_many_months_and_clamps(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(DATES, MONTHS)
def test_add_months_round_trips_for_days_every_month_has(day: date, months: int) -> None:
    day = day.replace(day=min(day.day, 28))
    assert add_months(add_months(day, months), -months) == day


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2030, 5, 15), date(2030, 5, 20), ["2030-05"]),
        (date(2030, 5, 31), date(2030, 6, 1), ["2030-05", "2030-06"]),
        (date(2030, 12, 20), date(2031, 2, 1), ["2030-12", "2031-01", "2031-02"]),
        (date(2030, 1, 31), date(2030, 3, 1), ["2030-01", "2030-02", "2030-03"]),
        (date(2030, 6, 1), date(2030, 5, 31), []),
    ],
)
def test_months_between(start: date, end: date, expected: list[str]) -> None:
    assert months_between(start, end) == expected


@given(DATES, st.integers(min_value=0, max_value=800))
def test_months_between_lists_every_month_of_the_range_once_in_order(
    start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    keys = months_between(start, end)
    assert keys[0] == month_key(start)
    assert keys[-1] == month_key(end)
    assert keys == sorted(set(keys))
    assert set(keys) == {month_key(d) for d in days(start, end)}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2030, 5, 15), date(2030, 6, 30)),
        (date(2030, 1, 31), date(2030, 2, 28)),
        (date(2028, 1, 1), date(2028, 2, 29)),
        (date(2030, 12, 31), date(2031, 1, 31)),
        (date(2030, 7, 31), date(2030, 8, 31)),
    ],
)
def test_end_of_next_month(day: date, expected: date) -> None:
    assert end_of_next_month(day) == expected


def test_month_key_is_zero_padded() -> None:
    assert month_key(date(2030, 5, 1)) == "2030-05"


def test_days_includes_both_ends() -> None:
    assert list(days(date(2030, 5, 30), date(2030, 6, 1))) == [
        date(2030, 5, 30),
        date(2030, 5, 31),
        date(2030, 6, 1),
    ]
    assert list(days(date(2030, 6, 1), date(2030, 5, 31))) == []


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2030, 5, 14, 14, 59, tzinfo=UTC), date(2030, 5, 14)),
        (datetime(2030, 5, 14, 15, 0, tzinfo=UTC), date(2030, 5, 15)),  # 00:00 in Tokyo
        (datetime(2030, 5, 14, 23, 0, tzinfo=timezone(timedelta(hours=-5))), date(2030, 5, 15)),
    ],
)
def test_tokyo_date_uses_tokyo_midnight(instant: datetime, expected: date) -> None:
    assert tokyo_date(instant) == expected
