"""Staff see a lottery's results: every entry's wins with their status now (当選確定待ち,
確定, 確定期限切れ) and deadline, or its loss, in pages."""

from __future__ import annotations

from datetime import UTC, date

from tests.conftest import session_token
from yoyaku.services import lottery_draw

from .helpers import account
from .test_slot_lottery import (  # noqa: F401  (the fixtures)
    CLUB,
    CONFIRM_BY,
    SAT,
    SUN,
    courts,
    draw,
    enter,
    lottery,
    services,
    slot,
    tokyo,
)


def staff_results(client, token: str, lottery_id: str, **query: str) -> dict:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    reply = client.get(f"/v1/staff/lotteries/{lottery_id}/results?{params}", token=token)
    assert reply.status == 200, reply.body
    body: dict = reply.json
    return body


def test_staff_see_every_win_with_its_status_and_deadline(
    client,
    clock,
    staff_account,
    lottery,  # noqa: F811
) -> None:
    lottery_id = lottery["lotteryId"]
    keen, late = account(clock.now(), group=CLUB), account(clock.now())
    loser = account(clock.now())
    assert (
        enter(client, keen, lottery_id, slot(1, SAT, "09:00"), slot(2, SAT, "11:00")).status == 201
    )
    assert enter(client, late, lottery_id, slot(1, SUN, "09:00", quantity=2)).status == 201
    # Two courts on Sunday 09:00 are both wanted by `late`: the loser wants them too.
    assert enter(client, loser, lottery_id, slot(1, SUN, "09:00", quantity=2)).status == 201
    token = session_token("staff", staff_account[0], clock)
    assert staff_results(client, token, lottery_id)["items"] == []  # not drawn yet

    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)
    token = session_token("staff", staff_account[0], clock)
    rows = staff_results(client, token, lottery_id)["items"]
    by_user: dict[str, list[dict]] = {}
    for row in rows:
        by_user.setdefault(row["userNumber"], []).append(row)
    keen_rows = by_user[keen.user_number]
    assert [(r["outcome"], r["wonRank"], r["start"], r["date"]) for r in keen_rows] == [
        ("won", 1, "09:00", SAT.isoformat()),
        ("won", 2, "11:00", SAT.isoformat()),
    ]
    assert all(r["reservationStatus"] == "awaiting_confirmation" for r in keen_rows)
    assert all(r["confirmBy"] == "2030-05-25T00:00:00+09:00" for r in keen_rows)
    assert keen_rows[0]["resourceTypeId"] == "court" and keen_rows[0]["end"] == "11:00"
    sunday = [by_user[late.user_number], by_user[loser.user_number]]
    outcomes = sorted(r["outcome"] for rows_ in sunday for r in rows_)
    assert outcomes == ["lost", "won"]
    lost = next(r for rows_ in sunday for r in rows_ if r["outcome"] == "lost")
    assert lost["reservationNumber"] is None and lost["date"] is None

    # One win confirmed, the rest released at confirmBy: staff see each state.
    first = keen_rows[0]["reservationNumber"]
    assert client.post(f"/v1/reservations/{first}/confirmation", token=keen.token).status == 200
    clock.set(CONFIRM_BY.astimezone(UTC))
    lottery_draw.expire(lottery_id)
    token = session_token("staff", staff_account[0], clock)
    states = {
        r["reservationNumber"]: r["reservationStatus"]
        for r in staff_results(client, token, lottery_id)["items"]
        if r["outcome"] == "won"
    }
    assert states[first] == "confirmed"
    assert sorted(states.values()) == ["confirmed", "expired", "expired"]


def test_results_come_in_pages(client, clock, staff_account, lottery) -> None:  # noqa: F811
    lottery_id = lottery["lotteryId"]
    people = [account(clock.now()) for _ in range(3)]
    for who in people:
        assert enter(client, who, lottery_id, slot(1, SAT, "09:00")).status == 201
    clock.set(tokyo(date(2030, 5, 21)))
    draw(lottery_id)
    token = session_token("staff", staff_account[0], clock)
    seen: list[str] = []
    page = staff_results(client, token, lottery_id, limit="2")
    seen += [r["userNumber"] for r in page["items"]]
    assert len(page["items"]) == 2 and page["nextToken"]
    page = staff_results(client, token, lottery_id, limit="2", nextToken=page["nextToken"])
    seen += [r["userNumber"] for r in page["items"]]
    assert page.get("nextToken") is None
    assert sorted(seen) == sorted(w.user_number for w in people)
    other = client.get(f"/v1/staff/lotteries/{lottery_id}/results?nextToken=bad", token=token)
    assert other.status == 422


def test_an_unknown_lottery_has_no_results(client, staff_token) -> None:
    reply = client.get("/v1/staff/lotteries/lot_nothing/results", token=staff_token)
    assert reply.status == 404 and reply.json["code"] == "NOT_FOUND"
