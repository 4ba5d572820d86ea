"""Staff changes and the local-only routes over HTTP: sign-in, facilities, inventory,
notices, the movable clock, the outbox, schedules and a clean stop."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.e2e.conftest import LocalService

POOL = {
    "name": "市民プール",
    "kind": "timeslot",
    "municipality": "上尾市",
    "resourceTypes": [{"resourceTypeId": "lane", "name": "レーン"}],
    "rules": {
        "opensBefore": "P14D",
        "closesDaysBefore": {"provisional": 2, "verified": 1},
        "maxUnitsPerBooking": 2,
        "changeDeadlineDays": 1,
        "cancelDeadlineDays": 1,
    },
}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_staff_routes_need_a_staff_token(service: LocalService) -> None:
    missing = service.call("PUT", "/v1/staff/facilities/pool", json=POOL)
    assert missing.status_code == 401
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "UNAUTHENTICATED"
    forged = service.call("PUT", "/v1/staff/facilities/pool", json=POOL, headers=_auth("forged"))
    assert forged.status_code == 401
    assert service.call("GET", "/v1/facilities/pool").status_code == 404


def test_wrong_staff_password(service: LocalService) -> None:
    response = service.call(
        "POST",
        "/v1/staff/sessions",
        json={"staffId": "demo-staff", "password": "nope"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"
    assert response.json()["title"] == "Wrong number or password"


def test_staff_create_a_facility_and_open_change_and_close_inventory(
    service: LocalService,
) -> None:
    token = service.staff_token()
    created = service.call("PUT", "/v1/staff/facilities/pool", json=POOL, headers=_auth(token))
    assert created.status_code == 200, created.text
    assert service.call("GET", "/v1/facilities/pool").json()["name"] == "市民プール"

    start = service.today() + timedelta(days=3)
    end = start + timedelta(days=6)
    change = {
        "resourceTypeId": "lane",
        "from": start.isoformat(),
        "to": end.isoformat(),
        "capacity": 6,
        "slots": [{"start": "10:00", "end": "12:00"}, {"start": "13:00", "end": "15:00"}],
        "closedDates": [end.isoformat()],
    }
    opened = service.call(
        "PUT", "/v1/staff/facilities/pool/inventory", json=change, headers=_auth(token)
    )
    assert opened.status_code == 200, opened.text
    assert opened.json()["daysChanged"] == 7

    def days() -> list[dict[str, object]]:
        response = service.call(
            "GET",
            "/v1/facilities/pool/availability",
            params={"from": start.isoformat(), "to": end.isoformat()},
        )
        assert response.status_code == 200
        result: list[dict[str, object]] = response.json()["days"]
        return result

    first, last = days()[0], days()[-1]
    assert (first["capacity"], first["available"], first["mark"]) == (12, 12, "free")
    assert last["mark"] == "closed"

    change["capacity"] = 4
    change["closedDates"] = []
    lowered = service.call(
        "PUT", "/v1/staff/facilities/pool/inventory", json=change, headers=_auth(token)
    )
    assert lowered.status_code == 200, lowered.text
    assert all(d["capacity"] == 8 and d["mark"] == "free" for d in days())

    bad = dict(change, slots=[{"start": "12:00", "end": "10:00"}])
    refused = service.call(
        "PUT", "/v1/staff/facilities/pool/inventory", json=bad, headers=_auth(token)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "slots"
    assert all(d["capacity"] == 8 for d in days())  # nothing changed


def test_unknown_fields_are_refused_and_nothing_is_stored(service: LocalService) -> None:
    token = service.staff_token()
    body = dict(POOL, name="別名", colour="blue")
    response = service.call("PUT", "/v1/staff/facilities/pool2", json=body, headers=_auth(token))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "colour", "message": "この項目は受け付けていません。削除してください。"}
    ]
    assert service.call("GET", "/v1/facilities/pool2").status_code == 404


def test_moving_the_clock_moves_what_users_see(service: LocalService) -> None:
    token = service.staff_token()
    real_now = datetime.now(UTC)
    soon = (real_now + timedelta(hours=30)).isoformat(timespec="seconds")
    posted = service.call(
        "POST",
        "/v1/staff/notices",
        json={"title": "臨時休館", "body": "設備点検のため休館します。", "publishedAt": soon},
        headers=_auth(token),
    )
    assert posted.status_code == 201, posted.text

    def titles() -> list[str]:
        return [n["title"] for n in service.call("GET", "/v1/notices").json()["items"]]

    clock = service.call("GET", "/_local/clock").json()
    today = date.fromisoformat(clock["today"])
    # The service's day is Tokyo's, whatever the UTC date.
    assert today == (datetime.fromisoformat(clock["now"]) + timedelta(hours=9)).date()
    try:
        assert "臨時休館" not in titles()
        state = service.move_clock(2 * 24 * 3600)
        assert state["offsetSeconds"] == 2 * 24 * 3600
        assert "臨時休館" in titles()
        # What was today is now in the past: it shows as closed.
        days = service.call(
            "GET",
            "/v1/facilities/minato-atagawa/availability",
            params={"from": today.isoformat(), "to": (today + timedelta(days=2)).isoformat()},
        ).json()["days"]
        assert [d["mark"] for d in days] == ["closed", "closed", "free"]
    finally:
        service.move_clock(0)


def test_clock_needs_offset_seconds(service: LocalService) -> None:
    response = service.call("POST", "/_local/clock", json={"offset": 5})
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


def test_outbox_and_unknown_schedule(service: LocalService) -> None:
    outbox = service.call("GET", "/_local/outbox")
    assert outbox.status_code == 200
    assert isinstance(outbox.json()["items"], list)
    missing = service.call("POST", "/_local/schedules/no-such-schedule/run")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"
