"""When the service takes bookings: reception hours and planned suspensions.

Seed 004: 予約システム受付時間：午前8時から午前0時 ※年末年始を除く, and a planned
suspension (一時休止) announced beforehand. Reception hours bound bookings, changes,
cancellations and lottery entries (browsing is always possible); a suspension stops
every citizen write while it lasts. Everything is in Asia/Tokyo.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain.calendar import TOKYO, tokyo_date
from yoyaku.domain.closures import YearEndClosure
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.model import CamelModel

Opens = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:00"])]
Closes = Annotated[str, Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", examples=["24:00"])]
MAX_SUSPENSIONS = 20
MAX_NOTICE = 2000
# The next opening is looked for this far ahead (a year-end closure is at most a year).
SEARCH_DAYS = 370


class ReceptionHours(CamelModel):
    """Daily hours in Tokyo. `closes` may be `24:00` (midnight); a `closes` before
    `opens` runs past midnight (22:00–06:00)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opens": "08:00",
                    "closes": "24:00",
                    "yearEndClosure": {"from": "12-29", "to": "01-03"},
                }
            ]
        }
    )

    opens: Opens
    closes: Closes
    year_end_closure: YearEndClosure | None = Field(
        default=None,
        description="No reception at all on these days (seed 004: ※年末年始を除く).",
    )

    @model_validator(mode="after")
    def _a_window(self) -> ReceptionHours:
        if self.opens == self.closes:
            raise PydanticCustomError(
                "reception_hours_empty", "opens equals closes", {"field": "closes"}
            )
        return self

    def windows_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals that start on `day`, in order."""
        if self.year_end_closure is not None and self.year_end_closure.covers(day):
            return []
        opens = _at(day, self.opens)
        closes = _at(day, self.closes)
        if closes > opens:
            return [(opens, closes)]
        return [(opens, closes + timedelta(days=1))]  # past midnight


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = int(hhmm[:2]), int(hhmm[3:])
    midnight = datetime.combine(day, time(0), tzinfo=TOKYO)
    return midnight + timedelta(hours=hours, minutes=minutes)


class SuspensionRequest(CamelModel):
    """Staff plan a suspension (一時休止): no citizen writes from `from` until `until`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "from": "2027-03-31T22:00:00+09:00",
                    "until": "2027-04-01T05:00:00+09:00",
                    "notice": "システムメンテナンスのため、3月31日22時から"
                    "4月1日5時まで予約の受付を休止します。",
                }
            ]
        }
    )

    from_: AwareDatetime = Field(alias="from", examples=["2027-03-31T00:00:00+09:00"])
    until: AwareDatetime = Field(examples=["2027-04-01T05:00:00+09:00"])
    notice: str = Field(
        min_length=1,
        max_length=MAX_NOTICE,
        description="Shown to users during the suspension and beforehand (why, until when).",
    )

    @model_validator(mode="after")
    def _order(self) -> SuspensionRequest:
        if self.until <= self.from_:
            raise PydanticCustomError(
                "date_order", "until before from", {"other": "from", "field": "until"}
            )
        return self


class Suspension(CamelModel):
    suspension_id: str
    from_: datetime = Field(alias="from")
    until: datetime
    notice: str


@dataclass(frozen=True)
class Operation:
    """The service's reception hours (None: always) and its current and planned suspensions."""

    hours: ReceptionHours | None
    suspensions: tuple[Suspension, ...] = ()
    version: int = 0


Kind = Literal["booking", "write"]
"""What a request does: a booking, change, cancellation or lottery entry (reception hours
and suspensions apply), or another citizen write (only suspensions apply)."""


def current_suspension(operation: Operation, now: datetime) -> Suspension | None:
    return next((s for s in operation.suspensions if s.from_ <= now < s.until), None)


def _windows_from(hours: ReceptionHours, day: date) -> Iterator[tuple[datetime, datetime]]:
    for n in range(-1, SEARCH_DAYS):  # the day before: a window past midnight
        yield from hours.windows_on(day + timedelta(days=n))


@dataclass(frozen=True)
class ReceptionState:
    """Whether reception is open at an instant, and when that changes."""

    open: bool
    closes_at: datetime | None = None  # open: when this window ends
    opens_at: datetime | None = None  # closed: the next opening, if any within a year


