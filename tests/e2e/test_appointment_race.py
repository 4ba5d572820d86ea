"""One appointment per link and per person, however many clients race for it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from threading import Barrier
from typing import Any

import pytest
import requests

from tests.e2e.accounts import bearer, link_token, wait_for_mail
from tests.e2e.conftest import LocalService, start_service, stop_service

CLIENTS = 50
# A counter of its own with one day of slots, so that fifty holds read a small partition.
FACILITY = "race-counter"
COUNTER = {
    "name": "競争テスト窓口",
    "kind": "timeslot",
    "resourceTypes": [
        {"resourceTypeId": "counter-1", "name": "第1窓口"},
        {"resourceTypeId": "counter-2", "name": "第2窓口"},
    ],
    "rules": {
        "opensBefore": "P1M",
        "closesDaysBefore": {"provisional": 1, "verified": 1},
        "maxUnitsPerBooking": 4,
        "changeDeadlineDays": 1,
        "cancelDeadlineDays": 1,
    },
}
RACER = {"noticeNumber": "RCE000001", "birthdate": "1970-01-01"}
TWO_LINKS = {"noticeNumber": "RCE000002", "birthdate": "1971-02-02"}
TWO_TABS = {"noticeNumber": "RCE000003", "birthdate": "1972-03-03"}
ELIGIBLE = (
    "noticeNumber,noticeNumber2,birthdate,counter\n"
    "RCE000001,RACERAAAAAAAAAAA01,1970-01-01,\n"
    "RCE000002,RACERBBBBBBBBBBB02,1971-02-02,\n"
    "RCE000003,RACERCCCCCCCCCCC03,1972-03-03,\n"
)


def _open_counter(service: LocalService, day: date) -> None:
    """The facility, one day of 15-minute slots on both counters, and its people."""
    staff = bearer(service.staff_token())
    assert service.call("PUT", f"/v1/staff/facilities/{FACILITY}", json=COUNTER, headers=staff).ok
    slots = [
        {"start": f"{m // 60:02d}:{m % 60:02d}", "end": f"{(m + 15) // 60:02d}:{(m + 15) % 60:02d}"}
        for m in range(9 * 60, 17 * 60, 15)
    ]
    for counter in ("counter-1", "counter-2"):
        inventory = {
            "resourceTypeId": counter,
            "from": day.isoformat(),
            "to": (day + timedelta(days=1)).isoformat(),
            "capacity": 1,
            "slots": slots,
        }
        opened = service.call(
            "PUT", f"/v1/staff/facilities/{FACILITY}/inventory", json=inventory, headers=staff
        )
        assert opened.ok, opened.text
    response = service.call(
        "POST",
        "/v1/staff/appointment-eligibility",
        params={"facilityId": FACILITY},
        data=ELIGIBLE.encode(),
        headers={**staff, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text


def _link(service: LocalService, person: dict[str, str]) -> str:
    email = f"race-{time.time_ns()}@example.jp"
    accepted = service.call(
        "POST",
        "/v1/appointment-requests",
        json={"facilityId": FACILITY, "email": email, "people": [person]},
    )
    assert accepted.status_code == 202, accepted.text
    return link_token(wait_for_mail(service, email, "窓口予約"))


def _slots(day: date) -> list[tuple[str, str]]:
    """(counter, start) pairs of one day, every 15 minutes from 09:00 on both counters."""
    starts = [f"{9 + m // 60:02d}:{m % 60:02d}" for m in range(0, 8 * 60, 15)]
    return [(counter, start) for start in starts for counter in ("counter-1", "counter-2")]


@pytest.fixture(scope="module")
def service() -> Iterator[LocalService]:
    """A runtime of its own: fifty argon2 hashes at once would stall the shared one for
    every other test on a small machine."""
    running = start_service()
    yield running
    stop_service(running)


# Fifty requests queue on two cores, each confirmation hashing its receipt password with
# argon2 (64 MiB): allow them more than the usual 30 s on a busy machine.
RACE_TIMEOUT = 180


def _hold(service: LocalService, token: str, day: date, slot: tuple[str, str]) -> Any:
    return requests.post(
        service.url + "/v1/appointments/holds",
        timeout=RACE_TIMEOUT,
        json={"token": token, "resourceTypeId": slot[0], "date": day.isoformat(), "start": slot[1]},
    )


def _confirm(service: LocalService, token: str, hold_id: str) -> Any:
    return requests.post(
        service.url + "/v1/appointments",
        timeout=RACE_TIMEOUT,
        json={
            "token": token,
            "holdId": hold_id,
            "contact": {"name": "競争 太郎", "phone": "0312345678"},
        },
    )


def _taken(service: LocalService, day: date) -> int:
    days = service.call(
        "GET",
        f"/v1/facilities/{FACILITY}/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    ).json()["days"]
    return sum(s["capacity"] - s["available"] for d in days for s in d["slots"])


def test_fifty_clients_on_one_link_make_exactly_one_appointment(service: LocalService) -> None:
    day = service.today() + timedelta(days=21)
    _open_counter(service, day)
    token = _link(service, RACER)
    before = _taken(service, day)
    slots = _slots(day)[:CLIENTS]

    start = Barrier(CLIENTS)

    def hold(slot: tuple[str, str]) -> Any:
        start.wait()
        return _hold(service, token, day, slot)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        holds = list(pool.map(hold, slots))
    assert not [h for h in holds if h.status_code >= 500]
    hold_ids = [h.json()["holdId"] for h in holds if h.status_code == 201]
    assert hold_ids, Counter(h.status_code for h in holds)

    confirm_start = Barrier(len(hold_ids))

    def confirm(hold_id: str) -> tuple[int, str]:
        confirm_start.wait()
        response = _confirm(service, token, hold_id)
        return response.status_code, response.json().get("code", "")

    with ThreadPoolExecutor(max_workers=len(hold_ids)) as pool:
        outcomes = Counter(pool.map(confirm, hold_ids))

    assert outcomes[(201, "")] == 1, outcomes
    assert outcomes[(409, "LINK_ALREADY_USED")] == len(hold_ids) - 1, outcomes
    # The losers' holds were released at once: only the one appointment's slot is taken.
    assert _taken(service, day) == before + 1


def test_one_person_with_two_links_gets_one_appointment(service: LocalService) -> None:
    day = service.today() + timedelta(days=22)
    _open_counter(service, day - timedelta(days=1))
    first, second = _link(service, TWO_LINKS), _link(service, TWO_LINKS)
    held = [_hold(service, first, day, ("counter-1", "09:00")).json()["holdId"]]
    held.append(_hold(service, second, day, ("counter-2", "09:00")).json()["holdId"])

    start = Barrier(2)

    def confirm(pair: tuple[str, str]) -> Any:
        start.wait()
        return _confirm(service, *pair)

    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(confirm, zip((first, second), held, strict=True)))
    codes = sorted((r.status_code, r.json().get("code", "")) for r in replies)
    assert codes == [(201, ""), (409, "CONFLICT")], [r.text for r in replies]

    # Asking for a third link is refused at once, naming the person.
    again = service.call(
        "POST",
        "/v1/appointment-requests",
        json={"facilityId": FACILITY, "email": "third@example.jp", "people": [TWO_LINKS]},
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "people[0]"

    # Once cancelled, it can be looked up (as cancelled), and the person may book again.
    won = next(r.json() for r in replies if r.status_code == 201)
    credentials = {"receiptNumber": won["receiptNumber"], "password": won["password"]}
    assert service.call("POST", "/v1/appointments/cancel", json=credentials).status_code == 200
    found = service.call("POST", "/v1/appointments/lookup", json=credentials)
    assert found.status_code == 200, found.text
    assert found.json()["status"] == "cancelled"
    assert _link(service, TWO_LINKS)


def test_a_second_tabs_hold_is_freed_when_the_first_tab_used_the_link(
    service: LocalService,
) -> None:
    """Two tabs on one link each hold a slot; once one confirms, the other's confirmation
    is refused and its slot is free at once, not when its ten minutes run out. (Late
    racers of the fifty-client test take this path when their request is queued behind
    the winner's.)"""
    day = service.today() + timedelta(days=23)
    _open_counter(service, day)
    token = _link(service, TWO_TABS)
    before = _taken(service, day)
    first = _hold(service, token, day, ("counter-1", "10:00"))
    second = _hold(service, token, day, ("counter-2", "11:00"))
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert _taken(service, day) == before + 2

    assert _confirm(service, token, first.json()["holdId"]).status_code == 201
    late = _confirm(service, token, second.json()["holdId"])
    assert late.status_code == 409 and late.json()["code"] == "LINK_ALREADY_USED", late.text
    assert _taken(service, day) == before + 1
