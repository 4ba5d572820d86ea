"""The lottery draw workflow: the real state machine (statemachines/lottery_draw.asl.json)
run by moto, its Lambda tasks dispatched in-process to the real handler.

Staff create the lottery and residents enter through the API (the gateway of
tests/conftest.py); the draw then runs close → draw → notify → publish → release. The
seed is secret and random, so the expected winners are recomputed here from the seed the
audit reveals and from the entries as the test itself sent them.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from tools.verify_draw import verify
from yoyaku import runtime
from yoyaku.adapters import inventory_store, lottery_store, schedules
from yoyaku.adapters.table import ClaimItem, ReservationItem
from yoyaku.domain import lottery as rules
from yoyaku.domain.inventory import ClaimState
from yoyaku.services import lottery_draw
from yoyaku.workflows import lottery as tasks

from .helpers import (
    INN,
    Account,
    account,
    enter,
    lottery_body,
    open_rooms,
    preference,
    staff_session,
    state_machine_in_moto,
    table_snapshot,
)

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-northeast-1"
D1, D2, D3 = date(2030, 7, 1), date(2030, 7, 2), date(2030, 7, 3)
CAPACITY = {(D1, "room"): 2, (D2, "room"): 2, (D3, "room"): 2, (D2, "suite"): 1}
EXECUTION_SECONDS = 30
RESULT_SUBJECTS = ("抽選結果", "Lottery result")


@dataclass
class DrawMachine:
    sfn: Any
    arn: str
    calls: list[dict[str, Any]]

    def run(self, lottery_id: str, name: str) -> dict[str, Any]:
        """Starts an execution as the schedule would and waits (bounded) for its end."""
        started = self.sfn.start_execution(
            stateMachineArn=self.arn, name=name, input=json.dumps({"lotteryId": lottery_id})
        )
        return self.wait(started["executionArn"])

    def wait(self, execution_arn: str) -> dict[str, Any]:
        deadline = time.monotonic() + EXECUTION_SECONDS
        while time.monotonic() < deadline:
            described: dict[str, Any] = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                return described
            time.sleep(0.05)
        raise AssertionError(f"{execution_arn} still running after {EXECUTION_SECONDS} s")


@pytest.fixture
def machine(aws, clock, mailbox, monkeypatch) -> Any:
    """moto runs the ASL for real; its Docker-less Lambda calls the real task handler."""
    from local.gateway import LambdaContext
    from yoyaku.entrypoints import lottery_tasks
    from yoyaku.settings import forget as forget_settings

    calls: list[dict[str, Any]] = []

    def task(event: dict[str, Any]) -> Any:
        calls.append(event)
        return lottery_tasks.handler(event, LambdaContext(function_name="lottery-tasks"))

    with state_machine_in_moto(
        monkeypatch, "lottery_draw.asl.json", "LotteryTasksFunctionArn", task
    ) as (sfn, arn, role):
        monkeypatch.setenv("DRAW_STATE_MACHINE_ARN", arn)
        monkeypatch.setenv("SCHEDULER_ROLE_ARN", role)
        forget_settings()
        yield DrawMachine(sfn, arn, calls)
    forget_settings()


@pytest.fixture
def inn(client, staff_token) -> str:
    """Two rooms a night from D1 to D3 and the one suite on D2."""
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_rooms(client, staff_token, "inn", D1, D3, 2)
    open_rooms(client, staff_token, "inn", D2, D2, 1, resource_type_id="suite")
    return "inn"


def create_lottery(client, staff_token, **changes: Any) -> dict[str, Any]:
    body = lottery_body("inn", D1, D3, **changes)
    reply = client.post("/v1/staff/lotteries", json_body=body, token=staff_token)
    assert reply.status == 201, reply.body
    lottery: dict[str, Any] = reply.json
    return lottery


@dataclass
class Applicant:
    account: Account
    preferences: list[dict[str, Any]]
    entry_id: str = ""


def apply_all(client, lottery_id: str, applicants: dict[str, Applicant]) -> None:
    for who in applicants.values():
        reply = enter(client, who.account, lottery_id, *who.preferences)
        assert reply.status == 201, reply.body
        who.entry_id = reply.json["entryId"]


def as_entry(who: Applicant) -> rules.Entry:
    """The entry as the test sent it (not as the store kept it)."""
    return rules.Entry(
        who.entry_id,
        tuple(
            rules.Preference(
                p["rank"],
                date.fromisoformat(p["date"]),
                p["nights"],
                p["resourceTypeId"],
                p["quantity"],
            )
            for p in who.preferences
        ),
    )


def expected_ranks(seed: str, applicants: dict[str, Applicant]) -> dict[str, int]:
    """name -> the rank each applicant must win (0: lost), recomputed from the seed."""
    entries = [as_entry(a) for a in applicants.values()]
    order = rules.draw_order(seed, rules.entries_digest(entries), [e.entry_id for e in entries])
    won = rules.allocate(
        order, {e.entry_id: e for e in entries}, CAPACITY, rules.Mechanism.SERIAL_DICTATORSHIP
    )
    return {name: won[a.entry_id] for name, a in applicants.items()}


def won_units(applicants: dict[str, Applicant], ranks: dict[str, int]) -> Counter[tuple[date, str]]:
    """Units won per night and resource type."""
    units: Counter[tuple[date, str]] = Counter()
    for name, who in applicants.items():
        if ranks[name]:
            p = who.preferences[ranks[name] - 1]
            for night in range(p["nights"]):
                day = date.fromisoformat(p["date"]) + timedelta(days=night)
                units[(day, p["resourceTypeId"])] += p["quantity"]
    return units


def claims() -> list[ClaimItem]:
    return list(ClaimItem.query(inventory_store.partition("inn", "2030-07")))


def reservation_items() -> list[ReservationItem]:
    return [i for i in ReservationItem.scan() if isinstance(i, ReservationItem)]


def mails_to(address: str, mailbox) -> list[Any]:
    return [m for m in mailbox.to(address) if any(s in m.subject for s in RESULT_SUBJECTS)]


def availability(client) -> dict[tuple[date, str], dict[str, Any]]:
    reply = client.get(f"/v1/facilities/inn/availability?from={D1}&to={D3}")
    assert reply.status == 200, reply.body
    return {(date.fromisoformat(d["date"]), d["resourceTypeId"]): d for d in reply.json["days"]}


def the_applicants(now) -> dict[str, Applicant]:
    """Contested rooms on D1 (four want three units) and D2, a two-night stay, and the one
    suite that only erin asks for. carol wants no result e-mail."""
    return {
        "alice": Applicant(account(now), [preference(1, D1, quantity=2), preference(2, D3)]),
        "bob": Applicant(account(now), [preference(1, D1), preference(2, D2)]),
        "carol": Applicant(account(now, lottery_result_email=False), [preference(1, D2, nights=2)]),
        "dave": Applicant(account(now), [preference(1, D1), preference(2, D2)]),
        "erin": Applicant(
            account(now, language="en"), [preference(1, D2, resource_type_id="suite")]
        ),
    }


# ------------------------------------------------------------------ the whole draw


def test_the_schedule_starts_the_draw_at_draw_time_in_tokyo(client, staff_token, inn, machine):
    # Staff may write the draw time in any offset: the schedule runs at the same instant,
    # written as Tokyo wall-clock time.
    lottery = create_lottery(client, staff_token, drawAt="2030-05-21T01:00:00Z")
    schedule = boto3.client("scheduler", region_name=REGION).get_schedule(
        Name=schedules.draw_schedule_name(lottery["lotteryId"])
    )
    assert schedule["ScheduleExpression"] == "at(2030-05-21T10:00:00)"
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["Target"]["Arn"] == machine.arn
    assert json.loads(schedule["Target"]["Input"]) == {"lotteryId": lottery["lotteryId"]}
    assert schedule["Target"]["RoleArn"]
    assert lottery["drawAt"] in ("2030-05-21T01:00:00Z", "2030-05-21T01:00:00+00:00")


def test_a_draw_from_entries_to_leftovers(client, clock, staff_token, inn, machine, mailbox):
    lottery = create_lottery(client, staff_token)
    lottery_id = lottery["lotteryId"]
    applicants = the_applicants(clock.now())
    apply_all(client, lottery_id, applicants)

    clock.advance(timedelta(days=6))  # 2030-05-21 10:00 Tokyo: entries are closed
    started = client.post(
        f"/v1/staff/lotteries/{lottery_id}/draw", token=staff_session(clock.now())
    )
    assert started.status == 202, started.body
    run = machine.wait(started.json["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert [c["action"] for c in machine.calls] == [
        "close",
        "draw",
        "notify",
        "publish",
        "release",
    ]
    output = json.loads(run["output"])
    assert output["closed"]["result"]["entries"] == 5

    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert audit["seedCommitment"] == lottery["seedCommitment"]
    assert verify(audit) == []
    ranks = expected_ranks(audit["seed"], applicants)
    assert ranks["erin"] == 1  # nobody else wants the suite
    assert ranks["alice"] in (1, 2) and ranks["carol"] in (0, 1)
    assert output["drawn"]["result"] == {
        "won": sum(1 for r in ranks.values() if r),
        "lost": sum(1 for r in ranks.values() if not r),
        "alreadyRecorded": 0,
    }
    shown = client.get(f"/v1/lotteries/{lottery_id}").json
    assert shown["status"] == "drawn"

    # Each applicant sees their result, and every win is a confirmed reservation of
    # exactly the preference won.
    numbers: dict[str, str] = {}
    for name, who in applicants.items():
        results = client.get("/v1/me/lottery-results", token=who.account.token).json["items"]
        reservations = client.get("/v1/reservations", token=who.account.token).json["items"]
        assert len(results) == 1, name
        (result,) = results
        assert result["entryId"] == who.entry_id
        # the stay it was about, won or lost: the facility and every preference
        assert result["facilityId"] == "inn"
        assert result["facilityName"]
        asked = ("rank", "date", "nights", "resourceTypeId", "quantity", "party")
        assert [{k: p[k] for k in asked} for p in result["preferences"]] == [
            {k: p[k] for k in asked} for p in who.preferences
        ], name
        if not ranks[name]:
            assert result["stay"] is None
            assert result["outcome"] == "lost" and result["wonRank"] is None, name
            assert result["reservationNumber"] is None
            assert reservations == []
            continue
        assert result["outcome"] == "won" and result["wonRank"] == ranks[name], name
        (reservation,) = reservations
        numbers[name] = result["reservationNumber"]
        won = who.preferences[ranks[name] - 1]
        assert reservation["reservationNumber"] == result["reservationNumber"]
        assert reservation["source"] == "lottery"
        assert reservation["status"] == "confirmed"
        assert reservation["facilityId"] == "inn"
        assert {k: reservation[k] for k in ("date", "nights", "resourceTypeId", "quantity")} == {
            k: won[k] for k in ("date", "nights", "resourceTypeId", "quantity")
        }
        assert reservation["party"] == won["party"]
        assert {k: result["stay"][k] for k in asked} == {k: won[k] for k in asked}

    # Results by e-mail only to those who asked for them, once, in their language.
    for name, who in applicants.items():
        mails = mails_to(who.account.email, mailbox)
        if name == "carol":
            assert mails == []
            continue
        assert len(mails) == 1, name
        if ranks[name]:
            assert numbers[name] in mails[0].body
    assert "you won" in mails_to(applicants["erin"].account.email, mailbox)[0].subject

    # Leftovers are released: nothing is kept for the lottery any more, and every unit
    # nobody won is free for direct booking.
    taken = won_units(applicants, ranks)
    days = availability(client)
    for key, capacity in CAPACITY.items():
        assert days[key]["lottery"] is False, key
        assert days[key]["available"] == capacity - taken[key], key
    assert output["released"]["result"]["released"] == sum(CAPACITY.values()) - sum(taken.values())
    assert not [c for c in claims() if c.state == ClaimState.LOTTERY.value]

    # The demand the public saw stays as it was at the close.
    demand = client.get(f"/v1/lotteries/{lottery_id}/demand").json["days"]
    applications = {(d["date"], d["resourceTypeId"]): d["applications"] for d in demand}
    assert applications[(D1.isoformat(), "room")] == 3


def test_a_lost_entry_and_leftovers_when_nobody_can_win(client, clock, staff_token, inn, machine):
    """An entry for more rooms than there are loses; every unit goes back."""
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    greedy = account(clock.now())
    assert enter(client, greedy, lottery_id, preference(1, D1, quantity=3)).status == 201
    run = machine.run(lottery_id, "draw-1")
    assert run["status"] == "SUCCEEDED", run
    results = client.get("/v1/me/lottery-results", token=greedy.token).json["items"]
    assert [r["outcome"] for r in results] == ["lost"]
    assert client.get("/v1/reservations", token=greedy.token).json["items"] == []
    days = availability(client)
    assert all(days[key]["available"] == capacity for key, capacity in CAPACITY.items())
    assert claims() == []


def test_a_draw_without_entries_publishes_and_releases_everything(
    client, staff_token, inn, machine
):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    run = machine.run(lottery_id, "draw-empty")
    assert run["status"] == "SUCCEEDED", run
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert audit["order"] == [] and verify(audit) == []
    assert claims() == []


def test_a_failed_publish_still_releases_the_leftovers_and_is_retried_alone(
    client, staff_token, inn, machine, monkeypatch
):
    """Publishing fails after its retries: the Catch goes on to ReleaseLeftovers, so the
    kept units become bookable, and the execution fails naming the step. An execution
    started with `resume: publish` then runs publish and release alone."""
    lottery_id = create_lottery(client, staff_token)["lotteryId"]

    def unavailable(lottery_id: str) -> dict[str, Any]:
        raise RuntimeError("the audit store is unavailable")

    monkeypatch.setitem(tasks.TASKS, "publish", unavailable)
    run = machine.run(lottery_id, "draw-publish-fails")
    assert (run["status"], run.get("error")) == ("FAILED", "PublishFailed"), run
    actions = [c["action"] for c in machine.calls]
    assert actions == ["close", "draw", "notify", *["publish"] * 4, "release"], actions
    assert claims() == []  # the leftovers were released all the same
    assert client.get(f"/v1/lotteries/{lottery_id}/audit").json["seed"] is None  # unpublished

    monkeypatch.setitem(tasks.TASKS, "publish", lottery_draw.publish)
    machine.calls.clear()
    started = machine.sfn.start_execution(
        stateMachineArn=machine.arn,
        name="draw-publish-again",
        input=json.dumps({"lotteryId": lottery_id, "resume": "publish"}),
    )
    run = machine.wait(started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert [c["action"] for c in machine.calls] == ["publish", "release"]
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert verify(audit) == []


def test_the_tasks_refuse_an_unknown_lottery_or_action(aws) -> None:
    """A raising task is what the state machine's Retry sees as a function error."""
    with pytest.raises(LookupError):
        tasks.handle({"action": "close", "lotteryId": "lot_0000000000000000"})
    with pytest.raises(ValueError, match="action"):  # the payload model names the field
        tasks.handle({"action": "shuffle", "lotteryId": "lot_0000000000000000"})


