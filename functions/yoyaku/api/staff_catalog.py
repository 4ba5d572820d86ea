"""Staff: create or replace facilities and open or change their inventory."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku.api import auth
from yoyaku.domain.catalog import Facility, FacilityDefinition, FacilityId
from yoyaku.domain.inventory import InventoryChange
from yoyaku.domain.model import CamelModel
from yoyaku.services import catalog, inventory

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
