"""The public catalog over HTTP, as a newcomer sees it after `make run`."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import jpholiday

from tests.e2e.conftest import ROOT, LocalService

DEMO_FACILITIES = {
    "minato-ohiradai": "大平台みなと荘",
    "minato-atagawa": "熱川プリンスホテル",
    "minato-izusan": "ラビスタ伊豆山",
    "ageo-gym": "上尾市民体育館",
    "ageo-tennis": "上尾運動公園テニスコート",
    "ageo-hiraikata-baseball": "平方野球場",
    "ageo-hiraikata-sports-plaza": "平方スポーツ広場",
    "ageo-kamihira-hall": "上平公民館",
    "mynumber-counter": "マイナンバーカード交付窓口",
}


def _today(service: LocalService) -> date:
    return service.today()


def test_lists_the_demo_facilities(service: LocalService) -> None:
    response = service.call("GET", "/v1/facilities")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    items = {f["facilityId"]: f for f in response.json()["items"]}
    # Other tests of the session add facilities of their own: the demo ones are all there.
    assert {k: items[k]["name"] for k in DEMO_FACILITIES if k in items} == DEMO_FACILITIES
    ohiradai = items["minato-ohiradai"]
    assert ohiradai["kind"] == "lodging"
    assert ohiradai["options"]["roomStyleWish"] is True
    assert ohiradai["rules"]["maxNights"] == 2
    assert ohiradai["rules"]["closesDaysBefore"] == {"provisional": 14, "verified": 5}
    assert ohiradai["lottery"] == {"enabled": True, "residentsOnly": True}
    counter = items["mynumber-counter"]
    assert [r["resourceTypeId"] for r in counter["resourceTypes"]] == ["counter-1", "counter-2"]


def test_one_facility(service: LocalService) -> None:
    response = service.call("GET", "/v1/facilities/ageo-tennis")
    assert response.status_code == 200
    assert response.json()["facilityId"] == "ageo-tennis"
    assert response.json()["kind"] == "timeslot"


def test_lodging_availability_defaults_to_the_two_month_calendar(service: LocalService) -> None:
    today = _today(service)
    response = service.call("GET", "/v1/facilities/minato-ohiradai/availability")
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == today.isoformat()
    end = date.fromisoformat(body["to"])
    assert end.month == (today.month % 12) + 1 and (end + timedelta(days=1)).day == 1
    first = body["days"][0]
    assert first == {
        "date": today.isoformat(),
        "resourceTypeId": "room",
        "capacity": 10,
        "available": 10,
        "mark": "free",
        "lottery": False,
        "closedReason": None,
        "holiday": None,
        "slots": None,
    }


def _counter_closes(day: date) -> str | None:
    """The demo counter's closing days (local/demo.py), with jpholiday as the oracle."""
    if (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
        return "year_end"
    if jpholiday.is_holiday(day):
        return "holiday"
    return "weekly" if day.weekday() >= 5 else None


def test_counter_has_quarter_hour_slots_and_is_closed_on_weekends_holidays_and_new_year(
    service: LocalService,
) -> None:
    """Whatever today is, the demo's 62 days from today follow the counter's calendar."""
    today = _today(service)
    end = today + timedelta(days=61)
    response = service.call(
        "GET",
        "/v1/facilities/mynumber-counter/availability",
        params={"from": today.isoformat(), "to": end.isoformat()},
    )
    assert response.status_code == 200
    days = response.json()["days"]
    assert len(days) == 62 * 2  # two counters
    for day in days:
        reason = _counter_closes(date.fromisoformat(day["date"]))
        if reason is not None:
            assert day["mark"] == "closed" and day["slots"] == [], day
            assert day["closedReason"] == reason, day
        else:
            # Other tests may hold a slot or two of the shared service, never all of them.
            assert day["mark"] in ("free", "partial") and day["capacity"] == 32, day
            assert len(day["slots"]) == 32
            assert day["slots"][0] == {
                "start": "09:00",
                "end": "09:15",
                "capacity": 1,
                "available": 1,
            }
        holiday = jpholiday.is_holiday_name(date.fromisoformat(day["date"]))
        assert day["holiday"] == holiday


def test_range_too_long_in_english(service: LocalService) -> None:
    response = service.call(
        "GET",
        "/v1/facilities/minato-ohiradai/availability",
        params={"from": "2030-01-01", "to": "2030-03-31"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "RANGE_TOO_LONG"
    assert body["title"] == "Range too long"
    assert "62 days" in body["detail"]


def test_bad_date_names_the_field_in_japanese(service: LocalService) -> None:
    response = service.call(
        "GET", "/v1/facilities/minato-ohiradai/availability", params={"from": "2030-02-30"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_FAILED"
    assert body["errors"][0]["field"] == "from"
    assert "YYYY-MM-DD" in body["errors"][0]["message"]
    assert body["title"] == "入力内容に誤りがあります"


def test_unknown_facility_and_unknown_route(service: LocalService) -> None:
    response = service.call("GET", "/v1/facilities/no-such-place")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert "施設" in response.json()["detail"]
    assert service.call("GET", "/v1/nothing-here").json()["code"] == "NOT_FOUND"


def test_notices(service: LocalService) -> None:
    items = service.call("GET", "/v1/notices").json()["items"]
    assert len(items) >= 2
    assert {"noticeId", "title", "body", "publishedAt"} <= set(items[0])


def test_openapi_is_the_committed_document(service: LocalService) -> None:
    response = service.call("GET", "/openapi.json")
    assert response.status_code == 200
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert response.json() == committed
    assert "/v1/facilities/{facilityId}/availability" in committed["paths"]


def test_every_request_is_logged_on_one_line(service: LocalService) -> None:
    service.call("GET", "/v1/facilities/ageo-gym?from=2030-01-01")
    # The line is printed right after the response is sent: give the reader a moment.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if any("GET /v1/facilities/ageo-gym?from=2030-01-01 200" in x for x in service.output):
            return
        time.sleep(0.05)
    raise AssertionError("request not logged:\n" + "\n".join(service.output[-5:]))
