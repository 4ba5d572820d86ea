"""Date arithmetic in Asia/Tokyo, the zone of every booking rule (docs/api.md)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

# Dates a request may name: wide enough for any booking, narrow enough that date
# arithmetic (a month back, nights ahead) never leaves the calendar.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)


def tokyo_date(instant: datetime) -> date:
    """The calendar date in Tokyo at `instant` (which must carry its offset)."""
    return instant.astimezone(TOKYO).date()


def days(start: date, end: date) -> Iterator[date]:
    """Every date from `start` to `end`, both included."""
    for n in range((end - start).days + 1):
        yield start + timedelta(days=n)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped at the month's end (1/31 → 2/28)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_key(day: date) -> str:
    """`YYYY-MM`: inventory is partitioned per facility and month."""
    return f"{day.year:04d}-{day.month:02d}"


def months_between(start: date, end: date) -> list[str]:
    """The month keys that the range touches, in order."""
    keys: list[str] = []
    cursor = start.replace(day=1)
    while cursor <= end:
        keys.append(month_key(cursor))
        cursor = add_months(cursor, 1)
    return keys


def end_of_next_month(day: date) -> date:
    """The last day of the month after `day`: the seed's two-month vacancy calendar."""
    first_of_next = add_months(day.replace(day=1), 1)
    return first_of_next.replace(
        day=calendar.monthrange(first_of_next.year, first_of_next.month)[1]
    )
