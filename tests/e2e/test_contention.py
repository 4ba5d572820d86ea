"""Fifty clients race for the last five units of one day: no double booking (issue 4)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from tests.e2e.accounts import bearer, registered
from tests.e2e.conftest import LocalService

CLIENTS = 50
LAST_UNITS = 5

RETREAT = {
    "name": "区民保養所（競争テスト用）",
    "kind": "lodging",
    "resourceTypes": [{"resourceTypeId": "room", "name": "客室", "capacityPersons": 4}],
    "rules": {
        "opensBefore": "P1M",
        "closesDaysBefore": {"provisional": 14, "verified": 5},
        "maxNights": 2,
        "maxUnitsPerBooking": 1,
        "changeDeadlineDays": 5,
        "cancelDeadlineDays": 3,
    },
}


def test_fifty_clients_race_for_the_last_five_units(service: LocalService) -> None:
    staff = bearer(service.staff_token())
    assert service.call("PUT", "/v1/staff/facilities/race", json=RETREAT, headers=staff).ok
    day = service.today() + timedelta(days=20)
    inventory = {
        "resourceTypeId": "room",
        "from": day.isoformat(),
        "to": day.isoformat(),
        "capacity": LAST_UNITS,
    }
    opened = service.call(
        "PUT", "/v1/staff/facilities/race/inventory", json=inventory, headers=staff
    )
    assert opened.ok, opened.text

    with ThreadPoolExecutor(max_workers=10) as pool:
        citizens = list(pool.map(lambda _: registered(service), range(CLIENTS)))

    start = Barrier(CLIENTS)

    def race(token: str) -> tuple[int, str]:
        start.wait()
        response = service.call(
            "POST",
            "/v1/holds",
            json={
                "facilityId": "race",
                "resourceTypeId": "room",
                "date": day.isoformat(),
                "nights": 1,
                "quantity": 1,
            },
            headers=bearer(token),
        )
        return response.status_code, response.json().get("code", "")

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(race, [c.token for c in citizens]))

    outcomes = Counter(results)
    assert outcomes[(201, "")] == LAST_UNITS, outcomes
    assert outcomes[(409, "NOT_AVAILABLE")] == CLIENTS - LAST_UNITS, outcomes
    assert not [r for r in results if r[0] >= 500]
    days = service.call(
        "GET",
        "/v1/facilities/race/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    ).json()["days"]
    assert (days[0]["capacity"], days[0]["available"], days[0]["mark"]) == (5, 0, "full")
