"""Closing days of a facility: weekly closing days, public holidays, the year-end closure
and single dates.

Japanese public holidays (祝日) come from `jpholiday`, which follows the Act on National
Holidays including substitute holidays (振替休日) and citizens' holidays (国民の休日), and
computes the equinox days for years the Cabinet Office has not yet announced.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated, Literal, cast, get_args

import jpholiday
from pydantic import AfterValidator, Field

from yoyaku.domain.model import BookingDate, CamelModel

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

ClosedReason = Literal["date", "year_end", "holiday", "weekly"]
"""Why a facility's calendar closes a day, in the order a day is explained:
a single date staff closed, the year-end closure, a public holiday, the weekly closing day."""

MAX_CLOSED_DATES = 366


def _month_day(value: str) -> str:
    match = re.fullmatch(r"(\d{2})-(\d{2})", value)
    if match is None:
        raise ValueError("MM-DD")
    month, day = int(match[1]), int(match[2])
    try:
        date(2000, month, day)  # a leap year, so 02-29 is a day some years have
    except ValueError:
        raise ValueError("MM-DD") from None
    return value


MonthDay = Annotated[
    str,
    Field(pattern=r"^\d{2}-\d{2}$", examples=["12-29"]),
    AfterValidator(_month_day),
]


class YearEndClosure(CamelModel):
    """年末年始: closed from `from` in December through `to` in January (both included)."""

    from_: MonthDay = Field(default="12-29", alias="from")
    to: MonthDay = "01-03"

    def covers(self, day: date) -> bool:
        key = f"{day.month:02d}-{day.day:02d}"
        if self.from_ <= self.to:  # a closure within one calendar year
            return self.from_ <= key <= self.to
        return key >= self.from_ or key <= self.to


class ClosingDays(CamelModel):
    """The calendar rules a facility closes by; applied when staff open inventory."""

    closed_weekdays: list[Weekday] = Field(
        default_factory=list,
        max_length=7,
        description='Weekly closing days (定休日), e.g. ["saturday", "sunday"].',
    )
    closed_on_holidays: bool = Field(
        default=False,
        description="Closed on Japanese public holidays, substitute holidays (振替休日) and "
        "citizens' holidays (国民の休日) included.",
    )
    year_end_closure: YearEndClosure | None = Field(
        default=None,
        description="Closed over the new year (年末年始), by default 12-29 through 01-03.",
    )
    closed_dates: list[BookingDate] = Field(
        default_factory=list,
        max_length=MAX_CLOSED_DATES,
        description="Single closing days (臨時休館日).",
    )


def stored_closed_reason(closed: bool, stored: str | None) -> ClosedReason | None:
    """The reason of a stored closed day (capacity record or day summary). Days closed
    before reasons were kept were closed by staff by date, the only way there was."""
    if not closed:
        return None
    return cast(ClosedReason, stored) if stored in get_args(ClosedReason) else "date"


@cache
def holiday_name(day: date) -> str | None:
    """The public holiday's name in Japanese (e.g. 成人の日, 振替休日), or None.

    Cached: a two-month calendar asks for 62 days at 0.15 ms each otherwise, and the
    answers never change for a given date.
    """
    name: str | None = jpholiday.is_holiday_name(day)
    return name


def closed_reason(rules: ClosingDays, day: date) -> ClosedReason | None:
    """Why the facility's calendar closes `day`, or None when it is open."""
    if day in rules.closed_dates:
        return "date"
    if rules.year_end_closure is not None and rules.year_end_closure.covers(day):
        return "year_end"
    if rules.closed_on_holidays and holiday_name(day) is not None:
        return "holiday"
    if WEEKDAYS[day.weekday()] in rules.closed_weekdays:
        return "weekly"
    return None
