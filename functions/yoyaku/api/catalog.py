"""Public catalog: facilities and their availability (no sign-in needed)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.availability import MAX_RANGE_DAYS, Availability
from yoyaku.domain.catalog import Facility
from yoyaku.domain.model import QueryDate
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import catalog

router = Router()


class FacilityList(Paged):
    items: list[Facility]


@router.get("/v1/facilities", summary="List facilities (by id)", tags=["catalog"])
def list_facilities(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> FacilityList:
    page = catalog.list_facilities(limit, next_token)
    return FacilityList(items=page.items, next_token=page.next_token)


@router.get("/v1/facilities/<facilityId>", summary="One facility", tags=["catalog"])
def get_facility(facility_id: Annotated[str, Path(alias="facilityId")]) -> Facility:
    return catalog.load_facility(facility_id)


@router.get(
    "/v1/facilities/<facilityId>/availability",
    summary="Availability per day (and per slot for time-slot facilities)",
    description="Defaults to today through the end of next month (the two-month calendar). "
    f"At most {MAX_RANGE_DAYS} days per request.",
    tags=["catalog"],
)
def get_availability(
    facility_id: Annotated[str, Path(alias="facilityId")],
    from_: Annotated[QueryDate | None, Query(alias="from")] = None,
    to: Annotated[QueryDate | None, Query()] = None,
) -> Availability:
    return catalog.availability(facility_id, from_, to)
