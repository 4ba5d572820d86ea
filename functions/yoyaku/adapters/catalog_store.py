"""Facilities in DynamoDB: the catalog is one small partition, read with one Query."""

from __future__ import annotations

from yoyaku.adapters.table import FacilityItem
from yoyaku.domain.catalog import Facility

CATALOG = "CATALOG"


def _sk(facility_id: str) -> str:
    return f"FACILITY#{facility_id}"


def save(facility: Facility) -> None:
    FacilityItem(
        CATALOG, _sk(facility.facility_id), document=facility.model_dump(mode="json")
    ).save()


def get(facility_id: str) -> Facility | None:
    try:
        item = FacilityItem.get(CATALOG, _sk(facility_id))
    except FacilityItem.DoesNotExist:
        return None
    return Facility.model_validate(item.document)


def list_all() -> list[Facility]:
    items = FacilityItem.query(CATALOG, FacilityItem.sk.startswith("FACILITY#"))
    return [Facility.model_validate(i.document) for i in items]