# ------------------------------------------------------------------ idempotency


def booked_units_by_holder() -> dict[str, list[str]]:
    """Reservation number -> the claim sort keys (one per unit) it holds."""
    held: dict[str, list[str]] = defaultdict(list)
    for claim in claims():
        assert claim.state == ClaimState.BOOKED.value, claim.sk
        held[str(claim.holder)].append(claim.sk)
    return dict(held)


def assert_units_match_reservations() -> None:
    """Every booked unit belongs to one reservation, and every reservation holds exactly
    nights x quantity units: nothing is booked twice or left without its units."""
    held = booked_units_by_holder()
    reservations = {i.pk.removeprefix("RESERVATION#"): i for i in reservation_items()}
    assert set(held) == set(reservations)
    for number, item in reservations.items():
        document = item.document
        assert len(held[number]) == document["nights"] * document["quantity"], number
        assert len(item.units) == len(held[number]), number
    per_day = Counter(
        (date.fromisoformat(sk.split("#")[0]), sk.split("#")[2])
        for sks in held.values()
        for sk in sks
    )
    for key, capacity in CAPACITY.items():
        assert per_day[key] <= capacity, key


def test_a_second_execution_changes_nothing(client, clock, staff_token, inn, machine, mailbox):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    applicants = the_applicants(clock.now())
    apply_all(client, lottery_id, applicants)
    clock.advance(timedelta(days=6))

    first = machine.run(lottery_id, "draw-by-schedule")
    assert first["status"] == "SUCCEEDED", first
    assert_units_match_reservations()
    staff = staff_session(clock.now())
    before = table_snapshot()
    mails = len(mailbox.all())
    results = {
        name: client.get("/v1/me/lottery-results", token=a.account.token).json
        for name, a in applicants.items()
    }

    # Staff press "draw now" after the schedule already ran: the very same outcome.
    again = client.post(f"/v1/staff/lotteries/{lottery_id}/draw", token=staff)
    second = machine.wait(again.json["executionArn"])
    assert second["status"] == "SUCCEEDED", second
    output = json.loads(second["output"])
    assert output["drawn"]["result"] == {"won": 0, "lost": 0, "alreadyRecorded": 5}
    assert output["published"] == json.loads(first["output"])["published"]
    assert output["released"]["result"] == {"released": 0}

    # ... and the draw task called directly, twice more.
    for _ in range(2):
        assert tasks.handle({"action": "draw", "lotteryId": lottery_id})["alreadyRecorded"] == 5

    # Nothing changed but the audit trail, which records the staff member's "draw now".
    after = table_snapshot()
    added = [i for i in after if i not in before]
    assert [i["action"]["S"] for i in added] == ["lottery.draw_started"]
    assert [i for i in after if i not in added] == before
    assert len(mailbox.all()) == mails
    assert_units_match_reservations()
    for name, a in applicants.items():
        assert client.get("/v1/me/lottery-results", token=a.account.token).json == results[name]


