"""Reception hours, suspensions and postal codes over HTTP on the local runtime.

The demo takes bookings at any hour; each test that sets hours or a suspension puts the
demo back as it was, since the service is shared by the whole e2e session.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.accounts import bearer, registered
from tests.e2e.conftest import LocalService

TOKYO = ZoneInfo("Asia/Tokyo")
HOLD = {
    "facilityId": "minato-ohiradai",
    "resourceTypeId": "room",
    "date": "2030-01-01",
    "nights": 1,
    "quantity": 1,
}


def _now(service: LocalService) -> datetime:
    return datetime.fromisoformat(service.call("GET", "/_local/clock").json()["now"])


def test_the_demo_takes_bookings_at_any_hour(service: LocalService) -> None:
    status = service.call("GET", "/v1/reception").json()
    assert status["hours"] is None and status["accepting"] is True


def test_bookings_outside_the_hours_are_refused_with_the_next_opening(
    service: LocalService,
) -> None:
    citizen = registered(service)
    staff = bearer(service.staff_token())
    tokyo_now = _now(service).astimezone(TOKYO)
    opens = (tokyo_now + timedelta(hours=2)).strftime("%H:00")
    closes = (tokyo_now + timedelta(hours=3)).strftime("%H:00")
    try:
        reply = service.call(
            "PUT",
            "/v1/staff/reception-hours",
            json={"opens": opens, "closes": closes},
            headers=staff,
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["accepting"] is False
        refused = service.call("POST", "/v1/holds", json=HOLD, headers=bearer(citizen.token))
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert body["code"] == "OUTSIDE_RECEPTION_HOURS"
        assert body["opensAt"].endswith(f"T{opens}:00+09:00")
        assert service.call("GET", "/v1/facilities").status_code == 200
    finally:
        reset = service.call(
            "PUT",
            "/v1/staff/reception-hours",
            data="null",
            headers={
                **staff,
                "Content-Type": "application/json",
            },
        )
        assert reset.status_code == 200, reset.text
    assert service.call("GET", "/v1/reception").json()["accepting"] is True


def test_a_suspension_answers_503_with_retry_after(service: LocalService) -> None:
    staff = bearer(service.staff_token())
    now = _now(service)
    created = service.call(
        "POST",
        "/v1/staff/suspensions",
        json={
            "from": (now - timedelta(minutes=1)).isoformat(),
            "until": (now + timedelta(minutes=10)).isoformat(),
            "notice": "システム更新のため一時休止しています。",
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    try:
        reply = service.call(
            "POST",
            "/v1/registrations/confirm",
            json={"token": "x"},
            headers={"Accept-Language": "en"},
        )
        assert reply.status_code == 503
        assert reply.json()["code"] == "SERVICE_SUSPENDED"
        assert 1 <= int(reply.headers["Retry-After"]) <= 600
        assert reply.json()["notice"] == "システム更新のため一時休止しています。"
        assert service.call("GET", "/v1/facilities").status_code == 200
    finally:
        suspension_id = created.json()["suspensionId"]
        ended = service.call("DELETE", f"/v1/staff/suspensions/{suspension_id}", headers=staff)
        assert ended.status_code == 204
    assert service.call("GET", "/v1/reception").json()["accepting"] is True


def test_postal_code_lookup(service: LocalService) -> None:
    reply = service.call("GET", "/v1/postal-codes/1058511")
    assert reply.status_code == 200
    assert reply.json()["addresses"][0]["city"] == "港区"
    assert service.call("GET", "/v1/postal-codes/9999999").status_code == 404
