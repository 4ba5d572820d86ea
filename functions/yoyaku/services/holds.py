"""Holds: claim units for a few minutes while the user completes the booking."""

from __future__ import annotations

from datetime import datetime, timedelta

from yoyaku import runtime
from yoyaku.adapters import booking_store, inventory_store
from yoyaku.domain import booking, groups, messages
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.booking import Hold, HoldRequest, Owner, Unit
from yoyaku.domain.catalog import Facility
from yoyaku.domain.emails import Recipient
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import free_units
from yoyaku.services.catalog import load_facility
from yoyaku.settings import settings

# Racing holds re-read availability and try other free units this many times.
HOLD_ATTEMPTS = 5


def place(
    owner: Owner,
    request: HoldRequest,
    facility: Facility,
    status: AccountStatus,
    contact: Recipient,
) -> Hold:
    """Claims the requested units in one transaction, or says why it cannot.

    Uncontended it costs one Query (two when a stay crosses a month) and one
    TransactWriteItems; a lost race re-reads and tries other free units.
    """
    booking.ensure_may_book(status)
    rt = runtime.current()
    last_day = request.date + timedelta(days=(request.nights or 1) - 1)
    for _ in range(HOLD_ATTEMPTS):
        now = rt.now()
        inventory, claims = inventory_store.read_range(facility.facility_id, request.date, last_day)
        days = {d.day: d for d in inventory if d.resource_type_id == request.resource_type_id}
        cells = booking.requested_cells(request, facility, days)
        booking.ensure_in_window(facility.rules, [c.day for c in cells], status, rt.today())
        units: list[Unit] = []
        for cell in cells:
            free = free_units(days.get(cell.day), cell.cell, claims, now)
            if len(free) < request.quantity:
                raise DomainError(ErrorCode.NOT_AVAILABLE)
            # A random pick spreads racing clients over different units.
            units += [Unit(cell.day, cell.cell, u) for u in rt.rng.sample(free, request.quantity)]
        first_day = days.get(cells[0].day)
        slot_cells = {c.key: c for c in first_day.cells} if first_day else {}
        hold = Hold(
            hold_id=rt.new_id("hld"),
            owner=owner,
            facility_id=facility.facility_id,
            resource_type_id=request.resource_type_id,
            units=units,
            quantity=request.quantity,
            valid_until=booking.hold_expiry(now, settings().hold_minutes),
            facility=facility,
            contact=contact,
            start=getattr(slot_cells.get(cells[0].cell), "start", None),
            end=getattr(slot_cells.get(cells[-1].cell), "end", None),
        )
        try:
            booking_store.place_hold(hold, now)
        except inventory_store.LostRace:
            continue
        return hold
    raise DomainError(ErrorCode.NOT_AVAILABLE)


def hold_for_citizen(user: CitizenProfile, request: HoldRequest) -> Hold:
    """A signed-in citizen's hold, within the booking window of their status today."""
    facility = load_facility(request.facility_id)
    groups.ensure_may_use(user, facility, [request.resource_type_id])
    status = user.status_on(runtime.current().today())
    return place(Owner.citizen(user.user_number), request, facility, status, user.recipient)


def own(hold_id: str, owner: Owner) -> Hold:
    """The caller's hold, confirmed or not; someone else's answers exactly like a missing
    one."""
    hold = booking_store.get_hold(hold_id)
    if hold is None or hold.owner != owner:
        raise DomainError(ErrorCode.HOLD_NOT_FOUND)
    return hold


def already_confirmed(hold: Hold) -> DomainError:
    """What a confirmed hold answers to a second confirmation or a release."""
    return DomainError(
        ErrorCode.CONFLICT,
        reason=messages.HOLD_ALREADY_CONFIRMED.format(number=hold.confirmed_as),
    )


def pending(hold_id: str, owner: Owner) -> Hold:
    """The caller's hold while it is still a hold (not yet confirmed)."""
    hold = own(hold_id, owner)
    if hold.confirmed_as is not None:
        raise already_confirmed(hold)
    return hold


def lost_race(hold_id: str, owner: Owner, now: datetime) -> DomainError | None:
    """Why a write on a hold lost its race, by what the hold is now; None when it is
    still pending and unexpired (the race was with something else: retry)."""
    try:
        current = pending(hold_id, owner)
    except DomainError as error:
        return error
    if current.valid_until <= now:
        return DomainError(ErrorCode.HOLD_EXPIRED)
    return None


def release(hold_id: str, owner: Owner) -> None:
    """Frees the caller's hold at once; refused once it is confirmed (even by a
    confirmation that commits while this runs)."""
    hold = pending(hold_id, owner)
    try:
        booking_store.release_hold(hold)
    except inventory_store.LostRace:
        raise lost_race(hold_id, owner, runtime.current().now()) or DomainError(
            ErrorCode.HOLD_NOT_FOUND
        ) from None