def test_a_retried_draw_task_gives_the_same_result(client, clock, staff_token, inn, machine):
    """The draw task runs twice before the rest of the workflow (a Retry after a timeout):
    the execution that follows finds everything recorded and sends each mail once."""
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    applicants = the_applicants(clock.now())
    apply_all(client, lottery_id, applicants)
    tasks.handle({"action": "close", "lotteryId": lottery_id})
    first = tasks.handle({"action": "draw", "lotteryId": lottery_id})
    assert first["alreadyRecorded"] == 0 and first["won"] + first["lost"] == 5
    assert tasks.handle({"action": "draw", "lotteryId": lottery_id}) == {
        "won": 0,
        "lost": 0,
        "alreadyRecorded": 5,
    }
    snapshot = table_snapshot()
    reservations = len(reservation_items())

    run = machine.run(lottery_id, "draw-after-retry")
    assert run["status"] == "SUCCEEDED", run
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert verify(audit) == []
    ranks = expected_ranks(audit["seed"], applicants)
    assert len(reservation_items()) == reservations == sum(1 for r in ranks.values() if r)
    assert_units_match_reservations()
    # The close kept its first digest; the results recorded before the run stay.
    results_before = [i for i in snapshot if i["sk"]["S"].startswith("RESULT#")]
    results_after = [i for i in table_snapshot() if i["sk"]["S"].startswith("RESULT#")]
    strip = [{k: v for k, v in i.items() if k != "notified"} for i in results_before]
    assert strip == [{k: v for k, v in i.items() if k != "notified"} for i in results_after]


