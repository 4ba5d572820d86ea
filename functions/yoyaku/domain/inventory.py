"""Inventory: how many units of a resource type can be booked on a day (or in a slot).

The capacity invariant is kept by claim items, one per unit (docs/design.md): a unit is
taken by writing its claim with the condition "absent, or a hold already expired".
A day's capacity record numbers its units per cell (the whole day for lodging, one
cell per time slot otherwise). Staff never shrink a cell by renumbering; they *close*
free units with claim items of their own (state `closed`), so a concurrent hold on
the same unit makes one of the two writes fail, never both succeed. Reopening deletes
those closure claims. Everything here is pure planning; adapters carry it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain import messages
from yoyaku.domain.calendar import days
from yoyaku.domain.catalog import Facility, ResourceTypeId
from yoyaku.domain.closures import ClosedReason, closed_reason
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.model import BookingDate, CamelModel

WHOLE_DAY = "-"
MAX_INVENTORY_DAYS = 366
MAX_UNITS = 999

HhMm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])]


class SlotSpec(CamelModel):
    start: HhMm
    end: HhMm

    @property
    def key(self) -> str:
        return self.start.replace(":", "")


class InventoryChange(CamelModel):
    """Staff: open or change inventory of one resource type over a date range."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resourceTypeId": "room",
                    "from": "2027-01-01",
                    "to": "2027-03-31",
                    "capacity": 10,
                    "closedDates": ["2027-01-01", "2027-02-16"],
                },
                {
                    "resourceTypeId": "court",
                    "from": "2027-01-01",
                    "to": "2027-01-31",
                    "capacity": 4,
                    "slots": [
                        {"start": "09:00", "end": "11:00"},
                        {"start": "11:00", "end": "13:00"},
                        {"start": "13:00", "end": "15:00"},
                        {"start": "15:00", "end": "17:00"},
                    ],
                },
            ]
        }
    )

    resource_type_id: ResourceTypeId
    from_: BookingDate = Field(alias="from")
    to: BookingDate
    capacity: int = Field(ge=0, le=MAX_UNITS, description="Units per day (lodging) or per slot.")
    slots: list[SlotSpec] | None = Field(default=None, max_length=96)
    closed_dates: list[BookingDate] = Field(default_factory=list, max_length=MAX_INVENTORY_DAYS)

    @model_validator(mode="after")
    def _shape(self) -> InventoryChange:
        if self.to < self.from_:
            raise PydanticCustomError(
                "date_order", "to before from", {"other": "from", "field": "to"}
            )
        if (self.to - self.from_).days + 1 > MAX_INVENTORY_DAYS:
            raise PydanticCustomError(
                "range_too_long", "too long", {"maxDays": MAX_INVENTORY_DAYS, "field": "to"}
            )
        if self.slots:
            bounds = [(time.fromisoformat(s.start), time.fromisoformat(s.end)) for s in self.slots]
            ordered = sorted(bounds)
            if any(a >= b for a, b in bounds) or any(
                ordered[i][1] > ordered[i + 1][0] for i in range(len(ordered) - 1)
            ):
                raise PydanticCustomError(
                    "slot_order", "slots overlap or are reversed", {"field": "slots"}
                )
        outside = [d for d in self.closed_dates if not self.from_ <= d <= self.to]
        if outside:
            raise PydanticCustomError(
                "date_outside_range",
                "closed date outside range",
                {
                    "from_": self.from_.isoformat(),
                    "to": self.to.isoformat(),
                    "field": "closedDates",
                },
            )
        return self


class ClaimState(StrEnum):
    HOLD = "hold"
    BOOKED = "booked"
    CLOSED = "closed"
    LOTTERY = "lottery"  # kept for a lottery until its draw has run


@dataclass(frozen=True)
class Cell:
    """The units of one day (lodging) or one slot; `units` only ever grows."""

    key: str
    units: int
    start: str | None = None
    end: str | None = None
    active: bool = True


@dataclass(frozen=True)
class DayInventory:
    """The capacity record of one resource type on one day. `version` guards changes."""

    day: date
    resource_type_id: str
    cells: tuple[Cell, ...]
    closed: bool = False
    version: int = 0
    closed_reason: ClosedReason | None = None  # why a closed day is closed


