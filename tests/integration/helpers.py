"""Facility definitions and direct writes that the integration tests share."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from yoyaku.adapters import inventory_store
from yoyaku.adapters.table import ClaimItem
from yoyaku.domain.catalog import Facility
from yoyaku.domain.inventory import WHOLE_DAY, ClaimState

RULES: dict[str, Any] = {
    "opensBefore": "P1M",
    "closesDaysBefore": {"provisional": 14, "verified": 5},
    "maxUnitsPerBooking": 3,
    "changeDeadlineDays": 5,
    "cancelDeadlineDays": 3,
}
INN: dict[str, Any] = {
    "name": "大平台みなと荘",
    "kind": "lodging",
    "municipality": "港区",
    "resourceTypes": [
        {"resourceTypeId": "room", "name": "客室", "capacityPersons": 5},
        {"resourceTypeId": "suite", "name": "特別室", "capacityPersons": 2},
    ],
    "rules": {**RULES, "maxNights": 2},
    "lottery": {"enabled": True, "residentsOnly": True},
    "options": {"roomStyleWish": True},
}
GYM: dict[str, Any] = {
    "name": "上尾市民体育館",
    "kind": "timeslot",
    "municipality": "上尾市",
    "resourceTypes": [{"resourceTypeId": "arena", "name": "メインアリーナ（1面）"}],
    "rules": RULES,
}
MORNING = {"start": "09:00", "end": "12:00"}
AFTERNOON = {"start": "13:00", "end": "16:00"}


def definition(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a facility definition with top-level fields replaced."""
    return {**copy.deepcopy(base), **changes}


def facility(facility_id: str, base: dict[str, Any]) -> Facility:
    return Facility.model_validate({**copy.deepcopy(base), "facilityId": facility_id})


def write_claim(
    facility_id: str,
    day: date,
    unit: int,
    state: ClaimState = ClaimState.BOOKED,
    *,
    resource_type_id: str = "room",
    cell: str = WHOLE_DAY,
    expires_at: datetime | None = None,
    holder: str | None = "user-1",
) -> None:
    """Claims a unit the way a booking or hold would (there is no booking API yet)."""
    ClaimItem(
        inventory_store.partition(facility_id, day.isoformat()[:7]),
        inventory_store.claim_sk(day, resource_type_id, cell, unit),
        state=state.value,
        expires_at=expires_at,
        holder=holder,
    ).save()


def table_snapshot() -> list[dict[str, Any]]:
    """Every item in the table, sorted: to prove that a refused request changed nothing."""
    import boto3

    from yoyaku.settings import settings

    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": settings().table_name}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