def test_closing_twice_keeps_the_first_digest(client, clock, staff_token, inn, machine):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    alice = account(clock.now())
    assert enter(client, alice, lottery_id, preference(1, D1)).status == 201
    first = tasks.handle({"action": "close", "lotteryId": lottery_id})
    assert tasks.handle({"action": "close", "lotteryId": lottery_id}) == first
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert audit["entriesDigest"] == first["entriesDigest"]


def test_a_lottery_win_can_be_cancelled_like_any_reservation(
    client, clock, staff_token, inn, machine
):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    erin = account(clock.now())
    suite = preference(1, D2, resource_type_id="suite")
    assert enter(client, erin, lottery_id, suite).status == 201
    assert machine.run(lottery_id, "draw-1")["status"] == "SUCCEEDED"
    (won,) = client.get("/v1/reservations", token=erin.token).json["items"]
    assert availability(client)[(D2, "suite")]["available"] == 0
    cancelled = client.delete(f"/v1/reservations/{won['reservationNumber']}", token=erin.token)
    assert cancelled.status == 200, cancelled.body
    assert cancelled.json["status"] == "cancelled"
    assert availability(client)[(D2, "suite")]["available"] == 1


# ------------------------------------------------------------------ bugs


class _SameNumber:
    """A random source that always draws the same reservation number."""

    def randrange(self, start: int, stop: int) -> int:
        return 1_234_567_890


