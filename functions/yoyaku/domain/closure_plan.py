"""Closing days applied to inventory already opened (staff's 休館日の設定).

A facility's closing days close the days they cover when staff open inventory
(`inventory.plan_inventory`). When staff change the closing days later, the days
already opened must follow at once: a new 臨時休館日 next week is useless if it only
applies the next time someone opens inventory. This module plans that change for every
resource type: the days the new rules close, the writes that close their free units,
and what stands in the way.

Closing never undercuts a booking. A day that the new rules close and that has a
booking, a live hold or units kept for a lottery is not planned at all: it is reported
(`blocking`) and the caller refuses the whole change, naming them, before anything is
written. Staff move or cancel those bookings first (or drop that day from the rules).

Days the new rules no longer close are not reopened here: reopening needs a capacity,
which only opening inventory gives (a day first opened closed has no units at all).
They are reported as `still_closed`, and opening inventory for them reopens them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from yoyaku.domain.calendar import days
from yoyaku.domain.catalog import Facility
from yoyaku.domain.closures import ClosedReason, ClosingDays, closed_reason
from yoyaku.domain.inventory import Cell, CellPlan, Claim, DayInventory, DayPlan, plan_cell


@dataclass(frozen=True)
class ClosingDay:
    """A day (all its resource types) that the new rules close, and why."""

    day: date
    reason: ClosedReason


@dataclass(frozen=True)
class ClosurePlan:
    closing: list[ClosingDay]  # opened days the new rules close (closed now or not)
    blocking: list[Claim]  # bookings, live holds and kept units on those days
    still_closed: list[date]  # closed now by the old rules, no longer by the new ones
    plans: list[DayPlan]  # the writes, when nothing blocks

    @property
    def newly_closed(self) -> int:
        """Capacity records that change (a day counts once per resource type)."""
        return len(self.plans)


def candidate_days(facility: Facility, rules: ClosingDays, first: date, last: date) -> list[date]:
    """The days from `first` to `last` that the old or the new rules close: the only
    days whose inventory a change of closing days can touch."""
    return [
        day
        for day in days(first, last)
        if closed_reason(rules, day) is not None or closed_reason(facility.rules, day) is not None
    ]


def plan_closures(
    facility: Facility,
    rules: ClosingDays,
    inventory: list[DayInventory],
    claims: list[Claim],
    now: datetime,
) -> ClosurePlan:
    """Plans closing every opened day that `rules` close, for every resource type of
    the facility (inventory of a removed resource type is left alone)."""
    kinds = {r.resource_type_id for r in facility.resource_types}
    by_cell: dict[tuple[date, str, str], list[Claim]] = {}
    for claim in claims:
        by_cell.setdefault((claim.day, claim.resource_type_id, claim.cell), []).append(claim)

    closing: dict[date, ClosedReason] = {}
    still_closed: set[date] = set()
    blocking: list[Claim] = []
    plans: list[DayPlan] = []
    for current in sorted(inventory, key=lambda d: (d.day, d.resource_type_id)):
        if current.resource_type_id not in kinds:
            continue
        reason = closed_reason(rules, current.day)
        if reason is None:
            if current.closed and closed_reason(facility.rules, current.day) is not None:
                still_closed.add(current.day)
            continue
        closing[current.day] = reason
        if current.closed and current.closed_reason == reason:
            continue
        in_the_way = [
            c
            for cell in current.cells
            for c in by_cell.get((current.day, current.resource_type_id, cell.key), [])
            if c.unit < cell.units and c.is_live(now)
        ]
        if in_the_way:
            blocking += in_the_way
            continue
        plans.append(_close_day(current, reason, by_cell, now))
    return ClosurePlan(
        closing=[ClosingDay(d, r) for d, r in sorted(closing.items())],
        blocking=blocking,
        still_closed=sorted(still_closed),
        plans=plans,
    )


def _close_day(
    current: DayInventory,
    reason: ClosedReason,
    by_cell: dict[tuple[date, str, str], list[Claim]],
    now: datetime,
) -> DayPlan:
    """Closes every free unit of a day that nothing occupies (units are kept, so a
    later opening of inventory reopens the same units)."""
    cells: list[Cell] = []
    cell_plans: list[CellPlan] = []
    for cell in current.cells:
        claims = by_cell.get((current.day, current.resource_type_id, cell.key), [])
        units, plan = plan_cell(current.day, cell, claims, 0, now)
        cells.append(Cell(cell.key, units, cell.start, cell.end, cell.active))
        if plan.close or plan.reopen:
            cell_plans.append(plan)
    new = DayInventory(
        day=current.day,
        resource_type_id=current.resource_type_id,
        cells=tuple(cells),
        closed=True,
        version=current.version + 1,
        closed_reason=reason,
    )
    return DayPlan(new=new, previous_version=current.version, cells=tuple(cell_plans))
