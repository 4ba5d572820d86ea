"""Holds: claim units for 10 minutes while the user completes the booking."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku import runtime
from yoyaku.adapters import booking_store, inventory_store
from yoyaku.adapters.booking_store import Hold, Unit
from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.api.catalog import load_facility
from yoyaku.domain import booking
from yoyaku.domain.booking import HoldRequest
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import free_units
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import AccountStatus
from yoyaku.settings import settings

router = Router()

# Racing holds re-read availability and try other free units this many times.
HOLD_ATTEMPTS = 5


class HoldCreated(CamelModel):
    hold_id: str
    expires_at: datetime
    facility_id: str
    resource_type_id: str
    units: int


def owner_of_citizen(user_number: str) -> str:
    return f"USER#{user_number}"


def hold_units(
    owner: str,
    request: HoldRequest,
    facility: Facility,
    status: AccountStatus,
    contact: dict[str, str],
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
            facility=facility.model_dump(mode="json"),
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


def own_hold(hold_id: str, owner: str) -> Hold:
    """The caller's hold; someone else's answers exactly like a missing one."""
    hold = booking_store.get_hold(hold_id)
    if hold is None or hold.owner != owner:
        raise DomainError(ErrorCode.HOLD_NOT_FOUND)
    return hold


def _created(hold: Hold) -> HoldCreated:
    return HoldCreated(
        hold_id=hold.hold_id,
        expires_at=hold.valid_until,
        facility_id=hold.facility_id,
        resource_type_id=hold.resource_type_id,
        units=len(hold.units),
    )


@router.post(
    "/v1/holds",
    summary="Hold units for 10 minutes",
    description="Lodging: `date` and `nights`; time-slot facilities: `date`, `start` and "
    "`slots` (consecutive). All units are claimed together or none is.",
    tags=["bookings"],
)
def create_hold(request: HoldRequest) -> tuple[HoldCreated, int]:
    user = auth.citizen_profile(router)
    facility = load_facility(request.facility_id)
    status = user.status_on(runtime.current().today())
    contact = {"email": user.email, "language": user.language}
    hold = hold_units(owner_of_citizen(user.user_number), request, facility, status, contact)
    return _created(hold), 201


@router.get("/v1/holds/<holdId>", summary="One of my holds", tags=["bookings"])
def get_hold(hold_id: Annotated[str, Path(alias="holdId")]) -> HoldCreated:
    caller = auth.citizen(router)
    return _created(own_hold(hold_id, owner_of_citizen(caller.id)))


@router.delete("/v1/holds/<holdId>", summary="Release a hold at once", tags=["bookings"])
def delete_hold(hold_id: Annotated[str, Path(alias="holdId")]) -> Response[None]:
    caller = auth.citizen(router)
    booking_store.release_hold(own_hold(hold_id, owner_of_citizen(caller.id)))
    return NO_CONTENT
