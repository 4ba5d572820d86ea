"""Facilities, inventory, availability and notices through the gateway, as clients see them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from yoyaku.adapters import inventory_store, session_store
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.inventory import ClaimState

from .helpers import AFTERNOON, GYM, INN, MORNING, definition, table_snapshot, write_claim

PROBLEM_JSON = "application/problem+json"
DAY = date(2030, 6, 10)  # the clock starts on 2030-05-15 (Tokyo)


@pytest.fixture
def inn(client, staff_token) -> str:
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    return "inn"


@pytest.fixture
def gym(client, staff_token) -> str:
    assert client.put("/v1/staff/facilities/gym", json_body=GYM, token=staff_token).status == 200
    return "gym"


def put_inventory(
    client, token: str, facility_id: str = "inn", *, lang: str | None = None, **change: Any
):
    body = {
        "resourceTypeId": "room",
        "from": DAY.isoformat(),
        "to": DAY.isoformat(),
        "capacity": 3,
        **change,
    }
    return client.put(
        f"/v1/staff/facilities/{facility_id}/inventory", json_body=body, token=token, lang=lang
    )


def days_of(client, facility_id: str = "inn", start: date = DAY, end: date = DAY, **kw: Any):
    reply = client.get(f"/v1/facilities/{facility_id}/availability?from={start}&to={end}", **kw)
    assert reply.status == 200, reply.body
    return reply.json["days"]


def room(client, day: date = DAY) -> tuple[int, int, str]:
    (entry,) = [d for d in days_of(client, start=day, end=day) if d["resourceTypeId"] == "room"]
    return entry["capacity"], entry["available"], entry["mark"]


def assert_problem(reply, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == code
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body


# ------------------------------------------------------------------ facilities


def test_there_are_no_facilities_at_first(client) -> None:
    reply = client.get("/v1/facilities")
    assert reply.status == 200
    assert reply.json == {"items": []}


def test_a_facility_put_by_staff_is_shown_to_everyone(client, staff_token) -> None:
    put = client.put("/v1/staff/facilities/minato-ohiradai", json_body=INN, token=staff_token)
    assert put.status == 200
    shown = client.get("/v1/facilities/minato-ohiradai")
    assert shown.status == 200
    assert shown.json == put.json
    facility = shown.json
    assert facility["facilityId"] == "minato-ohiradai"
    assert facility["name"] == "大平台みなと荘"
    assert facility["kind"] == "lodging"
    assert facility["resourceTypes"][0] == {
        "resourceTypeId": "room",
        "name": "客室",
        "capacityPersons": 5,
        "rosterRequired": False,
        "location": "",
    }
    assert facility["audience"] == "both"
    assert facility["whatToBring"] == ""
    assert facility["rules"] == {
        "opensBefore": "P1M",
        "closesDaysBefore": {"provisional": 14, "verified": 5},
        "maxNights": 2,
        "maxUnitsPerBooking": 3,
        "changeDeadlineDays": 5,
        "cancelDeadlineDays": 3,
        "closedWeekdays": [],
        "closedOnHolidays": False,
        "yearEndClosure": None,
        "closedDates": [],
    }
    assert facility["lottery"] == {"enabled": True, "residentsOnly": True}
    assert facility["options"] == {"roomStyleWish": True}


def test_putting_a_facility_again_replaces_it(client, staff_token, inn) -> None:
    renamed = definition(INN, name="大平台みなと荘（新館）")
    assert (
        client.put("/v1/staff/facilities/inn", json_body=renamed, token=staff_token).status == 200
    )
    assert client.get("/v1/facilities/inn").json["name"] == "大平台みなと荘（新館）"
    assert [f["facilityId"] for f in client.get("/v1/facilities").json["items"]] == ["inn"]


def test_facilities_are_listed_by_id(client, inn, gym) -> None:
    items = client.get("/v1/facilities").json["items"]
    assert [(f["facilityId"], f["kind"]) for f in items] == [
        ("gym", "timeslot"),
        ("inn", "lodging"),
    ]


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        (None, "施設が見つかりません。番号やURLを確認してください。"),
        ("en", "No such facility. Check the number or the URL."),
    ],
)
def test_an_unknown_facility_is_not_found(client, lang, detail) -> None:
    for path in ("/v1/facilities/nowhere", "/v1/facilities/nowhere/availability"):
        body = assert_problem(client.get(path, lang=lang), 404, "NOT_FOUND")
        assert body["detail"] == detail


def test_inventory_of_an_unknown_facility_is_not_found(client, staff_token) -> None:
    assert_problem(put_inventory(client, staff_token, "nowhere"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/nowhere"), ("DELETE", "/v1/facilities"), ("GET", "/v1/facilities/inn/rooms")],
)
def test_unknown_routes_are_not_found_problems(client, method, path) -> None:
    assert_problem(client.request(method, path), 404, "NOT_FOUND")


# ------------------------------------------------------------------ availability


def test_opened_inventory_shows_as_free(client, staff_token, inn) -> None:
    reply = put_inventory(client, staff_token, to="2030-06-12")
    assert reply.status == 200
    assert reply.json == {"facilityId": "inn", "resourceTypeId": "room", "daysChanged": 3}

    availability = client.get("/v1/facilities/inn/availability?from=2030-06-09&to=2030-06-12")
    assert availability.status == 200
    body = availability.json
    assert body["facilityId"] == "inn"
    rooms = [
        (d["date"], d["capacity"], d["available"], d["mark"])
        for d in body["days"]
        if d["resourceTypeId"] == "room"
    ]
    assert rooms == [
        ("2030-06-09", 0, 0, "closed"),  # no inventory opened
        ("2030-06-10", 3, 3, "free"),
        ("2030-06-11", 3, 3, "free"),
        ("2030-06-12", 3, 3, "free"),
    ]
    suites = [d["mark"] for d in body["days"] if d["resourceTypeId"] == "suite"]
    assert suites == ["closed"] * 4


def test_the_same_inventory_twice_changes_no_day(client, staff_token, inn) -> None:
    assert put_inventory(client, staff_token, to="2030-06-12").json["daysChanged"] == 3
    assert put_inventory(client, staff_token, to="2030-06-12").json["daysChanged"] == 0
    assert put_inventory(client, staff_token, to="2030-06-13").json["daysChanged"] == 1


def test_bookings_and_holds_make_days_partial_then_full(client, staff_token, inn, clock) -> None:
    put_inventory(client, staff_token, capacity=2)
    write_claim("inn", DAY, 0)
    assert room(client) == (2, 1, "partial")
    write_claim("inn", DAY, 1, ClaimState.HOLD, expires_at=clock.now() + timedelta(minutes=10))
    assert room(client) == (2, 0, "full")

    clock.advance(timedelta(minutes=10))  # the hold expires: its unit is free at once
    assert room(client) == (2, 1, "partial")


def test_lowering_capacity_closes_free_units(client, staff_token, inn) -> None:
    put_inventory(client, staff_token, capacity=4)
    write_claim("inn", DAY, 3)
    assert put_inventory(client, staff_token, capacity=2).status == 200
    assert room(client) == (2, 1, "partial")
    assert put_inventory(client, staff_token, capacity=5).status == 200
    assert room(client) == (5, 4, "partial")


def test_closed_dates_are_closed_and_can_reopen(client, staff_token, inn) -> None:
    put_inventory(client, staff_token, to="2030-06-11", closedDates=["2030-06-11"])
    assert room(client, DAY) == (3, 3, "free")
    assert room(client, date(2030, 6, 11)) == (0, 0, "closed")
    put_inventory(client, staff_token, to="2030-06-11")
    assert room(client, date(2030, 6, 11)) == (3, 3, "free")


def test_days_turn_closed_once_they_are_past(client, staff_token, inn, clock) -> None:
    put_inventory(client, staff_token, **{"from": "2030-05-15", "to": "2030-05-16"})
    assert room(client, date(2030, 5, 15)) == (3, 3, "free")
    clock.advance(timedelta(days=1))
    assert room(client, date(2030, 5, 15)) == (0, 0, "closed")
    assert room(client, date(2030, 5, 16)) == (3, 3, "free")


def test_today_is_the_date_in_tokyo(client, inn, clock) -> None:
    clock.set(datetime(2030, 5, 15, 14, 59, tzinfo=UTC))  # 23:59 on 05-15 in Tokyo
    staff_token, _ = session_store.create(
        Principal(PrincipalKind.STAFF, "staff-1"), clock.now(), timedelta(hours=1)
    )
    assert (
        put_inventory(client, staff_token, **{"from": "2030-05-15", "to": "2030-05-16"}).status
        == 200
    )
    assert room(client, date(2030, 5, 15)) == (3, 3, "free")
    clock.set(datetime(2030, 5, 15, 15, 0, tzinfo=UTC))  # midnight in Tokyo, still 05-15 in UTC
    assert room(client, date(2030, 5, 15)) == (0, 0, "closed")
    reply = put_inventory(client, staff_token, **{"from": "2030-05-15"}, lang="en")
    body = assert_problem(reply, 422, "VALIDATION_FAILED")
    assert body["errors"] == [{"field": "from", "message": "Must be today (2030-05-16) or later."}]
    assert client.get("/v1/facilities/inn/availability").json["from"] == "2030-05-16"


def test_availability_across_a_month_boundary(client, staff_token, inn) -> None:
    put_inventory(client, staff_token, **{"from": "2030-05-30", "to": "2030-06-02"}, capacity=2)
    write_claim("inn", date(2030, 5, 31), 0)
    write_claim("inn", date(2030, 6, 1), 1)
    days = days_of(client, start=date(2030, 5, 29), end=date(2030, 6, 3))
    rooms = [(d["date"], d["available"], d["mark"]) for d in days if d["resourceTypeId"] == "room"]
    assert rooms == [
        ("2030-05-29", 0, "closed"),
        ("2030-05-30", 2, "free"),
        ("2030-05-31", 1, "partial"),
        ("2030-06-01", 1, "partial"),
        ("2030-06-02", 2, "free"),
        ("2030-06-03", 0, "closed"),
    ]


def test_timeslot_facilities_list_their_slots(client, staff_token, gym) -> None:
    reply = put_inventory(
        client, staff_token, "gym", resourceTypeId="arena", capacity=2, slots=[MORNING, AFTERNOON]
    )
    assert reply.status == 200
    write_claim("gym", DAY, 0, resource_type_id="arena", cell="0900")
    (day,) = days_of(client, "gym")
    assert day == {
        "date": "2030-06-10",
        "resourceTypeId": "arena",
        "capacity": 4,
        "available": 3,
        "mark": "partial",
        "lottery": False,
        "closedReason": None,
        "holiday": None,
        "slots": [
            {"start": "09:00", "end": "12:00", "capacity": 2, "available": 1},
            {"start": "13:00", "end": "16:00", "capacity": 2, "available": 2},
        ],
    }
    (before,) = days_of(client, "gym", DAY - timedelta(days=1), DAY - timedelta(days=1))
    assert before["mark"] == "closed"
    assert before["slots"] == []


def test_a_new_slot_pattern_replaces_the_old_one(client, staff_token, gym) -> None:
    put_inventory(client, staff_token, "gym", resourceTypeId="arena", slots=[MORNING, AFTERNOON])
    evening = {"start": "17:00", "end": "20:00"}
    put_inventory(client, staff_token, "gym", resourceTypeId="arena", slots=[MORNING, evening])
    (day,) = days_of(client, "gym")
    assert [(s["start"], s["end"]) for s in day["slots"]] == [
        ("09:00", "12:00"),
        ("17:00", "20:00"),
    ]
    assert day["capacity"] == 6


def test_availability_defaults_to_today_through_the_end_of_next_month(client, inn) -> None:
    reply = client.get("/v1/facilities/inn/availability")
    assert reply.status == 200
    body = reply.json
    assert (body["from"], body["to"]) == ("2030-05-15", "2030-06-30")
    dates = sorted({d["date"] for d in body["days"]})
    assert (dates[0], dates[-1], len(dates)) == ("2030-05-15", "2030-06-30", 47)
    assert len(body["days"]) == 47 * 2  # room and suite


def test_availability_spans_at_most_62_days(client, inn) -> None:
    ok = client.get("/v1/facilities/inn/availability?from=2030-06-01&to=2030-08-01")
    assert ok.status == 200
    assert len({d["date"] for d in ok.json["days"]}) == 62


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        (None, "一度に照会できるのは62日までです。期間を短くしてください。"),
        ("en-US,en;q=0.9", "At most 62 days can be shown at once; shorten the range."),
    ],
)
def test_a_longer_range_is_refused(client, inn, lang, detail) -> None:
    reply = client.get("/v1/facilities/inn/availability?from=2030-06-01&to=2030-08-02", lang=lang)
    body = assert_problem(reply, 422, "RANGE_TOO_LONG")
    assert body["detail"] == detail
    assert reply.header("Content-Language") == ("en" if lang else "ja")


# ------------------------------------------------------------------ conflicts


def test_capacity_below_live_claims_is_refused_and_nothing_changes(
    client, staff_token, inn, clock
) -> None:
    put_inventory(client, staff_token, to="2030-06-12", capacity=3)
    write_claim("inn", date(2030, 6, 11), 0)
    write_claim(
        "inn", date(2030, 6, 11), 2, ClaimState.HOLD, expires_at=clock.now() + timedelta(minutes=5)
    )
    before = table_snapshot()

    reply = put_inventory(client, staff_token, to="2030-06-12", capacity=1)
    body = assert_problem(reply, 409, "CONFLICT")
    assert "2030-06-11" in body["detail"]
    assert table_snapshot() == before  # not even the days without claims changed
    assert room(client, DAY) == (3, 3, "free")
    assert room(client, date(2030, 6, 11)) == (3, 1, "partial")

    english = put_inventory(client, staff_token, to="2030-06-12", capacity=1, lang="en")
    assert assert_problem(english, 409, "CONFLICT")["detail"] == (
        "2030-06-11 has 2 bookings or holds, so its capacity cannot become 1. "
        "Move those bookings first."
    )


def test_closing_a_day_with_bookings_is_refused(client, staff_token, inn) -> None:
    put_inventory(client, staff_token)
    write_claim("inn", DAY, 1)
    before = table_snapshot()
    assert_problem(
        put_inventory(client, staff_token, closedDates=[DAY.isoformat()]), 409, "CONFLICT"
    )
    assert table_snapshot() == before


def test_capacity_down_to_the_live_claims_is_fine(client, staff_token, inn) -> None:
    put_inventory(client, staff_token)
    write_claim("inn", DAY, 2)
    assert put_inventory(client, staff_token, capacity=1).status == 200
    assert room(client) == (1, 0, "full")


def test_expired_holds_do_not_block_lowering_capacity(client, staff_token, inn, clock) -> None:
    put_inventory(client, staff_token)
    write_claim("inn", DAY, 2, ClaimState.HOLD, expires_at=clock.now() - timedelta(seconds=1))
    assert put_inventory(client, staff_token, capacity=0).status == 200
    assert room(client) == (0, 0, "closed")


def racing_apply(monkeypatch, races: int) -> list[int]:
    """Makes a booking-like concurrent change land just before each of the first `races`
    writes of an inventory change, so that write loses the race."""
    real_apply = inventory_store.apply
    attempts: list[int] = []

    def apply(facility_id, plans, now):
        attempts.append(len(plans))
        if len(attempts) <= races:
            for plan in plans:  # another writer bumps the record's version first
                from yoyaku.adapters.table import CapacityItem

                item = CapacityItem.get(
                    inventory_store.partition(facility_id, plan.new.day.isoformat()[:7]),
                    inventory_store.capacity_sk(plan.new.day, plan.new.resource_type_id),
                )
                item.save()
        real_apply(facility_id, plans, now)

    monkeypatch.setattr(inventory_store, "apply", apply)
    return attempts


def test_a_lost_race_is_retried_with_fresh_data(client, staff_token, inn, monkeypatch) -> None:
    put_inventory(client, staff_token)
    attempts = racing_apply(monkeypatch, races=2)
    assert put_inventory(client, staff_token, capacity=5).status == 200
    assert len(attempts) == 3
    assert room(client) == (5, 5, "free")


def test_changes_that_keep_losing_races_are_refused(client, staff_token, inn, monkeypatch) -> None:
    put_inventory(client, staff_token)
    attempts = racing_apply(monkeypatch, races=99)
    body = assert_problem(
        put_inventory(client, staff_token, capacity=5, lang="en"), 409, "CONFLICT"
    )
    assert body["detail"].startswith("Bookings kept arriving")
    assert len(attempts) == 3
    assert room(client) == (3, 3, "free")


# ------------------------------------------------------------------ notices


def test_published_notices_are_listed_newest_first(client, staff_token, clock) -> None:
    first = client.post(
        "/v1/staff/notices", json_body={"title": "一つ目", "body": "本文1"}, token=staff_token
    )
    assert first.status == 201
    clock.advance(timedelta(minutes=1))
    second = client.post(
        "/v1/staff/notices", json_body={"title": "二つ目", "body": "本文2"}, token=staff_token
    )
    assert second.status == 201
    assert set(second.json) == {"noticeId", "title", "body", "publishedAt"}

    items = client.get("/v1/notices").json["items"]
    assert [n["title"] for n in items] == ["二つ目", "一つ目"]
    assert items[0] == second.json


def test_a_notice_for_later_appears_at_its_time(client, staff_token, clock) -> None:
    at = (clock.now() + timedelta(hours=2)).isoformat()
    reply = client.post(
        "/v1/staff/notices",
        json_body={"title": "臨時休館", "body": "6月10日は休館します。", "publishedAt": at},
        token=staff_token,
    )
    assert reply.status == 201
    assert client.get("/v1/notices").json == {"items": []}
    clock.advance(timedelta(hours=2))
    assert [n["title"] for n in client.get("/v1/notices").json["items"]] == ["臨時休館"]


def test_a_withdrawn_notice_leaves_the_top_page_and_staff_see_why(
    client, staff_token, clock
) -> None:
    later = (clock.now() + timedelta(days=1)).isoformat()
    shown = client.post(
        "/v1/staff/notices", json_body={"title": "休館", "body": "本文"}, token=staff_token
    ).json
    clock.advance(timedelta(minutes=1))
    client.post(
        "/v1/staff/notices",
        json_body={"title": "予定", "body": "本文", "publishedAt": later},
        token=staff_token,
    )
    reply = client.post(
        f"/v1/staff/notices/{shown['noticeId']}/withdrawal",
        json_body={"reason": "日付の誤り"},
        token=staff_token,
    )
    assert reply.status == 200
    assert reply.json["status"] == "withdrawn"
    assert client.get("/v1/notices").json == {"items": []}

    listed = client.get("/v1/staff/notices", token=staff_token).json["items"]
    assert [(n["title"], n["status"]) for n in listed] == [
        ("予定", "scheduled"),
        ("休館", "withdrawn"),
    ]
    assert listed[1]["withdrawnBy"] == "staff-1"
    assert listed[1]["withdrawalReason"] == "日付の誤り"

    again = client.post(
        f"/v1/staff/notices/{shown['noticeId']}/withdrawal",
        json_body={"reason": "二度目"},
        token=staff_token,
    )
    assert again.status == 409 and again.json["code"] == "CONFLICT"
    missing = client.post(
        "/v1/staff/notices/ntc_0000000000000000/withdrawal",
        json_body={"reason": "x"},
        token=staff_token,
    )
    assert missing.status == 404
    blank = client.post(
        f"/v1/staff/notices/{shown['noticeId']}/withdrawal",
        json_body={"reason": ""},
        token=staff_token,
    )
    assert blank.status == 422