@dataclass(frozen=True)
class Claim:
    """One claimed unit. A hold only counts while `expires_at` lies in the future."""

    day: date
    resource_type_id: str
    cell: str
    unit: int
    state: ClaimState
    expires_at: datetime | None = None
    holder: str | None = None

    def is_live(self, now: datetime) -> bool:
        """Booked units and unexpired holds occupy a unit; closures are counted apart."""
        if self.state in (ClaimState.BOOKED, ClaimState.LOTTERY):
            return True
        if self.state is ClaimState.HOLD:
            return self.expires_at is not None and self.expires_at > now
        return False


class Tally(StrEnum):
    """What a day's summary counts per cell: every claim state but holds, which expire
    by condition and are counted apart (see `DaySummary`)."""

    BOOKED = "booked"
    KEPT = "kept"  # for a lottery
    CLOSED = "closed"


TALLY_OF: dict[ClaimState, Tally] = {
    ClaimState.BOOKED: Tally.BOOKED,
    ClaimState.LOTTERY: Tally.KEPT,
    ClaimState.CLOSED: Tally.CLOSED,
}


@dataclass(frozen=True)
class CellCounts:
    booked: int = 0
    kept: int = 0
    closed: int = 0

    def of(self, tally: Tally) -> int:
        return int(getattr(self, tally.value))

    @property
    def taken(self) -> int:
        """Units nobody else can hold: booked or kept for a lottery."""
        return self.booked + self.kept


@dataclass(frozen=True)
class DaySummary:
    """What the calendar needs of one resource type on one day, without its claims.

    `cells`, `closed` and `closed_reason` are the capacity record's (written in the
    same transaction, so a calendar can say why a day is closed); `counts` holds, per
    cell key, how many units are booked, kept for a lottery or closed. Every write that
    turns a claim into one of those states or back changes the count in the same
    transaction, so the summary always equals `summarise` of the claims. Holds are not
    counted here: a hold stops counting at its expiry by condition alone, with no write,
    so live holds are read apart (the hold claims themselves) and added by
    `domain.availability`.
    """

    day: date
    resource_type_id: str
    cells: tuple[Cell, ...]
    closed: bool = False
    counts: Mapping[str, CellCounts] = field(default_factory=dict)
    closed_reason: ClosedReason | None = None

    def counts_of(self, cell_key: str) -> CellCounts:
        return self.counts.get(cell_key, CellCounts())


def summarise(inventory: list[DayInventory], claims: list[Claim]) -> list[DaySummary]:
    """The summaries that these capacity records and claims imply: the reference that
    the stored summaries must equal. A claim numbered beyond its cell's units occupies
    nothing (units only ever grow, so none is ever written)."""
    units = {(d.day, d.resource_type_id, c.key): c.units for d in inventory for c in d.cells}
    tallies: Counter[tuple[date, str, str, Tally]] = Counter()
    for claim in claims:
        tally = TALLY_OF.get(claim.state)
        if tally is not None and claim.unit < units.get(
            (claim.day, claim.resource_type_id, claim.cell), 0
        ):
            tallies[(claim.day, claim.resource_type_id, claim.cell, tally)] += 1
    return [
        DaySummary(
            day=d.day,
            resource_type_id=d.resource_type_id,
            cells=d.cells,
            closed=d.closed,
            closed_reason=d.closed_reason,
            counts={
                c.key: CellCounts(
                    **{t.value: tallies[(d.day, d.resource_type_id, c.key, t)] for t in Tally}
                )
                for c in d.cells
                if any(tallies[(d.day, d.resource_type_id, c.key, t)] for t in Tally)
            },
        )
        for d in inventory
    ]


@dataclass(frozen=True)
class CellPlan:
    key: str
    close: tuple[int, ...] = ()
    reopen: tuple[int, ...] = ()


@dataclass(frozen=True)
class DayPlan:
    """What to write for one day: the new record and the closures to add or remove."""

    new: DayInventory
    previous_version: int | None  # None: the record does not exist yet
    cells: tuple[CellPlan, ...] = field(default=())

    @property
    def writes(self) -> int:
        return 1 + sum(len(c.close) + len(c.reopen) for c in self.cells)


def target_cells(change: InventoryChange, facility: Facility) -> list[SlotSpec] | None:
    """The slot pattern to apply, after checking it fits the facility's kind."""
    if facility.resource_type(change.resource_type_id) is None:
        known = ", ".join(r.resource_type_id for r in facility.resource_types)
        raise DomainError.invalid("resourceTypeId", "unknown_resource_type", known=known)
    if facility.kind == "timeslot" and not change.slots:
        raise DomainError.invalid("slots", "slots_required")
    if facility.kind == "lodging" and change.slots:
        raise DomainError.invalid("slots", "slots_not_allowed")
    return change.slots


