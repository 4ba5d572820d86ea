"""Staff and counter appointments through the gateway (seed 002): the day's appointments
per counter, one by its receipt number, and cancellation on the party's behalf (the party
is e-mailed, the slots are free at once, one audit record)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.conftest import session_token
from yoyaku.adapters.table import AuditItem

from .helpers import GYM, definition, table_snapshot
from .test_bookings_api import inn  # noqa: F401  (the fixture)

DAY = date(2030, 6, 10)  # a Monday; the clock stands on 2030-05-15
COUNTER = definition(
    GYM,
    name="マイナンバーカード交付窓口",
    resourceTypes=[
        {"resourceTypeId": "counter-1", "name": "第1窓口"},
        {"resourceTypeId": "counter-2", "name": "第2窓口"},
    ],
)
SLOTS = [{"start": f"10:{m:02d}", "end": f"10:{m + 15:02d}"} for m in (0, 15, 30)]
ELIGIBLE = (
    "noticeNumber,noticeNumber2,birthdate,counter\n"
    "ABC123456,ABCDEF123456789012,1985-05-05,\n"
    "DEF123456,DEFABC123456789012,1990-01-01,\n"
    "GHI123456,GHIABC123456789012,1970-03-03,counter-2\n"
)


@pytest.fixture
def counter(client, staff_token) -> str:
    assert client.put("/v1/staff/facilities/counter", json_body=COUNTER, token=staff_token).status
    for counter_id in ("counter-1", "counter-2"):
        change = {
            "resourceTypeId": counter_id,
            "from": DAY.isoformat(),
            "to": DAY.isoformat(),
            "capacity": 1,
            "slots": SLOTS,
        }
        reply = client.put(
            "/v1/staff/facilities/counter/inventory", json_body=change, token=staff_token
        )
        assert reply.status == 200, reply.body
    reply = client.post(
        "/v1/staff/appointment-eligibility?facilityId=counter",
        raw=ELIGIBLE.encode(),
        headers={"Content-Type": "text/csv"},
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    return "counter"


def book(
    client,
    mailbox,
    email: str,
    people: list[dict[str, str]],
    counter_id: str,
    start: str,
    contact_name: str = "上尾 花子",
):
    """A party books as citizens do: identify, follow the e-mailed link, hold, confirm."""
    reply = client.post(
        "/v1/appointment-requests",
        json_body={"facilityId": "counter", "email": email, "people": people},
    )
    assert reply.status == 202, reply.body
    mail = mailbox.find(email, "窓口予約")
    assert mail is not None
    token = re.search(r"token=([A-Za-z0-9_-]+)", mail.body)
    assert token is not None
    hold = client.post(
        "/v1/appointments/holds",
        json_body={
            "token": token[1],
            "resourceTypeId": counter_id,
            "date": DAY.isoformat(),
            "start": start,
        },
    )
    assert hold.status == 201, hold.body
    confirmed = client.post(
        "/v1/appointments",
        json_body={
            "token": token[1],
            "holdId": hold.json["holdId"],
            "contact": {"name": contact_name, "phone": "048-775-5111"},
        },
    )
    assert confirmed.status == 201, confirmed.body
    created: dict[str, Any] = confirmed.json
    return created


@pytest.fixture
def booked(client, mailbox, counter) -> tuple[dict[str, Any], dict[str, Any]]:
    pair = [
        {"noticeNumber": "ABC123456", "birthdate": "1985-05-05"},
        {"noticeNumber": "DEF123456", "birthdate": "1990-01-01"},
    ]
    two = book(client, mailbox, "pair@example.jp", pair, "counter-1", "10:00")
    one = book(
        client,
        mailbox,
        "one@example.jp",
        [{"noticeNumber": "GHI123456", "birthdate": "1970-03-03"}],
        "counter-2",
        "10:00",
    )
    return two, one


def test_the_day_lists_every_appointment_by_counter_and_time(client, staff_token, booked):
    two, one = booked
    reply = client.get(
        f"/v1/staff/facilities/counter/appointments?date={DAY.isoformat()}", token=staff_token
    )
    assert reply.status == 200, reply.body
    body = reply.json
    assert (body["facilityId"], body["date"]) == ("counter", DAY.isoformat())
    rows = [
        (a["counter"], a["start"], a["end"], a["people"], a["receiptNumber"], a["status"])
        for a in body["items"]
    ]
    assert rows == [
        ("counter-1", "10:00", "10:30", 2, two["receiptNumber"], "confirmed"),
        ("counter-2", "10:00", "10:15", 1, one["receiptNumber"], "confirmed"),
    ]
    assert body["items"][0]["contact"] == {
        "name": "上尾 花子",
        "phone": "0487755111",
        "email2": None,
    }
    other = client.get(
        "/v1/staff/facilities/counter/appointments?date=2030-06-11", token=staff_token
    )
    assert other.json["items"] == []


def test_an_appointment_is_found_by_its_receipt_number(client, staff_token, booked) -> None:
    two, _ = booked
    reply = client.get(f"/v1/staff/appointments/{two['receiptNumber']}", token=staff_token)
    assert reply.status == 200, reply.body
    assert reply.json["email"] == "pair@example.jp"
    assert reply.json["appointment"]["people"] == 2
    assert "password" not in reply.json["appointment"]
    missing = client.get("/v1/staff/appointments/1234567890", token=staff_token)
    assert missing.status == 404 and missing.json["code"] == "NOT_FOUND"


def test_staff_cancel_on_the_partys_behalf(client, staff_token, booked, mailbox) -> None:
    two, _ = booked
    before = Counter(i.action for i in AuditItem.scan())
    number = two["receiptNumber"]
    reply = client.post(
        f"/v1/staff/appointments/{number}/cancellation",
        json_body={"reason": "窓口の臨時閉鎖のため"},
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    assert reply.json["appointment"]["status"] == "cancelled"
    mail = mailbox.find("pair@example.jp", "窓口による取消し")
    assert mail is not None and "窓口の臨時閉鎖のため" in mail.body and number in mail.body
    after = Counter(i.action for i in AuditItem.scan())
    assert after - before == Counter({"appointment.cancelled": 1})
    (record,) = [i for i in AuditItem.scan() if i.action == "appointment.cancelled"]
    assert record.reason == "窓口の臨時閉鎖のため"

    # The slots are free at once (counter 1 has one unit a slot), and a person of the
    # party may book again.
    again = book(
        client,
        mailbox,
        "pair2@example.jp",
        [{"noticeNumber": "ABC123456", "birthdate": "1985-05-05"}],
        "counter-1",
        "10:00",
    )
    assert again["status"] == "confirmed"

    twice = client.post(
        f"/v1/staff/appointments/{number}/cancellation",
        json_body={"reason": "もう一度"},
        token=staff_token,
    )
    assert twice.status == 409 and twice.json["code"] == "CONFLICT"
    assert Counter(i.action for i in AuditItem.scan())["appointment.cancelled"] == 1


def test_a_cancellation_needs_a_reason(client, staff_token, booked) -> None:
    two, _ = booked
    reply = client.post(
        f"/v1/staff/appointments/{two['receiptNumber']}/cancellation",
        json_body={"reason": ""},
        token=staff_token,
    )
    assert reply.status == 422 and reply.json["errors"][0]["field"] == "reason"
    found = client.get(f"/v1/staff/appointments/{two['receiptNumber']}", token=staff_token)
    assert found.json["appointment"]["status"] == "confirmed"


def test_a_past_appointment_cannot_be_cancelled(client, clock, staff_account, booked) -> None:
    two, _ = booked
    clock.set(datetime(2030, 6, 11, 1, 0, tzinfo=UTC))
    reply = client.post(
        f"/v1/staff/appointments/{two['receiptNumber']}/cancellation",
        json_body={"reason": "遅すぎる"},
        token=session_token("staff", staff_account[0], clock),  # a session of that day
    )
    assert reply.status == 409 and reply.json["code"] == "CONFLICT"


def test_a_day_and_a_facility_are_checked(client, staff_token, counter) -> None:
    reply = client.get(
        "/v1/staff/facilities/counter/appointments?date=2030-13-01", token=staff_token
    )
    assert reply.status == 422 and reply.json["errors"][0]["field"] == "date"
    missing = client.get(
        "/v1/staff/facilities/nowhere/appointments?date=2030-06-10", token=staff_token
    )
    assert missing.status == 404


def test_a_lodging_reservation_is_not_an_appointment(client, staff_token, inn, make_citizen):  # noqa: F811
    """A reservation number is refused on the appointment routes, and the lodging's
    day lists no appointments: each kind is handled by its own routes."""
    from .test_bookings_api import STAY, book

    reservation = book(client, make_citizen(), STAY)
    number = reservation["reservationNumber"]
    assert client.get(f"/v1/staff/appointments/{number}", token=staff_token).status == 404
    refused = client.post(
        f"/v1/staff/appointments/{number}/cancellation",
        json_body={"reason": "間違い"},
        token=staff_token,
    )
    assert refused.status == 404
    day = client.get(f"/v1/staff/facilities/inn/appointments?date={STAY}", token=staff_token)
    assert day.status == 200 and day.json["items"] == []
    kept = client.get(f"/v1/staff/reservations/{number}", token=staff_token)
    assert kept.json["reservation"]["status"] == "confirmed"


def test_the_csv_export_is_the_list_and_is_audited(client, staff_token, booked) -> None:
    two, one = booked
    before = Counter(i.action for i in AuditItem.scan())
    reply = client.get(
        f"/v1/staff/facilities/counter/appointments/export?date={DAY.isoformat()}",
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    assert reply.header("Content-Type") == "text/csv; charset=utf-8"
    assert f'filename="appointments-counter-{DAY.isoformat()}.csv"' in reply.header(
        "Content-Disposition"
    )
    text = reply.body.decode("utf-8")
    assert text.startswith("\ufeff") and text.count("\r\n") == 3
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["receiptNumber"], r["counter"], r["start"], r["people"]) for r in rows] == [
        (two["receiptNumber"], "counter-1", "10:00", "2"),
        (one["receiptNumber"], "counter-2", "10:00", "1"),
    ]
    assert rows[0]["counterName"] == "第1窓口"
    assert (rows[0]["contactName"], rows[0]["contactPhone"]) == ("上尾 花子", "0487755111")
    assert rows[0]["status"] == "confirmed" and rows[0]["date"] == DAY.isoformat()
    records = [i for i in AuditItem.scan() if i.action == "appointments.exported"]
    assert Counter(i.action for i in AuditItem.scan()) - before == Counter(
        ["appointments.exported"]
    )
    assert records[0].details == {"from": "2030-06-10", "to": "2030-06-10", "rows": 2}

    month = client.get(
        "/v1/staff/facilities/counter/appointments/export?month=2030-06", token=staff_token
    )
    assert 'filename="appointments-counter-2030-06.csv"' in month.header("Content-Disposition")
    assert len(list(csv.DictReader(io.StringIO(month.body.decode().lstrip("\ufeff"))))) == 2


def test_a_typed_formula_is_exported_as_text(client, staff_token, mailbox, counter) -> None:
    person = [{"noticeNumber": "GHI123456", "birthdate": "1970-03-03"}]
    book(client, mailbox, "f@example.jp", person, "counter-2", "10:00", contact_name="=1+2")
    reply = client.get(
        f"/v1/staff/facilities/counter/appointments/export?date={DAY.isoformat()}",
        token=staff_token,
    )
    [row] = list(csv.DictReader(io.StringIO(reply.body.decode().lstrip("\ufeff"))))
    assert row["contactName"] == "'=1+2"


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "date"), ("date=2030-06-10&month=2030-06", "date"), ("month=2030-6", "month")],
)
def test_an_export_covers_a_day_or_a_month(client, staff_token, counter, query, field) -> None:
    before = Counter(i.action for i in AuditItem.scan())
    reply = client.get(
        f"/v1/staff/facilities/counter/appointments/export?{query}", token=staff_token
    )
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.json["errors"]]
    missing = client.get(
        "/v1/staff/facilities/nowhere/appointments/export?date=2030-06-10", token=staff_token
    )
    assert missing.status == 404
    assert Counter(i.action for i in AuditItem.scan()) == before


FIVE = "noticeNumber,noticeNumber2,birthdate,counter\n" + "".join(
    f"JKL12345{n},JKLABC12345678901{n},1980-01-0{n + 1},\n" for n in range(5)
)


def test_the_day_comes_in_pages_by_counter_and_time(client, staff_token, mailbox, counter):
    reply = client.post(
        "/v1/staff/appointment-eligibility?facilityId=counter",
        raw=FIVE.encode(),
        headers={"Content-Type": "text/csv"},
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    # Booked out of order; listed by counter and time.
    slots = [
        ("counter-2", "10:30"),
        ("counter-1", "10:15"),
        ("counter-2", "10:00"),
        ("counter-1", "10:30"),
        ("counter-1", "10:00"),
    ]
    for n, (counter_id, start) in enumerate(slots):
        person = {"noticeNumber": f"JKL12345{n}", "birthdate": f"1980-01-0{n + 1}"}
        book(client, mailbox, f"p{n}@example.jp", [person], counter_id, start)
    before = table_snapshot()

    path = f"/v1/staff/facilities/counter/appointments?date={DAY.isoformat()}"
    pages: list[dict[str, Any]] = []
    next_token = None
    while True:
        query = "&limit=2" + (f"&nextToken={next_token}" if next_token else "")
        reply = client.get(path + query, token=staff_token)
        assert reply.status == 200, reply.body
        pages.append(reply.json)
        next_token = reply.json.get("nextToken")
        if next_token is None:
            break
        assert len(pages) < 10
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert {(p["facilityId"], p["date"]) for p in pages} == {("counter", DAY.isoformat())}
    listed = [(a["counter"], a["start"]) for p in pages for a in p["items"]]
    assert listed == sorted(slots)
    assert table_snapshot() == before

    # A token of this day is no token of another day, and an altered one is refused.
    token = pages[0]["nextToken"]
    for bad in (
        f"/v1/staff/facilities/counter/appointments?date=2030-06-11&nextToken={token}",
        f"{path}&nextToken={token[:-2]}",
        f"{path}&nextToken=%21%21",
    ):
        reply = client.get(bad, token=staff_token)
        assert reply.status == 422, reply.body
        assert reply.header("Content-Type") == "application/problem+json"
        assert [e["field"] for e in reply.json["errors"]] == ["nextToken"]
    assert table_snapshot() == before
    # The export still has the whole day.
    export = client.get(
        f"/v1/staff/facilities/counter/appointments/export?date={DAY.isoformat()}",
        token=staff_token,
    )
    rows = list(csv.reader(io.StringIO(export.body.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows) == 1 + 5
