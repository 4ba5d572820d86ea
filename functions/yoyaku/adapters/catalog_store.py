"""Facilities in DynamoDB: the catalog is one small partition, read with one Query."""

from __future__ import annotations

import re

from yoyaku.adapters import pages
from yoyaku.adapters.table import FacilityItem
from yoyaku.domain.catalog import Facility
from yoyaku.domain.paging import Page

CATALOG = "CATALOG"
_POSITION = re.compile(r"FACILITY#[a-z0-9][a-z0-9-]{0,39}")


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


def page(limit: int, token: str | None) -> Page[Facility]:
    """Facilities in id order."""
    after = pages.decode(token, "facilities", _POSITION)
    condition = FacilityItem.sk > after if after else FacilityItem.sk.startswith("FACILITY#")
    items = FacilityItem.query(CATALOG, condition, page_size=limit + 1)
    keyed = ((i.sk, Facility.model_validate(i.document)) for i in items)
    return pages.collect(keyed, limit, "facilities")
