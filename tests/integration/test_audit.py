"""The audit trail: every staff action leaves exactly one record (who, when, what, why),
a refused action none, and the trail lists them newest first with filters."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import MovableClock, session_token
from yoyaku.adapters import application_store, staff_store
from yoyaku.adapters.table import AuditItem, LotteryItem
from yoyaku.domain.staff import Role

from .helpers import INN, lottery_body, open_rooms, write_claim

D1 = date(2030, 7, 1)


@pytest.fixture
def services(aws, monkeypatch) -> None:
    """Lotteries schedule and start their draw (moto keeps both without running them)."""
    import boto3

    from yoyaku.settings import forget as forget_settings

    account_id = "123456789012"
    machine = boto3.client("stepfunctions", region_name="ap-northeast-1").create_state_machine(
        name="lottery-draw",
        definition='{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
        roleArn=f"arn:aws:iam::{account_id}:role/draw",
    )
    monkeypatch.setenv("DRAW_STATE_MACHINE_ARN", machine["stateMachineArn"])
    monkeypatch.setenv("SCHEDULER_ROLE_ARN", f"arn:aws:iam::{account_id}:role/scheduler")
    forget_settings()


def records() -> list[AuditItem]:
    return sorted(AuditItem.scan(), key=lambda i: i.sk)


@pytest.fixture
def audited(client, staff_token) -> Callable[..., dict[str, Any]]:
    """Runs an action and returns its one new audit record (as the trail lists it)."""

    def run(action: Callable[[], Any]) -> dict[str, Any]:
        before = {i.sk for i in records()}
        reply = action()
        assert 200 <= reply.status < 300, reply.body
        new = [i for i in records() if i.sk not in before]
        assert len(new) == 1, [i.action for i in new]
        listed = client.get("/v1/staff/audit", token=staff_token).json["items"]
        return next(r for r in listed if r["auditId"] == new[0].sk.split("#", 1)[1])

    return run


def waiting_application(user_number: str, clock: MovableClock) -> str:
    """An application whose review workflow waits for staff (as AwaitStaff leaves it)."""
    application_id = str(abs(hash(user_number)) % 10**9)
    item = application_store.new_item(
        application_id, user_number, f"reg_{user_number}", "registration", clock.now()
    )
    item.waiting_for = "staff"
    item.save()
    return application_id


# ------------------------------------------------------------------ one record per action


def test_saving_a_facility(client, staff_token, audited, clock) -> None:
    record = audited(
        lambda: client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    )
    assert record["action"] == "facility.saved"
    assert record["target"] == {"type": "facility", "id": "inn"}
    assert record["staff"] == {"staffId": "staff-1", "name": "テスト職員"}
    assert record["role"] == "administrator"
    assert datetime.fromisoformat(record["at"]) == clock.now()
    assert record["details"] == {"name": INN["name"], "created": True}
    again = audited(
        lambda: client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    )
    assert again["details"]["created"] is False


def test_changing_inventory(client, staff_token, audited) -> None:
    client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    body = {"resourceTypeId": "room", "from": "2030-07-01", "to": "2030-07-03", "capacity": 4}

    def put():
        return client.put("/v1/staff/facilities/inn/inventory", json_body=body, token=staff_token)

    record = audited(put)
    assert record["action"] == "inventory.changed"
    assert record["details"] == {
        "resourceTypeId": "room",
        "from": "2030-07-01",
        "to": "2030-07-03",
        "capacity": 4,
        "daysChanged": 3,
    }
    assert audited(put)["details"]["daysChanged"] == 0  # asked again: still an action


def test_publishing_and_withdrawing_a_notice(client, staff_token, audited) -> None:
    body = {"title": "年末年始の休館", "body": "12月29日から休館します。"}
    published = audited(lambda: client.post("/v1/staff/notices", json_body=body, token=staff_token))
    assert published["action"] == "notice.published"
    notice_id = published["target"]["id"]
    withdrawn = audited(
        lambda: client.post(
            f"/v1/staff/notices/{notice_id}/withdrawal",
            json_body={"reason": "日付の誤り"},
            token=staff_token,
        )
    )
    assert withdrawn["action"] == "notice.withdrawn"
    assert withdrawn["reason"] == "日付の誤り"
    assert withdrawn["target"] == {"type": "notice", "id": notice_id}


def test_a_decision(client, staff_token, audited, clock) -> None:
    application_id = waiting_application("100001", clock)
    record = audited(
        lambda: client.post(
            f"/v1/staff/reviews/{application_id}/decision",
            json_body={"decision": "return", "reason": "住所が読み取れません"},
            token=staff_token,
        )
    )
    assert record["action"] == "review.decided"
    assert record["target"] == {"type": "application", "id": application_id}
    assert record["reason"] == "住所が読み取れません"
    assert record["details"] == {"decision": "return"}


def _lottery(client, staff_token, audited, first: date, **changes: Any) -> str:
    client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    open_rooms(client, staff_token, "inn", first, first + timedelta(days=2), 2)
    created = audited(
        lambda: client.post(
            "/v1/staff/lotteries",
            json_body=lottery_body("inn", first, first + timedelta(days=2), **changes),
            token=staff_token,
        )
    )
    assert created["action"] == "lottery.created"
    assert created["details"]["facilityId"] == "inn"
    return str(created["target"]["id"])


def test_creating_and_drawing_a_lottery_early_with_a_reason(
    client, staff_token, audited, services
) -> None:
    lottery_id = _lottery(client, staff_token, audited, D1)
    draw = f"/v1/staff/lotteries/{lottery_id}/draw"
    # entries are open: without force and a reason the draw is refused, and not recorded
    before = len(records())
    assert client.post(draw, token=staff_token).status == 409
    assert client.post(draw, json_body={"force": True}, token=staff_token).status == 422
    assert len(records()) == before
    reason = "施設の改修工事のため抽選を早める"
    drawn = audited(
        lambda: client.post(draw, json_body={"force": True, "reason": reason}, token=staff_token)
    )
    assert drawn["action"] == "lottery.draw_started"
    assert drawn["target"] == {"type": "lottery", "id": lottery_id}
    assert drawn["staff"]["staffId"] == "staff-1"
    assert drawn["reason"] == reason
    assert drawn["details"] == {"beforeApplyUntil": True}
    # the lottery keeps it too, beside who forced it
    kept = LotteryItem.get(f"LOTTERY#{lottery_id}", "LOTTERY").forced_draw
    assert kept["reason"] == reason and kept["staffId"] == "staff-1"


def test_drawing_a_lottery_after_entries_closed(
    client, staff_token, audited, services, clock
) -> None:
    lottery_id = _lottery(client, staff_token, audited, D1, applyUntil="2030-05-15T11:00:00+09:00")
    clock.advance(timedelta(hours=1, seconds=1))  # entries closed at 11:00 Tokyo
    drawn = audited(
        lambda: client.post(f"/v1/staff/lotteries/{lottery_id}/draw", token=staff_token)
    )
    assert drawn["action"] == "lottery.draw_started"
    assert drawn["reason"] is None
    assert drawn["details"] == {}


def test_importing_eligibility(client, staff_token, audited) -> None:
    from .helpers import GYM

    client.put("/v1/staff/facilities/gym", json_body=GYM, token=staff_token)
    csv = "noticeNumber,noticeNumber2,birthdate,counter\nABC123456,ABCDEF123456789012,1985-05-05,\n"
    record = audited(
        lambda: client.post(
            "/v1/staff/appointment-eligibility?facilityId=gym",
            raw=csv.encode(),
            headers={"Content-Type": "text/csv"},
            token=staff_token,
        )
    )
    assert record["action"] == "eligibility.imported"
    assert record["details"] == {"imported": 1}


def test_reception_hours_and_suspensions(client, staff_token, audited, clock) -> None:
    hours = {
        "opens": "08:00",
        "closes": "24:00",
        "yearEndClosure": {"from": "12-29", "to": "01-03"},
    }
    put = audited(
        lambda: client.put("/v1/staff/reception-hours", json_body=hours, token=staff_token)
    )
    assert put["action"] == "reception_hours.set"
    assert put["target"] == {"type": "service", "id": "reception-hours"}
    assert put["details"] == {"hours": hours}
    removed = audited(
        lambda: client.put("/v1/staff/reception-hours", raw=b"null", token=staff_token)
    )
    assert removed["details"] == {"anyHour": True}

    start = clock.now() + timedelta(days=1)
    body = {
        "from": start.isoformat(),
        "until": (start + timedelta(hours=5)).isoformat(),
        "notice": "システム更新のため休止します",
    }
    planned = audited(
        lambda: client.post("/v1/staff/suspensions", json_body=body, token=staff_token)
    )
    assert planned["action"] == "suspension.planned"
    suspension_id = planned["target"]["id"]
    assert planned["target"] == {"type": "suspension", "id": suspension_id}
    assert planned["details"]["notice"] == "システム更新のため休止します"
    lifted = audited(
        lambda: client.delete(f"/v1/staff/suspensions/{suspension_id}", token=staff_token)
    )
    assert lifted["action"] == "suspension.lifted"
    assert lifted["target"] == planned["target"]
    assert lifted["details"] == {"underWay": False}
    # a second lift finds nothing and leaves no record
    before = len(records())
    url = f"/v1/staff/suspensions/{suspension_id}"
    assert client.delete(url, token=staff_token).status == 404
    assert len(records()) == before


# ------------------------------------------------------------------ refusals leave none


def test_a_refused_action_leaves_no_record(client, staff_token) -> None:
    client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    open_rooms(client, staff_token, "inn", D1, D1, 2)
    write_claim("inn", D1, 0)
    before = len(records())
    body = {"resourceTypeId": "room", "from": "2030-07-01", "to": "2030-07-01", "capacity": 0}
    reply = client.put("/v1/staff/facilities/inn/inventory", json_body=body, token=staff_token)
    assert reply.status == 409
    bad = client.post("/v1/staff/notices", json_body={"title": ""}, token=staff_token)
    assert bad.status == 422
    assert len(records()) == before


def test_two_staff_deciding_at_once(client, clock, staff_account) -> None:
    """One decision wins and is recorded; the other is told who decided, how and when.

    Threads through one in-process moto: as in the lottery race test, DynamoDB's atomic
    writes are restored first (local.aws); the in-process gateway gives the function one
    environment, which serves one request at a time as Lambda's do."""
    from local.aws import serialize_dynamodb_writes

    serialize_dynamodb_writes()
    staff_store.save(staff_store.StaffAccount("staff-2", "審査　花子", "!", Role.REVIEWER))
    tokens = [session_token("staff", "staff-1", clock), session_token("staff", "staff-2", clock)]
    application_id = waiting_application("100002", clock)
    start = threading.Barrier(2)
    replies: list[Any] = [None, None]
    bodies = [{"decision": "approve"}, {"decision": "reject", "reason": "在住を確認できません"}]

    def decide(n: int) -> None:
        start.wait()
        replies[n] = client.post(
            f"/v1/staff/reviews/{application_id}/decision", json_body=bodies[n], token=tokens[n]
        )

    threads = [threading.Thread(target=decide, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status for r in replies)
    assert statuses == [200, 409]
    winner = next(n for n in (0, 1) if replies[n].status == 200)
    loser = replies[1 - winner].json
    assert loser["code"] == "CONFLICT"
    assert loser["decidedBy"] == ["staff-1", "staff-2"][winner]
    assert loser["decision"] == bodies[winner]["decision"]
    assert loser["decidedByName"] in loser["detail"]
    decided = [i for i in records() if i.action == "review.decided"]
    assert len(decided) == 1 and decided[0].staff_id == ["staff-1", "staff-2"][winner]

    review = client.get(f"/v1/staff/reviews/{application_id}", token=tokens[0]).json
    assert review["decidedBy"]["staffId"] == ["staff-1", "staff-2"][winner]


def test_the_review_history_names_who_opened_it(client, staff_token, clock) -> None:
    application_id = waiting_application("100003", clock)
    review = client.get(f"/v1/staff/reviews/{application_id}", token=staff_token).json
    assert [(e["status"], e.get("by")) for e in review["history"]] == [
        ("received", None),
        ("accepted", {"staffId": "staff-1", "name": "テスト職員"}),
    ]


def test_the_queue_filters_by_type_oldest_first(client, staff_token, clock) -> None:
    ids = []
    for n, kind in enumerate(["registration", "renewal", "registration"]):
        clock.advance(timedelta(minutes=1))
        item = application_store.new_item(f"app-{n}", f"10001{n}", f"reg_{n}", kind, clock.now())
        item.save()
        ids.append(f"app-{n}")
    listed = lambda query: [  # noqa: E731
        r["applicationId"]
        for r in client.get(f"/v1/staff/reviews?{query}", token=staff_token).json["items"]
    ]
    assert listed("") == ids
    assert listed("type=registration") == [ids[0], ids[2]]
    assert listed("type=renewal&limit=1") == [ids[1]]
    assert client.get("/v1/staff/reviews?type=other", token=staff_token).status == 422


# ------------------------------------------------------------------ the listing


@pytest.fixture
def trail(client, staff_token, clock, staff_account) -> dict[str, str]:
    """Notices by two members on three days: 5/13 (staff-1), 5/14 (staff-2), 5/15 (both)."""
    staff_store.save(staff_store.StaffAccount("staff-2", "施設　次郎", "!", Role.ADMINISTRATOR))
    other = session_token("staff", "staff-2", clock)
    ids: dict[str, str] = {}
    start = clock.now()
    for day, token, name in [(-2, staff_token, "a"), (-1, other, "b"), (0, staff_token, "c")]:
        clock.set(start + timedelta(days=day))
        reply = client.post(
            "/v1/staff/notices", json_body={"title": name, "body": name}, token=token
        )
        ids[name] = reply.json["noticeId"]
    # Records of one instant have no order among them: each next action a minute later.
    clock.advance(timedelta(minutes=1))
    reply = client.post("/v1/staff/notices", json_body={"title": "d", "body": "d"}, token=other)
    ids["d"] = reply.json["noticeId"]
    clock.advance(timedelta(minutes=1))
    client.post(f"/v1/staff/notices/{ids['a']}/withdrawal", json_body={"reason": "r"}, token=other)
    return ids


def titles(reply: Any) -> list[str]:
    assert reply.status == 200, reply.body
    return [
        ("-" if r["action"] == "notice.withdrawn" else "") + r["details"]["title"]
        for r in reply.json["items"]
    ]


def test_the_trail_lists_newest_first(client, staff_token, trail) -> None:
    assert titles(client.get("/v1/staff/audit", token=staff_token)) == ["-a", "d", "c", "b", "a"]


def test_the_trail_filters(client, staff_token, trail) -> None:
    get = lambda query: client.get(f"/v1/staff/audit?{query}", token=staff_token)  # noqa: E731
    assert titles(get("staffId=staff-2")) == ["-a", "d", "b"]
    assert titles(get("action=notice.withdrawn")) == ["-a"]
    assert titles(get(f"targetType=notice&targetId={trail['a']}")) == ["-a", "a"]
    assert titles(get("from=2030-05-14&to=2030-05-14")) == ["b"]
    assert titles(get("from=2030-05-13&to=2030-05-14")) == ["b", "a"]
    assert titles(get("staffId=staff-2&action=notice.published")) == ["d", "b"]


def test_the_trail_pages(client, staff_token, trail) -> None:
    seen: list[str] = []
    token = None
    while True:
        query = "limit=2" + (f"&nextToken={token}" if token else "")
        reply = client.get(f"/v1/staff/audit?{query}", token=staff_token)
        seen += titles(reply)
        token = reply.json.get("nextToken")
        if not token:
            break
    assert seen == ["-a", "d", "c", "b", "a"]
    other = client.get(
        f"/v1/staff/audit?staffId=staff-2&nextToken={token or 'x'}", token=staff_token
    )
    assert other.status == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2030-05-15&to=2030-05-14", "to"),
        ("from=2029-01-01&to=2030-05-14", "to"),
        ("targetType=notice", "targetId"),
        ("action=everything", "action"),
        ("to=0", "to"),  # a number is never read as a date
    ],
)
def test_bad_filters(client, staff_token, query, field) -> None:
    reply = client.get(f"/v1/staff/audit?{query}", token=staff_token)
    assert reply.status == 422
    assert field in [e["field"] for e in reply.json["errors"]]


def test_the_template_keeps_the_trail_append_only() -> None:
    from local import template

    staff = template.load()["Resources"]["StaffFunction"]["Properties"]["Policies"]
    denies = [
        s
        for p in staff
        if isinstance(p, dict)
        for s in p.get("Statement", [])
        if s["Effect"] == "Deny"
    ]
    assert any(
        {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= set(s["Action"])
        and s["Condition"]["ForAnyValue:StringLike"]["dynamodb:LeadingKeys"] == ["AUDIT#*"]
        for s in denies
    )
