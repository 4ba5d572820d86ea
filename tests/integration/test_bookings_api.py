"""Booking rules through the gateway, in-process against moto (issue 4).

The clock starts on 2030-05-15 10:00 in Tokyo (tests/conftest.py). The inn is
helpers.INN: rooms for 5 people, at most 2 nights and 3 units a booking; booking opens
one month before the night and closes 14 days before (provisional accounts) or 5 days
before (verified ones); changes until 5 days before, cancellations until 3 days before.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from yoyaku.adapters import booking_store
from yoyaku.domain.booking import Owner
from yoyaku.domain.calendar import TOKYO

from .helpers import INN, definition, table_snapshot

PROBLEM_JSON = "application/problem+json"
TODAY = date(2030, 5, 15)
STAY = date(2030, 6, 10)  # inside every window on TODAY
ONE_ROOM_DAY = date(2030, 6, 12)  # tests that need a single room lower this day to one


def tokyo(day: date, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    """An instant at the given wall-clock time in Tokyo."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TOKYO).astimezone(
        UTC
    )


def open_inventory(client, token: str, facility_id: str, start: date, end: date) -> None:
    """Three rooms a night from `start` to `end`."""
    body = {"resourceTypeId": "room", "from": start.isoformat(), "to": end.isoformat()}
    reply = client.put(
        f"/v1/staff/facilities/{facility_id}/inventory",
        json_body={**body, "capacity": 3},
        token=token,
    )
    assert reply.status == 200, reply.body


@pytest.fixture
def inn(client, staff_token, mailbox) -> str:
    """The inn with three rooms a night on the days these tests book."""
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_inventory(client, staff_token, "inn", date(2030, 5, 19), date(2030, 5, 30))
    open_inventory(client, staff_token, "inn", date(2030, 6, 9), date(2030, 6, 20))
    return "inn"


def hold(client, citizen, day: date = STAY, nights: int = 1, quantity: int = 1, **extra: Any):
    body = {
        "facilityId": "inn",
        "resourceTypeId": "room",
        "date": day.isoformat(),
        "nights": nights,
        "quantity": quantity,
        **extra,
    }
    return client.post("/v1/holds", json_body=body, token=citizen.token)


def party(nights: int, adults: int = 2, children: int = 0) -> list[dict[str, int]]:
    return [{"night": n, "adults": adults, "children": children} for n in range(1, nights + 1)]


def reserve(client, citizen, hold_id: str, body: dict[str, Any] | None = None, key: str = ""):
    payload = {"holdId": hold_id, "party": party(1), **(body or {})}
    headers = {"Idempotency-Key": key} if key else None
    return client.post("/v1/reservations", json_body=payload, token=citizen.token, headers=headers)


def book(client, citizen, day: date = STAY, nights: int = 1, quantity: int = 1) -> dict[str, Any]:
    held = hold(client, citizen, day, nights, quantity)
    assert held.status == 201, held.body
    made = reserve(client, citizen, held.json["holdId"], {"party": party(nights)})
    assert made.status == 201, made.body
    reservation: dict[str, Any] = made.json
    return reservation


