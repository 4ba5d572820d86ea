"""Availability as the calendar shows it, per day and slot: from the day summaries
(capacity, closures, booked and kept units) and the live holds, never from the booked
claims themselves, so a calendar costs the same however full it is."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from yoyaku.domain.calendar import days
from yoyaku.domain.catalog import Facility
from yoyaku.domain.closures import ClosedReason, holiday_name
from yoyaku.domain.inventory import WHOLE_DAY, Claim, ClaimState, DaySummary
from yoyaku.domain.model import CamelModel

Mark = Literal["free", "partial", "full", "closed"]
DayClosedReason = ClosedReason | Literal["past", "not_open"]
MAX_RANGE_DAYS = 62


class SlotAvailability(CamelModel):
    start: str
    end: str
    capacity: int
    available: int


class DayAvailability(CamelModel):
    date: date
    resource_type_id: str
    capacity: int
    available: int
    mark: Mark
    lottery: bool = Field(
        default=False, description="Units of this day are kept for a lottery until its draw."
    )
    closed_reason: DayClosedReason | None = Field(
        default=None,
        description="Why a `closed` day takes no bookings: `weekly` (closing day), `holiday` "
        "(public holiday), `year_end` (年末年始), `date` (a closing day staff set), `past`, "
        "or `not_open` (no inventory opened yet). Absent on open days, and on days whose "
        "units are all closed by a capacity change.",
    )
    holiday: str | None = Field(
        default=None,
        description="The Japanese public holiday's name (e.g. 成人の日, 振替休日, 国民の休日), "
        "whether or not the facility is open that day.",
    )
    slots: list[SlotAvailability] | None = None


def mark_for(capacity: int, available: int, closed: bool) -> Mark:
    """●/▲/× of the seed's vacancy calendar, plus `closed` for days with nothing to book."""
    if closed or capacity == 0:
        return "closed"
    if available == 0:
        return "full"
    return "free" if available == capacity else "partial"


def availability(
    facility: Facility,
    start: date,
    end: date,
    summaries: list[DaySummary],
    holds: list[Claim],
    now: datetime,
    today: date,
) -> list[DayAvailability]:
    """One entry per day and resource type; past days, closed days and days without
    inventory are `closed` with nothing available (and no slots listed).

    Per cell, bookable = units − closed, and available = bookable − booked − kept − the
    holds whose expiry lies after `now` (an expired hold frees its unit by that
    comparison alone)."""
    records = {(d.day, d.resource_type_id): d for d in summaries}
    units_of = {(d.day, d.resource_type_id, c.key): c.units for d in summaries for c in d.cells}
    held: Counter[tuple[date, str, str]] = Counter()
    for hold in holds:
        key = (hold.day, hold.resource_type_id, hold.cell)
        if hold.state is ClaimState.HOLD and hold.is_live(now) and hold.unit < units_of.get(key, 0):
            held[key] += 1

    result: list[DayAvailability] = []
    for day in days(start, end):
        holiday = holiday_name(day)
        for resource in facility.resource_types:
            rt = resource.resource_type_id
            record = records.get((day, rt))
            reason = _closed_reason(record, day, today)
            if reason is not None or record is None:
                slots: list[SlotAvailability] | None = [] if facility.kind == "timeslot" else None
                result.append(
                    DayAvailability(
                        date=day,
                        resource_type_id=rt,
                        capacity=0,
                        available=0,
                        mark="closed",
                        closed_reason=reason or "not_open",
                        holiday=holiday,
                        slots=slots,
                    )
                )
                continue
            cells = []
            for cell in record.cells:
                if not cell.active:
                    continue
                counts = record.counts_of(cell.key)
                capacity = max(0, cell.units - counts.closed)
                live = counts.taken + held[(day, rt, cell.key)]
                cells.append((cell, capacity, max(0, capacity - live)))
            capacity = sum(c for _, c, _ in cells)
            available = sum(a for _, _, a in cells)
            slot_list = None
            if facility.kind == "timeslot":
                slot_list = [
                    SlotAvailability(
                        start=cell.start or "", end=cell.end or "", capacity=c, available=a
                    )
                    for cell, c, a in cells
                    if cell.key != WHOLE_DAY
                ]
            result.append(
                DayAvailability(
                    date=day,
                    resource_type_id=rt,
                    capacity=capacity,
                    available=available,
                    mark=mark_for(capacity, available, record.closed),
                    lottery=any(c.kept for c in record.counts.values()),
                    holiday=holiday,
                    slots=slot_list,
                )
            )
    return result


def _closed_reason(record: DaySummary | None, day: date, today: date) -> DayClosedReason | None:
    if day < today:
        return "past"
    if record is None:
        return "not_open"
    if record.closed:
        return record.closed_reason or "date"
    return None


class Availability(CamelModel):
    facility_id: str
    from_: date = Field(alias="from")
    to: date
    days: list[DayAvailability]
