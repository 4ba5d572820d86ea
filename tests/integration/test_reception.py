"""Reception hours and suspensions through the gateway (seed 004: 受付時間 8:00–24:00,
年末年始を除く; a planned 一時休止). The clock is moved to each edge; no test depends on
the hour it runs at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from yoyaku.domain.calendar import TOKYO

from .helpers import GYM, MORNING, definition

SEED_HOURS = {"opens": "08:00", "closes": "24:00"}
DAY = date(2030, 5, 15)  # a Wednesday


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TOKYO).astimezone(
        UTC
    )


def set_hours(client, token: str, hours: Any):
    return client.put("/v1/staff/reception-hours", json_body=hours, token=token)


def try_booking(client, citizen, facility_id: str = "no-such-place"):
    """A hold: refused by reception, or else judged on its merits (404 for no facility)."""
    body = {
        "facilityId": facility_id,
        "resourceTypeId": "arena",
        "date": "2030-06-10",
        "start": "09:00",
        "quantity": 1,
    }
    return client.post("/v1/holds", json_body=body, token=citizen.token)


def test_the_local_default_takes_bookings_at_any_hour(client, clock, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    clock.set(at(DAY, 3))
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"
    status = client.get("/v1/reception").json
    assert status == {
        "hours": None,
        "accepting": True,
        "reason": None,
        "opensAt": None,
        "closesAt": None,
        "suspensions": [],
    }


@pytest.mark.parametrize(
    ("instant", "accepted", "opens_at"),
    [
        (at(DAY, 7, 59, 59), False, "2030-05-15T08:00:00+09:00"),
        (at(DAY, 8, 0, 0), True, None),
        (at(DAY, 23, 59, 59), True, None),
        (at(DAY + timedelta(days=1), 0, 0, 0), False, "2030-05-16T08:00:00+09:00"),
        (at(DAY, 0, 0, 0), False, "2030-05-15T08:00:00+09:00"),
    ],
    ids=["7:59:59", "8:00", "23:59:59", "0:00 next day", "0:00"],
)
def test_reception_hour_edges(
    client, clock, staff_token, make_citizen, instant, accepted, opens_at
) -> None:
    citizen = make_citizen(status="verified")
    assert set_hours(client, staff_token, SEED_HOURS).status == 200
    clock.set(instant)
    reply = try_booking(client, citizen)
    status = client.get("/v1/reception").json
    if accepted:
        assert reply.json["code"] == "NOT_FOUND"  # past reception, judged on its merits
        assert status["accepting"] is True
        midnight = instant.astimezone(TOKYO).date() + timedelta(days=1)
        assert status["closesAt"] == f"{midnight.isoformat()}T00:00:00+09:00"
        return
    assert reply.status == 422
    assert reply.header("Content-Type") == "application/problem+json"
    assert reply.json["code"] == "OUTSIDE_RECEPTION_HOURS"
    assert reply.json["opensAt"] == opens_at
    assert reply.json["detail"] == (
        f"予約・変更・取消し・抽選の申込みは08:00から24:00まで受け付けています。次の受付開始は{opens_at}です。"
    )
    assert status["accepting"] is False
    assert status["reason"] == "outside_hours"
    assert status["opensAt"] == opens_at


def test_outside_the_hours_browsing_and_other_writes_go_on(
    client, clock, staff_token, make_citizen
) -> None:
    citizen = make_citizen(status="verified")
    set_hours(client, staff_token, SEED_HOURS)
    clock.set(at(DAY, 6))
    assert client.get("/v1/facilities").status == 200
    assert client.get("/v1/reservations", token=citizen.token).status == 200
    assert client.delete("/v1/reservations/1234567890", token=citizen.token).json["code"] == (
        "OUTSIDE_RECEPTION_HOURS"
    )
    refused = client.post(
        "/v1/lotteries/lot_x/entries", json_body={"preferences": []}, token=citizen.token
    )
    assert refused.json["code"] in ("OUTSIDE_RECEPTION_HOURS", "VALIDATION_FAILED")
    # Registration is not a booking: reception hours do not apply to it.
    reply = client.post("/v1/registrations/confirm", json_body={"token": "nope"})
    assert reply.json["code"] == "LINK_INVALID"


def test_a_real_booking_just_before_midnight(client, clock, staff_token, make_citizen) -> None:
    set_hours(client, staff_token, SEED_HOURS)
    gym = definition(GYM)
    assert client.put("/v1/staff/facilities/gym", json_body=gym, token=staff_token).status == 200
    inventory = {
        "resourceTypeId": "arena",
        "from": "2030-06-10",
        "to": "2030-06-10",
        "capacity": 1,
        "slots": [MORNING],
    }
    reply = client.put("/v1/staff/facilities/gym/inventory", json_body=inventory, token=staff_token)
    assert reply.status == 200
    citizen = make_citizen(status="verified")
    clock.set(at(DAY, 23, 59, 59))
    assert try_booking(client, citizen, "gym").status == 201
    clock.advance(timedelta(seconds=1))
    assert try_booking(client, citizen, "gym").json["code"] == "OUTSIDE_RECEPTION_HOURS"


def test_no_reception_over_the_new_year(client, clock, staff_token, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    hours = {**SEED_HOURS, "yearEndClosure": {"from": "12-29", "to": "01-03"}}
    assert set_hours(client, staff_token, hours).status == 200
    clock.set(at(date(2030, 12, 28), 23, 59, 59))
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"
    clock.set(at(date(2030, 12, 31), 12))
    reply = try_booking(client, citizen)
    assert reply.json["code"] == "OUTSIDE_RECEPTION_HOURS"
    assert reply.json["opensAt"] == "2031-01-04T08:00:00+09:00"


def test_hours_past_midnight(client, clock, staff_token, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    set_hours(client, staff_token, {"opens": "22:00", "closes": "06:00"})
    clock.set(at(DAY, 5, 59, 59))
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"
    clock.set(at(DAY, 6))
    assert try_booking(client, citizen).json["opensAt"] == "2030-05-15T22:00:00+09:00"


def test_null_takes_bookings_at_any_hour_again(client, clock, staff_token, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    set_hours(client, staff_token, SEED_HOURS)
    clock.set(at(DAY, 3))
    assert try_booking(client, citizen).json["code"] == "OUTSIDE_RECEPTION_HOURS"
    reply = client.put("/v1/staff/reception-hours", raw=b"null", token=staff_token)
    assert reply.status == 200, reply.body
    assert reply.json["hours"] is None and reply.json["accepting"] is True
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"opens": "08:00", "closes": "08:00"}, "closes"),
        ({"opens": "24:00", "closes": "08:00"}, "opens"),
        ({"opens": "8:00", "closes": "24:00"}, "opens"),
        ({"opens": "08:00", "closes": "24:30"}, "closes"),
        ({"opens": "08:00"}, "closes"),
        ({"opens": "08:00", "closes": "24:00", "extra": 1}, "extra"),
    ],
)
def test_bad_hours_are_refused_and_change_nothing(client, staff_token, hours, field) -> None:
    set_hours(client, staff_token, SEED_HOURS)
    reply = set_hours(client, staff_token, hours)
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.json["errors"]]
    assert client.get("/v1/reception").json["hours"]["opens"] == "08:00"


def test_only_staff_set_hours(client, citizen_token) -> None:
    assert set_hours(client, citizen_token, SEED_HOURS).status == 403
    assert client.put("/v1/staff/reception-hours", json_body=SEED_HOURS).status == 401


# ------------------------------------------------------------------ suspensions


def suspend(client, token: str, start: datetime, until: datetime, notice: str = "システム更新"):
    body = {"from": start.isoformat(), "until": until.isoformat(), "notice": notice}
    return client.post("/v1/staff/suspensions", json_body=body, token=token)


def test_a_suspension_window(client, clock, staff_token, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    clock.set(at(DAY, 12))
    start, until = at(DAY + timedelta(days=1), 0), at(DAY + timedelta(days=1), 5)
    notice = "システム変更のため、5月16日午前0時から午前5時まで予約システムを一時休止します。"
    created = suspend(client, staff_token, start, until, notice)
    assert created.status == 201, created.body
    suspension = created.json
    assert suspension["suspensionId"].startswith("sus_")
    announced = client.get("/v1/reception").json
    assert announced["accepting"] is True
    assert announced["suspensions"] == [suspension]
    assert announced["closesAt"] == "2030-05-16T00:00:00+09:00"

    clock.set(start - timedelta(seconds=1))
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"

    clock.set(start)
    reply = try_booking(client, citizen)
    assert reply.status == 503
    assert reply.json["code"] == "SERVICE_SUSPENDED"
    assert reply.header("Retry-After") == str(5 * 3600)
    assert reply.json["notice"] == notice
    assert reply.json["until"] == "2030-05-16T05:00:00+09:00"
    assert reply.json["detail"] == f"{notice}（2030-05-16T05:00:00+09:00まで）"
    english = client.post(
        "/v1/registrations/confirm", json_body={"token": "nope"}, lang="en"
    )  # any citizen write
    assert english.status == 503
    assert english.json["title"] == "The service is temporarily suspended"
    assert client.get("/v1/facilities").status == 200  # browsing goes on
    status = client.get("/v1/reception").json
    assert status["accepting"] is False and status["reason"] == "suspended"
    assert status["opensAt"] == "2030-05-16T05:00:00+09:00"

    clock.set(until - timedelta(seconds=1))
    assert try_booking(client, citizen).header("Retry-After") == "1"
    clock.set(until)
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"
    assert client.get("/v1/reception").json["suspensions"] == []


def test_a_suspension_inside_closed_hours_reopens_with_the_hours(
    client, clock, staff_token, make_citizen
) -> None:
    set_hours(client, staff_token, SEED_HOURS)
    clock.set(at(DAY, 12))
    suspend(client, staff_token, at(DAY, 23), at(DAY + timedelta(days=1), 5))
    clock.set(at(DAY, 23, 30))
    status = client.get("/v1/reception").json
    assert status["reason"] == "suspended"
    assert status["opensAt"] == "2030-05-16T08:00:00+09:00"


def test_staff_end_a_suspension_early(client, clock, staff_token, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    clock.set(at(DAY, 12))
    created = suspend(client, staff_token, at(DAY, 12), at(DAY, 18)).json
    assert try_booking(client, citizen).status == 503
    url = f"/v1/staff/suspensions/{created['suspensionId']}"
    assert client.delete(url, token=staff_token).status == 204
    assert try_booking(client, citizen).json["code"] == "NOT_FOUND"
    assert client.delete(url, token=staff_token).status == 404


@pytest.mark.parametrize(
    ("start", "until", "field"),
    [
        (at(DAY, 14), at(DAY, 13), "until"),
        (at(DAY, 9), at(DAY, 10), "until"),  # already over
        ("2030-05-16T00:00:00", at(DAY, 13), "from"),  # no offset
    ],
)
def test_bad_suspensions_are_refused(client, clock, staff_token, start, until, field) -> None:
    clock.set(at(DAY, 12))
    body = {
        "from": start if isinstance(start, str) else start.isoformat(),
        "until": until.isoformat(),
        "notice": "休止",
    }
    reply = client.post("/v1/staff/suspensions", json_body=body, token=staff_token)
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.json["errors"]]
    assert client.get("/v1/reception").json["suspensions"] == []


# ------------------------------------------------------------------ no route forgotten

EXEMPT = {
    ("POST", "/v1/sessions"),  # signing in and out stays possible, to read one's bookings
    ("POST", "/v1/line/sessions"),
    ("DELETE", "/v1/sessions/current"),
    ("DELETE", "/v1/holds/<holdId>"),  # releasing a hold only gives units back
    ("POST", "/v1/appointments/lookup"),  # a read that needs the receipt password
    ("POST", "/v1/appointment-requests/lookup"),  # a read that needs the e-mailed token
    # A card signature only proves who holds the card; the registration or renewal it is
    # for is the write, and that is stopped.
    ("POST", "/v1/identity/challenges"),
    ("POST", "/v1/identity/verifications"),
}


def test_every_citizen_write_names_its_reception_rule() -> None:
    from yoyaku.api import accepting
    from yoyaku.entrypoints import (
        accounts_api,
        appointments_api,
        bookings_api,
        catalog_api,
        identity_api,
        lotteries_api,
    )

    forgotten = []
    modules = (
        accounts_api,
        appointments_api,
        bookings_api,
        catalog_api,
        identity_api,
        lotteries_api,
    )
    for module in modules:
        app = module.app
        for route in app._static_routes + app._dynamic_routes:
            path = route.path
            if route.method == "GET" or path.startswith("/v1/staff/"):
                continue
            if (route.method, path) in EXEMPT:
                continue
            if not {accepting.BOOKING, accepting.WRITE} & set(route.middlewares):
                forgotten.append((route.method, path))
    assert forgotten == []


def test_a_null_body_elsewhere_is_still_a_validation_error(client, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    reply = client.post("/v1/holds", raw=b"null", token=citizen.token)
    assert reply.status == 422, reply.body
    assert reply.json["code"] == "VALIDATION_FAILED"