def assert_problem(reply, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == code, body
    return body


def assert_invalid(reply, field: str) -> dict[str, Any]:
    body = assert_problem(reply, 422, "VALIDATION_FAILED")
    assert field in [e["field"] for e in body["errors"]], body["errors"]
    return body


def stored_reservations() -> list[dict[str, Any]]:
    return [i for i in table_snapshot() if i["pk"]["S"].startswith("RESERVATION#")]


# ------------------------------------------------------------------ booking windows


@pytest.mark.parametrize(
    ("status", "first", "too_late"),
    [
        # Closes 14 days before for provisional accounts: 5/29 is the first night still open.
        ("provisional", date(2030, 5, 29), date(2030, 5, 28)),
        # Verified accounts may book until 5 days before.
        ("verified", date(2030, 5, 20), date(2030, 5, 19)),
    ],
)
def test_the_window_closes_days_before_by_account_status(
    client, inn, make_citizen, status, first, too_late
) -> None:
    citizen = make_citizen(status=status)
    assert hold(client, citizen, first).status == 201
    refused = assert_problem(hold(client, citizen, too_late), 422, "OUTSIDE_BOOKING_WINDOW")
    assert refused["closedOn"] == "2030-05-14"  # yesterday: it closed before today


@pytest.mark.parametrize("status", ["provisional", "verified"])
def test_the_window_opens_one_month_before_on_the_same_day(
    client, inn, make_citizen, status
) -> None:
    citizen = make_citizen(status=status)
    assert hold(client, citizen, date(2030, 6, 15)).status == 201  # opened today
    refused = assert_problem(
        hold(client, citizen, date(2030, 6, 16)), 422, "OUTSIDE_BOOKING_WINDOW"
    )
    assert refused["opensOn"] == "2030-05-16"


def test_every_night_of_a_stay_must_be_open(client, inn, make_citizen) -> None:
    citizen = make_citizen()  # provisional
    # The second night opens tomorrow.
    late = assert_problem(
        hold(client, citizen, date(2030, 6, 15), 2), 422, "OUTSIDE_BOOKING_WINDOW"
    )
    assert late["opensOn"] == "2030-05-16"
    # The first night closed yesterday, although the second is still open.
    early = assert_problem(
        hold(client, citizen, date(2030, 5, 28), 2), 422, "OUTSIDE_BOOKING_WINDOW"
    )
    assert early["closedOn"] == "2030-05-14"
    assert hold(client, citizen, date(2030, 6, 14), 2).status == 201
    assert hold(client, citizen, date(2030, 5, 29), 2).status == 201


def test_the_window_follows_the_date_in_tokyo(client, inn, make_citizen, clock) -> None:
    citizen = make_citizen(status="verified")
    clock.set(tokyo(TODAY, 23, 59, 59))
    assert hold(client, citizen, date(2030, 6, 16)).status == 422
    clock.set(tokyo(TODAY + timedelta(days=1), 0, 0, 0))  # 15:00 UTC, still 5/15 in UTC
    assert hold(client, citizen, date(2030, 6, 16)).status == 201
    assert hold(client, citizen, date(2030, 5, 20)).status == 422  # closed at Tokyo midnight


@pytest.mark.parametrize(
    ("year", "opens"),
    [(2031, date(2031, 2, 28)), (2032, date(2032, 2, 29))],
    ids=["common-year", "leap-year"],
)
def test_a_stay_at_a_month_end_opens_on_the_last_day_of_the_shorter_month(
    client, staff_token, mailbox, make_citizen, clock, year, opens
) -> None:
    stay = date(year, 3, 31)
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_inventory(client, staff_token, "inn", date(year, 3, 1), stay)
    citizen = make_citizen(status="verified")
    clock.set(tokyo(opens - timedelta(days=1), 23, 59, 59))
    refused = assert_problem(hold(client, citizen, stay), 422, "OUTSIDE_BOOKING_WINDOW")
    assert refused["opensOn"] == opens.isoformat()
    clock.set(tokyo(opens, 0, 0, 0))
    assert hold(client, citizen, stay).status == 201
    # The 30th opens the same day (clamped too); April 1st waits for March 1st.
    assert hold(client, citizen, stay - timedelta(days=1)).status == 201


# ------------------------------------------------------------------ who may book


def test_rejected_accounts_may_not_book(client, inn, make_citizen) -> None:
    citizen = make_citizen(status="rejected")
    before = table_snapshot()
    assert_problem(hold(client, citizen), 403, "NOT_ELIGIBLE")
    assert table_snapshot() == before


def test_a_worker_may_book_until_the_verification_lapses(client, inn, make_citizen) -> None:
    still = make_citizen(status="verified", residency="worker", verified_until=TODAY)
    assert hold(client, still).status == 201
    lapsed = make_citizen(
        status="verified", residency="worker", verified_until=TODAY - timedelta(days=1)
    )
    before = table_snapshot()
    assert_problem(hold(client, lapsed), 403, "NOT_ELIGIBLE")
    assert table_snapshot() == before


def test_an_expired_worker_is_told_to_renew(client, inn, make_citizen, clock) -> None:
    citizen = make_citizen(status="verified", residency="worker", verified_until=TODAY)
    clock.set(tokyo(TODAY + timedelta(days=1), 0, 0, 1))  # the day after verifiedUntil
    body = {"facilityId": "inn", "resourceTypeId": "room", "date": "2030-06-10"}
    reply = client.post("/v1/holds", json_body=body, token=citizen.token, lang="en")
    assert "renew" in assert_problem(reply, 403, "NOT_ELIGIBLE")["detail"]


# ------------------------------------------------------------------ what a hold may ask for


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 4}, "quantity"),  # maxUnitsPerBooking is 3
        ({"nights": 3}, "nights"),  # maxNights is 2
        ({"resourceTypeId": "penthouse"}, "resourceTypeId"),
        ({"start": "09:00"}, "start"),  # lodging has no time slots
        ({"quantity": 0}, "quantity"),
        ({"nights": 0}, "nights"),
    ],
)
def test_a_hold_outside_the_facility_rules_is_refused(
    client, inn, make_citizen, changes, field
) -> None:
    citizen = make_citizen(status="verified")
    before = table_snapshot()
    body = {
        "facilityId": "inn",
        "resourceTypeId": "room",
        "date": STAY.isoformat(),
        "nights": 1,
        "quantity": 1,
        **changes,
    }
    assert_invalid(client.post("/v1/holds", json_body=body, token=citizen.token), field)
    assert table_snapshot() == before


