"""Staff and reservations through the gateway: a facility's check-in list of a day or a
month, its CSV export, a reservation by number, and cancellation on a citizen's behalf
(the citizen is e-mailed; each action leaves one audit record)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import session_token
from yoyaku.adapters.table import AuditItem

from .helpers import count_dynamodb_requests, table_snapshot
from .test_bookings_api import (  # noqa: F401  (the fixture)
    STAY,
    assert_invalid,
    book,
    hold,
    inn,
)


def audit_actions() -> Counter[str]:
    return Counter(i.action for i in AuditItem.scan())


@pytest.fixture
def booked(client, inn, make_citizen):  # noqa: F811
    """Two citizens: one books STAY for two nights, the other the day after."""
    first, second = make_citizen(), make_citizen()
    a = book(client, first, STAY, nights=2)
    b = book(client, second, STAY + timedelta(days=1))
    return first, second, a, b


def test_the_check_in_list_of_a_day_names_who_arrives(client, staff_token, booked) -> None:
    first, _, a, _ = booked
    reply = client.get(
        f"/v1/staff/facilities/inn/reservations?date={STAY.isoformat()}", token=staff_token
    )
    assert reply.status == 200, reply.body
    body = reply.json
    assert (body["first"], body["last"]) == (STAY.isoformat(), STAY.isoformat())
    [row] = body["items"]
    assert row["reservation"]["reservationNumber"] == a["reservationNumber"]
    assert row["reservation"]["nights"] == 2
    assert row["guest"] == {
        "userNumber": first.user_number,
        "name": "港　太郎",
        "phone": "0312345678",
        "email": first.email,
    }


def test_a_month_lists_every_arrival_by_date(client, staff_token, booked) -> None:
    _, _, a, b = booked
    reply = client.get("/v1/staff/facilities/inn/reservations?month=2030-06", token=staff_token)
    numbers = [r["reservation"]["reservationNumber"] for r in reply.json["items"]]
    assert numbers == [a["reservationNumber"], b["reservationNumber"]]
    assert reply.json["last"] == "2030-06-30"
    other = client.get("/v1/staff/facilities/inn/reservations?month=2030-07", token=staff_token)
    assert other.json["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "date"),
        ("date=2030-06-10&month=2030-06", "date"),
        ("month=2030-13", "month"),
        ("date=0", "date"),  # a number is never read as a date
    ],
)
def test_a_period_is_one_day_or_one_month(client, staff_token, inn, query, field) -> None:  # noqa: F811
    reply = client.get(f"/v1/staff/facilities/inn/reservations?{query}", token=staff_token)
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.json["errors"]]


def test_an_unknown_facility_is_not_found(client, staff_token) -> None:
    reply = client.get(
        "/v1/staff/facilities/nowhere/reservations?date=2030-06-10", token=staff_token
    )
    assert reply.status == 404


def test_the_csv_export_is_the_list_and_is_audited(client, staff_token, booked) -> None:
    first, _, a, b = booked
    before = audit_actions()
    reply = client.get(
        "/v1/staff/facilities/inn/reservations/export?month=2030-06", token=staff_token
    )
    assert reply.status == 200
    assert reply.header("Content-Type") == "text/csv; charset=utf-8"
    assert 'filename="reservations-inn-2030-06.csv"' in reply.header("Content-Disposition")
    text = reply.body.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["reservationNumber"] for r in rows] == [
        a["reservationNumber"],
        b["reservationNumber"],
    ]
    assert rows[0]["userNumber"] == first.user_number
    assert rows[0]["name"] == "港　太郎" and rows[0]["nights"] == "2"
    assert rows[0]["adults"] == "2" and rows[0]["status"] == "confirmed"
    assert audit_actions() - before == Counter(["reservations.exported"])


def test_cancelling_on_behalf_frees_the_room_and_mails_the_citizen(
    client, staff_token, booked, mailbox, make_citizen
) -> None:
    first, _, a, _ = booked
    number = a["reservationNumber"]
    found = client.get(f"/v1/staff/reservations/{number}", token=staff_token)
    assert found.status == 200 and found.json["guest"]["userNumber"] == first.user_number

    before = audit_actions()
    reply = client.post(
        f"/v1/staff/reservations/{number}/cancellation",
        json_body={"reason": "ご本人から電話で取消しの依頼"},
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    assert reply.json["reservation"]["status"] == "cancelled"
    assert audit_actions() - before == Counter(["reservation.cancelled"])
    mail = mailbox.find(first.email, number)
    assert mail is not None and "ご本人から電話で取消しの依頼" in mail.body
    # the citizen sees it cancelled, and the rooms are free again
    mine = client.get(f"/v1/reservations/{number}", token=first.token)
    assert mine.json["status"] == "cancelled"
    assert hold(client, make_citizen(), STAY, nights=1, quantity=3).status == 201

    again = client.post(
        f"/v1/staff/reservations/{number}/cancellation",
        json_body={"reason": "二度目"},
        token=staff_token,
    )
    assert again.status == 409
    assert audit_actions() - before == Counter(["reservation.cancelled"])


def test_a_past_stay_cannot_be_cancelled(client, staff_token, booked, clock) -> None:
    _, _, a, _ = booked
    clock.set(clock.now() + (STAY - date(2030, 5, 15)) + timedelta(days=3))
    reply = client.post(
        f"/v1/staff/reservations/{a['reservationNumber']}/cancellation",
        json_body={"reason": "x"},
        token=session_token("staff", "staff-1", clock),  # staff sessions last hours
    )
    assert reply.status == 409


def test_a_reason_is_required_and_an_unknown_number_is_not_found(
    client, staff_token, booked
) -> None:
    _, _, a, _ = booked
    blank = client.post(
        f"/v1/staff/reservations/{a['reservationNumber']}/cancellation",
        json_body={"reason": ""},
        token=staff_token,
    )
    assert blank.status == 422
    missing = client.post(
        "/v1/staff/reservations/0000000000/cancellation",
        json_body={"reason": "x"},
        token=staff_token,
    )
    assert missing.status == 404


def _walk(client, path: str, token: str, limit: int) -> list[dict[str, Any]]:
    """Every page of a staff list, in order; a token on every page but the last."""
    pages: list[dict[str, Any]] = []
    next_token = None
    while True:
        query = f"&limit={limit}" + (f"&nextToken={next_token}" if next_token else "")
        reply = client.get(path + query, token=token)
        assert reply.status == 200, reply.body
        assert len(reply.json["items"]) <= limit
        pages.append(reply.json)
        next_token = reply.json.get("nextToken")
        if next_token is None:
            return pages
        assert len(pages) < 20, "the pages never end"


def test_a_month_comes_in_pages_by_date_and_number(
    client,
    staff_token,
    inn,  # noqa: F811
    make_citizen,
) -> None:
    days = [STAY + timedelta(days=n) for n in (4, 0, 3, 1, 2)]
    numbers = {book(client, make_citizen(), day)["reservationNumber"]: day for day in days}
    # A staff cancellation lists it still (status), in its place.
    cancelled = next(n for n, d in numbers.items() if d == STAY + timedelta(days=3))
    reply = client.post(
        f"/v1/staff/reservations/{cancelled}/cancellation",
        json_body={"reason": "施設の都合"},
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    before = table_snapshot()

    pages = _walk(client, "/v1/staff/facilities/inn/reservations?month=2030-06", staff_token, 2)
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    listed = [r["reservation"]["reservationNumber"] for p in pages for r in p["items"]]
    assert listed == sorted(numbers, key=lambda n: (numbers[n], n))
    assert all(r["guest"]["userNumber"] for p in pages for r in p["items"])
    assert {(p["facilityId"], p["first"], p["last"]) for p in pages} == {
        ("inn", "2030-06-01", "2030-06-30")
    }
    assert "nextToken" not in pages[-1]
    # Reading changes nothing.
    assert table_snapshot() == before

    # The whole month in one page; the CSV export has every row whatever the page size.
    whole = _walk(client, "/v1/staff/facilities/inn/reservations?month=2030-06", staff_token, 5)
    assert [len(p["items"]) for p in whole] == [5]
    export = client.get(
        "/v1/staff/facilities/inn/reservations/export?month=2030-06", token=staff_token
    )
    assert len(list(csv.reader(io.StringIO(export.body.decode("utf-8").lstrip("\ufeff"))))) == 1 + 5


def test_a_check_in_token_is_good_only_for_its_own_list(
    client, staff_token, booked, make_citizen
) -> None:
    book(client, make_citizen(), STAY + timedelta(days=2))
    path = "/v1/staff/facilities/inn/reservations"
    first = client.get(f"{path}?month=2030-06&limit=1", token=staff_token)
    token = first.json["nextToken"]
    before = table_snapshot()
    for query in [
        f"month=2030-06&nextToken={token}x",  # altered
        f"month=2030-07&nextToken={token}",  # another month
        f"date={STAY.isoformat()}&nextToken={token}",  # another period
        "month=2030-06&nextToken=!!!!",
        "month=2030-06&nextToken=e30",
    ]:
        reply = client.get(f"{path}?{query}", token=staff_token)
        body = assert_invalid(reply, "nextToken")
        assert reply.header("Content-Type") == "application/problem+json"
        assert body["code"] == "VALIDATION_FAILED"
    # Japanese by default, English on request.
    foreign = f"{path}?month=2030-07&nextToken={token}"
    japanese = assert_invalid(client.get(foreign, token=staff_token), "nextToken")
    english = client.get(foreign, token=staff_token, headers={"Accept-Language": "en"})
    assert english.header("Content-Type") == "application/problem+json"
    assert english.json["code"] == japanese["code"]
    assert english.json["title"] != japanese["title"]
    assert english.json["title"].isascii() and not japanese["title"].isascii()
    for limit in ("0", "101", "x"):
        reply = client.get(f"{path}?month=2030-06&limit={limit}", token=staff_token)
        assert_invalid(reply, "limit")
    assert table_snapshot() == before


def test_a_page_reads_its_guests_together_whatever_its_size(
    client,
    staff_token,
    inn,  # noqa: F811
    make_citizen,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import botocore.client

    for n in range(5):
        book(client, make_citizen(), STAY + timedelta(days=n))
    requests: Counter[str] = Counter()
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", count_dynamodb_requests(requests)
    )
    path = "/v1/staff/facilities/inn/reservations?month=2030-06&limit="
    counts = []
    for limit in (1, 5):
        requests.clear()
        reply = client.get(f"{path}{limit}", token=staff_token)
        assert len(reply.json["items"]) == limit
        counts.append(dict(requests))
    # The page's guests in one BatchGetItem, not a GetItem per row: five rows cost what
    # one does.
    assert counts[0] == counts[1]
