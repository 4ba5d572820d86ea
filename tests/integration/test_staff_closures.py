"""Staff change a facility's closing days (休館日の設定) through the gateway: the preview
names every booking a new closing day would hit, saving such a change is refused whole
(409 naming them, nothing written), a change without bookings closes the opened days at
once and leaves bookings on other days booked, and each saved change leaves one record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import session_token
from yoyaku.adapters import staff_store
from yoyaku.adapters.table import AuditItem
from yoyaku.domain.inventory import ClaimState
from yoyaku.domain.staff import Role

from .helpers import INN, open_rooms, write_claim

STAY = date(2030, 6, 10)  # a Monday; the clock stands at 2030-05-15 10:00 in Tokyo
NEXT_DAY = date(2030, 6, 11)  # a Tuesday
PREVIEW = "/v1/staff/facilities/inn/closures/preview"
CLOSURES = "/v1/staff/facilities/inn/closures"


@pytest.fixture
def inn(client, staff_token, mailbox) -> None:
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_rooms(client, staff_token, "inn", date(2030, 6, 1), date(2030, 6, 30), 3)
    open_rooms(client, staff_token, "inn", date(2030, 6, 1), date(2030, 6, 30), 1, "suite")


def book(client, citizen, day: date) -> str:
    body = {"facilityId": "inn", "resourceTypeId": "room", "date": day.isoformat(), "nights": 1}
    held = client.post("/v1/holds", json_body=body, token=citizen.token)
    assert held.status == 201, held.body
    booked = client.post(
        "/v1/reservations",
        json_body={"holdId": held.json["holdId"], "party": [{"night": 1, "adults": 2}]},
        token=citizen.token,
    )
    assert booked.status == 201, booked.body
    return str(booked.json["reservationNumber"])


def day_of(client, day: date, resource_type_id: str = "room") -> dict[str, Any]:
    reply = client.get(f"/v1/facilities/inn/availability?from={day}&to={day}")
    assert reply.status == 200, reply.body
    return next(d for d in reply.json["days"] if d["resourceTypeId"] == resource_type_id)


def audit_count() -> int:
    return sum(1 for _ in AuditItem.scan())


def staff_rules(client, token: str) -> dict[str, Any]:
    reply = client.get("/v1/staff/facilities/inn", token=token)
    assert reply.status == 200, reply.body
    return dict(reply.json["rules"])


def test_the_preview_names_the_booking_and_saving_is_refused_whole(
    client, staff_token, make_citizen, inn
) -> None:
    citizen = make_citizen(status="verified")
    number = book(client, citizen, STAY)
    wanted = {"closedDates": [STAY.isoformat(), "2030-06-12"]}

    preview = client.post(PREVIEW, json_body=wanted, token=staff_token)
    assert preview.status == 200, preview.body
    assert preview.json["closing"] == [
        {"date": "2030-06-10", "reason": "date"},
        {"date": "2030-06-12", "reason": "date"},
    ]
    assert preview.json["conflicts"] == [
        {
            "kind": "reservation",
            "date": "2030-06-10",
            "resourceTypeId": "room",
            "resourceTypeName": "客室",
            "start": None,
            "end": None,
            "units": 1,
            "reservationNumber": number,
            "guestName": "港　太郎",
            "userNumber": citizen.user_number,
            "lotteryId": None,
        }
    ]
    assert preview.json["daysChanged"] == 3  # 06-12 for both room types, 06-10's suite
    assert staff_rules(client, staff_token)["closedDates"] == []  # a preview saves nothing

    before = audit_count()
    refused = client.put(CLOSURES, json_body={**wanted, "reason": "設備点検"}, token=staff_token)
    assert refused.status == 409
    assert refused.header("Content-Type") == "application/problem+json"
    assert refused.json["code"] == "CONFLICT"
    assert number in refused.json["detail"] and "港　太郎" in refused.json["detail"]
    assert [c["reservationNumber"] for c in refused.json["conflicts"]] == [number]
    english = client.put(
        CLOSURES,
        json_body={**wanted, "reason": "maintenance"},
        token=staff_token,
        headers={"Accept-Language": "en"},
    )
    assert "cannot be saved" in english.json["detail"]

    # nothing was written: not the rules, not the other day, not the audit trail
    assert staff_rules(client, staff_token)["closedDates"] == []
    assert day_of(client, date(2030, 6, 12))["mark"] == "free"
    assert day_of(client, STAY)["available"] == 2
    assert audit_count() == before
    reservation = client.get(f"/v1/reservations/{number}", token=citizen.token)
    assert reservation.json["status"] == "confirmed"


def test_closing_days_without_bookings_close_at_once_and_leave_bookings_booked(
    client, staff_token, make_citizen, inn
) -> None:
    citizen = make_citizen(status="verified")
    number = book(client, citizen, STAY)
    before = audit_count()
    change = {
        "closedWeekdays": ["tuesday"],
        "closedDates": ["2030-06-12"],
        "closedOnHolidays": False,
        "reason": "毎週火曜日を定休日とし、6月12日は設備点検のため臨時休館",
    }
    saved = client.put(CLOSURES, json_body=change, token=staff_token)
    assert saved.status == 200, saved.body
    assert saved.json["daysChanged"] == 2 * (4 + 1)  # four Tuesdays and the 12th, two types
    assert saved.json["facility"]["rules"]["closedWeekdays"] == ["tuesday"]
    assert saved.json["facility"]["rules"]["maxNights"] == 2  # the other rules stay
    assert staff_rules(client, staff_token)["closedDates"] == ["2030-06-12"]

    assert (day_of(client, NEXT_DAY)["mark"], day_of(client, NEXT_DAY)["closedReason"]) == (
        "closed",
        "weekly",
    )
    assert day_of(client, date(2030, 6, 12), "suite")["closedReason"] == "date"
    # the booked Monday stays booked, and bookable for what is left
    assert day_of(client, STAY)["available"] == 2
    assert client.get(f"/v1/reservations/{number}", token=citizen.token).json["status"] == (
        "confirmed"
    )

    # exactly one record, with who, what and why
    assert audit_count() == before + 1
    (record,) = client.get("/v1/staff/audit?action=days.closed", token=staff_token).json["items"]
    assert record["target"] == {"type": "facility", "id": "inn"}
    assert record["staff"]["staffId"] == "staff-1"
    assert record["reason"] == change["reason"]
    assert record["details"]["closedWeekdays"] == ["tuesday"]
    assert record["details"]["closedDates"] == ["2030-06-12"]
    assert record["details"]["daysChanged"] == 10

    # dropping the weekday: those days stay closed until inventory is opened again
    preview = client.post(PREVIEW, json_body={"closedDates": ["2030-06-12"]}, token=staff_token)
    assert preview.json["stillClosed"] == ["2030-06-04", "2030-06-11", "2030-06-18", "2030-06-25"]
    assert preview.json["daysChanged"] == 0
    kept = client.put(
        CLOSURES,
        json_body={"closedDates": ["2030-06-12"], "reason": "定休日の廃止"},
        token=staff_token,
    )
    assert kept.status == 200 and kept.json["stillClosed"][0] == "2030-06-04"
    open_rooms(client, staff_token, "inn", date(2030, 6, 1), date(2030, 6, 30), 3)
    assert day_of(client, NEXT_DAY)["mark"] == "free"
    assert day_of(client, date(2030, 6, 12))["mark"] == "closed"


def test_live_holds_and_lottery_units_stand_in_the_way_too(client, staff_token, inn) -> None:
    now = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
    write_claim(
        "inn", STAY, 0, ClaimState.HOLD, expires_at=now + timedelta(minutes=5), holder="hld_1"
    )
    write_claim("inn", NEXT_DAY, 0, ClaimState.LOTTERY, resource_type_id="suite", holder="lot_9")
    write_claim(
        "inn",
        date(2030, 6, 12),
        0,
        ClaimState.HOLD,
        expires_at=now - timedelta(minutes=1),
        holder="hld_old",
    )  # expired: in nobody's way
    wanted = {"closedDates": [STAY.isoformat(), NEXT_DAY.isoformat(), "2030-06-12"]}
    preview = client.post(PREVIEW, json_body=wanted, token=staff_token).json
    assert [
        (c["kind"], c["date"], c["resourceTypeId"], c["lotteryId"]) for c in preview["conflicts"]
    ] == [
        ("hold", "2030-06-10", "room", None),
        ("lottery", "2030-06-11", "suite", "lot_9"),
    ]
    refused = client.put(CLOSURES, json_body={**wanted, "reason": "工事"}, token=staff_token)
    assert refused.status == 409
    assert len(refused.json["conflicts"]) == 2
    assert "2030-06-10 仮押さえ中" in refused.json["detail"]
    assert "2030-06-11 抽選用に確保 lot_9" in refused.json["detail"]


def test_a_time_slot_facility_names_the_slot(client, staff_token) -> None:
    from .helpers import GYM, MORNING

    assert client.put("/v1/staff/facilities/gym", json_body=GYM, token=staff_token).status == 200
    body = {
        "resourceTypeId": "arena",
        "from": "2030-06-01",
        "to": "2030-06-30",
        "capacity": 2,
        "slots": [MORNING],
    }
    assert client.put("/v1/staff/facilities/gym/inventory", json_body=body, token=staff_token)
    write_claim("gym", STAY, 1, resource_type_id="arena", cell="0900", holder="1234567890")
    preview = client.post(
        "/v1/staff/facilities/gym/closures/preview",
        json_body={"closedDates": [STAY.isoformat()]},
        token=staff_token,
    ).json
    (conflict,) = preview["conflicts"]
    assert (conflict["kind"], conflict["start"], conflict["end"]) == (
        "reservation",
        "09:00",
        "12:00",
    )
    assert conflict["reservationNumber"] == "1234567890"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closedDates": ["2030-06-12"]}, "reason"),
        ({"closedDates": ["2030-06-12"], "reason": ""}, "reason"),
        ({"closedWeekdays": ["someday"], "reason": "x"}, "closedWeekdays[0]"),
        (
            {"yearEndClosure": {"from": "12-32", "to": "01-03"}, "reason": "x"},
            "yearEndClosure.from",
        ),
        ({"closedDates": ["2030-02-30"], "reason": "x"}, "closedDates[0]"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_changes_nothing(
    client, staff_token, inn, body, field
) -> None:
    before = audit_count()
    reply = client.put(CLOSURES, json_body=body, token=staff_token)
    assert reply.status == 422, reply.body
    assert reply.header("Content-Type") == "application/problem+json"
    assert field in [e["field"] for e in reply.json["errors"]]
    assert staff_rules(client, staff_token)["closedDates"] == []
    assert day_of(client, date(2030, 6, 12))["mark"] == "free"
    assert audit_count() == before


def test_an_unknown_facility_is_not_found(client, staff_token) -> None:
    for reply in (
        client.get("/v1/staff/facilities/nowhere", token=staff_token),
        client.post(
            "/v1/staff/facilities/nowhere/closures/preview", json_body={}, token=staff_token
        ),
        client.put(
            "/v1/staff/facilities/nowhere/closures", json_body={"reason": "x"}, token=staff_token
        ),
    ):
        assert reply.status == 404
        assert reply.json["code"] == "NOT_FOUND"


def test_only_roles_with_facilities_may_use_them(client, clock, citizen_token, inn) -> None:
    staff_store.save(staff_store.StaffAccount("reviewer-1", "審査", "!", Role.REVIEWER))
    staff_store.save(staff_store.StaffAccount("manager-1", "施設", "!", Role.FACILITY_MANAGER))
    reviewer = session_token("staff", "reviewer-1", clock)
    manager = session_token("staff", "manager-1", clock)
    calls = [
        ("GET", "/v1/staff/facilities/inn", None),
        ("POST", PREVIEW, {"closedDates": ["2030-06-12"]}),
        ("PUT", CLOSURES, {"closedDates": ["2030-06-12"], "reason": "点検"}),
    ]
    for method, path, body in calls:
        assert client.request(method, path, json_body=body).status == 401
        assert client.request(method, path, json_body=body, token=citizen_token).status == 403
        assert client.request(method, path, json_body=body, token=reviewer).status == 403
    assert day_of(client, date(2030, 6, 12))["mark"] == "free"
    for method, path, body in calls:
        assert client.request(method, path, json_body=body, token=manager).status == 200
    assert day_of(client, date(2030, 6, 12))["mark"] == "closed"
