"""Lottery rules through the gateway (in-process against moto, with the movable clock).

The clock starts on 2030-05-15 10:00 in Tokyo. helpers.lottery_body() takes entries from
09:00 that day until 2030-05-20 17:00 and draws on 2030-05-21 10:00. The inn is
helpers.INN (lottery for residents only; rooms for 5, at most 2 nights and 3 rooms a
booking), with two rooms a night in July and in August.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from yoyaku.adapters import lottery_store
from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.inventory import ClaimState

from .helpers import (
    GYM,
    INN,
    account,
    assert_summaries_match_claims,
    definition,
    demand_of,
    enter,
    lottery_body,
    open_rooms,
    preference,
    staff_session,
    table_snapshot,
    write_claim,
)

PROBLEM_JSON = "application/problem+json"
D1, D2, D3 = date(2030, 7, 1), date(2030, 7, 2), date(2030, 7, 3)
AUGUST = date(2030, 8, 1)
APPLY_FROM = datetime(2030, 5, 15, 9, 0, tzinfo=TOKYO)
APPLY_UNTIL = datetime(2030, 5, 20, 17, 0, tzinfo=TOKYO)


def tokyo(value: datetime) -> str:
    return value.astimezone(TOKYO).isoformat()


@pytest.fixture
def services(aws, monkeypatch) -> None:
    """Creating a lottery schedules its draw: the schedule needs a target and a role
    (moto's EventBridge Scheduler keeps the schedule without running it)."""
    from yoyaku.settings import forget as forget_settings

    account_id = "123456789012"
    monkeypatch.setenv(
        "DRAW_STATE_MACHINE_ARN",
        f"arn:aws:states:ap-northeast-1:{account_id}:stateMachine:lottery-draw",
    )
    monkeypatch.setenv("SCHEDULER_ROLE_ARN", f"arn:aws:iam::{account_id}:role/scheduler")
    forget_settings()


@pytest.fixture
def inn(client, staff_token, services) -> str:
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_rooms(client, staff_token, "inn", D1, D3, 2)
    open_rooms(client, staff_token, "inn", AUGUST, AUGUST + timedelta(days=2), 2)
    return "inn"


@pytest.fixture
def lodge(client, staff_token, services) -> str:
    """Another lodging facility, whose lotteries are open to workers as well."""
    body = definition(INN, name="みなと山荘", lottery={"enabled": True, "residentsOnly": False})
    assert client.put("/v1/staff/facilities/lodge", json_body=body, token=staff_token).status == 200
    open_rooms(client, staff_token, "lodge", D1, D3, 1)
    return "lodge"


def create(client, token: str, facility_id: str = "inn", start: date = D1, end: date = D3, **kw):
    return client.post(
        "/v1/staff/lotteries", json_body=lottery_body(facility_id, start, end, **kw), token=token
    )


@pytest.fixture
def lottery(client, staff_token, inn) -> dict[str, Any]:
    reply = create(client, staff_token)
    assert reply.status == 201, reply.body
    created: dict[str, Any] = reply.json
    return created


def assert_problem(reply, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == code
    assert body["status"] == status
    return body


def assert_invalid(reply, field: str) -> dict[str, Any]:
    body = assert_problem(reply, 422, "VALIDATION_FAILED")
    assert field in [e["field"] for e in body["errors"]], body["errors"]
    return body


def my_entries(client, who) -> list[dict[str, Any]]:
    reply = client.get("/v1/me/lottery-entries", token=who.token)
    assert reply.status == 200, reply.body
    items: list[dict[str, Any]] = reply.json["items"]
    return items


def applications(client, lottery_id: str) -> dict[tuple[str, str], int]:
    return {key: a for key, (a, _) in demand_of(client, lottery_id).items()}


def room(day: date) -> tuple[str, str]:
    return (day.isoformat(), "room")


# ------------------------------------------------------------------ the application period


def test_entries_open_at_apply_from(client, clock, staff_token, inn) -> None:
    opens = APPLY_FROM + timedelta(days=1)
    reply = create(client, staff_token, applyFrom=tokyo(opens))
    assert reply.status == 201, reply.body
    lottery_id = reply.json["lotteryId"]
    assert reply.json["status"] == "scheduled"
    resident = account(clock.now())

    early = assert_problem(
        enter(client, resident, lottery_id, preference(1, D1)), 422, "LOTTERY_CLOSED"
    )
    assert "2030-05-16T09:00:00+09:00" in early["detail"]
    english = client.post(
        f"/v1/lotteries/{lottery_id}/entries",
        json_body={"preferences": [preference(1, D1)]},
        token=resident.token,
        lang="en",
    ).json
    assert english["detail"] == "Entries open at 2030-05-16T09:00:00+09:00."

    clock.set(opens - timedelta(seconds=1))
    assert enter(client, resident, lottery_id, preference(1, D1)).status == 422
    clock.set(opens)
    assert client.get(f"/v1/lotteries/{lottery_id}").json["status"] == "open"
    assert enter(client, resident, lottery_id, preference(1, D1)).status == 201


def test_entries_close_at_apply_until(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    last_minute, too_late = account(clock.now()), account(clock.now())
    clock.set(APPLY_UNTIL - timedelta(seconds=1))
    assert enter(client, last_minute, lottery_id, preference(1, D1)).status == 201
    clock.set(APPLY_UNTIL)
    assert client.get(f"/v1/lotteries/{lottery_id}").json["status"] == "closed"
    late = assert_problem(
        enter(client, too_late, lottery_id, preference(1, D1)), 422, "LOTTERY_CLOSED"
    )
    assert "2030-05-20T17:00:00+09:00" in late["detail"]
    english = client.post(
        f"/v1/lotteries/{lottery_id}/entries",
        json_body={"preferences": [preference(1, D1)]},
        token=too_late.token,
        lang="en",
    ).json
    assert english["detail"] == "Entries closed at 2030-05-20T17:00:00+09:00."
    assert applications(client, lottery_id)[room(D1)] == 1


def test_entries_are_closed_once_the_draw_has_closed_them(client, clock, lottery) -> None:
    """Staff may draw before applyUntil: the close ends the entries at once."""
    from yoyaku.services import lottery_draw

    lottery_id = lottery["lotteryId"]
    first, second = account(clock.now()), account(clock.now())
    entry = enter(client, first, lottery_id, preference(1, D1)).json
    lottery_draw.close(lottery_id)
    assert client.get(f"/v1/lotteries/{lottery_id}").json["status"] == "closed"
    assert_problem(enter(client, second, lottery_id, preference(1, D1)), 422, "LOTTERY_CLOSED")
    withdrawn = client.delete(f"/v1/me/lottery-entries/{entry['entryId']}", token=first.token)
    assert_problem(withdrawn, 422, "LOTTERY_CLOSED")
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert audit["entriesDigest"] and audit["seed"] is None


# ------------------------------------------------------------------ who may enter


@pytest.mark.parametrize(
    ("status", "residency", "reason"),
    [
        ("provisional", "resident", "Only fully verified accounts can enter lotteries."),
        ("rejected", "resident", "Only fully verified accounts can enter lotteries."),
        ("verified", "worker", "Only residents can enter this lottery."),
    ],
)
def test_only_verified_residents_may_enter(
    client, clock, lottery, status: str, residency: str, reason: str
) -> None:
    who = account(clock.now(), status=status, residency=residency)
    before = table_snapshot()
    reply = client.post(
        f"/v1/lotteries/{lottery['lotteryId']}/entries",
        json_body={"preferences": [preference(1, D1)]},
        token=who.token,
        lang="en",
    )
    assert assert_problem(reply, 403, "NOT_ELIGIBLE")["detail"] == reason
    assert table_snapshot() == before
    assert my_entries(client, who) == []


def test_workers_may_enter_where_the_lottery_is_not_for_residents_only(
    client, clock, staff_token, lodge
) -> None:
    lottery_id = create(client, staff_token, "lodge").json["lotteryId"]
    worker = account(clock.now(), residency="worker", verified_until=date(2031, 4, 1))
    assert enter(client, worker, lottery_id, preference(1, D1)).status == 201
    lapsed = account(clock.now(), residency="worker", verified_until=date(2030, 5, 14))
    assert_problem(enter(client, lapsed, lottery_id, preference(1, D1)), 403, "NOT_ELIGIBLE")


def test_entering_needs_a_citizen_session(client, lottery, staff_token) -> None:
    path = f"/v1/lotteries/{lottery['lotteryId']}/entries"
    body = {"preferences": [preference(1, D1)]}
    assert client.post(path, json_body=body).status == 401
    assert client.post(path, json_body=body, token=staff_token).status == 403
    assert client.get("/v1/me/lottery-entries").status == 401


# ------------------------------------------------------------------ one entry per round


def test_a_second_entry_to_the_same_lottery_is_refused(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    resident = account(clock.now())
    assert enter(client, resident, lottery_id, preference(1, D1)).status == 201
    again = enter(client, resident, lottery_id, preference(1, D2))
    assert_problem(again, 409, "ALREADY_APPLIED")
    assert len(my_entries(client, resident)) == 1
    assert applications(client, lottery_id)[room(D1)] == 1
    assert applications(client, lottery_id)[room(D2)] == 0


def test_one_facility_per_round(client, clock, staff_token, lottery, lodge) -> None:
    """The round is the month of the stay: one entry in July, wherever; August is free."""
    resident = account(clock.now())
    july_lodge = create(client, staff_token, "lodge").json["lotteryId"]
    august_inn = create(client, staff_token, "inn", AUGUST, AUGUST + timedelta(days=2))
    assert august_inn.status == 201, august_inn.body

    assert enter(client, resident, lottery["lotteryId"], preference(1, D1)).status == 201
    assert_problem(enter(client, resident, july_lodge, preference(1, D1)), 409, "ALREADY_APPLIED")
    august = enter(client, resident, august_inn.json["lotteryId"], preference(1, AUGUST))
    assert august.status == 201, august.body
    assert {e["facilityId"] for e in my_entries(client, resident)} == {"inn"}
    assert applications(client, july_lodge)[room(D1)] == 0


# ------------------------------------------------------------------ preferences


def _entry_reply(client, who, lottery_id: str, preferences: list[dict[str, Any]]):
    return client.post(
        f"/v1/lotteries/{lottery_id}/entries",
        json_body={"preferences": preferences},
        token=who.token,
    )


# (what is wrong, the preferences sent, the field the 422 must name)
BAD_PREFERENCES: list[tuple[str, list[dict[str, Any]], str]] = [
    ("before the stay", [preference(1, D1 - timedelta(days=1))], "preferences[0].date"),
    ("after the stay", [preference(1, D3 + timedelta(days=1))], "preferences[0].date"),
    (
        "a second night after the stay",
        [preference(1, D1), preference(2, D3, nights=2)],
        "preferences[1].date",
    ),
    ("a gap in the ranks", [preference(1, D1), preference(3, D2)], "preferences"),
    ("no first rank", [preference(2, D1)], "preferences"),
    ("a repeated rank", [preference(1, D1), preference(1, D2)], "preferences"),
    (
        "an unknown resource type",
        [preference(1, D1, resource_type_id="hall")],
        "preferences[0].resourceTypeId",
    ),
    ("more rooms than a booking takes", [preference(1, D1, quantity=4)], "preferences[0].quantity"),
    ("more nights than a stay takes", [preference(1, D1, nights=3)], "preferences[0].nights"),
    ("no preference", [], "preferences"),
    (
        "a room-style wish on the second preference (第1希望のみ)",
        [preference(1, D1), {**preference(2, D2), "roomStyle": "japanese"}],
        "preferences[1].roomStyle",
    ),
    ("more than five", [preference(r, D1) for r in range(1, 7)], "preferences"),
]


def test_preferences_are_checked_and_the_field_is_named(client, clock, lottery) -> None:
    resident = account(clock.now())
    before = table_snapshot()
    for case, preferences, field in BAD_PREFERENCES:
        reply = _entry_reply(client, resident, lottery["lotteryId"], preferences)
        assert reply.status == 422, (case, reply.body)
        body = reply.json
        assert body["code"] == "VALIDATION_FAILED", case
        fields = [e["field"] for e in body["errors"]]
        assert field in fields, (case, fields)
    assert table_snapshot() == before


def test_no_more_preferences_than_the_lottery_takes(client, clock, staff_token, inn) -> None:
    lottery_id = create(client, staff_token, maxPreferences=2).json["lotteryId"]
    resident = account(clock.now())
    three = [preference(1, D1), preference(2, D2), preference(3, D3)]
    body = assert_invalid(
        client.post(
            f"/v1/lotteries/{lottery_id}/entries",
            json_body={"preferences": three},
            token=resident.token,
            lang="en",
        ),
        "preferences",
    )
    assert body["errors"][0]["message"] == "This lottery takes at most 2 preferences."
    assert enter(client, resident, lottery_id, *three[:2]).status == 201


def test_an_outside_date_names_the_stay_period(client, clock, lottery) -> None:
    reply = client.post(
        f"/v1/lotteries/{lottery['lotteryId']}/entries",
        json_body={"preferences": [preference(1, AUGUST)]},
        token=account(clock.now()).token,
        lang="en",
    )
    body = assert_invalid(reply, "preferences[0].date")
    assert "2030-07-01 to 2030-07-03" in body["errors"][0]["message"]


def test_unknown_fields_are_refused(client, clock, lottery) -> None:
    resident = account(clock.now())
    extra = {**preference(1, D1), "priority": "high"}
    assert _entry_reply(client, resident, lottery["lotteryId"], [extra]).status == 422


def test_the_whole_stay_and_every_preference_are_kept(client, clock, lottery) -> None:
    resident = account(clock.now())
    two_nights = preference(1, D2, nights=2, quantity=2)
    reply = enter(client, resident, lottery["lotteryId"], preference(2, D1), two_nights)
    assert reply.status == 201, reply.body
    assert [p["rank"] for p in reply.json["preferences"]] == [1, 2]  # sorted by rank
    (listed,) = my_entries(client, resident)
    assert listed["entryId"] == reply.json["entryId"]
    assert listed["lotteryId"] == lottery["lotteryId"] and listed["facilityId"] == "inn"
    assert listed["preferences"][0]["nights"] == 2
    assert client.get("/v1/me/lottery-results", token=resident.token).json == {"items": []}


def test_a_party_that_does_not_fit_names_the_preference(client, clock, lottery) -> None:
    resident = account(clock.now())
    crowded = preference(2, D1, adults=6)  # rooms take 5
    one_night_party = {**preference(2, D1, nights=2), "party": preference(2, D1)["party"]}
    for wrong in (crowded, one_night_party):
        reply = _entry_reply(client, resident, lottery["lotteryId"], [preference(1, D2), wrong])
        body = assert_problem(reply, 422, "VALIDATION_FAILED")
        fields = [e["field"] for e in body["errors"]]
        assert all(f.startswith("preferences[1].party") for f in fields), fields


def test_a_room_style_wish_on_the_first_preference_is_kept(client, clock, lottery) -> None:
    resident = account(clock.now())
    first = {**preference(1, D1), "roomStyle": "western"}
    reply = _entry_reply(client, resident, lottery["lotteryId"], [first, preference(2, D2)])
    assert reply.status == 201, reply.body
    assert [p["roomStyle"] for p in reply.json["preferences"]] == ["western", None]
    wrong = {**preference(2, D2), "roomStyle": "japanese"}
    other = account(clock.now())
    refused = _entry_reply(client, other, lottery["lotteryId"], [preference(1, D1), wrong])
    assert refused.json["errors"] == [
        {
            "field": "preferences[1].roomStyle",
            "message": "和洋室の希望は第1希望にだけ指定できます。",
        }
    ]


# ------------------------------------------------------------------ withdrawal and demand


def test_withdrawing_while_open_frees_the_round_and_the_demand(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    resident, other = account(clock.now()), account(clock.now())
    entry = enter(client, resident, lottery_id, preference(1, D1), preference(2, D3)).json
    assert applications(client, lottery_id) == {room(D1): 1, room(D2): 0, room(D3): 1}

    path = f"/v1/me/lottery-entries/{entry['entryId']}"
    assert_problem(client.delete(path, token=other.token), 404, "NOT_FOUND")
    assert client.delete(path, token=resident.token).status == 204
    assert applications(client, lottery_id) == {room(D1): 0, room(D2): 0, room(D3): 0}
    assert my_entries(client, resident) == []
    assert_problem(client.delete(path, token=resident.token), 404, "NOT_FOUND")
    # The round is free again.
    assert enter(client, resident, lottery_id, preference(1, D2)).status == 201
    assert applications(client, lottery_id)[room(D2)] == 1


def test_withdrawing_after_the_period_is_refused(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    resident = account(clock.now())
    entry = enter(client, resident, lottery_id, preference(1, D1)).json
    clock.set(APPLY_UNTIL)
    reply = client.delete(f"/v1/me/lottery-entries/{entry['entryId']}", token=resident.token)
    assert_problem(reply, 422, "LOTTERY_CLOSED")
    assert len(my_entries(client, resident)) == 1
    assert applications(client, lottery_id)[room(D1)] == 1


def test_a_preference_is_added_then_one_withdrawn_while_open(client, clock, lottery) -> None:
    """次の希望日へ: the entry gains a second preference, later drops its first; the
    demand follows and the entry keeps its id and time of entry."""
    lottery_id = lottery["lotteryId"]
    resident, other = account(clock.now()), account(clock.now())
    entry = enter(client, resident, lottery_id, preference(1, D1)).json
    path = f"/v1/me/lottery-entries/{entry['entryId']}"
    two = {"preferences": [preference(1, D1), preference(2, D3)]}
    added = client.put(path, json_body=two, token=resident.token)
    assert added.status == 200, added.body
    assert added.json["entryId"] == entry["entryId"]
    assert added.json["createdAt"] == entry["createdAt"]
    assert [(p["rank"], p["date"]) for p in added.json["preferences"]] == [
        (1, D1.isoformat()),
        (2, D3.isoformat()),
    ]
    assert applications(client, lottery_id) == {room(D1): 1, room(D2): 0, room(D3): 1}
    # the first withdrawn: the second becomes the first
    one = {"preferences": [{**preference(1, D3)}]}
    assert client.put(path, json_body=one, token=resident.token).status == 200
    assert applications(client, lottery_id) == {room(D1): 0, room(D2): 0, room(D3): 1}
    (shown,) = my_entries(client, resident)
    assert [(p["rank"], p["date"]) for p in shown["preferences"]] == [(1, D3.isoformat())]
    # checked as an entry is; someone else's is unknown; nothing moves on a refusal
    too_many = {"preferences": [preference(r, D1) for r in (1, 2, 3, 4)]}
    assert_invalid(client.put(path, json_body=too_many, token=resident.token), "preferences")
    wish = {"preferences": [preference(1, D3), {**preference(2, D2), "roomStyle": "western"}]}
    assert_invalid(
        client.put(path, json_body=wish, token=resident.token), "preferences[1].roomStyle"
    )
    assert_problem(client.put(path, json_body=one, token=other.token), 404, "NOT_FOUND")
    assert applications(client, lottery_id) == {room(D1): 0, room(D2): 0, room(D3): 1}
    # after the period, no more changes
    clock.set(APPLY_UNTIL)
    assert_problem(client.put(path, json_body=two, token=resident.token), 422, "LOTTERY_CLOSED")
    assert applications(client, lottery_id) == {room(D1): 0, room(D2): 0, room(D3): 1}


def test_several_entries_are_withdrawn_at_once_all_or_none(
    client, clock, staff_token, lottery
) -> None:
    august = create(client, staff_token, "inn", AUGUST, AUGUST + timedelta(days=2))
    assert august.status == 201, august.body
    resident, other = account(clock.now()), account(clock.now())
    july_entry = enter(client, resident, lottery["lotteryId"], preference(1, D1)).json
    august_entry = enter(client, resident, august.json["lotteryId"], preference(1, AUGUST)).json
    theirs = enter(client, other, lottery["lotteryId"], preference(1, D1)).json
    ids = [july_entry["entryId"], august_entry["entryId"]]
    path = "/v1/me/lottery-entries/withdrawals"
    # someone else's among them: nothing is withdrawn
    mixed = {"entryIds": [*ids, theirs["entryId"]]}
    assert_problem(client.post(path, json_body=mixed, token=resident.token), 404, "NOT_FOUND")
    assert len(my_entries(client, resident)) == 2
    for body in ({"entryIds": []}, {"entryIds": [ids[0], ids[0]]}, {}):
        assert_problem(
            client.post(path, json_body=body, token=resident.token), 422, "VALIDATION_FAILED"
        )
    done = client.post(path, json_body={"entryIds": ids}, token=resident.token)
    assert done.status == 204, done.body
    assert my_entries(client, resident) == []
    assert applications(client, lottery["lotteryId"])[room(D1)] == 1  # the other's stays
    assert applications(client, august.json["lotteryId"])[room(AUGUST)] == 0
    # both rounds are free again
    assert enter(client, resident, lottery["lotteryId"], preference(1, D2)).status == 201


def test_demand_by_week(client, clock, staff_token, inn) -> None:
    lottery_id = create(client, staff_token).json["lotteryId"]
    base = f"/v1/lotteries/{lottery_id}/demand"
    days = client.get(f"{base}?from={D2}&to={D3}").json["days"]
    assert [d["date"] for d in days] == [D2.isoformat(), D3.isoformat()]
    assert [d["date"] for d in client.get(f"{base}?to={D1}").json["days"]] == [D1.isoformat()]
    assert len(client.get(f"{base}?from={D2}").json["days"]) == 2
    assert len(client.get(base).json["days"]) == 3
    assert_invalid(client.get(f"{base}?from={D3}&to={D1}"), "to")
    assert_invalid(client.get(f"{base}?from=2030-13-01"), "from")


def test_demand_shows_the_units_kept_for_the_lottery(client, clock, staff_token, inn) -> None:
    """Units booked before the lottery was created are not winnable; the rest are kept
    from direct booking until the draw."""
    write_claim("inn", D2, 1, ClaimState.BOOKED, holder="1000000001")
    lottery_id = create(client, staff_token).json["lotteryId"]
    assert demand_of(client, lottery_id) == {room(D1): (0, 2), room(D2): (0, 1), room(D3): (0, 2)}
    days = client.get(f"/v1/facilities/inn/availability?from={D1}&to={D3}").json["days"]
    rooms = [d for d in days if d["resourceTypeId"] == "room"]
    assert all(d["lottery"] and d["available"] == 0 for d in rooms)
    clock.set(datetime(2030, 6, 10, 1, 0, tzinfo=UTC))  # July's nights are bookable
    resident = account(clock.now())
    hold = client.post(
        "/v1/holds",
        json_body={
            "facilityId": "inn",
            "resourceTypeId": "room",
            "date": D1.isoformat(),
            "nights": 1,
            "quantity": 1,
        },
        token=resident.token,
    )
    assert hold.status == 409, hold.body  # kept for the lottery (NOT_AVAILABLE)


def test_a_month_of_forty_rooms_is_kept_in_a_few_transactions(
    client, staff_token, services, monkeypatch
) -> None:
    """Creating the lottery writes its kept units in transactions of up to 100 items
    (the claims and their days' summaries), never one request per unit."""
    assert client.put("/v1/staff/facilities/big", json_body=INN, token=staff_token).status == 200
    open_rooms(client, staff_token, "big", AUGUST, date(2030, 8, 31), 40)
    sizes: list[int] = []
    keep_together = lottery_store._keep_together

    def counted(facility_id, lottery_id, units, now):  # type: ignore[no-untyped-def]
        sizes.append(len(units) + len({(d, rt) for d, rt, _, _ in units}))
        keep_together(facility_id, lottery_id, units, now)

    monkeypatch.setattr(lottery_store, "_keep_together", counted)
    reply = create(client, staff_token, "big", AUGUST, date(2030, 8, 31))
    assert reply.status == 201, reply.body
    assert len(sizes) == 13 and max(sizes) <= 100, sizes  # 1,240 claims + 31 summaries
    lottery_id = reply.json["lotteryId"]
    assert set(demand_of(client, lottery_id).values()) == {(0, 40)}
    days = client.get(f"/v1/facilities/big/availability?from={AUGUST}&to=2030-08-31").json
    rooms = [d for d in days["days"] if d["resourceTypeId"] == "room"]
    assert {(d["available"], d["lottery"]) for d in rooms} == {(0, True)}


def test_a_unit_held_while_the_lottery_is_created_is_not_kept(
    client, staff_token, inn, monkeypatch
) -> None:
    """A hold placed between the read and the batched write makes that transaction fail;
    its units are then kept one by one, all but the held one, and the summaries count
    exactly the units kept."""
    from yoyaku.adapters import inventory_store

    read_range = inventory_store.read_range

    def hold_meanwhile(facility_id, start, end):  # type: ignore[no-untyped-def]
        found = read_range(facility_id, start, end)
        later = datetime(2030, 5, 15, 3, 0, tzinfo=UTC)  # after the test clock's now
        write_claim("inn", D2, 0, ClaimState.HOLD, expires_at=later, holder="hold-1")
        return found

    monkeypatch.setattr(lottery_store.inventory_store, "read_range", hold_meanwhile)
    reply = create(client, staff_token)
    assert reply.status == 201, reply.body
    assert demand_of(client, reply.json["lotteryId"]) == {
        room(D1): (0, 2),
        room(D2): (0, 1),
        room(D3): (0, 2),
    }
    monkeypatch.setattr(lottery_store.inventory_store, "read_range", read_range)
    assert_summaries_match_claims("inn", D1, D3, datetime(2030, 5, 15, 1, 0, tzinfo=UTC))


# ------------------------------------------------------------------ concurrency


@pytest.fixture
def parallel_lambdas(monkeypatch) -> None:
    """Lets the threads of this process stand for separate Lambda environments.

    * moto's in-process DynamoDB is not thread-safe: it checks a condition and then
      writes in two steps, and a transaction deep-copies the table while other threads
      write to it ("dictionary changed size during iteration"). local.aws.
      serialize_dynamodb_writes() puts one lock around each DynamoDB request, which
      makes each operation atomic as it is in DynamoDB (the local runtime does the
      same). It patches moto for the rest of the process; it only adds a lock.
    * A Lambda environment serves one request at a time (Powertools keeps the current
      event in class attributes): the in-process gateway gives each function one
      environment, so requests to the same function take turns while different
      functions run at once. The end-to-end tests race requests to one function across
      the local runtime's worker-process environments.
    """
    from local.aws import serialize_dynamodb_writes

    serialize_dynamodb_writes()


def test_demand_counts_are_exact_under_concurrent_entries_and_withdrawals(
    client, clock, lottery, parallel_lambdas
) -> None:
    lottery_id = lottery["lotteryId"]
    now = clock.now()
    newcomers = [account(now) for _ in range(12)]
    impatient = [account(now) for _ in range(4)]  # submit twice at once
    leaving = [account(now) for _ in range(6)]
    undecided = [account(now) for _ in range(4)]  # withdraw twice at once
    entries = {}
    for who in leaving + undecided:
        reply = enter(client, who, lottery_id, preference(1, D1), preference(2, D2))
        assert reply.status == 201, reply.body
        entries[who.user_number] = reply.json["entryId"]
    assert applications(client, lottery_id) == {room(D1): 10, room(D2): 10, room(D3): 0}

    jobs: list[tuple[str, Any, Any]] = []
    for who in newcomers:
        jobs.append(("enter", who, (preference(1, D1), preference(2, D2))))
    for who in impatient:
        jobs.append(("enter", who, (preference(1, D1),)))
        jobs.append(("enter", who, (preference(1, D3),)))
    for who in leaving:
        jobs.append(("withdraw", who, entries[who.user_number]))
    for who in undecided:
        jobs.append(("withdraw", who, entries[who.user_number]))
        jobs.append(("withdraw", who, entries[who.user_number]))
    start = threading.Barrier(len(jobs))

    def run(job: tuple[str, Any, Any]) -> tuple[str, int]:
        action, who, arg = job
        start.wait()
        if action == "enter":
            return who.user_number, enter(client, who, lottery_id, *arg).status
        path = f"/v1/me/lottery-entries/{arg}"
        return who.user_number, client.delete(path, token=who.token).status

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        statuses = list(pool.map(run, jobs))

    by_user: dict[str, Counter[int]] = {}
    for user_number, status in statuses:
        by_user.setdefault(user_number, Counter())[status] += 1
    for who in newcomers:
        assert by_user[who.user_number] == Counter({201: 1})
    for who in impatient:
        assert by_user[who.user_number] == Counter({201: 1, 409: 1})
    for who in leaving:
        assert by_user[who.user_number] == Counter({204: 1})
    for who in undecided:
        assert by_user[who.user_number] == Counter({204: 1, 404: 1})

    # Each caller got their own result, and the counters match the entries exactly.
    expected: Counter[tuple[str, str]] = Counter()
    for who in newcomers + impatient + leaving + undecided:
        mine = my_entries(client, who)
        assert len(mine) == (1 if who in newcomers + impatient else 0)
        for item in mine:
            expected.update({(p["date"], p["resourceTypeId"]) for p in item["preferences"]})
    stored = lottery_store.entries(lottery_id)
    assert len(stored) == len(newcomers) + len(impatient)
    assert applications(client, lottery_id) == {
        key: expected[key] for key in (room(D1), room(D2), room(D3))
    }
    assert expected[room(D2)] == len(newcomers)


def test_requests_in_parallel_to_one_function_keep_their_own_caller(
    client, clock, lottery, monkeypatch, parallel_lambdas
) -> None:
    from yoyaku.api import auth

    lottery_id = lottery["lotteryId"]
    alice, bob = account(clock.now()), account(clock.now())
    alice_waits, bob_done = threading.Event(), threading.Event()
    citizen = auth.citizen
    calls = itertools.count()

    def slow_citizen(router: Any) -> Any:  # the first request is slow to read its caller
        if next(calls) == 0:
            alice_waits.set()
            bob_done.wait(10)
        return citizen(router)

    monkeypatch.setattr(auth, "citizen", slow_citizen)
    with ThreadPoolExecutor(max_workers=1) as pool:
        alices = pool.submit(enter, client, alice, lottery_id, preference(1, D1))
        assert alice_waits.wait(10)
        assert client.get("/v1/me/lottery-entries", token=bob.token).status == 200
        bob_done.set()
        assert alices.result().status == 201
    monkeypatch.setattr(auth, "citizen", citizen)
    assert len(my_entries(client, alice)) == 1
    assert my_entries(client, bob) == []


# ------------------------------------------------------------------ public information


def test_the_public_list_filters_by_facility_and_status(
    client, clock, staff_token, lottery, lodge
) -> None:
    later = create(
        client,
        staff_token,
        "lodge",
        applyFrom=tokyo(APPLY_FROM + timedelta(days=2)),
        applyUntil=tokyo(APPLY_UNTIL + timedelta(days=5)),
        drawAt=tokyo(APPLY_UNTIL + timedelta(days=6)),
    )
    assert later.status == 201, later.body
    everything = client.get("/v1/lotteries").json["items"]
    assert {i["lotteryId"] for i in everything} == {lottery["lotteryId"], later.json["lotteryId"]}
    assert all("seed" not in i for i in everything)

    def ids(query: str) -> set[str]:
        reply = client.get(f"/v1/lotteries?{query}")
        assert reply.status == 200, reply.body
        return {i["lotteryId"] for i in reply.json["items"]}

    assert ids("facilityId=inn") == {lottery["lotteryId"]}
    assert ids("facilityId=lodge") == {later.json["lotteryId"]}
    assert ids("status=open") == {lottery["lotteryId"]}
    assert ids("status=scheduled") == {later.json["lotteryId"]}
    assert ids("status=drawn") == set()
    assert ids("facilityId=lodge&status=open") == set()
    assert ids("facilityId=nowhere") == set()
    assert_invalid(client.get("/v1/lotteries?status=finished"), "status")

    clock.set(APPLY_UNTIL)
    assert ids("status=closed") == {lottery["lotteryId"]}
    assert ids("status=open") == {later.json["lotteryId"]}


def test_before_the_draw_the_seed_stays_secret(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    seed = lottery_store.get(lottery_id).seed
    assert enter(client, account(clock.now()), lottery_id, preference(1, D1)).status == 201
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert audit["seedCommitment"] == lottery["seedCommitment"]
    assert audit["mechanism"] == "serial_dictatorship" and audit["algorithm"]
    for key in ("seed", "resultDigest", "order", "entries", "inventory", "results"):
        assert audit[key] is None, key
    assert audit["entriesDigest"] is None  # not closed yet
    for path in ("", "/audit", "/demand"):
        assert seed not in client.get(f"/v1/lotteries/{lottery_id}{path}").body.decode()
    assert seed not in client.get("/v1/lotteries").body.decode()


@pytest.mark.parametrize(
    "lottery_id", ["lot_0000000000000000", "nothing", "lot_" + "0" * 60, "LOTTERY"]
)
def test_unknown_lotteries_are_not_found(client, clock, staff_token, inn, lottery_id) -> None:
    resident = account(clock.now())
    for path in ("", "/demand", "/audit"):
        assert_problem(client.get(f"/v1/lotteries/{lottery_id}{path}"), 404, "NOT_FOUND")
    assert_problem(enter(client, resident, lottery_id, preference(1, D1)), 404, "NOT_FOUND")
    draw = client.post(f"/v1/staff/lotteries/{lottery_id}/draw", token=staff_token)
    assert_problem(draw, 404, "NOT_FOUND")
    withdraw = client.delete(f"/v1/me/lottery-entries/ent_{lottery_id}", token=resident.token)
    assert_problem(withdraw, 404, "NOT_FOUND")


# ------------------------------------------------------------------ staff


def test_only_staff_create_or_draw_lotteries(client, clock, citizen_token, lottery) -> None:
    body = lottery_body("inn", D1, D3)
    assert_problem(client.post("/v1/staff/lotteries", json_body=body), 401, "UNAUTHENTICATED")
    refused = client.post("/v1/staff/lotteries", json_body=body, token=citizen_token)
    assert refused.status == 403, refused.body
    resident = account(clock.now())
    assert client.post("/v1/staff/lotteries", json_body=body, token=resident.token).status == 403
    draw = client.post(f"/v1/staff/lotteries/{lottery['lotteryId']}/draw", token=resident.token)
    assert draw.status == 403
    assert len(client.get("/v1/lotteries").json["items"]) == 1


# (what is wrong, the changes to a sound definition, the field the 422 must name)
BAD_DEFINITIONS: list[tuple[str, dict[str, Any], str]] = [
    ("stay ends before it starts", {"stayTo": "2030-06-30"}, "stayTo"),
    ("stay longer than 93 days", {"stayTo": "2030-10-05"}, "stayTo"),
    ("entries close when they open", {"applyUntil": "2030-05-15T09:00:00+09:00"}, "applyUntil"),
    ("entries close before they open", {"applyUntil": "2030-05-14T09:00:00+09:00"}, "applyUntil"),
    ("draw before entries close", {"drawAt": "2030-05-20T16:59:59+09:00"}, "drawAt"),
    ("an instant without offset", {"applyFrom": "2030-05-15T09:00:00"}, "applyFrom"),
    ("too many preferences", {"maxPreferences": 6}, "maxPreferences"),
    ("no preference", {"maxPreferences": 0}, "maxPreferences"),
    ("an unknown mechanism", {"mechanism": "first_come"}, "mechanism"),
    ("no facility", {"facilityId": ""}, "facilityId"),
    ("a seed chosen by staff", {"seed": "00"}, "seed"),
]


def test_the_definition_is_checked(client, staff_token, inn) -> None:
    before = table_snapshot()
    for case, changes, field in BAD_DEFINITIONS:
        body = lottery_body("inn", D1, D3, **changes)
        reply = client.post("/v1/staff/lotteries", json_body=body, token=staff_token)
        assert reply.status == 422, (case, reply.body)
        fields = [e["field"] for e in reply.json["errors"]]
        assert field in fields, (case, fields)
    assert table_snapshot() == before
    schedules = boto3.client("scheduler", region_name="ap-northeast-1").list_schedules()
    assert schedules["Schedules"] == []


def test_the_draw_must_be_in_the_future(client, clock, staff_token, inn) -> None:
    clock.set(datetime(2030, 5, 21, 1, 0, tzinfo=UTC))  # 10:00 Tokyo: the draw time
    reply = create(client, staff_session(clock.now()), applyFrom="2030-05-01T09:00:00+09:00")
    assert_invalid(reply, "drawAt")


def test_lotteries_only_for_lodging_with_lotteries_enabled(client, staff_token, services) -> None:
    gym = client.put("/v1/staff/facilities/gym", json_body=GYM, token=staff_token)
    assert gym.status == 200
    plain = definition(INN, lottery={"enabled": False, "residentsOnly": False})
    assert (
        client.put("/v1/staff/facilities/plain", json_body=plain, token=staff_token).status == 200
    )
    before = table_snapshot()
    for facility_id in ("gym", "plain"):
        reply = client.post(
            "/v1/staff/lotteries",
            json_body=lottery_body(facility_id, D1, D3),
            token=staff_token,
            lang="en",
        )
        body = assert_invalid(reply, "facilityId")
        assert "lotteries enabled" in body["errors"][0]["message"]
    missing = create(client, staff_token, "nowhere")
    assert_problem(missing, 404, "NOT_FOUND")
    assert table_snapshot() == before


def test_creation_returns_the_lottery_with_its_commitment(client, staff_token, inn) -> None:
    reply = create(client, staff_token, maxPreferences=2, mechanism="rank_rounds")
    assert reply.status == 201, reply.body
    created = reply.json
    assert created["lotteryId"].startswith("lot_")
    assert len(created["seedCommitment"]) == 64
    assert created["mechanism"] == "rank_rounds" and created["maxPreferences"] == 2
    assert created["status"] == "open"
    assert "seed" not in created
    shown = client.get(f"/v1/lotteries/{created['lotteryId']}").json
    assert shown == created
    assert lottery_store.get(created["lotteryId"]).seed_commitment == created["seedCommitment"]


def test_the_stay_must_begin_after_the_draw(client, staff_token, inn) -> None:
    reply = create(client, staff_token, drawAt="2030-07-02T10:00:00+09:00")
    body = assert_problem(reply, 422, "VALIDATION_FAILED")
    assert {e["field"] for e in body["errors"]} & {"stayFrom", "drawAt"}


def test_two_lotteries_never_draw_the_same_night(client, staff_token, lottery) -> None:
    """Overlapping periods of one facility are refused, all of them or none stored."""
    before = table_snapshot()
    for start, end in ((D1, D3), (D3, D3 + timedelta(days=2)), (D1 - timedelta(days=3), D1)):
        problem = assert_problem(create(client, staff_token, start=start, end=end), 409, "CONFLICT")
        assert lottery["lotteryId"] in problem["detail"]
        assert problem["errors"][0]["field"] == "stayFrom"
    assert table_snapshot() == before
    # Another period of the same facility is fine.
    assert create(client, staff_token, start=AUGUST, end=AUGUST).status == 201


def test_a_staff_draw_while_entries_are_open_needs_force_and_a_reason(
    client, clock, staff_token, lottery
) -> None:
    import boto3

    boto3.client("stepfunctions", region_name="ap-northeast-1").create_state_machine(
        name="lottery-draw",  # recorded, not run: the draw itself is test_lottery_workflow's
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn="arn:aws:iam::123456789012:role/draw",
    )
    path = f"/v1/staff/lotteries/{lottery['lotteryId']}/draw"
    early = client.post(path, token=staff_token)
    assert "force" in assert_problem(early, 409, "CONFLICT")["detail"]
    assert_invalid(client.post(path, json_body={"force": True}, token=staff_token), "reason")
    forced = client.post(
        path, json_body={"force": True, "reason": "台風のため受付を打ち切る"}, token=staff_token
    )
    assert forced.status == 202, forced.body
    from yoyaku.adapters.table import LotteryItem

    kept = LotteryItem.get(f"LOTTERY#{lottery['lotteryId']}", "LOTTERY").forced_draw
    assert kept["reason"] == "台風のため受付を打ち切る" and kept["staffId"]
    clock.set(APPLY_UNTIL.astimezone(UTC))
    later = staff_session(clock.now())
    assert client.post(path, token=later).status == 202  # no force needed any more
