"""A whole lottery over HTTP (issue 5): staff create it, residents enter, the schedule
fires when the clock reaches the draw time, results and reservations appear, e-mails go
out, leftovers become bookable and the published draw recomputes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from tests.e2e.accounts import Citizen, bearer, registered, staff_decides, wait_until
from tests.e2e.conftest import LocalService
from tools.verify_draw import verify


def _verified(service: LocalService, residency: str = "resident", **changes: Any) -> Citizen:
    citizen = registered(service, residency, **changes)
    assert staff_decides(service, citizen.application_id(), "approve").ok
    wait_until(lambda: citizen.get("/v1/me").json()["status"] == "verified", "verified")
    return citizen


def _pref(rank: int, day: date, nights: int = 1, quantity: int = 1) -> dict[str, Any]:
    return {
        "rank": rank,
        "date": day.isoformat(),
        "nights": nights,
        "resourceTypeId": "room",
        "quantity": quantity,
        "party": [{"night": n + 1, "adults": 2, "children": 1} for n in range(nights)],
    }


def _enter(citizen: Citizen, lottery_id: str, *prefs: dict[str, Any]) -> Any:
    return citizen.service.call(
        "POST",
        f"/v1/lotteries/{lottery_id}/entries",
        json={"preferences": list(prefs)},
        headers=bearer(citizen.token),
    )


def test_a_lottery_from_creation_to_leftovers(service: LocalService) -> None:
    staff = bearer(service.staff_token())
    today = service.today()
    d1, d2, d3 = (today + timedelta(days=n) for n in (15, 16, 17))
    scarce = {"resourceTypeId": "room", "from": d1.isoformat(), "to": d3.isoformat(), "capacity": 2}
    assert service.call(
        "PUT", "/v1/staff/facilities/minato-ohiradai/inventory", json=scarce, headers=staff
    ).ok
    now = datetime.fromisoformat(service.call("GET", "/_local/clock").json()["now"])
    created = service.call(
        "POST",
        "/v1/staff/lotteries",
        json={
            "facilityId": "minato-ohiradai",
            "stayFrom": d1.isoformat(),
            "stayTo": d3.isoformat(),
            "applyFrom": (now - timedelta(hours=1)).isoformat(),
            "applyUntil": (now + timedelta(hours=1)).isoformat(),
            "drawAt": (now + timedelta(hours=2)).isoformat(),
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    lottery = created.json()
    lottery_id = lottery["lotteryId"]
    assert lottery["status"] == "open" and len(lottery["seedCommitment"]) == 64
    audit = service.call("GET", f"/v1/lotteries/{lottery_id}/audit").json()
    assert audit["seedCommitment"] == lottery["seedCommitment"] and audit["seed"] is None

    days = service.call(
        "GET",
        "/v1/facilities/minato-ohiradai/availability",
        params={"from": d1.isoformat(), "to": d3.isoformat()},
    ).json()["days"]
    assert all(d["lottery"] and d["available"] == 0 for d in days)

    alice, bob, carol, dave = (_verified(service) for _ in range(4))
    provisional = registered(service)
    worker = _verified(service, "worker")

    refused = _enter(provisional, lottery_id, _pref(1, d1))
    assert refused.status_code == 403 and refused.json()["code"] == "NOT_ELIGIBLE"
    assert _enter(worker, lottery_id, _pref(1, d1)).json()["code"] == "NOT_ELIGIBLE"
    direct = service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": "minato-ohiradai",
            "resourceTypeId": "room",
            "date": d1.isoformat(),
            "nights": 1,
            "quantity": 1,
        },
        headers=bearer(alice.token),
    )
    assert direct.status_code == 409 and direct.json()["code"] == "NOT_AVAILABLE"

    assert _enter(alice, lottery_id, _pref(1, d1, quantity=2), _pref(2, d3)).status_code == 201
    assert _enter(bob, lottery_id, _pref(1, d1), _pref(2, d2)).status_code == 201
    assert _enter(carol, lottery_id, _pref(1, d2, nights=2)).status_code == 201
    dave_entry = _enter(dave, lottery_id, _pref(1, d1))
    assert dave_entry.status_code == 201
    again = _enter(alice, lottery_id, _pref(1, d2))
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_APPLIED"

    demand = {
        d["date"]: (d["applications"], d["winnable"])
        for d in service.call("GET", f"/v1/lotteries/{lottery_id}/demand").json()["days"]
    }
    assert demand[d1.isoformat()] == (3, 2)
    withdrawn = service.call(
        "DELETE",
        f"/v1/me/lottery-entries/{dave_entry.json()['entryId']}",
        headers=bearer(dave.token),
    )
    assert withdrawn.status_code == 204
    demand = {
        d["date"]: d["applications"]
        for d in service.call("GET", f"/v1/lotteries/{lottery_id}/demand").json()["days"]
    }
    assert demand[d1.isoformat()] == 2
    assert _enter(dave, lottery_id, _pref(1, d1)).status_code == 201
    assert len(alice.get("/v1/me/lottery-entries").json()["items"]) == 1

    try:
        service.move_clock(2 * 3600 + 5)  # the draw time: the local scheduler fires
        wait_until(
            lambda: (
                service.call("GET", f"/v1/lotteries/{lottery_id}").json()["status"] == "drawn"
                and service.call("GET", f"/v1/lotteries/{lottery_id}/audit").json()["seed"]
            ),
            "the draw",
            seconds=60,
        )
        late = _enter(carol, lottery_id, _pref(1, d3))
        assert late.status_code in (409, 422)

        outcomes = {}
        for who in (alice, bob, carol, dave):
            results = who.get("/v1/me/lottery-results").json()["items"]
            assert len(results) == 1
            outcomes[who.user_number] = results[0]
            if results[0]["outcome"] == "won":
                number = results[0]["reservationNumber"]
                reservation = who.get(f"/v1/reservations/{number}").json()
                assert reservation["source"] == "lottery"
                assert reservation["status"] == "confirmed"
        assert any(r["outcome"] == "won" for r in outcomes.values())

        published = service.call("GET", f"/v1/lotteries/{lottery_id}/audit").json()
        assert verify(published) == []
        assert len(published["order"]) == 4

        outbox = service.call("GET", "/_local/outbox").json()["items"]
        result_mails = [m for m in outbox if "抽選結果" in m["subject"]]
        assert {m["to"][0] for m in result_mails} == {
            alice.email,
            bob.email,
            carol.email,
            dave.email,
        }

        after = service.call(
            "GET",
            "/v1/facilities/minato-ohiradai/availability",
            params={"from": d1.isoformat(), "to": d3.isoformat()},
        ).json()["days"]
        assert not any(d["lottery"] for d in after)
        leftovers = [d for d in after if d["available"] > 0]
        assert leftovers, after
        hold = service.call(
            "POST",
            "/v1/holds",
            json={
                "facilityId": "minato-ohiradai",
                "resourceTypeId": "room",
                "date": leftovers[0]["date"],
                "nights": 1,
                "quantity": 1,
            },
            headers=bearer(provisional.token),
        )
        # Leftovers are open to direct booking (this provisional user's window allows
        # stays from 14 days ahead).
        assert hold.status_code == 201, hold.text
    finally:
        service.move_clock(0)
