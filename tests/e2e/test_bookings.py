"""Holds and reservations over HTTP (issue 4)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from tests.e2e.accounts import Citizen, bearer, registered, wait_for_mail
from tests.e2e.conftest import LocalService


def _stay(service: LocalService, days_ahead: int = 20) -> date:
    return service.today() + timedelta(days=days_ahead)


def _available(service: LocalService, facility: str, day: date, rt: str) -> int:
    response = service.call(
        "GET",
        f"/v1/facilities/{facility}/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    )
    return int(next(d for d in response.json()["days"] if d["resourceTypeId"] == rt)["available"])


def _hold(citizen: Citizen, **body: Any) -> Any:
    return citizen.service.call("POST", "/v1/holds", json=body, headers=bearer(citizen.token))


def _reserve(citizen: Citizen, body: dict[str, Any], key: str | None = None) -> Any:
    headers = bearer(citizen.token)
    if key:
        headers["Idempotency-Key"] = key
    return citizen.service.call("POST", "/v1/reservations", json=body, headers=headers)


def test_hold_confirm_change_and_cancel_a_two_night_stay(service: LocalService) -> None:
    citizen = registered(service)
    stay = _stay(service, 21)
    before = _available(service, "minato-ohiradai", stay, "room")

    hold = _hold(
        citizen,
        facilityId="minato-ohiradai",
        resourceTypeId="room",
        date=stay.isoformat(),
        nights=2,
        quantity=2,
    )
    assert hold.status_code == 201, hold.text
    assert _available(service, "minato-ohiradai", stay, "room") == before - 2
    assert _available(service, "minato-ohiradai", stay + timedelta(days=1), "room") <= before - 2

    body = {
        "holdId": hold.json()["holdId"],
        "party": [
            {"night": 1, "adults": 3, "children": 2},
            {"night": 2, "adults": 3, "children": 1},
        ],
        "roomStyle": "japanese",
    }
    key = str(uuid.uuid4())
    created = _reserve(citizen, body, key)
    assert created.status_code == 201, created.text
    reservation = created.json()
    number = reservation["reservationNumber"]
    assert len(number) == 10 and number.isdigit()
    assert reservation["status"] == "confirmed" and reservation["source"] == "direct"
    assert (reservation["date"], reservation["nights"], reservation["quantity"]) == (
        stay.isoformat(),
        2,
        2,
    )
    replay = _reserve(citizen, body, key)
    assert replay.status_code == 201 and replay.json() == reservation
    listed = citizen.get("/v1/reservations").json()["items"]
    assert [r["reservationNumber"] for r in listed].count(number) == 1
    wait_for_mail(service, citizen.email, f"予約番号 {number}")
    assert _available(service, "minato-ohiradai", stay, "room") == before - 2

    changed = service.call(
        "PATCH",
        f"/v1/reservations/{number}",
        json={"removeNights": [2], "roomStyle": "no_preference"},
        headers=bearer(citizen.token),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["nights"] == 1
    assert changed.json()["party"] == [{"night": 1, "adults": 3, "children": 2}]
    assert _available(service, "minato-ohiradai", stay + timedelta(days=1), "room") == before

    cancelled = service.call("DELETE", f"/v1/reservations/{number}", headers=bearer(citizen.token))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _available(service, "minato-ohiradai", stay, "room") == before
    wait_for_mail(service, citizen.email, "予約取消し")


def test_released_and_expired_holds_free_their_units(service: LocalService) -> None:
    citizen = registered(service)
    stay = _stay(service, 22)
    before = _available(service, "minato-izusan", stay, "wayoshitsu")
    hold = _hold(
        citizen,
        facilityId="minato-izusan",
        resourceTypeId="wayoshitsu",
        date=stay.isoformat(),
        nights=1,
        quantity=1,
    ).json()
    assert _available(service, "minato-izusan", stay, "wayoshitsu") == before - 1
    released = service.call("DELETE", f"/v1/holds/{hold['holdId']}", headers=bearer(citizen.token))
    assert released.status_code == 204
    assert _available(service, "minato-izusan", stay, "wayoshitsu") == before

    hold = _hold(
        citizen,
        facilityId="minato-izusan",
        resourceTypeId="wayoshitsu",
        date=stay.isoformat(),
        nights=1,
        quantity=1,
    ).json()
    try:
        service.move_clock(10 * 60 + 1)
        assert _available(service, "minato-izusan", stay, "wayoshitsu") == before
        late = _reserve(citizen, {"holdId": hold["holdId"], "party": [{"night": 1, "adults": 2}]})
        assert late.status_code == 410 and late.json()["code"] == "HOLD_EXPIRED"
    finally:
        service.move_clock(0)


def test_someone_elses_hold_and_reservation_are_not_found(service: LocalService) -> None:
    alice, bob = registered(service), registered(service)
    stay = _stay(service, 23)
    hold = _hold(
        alice,
        facilityId="minato-atagawa",
        resourceTypeId="washitsu",
        date=stay.isoformat(),
        nights=1,
        quantity=1,
    ).json()
    stolen = _reserve(bob, {"holdId": hold["holdId"], "party": [{"night": 1, "adults": 2}]})
    assert stolen.status_code == 404 and stolen.json()["code"] == "HOLD_NOT_FOUND"
    mine = _reserve(alice, {"holdId": hold["holdId"], "party": [{"night": 1, "adults": 2}]}).json()
    number = mine["reservationNumber"]
    assert bob.get(f"/v1/reservations/{number}").status_code == 404
    assert (
        service.call("DELETE", f"/v1/reservations/{number}", headers=bearer(bob.token)).status_code
        == 404
    )
    assert bob.get("/v1/reservations").json()["items"] == []


def test_booking_window_of_a_provisional_user(service: LocalService) -> None:
    citizen = registered(service)
    too_soon = _hold(
        citizen,
        facilityId="minato-atagawa",
        resourceTypeId="washitsu",
        date=_stay(service, 10).isoformat(),
        nights=1,
        quantity=1,
    )
    assert too_soon.status_code == 422
    body = too_soon.json()
    assert body["code"] == "OUTSIDE_BOOKING_WINDOW"
    assert body["closedOn"] == (_stay(service, 10) - timedelta(days=14)).isoformat()
    far = _stay(service, 75)
    too_early = _hold(
        citizen,
        facilityId="minato-atagawa",
        resourceTypeId="washitsu",
        date=far.isoformat(),
        nights=1,
        quantity=1,
    )
    assert too_early.status_code == 422 and "opensOn" in too_early.json()


def test_time_slot_hold_needs_consecutive_slots(service: LocalService) -> None:
    citizen = registered(service)
    day = _stay(service, 20)
    while (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
        day += timedelta(days=1)  # the courts close over the new year
    ok = _hold(
        citizen,
        facilityId="ageo-tennis",
        resourceTypeId="court",
        date=day.isoformat(),
        start="13:00",
        slots=2,
        quantity=1,
    )
    assert ok.status_code == 201, ok.text
    no_party = _reserve(citizen, {"holdId": ok.json()["holdId"]})
    assert no_party.status_code == 422 and no_party.json()["errors"][0]["field"] == "party"
    party = [{"night": 1, "adults": 4, "children": 0}]
    reservation = _reserve(citizen, {"holdId": ok.json()["holdId"], "party": party})
    assert reservation.status_code == 201, reservation.text
    assert (reservation.json()["start"], reservation.json()["end"]) == ("13:00", "17:00")
    beyond = _hold(
        citizen,
        facilityId="ageo-tennis",
        resourceTypeId="court",
        date=day.isoformat(),
        start="15:00",
        slots=2,
        quantity=1,
    )
    assert beyond.status_code == 422 and beyond.json()["errors"][0]["field"] == "slots"
    between = _hold(
        citizen,
        facilityId="ageo-tennis",
        resourceTypeId="court",
        date=day.isoformat(),
        start="14:00",
        quantity=1,
    )
    assert between.status_code == 422
    assert between.json()["errors"] == [
        {
            "field": "start",
            "message": "開始時刻は時間帯の開始時刻から選んでください"
            "（09:00, 11:00, 13:00, 15:00）。",
        }
    ]
