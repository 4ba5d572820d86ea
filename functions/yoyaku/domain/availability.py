"""Availability as the calendar shows it: capacity minus live claims, per day and slot."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from yoyaku.domain.calendar import days
from yoyaku.domain.catalog import Facility
from yoyaku.domain.inventory import WHOLE_DAY, Claim, ClaimState, DayInventory
from yoyaku.domain.model import CamelModel

Mark = Literal["free", "partial", "full", "closed"]
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
    inventory: list[DayInventory],
    claims: list[Claim],
    now: datetime,
    today: date,
) -> list[DayAvailability]:
    """One entry per day and resource type; past days, closed days and days without
    inventory are `closed` with nothing available (and no slots listed)."""
    records = {(d.day, d.resource_type_id): d for d in inventory}
    live: Counter[tuple[date, str, str]] = Counter()
    closures: Counter[tuple[date, str, str]] = Counter()
    lottery_days: set[tuple[date, str]] = set()
    units_of = {(d.day, d.resource_type_id, c.key): c.units for d in inventory for c in d.cells}
    for claim in claims:
        key = (claim.day, claim.resource_type_id, claim.cell)
        if claim.unit >= units_of.get(key, 0):
            continue  # a leftover beyond the cell's numbered units occupies nothing
        if claim.state is ClaimState.LOTTERY:
            lottery_days.add((claim.day, claim.resource_type_id))
        if claim.state is ClaimState.CLOSED:
            closures[key] += 1
        elif claim.is_live(now):
            live[key] += 1

    result: list[DayAvailability] = []
    for day in days(start, end):
        for resource in facility.resource_types:
            rt = resource.resource_type_id
            record = records.get((day, rt))
            if record is None or record.closed or day < today:
                slots: list[SlotAvailability] | None = [] if facility.kind == "timeslot" else None
                result.append(
                    DayAvailability(
                        date=day,
                        resource_type_id=rt,
                        capacity=0,
                        available=0,
                        mark="closed",
                        slots=slots,
                    )
                )
                continue
            cells = []
            for cell in record.cells:
                if not cell.active:
                    continue
                key = (day, rt, cell.key)
                capacity = max(0, cell.units - closures[key])
                cells.append((cell, capacity, max(0, capacity - live[key])))
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
                    lottery=(day, rt) in lottery_days,
                    slots=slot_list,
                )
            )
    return result


class Availability(CamelModel):
    facility_id: str
    from_: date = Field(alias="from")
    to: date
    days: list[DayAvailability]
