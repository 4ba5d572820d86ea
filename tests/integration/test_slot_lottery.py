"""Time-slot lotteries (seed 000: courts and grounds allotted by a monthly lottery) through
the gateway, with the draw's tasks run in-process and the clock moved by the test.

The clock starts on 2030-05-15 10:00 in Tokyo. The courts are a time-slot facility with
four two-hour slots a day (09:00–17:00) and two courts, open through June 2030; the
lottery draws June: entries from 2030-05-15 09:00 to 2030-05-20 17:00, the draw on
2030-05-21 10:00, and wins to confirm by the end of 2030-05-24.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from tools.verify_draw import published, verify
from yoyaku.adapters import draw_audit_files, schedules
from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.lottery import UnitsReleased, WinnersReminded
from yoyaku.services import lottery_draw

from .helpers import (
    GYM,
    INN,
    account,
    assert_summaries_match_claims,
    definition,
    lottery_body,
    open_rooms,
    table_snapshot,
)

PROBLEM_JSON = "application/problem+json"
JUNE_FIRST, JUNE_LAST = date(2030, 6, 1), date(2030, 6, 30)
SAT, SUN = date(2030, 6, 8), date(2030, 6, 9)
SLOTS = [
    {"start": "09:00", "end": "11:00"},
    {"start": "11:00", "end": "13:00"},
    {"start": "13:00", "end": "15:00"},
    {"start": "15:00", "end": "17:00"},
]
COURTS = definition(
    GYM,
    name="上尾運動公園テニスコート",
    resourceTypes=[{"resourceTypeId": "court", "name": "テニスコート（1面）"}],
    lottery={"enabled": True, "residentsOnly": False},
    rules={
        "opensBefore": "P1M",
        "closesDaysBefore": {"provisional": 14, "verified": 5},
        "maxUnitsPerBooking": 2,
        "changeDeadlineDays": 3,
        "cancelDeadlineDays": 1,
    },
)
BALLPARK = definition(
    COURTS,
    name="平方野球場",
    audience="groups",
    resourceTypes=[{"resourceTypeId": "field", "name": "野球場（全面）", "rosterRequired": True}],
)
CLUB = {"name": "上尾テニスクラブ", "nameKana": "アゲオ　テニス　クラブ", "members": 12}
PARTY = [{"night": 1, "adults": 2, "children": 0}]
CONFIRM_BY = datetime(2030, 5, 25, 0, 0, tzinfo=TOKYO)


def tokyo(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


@pytest.fixture
def services(aws, mailbox, monkeypatch) -> None:
    """Creating a lottery schedules its draw (and its confirmation steps): the schedules
    need a target and a role (moto keeps them without running them)."""
    from yoyaku.settings import forget as forget_settings

    account_id = "123456789012"
    monkeypatch.setenv(
        "DRAW_STATE_MACHINE_ARN",
        f"arn:aws:states:ap-northeast-1:{account_id}:stateMachine:lottery-draw",
    )
    monkeypatch.setenv("SCHEDULER_ROLE_ARN", f"arn:aws:iam::{account_id}:role/scheduler")
    forget_settings()


def put_facility(client, token: str, facility_id: str, body: dict[str, Any], units: int) -> None:
    reply = client.put(f"/v1/staff/facilities/{facility_id}", json_body=body, token=token)
    assert reply.status == 200, reply.body
    resource = body["resourceTypes"][0]["resourceTypeId"]
    change = {
        "resourceTypeId": resource,
        "from": JUNE_FIRST.isoformat(),
        "to": JUNE_LAST.isoformat(),
        "capacity": units,
        "slots": SLOTS,
    }
    reply = client.put(
        f"/v1/staff/facilities/{facility_id}/inventory", json_body=change, token=token
    )
    assert reply.status == 200, reply.body


@pytest.fixture
def courts(client, staff_token, services) -> str:
    put_facility(client, staff_token, "courts", COURTS, 2)
    return "courts"


def slot_lottery(facility_id: str = "courts", **changes: Any) -> dict[str, Any]:
    body = {
        "facilityId": facility_id,
        "period": "2030-06",
        "applyFrom": "2030-05-15T09:00:00+09:00",
        "applyUntil": "2030-05-20T17:00:00+09:00",
        "drawAt": "2030-05-21T10:00:00+09:00",
        "maxPreferences": 5,
        "maxWinsPerApplicant": 2,
        "confirmWithinDays": 3,
        **changes,
    }
    return {k: v for k, v in body.items() if v is not None}


def create(client, token: str, **changes: Any):
    return client.post("/v1/staff/lotteries", json_body=slot_lottery(**changes), token=token)


@pytest.fixture
def lottery(client, staff_token, courts) -> dict[str, Any]:
    reply = create(client, staff_token)
    assert reply.status == 201, reply.body
    created: dict[str, Any] = reply.json
    return created


def slot(rank: int, day: date = SAT, start: str = "09:00", slots: int = 1, quantity: int = 1):
    return {
        "rank": rank,
        "date": day.isoformat(),
        "resourceTypeId": "court",
        "start": start,
        "slots": slots,
        "quantity": quantity,
    }


def enter(client, who, lottery_id: str, *preferences: dict[str, Any], lang: str | None = None):
    return client.post(
        f"/v1/lotteries/{lottery_id}/entries",
        json_body={"preferences": list(preferences)},
        token=who.token,
        lang=lang,
    )


def assert_problem(reply, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == code, body
    return body


def invalid_field(reply) -> str:
    body = assert_problem(reply, 422, "VALIDATION_FAILED")
    assert len(body["errors"]) == 1, body["errors"]
    field: str = body["errors"][0]["field"]
    return field


def demand(client, lottery_id: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(date, start) → (申込総数, 当選可能数) of the courts."""
    reply = client.get(f"/v1/lotteries/{lottery_id}/demand")
    assert reply.status == 200, reply.body
    return {(d["date"], d["start"]): (d["applications"], d["winnable"]) for d in reply.json["days"]}


