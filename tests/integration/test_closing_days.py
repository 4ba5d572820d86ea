"""Closing days through the gateway: weekly closing days, public holidays (振替休日 and
国民の休日 included), the year-end closure and single dates, applied when staff open
inventory, shown as `closed` with a reason in availability and refused by holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from yoyaku.domain.calendar import TOKYO

from .helpers import GYM, MORNING, definition

COUNTER_RULES: dict[str, Any] = {
    "opensBefore": "P1M",
    "closesDaysBefore": {"provisional": 1, "verified": 1},
    "maxUnitsPerBooking": 2,
    "changeDeadlineDays": 1,
    "cancelDeadlineDays": 1,
    "closedWeekdays": ["saturday", "sunday"],
    "closedOnHolidays": True,
    "yearEndClosure": {"from": "12-29", "to": "01-03"},
}


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO).astimezone(UTC)


def open_counter(client, token: str, start: date, end: date, **rules: Any) -> None:
    body = definition(GYM, rules={**COUNTER_RULES, **rules})
    assert client.put("/v1/staff/facilities/counter", json_body=body, token=token).status == 200
    reply = client.put(
        "/v1/staff/facilities/counter/inventory",
        json_body={
            "resourceTypeId": "arena",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "capacity": 1,
            "slots": [MORNING],
        },
        token=token,
    )
    assert reply.status == 200, reply.body


def calendar(client, start: date, end: date) -> dict[str, dict[str, Any]]:
    reply = client.get(
        f"/v1/facilities/counter/availability?from={start.isoformat()}&to={end.isoformat()}"
    )
    assert reply.status == 200, reply.body
    return {d["date"]: d for d in reply.json["days"]}


def hold(client, citizen, day: date):
    body = {
        "facilityId": "counter",
        "resourceTypeId": "arena",
        "date": day.isoformat(),
        "start": "09:00",
        "quantity": 1,
    }
    return client.post("/v1/holds", json_body=body, token=citizen.token)


def test_year_end_edges_through_availability_and_holds(
    client, clock, staff_token, make_citizen
) -> None:
    clock.set(at(date(2026, 12, 10)))
    open_counter(client, staff_token, date(2026, 12, 21), date(2027, 1, 12))
    days = calendar(client, date(2026, 12, 21), date(2027, 1, 12))

    assert days["2026-12-28"]["mark"] == "free"  # Monday, the last working day
    assert days["2026-12-28"]["closedReason"] is None
    for closed in ("2026-12-29", "2026-12-30", "2027-01-01", "2027-01-03"):
        assert days[closed]["mark"] == "closed"
        assert days[closed]["closedReason"] == "year_end"
        assert days[closed]["slots"] == []
    assert days["2027-01-01"]["holiday"] == "元日"  # shown even where year-end explains it
    assert days["2027-01-04"]["mark"] == "free"  # Monday, the first working day
    assert days["2027-01-09"]["closedReason"] == "weekly"  # Saturday
    assert days["2027-01-11"]["closedReason"] == "holiday"  # 成人の日, a Monday
    assert days["2027-01-11"]["holiday"] == "成人の日"
    assert days["2027-01-12"]["mark"] == "free"

    citizen = make_citizen(status="verified")
    assert hold(client, citizen, date(2026, 12, 28)).status == 201
    assert hold(client, citizen, date(2027, 1, 4)).status == 201
    clock.set(at(date(2026, 12, 12)))  # 1/11 opens for booking on 12/11
    for refused in (date(2026, 12, 29), date(2027, 1, 1), date(2027, 1, 3), date(2027, 1, 11)):
        reply = hold(client, citizen, refused)
        assert reply.status == 409, (refused, reply.body)
        assert reply.json["code"] == "NOT_AVAILABLE"


@pytest.mark.parametrize(
    ("today", "closed", "open_after"),
    [
        # 2026-05-03 (憲法記念日) is a Sunday: 5/6 is its substitute holiday (振替休日).
        (date(2026, 4, 10), date(2026, 5, 6), date(2026, 5, 7)),
        # 2026-09-22 lies between 敬老の日 (9/21) and 秋分の日 (9/23): 国民の休日.
        (date(2026, 8, 25), date(2026, 9, 22), date(2026, 9, 24)),
    ],
)
def test_substitute_and_citizens_holidays_are_closed(
    client, clock, staff_token, make_citizen, today: date, closed: date, open_after: date
) -> None:
    clock.set(at(today))
    open_counter(client, staff_token, closed - timedelta(days=2), open_after)
    days = calendar(client, closed - timedelta(days=2), open_after)
    assert days[closed.isoformat()]["closedReason"] == "holiday"
    assert days[closed.isoformat()]["holiday"] in ("憲法記念日 振替休日", "国民の休日")
    assert days[open_after.isoformat()]["mark"] == "free"
    assert days[open_after.isoformat()]["holiday"] is None

    citizen = make_citizen(status="verified")
    assert hold(client, citizen, closed).json["code"] == "NOT_AVAILABLE"
    assert hold(client, citizen, open_after).status == 201


def test_a_facility_open_on_holidays_shows_them_as_bookable(client, clock, staff_token) -> None:
    clock.set(at(date(2026, 12, 10)))
    open_counter(
        client,
        staff_token,
        date(2027, 1, 8),
        date(2027, 1, 11),
        closedWeekdays=[],
        closedOnHolidays=False,
        yearEndClosure=None,
    )
    days = calendar(client, date(2027, 1, 8), date(2027, 1, 11))
    assert days["2027-01-09"]["mark"] == "free"  # Saturday, no weekly closing day
    assert days["2027-01-11"]["mark"] == "free"
    assert days["2027-01-11"]["holiday"] == "成人の日"


def test_single_closing_dates_and_a_custom_year_end(client, clock, staff_token) -> None:
    clock.set(at(date(2026, 12, 1)))
    open_counter(
        client,
        staff_token,
        date(2026, 12, 24),
        date(2027, 1, 6),
        closedWeekdays=[],
        closedOnHolidays=False,
        yearEndClosure={"from": "12-31", "to": "01-05"},
        closedDates=["2026-12-24"],
    )
    days = calendar(client, date(2026, 12, 23), date(2027, 1, 6))
    assert days["2026-12-23"]["closedReason"] == "not_open"
    assert days["2026-12-24"]["closedReason"] == "date"
    assert days["2026-12-30"]["mark"] == "free"
    assert days["2026-12-31"]["closedReason"] == "year_end"
    assert days["2027-01-05"]["closedReason"] == "year_end"
    assert days["2027-01-06"]["mark"] == "free"
    clock.set(at(date(2026, 12, 26)))
    assert (
        calendar(client, date(2026, 12, 25), date(2026, 12, 26))["2026-12-25"]["closedReason"]
        == "past"
    )


def test_reopening_with_new_rules_changes_closed_days(client, clock, staff_token) -> None:
    """Opening inventory again after the rules changed applies the new rules."""
    clock.set(at(date(2026, 12, 10)))
    open_counter(client, staff_token, date(2027, 1, 8), date(2027, 1, 11))
    assert calendar(client, date(2027, 1, 9), date(2027, 1, 9))["2027-01-09"]["mark"] == "closed"
    open_counter(client, staff_token, date(2027, 1, 8), date(2027, 1, 11), closedWeekdays=[])
    days = calendar(client, date(2027, 1, 8), date(2027, 1, 11))
    assert days["2027-01-09"]["mark"] == "free"
    assert days["2027-01-11"]["closedReason"] == "holiday"


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"closedWeekdays": ["funday"]}, "rules.closedWeekdays[0]"),
        ({"yearEndClosure": {"from": "12-32"}}, "rules.yearEndClosure.from"),
        ({"yearEndClosure": {"from": "2026-12-29"}}, "rules.yearEndClosure.from"),
        ({"closedOnHolidays": "maybe"}, "rules.closedOnHolidays"),
        ({"closedDates": ["2026-02-30"]}, "rules.closedDates[0]"),
    ],
)
def test_bad_closing_rules_are_refused(client, staff_token, rules, field) -> None:
    body = definition(GYM, rules={**COUNTER_RULES, **rules})
    reply = client.put("/v1/staff/facilities/counter", json_body=body, token=staff_token)
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.json["errors"]]


def test_the_day_summaries_keep_why_a_day_is_closed(client, clock, staff_token) -> None:
    """Availability reads the day summaries: each way of opening or closing a day (the
    facility's rules, a date staff close, reopening under new rules) changes the reason
    there in the same transaction, and a rebuild puts a wrong one right."""
    from yoyaku.adapters import summary_store
    from yoyaku.adapters.table import SummaryItem

    from .helpers import assert_summaries_match_claims

    clock.set(at(date(2026, 12, 10)))
    start, end = date(2027, 1, 8), date(2027, 1, 11)  # Fri, Sat, Sun, 成人の日

    def reasons() -> dict[str, Any]:
        assert_summaries_match_claims("counter", start, end, clock.now())
        return {day: d["closedReason"] for day, d in calendar(client, start, end).items()}

    open_counter(client, staff_token, start, end)
    assert reasons() == {
        "2027-01-08": None,
        "2027-01-09": "weekly",
        "2027-01-10": "weekly",
        "2027-01-11": "holiday",
    }
    reply = client.put(
        "/v1/staff/facilities/counter/inventory",
        json_body={
            "resourceTypeId": "arena",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "capacity": 1,
            "slots": [MORNING],
            "closedDates": ["2027-01-08", "2027-01-11"],
        },
        token=staff_token,
    )
    assert reply.status == 200, reply.body
    assert reasons() == {
        "2027-01-08": "date",
        "2027-01-09": "weekly",
        "2027-01-10": "weekly",
        "2027-01-11": "date",
    }
    open_counter(client, staff_token, start, end, closedWeekdays=[], closedOnHolidays=False)
    assert set(reasons().values()) == {None}
    assert calendar(client, start, end)["2027-01-11"]["holiday"] == "成人の日"

    # A summary gone wrong (as if written before reasons were kept) is put right.
    open_counter(client, staff_token, start, end)
    item = SummaryItem.get(summary_store.partition("counter"), "2027-01-09#arena")
    item.update(actions=[SummaryItem.closed_reason.remove()])
    assert calendar(client, start, end)["2027-01-09"]["closedReason"] == "date"
    assert summary_store.rebuild("counter", start, end) == 1
    assert reasons()["2027-01-09"] == "weekly"
