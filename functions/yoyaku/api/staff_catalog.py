"""Staff: create or replace facilities and open or change their inventory."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku import runtime
from yoyaku.adapters import catalog_store, inventory_store
from yoyaku.api import auth
from yoyaku.api.catalog import forget_facilities, load_facility
from yoyaku.domain.catalog import Facility, FacilityDefinition, FacilityId
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import InventoryChange, plan_inventory
from yoyaku.domain.messages import Bilingual
from yoyaku.domain.model import CamelModel

router = Router()

# A change that keeps losing races against bookings is re-read and re-planned this often.
INVENTORY_ATTEMPTS = 3


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
    auth.staff(router)
    facility = Facility(facility_id=facility_id, **definition.model_dump())
    catalog_store.save(facility)
    forget_facilities()
    return facility


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
    auth.staff(router)
    facility = load_facility(facility_id, fresh=True)
    for _ in range(INVENTORY_ATTEMPTS):
        rt = runtime.current()
        now, today = rt.now(), rt.today()
        inventory, claims = inventory_store.read_range(facility_id, change.from_, change.to)
        existing = {d.day: d for d in inventory if d.resource_type_id == change.resource_type_id}
        plans = plan_inventory(change, facility, existing, claims, now, today)
        try:
            inventory_store.apply(facility_id, plans, now)
        except inventory_store.LostRace:
            continue
        return InventoryResult(
            facility_id=facility_id,
            resource_type_id=change.resource_type_id,
            days_changed=len(plans),
        )
    raise DomainError(
        ErrorCode.CONFLICT,
        reason=Bilingual(
            "予約の受付が続いているため変更できませんでした。少し待ってからもう一度お試しください。",
            "Bookings kept arriving while the change was made. Wait a moment and retry.",
        ),
    )