def test_a_reservation_number_already_taken_does_not_cost_a_winner_the_win(
    client, clock, staff_token, inn, machine
):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    alice, bob = account(clock.now()), account(clock.now())
    for who in (alice, bob):  # two rooms on D1: both win whatever the order
        assert enter(client, who, lottery_id, preference(1, D1)).status == 201
    with runtime.use(rng=_SameNumber()):  # type: ignore[arg-type]
        run = machine.run(lottery_id, "draw-1")
    assert run["status"] == "SUCCEEDED", run
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    assert [r["wonRank"] for r in audit["results"]] == [1, 1]
    for who in (alice, bob):
        results = client.get("/v1/me/lottery-results", token=who.token).json["items"]
        assert [r["outcome"] for r in results] == ["won"]
        assert len(client.get("/v1/reservations", token=who.token).json["items"]) == 1
    assert availability(client)[(D1, "room")]["available"] == 0


def test_an_entry_that_races_the_close_is_refused_or_drawn_verifiably(
    client, clock, staff_token, inn, machine, monkeypatch
):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    early, late = account(clock.now()), account(clock.now())
    assert enter(client, early, lottery_id, preference(1, D1)).status == 201

    add_entry = lottery_store.add_entry

    def close_first(*args: Any, **kwargs: Any) -> None:
        lottery_draw.close(lottery_id)  # the draw's close lands between the check and the write
        add_entry(*args, **kwargs)

    monkeypatch.setattr(lottery_store, "add_entry", close_first)
    late_reply = enter(client, late, lottery_id, preference(1, D1))
    monkeypatch.setattr(lottery_store, "add_entry", add_entry)

    run = machine.run(lottery_id, "draw-1")
    assert run["status"] == "SUCCEEDED", run
    audit = client.get(f"/v1/lotteries/{lottery_id}/audit").json
    if late_reply.status == 201:
        assert late_reply.json["entryId"] in audit["order"]
    else:
        assert late_reply.json["code"] == "LOTTERY_CLOSED"
        assert len(audit["order"]) == 1
    assert verify(audit) == []


