"""Facilities and their availability; staff create or replace facilities."""

from __future__ import annotations

import time
from datetime import date

from yoyaku import runtime
from yoyaku.adapters import catalog_store, inventory_store, summary_store
from yoyaku.domain import availability as rules
from yoyaku.domain import messages
from yoyaku.domain.audit import AuditAction, FacilitySaved, TargetType
from yoyaku.domain.availability import Availability
from yoyaku.domain.calendar import end_of_next_month
from yoyaku.domain.catalog import Facility, FacilityDefinition
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.paging import Page
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit
from yoyaku.settings import settings

# Facilities change rarely: a warm container reuses one for FACILITY_CACHE_SECONDS (a
# minute), which saves a read on every availability call and hold. Staff changes show
# everywhere within that minute (at once in the local runtime, which sets it to 0 s).
_cache: dict[str, tuple[float, Facility]] = {}


def forget_facilities() -> None:
    """Empties this container's facility cache (tests, and staff after a change)."""
    _cache.clear()


def load_facility(facility_id: str, *, fresh: bool = False) -> Facility:
    """The facility (from this container's cache unless `fresh`), or NOT_FOUND."""
    cached = _cache.get(facility_id)
    if cached is not None and not fresh and cached[0] > time.monotonic():
        return cached[1]
    facility = catalog_store.get(facility_id)
    if facility is None:
        _cache.pop(facility_id, None)
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.FACILITY)
    _cache[facility_id] = (time.monotonic() + settings().facility_cache_seconds, facility)
    return facility


def list_facilities(limit: int, token: str | None) -> Page[Facility]:
    return catalog_store.page(limit, token)


def availability(facility_id: str, start: date | None, end: date | None) -> Availability:
    """Per day (and slot) from `start` (today) to `end` (the end of next month)."""
    facility = load_facility(facility_id)
    rt = runtime.current()
    now, today = rt.now(), rt.today()
    start = start or today
    end = end or end_of_next_month(start)
    if end < start:
        raise DomainError.invalid("to", "date_order", other="from")
    if (end - start).days + 1 > rules.MAX_RANGE_DAYS:
        raise DomainError(ErrorCode.RANGE_TOO_LONG, maxDays=rules.MAX_RANGE_DAYS)
    # Two Queries, whatever the bookings: the days' summaries and the live holds.
    summaries = summary_store.read(facility_id, start, end)
    holds = inventory_store.live_holds(facility_id, now)
    days = rules.availability(facility, start, end, summaries, holds, now, today)
    return Availability(facility_id=facility_id, from_=start, to=end, days=days)


def save_facility(facility_id: str, definition: FacilityDefinition, actor: StaffMember) -> Facility:
    """Creates or replaces a facility (staff); its inventory is left alone."""
    facility = Facility(facility_id=facility_id, **definition.model_dump())
    created = catalog_store.get(facility_id) is None
    catalog_store.save(facility)
    forget_facilities()
    audit.record(
        actor,
        AuditAction.FACILITY_SAVED,
        TargetType.FACILITY,
        facility_id,
        FacilitySaved(name=facility.name, created=created),
    )
    return facility
