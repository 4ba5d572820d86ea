"""Planning new closing days over opened inventory (domain/closure_plan.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from yoyaku.domain.catalog import Facility
from yoyaku.domain.closure_plan import candidate_days, plan_closures
from yoyaku.domain.closures import ClosingDays
from yoyaku.domain.inventory import WHOLE_DAY, Cell, Claim, ClaimState, DayInventory

NOW = datetime(2030, 5, 15, 1, tzinfo=UTC)
MON, TUE, WED = date(2030, 6, 10), date(2030, 6, 11), date(2030, 6, 12)


def inn(**closing: object) -> Facility:
    return Facility.model_validate(
        {
            "facilityId": "inn",
            "name": "大平台みなと荘",
            "kind": "lodging",
            "resourceTypes": [
                {"resourceTypeId": "room", "name": "客室"},
                {"resourceTypeId": "suite", "name": "特別室"},
            ],
            "rules": {
                "closesDaysBefore": {"provisional": 14, "verified": 5},
                "maxNights": 2,
                "maxUnitsPerBooking": 3,
                "changeDeadlineDays": 5,
                "cancelDeadlineDays": 3,
                **closing,
            },
        }
    )


def opened(day: date, kind: str = "room", units: int = 3, **extra: object) -> DayInventory:
    return DayInventory(day, kind, (Cell(WHOLE_DAY, units),), version=2, **extra)  # type: ignore[arg-type]


def claim(day: date, unit: int, state: ClaimState, **extra: object) -> Claim:
    return Claim(day, "room", WHOLE_DAY, unit, state, **extra)  # type: ignore[arg-type]


def test_a_free_day_closes_every_free_unit_and_keeps_its_units() -> None:
    inventory = [opened(WED), opened(WED, "suite", 1)]
    plan = plan_closures(inn(), ClosingDays(closed_dates=[WED]), inventory, [], NOW)
    assert [(c.day, c.reason) for c in plan.closing] == [(WED, "date")]
    assert plan.blocking == []
    room = next(p for p in plan.plans if p.new.resource_type_id == "room")
    assert room.new.closed and room.new.closed_reason == "date"
    assert room.new.cells == (Cell(WHOLE_DAY, 3),)  # units kept: reopening reuses them
    assert room.cells[0].close == (2, 1, 0)
    assert room.previous_version == 2
    assert plan.newly_closed == 2


def test_bookings_live_holds_and_lottery_units_block_their_day_only() -> None:
    claims = [
        claim(MON, 0, ClaimState.BOOKED, holder="1234567890"),
        claim(MON, 1, ClaimState.HOLD, expires_at=NOW + timedelta(minutes=3), holder="hld_a"),
        claim(MON, 2, ClaimState.HOLD, expires_at=NOW - timedelta(seconds=1), holder="hld_b"),
        claim(TUE, 0, ClaimState.LOTTERY, holder="lot_1"),
        claim(WED, 0, ClaimState.CLOSED),  # a unit staff closed before: in nobody's way
    ]
    rules = ClosingDays(closed_dates=[MON, TUE, WED])
    plan = plan_closures(inn(), rules, [opened(MON), opened(TUE), opened(WED)], claims, NOW)
    assert sorted((c.day, c.holder) for c in plan.blocking) == [
        (MON, "1234567890"),
        (MON, "hld_a"),
        (TUE, "lot_1"),
    ]
    assert [p.new.day for p in plan.plans] == [WED]
    assert plan.plans[0].cells[0].close == (2, 1)


def test_a_day_closed_for_the_same_reason_is_left_alone_another_reason_is_rewritten() -> None:
    inventory = [
        opened(TUE, closed=True, closed_reason="weekly"),
        opened(WED, closed=True, closed_reason="weekly"),
    ]
    rules = ClosingDays(closed_weekdays=["tuesday", "wednesday"], closed_dates=[WED])
    plan = plan_closures(inn(closedWeekdays=["tuesday"]), rules, inventory, [], NOW)
    assert [(c.day, c.reason) for c in plan.closing] == [(TUE, "weekly"), (WED, "date")]
    assert [(p.new.day, p.new.closed_reason) for p in plan.plans] == [(WED, "date")]


def test_days_the_new_rules_no_longer_close_stay_closed_and_are_named() -> None:
    inventory = [opened(TUE, closed=True, closed_reason="weekly"), opened(WED)]
    plan = plan_closures(inn(closedWeekdays=["tuesday"]), ClosingDays(), inventory, [], NOW)
    assert plan.still_closed == [TUE]
    assert plan.plans == [] and plan.closing == []


def test_inventory_of_a_removed_resource_type_is_left_alone() -> None:
    plan = plan_closures(inn(), ClosingDays(closed_dates=[WED]), [opened(WED, "annex")], [], NOW)
    assert plan.plans == [] and plan.closing == []


def test_candidate_days_are_the_days_either_rule_set_closes() -> None:
    facility = inn(closedDates=["2030-06-12"])
    days = candidate_days(
        facility, ClosingDays(closed_weekdays=["monday"]), MON, WED + timedelta(7)
    )
    assert days == [MON, WED, date(2030, 6, 17)]