class _Paused(Exception):
    """Stands for an execution whose Lambda is still busy (or timed out) mid-draw."""


def test_overlapping_executions_never_book_a_win_without_its_units(
    client, clock, staff_token, inn, machine, monkeypatch
):
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    for _ in range(3):  # three want one of the two rooms on D1
        assert enter(client, account(clock.now()), lottery_id, preference(1, D1)).status == 201
    lottery_draw.close(lottery_id)

    # Execution A records its first win and is then held up.
    record_win = lottery_store.record_win

    def first_then_pause(*args: Any, **kwargs: Any) -> bool:
        record_win(*args, **kwargs)
        raise _Paused

    monkeypatch.setattr(lottery_store, "record_win", first_then_pause)
    with pytest.raises(_Paused):
        lottery_draw.draw(lottery_id)
    monkeypatch.setattr(lottery_store, "record_win", record_win)

    # Execution B read the results before A's first write, and the kept units after it.
    results = lottery_store.results
    monkeypatch.setattr(lottery_store, "results", lambda _lottery_id: {})
    lottery_draw.draw(lottery_id)
    monkeypatch.setattr(lottery_store, "results", results)

    # A goes on; then the rest of the workflow.
    lottery_draw.draw(lottery_id)
    lottery_draw.publish(lottery_id)
    lottery_draw.release(lottery_id)
    assert verify(client.get(f"/v1/lotteries/{lottery_id}/audit").json) == []
    assert_units_match_reservations()
    booked = sum(i.document["quantity"] for i in reservation_items())
    assert booked == 2
    assert availability(client)[(D1, "room")]["available"] == 0


# ------------------------------------------------------------------ wins to confirm


