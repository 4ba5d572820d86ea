"""A tennis-court lottery over HTTP (issue 16), as a newcomer would see it on the local
runtime: a group registers with its roster and is approved, groups and an individual
enter (the individual is refused where the facility is for groups), the cap holds, the
schedule draws when the clock reaches drawAt, results and e-mails arrive, a confirmed
win stays, the unconfirmed wins of others are released at confirmBy by their schedule
and become bookable, and the published audit recomputes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import requests

from tests.e2e.accounts import (
    PNG,
    Citizen,
    bearer,
    mails_to,
    register,
    registered,
    staff_decides,
    upload,
    wait_until,
)
from tests.e2e.conftest import LocalService
from tools.verify_draw import verify
from yoyaku.domain.calendar import TOKYO, add_months

CLUB = {"name": "上尾テニスクラブ", "nameKana": "ｱｹﾞｵ ﾃﾆｽ ｸﾗﾌﾞ", "members": 12}


def _approved(citizen: Citizen) -> Citizen:
    assert staff_decides(citizen.service, citizen.application_id(), "approve").ok
    wait_until(lambda: citizen.get("/v1/me").json()["status"] == "verified", "verified")
    return citizen


def _group(service: LocalService, *, roster: bool) -> Citizen:
    club = register(service, userType="group", group=CLUB)
    if roster:
        assert upload(club.registration["rosterUpload"], PNG, "meibo.png", "image/png") < 300
    assert club.confirm().status_code == 201
    assert club.sign_in().status_code == 201
    if roster:
        application = club.application_id()
        staff = bearer(service.staff_token())
        wait_until(
            lambda: service.call("GET", f"/v1/staff/reviews/{application}", headers=staff).json()[
                "roster"
            ]["present"],
            "the roster check",
        )
    return _approved(club)


def _post(citizen: Citizen, path: str, body: Any = None) -> Any:
    return citizen.service.call("POST", path, json=body, headers=bearer(citizen.token))


def _slot(rank: int, day: date, start: str, quantity: int = 1, resource: str = "court"):
    return {
        "rank": rank,
        "date": day.isoformat(),
        "resourceTypeId": resource,
        "start": start,
        "slots": 1,
        "quantity": quantity,
    }


def _period(today: date) -> date:
    """The month drawn: the next one, unless the draw (today) and the day to confirm
    (tomorrow) would not both come before it."""
    first = add_months(today.replace(day=1), 1)
    return first if (first - today).days >= 2 else add_months(first, 1)


def _open_day(first: date) -> date:
    """The first day of the period the Ageo sports facilities are open: they close over
    the new year (12/29–1/3)."""
    day = first
    while not (1, 3) < (day.month, day.day) < (12, 29):
        day += timedelta(days=1)
    return day


def test_a_tennis_court_lottery_from_entry_to_released_wins(service: LocalService) -> None:
    staff = bearer(service.staff_token())
    now = datetime.fromisoformat(service.call("GET", "/_local/clock").json()["now"])
    today = now.astimezone(TOKYO).date()
    first = _period(today)
    wished = _open_day(first)
    timing = {
        "applyFrom": (now - timedelta(hours=1)).isoformat(),
        "applyUntil": (now + timedelta(hours=1)).isoformat(),
        "drawAt": (now + timedelta(hours=2)).isoformat(),
        "period": first.isoformat()[:7],
        "maxPreferences": 4,
        "maxWinsPerApplicant": 2,
        "confirmWithinDays": 1,
    }
    lotteries = {}
    for facility_id in ("ageo-tennis", "ageo-hiraikata-baseball"):
        # A month of slots is kept unit by unit (480 writes for the courts): give it time.
        created = requests.post(
            f"{service.url}/v1/staff/lotteries",
            json={"facilityId": facility_id, **timing},
            headers=staff,
            timeout=180,
        )
        assert created.status_code == 201, created.text
        lotteries[facility_id] = created.json()
    tennis = lotteries["ageo-tennis"]
    tennis_id = tennis["lotteryId"]
    assert tennis["kind"] == "timeslot" and tennis["status"] == "open"
    confirm_by = datetime.fromisoformat(tennis["confirmBy"])
    # the end of the day after the draw's day (the draw, two hours on, may be tomorrow)
    draw_day = (now + timedelta(hours=2)).astimezone(TOKYO).date()
    assert confirm_by.astimezone(TOKYO).date() == draw_day + timedelta(days=2)

    club = _group(service, roster=True)
    rival = _group(service, roster=False)
    person = _approved(registered(service))
    assert club.get("/v1/me").json()["rosterAccepted"] is True

    # The ballpark is for groups with an accepted roster.
    ballpark = lotteries["ageo-hiraikata-baseball"]["lotteryId"]
    field = _slot(1, wished, "09:00", resource="field")
    no = _post(person, f"/v1/lotteries/{ballpark}/entries", {"preferences": [field]})
    assert no.status_code == 403 and no.json()["code"] == "NOT_FOR_THIS_ACCOUNT_TYPE"
    assert "団体登録の方だけ" in no.json()["detail"]
    no = _post(rival, f"/v1/lotteries/{ballpark}/entries", {"preferences": [field]})
    assert no.status_code == 422 and no.json()["code"] == "ROSTER_REQUIRED"
    assert _post(club, f"/v1/lotteries/{ballpark}/entries", {"preferences": [field]}).ok

    # Four courts a slot, and exactly four asked for at 09:00: every first wish is won
    # whatever the order. The club asks for more than its cap of two court-slots, so
    # its 09:00 pair is all it wins; the others win their second wishes too.
    entries = f"/v1/lotteries/{tennis['lotteryId']}/entries"
    club_wishes = [
        _slot(1, wished, "09:00", 2),
        _slot(2, wished, "11:00", 2),
        _slot(3, wished, "13:00"),
        _slot(4, wished, "15:00"),
    ]
    assert _post(club, entries, {"preferences": club_wishes}).status_code == 201
    rival_wishes = [_slot(1, wished, "09:00"), _slot(2, wished, "11:00")]
    assert _post(rival, entries, {"preferences": rival_wishes}).status_code == 201
    person_wishes = [_slot(1, wished, "09:00"), _slot(2, wished, "13:00")]
    assert _post(person, entries, {"preferences": person_wishes}).status_code == 201
    demand = service.call("GET", f"/v1/lotteries/{tennis['lotteryId']}/demand").json()["days"]
    rows = {(d["date"], d["start"]): (d["applications"], d["winnable"]) for d in demand}
    assert rows[(wished.isoformat(), "09:00")] == (3, 4)  # three entries, four courts
    assert rows[(wished.isoformat(), "11:00")] == (2, 4)

    try:
        service.move_clock(2 * 3600 + 5)  # drawAt: the local scheduler starts the draw
        wait_until(
            lambda: (
                service.call("GET", f"/v1/lotteries/{tennis['lotteryId']}").json()["status"]
                == "drawn"
            ),
            "the draw",
            seconds=90,
        )
        won: dict[str, list[dict[str, Any]]] = {}
        for who in (club, rival, person):
            results = who.get("/v1/me/lottery-results").json()["items"]
            won[who.user_number] = [
                r for r in results if r["outcome"] == "won" and r["lotteryId"] == tennis_id
            ]
            for row in won[who.user_number]:
                assert row["reservationStatus"] == "awaiting_confirmation"
                assert datetime.fromisoformat(row["confirmBy"]) == confirm_by
        ranks = {
            who.user_number: [r["wonRank"] for r in won[who.user_number]]
            for who in (club, rival, person)
        }
        assert ranks == {
            club.user_number: [1],
            rival.user_number: [1, 2],
            person.user_number: [1, 2],
        }
        audit = service.call("GET", f"/v1/lotteries/{tennis['lotteryId']}/audit").json()
        assert verify(audit) == []
        for who in (club, rival, person):
            mails = [m for m in mails_to(service, who.email) if "抽選結果" in m["subject"]]
            assert mails and "確定" in mails[-1]["body"]

        # The club confirms; the others leave their wins unconfirmed.
        for row in won[club.user_number]:
            number = row["reservationNumber"]
            confirmed = _post(club, f"/v1/reservations/{number}/confirmation")
            assert confirmed.status_code == 200, confirmed.text
            assert confirmed.json()["status"] == "confirmed"

        seconds = int((confirm_by - now).total_seconds()) + 5
        service.move_clock(seconds)  # confirmBy: the expire schedule releases the rest
        for who in (club, rival, person):
            assert who.sign_in().status_code == 201  # sessions last 12 hours

        def released() -> bool:
            statuses = [
                r["reservationStatus"]
                for who in (rival, person)
                for r in who.get("/v1/me/lottery-results").json()["items"]
                if r["outcome"] == "won"
            ]
            return all(s == "expired" for s in statuses)

        wait_until(released, "the unconfirmed wins released", seconds=90)
        late = won[person.user_number][0]["reservationNumber"]
        expired = _post(person, f"/v1/reservations/{late}/confirmation")
        assert expired.status_code == 410 and expired.json()["code"] == "CONFIRMATION_EXPIRED"
        for row in won[club.user_number]:
            number = row["reservationNumber"]
            assert club.get(f"/v1/reservations/{number}").json()["status"] == "confirmed"

        day = service.call(
            "GET",
            "/v1/facilities/ageo-tennis/availability",
            params={"from": wished.isoformat(), "to": wished.isoformat()},
        ).json()["days"][0]
        slots = {s["start"]: s["available"] for s in day["slots"]}
        assert slots["09:00"] == 2  # only the club's two confirmed courts stay taken
        assert slots["11:00"] == 4 and slots["13:00"] == 4
        hold = _post(
            person,
            "/v1/holds",
            {
                "facilityId": "ageo-tennis",
                "resourceTypeId": "court",
                "date": wished.isoformat(),
                "start": "09:00",
                "slots": 1,
            },
        )
        # Released to first-come booking (the window opens a month before the day).
        opens = add_months(wished, -1)
        clock = datetime.fromisoformat(service.call("GET", "/_local/clock").json()["now"])
        if clock.astimezone(TOKYO).date() >= opens:  # the window opens by Tokyo's date
            assert hold.status_code == 201, hold.text
        else:
            assert hold.json()["code"] == "OUTSIDE_BOOKING_WINDOW", hold.text
    finally:
        service.move_clock(0)
