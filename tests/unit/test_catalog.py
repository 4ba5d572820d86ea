"""Facility definitions staff send, and the booking window their rules open."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from yoyaku.api.validation import field_errors
from yoyaku.domain.booking import window_opens
from yoyaku.domain.catalog import BookingRules, Facility, FacilityDefinition

RULES: dict[str, Any] = {
    "closesDaysBefore": {"provisional": 14, "verified": 5},
    "maxUnitsPerBooking": 3,
    "changeDeadlineDays": 5,
    "cancelDeadlineDays": 3,
}
LODGING: dict[str, Any] = {
    "name": "大平台みなと荘",
    "kind": "lodging",
    "resourceTypes": [{"resourceTypeId": "room", "name": "客室", "capacityPersons": 5}],
    "rules": {**RULES, "maxNights": 2},
}
TIMESLOT: dict[str, Any] = {
    "name": "上尾市民体育館",
    "kind": "timeslot",
    "resourceTypes": [
        {"resourceTypeId": "main-arena", "name": "メインアリーナ"},
        {"resourceTypeId": "sub-arena", "name": "サブアリーナ"},
    ],
    "rules": RULES,
}


def rules(opens_before: str) -> BookingRules:
    return BookingRules.model_validate({**RULES, "opensBefore": opens_before})


def refusal(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, kind) of every error, as the API would report them."""
    with pytest.raises(ValidationError) as caught:
        FacilityDefinition.model_validate(document)
    return [(e.field, e.kind) for e in field_errors(caught.value.errors())]


@pytest.mark.parametrize(
    ("opens_before", "stay", "opens"),
    [
        ("P1M", date(2030, 6, 15), date(2030, 5, 15)),
        ("P1M", date(2030, 3, 31), date(2030, 2, 28)),  # clamped at the month end
        ("P1M", date(2028, 3, 30), date(2028, 2, 29)),  # leap year
        ("P1M", date(2031, 1, 10), date(2030, 12, 10)),
        ("P2M", date(2030, 8, 31), date(2030, 6, 30)),
        ("P30D", date(2030, 3, 1), date(2030, 1, 30)),
        ("P7D", date(2030, 1, 3), date(2029, 12, 27)),
    ],
)
def test_window_opens(opens_before: str, stay: date, opens: date) -> None:
    assert window_opens(rules(opens_before), stay) == opens


def test_booking_opens_one_month_before_by_default() -> None:
    assert window_opens(BookingRules.model_validate(RULES), date(2030, 7, 31)) == date(2030, 6, 30)


@pytest.mark.parametrize("bad", ["P1Y", "1M", "P1W", "P-1D", "PT1H", "P1M1D", "P1000D", ""])
def test_only_month_or_day_periods_are_accepted(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        rules(bad)
    assert [(e.field, e.kind) for e in field_errors(caught.value.errors())] == [
        ("opensBefore", "string_pattern_mismatch")
    ]


@pytest.mark.parametrize("document", [LODGING, TIMESLOT])
def test_valid_definitions_are_accepted(document: dict[str, Any]) -> None:
    definition = FacilityDefinition.model_validate(document)
    assert definition.kind == document["kind"]
    assert definition.lottery.enabled is False  # defaults
    assert definition.rules.opens_before == "P1M"


def test_duplicate_resource_type_ids_are_refused() -> None:
    document = copy.deepcopy(TIMESLOT)
    document["resourceTypes"].append({"resourceTypeId": "sub-arena", "name": "again"})
    assert refusal(document) == [("resourceTypes", "duplicate")]


def test_lodging_needs_max_nights() -> None:
    document = copy.deepcopy(LODGING)
    del document["rules"]["maxNights"]
    assert refusal(document) == [("rules.maxNights", "max_nights_required")]


def test_timeslot_facilities_take_no_max_nights() -> None:
    document = copy.deepcopy(TIMESLOT)
    document["rules"]["maxNights"] = 1
    assert refusal(document) == [("rules.maxNights", "max_nights_lodging_only")]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ((), "colour"),
        (("rules",), "rules.colour"),
        (("rules", "closesDaysBefore"), "rules.closesDaysBefore.colour"),
        (("resourceTypes", 0), "resourceTypes[0].colour"),
    ],
)
def test_unknown_fields_are_refused_at_every_level(path: tuple[Any, ...], field: str) -> None:
    document = copy.deepcopy(LODGING)
    target = document
    for step in path:
        target = target[step]
    target["colour"] = "blue"
    assert refusal(document) == [(field, "extra_forbidden")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kind": "hotel"}, ("kind", "literal_error")),
        ({"name": ""}, ("name", "string_too_short")),
        ({"resourceTypes": []}, ("resourceTypes", "too_short")),
        (
            {"resourceTypes": [{"resourceTypeId": "Room!", "name": "x"}]},
            ("resourceTypes[0].resourceTypeId", "string_pattern_mismatch"),
        ),
        (
            {"resourceTypes": [{"resourceTypeId": "room", "name": "x", "capacityPersons": 0}]},
            ("resourceTypes[0].capacityPersons", "greater_than_equal"),
        ),
    ],
)
def test_field_rules(change: dict[str, Any], expected: tuple[str, str]) -> None:
    assert refusal({**copy.deepcopy(LODGING), **change}) == [expected]


def test_facility_finds_its_resource_types() -> None:
    facility = Facility.model_validate({**TIMESLOT, "facilityId": "ageo-gym"})
    found = facility.resource_type("sub-arena")
    assert found is not None
    assert found.name == "サブアリーナ"
    assert facility.resource_type("court") is None


@pytest.mark.parametrize("facility_id", ["a", "Upper", "-lead", "has_underscore", "x" * 41])
def test_facility_ids_are_short_lowercase_slugs(facility_id: str) -> None:
    with pytest.raises(ValidationError):
        Facility.model_validate({**TIMESLOT, "facilityId": facility_id})


def test_facility_round_trips_through_its_json() -> None:
    facility = Facility.model_validate({**LODGING, "facilityId": "minato-ohiradai"})
    dumped = facility.model_dump(mode="json")
    assert dumped["facilityId"] == "minato-ohiradai"
    assert dumped["rules"]["closesDaysBefore"] == {"provisional": 14, "verified": 5}
    assert Facility.model_validate(dumped) == facility