def reception_at(hours: ReceptionHours | None, now: datetime) -> ReceptionState:
    if hours is None:
        return ReceptionState(open=True)
    for start, end in _windows_from(hours, tokyo_date(now)):
        if start <= now < end:
            return ReceptionState(open=True, closes_at=end)
        if start > now:
            return ReceptionState(open=False, opens_at=start)
    return ReceptionState(open=False)


def ensure_accepting(operation: Operation, kind: Kind, now: datetime) -> None:
    """SERVICE_SUSPENDED during a suspension; OUTSIDE_RECEPTION_HOURS for a booking
    outside the hours, naming the next opening."""
    suspension = current_suspension(operation, now)
    if suspension is not None:
        raise DomainError(
            ErrorCode.SERVICE_SUSPENDED,
            until=suspension.until.astimezone(TOKYO).isoformat(),
            notice=suspension.notice,
            retryAfterSeconds=max(1, int((suspension.until - now).total_seconds() + 0.999)),
        )
    if kind != "booking" or operation.hours is None:
        return
    state = reception_at(operation.hours, now)
    if state.open:
        return
    hours = operation.hours
    if state.opens_at is None:
        raise DomainError(ErrorCode.OUTSIDE_RECEPTION_HOURS, opens=hours.opens, closes=hours.closes)
    raise DomainError(
        ErrorCode.OUTSIDE_RECEPTION_HOURS,
        opens=hours.opens,
        closes=hours.closes,
        opensAt=state.opens_at.astimezone(TOKYO).isoformat(),
    )


def keep_suspensions(
    suspensions: tuple[Suspension, ...], added: Suspension | None, now: datetime
) -> tuple[Suspension, ...]:
    """The suspensions still to come or under way, with `added`, by start; at most
    MAX_SUSPENSIONS of them."""
    kept = [s for s in suspensions if s.until > now]
    if added is not None:
        if added.until <= now:
            raise DomainError.invalid("until", "date_in_past", today=now.isoformat())
        kept.append(added)
    if len(kept) > MAX_SUSPENSIONS:
        raise DomainError.invalid("from", "too_many_suspensions", max=MAX_SUSPENSIONS)
    return tuple(sorted(kept, key=lambda s: s.from_))


class ReceptionHoursShown(CamelModel):
    opens: str
    closes: str
    year_end_closure: YearEndClosure | None = None


class ReceptionStatus(CamelModel):
    """What a screen needs: the hours, whether bookings are taken now and why not, when
    that changes, and the suspensions under way or announced."""

    hours: ReceptionHoursShown | None = Field(description="null: bookings at any hour.")
    accepting: bool = Field(description="Bookings, changes and lottery entries are taken now.")
    reason: Literal["outside_hours", "suspended"] | None = None
    opens_at: datetime | None = Field(
        default=None, description="When bookings are taken again (not accepting)."
    )
    closes_at: datetime | None = Field(
        default=None, description="When the current reception window ends (accepting)."
    )
    suspensions: list[Suspension] = Field(
        description="Under way or planned, by start: announce them beforehand."
    )


def status_at(operation: Operation, now: datetime) -> ReceptionStatus:
    hours = operation.hours
    shown = (
        ReceptionHoursShown(
            opens=hours.opens, closes=hours.closes, year_end_closure=hours.year_end_closure
        )
        if hours
        else None
    )
    upcoming = [s for s in operation.suspensions if s.until > now]
    suspension = current_suspension(operation, now)
    state = reception_at(hours, now)
    if suspension is not None:
        after = reception_at(hours, suspension.until)
        opens_at = suspension.until if after.open else after.opens_at
        return ReceptionStatus(
            hours=shown,
            accepting=False,
            reason="suspended",
            opens_at=_tokyo(opens_at),
            suspensions=upcoming,
        )
    return ReceptionStatus(
        hours=shown,
        accepting=state.open,
        reason=None if state.open else "outside_hours",
        opens_at=_tokyo(state.opens_at),
        closes_at=_tokyo(_before_suspension(state.closes_at, upcoming, now)),
        suspensions=upcoming,
    )


def _before_suspension(
    closes_at: datetime | None, upcoming: list[Suspension], now: datetime
) -> datetime | None:
    starts = [s.from_ for s in upcoming if s.from_ > now]
    if not starts:
        return closes_at
    return min(starts) if closes_at is None else min(closes_at, *starts)


def _tokyo(instant: datetime | None) -> datetime | None:
    return instant.astimezone(TOKYO) if instant is not None else None
