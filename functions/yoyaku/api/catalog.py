"""Public catalog: facilities and their availability (no sign-in needed)."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import Field

from yoyaku import runtime
from yoyaku.adapters import catalog_store, inventory_store
from yoyaku.domain import availability as rules
from yoyaku.domain.availability import DayAvailability
from yoyaku.domain.calendar import FIRST_DAY, LAST_DAY, end_of_next_month
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual
from yoyaku.domain.model import CamelModel

router = Router()

FACILITY = Bilingual("施設", "facility")


class FacilityList(CamelModel):
    items: list[Facility]


class Availability(CamelModel):
    facility_id: str
    from_: date = Field(alias="from")
    to: date
    days: list[DayAvailability]


# Facilities change rarely: a warm container reuses one for a minute, which saves a read
# on every availability call and hold. Staff changes show everywhere within that minute.
FACILITY_CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, Facility]] = {}


def forget_facilities() -> None:
    """Empties this container's facility cache (tests, and staff after a change)."""
    _cache.clear()


def load_facility(facility_id: str, *, fresh: bool = False) -> Facility:
    cached = _cache.get(facility_id)
    if cached is not None and not fresh and cached[0] > time.monotonic():
        return cached[1]
    facility = catalog_store.get(facility_id)
    if facility is None:
        _cache.pop(facility_id, None)
        raise DomainError(ErrorCode.NOT_FOUND, what=FACILITY)
    _cache[facility_id] = (time.monotonic() + FACILITY_CACHE_SECONDS, facility)
    return facility


@router.get("/v1/facilities", summary="List facilities", tags=["catalog"])
def list_facilities() -> FacilityList:
    return FacilityList(items=catalog_store.list_all())


@router.get("/v1/facilities/<facilityId>", summary="One facility", tags=["catalog"])
def get_facility(facility_id: Annotated[str, Path(alias="facilityId")]) -> Facility:
    return load_facility(facility_id)


@router.get(
    "/v1/facilities/<facilityId>/availability",
    summary="Availability per day (and per slot for time-slot facilities)",
    description="Defaults to today through the end of next month (the two-month calendar). "
    f"At most {rules.MAX_RANGE_DAYS} days per request.",
    tags=["catalog"],
)
def get_availability(
    facility_id: Annotated[str, Path(alias="facilityId")],
    from_: Annotated[date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
    to: Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY)] = None,
) -> Availability:
    facility = load_facility(facility_id)
    now = runtime.current().now()
    today = runtime.current().today()
    start = from_ or today
    end = to or end_of_next_month(start)
    if end < start:
        raise DomainError.invalid("to", "date_order", other="from")
    if (end - start).days + 1 > rules.MAX_RANGE_DAYS:
        raise DomainError(ErrorCode.RANGE_TOO_LONG, maxDays=rules.MAX_RANGE_DAYS)
    inventory, claims = inventory_store.read_range(facility_id, start, end)
    days = rules.availability(facility, start, end, inventory, claims, now, today)
    return Availability(facility_id=facility_id, from_=start, to=end, days=days)
