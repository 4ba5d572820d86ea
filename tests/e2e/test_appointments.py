"""Counter appointments without an account, over HTTP (issue 4, seed 002)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import jpholiday

from tests.e2e.accounts import bearer, link_token, wait_for_mail
from tests.e2e.conftest import LocalService


def _weekday(service: LocalService, ahead: int) -> date:
    """A day the counter is open (not a weekend, a public holiday or 12/29–1/3), `ahead`
    days from today or the nearest before it, so it stays inside the one-month window."""
    day = service.today() + timedelta(days=ahead)
    while (
        day.weekday() >= 5
        or jpholiday.is_holiday(day)
        or (day.month, day.day) >= (12, 29)
        or (day.month, day.day) <= (1, 3)
    ):
        day -= timedelta(days=1)
    return day


def _request(service: LocalService, people: list[dict[str, Any]], email: str) -> Any:
    return service.call(
        "POST",
        "/v1/appointment-requests",
        json={"facilityId": "mynumber-counter", "email": email, "people": people},
    )


def _email() -> str:
    return f"pickup-{time.time_ns()}@example.jp"


def test_party_of_two_books_consecutive_slots_then_looks_up_and_cancels(
    service: LocalService,
) -> None:
    email = _email()
    people = [
        {"noticeNumber": "abc-123456", "birthdate": "1985-05-05"},
        {
            "noticeNumber": "TWN000111",
            "birthdate": "2010-01-01",
            "noticeNumber2": "TWINBBBBBBBBBBBB02",
        },
    ]
    accepted = _request(service, people, email)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["people"] == 2
    token = link_token(wait_for_mail(service, email, "窓口予約"))

    day = _weekday(service, 25)
    late = service.call(
        "POST",
        "/v1/appointments/holds",
        json={
            "token": token,
            "resourceTypeId": "counter-1",
            "date": day.isoformat(),
            "start": "16:45",
        },
    )
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "slots"

    hold = service.call(
        "POST",
        "/v1/appointments/holds",
        json={
            "token": token,
            "resourceTypeId": "counter-1",
            "date": day.isoformat(),
            "start": "10:00",
        },
    )
    assert hold.status_code == 201, hold.text
    assert hold.json()["units"] == 2
    slots = service.call(
        "GET",
        "/v1/facilities/mynumber-counter/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    ).json()["days"][0]["slots"]
    taken = [s["start"] for s in slots if s["available"] == 0]
    assert taken == ["10:00", "10:15"]

    one_recipient = service.call(
        "POST",
        "/v1/appointments",
        json={
            "token": token,
            "holdId": hold.json()["holdId"],
            "contact": {"name": "港 太郎", "phone": "090-1234-5678"},
            "recipients": [{"name": "上尾 太郎"}],
        },
    )
    assert one_recipient.status_code == 422
    assert one_recipient.json()["errors"][0]["field"] == "recipients"
    second_address = _email()
    confirmed = service.call(
        "POST",
        "/v1/appointments",
        json={
            "token": token,
            "holdId": hold.json()["holdId"],
            "contact": {"name": "港 太郎", "phone": "090-1234-5678", "email2": second_address},
            "recipients": [
                {"name": "上尾 太郎", "nameKana": "アゲオ タロウ"},
                {"name": "上尾 花子"},
            ],
        },
    )
    assert confirmed.status_code == 201, confirmed.text
    receipt = confirmed.json()
    assert (receipt["start"], receipt["end"], receipt["people"]) == ("10:00", "10:30", 2)
    assert receipt["counter"] == "counter-1"
    assert receipt["counterName"] == "第1窓口"
    assert receipt["location"] == "本庁舎1階 市民課 1番窓口"
    assert receipt["address"].startswith("埼玉県上尾市本町")
    assert "交付通知書" in receipt["whatToBring"]
    assert [r["name"] for r in receipt["recipients"]] == ["上尾　太郎", "上尾　花子"]
    assert receipt["recipients"][0]["nameKana"] == "アゲオ　タロウ"
    password = receipt["password"]
    slots = service.call(
        "GET",
        "/v1/facilities/mynumber-counter/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    ).json()["days"][0]["slots"]
    booked = [s["start"] for s in slots if s["available"] == 0]
    assert booked == ["10:00", "10:15"]  # booked now, no longer held
    mail = wait_for_mail(service, email, receipt["receiptNumber"])
    assert password in mail["body"]
    for line in (
        "窓口：マイナンバーカード交付窓口 第1窓口",
        "場所：本庁舎1階 市民課 1番窓口",
        "　1人目：上尾　太郎",
        "　2人目：上尾　花子",
        "持ち物：交付通知書",
    ):
        assert line in mail["body"], (line, mail["body"])
    copy = wait_for_mail(service, second_address, receipt["receiptNumber"])
    assert copy["body"] == mail["body"]

    credentials = {"receiptNumber": receipt["receiptNumber"], "password": password}
    found = service.call("POST", "/v1/appointments/lookup", json=credentials)
    assert found.status_code == 200 and "password" not in found.json()
    assert found.json()["status"] == "confirmed"
    cancelled = service.call("POST", "/v1/appointments/cancel", json=credentials)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    for address in (email, second_address):
        assert "第1窓口" in wait_for_mail(service, address, "予約取消")["body"]
    slots = service.call(
        "GET",
        "/v1/facilities/mynumber-counter/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    ).json()["days"][0]["slots"]
    assert all(s["available"] == 1 for s in slots if s["start"] in ("10:00", "10:15"))


def test_second_number_and_unknown_person(service: LocalService) -> None:
    twins = _request(service, [{"noticeNumber": "TWN000111", "birthdate": "2010-01-01"}], _email())
    assert twins.status_code == 409
    assert twins.json()["code"] == "SECOND_NUMBER_REQUIRED"
    assert twins.json()["errors"][0]["field"] == "people[0].noticeNumber2"
    unknown = _request(
        service, [{"noticeNumber": "ABC123456", "birthdate": "1999-01-01"}], _email()
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "PERSON_NOT_IDENTIFIED"
    malformed = _request(service, [{"noticeNumber": "12-34", "birthdate": "1999-01-01"}], _email())
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "people[0].noticeNumber"


def test_fixed_counter_and_wrong_passwords_are_limited(service: LocalService) -> None:
    email = _email()
    _request(service, [{"noticeNumber": "XYZ654321", "birthdate": "1990-10-10"}], email)
    token = link_token(wait_for_mail(service, email, "窓口予約"))
    day = _weekday(service, 27)
    wrong_counter = service.call(
        "POST",
        "/v1/appointments/holds",
        json={
            "token": token,
            "resourceTypeId": "counter-1",
            "date": day.isoformat(),
            "start": "11:00",
        },
    )
    assert wrong_counter.status_code == 422
    hold = service.call(
        "POST",
        "/v1/appointments/holds",
        json={
            "token": token,
            "resourceTypeId": "counter-2",
            "date": day.isoformat(),
            "start": "11:00",
        },
    ).json()
    receipt = service.call(
        "POST",
        "/v1/appointments",
        json={
            "token": token,
            "holdId": hold["holdId"],
            "contact": {"name": "港 次郎", "phone": "0312345678"},
        },
    ).json()
    wrong = {"receiptNumber": receipt["receiptNumber"], "password": "not-it"}
    codes = [
        service.call("POST", "/v1/appointments/lookup", json=wrong).json()["code"] for _ in range(5)
    ]
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["RATE_LIMITED"]
    right = {"receiptNumber": receipt["receiptNumber"], "password": receipt["password"]}
    limited = service.call("POST", "/v1/appointments/lookup", json=right)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    try:
        service.move_clock(16 * 60)
        assert service.call("POST", "/v1/appointments/lookup", json=right).status_code == 200
    finally:
        service.move_clock(0)
    # The link is used up once the appointment is made.
    again = service.call(
        "POST",
        "/v1/appointments/holds",
        json={
            "token": token,
            "resourceTypeId": "counter-2",
            "date": day.isoformat(),
            "start": "13:00",
        },
    )
    assert again.status_code == 409 and again.json()["code"] == "LINK_ALREADY_USED"


def test_staff_import_reports_bad_lines(service: LocalService) -> None:
    csv = "noticeNumber,noticeNumber2,birthdate,counter\nAAA111111,SHORT,1980-01-01,\n"
    response = service.call(
        "POST",
        "/v1/staff/appointment-eligibility",
        params={"facilityId": "mynumber-counter"},
        data=csv.encode(),
        headers={**bearer(service.staff_token()), "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "line 2"


def test_the_booking_page_learns_party_and_counter_from_the_link_without_using_it(
    service: LocalService,
) -> None:
    # Two people of its own: a person holds one live appointment at a time, and the demo
    # people book in the other tests of this module.
    imported = service.call(
        "POST",
        "/v1/staff/appointment-eligibility",
        params={"facilityId": "mynumber-counter"},
        data=(
            b"noticeNumber,noticeNumber2,birthdate,counter\n"
            b"PGE000001,PAGEAAAAAAAAAAAA01,1990-10-10,counter-2\n"
            b"PGE000002,PAGEBBBBBBBBBBBB02,1985-05-05,\n"
        ),
        headers={**bearer(service.staff_token()), "Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    email = _email()
    people = [
        {"noticeNumber": "PGE000001", "birthdate": "1990-10-10"},
        {"noticeNumber": "PGE000002", "birthdate": "1985-05-05"},
    ]
    assert _request(service, people, email).status_code == 202
    token = link_token(wait_for_mail(service, email, "窓口予約"))

    for _ in range(2):  # looking up twice is fine: the link is not used up
        found = service.call("POST", "/v1/appointment-requests/lookup", json={"token": token})
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["facilityId"] == "mynumber-counter"
        assert body["facilityName"] == "マイナンバーカード交付窓口"
        assert body["people"] == 2
        assert body["counter"] == "counter-2"  # the eligibility list fixes it for PGE000001
        assert "expiresAt" in body

    unknown = service.call("POST", "/v1/appointment-requests/lookup", json={"token": "x" * 40})
    assert unknown.status_code == 400 and unknown.json()["code"] == "LINK_INVALID"
    empty = service.call("POST", "/v1/appointment-requests/lookup", json={"token": ""})
    assert empty.status_code == 422

    day = _weekday(service, 30)
    hold = service.call(
        "POST",
        "/v1/appointments/holds",
        json={
            "token": token,
            "resourceTypeId": "counter-2",
            "date": day.isoformat(),
            "start": "13:00",
        },
    )
    assert hold.status_code == 201, hold.text
    done = service.call(
        "POST",
        "/v1/appointments",
        json={
            "token": token,
            "holdId": hold.json()["holdId"],
            "contact": {"name": "上尾 花子", "phone": "048-775-0000"},
        },
    )
    assert done.status_code == 201, done.text
    used = service.call("POST", "/v1/appointment-requests/lookup", json={"token": token})
    assert used.status_code == 409 and used.json()["code"] == "LINK_ALREADY_USED"