def test_wins_to_confirm_are_reminded_and_released_by_their_schedules(
    client, clock, staff_token, inn, machine, mailbox
):
    """A lodging lottery whose wins must be confirmed within two days of the draw: the
    state machine, started as the schedules start it (with a `phase`), reminds the
    winner who has not confirmed, then releases that win at confirmBy."""
    lottery = create_lottery(client, staff_token, confirmWithinDays=2)
    lottery_id = lottery["lotteryId"]
    assert lottery["confirmBy"] == "2030-05-24T00:00:00+09:00"
    scheduler = boto3.client("scheduler", region_name=REGION)
    for phase, at in (("remind", "2030-05-22T09:00:00"), ("expire", "2030-05-24T00:00:00")):
        schedule = scheduler.get_schedule(Name=schedules.phase_schedule_name(lottery_id, phase))
        assert schedule["ScheduleExpression"] == f"at({at})"
        assert schedule["Target"]["Arn"] == machine.arn
        assert json.loads(schedule["Target"]["Input"]) == {"lotteryId": lottery_id, "phase": phase}

    keen, slow = account(clock.now()), account(clock.now())
    assert enter(client, keen, lottery_id, preference(1, D1)).status == 201
    assert enter(client, slow, lottery_id, preference(1, D2)).status == 201
    clock.advance(timedelta(days=6))
    assert machine.run(lottery_id, "draw")["status"] == "SUCCEEDED"
    numbers = {}
    for who in (keen, slow):
        (result,) = client.get("/v1/me/lottery-results", token=who.token).json["items"]
        assert result["reservationStatus"] == "awaiting_confirmation"
        assert result["confirmBy"] == "2030-05-24T00:00:00+09:00"
        numbers[who.user_number] = result["reservationNumber"]
    won_mail = mails_to(slow.email, mailbox)[0]
    assert "2030-05-23 23:59までに" in won_mail.body
    confirmed = client.post(
        f"/v1/reservations/{numbers[keen.user_number]}/confirmation", token=keen.token
    )
    assert confirmed.status == 200, confirmed.body

    machine.calls.clear()
    clock.set(clock.now().replace(day=22) + timedelta(hours=-1))  # 2030-05-22 09:00 Tokyo
    started = machine.sfn.start_execution(
        stateMachineArn=machine.arn,
        name="remind",
        input=json.dumps({"lotteryId": lottery_id, "phase": "remind"}),
    )
    run = machine.wait(started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert [c["action"] for c in machine.calls] == ["remind"]
    assert json.loads(run["output"])["reminded"]["result"] == {"reminded": 1}
    assert [m for m in mailbox.to(keen.email) if "確定のお願い" in m.subject] == []
    reminder = [m for m in mailbox.to(slow.email) if "確定のお願い" in m.subject]
    assert len(reminder) == 1 and numbers[slow.user_number] in reminder[0].body

    machine.calls.clear()
    clock.set(clock.now().replace(day=23, hour=15, minute=0))  # 2030-05-24 00:00 Tokyo
    started = machine.sfn.start_execution(
        stateMachineArn=machine.arn,
        name="expire",
        input=json.dumps({"lotteryId": lottery_id, "phase": "expire"}),
    )
    run = machine.wait(started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert [c["action"] for c in machine.calls] == ["expire"]
    assert json.loads(run["output"])["expired"]["result"] == {"released": 1}
    slow_win = client.get(f"/v1/reservations/{numbers[slow.user_number]}", token=slow.token).json
    assert slow_win["status"] == "expired"
    keen_win = client.get(f"/v1/reservations/{numbers[keen.user_number]}", token=keen.token).json
    assert keen_win["status"] == "confirmed"
    days = availability(client)
    assert days[(D2, "room")]["available"] == CAPACITY[(D2, "room")]
    assert days[(D1, "room")]["available"] == CAPACITY[(D1, "room")] - 1
    assert [i.status for i in reservation_items()].count("expired") == 1


def test_the_result_email_choice_changed_after_entering_is_followed(
    client, clock, staff_token, inn, machine, mailbox
):
    """抽選結果のメール通知 can be changed after registration; an entry already made
    follows it (off: no e-mail; on again: the e-mail)."""
    lottery_id = create_lottery(client, staff_token)["lotteryId"]
    quiet, keen = account(clock.now()), account(clock.now(), lottery_result_email=False)
    for who in (quiet, keen):
        assert enter(client, who, lottery_id, preference(1, D1)).status == 201
    off = client.patch("/v1/me", json_body={"lotteryResultEmail": False}, token=quiet.token)
    assert off.status == 200, off.body
    assert off.json["lotteryResultEmail"] is False
    on = client.patch("/v1/me", json_body={"lotteryResultEmail": True}, token=keen.token)
    assert on.json["lotteryResultEmail"] is True
    assert client.get("/v1/me", token=keen.token).json["lotteryResultEmail"] is True
    run = machine.run(lottery_id, "draw-1")
    assert run["status"] == "SUCCEEDED", run
    assert mails_to(quiet.email, mailbox) == []
    assert len(mails_to(keen.email, mailbox)) == 1