def draw(lottery_id: str) -> None:
    """The draw workflow's tasks, in its order (the ASL runs them in the workflow tests)."""
    for task in (
        lottery_draw.close,
        lottery_draw.draw,
        lottery_draw.notify,
        lottery_draw.publish,
        lottery_draw.release,
    ):
        task(lottery_id)


def results(client, who) -> list[dict[str, Any]]:
    reply = client.get("/v1/me/lottery-results", token=who.token)
    assert reply.status == 200, reply.body
    items: list[dict[str, Any]] = reply.json["items"]
    return items


def summaries_match(clock) -> None:
    """The day summaries the calendar reads equal what the claims of June imply."""
    assert_summaries_match_claims("courts", date(2030, 6, 1), date(2030, 6, 30), clock.now())


def availability(client, day: date = SAT) -> dict[str, dict[str, Any]]:
    reply = client.get(f"/v1/facilities/courts/availability?from={day}&to={day}")
    assert reply.status == 200, reply.body
    (row,) = reply.json["days"]
    return {s["start"]: s for s in row["slots"]} | {"day": row}


# ------------------------------------------------------------------ creating one


def test_a_slot_lottery_draws_a_month_and_keeps_its_slots(client, lottery) -> None:
    assert lottery["kind"] == "timeslot"
    assert lottery["period"] == "2030-06"
    assert (lottery["stayFrom"], lottery["stayTo"]) == ("2030-06-01", "2030-06-30")
    assert lottery["maxWinsPerApplicant"] == 2
    assert lottery["confirmBy"] == "2030-05-25T00:00:00+09:00"
    assert lottery["status"] == "open"
    slots = availability(client)
    assert slots["day"]["lottery"] is True
    assert all(slots[s["start"]]["available"] == 0 for s in SLOTS)
    rows = demand(client, lottery["lotteryId"])
    assert len(rows) == 30 * 4
    assert rows[(SAT.isoformat(), "09:00")] == (0, 2)


def test_the_dates_default_to_the_municipal_calendar(client, staff_token, courts) -> None:
    """Entries from the 1st to the 10th of the month before, the draw on the 15th."""
    reply = create(
        client, staff_token, period="2030-07", applyFrom=None, applyUntil=None, drawAt=None
    )
    # June and July are the same facility; July has no inventory yet, which is fine.
    assert reply.status == 201, reply.body
    created = reply.json
    assert created["applyFrom"].startswith("2030-06-01T00:00:00")
    assert created["applyUntil"].startswith("2030-06-11T00:00:00")
    assert created["drawAt"].startswith("2030-06-15T10:00:00")
    assert created["status"] == "scheduled"


