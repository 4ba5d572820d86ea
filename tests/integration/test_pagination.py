"""Every list that can grow comes in pages: `?limit=&nextToken=` → `{items, nextToken?}`.

Each test fills one list (through the API where that is how users fill it, or with the
items a finished workflow leaves behind), then walks it page by page through the gateway
the way a client would, and checks that the pages, put together, are the whole list in
its order, that only the last page lacks a token, and that a token altered, taken to
another list or filter, or handed to another user never shows what it should not.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from yoyaku.adapters import application_store, lottery_store
from yoyaku.adapters.table import EntryItem, ResultItem
from yoyaku.domain.lottery import LotteryDefinition

from .helpers import INN, account, definition

PROBLEM_JSON = "application/problem+json"


def walk(client: Any, path: str, limit: int, token: str | None = None) -> list[list[Any]]:
    """Every page of `path`, in order; each page within `limit`, a token on all but the last."""
    pages: list[list[Any]] = []
    next_token: str | None = None
    separator = "&" if "?" in path else "?"
    while True:
        query = f"limit={limit}" + (f"&nextToken={next_token}" if next_token else "")
        reply = client.get(f"{path}{separator}{query}", token=token)
        assert reply.status == 200, reply.body
        assert set(reply.json) <= {"items", "nextToken"}
        items = reply.json["items"]
        assert len(items) <= limit
        pages.append(items)
        next_token = reply.json.get("nextToken")
        if next_token is None:
            return pages
        assert len(items) == limit, "only the last page may be short"
        assert len(pages) < 100, "the pages never end"


def assert_bad_token(reply: Any) -> None:
    assert reply.status == 422, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body = reply.json
    assert body["code"] == "VALIDATION_FAILED"
    assert [e["field"] for e in body["errors"]] == ["nextToken"], body


def first_token(client: Any, path: str, token: str | None = None) -> str:
    separator = "&" if "?" in path else "?"
    reply = client.get(f"{path}{separator}limit=1", token=token)
    assert reply.status == 200, reply.body
    next_token: str = reply.json["nextToken"]
    return next_token


def flip(token: str, index: int) -> str:
    """The token with one character changed (still base64url)."""
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def with_position(token: str, position: str) -> str:
    """A well-formed token of the same list that names another position."""
    raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[2] = position
    encoded = json.dumps(raw, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(encoded).decode().rstrip("=")


# ------------------------------------------------------------------ public lists


def test_facilities_come_in_pages_by_id(client, staff_token) -> None:
    ids = [f"hall-{n:02d}" for n in range(7)]
    for facility_id in reversed(ids):
        reply = client.put(f"/v1/staff/facilities/{facility_id}", json_body=INN, token=staff_token)
        assert reply.status == 200, reply.body

    pages = walk(client, "/v1/facilities", limit=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [f["facilityId"] for p in pages for f in p] == ids
    # Exactly one page: no token that would lead to an empty page.
    assert [len(p) for p in walk(client, "/v1/facilities", limit=7)] == [7]
    assert client.get("/v1/facilities").json.keys() == {"items"}  # default limit 50


def test_notices_come_in_pages_newest_first_and_never_show_the_future(
    client, staff_token, clock
) -> None:
    titles = []
    for n in range(5):
        title = f"お知らせ{n}"
        reply = client.post(
            "/v1/staff/notices", json_body={"title": title, "body": "本文"}, token=staff_token
        )
        assert reply.status == 201, reply.body
        titles.append(title)
        clock.advance(timedelta(minutes=1))
    later = (clock.now() + timedelta(days=1)).isoformat()
    reply = client.post(
        "/v1/staff/notices",
        json_body={"title": "明日のお知らせ", "body": "本文", "publishedAt": later},
        token=staff_token,
    )
    assert reply.status == 201, reply.body

    pages = walk(client, "/v1/notices", limit=2)
    assert [[n["title"] for n in p] for p in pages] == [
        ["お知らせ4", "お知らせ3"],
        ["お知らせ2", "お知らせ1"],
        ["お知らせ0"],
    ]
    # A position edited to lie after tomorrow's notice still shows only published ones.
    future = with_position(first_token(client, "/v1/notices"), "2099-01-01T00:00:00+00:00#ntc_z")
    reply = client.get(f"/v1/notices?limit=10&nextToken={future}")
    assert reply.status == 200, reply.body
    assert "明日のお知らせ" not in [n["title"] for n in reply.json["items"]]


# ------------------------------------------------------------------ a citizen's lists


@pytest.fixture
def inn(client, staff_token) -> str:
    body = definition(INN, rules={**INN["rules"], "maxNights": 2})
    assert client.put("/v1/staff/facilities/inn", json_body=body, token=staff_token).status == 200
    inventory = {"resourceTypeId": "room", "from": "2030-06-01", "to": "2030-06-12", "capacity": 2}
    reply = client.put("/v1/staff/facilities/inn/inventory", json_body=inventory, token=staff_token)
    assert reply.status == 200, reply.body
    return "inn"


def book(client, who, day: date) -> str:
    body = {"facilityId": "inn", "resourceTypeId": "room", "date": day.isoformat(), "nights": 1}
    held = client.post("/v1/holds", json_body={**body, "quantity": 1}, token=who.token)
    assert held.status == 201, held.body
    made = client.post(
        "/v1/reservations",
        json_body={"holdId": held.json["holdId"], "party": [{"night": 1, "adults": 1}]},
        token=who.token,
    )
    assert made.status == 201, made.body
    number: str = made.json["reservationNumber"]
    return number


def test_my_reservations_come_in_pages_by_stay_date(client, inn, make_citizen, mailbox) -> None:
    me, other = make_citizen(status="verified"), make_citizen(status="verified")
    days = [date(2030, 6, 1) + timedelta(days=n) for n in (4, 0, 3, 1, 2)]
    numbers = {book(client, me, day): day for day in days}
    theirs = book(client, other, date(2030, 6, 2))

    pages = walk(client, "/v1/reservations", limit=2, token=me.token)
    assert [len(p) for p in pages] == [2, 2, 1]
    listed = [r["reservationNumber"] for p in pages for r in p]
    assert listed == sorted(numbers, key=lambda n: numbers[n])
    assert theirs not in listed

    # My token in another citizen's hands is only a position in *their* own list.
    mine = first_token(client, "/v1/reservations", token=me.token)
    reply = client.get(f"/v1/reservations?nextToken={mine}", token=other.token)
    assert reply.status == 200, reply.body
    assert {r["reservationNumber"] for r in reply.json["items"]} <= {theirs}


def test_my_applications_come_in_pages(client, make_citizen, clock) -> None:
    me = make_citizen()
    start = datetime(2030, 5, 1, tzinfo=UTC)
    for n in range(5):
        application_store.new_item(
            f"{900100 + n}", me.user_number, f"reg_{me.user_number}", "registration",
            start + timedelta(days=n),
        ).save()  # fmt: skip

    pages = walk(client, "/v1/me/applications", limit=2, token=me.token)
    assert [[a["applicationId"] for a in p] for p in pages] == [
        ["900100", "900101"],
        ["900102", "900103"],
        ["900104"],
    ]


def _entry(user_number: str, lottery_id: str, created: datetime) -> None:
    """An entry as entering leaves it (the lottery need not exist for the listing)."""
    EntryItem(
        f"LOTTERY#{lottery_id}",
        f"ENTRY#{user_number}",
        entry_id=f"ent_{lottery_id}",
        preferences=[
            {
                "rank": 1,
                "date": "2030-07-01",
                "nights": 1,
                "resourceTypeId": "room",
                "quantity": 1,
                "party": [{"night": 1, "adults": 2, "children": 0}],
            }
        ],
        contact={"email": "a@example.jp", "language": "ja", "lotteryResultEmail": True},
        created_at=created,
        gsi1pk=f"USER#{user_number}#ENTRIES",
        gsi1sk=f"{created.isoformat()}#{lottery_id}",
    ).save()


def test_my_lottery_entries_and_results_come_in_pages(client, clock) -> None:
    me = account(clock.now())
    start = datetime(2030, 1, 5, tzinfo=UTC)
    lottery_ids = [f"lot_{n:04d}" for n in range(5)]
    for n, lottery_id in enumerate(lottery_ids):
        _entry(me.user_number, lottery_id, start + timedelta(days=30 * n))
        ResultItem(
            f"LOTTERY#{lottery_id}",
            f"RESULT#{me.user_number}",
            entry_id=f"ent_{lottery_id}",
            won_rank=0,
            gsi1pk=f"USER#{me.user_number}#RESULTS",
            gsi1sk=lottery_id,
        ).save()

    entries = walk(client, "/v1/me/lottery-entries", limit=2, token=me.token)
    assert [len(p) for p in entries] == [2, 2, 1]
    assert [e["lotteryId"] for p in entries for e in p] == lottery_ids
    results = walk(client, "/v1/me/lottery-results", limit=3, token=me.token)
    assert [len(p) for p in results] == [3, 2]
    assert [r["lotteryId"] for p in results for r in p] == lottery_ids
    assert {r["outcome"] for p in results for r in p} == {"lost"}

    # An entries token is no results token.
    token = first_token(client, "/v1/me/lottery-entries", token=me.token)
    assert_bad_token(client.get(f"/v1/me/lottery-results?nextToken={token}", token=me.token))


# ------------------------------------------------------------------ lotteries and staff


def test_lotteries_come_in_pages_by_draw_time_within_their_filter(client, clock) -> None:
    base = datetime(2030, 6, 1, 1, 0, tzinfo=UTC)
    for n in range(6):
        facility_id = "inn" if n % 2 == 0 else "lodge"
        # Lotteries of one facility never share a night: each draws its own ten days.
        stay_from = date(2030, 8, 1) + timedelta(days=10 * n)
        lottery_store.create(
            f"lot_{n:04d}",
            LotteryDefinition.model_validate(
                {
                    "facilityId": facility_id,
                    "stayFrom": stay_from.isoformat(),
                    "stayTo": (stay_from + timedelta(days=9)).isoformat(),
                    "applyFrom": (base + timedelta(days=n)).isoformat(),
                    "applyUntil": (base + timedelta(days=n, hours=1)).isoformat(),
                    "drawAt": (base + timedelta(days=n, hours=2)).isoformat(),
                }
            ),
            "施設",
            "seed",
            "commitment",
        )

    everything = walk(client, "/v1/lotteries", limit=4)
    assert [lot["lotteryId"] for p in everything for lot in p] == [f"lot_{n:04d}" for n in range(6)]
    inn_only = walk(client, "/v1/lotteries?facilityId=inn", limit=2)
    assert [[lot["lotteryId"] for lot in p] for p in inn_only] == [
        ["lot_0000", "lot_0002"],
        ["lot_0004"],
    ]
    # The token remembers its filter: it cannot continue the lodge's list.
    token = first_token(client, "/v1/lotteries?facilityId=inn")
    assert_bad_token(client.get(f"/v1/lotteries?facilityId=lodge&nextToken={token}"))
    assert_bad_token(client.get(f"/v1/lotteries?nextToken={token}"))


def _queued(application_id: str, user_number: str, status: str, at: datetime) -> None:
    item = application_store.new_item(application_id, user_number, "reg_x", "registration", at)
    item.status = status
    item.gsi2pk = f"REVIEWS#{status}"
    item.save()


def test_the_review_queue_comes_in_pages_across_its_statuses(client, staff_token) -> None:
    start = datetime(2030, 5, 1, tzinfo=UTC)
    statuses = ["received", "accepted", "accepted", "received", "returned", "received", "accepted"]
    for n, status in enumerate(statuses):
        _queued(f"{800100 + n}", f"{500000 + n}", status, start + timedelta(hours=n))
    open_ones = [f"{800100 + n}" for n, s in enumerate(statuses) if s != "returned"]

    pages = walk(client, "/v1/staff/reviews", limit=2, token=staff_token)
    assert [len(p) for p in pages] == [2, 2, 2]
    assert [a["applicationId"] for p in pages for a in p] == open_ones
    received = walk(client, "/v1/staff/reviews?status=received", limit=2, token=staff_token)
    assert [a["applicationId"] for p in received for a in p] == ["800100", "800103", "800105"]

    token = first_token(client, "/v1/staff/reviews?status=received", token=staff_token)
    reply = client.get(f"/v1/staff/reviews?status=accepted&nextToken={token}", token=staff_token)
    assert_bad_token(reply)


# ------------------------------------------------------------------ bad tokens and limits


def test_altered_or_foreign_tokens_and_bad_limits_are_422(client, staff_token) -> None:
    for n in range(3):
        reply = client.put(f"/v1/staff/facilities/hall-{n}", json_body=INN, token=staff_token)
        assert reply.status == 200, reply.body
    token = first_token(client, "/v1/facilities")
    assert client.get(f"/v1/facilities?nextToken={token}").status == 200

    statuses = set()
    for index in range(len(token)):
        reply = client.get(f"/v1/facilities?nextToken={flip(token, index)}")
        # An edit breaks the token, or at most moves it within the same list.
        assert reply.status in (200, 422), reply.body
        if reply.status == 200:
            assert {f["facilityId"] for f in reply.json["items"]} <= {"hall-1", "hall-2"}
        statuses.add(reply.status)
    assert 422 in statuses
    for bad in [
        "x",
        "!!!!",
        "e30",
        token + "A",
        with_position(token, "USER#1#PROFILE"),
        "a" * 1001,
    ]:
        assert_bad_token(client.get(f"/v1/facilities?nextToken={bad}"))
    assert_bad_token(client.get(f"/v1/notices?nextToken={token}"))

    for limit in ["0", "101", "-1", "ten", "1.5"]:
        reply = client.get(f"/v1/facilities?limit={limit}")
        assert reply.status == 422, (limit, reply.body)
        assert [e["field"] for e in reply.json["errors"]] == ["limit"]
    assert len(client.get("/v1/facilities?limit=100").json["items"]) == 3