def test_the_largest_allowed_hold_is_fine(client, inn, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    reply = hold(client, citizen, STAY, nights=2, quantity=3)
    assert reply.status == 201, reply.body
    assert (reply.json["quantity"], reply.json["units"]) == (3, 6)  # 3 rooms a night, 2 nights


def test_an_unknown_facility_is_not_found(client, inn, make_citizen) -> None:
    citizen = make_citizen()
    body = {"facilityId": "nowhere", "resourceTypeId": "room", "date": STAY.isoformat()}
    assert_problem(client.post("/v1/holds", json_body=body, token=citizen.token), 404, "NOT_FOUND")


def test_more_than_the_free_units_is_not_available(client, inn, make_citizen) -> None:
    first, second = make_citizen(), make_citizen()
    assert hold(client, first, quantity=2).status == 201
    assert_problem(hold(client, second, quantity=2), 409, "NOT_AVAILABLE")
    assert hold(client, second, quantity=1).status == 201


# ------------------------------------------------------------------ the party


@pytest.mark.parametrize(
    ("nights", "quantity", "guests", "field"),
    [
        (2, 1, [{"night": 1, "adults": 2}], "party"),  # one entry per night
        (1, 1, [{"night": 1, "adults": 2}, {"night": 1, "adults": 1}], "party"),
        (1, 1, [{"night": 2, "adults": 2}], "party"),
        (1, 1, [], "party"),
        (1, 1, [{"night": 1, "adults": 0, "children": 2}], "party[0].adults"),
        (2, 1, [{"night": 1, "adults": 2}, {"night": 2, "adults": 0}], "party[1].adults"),
        (1, 1, [{"night": 1, "adults": 4, "children": 2}], "party[0]"),  # 5 a room
        (1, 2, [{"night": 1, "adults": 8, "children": 3}], "party[0]"),  # 10 in two rooms
        (1, 1, [{"night": 1, "adults": -1}], "party[0].adults"),
        (1, 1, [{"night": 1, "adults": 2, "pets": 1}], "party[0].pets"),
    ],
)
def test_the_party_is_checked_night_by_night(
    client, inn, make_citizen, nights, quantity, guests, field
) -> None:
    citizen = make_citizen()
    held = hold(client, citizen, STAY, nights, quantity)
    assert held.status == 201
    before = table_snapshot()
    assert_invalid(reserve(client, citizen, held.json["holdId"], {"party": guests}), field)
    assert table_snapshot() == before
    # The hold is still there: a corrected party books it.
    made = reserve(client, citizen, held.json["holdId"], {"party": party(nights)})
    assert made.status == 201, made.body


def test_a_full_party_in_two_rooms_is_fine(client, inn, make_citizen) -> None:
    citizen = make_citizen()
    held = hold(client, citizen, STAY, 2, 2)
    guests = [{"night": 2, "adults": 1}, {"night": 1, "adults": 6, "children": 4}]
    made = reserve(client, citizen, held.json["holdId"], {"party": guests})
    assert made.status == 201, made.body
    assert made.json["party"] == [
        {"night": 1, "adults": 6, "children": 4},
        {"night": 2, "adults": 1, "children": 0},
    ]


def test_a_room_style_wish_where_the_facility_takes_none_is_refused(
    client, staff_token, inn, make_citizen
) -> None:
    plain = definition(INN, options={"roomStyleWish": False})
    assert (
        client.put("/v1/staff/facilities/plain", json_body=plain, token=staff_token).status == 200
    )
    open_inventory(client, staff_token, "plain", STAY, STAY)
    citizen = make_citizen()
    body = {"facilityId": "plain", "resourceTypeId": "room", "date": STAY.isoformat()}
    held = client.post("/v1/holds", json_body=body, token=citizen.token)
    assert held.status == 201
    wish = reserve(client, citizen, held.json["holdId"], {"roomStyle": "japanese"})
    assert_invalid(wish, "roomStyle")
    assert reserve(client, citizen, held.json["holdId"]).json["roomStyle"] is None


def test_the_inn_takes_a_room_style_wish(client, inn, make_citizen) -> None:
    citizen = make_citizen()
    held = hold(client, citizen)
    made = reserve(client, citizen, held.json["holdId"], {"roomStyle": "western"})
    assert made.status == 201 and made.json["roomStyle"] == "western"
    assert_invalid(
        client.request(
            "PATCH",
            f"/v1/reservations/{made.json['reservationNumber']}",
            json_body={"roomStyle": "igloo"},
            token=citizen.token,
        ),
        "roomStyle",
    )


def test_a_room_style_wish_cannot_be_added_later_where_the_facility_takes_none(
    client, staff_token, inn, make_citizen
) -> None:
    plain = definition(INN, options={"roomStyleWish": False})
    assert (
        client.put("/v1/staff/facilities/plain", json_body=plain, token=staff_token).status == 200
    )
    open_inventory(client, staff_token, "plain", STAY, STAY)
    citizen = make_citizen()
    body = {"facilityId": "plain", "resourceTypeId": "room", "date": STAY.isoformat()}
    held = client.post("/v1/holds", json_body=body, token=citizen.token)
    number = reserve(client, citizen, held.json["holdId"]).json["reservationNumber"]
    changed = client.request(
        "PATCH",
        f"/v1/reservations/{number}",
        json_body={"roomStyle": "japanese"},
        token=citizen.token,
    )
    assert_invalid(changed, "roomStyle")


# ------------------------------------------------------------------ idempotent confirmation


def test_a_retry_with_the_same_idempotency_key_returns_the_same_reservation(
    client, inn, make_citizen, mailbox
) -> None:
    citizen = make_citizen()
    held = hold(client, citizen, nights=2)
    body = {"party": party(2), "roomStyle": "japanese"}
    key = str(uuid.uuid4())
    first = reserve(client, citizen, held.json["holdId"], body, key)
    assert first.status == 201, first.body
    again = reserve(client, citizen, held.json["holdId"], body, key)
    assert again.status == 201
    assert again.json == first.json
    assert len(stored_reservations()) == 1
    number = first.json["reservationNumber"]
    assert [
        r.number for r in booking_store.reservations_of(Owner.citizen(citizen.user_number))
    ] == [number]
    assert len([m for m in mailbox.to(citizen.email) if number in m.subject]) == 1


def test_the_same_key_with_another_body_is_a_conflict(client, inn, make_citizen) -> None:
    citizen = make_citizen()
    held = hold(client, citizen)
    key = str(uuid.uuid4())
    first = reserve(client, citizen, held.json["holdId"], {"party": party(1, adults=2)}, key)
    assert first.status == 201
    other = reserve(client, citizen, held.json["holdId"], {"party": party(1, adults=3)}, key)
    assert_problem(other, 409, "CONFLICT")
    assert len(stored_reservations()) == 1
    assert client.get(
        f"/v1/reservations/{first.json['reservationNumber']}", token=citizen.token
    ).json["party"] == party(1, adults=2)


def test_a_refused_attempt_does_not_use_up_the_key(client, inn, make_citizen) -> None:
    citizen = make_citizen()
    held = hold(client, citizen)
    key = str(uuid.uuid4())
    too_many = reserve(client, citizen, held.json["holdId"], {"party": party(1, adults=9)}, key)
    assert_invalid(too_many, "party[0]")
    fixed = reserve(client, citizen, held.json["holdId"], {"party": party(1, adults=5)}, key)
    assert fixed.status == 201, fixed.body
    assert fixed.json["party"] == party(1, adults=5)


def test_without_a_key_a_second_confirmation_is_told_it_was_confirmed(
    client, inn, make_citizen
) -> None:
    citizen = make_citizen()
    held = hold(client, citizen)
    first = reserve(client, citizen, held.json["holdId"])
    assert first.status == 201
    again = reserve(client, citizen, held.json["holdId"])
    problem = assert_problem(again, 409, "CONFLICT")
    assert first.json["reservationNumber"] in problem["detail"]
    assert len(stored_reservations()) == 1


def test_an_expired_hold_cannot_be_confirmed(client, inn, make_citizen, clock) -> None:
    citizen = make_citizen()
    held = hold(client, citizen)
    clock.advance(timedelta(minutes=10))
    assert_problem(reserve(client, citizen, held.json["holdId"]), 410, "HOLD_EXPIRED")
    assert stored_reservations() == []


# ------------------------------------------------------------------ changes and cancellations


def test_changes_are_possible_until_five_days_before(client, inn, make_citizen, clock) -> None:
    citizen = make_citizen()
    number = book(client, citizen, STAY, nights=2)["reservationNumber"]
    path = f"/v1/reservations/{number}"
    clock.set(tokyo(STAY - timedelta(days=5), 23, 59, 59))
    fewer = {"party": [{"night": 1, "adults": 3}, {"night": 2, "adults": 1}]}
    changed = client.request("PATCH", path, json_body=fewer, token=citizen.token)
    assert changed.status == 200, changed.body
    assert changed.json["changeDeadline"] == "2030-06-05"
    clock.set(tokyo(STAY - timedelta(days=4), 0, 0, 0))
    late = client.request("PATCH", path, json_body={"removeNights": [2]}, token=citizen.token)
    assert assert_problem(late, 422, "OUTSIDE_CHANGE_PERIOD")["closedOn"] == "2030-06-05"
    assert client.get(path, token=citizen.token).json["nights"] == 2


def test_cancelling_is_possible_until_three_days_before(client, inn, make_citizen, clock) -> None:
    citizen = make_citizen()
    early = book(client, citizen, STAY)["reservationNumber"]
    late = book(client, citizen, STAY)["reservationNumber"]
    clock.set(tokyo(STAY - timedelta(days=3), 23, 59, 59))
    cancelled = client.delete(f"/v1/reservations/{early}", token=citizen.token)
    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"
    clock.set(tokyo(STAY - timedelta(days=2), 0, 0, 0))
    refused = client.delete(f"/v1/reservations/{late}", token=citizen.token)
    assert assert_problem(refused, 422, "OUTSIDE_CANCEL_PERIOD")["closedOn"] == "2030-06-07"
    assert client.get(f"/v1/reservations/{late}", token=citizen.token).json["status"] == (
        "confirmed"
    )


def test_a_cancelled_reservation_cannot_be_changed_or_cancelled_again(
    client, inn, make_citizen
) -> None:
    citizen = make_citizen()
    number = book(client, citizen)["reservationNumber"]
    path = f"/v1/reservations/{number}"
    assert client.delete(path, token=citizen.token).status == 200
    assert_problem(client.delete(path, token=citizen.token), 409, "CONFLICT")
    change = client.request("PATCH", path, json_body={"roomStyle": "western"}, token=citizen.token)
    assert_problem(change, 409, "CONFLICT")


@pytest.mark.parametrize(
    ("remove", "field"),
    [([1, 2], "removeNights"), ([3], "removeNights"), ([0], "removeNights")],
)
def test_a_change_keeps_at_least_one_night(client, inn, make_citizen, remove, field) -> None:
    citizen = make_citizen()
    number = book(client, citizen, nights=2)["reservationNumber"]
    reply = client.request(
        "PATCH",
        f"/v1/reservations/{number}",
        json_body={"removeNights": remove},
        token=citizen.token,
    )
    assert_invalid(reply, field)


# ------------------------------------------------------------------ someone else's bookings


def test_someone_elses_reservation_is_not_found(client, inn, make_citizen) -> None:
    owner, other = make_citizen(), make_citizen()
    number = book(client, owner)["reservationNumber"]
    path = f"/v1/reservations/{number}"
    before = table_snapshot()
    assert_problem(client.get(path, token=other.token), 404, "NOT_FOUND")
    change = client.request("PATCH", path, json_body={"removeNights": []}, token=other.token)
    assert_problem(change, 404, "NOT_FOUND")
    assert_problem(client.delete(path, token=other.token), 404, "NOT_FOUND")
    assert client.get("/v1/reservations", token=other.token).json == {"items": []}
    assert table_snapshot() == before
    # What a stranger sees is what a number that does not exist gives.
    missing = client.get("/v1/reservations/1000000000", token=other.token)
    assert missing.json == client.get(path, token=other.token).json


def test_someone_elses_hold_is_not_found(client, inn, make_citizen) -> None:
    owner, other = make_citizen(), make_citizen()
    hold_id = hold(client, owner).json["holdId"]
    assert_problem(client.get(f"/v1/holds/{hold_id}", token=other.token), 404, "HOLD_NOT_FOUND")
    assert_problem(client.delete(f"/v1/holds/{hold_id}", token=other.token), 404, "HOLD_NOT_FOUND")
    assert_problem(reserve(client, other, hold_id), 404, "HOLD_NOT_FOUND")
    assert reserve(client, owner, hold_id).status == 201


def test_bookings_need_a_citizen_session(client, inn, staff_token) -> None:
    body = {"facilityId": "inn", "resourceTypeId": "room", "date": STAY.isoformat()}
    assert client.post("/v1/holds", json_body=body).status == 401
    assert client.post("/v1/holds", json_body=body, token=staff_token).status == 403
    assert client.get("/v1/reservations", token="citizen.123456.forged").status == 401


# ------------------------------------------------------------------ never a 5xx


def _odd_hold_bodies() -> list[Any]:
    base = {"facilityId": "inn", "resourceTypeId": "room", "date": STAY.isoformat(), "nights": 1}
    odd: list[Any] = [None, -1, 10**30, 1.5, "", "x" * 5000, [], {}, "2030-02-30", "../etc"]
    return [{**base, key: value} for key in base for value in odd] + [
        {**base, "quantity": 2, "nights": 2, "slots": 3},
        {**base, "date": "2030-05-14"},  # yesterday
    ]


def test_no_bad_hold_or_reservation_gives_a_server_error(client, inn, make_citizen) -> None:
    citizen = make_citizen()
    for body in _odd_hold_bodies():
        reply = client.post("/v1/holds", json_body=body, token=citizen.token)
        assert reply.status < 500, (body, reply.body)
    held = hold(client, citizen, nights=2).json["holdId"]
    number = book(client, citizen, nights=2)["reservationNumber"]
    odd: list[Any] = [None, -1, 10**30, "", "x" * 5000, [], {}, [{}], [{"night": "one"}], [0]]
    for key in ("holdId", "party", "roomStyle"):
        for value in odd:
            reply = reserve(client, citizen, held, {key: value})
            assert reply.status < 500, (key, value, reply.body)
    for key in ("removeNights", "party", "roomStyle"):
        for value in odd:
            reply = client.request(
                "PATCH", f"/v1/reservations/{number}", json_body={key: value}, token=citizen.token
            )
            assert reply.status < 500, (key, value, reply.body)
    for path in ("/v1/reservations/abc", "/v1/reservations/" + "9" * 40, "/v1/holds/hld_x"):
        for method in ("GET", "DELETE", "PATCH"):
            reply = client.request(method, path, json_body={}, token=citizen.token)
            assert reply.status < 500, (method, path, reply.body)
    long_key = {"Idempotency-Key": "k" * 500}
    reply = client.post(
        "/v1/reservations",
        json_body={"holdId": held, "party": party(2)},
        token=citizen.token,
        headers=long_key,
    )
    assert reply.status < 500, reply.body
    json.loads(reply.body)


@pytest.mark.parametrize(
    "path", ["/v1/reservations/予約", "/v1/reservations/12%2034", "/v1/holds/hld~1"]
)
def test_an_odd_path_with_a_valid_token_is_a_client_error(client, inn, make_citizen, path) -> None:
    citizen = make_citizen()
    reply = client.get(path, token=citizen.token)
    assert 400 <= reply.status < 500, reply.body


@pytest.mark.parametrize(("day", "nights"), [("9999-12-31", 2), ("0001-01-01", 1)])
def test_a_date_at_the_end_of_the_calendar_is_a_client_error(
    client, inn, make_citizen, day, nights
) -> None:
    citizen = make_citizen()
    body = {"facilityId": "inn", "resourceTypeId": "room", "date": day, "nights": nights}
    reply = client.post("/v1/holds", json_body=body, token=citizen.token)
    assert 400 <= reply.status < 500, reply.body


def _one_room_on(client, staff_token, day: date) -> None:
    body = {"resourceTypeId": "room", "from": day.isoformat(), "to": day.isoformat()}
    put = client.put(
        "/v1/staff/facilities/inn/inventory", json_body={**body, "capacity": 1}, token=staff_token
    )
    assert put.status == 200, put.body


def test_releasing_an_expired_hold_after_someone_else_took_the_unit(
    client, staff_token, inn, make_citizen, clock
) -> None:
    # One room: the second guest can only take it once the first hold has expired.
    _one_room_on(client, staff_token, ONE_ROOM_DAY)
    first, second = make_citizen(), make_citizen()
    held = hold(client, first, ONE_ROOM_DAY)
    assert held.status == 201, held.body
    stale = held.json["holdId"]
    assert_problem(hold(client, second, ONE_ROOM_DAY), 409, "NOT_AVAILABLE")
    clock.advance(timedelta(minutes=11))
    assert hold(client, second, ONE_ROOM_DAY).status == 201
    released = client.delete(f"/v1/holds/{stale}", token=first.token)
    assert released.status == 204, released.body


@pytest.mark.parametrize("late", [0.0, 0.4], ids=["at-expiry", "0.4s-after"])
def test_a_unit_shown_free_after_its_hold_expired_can_be_held(
    client, staff_token, inn, make_citizen, clock, late
) -> None:
    day = ONE_ROOM_DAY
    _one_room_on(client, staff_token, day)
    first, second = make_citizen(), make_citizen()
    clock.advance(timedelta(seconds=0.3))  # holds expire at any fraction of a second
    held = hold(client, first, day)
    assert held.status == 201, held.body
    expires = datetime.fromisoformat(held.json["expiresAt"])
    clock.set(expires + timedelta(seconds=late))
    shown = client.get(f"/v1/facilities/inn/availability?from={day}&to={day}").json["days"]
    assert [d["available"] for d in shown if d["resourceTypeId"] == "room"] == [1]
    taken = hold(client, second, day)
    assert taken.status == 201, taken.body


def test_a_hold_can_be_confirmed_until_its_last_moment(
    client, staff_token, inn, make_citizen, clock
) -> None:
    citizen = make_citizen()
    clock.advance(timedelta(seconds=0.3))
    held = hold(client, citizen, STAY)
    expires = datetime.fromisoformat(held.json["expiresAt"])
    clock.set(expires - timedelta(seconds=0.2))
    made = reserve(client, citizen, held.json["holdId"])
    assert made.status == 201, made.body


def test_a_release_that_races_a_confirmation_leaves_the_reservation_booked(
    client, inn, make_citizen
) -> None:
    """The release read the hold before the confirmation committed: its writes are
    conditional on the hold still being a hold, so they fail and the booking stays."""
    from yoyaku.adapters.inventory_store import LostRace

    citizen = make_citizen()
    held = hold(client, citizen)
    stale = booking_store.get_hold(held.json["holdId"])
    assert stale is not None
    made = reserve(client, citizen, held.json["holdId"])
    assert made.status == 201
    before = table_snapshot()
    with pytest.raises(LostRace):
        booking_store.release_hold(stale)
    assert table_snapshot() == before
    released = client.delete(f"/v1/holds/{held.json['holdId']}", token=citizen.token)
    assert made.json["reservationNumber"] in assert_problem(released, 409, "CONFLICT")["detail"]
    assert table_snapshot() == before
    availability = client.get(f"/v1/facilities/inn/availability?from={STAY}&to={STAY}").json
    assert availability["days"][0]["available"] == 2


# ------------------------------------------------------------------ several at once, e-mails


def test_a_change_is_e_mailed_with_the_stay_as_it_is_and_as_it_was(
    client, inn, make_citizen, mailbox
) -> None:
    citizen = make_citizen()
    number = book(client, citizen, STAY, nights=2)["reservationNumber"]
    fewer = {"removeNights": [2], "party": [{"night": 1, "adults": 3, "children": 1}]}
    changed = client.request(
        "PATCH", f"/v1/reservations/{number}", json_body=fewer, token=citizen.token
    )
    assert changed.status == 200, changed.body
    mail = mailbox.find(citizen.email, "予約変更のお知らせ")
    assert mail is not None
    assert number in mail.subject
    after, before = mail.body.split("【変更前】")
    assert "から1泊" in after and "1泊目 大人3人・子供1人" in after
    assert "から2泊" in before and "2泊目 大人2人・子供0人" in before
    # a refused change sends nothing
    late = client.request(
        "PATCH", f"/v1/reservations/{number}", json_body={"removeNights": [1]}, token=citizen.token
    )
    assert late.status == 422
    assert len([m for m in mailbox.to(citizen.email) if "予約変更" in m.subject]) == 1


def test_several_reservations_are_cancelled_in_one_request(
    client, inn, make_citizen, mailbox, clock
) -> None:
    """Two of them on the same night: the one transaction frees both units on that day's
    summary with a single update (DynamoDB refuses two actions on one item)."""
    from .helpers import assert_summaries_match_claims

    citizen = make_citizen()
    numbers = [
        book(client, citizen, STAY + timedelta(days=i))["reservationNumber"] for i in (0, 0, 1)
    ]
    free_before = client.get(f"/v1/facilities/inn/availability?from={STAY}&to={STAY}").json
    reply = client.post(
        "/v1/reservations/cancellations",
        json_body={"reservationNumbers": numbers},
        token=citizen.token,
    )
    assert reply.status == 200, reply.body
    assert [(r["reservationNumber"], r["status"]) for r in reply.json["items"]] == [
        (n, "cancelled") for n in numbers
    ]
    for number in numbers:
        shown = client.get(f"/v1/reservations/{number}", token=citizen.token).json
        assert shown["status"] == "cancelled" and shown["canCancel"] is False
        assert mailbox.find(citizen.email, number) is not None
    free_after = client.get(f"/v1/facilities/inn/availability?from={STAY}&to={STAY}").json
    assert free_after["days"][0]["available"] == free_before["days"][0]["available"] + 2
    assert_summaries_match_claims("inn", STAY, STAY + timedelta(days=1), clock.now())


def test_cancelling_several_is_all_or_none_and_names_each_refusal(
    client, inn, make_citizen, clock
) -> None:
    citizen, other = make_citizen(), make_citizen()
    soon = book(client, citizen, STAY)["reservationNumber"]
    later = book(client, citizen, STAY + timedelta(days=3))["reservationNumber"]
    cancelled = book(client, citizen, STAY + timedelta(days=4))["reservationNumber"]
    assert client.delete(f"/v1/reservations/{cancelled}", token=citizen.token).status == 200
    theirs = book(client, other, STAY)["reservationNumber"]
    clock.set(tokyo(STAY - timedelta(days=2)))  # past the 3-day cancellation deadline of `soon`
    before = stored_reservations()
    body = {"reservationNumbers": [later, soon, cancelled, theirs, "9999999999"]}
    reply = client.post("/v1/reservations/cancellations", json_body=body, token=citizen.token)
    problem = assert_problem(reply, 422, "VALIDATION_FAILED")
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert set(errors) == {f"reservationNumbers[{i}]" for i in (1, 2, 3, 4)}
    assert (
        soon in errors["reservationNumbers[1]"] and "2030-06-07" in errors["reservationNumbers[1]"]
    )
    assert "取り消されています" in errors["reservationNumbers[2]"]
    assert "見つかりません" in errors["reservationNumbers[3]"]  # someone else's: unknown
    assert stored_reservations() == before  # `later` stays confirmed
    english = client.post(
        "/v1/reservations/cancellations", json_body=body, token=citizen.token, lang="en"
    ).json
    assert "cannot be cancelled" in english["errors"][0]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reservationNumbers": []},
        {"reservationNumbers": ["1"] * 2},
        {"reservationNumbers": [str(i) for i in range(11)]},
        {"reservationNumbers": "123"},
    ],
)
def test_a_bad_cancellation_list_is_refused(client, inn, make_citizen, body) -> None:
    citizen = make_citizen()
    reply = client.post("/v1/reservations/cancellations", json_body=body, token=citizen.token)
    assert_problem(reply, 422, "VALIDATION_FAILED")