def test_the_draw_and_the_confirmation_steps_are_scheduled(client, lottery) -> None:
    scheduler = boto3.client("scheduler", region_name="ap-northeast-1")
    lottery_id = lottery["lotteryId"]
    found = {
        name: scheduler.get_schedule(Name=name)
        for name in (
            schedules.draw_schedule_name(lottery_id),
            schedules.phase_schedule_name(lottery_id, "remind"),
            schedules.phase_schedule_name(lottery_id, "expire"),
        )
    }
    expressions = [s["ScheduleExpression"] for s in found.values()]
    assert expressions == [
        "at(2030-05-21T10:00:00)",
        "at(2030-05-23T09:00:00)",  # the day before the last day to confirm
        "at(2030-05-25T00:00:00)",  # the end of that last day
    ]
    phases = [json.loads(s["Target"]["Input"]).get("phase") for s in found.values()]
    assert phases == [None, "remind", "expire"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": None, "stayFrom": "2030-06-01", "stayTo": "2030-06-30"}, "period"),
        ({"period": "2030-13"}, "period"),
        ({"period": "2030-06", "stayFrom": "2030-06-02"}, "stayFrom"),
        ({"maxWinsPerApplicant": 0}, "maxWinsPerApplicant"),
        ({"confirmWithinDays": 12}, "confirmWithinDays"),  # past the first of June
        ({"maxPreferences": 11}, "maxPreferences"),
        ({"drawAt": "2030-06-01T10:00:00+09:00"}, "stayFrom"),  # drawn on the first day
    ],
)
def test_a_slot_lottery_is_checked(client, staff_token, courts, changes, field) -> None:
    before = table_snapshot()
    assert invalid_field(create(client, staff_token, **changes)) == field
    assert table_snapshot() == before


def test_lodging_keeps_its_own_definition(client, staff_token, courts) -> None:
    reply = client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    assert reply.status == 200
    open_rooms(client, staff_token, "inn", JUNE_FIRST, JUNE_FIRST + timedelta(days=2), 2)
    base = lottery_body("inn", JUNE_FIRST, JUNE_FIRST + timedelta(days=2))
    for changes, field in (
        ({"period": "2030-06", "stayFrom": None, "stayTo": None}, "period"),
        ({"maxWinsPerApplicant": 2}, "maxWinsPerApplicant"),
        ({"maxPreferences": 6}, "maxPreferences"),
    ):
        body = {k: v for k, v in (base | changes).items() if v is not None}
        reply = client.post("/v1/staff/lotteries", json_body=body, token=staff_token)
        assert invalid_field(reply) == field
    ok = client.post("/v1/staff/lotteries", json_body=base, token=staff_token)
    assert ok.status == 201 and ok.json["kind"] == "lodging" and ok.json["confirmBy"] is None


# ------------------------------------------------------------------ entering


