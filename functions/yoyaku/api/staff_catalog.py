"""Staff: facilities as staff edit them, their inventory and their closing days."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku.api import auth
from yoyaku.domain.catalog import Facility, FacilityDefinition, FacilityId
from yoyaku.domain.closure_views import (
    ClosureChange,
    ClosurePreview,
    ClosurePreviewRequest,
    ClosureResult,
)
from yoyaku.domain.inventory import InventoryChange
from yoyaku.domain.model import CamelModel
from yoyaku.services import catalog, closures, inventory

router = Router()


class InventoryResult(CamelModel):
    facility_id: str
    resource_type_id: str
    days_changed: int


@router.put(
    "/v1/staff/facilities/<facilityId>", summary="Create or replace a facility", tags=["staff"]
)
def put_facility(
    facility_id: Annotated[FacilityId, Path(alias="facilityId")], definition: FacilityDefinition
) -> Facility:
    member = auth.staff(router)
    return catalog.save_facility(facility_id, definition, member)


@router.put(
    "/v1/staff/facilities/<facilityId>/inventory",
    summary="Open or change inventory for a date range",
    description="Sets the bookable units per day (lodging) or per slot (time-slot facilities). "
    "Lowering capacity below what is already held or booked is refused with CONFLICT; "
    "closedDates are shown as closed and take no bookings.",
    tags=["staff"],
)
def put_inventory(
    facility_id: Annotated[str, Path(alias="facilityId")], change: InventoryChange
) -> InventoryResult:
    member = auth.staff(router)
    days_changed = inventory.change(facility_id, change, member)
    return InventoryResult(
        facility_id=facility_id,
        resource_type_id=change.resource_type_id,
        days_changed=days_changed,
    )


@router.get(
    "/v1/staff/facilities/<facilityId>",
    summary="One facility with every rule, as staff edit it",
    description="Read afresh (the public catalog may serve a copy up to a minute old).",
    tags=["staff"],
)
def get_staff_facility(facility_id: Annotated[str, Path(alias="facilityId")]) -> Facility:
    auth.staff(router)
    return catalog.load_facility(facility_id, fresh=True)


@router.post(
    "/v1/staff/facilities/<facilityId>/closures/preview",
    summary="Preview new closing days: the days they close and the bookings in the way",
    description="Nothing is saved. `conflicts` lists every reservation, counter "
    "appointment, live hold or lottery that holds units on a day the closing days would "
    "close, with its number and guest; saving them is refused while it is not empty.",
    tags=["staff"],
)
def preview_closures(
    facility_id: Annotated[str, Path(alias="facilityId")], rules: ClosurePreviewRequest
) -> ClosurePreview:
    auth.staff(router)
    return closures.preview(facility_id, rules)


@router.put(
    "/v1/staff/facilities/<facilityId>/closures",
    summary="Set the closing days and close the opened days they cover",
    description="Saves the closing days into the facility's rules and closes every day "
    "of inventory already opened that they cover, for every resource type. Refused with "
    "CONFLICT, naming the bookings (`conflicts`), when any of those days has a booking, "
    "a live hold or units kept for a lottery; nothing is written then.",
    tags=["staff"],
)
def put_closures(
    facility_id: Annotated[str, Path(alias="facilityId")], change: ClosureChange
) -> ClosureResult:
    member = auth.staff(router)
    return closures.change(facility_id, change, member)