def plan_inventory(
    change: InventoryChange,
    facility: Facility,
    existing: dict[date, DayInventory],
    claims: list[Claim],
    now: datetime,
    today: date,
) -> list[DayPlan]:
    """Plan every day of `change`. Refuses (CONFLICT) to go below what is held or booked.

    A day is closed when the change names it in `closedDates` or when the facility's
    closing days (weekly, holidays, year-end, single dates) cover it.
    """
    slots = target_cells(change, facility)
    if change.from_ < today:
        raise DomainError.invalid("from", "date_in_past", today=today.isoformat())
    closed_dates = set(change.closed_dates)
    by_cell: dict[tuple[date, str], list[Claim]] = {}
    for claim in claims:
        if claim.resource_type_id == change.resource_type_id:
            by_cell.setdefault((claim.day, claim.cell), []).append(claim)

    plans: list[DayPlan] = []
    for day in days(change.from_, change.to):
        reason: ClosedReason | None = (
            "date" if day in closed_dates else closed_reason(facility.rules, day)
        )
        closed = reason is not None
        current = existing.get(day)
        wanted = {s.key: (s.start, s.end) for s in slots} if slots else {WHOLE_DAY: (None, None)}
        old_cells = {c.key: c for c in current.cells} if current else {}
        new_cells: list[Cell] = []
        cell_plans: list[CellPlan] = []
        for key in sorted(set(wanted) | set(old_cells)):
            active = key in wanted
            target = change.capacity if active and not closed else 0
            old = old_cells.get(key, Cell(key=key, units=0))
            start, end = wanted.get(key, (old.start, old.end))
            units, plan = plan_cell(day, old, by_cell.get((day, key), []), target, now)
            new_cells.append(Cell(key=key, units=units, start=start, end=end, active=active))
            if plan.close or plan.reopen:
                cell_plans.append(plan)
        version = current.version if current else None
        new = DayInventory(
            day=day,
            resource_type_id=change.resource_type_id,
            cells=tuple(new_cells),
            closed=closed,
            version=(version or 0) + 1,
            closed_reason=reason,
        )
        unchanged = (
            current is not None
            and current.cells == new.cells
            and current.closed == new.closed
            and current.closed_reason == new.closed_reason
            and not cell_plans
        )
        if not unchanged:
            plans.append(DayPlan(new=new, previous_version=version, cells=tuple(cell_plans)))
    return plans


def plan_cell(
    day: date, old: Cell, claims: list[Claim], target: int, now: datetime
) -> tuple[int, CellPlan]:
    """Units and closure changes that bring one cell to `target` bookable units."""
    in_range = [c for c in claims if c.unit < old.units]
    live = {c.unit for c in in_range if c.is_live(now)}
    closed = sorted(c.unit for c in in_range if c.state is ClaimState.CLOSED)
    if target < len(live):
        slot = "" if old.key == WHOLE_DAY else f" {old.start}"
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.CAPACITY_BELOW_LIVE.format(
                day=day.isoformat(), slot=slot, live=len(live), target=target
            ),
        )
    effective = old.units - len(closed)
    if target >= effective:
        reopen = closed[: target - effective]
        grow = target - effective - len(reopen)
        return old.units + grow, CellPlan(old.key, reopen=tuple(reopen))
    free = [u for u in range(old.units - 1, -1, -1) if u not in live and u not in closed]
    return old.units, CellPlan(old.key, close=tuple(free[: effective - target]))


def free_units(
    day: DayInventory | None, cell_key: str, claims: list[Claim], now: datetime
) -> list[int]:
    """Unit numbers of one cell that nobody holds, books or has closed right now."""
    if day is None or day.closed:
        return []
    cell = next((c for c in day.cells if c.key == cell_key and c.active), None)
    if cell is None:
        return []
    taken = {
        c.unit
        for c in claims
        if c.day == day.day
        and c.resource_type_id == day.resource_type_id
        and c.cell == cell_key
        and (c.state is ClaimState.CLOSED or c.is_live(now))
    }
    return [u for u in range(cell.units) if u not in taken]