def test_preferences_are_slots_and_demand_is_counted_per_slot(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    group = account(clock.now(), group=CLUB)
    person = account(clock.now())
    reply = enter(
        client, group, lottery_id, slot(1, SAT, "09:00", slots=2), slot(2, SUN, "13:00", quantity=2)
    )
    assert reply.status == 201, reply.body
    assert reply.json["preferences"][0] == {
        "rank": 1,
        "date": "2030-06-08",
        "resourceTypeId": "court",
        "start": "09:00",
        "slots": 2,
        "quantity": 1,
    }
    assert enter(client, person, lottery_id, slot(1, SAT, "11:00")).status == 201
    rows = demand(client, lottery_id)
    assert rows[(SAT.isoformat(), "09:00")] == (1, 2)
    assert rows[(SAT.isoformat(), "11:00")] == (2, 2)  # the group's second slot and person
    assert rows[(SUN.isoformat(), "13:00")] == (1, 2)
    assert rows[(SAT.isoformat(), "13:00")] == (0, 2)
    entry_id = client.get("/v1/me/lottery-entries", token=group.token).json["items"][0]["entryId"]
    assert client.delete(f"/v1/me/lottery-entries/{entry_id}", token=group.token).status == 204
    rows = demand(client, lottery_id)
    assert rows[(SAT.isoformat(), "09:00")] == (0, 2)
    assert rows[(SAT.isoformat(), "11:00")] == (1, 2)


@pytest.mark.parametrize(
    ("preference", "field", "message"),
    [
        (slot(1, start="10:00"), "preferences[0].start", "抽選の対象ではないか"),
        (slot(1, start="15:00", slots=2), "preferences[0].start", "連続して利用できません"),
        (slot(1, day=date(2030, 7, 1)), "preferences[0].date", "2030-06-01"),
        (slot(1, quantity=3), "preferences[0].quantity", "2以下"),
        (slot(1, slots=2, quantity=2), "preferences[0].slots", "上限（2コマ）"),
        ({**slot(1), "resourceTypeId": "pool"}, "preferences[0].resourceTypeId", "court"),
        (
            {
                "rank": 1,
                "date": "2030-06-08",
                "resourceTypeId": "court",
                "nights": 1,
                "party": PARTY,
            },
            "preferences[0]",
            "時間帯の抽選",
        ),
    ],
)
def test_a_preference_the_lottery_cannot_draw_is_refused(
    client, clock, lottery, preference, field, message
) -> None:
    who = account(clock.now())
    before = table_snapshot()
    body = assert_problem(
        enter(client, who, lottery["lotteryId"], preference), 422, "VALIDATION_FAILED"
    )
    assert [e["field"] for e in body["errors"]] == [field]
    assert message in body["errors"][0]["message"]
    assert table_snapshot() == before


def test_a_lodging_lottery_refuses_slot_preferences(client, clock, staff_token, courts) -> None:
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_rooms(client, staff_token, "inn", JUNE_FIRST, JUNE_FIRST, 2)
    body = lottery_body("inn", JUNE_FIRST, JUNE_FIRST)
    lottery_id = client.post("/v1/staff/lotteries", json_body=body, token=staff_token).json[
        "lotteryId"
    ]
    reply = enter(client, account(clock.now()), lottery_id, slot(1, JUNE_FIRST), lang="en")
    errors = assert_problem(reply, 422, "VALIDATION_FAILED")["errors"]
    assert errors == [
        {
            "field": "preferences[0]",
            "message": "This is a lodging lottery: give a stay (date, nights, party).",
        }
    ]


def test_up_to_max_preferences(client, clock, lottery) -> None:
    who = account(clock.now())
    six = [slot(r, SAT + timedelta(days=r)) for r in range(1, 7)]
    assert invalid_field(enter(client, who, lottery["lotteryId"], *six)) == "preferences"
    assert enter(client, who, lottery["lotteryId"], *six[:5]).status == 201


def test_a_group_and_an_individual_enter_the_same_month_elsewhere(
    client, clock, staff_token, lottery
) -> None:
    """A time-slot lottery is a round of its own: the same group enters the courts and
    the ballpark for June; an individual is told the ballpark is for groups, a group
    without an accepted roster that it needs one."""
    put_facility(client, staff_token, "ballpark", BALLPARK, 1)
    ballpark = create(client, staff_token, facilityId="ballpark").json["lotteryId"]
    group = account(clock.now(), group=CLUB, roster_accepted=True)
    field = {**slot(1), "resourceTypeId": "field"}
    assert enter(client, group, lottery["lotteryId"], slot(1)).status == 201
    assert enter(client, group, ballpark, field).status == 201
    person = account(clock.now())
    refused = assert_problem(
        enter(client, person, ballpark, field), 403, "NOT_FOR_THIS_ACCOUNT_TYPE"
    )
    assert "平方野球場は団体登録の方だけ" in refused["detail"]
    no_roster = account(clock.now(), group=CLUB)
    needs = assert_problem(enter(client, no_roster, ballpark, field), 422, "ROSTER_REQUIRED")
    assert "野球場（全面）" in needs["detail"]


# ------------------------------------------------------------------ the draw


def test_the_draw_honours_the_cap_and_books_wins_to_confirm(
    client, clock, lottery, mailbox
) -> None:
    """Eight groups want the same Saturday morning slots (two courts, four slots: 8
    units) with four preferences each, cap two: every unit is won, nobody wins more
    than two, and each win is a reservation awaiting confirmation."""
    lottery_id = lottery["lotteryId"]
    groups = [account(clock.now(), group=CLUB) for _ in range(8)]
    wishes = [slot(r, SAT, s["start"]) for r, s in enumerate(SLOTS, 1)]
    for who in groups:
        assert enter(client, who, lottery_id, *wishes).status == 201
    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)

    won: Counter[str] = Counter()
    for who in groups:
        rows = results(client, who)
        wins = [r for r in rows if r["outcome"] == "won"]
        assert len(wins) <= 2
        won[who.user_number] = len(wins)
        for row in wins:
            assert row["reservationStatus"] == "awaiting_confirmation"
            assert row["confirmBy"] == "2030-05-25T00:00:00+09:00"
            reservation = client.get(
                f"/v1/reservations/{row['reservationNumber']}", token=who.token
            ).json
            assert reservation["status"] == "awaiting_confirmation"
            assert reservation["source"] == "lottery"
            assert reservation["date"] == SAT.isoformat()
            assert reservation["resourceTypeName"] == "テニスコート（1面）"
        if not wins:
            assert rows == [
                {
                    "lotteryId": lottery_id,
                    "entryId": rows[0]["entryId"],
                    "outcome": "lost",
                    "wonRank": None,
                    "reservationNumber": None,
                    "reservationStatus": None,
                    "confirmBy": None,
                }
            ]
    assert sum(won.values()) == 8
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert audit["kind"] == "timeslot" and audit["maxWinsPerApplicant"] == 2
    assert verify(audit) == []
    # The same audit file as a lodging draw: the inline data is the file's.
    body = draw_audit_files.read(draw_audit_files.key_for(lottery_id))
    content, problems = published(audit, body)
    assert problems == [] and verify(content) == []
    assert content["results"] == audit["results"] and audit["file"]["entries"] == len(
        audit["order"]
    )
    assert client.get(f"/v1/lotteries/{lottery_id}").json["status"] == "drawn"

    winner = next(who for who in groups if won[who.user_number])
    mail = mailbox.find(winner.email, "当選のお知らせ")
    assert mail is not None
    assert "2030-05-24 23:59までに" in mail.body and "/lottery-results" in mail.body
    # The mail lists every win (which slots depends on the drawn order): each with its
    # date, slot, court and reservation number.
    wins = [
        r
        for r in client.get("/v1/me/lottery-results", token=winner.token).json["items"]
        if r["outcome"] == "won"
    ]
    for row in wins:
        reservation = client.get(
            f"/v1/reservations/{row['reservationNumber']}", token=winner.token
        ).json
        line = (
            f"- {reservation['date']} {reservation['start']}〜{reservation['end']} "
            f"テニスコート（1面） (予約番号 {row['reservationNumber']})"
        )
        assert line in mail.body, (line, mail.body)
    loser = next((who for who in groups if not won[who.user_number]), None)
    if loser is not None:
        lost = mailbox.find(loser.email, "【抽選結果】")
        assert lost is not None and "先着順" in lost.body


