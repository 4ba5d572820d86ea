"""Staff change a facility's closing days (休館日の設定): preview, then save and apply.

The preview and the change read the same thing: the inventory already opened from today
for `HORIZON_DAYS`, on the days that the old or the new rules close. Closing never
undercuts a booking: a change whose new closing days hold bookings, live holds or units
kept for a lottery is refused (409 CONFLICT naming them) before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import groupby

from yoyaku import runtime
from yoyaku.adapters import booking_store, catalog_store, inventory_store, user_store
from yoyaku.domain import messages
from yoyaku.domain.appointments import Appointment
from yoyaku.domain.audit import AuditAction, DaysClosed, TargetType
from yoyaku.domain.booking import OwnerKind, StoredReservation
from yoyaku.domain.catalog import BookingRules, Facility
from yoyaku.domain.closure_plan import ClosurePlan, candidate_days, plan_closures
from yoyaku.domain.closure_views import (
    ClosedDay,
    ClosureChange,
    ClosureConflict,
    ClosurePreview,
    ClosureResult,
)
from yoyaku.domain.closures import ClosingDays
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import Cell, Claim, ClaimState, DayInventory
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit
from yoyaku.services.catalog import forget_facilities, load_facility

# How far ahead opened inventory is looked at: as far as one opening of inventory reaches.
HORIZON_DAYS = 366
# A change that keeps losing races against bookings is re-read and re-planned this often.
ATTEMPTS = 3


def _read(facility: Facility, rules: ClosingDays) -> tuple[list[DayInventory], list[Claim]]:
    """The opened inventory and claims of the days either rule set closes: one Query per
    month that has such a day (a few single dates cost a Query or two)."""
    today = runtime.current().today()
    last = today + timedelta(days=HORIZON_DAYS - 1)
    inventory: list[DayInventory] = []
    claims: list[Claim] = []
    wanted = candidate_days(facility, rules, today, last)
    for _, month in groupby(wanted, key=lambda d: (d.year, d.month)):
        in_month = list(month)
        got, held = inventory_store.read_range(facility.facility_id, in_month[0], in_month[-1])
        inventory += got
        claims += held
    return inventory, claims


def _plan(facility: Facility, rules: ClosingDays) -> tuple[ClosurePlan, list[DayInventory]]:
    inventory, claims = _read(facility, rules)
    return plan_closures(facility, rules, inventory, claims, runtime.current().now()), inventory


def preview(facility_id: str, rules: ClosingDays) -> ClosurePreview:
    """What saving `rules` would do to the opened inventory, and who stands in the way."""
    facility = load_facility(facility_id, fresh=True)
    plan, inventory = _plan(facility, rules)
    return ClosurePreview(
        facility_id=facility_id,
        closing=[ClosedDay(date=c.day, reason=c.reason) for c in plan.closing],
        conflicts=conflicts(facility, plan.blocking, inventory),
        still_closed=plan.still_closed,
        days_changed=plan.newly_closed,
    )


def change(facility_id: str, change: ClosureChange, actor: StaffMember) -> ClosureResult:
    """Saves the closing days into the facility's rules and closes the opened days they
    cover; refused as a whole while any of those days has a booking."""
    facility = load_facility(facility_id, fresh=True)
    rules = ClosingDays.model_validate(change.model_dump(mode="json", exclude={"reason"}))
    for _ in range(ATTEMPTS):
        plan, inventory = _plan(facility, rules)
        if plan.blocking:
            found = conflicts(facility, plan.blocking, inventory)
            raise DomainError(
                ErrorCode.CONFLICT,
                reason=messages.closure_blocked([_row(c) for c in found]),
                conflicts=found,
            )
        try:
            inventory_store.apply(facility_id, plan.plans, runtime.current().now())
        except inventory_store.LostRace:
            continue
        saved = facility.model_copy(
            update={
                "rules": BookingRules.model_validate(
                    {**facility.rules.model_dump(mode="json"), **rules.model_dump(mode="json")}
                )
            }
        )
        catalog_store.save(saved)
        forget_facilities()
        audit.record(
            actor,
            AuditAction.DAYS_CLOSED,
            TargetType.FACILITY,
            facility_id,
            DaysClosed(
                closed_weekdays=rules.closed_weekdays,
                closed_on_holidays=rules.closed_on_holidays,
                year_end_closure=rules.year_end_closure,
                closed_dates=rules.closed_dates,
                days_changed=plan.newly_closed,
            ),
            reason=change.reason,
        )
        return ClosureResult(
            facility=saved,
            closing=[ClosedDay(date=c.day, reason=c.reason) for c in plan.closing],
            still_closed=plan.still_closed,
            days_changed=plan.newly_closed,
        )
    raise DomainError(ErrorCode.CONFLICT, reason=messages.INVENTORY_KEEPS_CHANGING)


def _row(conflict: ClosureConflict) -> tuple[str, str, str | None, str | None]:
    """How the refusal's detail names one booking: date, kind, number and guest."""
    number = conflict.reservation_number or conflict.lottery_id
    return conflict.date.isoformat(), conflict.kind, number, conflict.guest_name


def conflicts(
    facility: Facility, blocking: list[Claim], inventory: list[DayInventory]
) -> list[ClosureConflict]:
    """The claims in the way, one row per booking (or hold, or lottery) and day, with the
    reservation number and the guest's name staff need to call them."""
    cells: dict[tuple[date, str, str], Cell] = {
        (d.day, d.resource_type_id, c.key): c for d in inventory for c in d.cells
    }
    grouped: dict[tuple[ClaimState, str, date, str, str], int] = defaultdict(int)
    for claim in blocking:
        key = (claim.state, claim.holder or "", claim.day, claim.resource_type_id, claim.cell)
        grouped[key] += 1
    numbers = [holder for (state, holder, *_) in grouped if state is ClaimState.BOOKED]
    stored = booking_store.get_reservations(numbers)
    names = {r.resource_type_id: r.name for r in facility.resource_types}
    rows: list[ClosureConflict] = []
    for (state, holder, day, kind_id, cell_key), units in sorted(
        grouped.items(), key=lambda item: (item[0][2], item[0][1], item[0][4])
    ):
        cell = cells.get((day, kind_id, cell_key))
        row = ClosureConflict(
            kind="hold",
            date=day,
            resource_type_id=kind_id,
            resource_type_name=names.get(kind_id, kind_id),
            start=cell.start if cell else None,
            end=cell.end if cell else None,
            units=units,
        )
        if state is ClaimState.BOOKED:
            row = _booked(row, holder, stored.get(holder))
        elif state is ClaimState.LOTTERY:
            row = row.model_copy(update={"kind": "lottery", "lottery_id": holder})
        rows.append(row)
    return rows


def _booked(row: ClosureConflict, number: str, stored: StoredReservation | None) -> ClosureConflict:
    if stored is None:
        return row.model_copy(update={"kind": "reservation", "reservation_number": number})
    if isinstance(stored.document, Appointment):
        return row.model_copy(
            update={
                "kind": "appointment",
                "reservation_number": number,
                "guest_name": stored.document.contact.name,
            }
        )
    name, user_number = None, None
    if stored.owner.kind is OwnerKind.CITIZEN:
        user_number = stored.owner.id
        found = user_store.with_profile(stored.owner.id)
        name = found[0].name_kanji if found else None
    return row.model_copy(
        update={
            "kind": "reservation",
            "reservation_number": number,
            "guest_name": name,
            "user_number": user_number,
        }
    )
