"""Booking details through the gateway: a time-slot start that is no slot start names
the valid starts; a time-slot booking needs its party; reservations say whether they
can still be changed or cancelled today (the seed's list greys those out)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from yoyaku.domain.calendar import TOKYO

from .helpers import AFTERNOON, GYM, INN, MORNING, definition

STAY = date(2030, 6, 10)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO).astimezone(UTC)


def open_gym(client, token: str) -> None:
    assert client.put("/v1/staff/facilities/gym", json_body=GYM, token=token).status == 200
    body = {
        "resourceTypeId": "arena",
        "from": STAY.isoformat(),
        "to": STAY.isoformat(),
        "capacity": 2,
        "slots": [MORNING, AFTERNOON],
    }
    reply = client.put("/v1/staff/facilities/gym/inventory", json_body=body, token=token)
    assert reply.status == 200, reply.body


def slot_hold(client, citizen, start: str, **extra: Any):
    body = {
        "facilityId": "gym",
        "resourceTypeId": "arena",
        "date": STAY.isoformat(),
        "start": start,
        "quantity": 1,
        **extra,
    }
    return client.post("/v1/holds", json_body=body, token=citizen.token)


def test_a_start_between_slots_names_the_valid_starts(client, staff_token, make_citizen) -> None:
    open_gym(client, staff_token)
    citizen = make_citizen(status="verified")
    reply = slot_hold(client, citizen, "10:00")
    assert reply.status == 422, reply.body
    assert reply.json["errors"] == [
        {
            "field": "start",
            "message": "開始時刻は時間帯の開始時刻から選んでください（09:00, 13:00）。",
        }
    ]
    english = client.post(
        "/v1/holds",
        json_body={
            "facilityId": "gym",
            "resourceTypeId": "arena",
            "date": STAY.isoformat(),
            "start": "12:00",
        },
        token=citizen.token,
        lang="en",
    )
    assert english.json["errors"][0]["message"] == "Choose the start of a slot (09:00, 13:00)."
    assert slot_hold(client, citizen, "13:00").status == 201
    # A day with no inventory has nothing to book: still 409, not a field error.
    other_day = slot_hold(client, citizen, "10:00", date=(STAY + timedelta(days=1)).isoformat())
    assert other_day.status == 409 and other_day.json["code"] == "NOT_AVAILABLE"


def test_a_time_slot_booking_needs_its_party(client, staff_token, make_citizen, mailbox) -> None:
    open_gym(client, staff_token)
    citizen = make_citizen(status="verified")
    held = slot_hold(client, citizen, "09:00").json
    refused = client.post(
        "/v1/reservations", json_body={"holdId": held["holdId"]}, token=citizen.token
    )
    assert refused.status == 422
    assert refused.json["errors"] == [
        {"field": "party", "message": "利用人数（大人・子供の人数）を入力してください。"}
    ]
    booked = client.post(
        "/v1/reservations",
        json_body={"holdId": held["holdId"], "party": [{"night": 1, "adults": 6, "children": 2}]},
        token=citizen.token,
    )
    assert booked.status == 201, booked.body
    assert booked.json["party"] == [{"night": 1, "adults": 6, "children": 2}]


def test_reservations_say_what_can_still_be_done(
    client, clock, staff_token, make_citizen, mailbox
) -> None:
    """Changes until 5 days before, cancellations until 3 days before (helpers.INN)."""
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    body = {"resourceTypeId": "room", "from": "2030-06-01", "to": "2030-06-20", "capacity": 3}
    assert client.put("/v1/staff/facilities/inn/inventory", json_body=body, token=staff_token)
    citizen = make_citizen(status="verified")
    held = client.post(
        "/v1/holds",
        json_body={"facilityId": "inn", "resourceTypeId": "room", "date": "2030-06-10"},
        token=citizen.token,
    ).json
    booked = client.post(
        "/v1/reservations",
        json_body={"holdId": held["holdId"], "party": [{"night": 1, "adults": 2}]},
        token=citizen.token,
    )
    assert booked.status == 201, booked.body
    number = booked.json["reservationNumber"]
    assert (booked.json["canChange"], booked.json["canCancel"]) == (True, True)

    def flags() -> tuple[bool, bool]:
        (item,) = client.get("/v1/reservations", token=citizen.token).json["items"]
        one = client.get(f"/v1/reservations/{number}", token=citizen.token).json
        assert (one["canChange"], one["canCancel"]) == (item["canChange"], item["canCancel"])
        return item["canChange"], item["canCancel"]

    clock.set(at(date(2030, 6, 5), 23))  # the change deadline's last hour
    assert flags() == (True, True)
    clock.set(at(date(2030, 6, 6), 0))
    assert flags() == (False, True)
    clock.set(at(date(2030, 6, 7), 23))
    assert flags() == (False, True)
    cancelled = client.delete(f"/v1/reservations/{number}", token=citizen.token)
    assert cancelled.status == 200
    assert (cancelled.json["canChange"], cancelled.json["canCancel"]) == (False, False)
    assert flags() == (False, False)


def test_a_past_deadline_reservation_can_neither_change_nor_cancel(
    client, clock, staff_token, make_citizen, mailbox
) -> None:
    gym = definition(GYM)
    assert client.put("/v1/staff/facilities/gym", json_body=gym, token=staff_token).status == 200
    open_gym(client, staff_token)
    citizen = make_citizen(status="verified")
    held = slot_hold(client, citizen, "09:00").json
    client.post(
        "/v1/reservations",
        json_body={"holdId": held["holdId"], "party": [{"night": 1, "adults": 2}]},
        token=citizen.token,
    )
    clock.set(at(date(2030, 6, 8)))  # past both deadlines (5 and 3 days before)
    (item,) = client.get("/v1/reservations", token=citizen.token).json["items"]
    assert (item["canChange"], item["canCancel"]) == (False, False)