def test_confirmed_wins_stay_and_unconfirmed_ones_are_released_at_confirm_by(
    client, clock, lottery, mailbox
) -> None:
    lottery_id = lottery["lotteryId"]
    keen, late = account(clock.now(), group=CLUB), account(clock.now())
    assert (
        enter(client, keen, lottery_id, slot(1, SAT, "09:00"), slot(2, SAT, "11:00")).status == 201
    )
    assert enter(client, late, lottery_id, slot(1, SUN, "09:00", quantity=2)).status == 201
    summaries_match(clock)  # every slot of the month kept for the lottery
    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)
    summaries_match(clock)  # wins booked, leftovers released
    keen_wins = [r["reservationNumber"] for r in results(client, keen)]
    (late_win,) = [r["reservationNumber"] for r in results(client, late)]
    assert len(keen_wins) == 2

    first = client.post(f"/v1/reservations/{keen_wins[0]}/confirmation", token=keen.token)
    assert first.status == 200, first.body
    assert first.json["status"] == "confirmed"
    again = client.post(f"/v1/reservations/{keen_wins[0]}/confirmation", token=keen.token)
    assert again.status == 200 and again.json == first.json
    assert mailbox.find(keen.email, "予約完了のお知らせ") is not None
    stranger = client.post(f"/v1/reservations/{keen_wins[1]}/confirmation", token=late.token)
    assert_problem(stranger, 404, "NOT_FOUND")

    # The reminder the day before the last day: only what is still to confirm.
    clock.set(tokyo(date(2030, 5, 23), 9))
    assert lottery_draw.remind(lottery_id) == WinnersReminded(reminded=2)
    assert lottery_draw.remind(lottery_id) == WinnersReminded(reminded=0)  # once per winner
    reminder = mailbox.find(keen.email, "当選確定のお願い")
    assert reminder is not None and keen_wins[1] in reminder.body
    assert keen_wins[0] not in reminder.body

    # At confirmBy (24:00 on the 24th) the unconfirmed wins are released.
    clock.set(CONFIRM_BY.astimezone(UTC) - timedelta(seconds=1))
    assert lottery_draw.expire(lottery_id) == UnitsReleased(released=0)  # not yet
    clock.set(CONFIRM_BY.astimezone(UTC))
    expired = client.post(f"/v1/reservations/{late_win}/confirmation", token=late.token)
    body = assert_problem(expired, 410, "CONFIRMATION_EXPIRED")
    assert "2030-05-24 23:59" in body["detail"]
    summaries_match(clock)  # a confirmed win changes no count
    assert lottery_draw.expire(lottery_id) == UnitsReleased(released=2)
    assert lottery_draw.expire(lottery_id) == UnitsReleased(released=0)
    summaries_match(clock)  # the released wins' units are free again

    statuses = {r["reservationNumber"]: r["reservationStatus"] for r in results(client, keen)}
    assert statuses == {keen_wins[0]: "confirmed", keen_wins[1]: "expired"}
    assert client.get(f"/v1/reservations/{late_win}", token=late.token).json["status"] == "expired"
    sunday = availability(client, SUN)
    assert sunday["09:00"]["available"] == 2  # released to first-come booking
    saturday = availability(client, SAT)
    assert saturday["09:00"]["available"] == 1  # the confirmed win keeps its court
    assert saturday["11:00"]["available"] == 2
    hold = client.post(
        "/v1/holds",
        json_body={
            "facilityId": "courts",
            "resourceTypeId": "court",
            "date": SUN.isoformat(),
            "start": "09:00",
            "quantity": 2,
        },
        token=late.token,
    )
    assert hold.status == 201, hold.body
    summaries_match(clock)


def test_a_win_can_be_declined_by_cancelling_it(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    who = account(clock.now())
    assert enter(client, who, lottery_id, slot(1, SAT, "13:00")).status == 201
    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)
    (number,) = [r["reservationNumber"] for r in results(client, who)]
    cancelled = client.delete(f"/v1/reservations/{number}", token=who.token)
    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"
    refused = client.post(f"/v1/reservations/{number}/confirmation", token=who.token)
    assert_problem(refused, 409, "CONFLICT")
    assert availability(client)["13:00"]["available"] == 2
    summaries_match(clock)


def test_a_second_draw_changes_nothing(client, clock, lottery) -> None:
    lottery_id = lottery["lotteryId"]
    groups = [account(clock.now(), group=CLUB) for _ in range(4)]
    for who in groups:
        enter(client, who, lottery_id, slot(1, SAT, "09:00"), slot(2, SAT, "11:00", slots=2))
    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)
    before = table_snapshot()
    lottery_draw.draw(lottery_id)
    lottery_draw.publish(lottery_id)
    lottery_draw.release(lottery_id)
    assert table_snapshot() == before


def test_without_confirmation_wins_are_confirmed_at_once(
    client, clock, staff_token, courts
) -> None:
    reply = create(client, staff_token, confirmWithinDays=None, maxWinsPerApplicant=None)
    lottery_id = reply.json["lotteryId"]
    assert reply.json["confirmBy"] is None
    who = account(clock.now())
    wishes = [slot(r, SAT, s["start"]) for r, s in enumerate(SLOTS, 1)]
    assert enter(client, who, lottery_id, *wishes).status == 201
    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)
    rows = results(client, who)
    assert [r["wonRank"] for r in rows] == [1, 2, 3, 4]  # no cap
    assert {r["reservationStatus"] for r in rows} == {"confirmed"}
    assert {r["confirmBy"] for r in rows} == {None}
