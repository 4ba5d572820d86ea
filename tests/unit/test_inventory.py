"""Inventory planning: what staff changes turn into, before anything is written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from yoyaku.api.validation import field_errors
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import (
    WHOLE_DAY,
    Cell,
    CellPlan,
    Claim,
    ClaimState,
    DayInventory,
    DayPlan,
    InventoryChange,
    plan_cell,
    plan_inventory,
)
from yoyaku.domain.messages import Bilingual

NOW = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
TODAY = date(2030, 5, 15)
DAY = date(2030, 6, 10)
LATER = NOW + timedelta(minutes=5)
EARLIER = NOW - timedelta(minutes=5)

RULES: dict[str, Any] = {
    "closesDaysBefore": {"provisional": 14, "verified": 5},
    "maxUnitsPerBooking": 3,
    "changeDeadlineDays": 5,
    "cancelDeadlineDays": 3,
}
INN = Facility.model_validate(
    {
        "facilityId": "inn",
        "name": "宿",
        "kind": "lodging",
        "resourceTypes": [
            {"resourceTypeId": "room", "name": "客室"},
            {"resourceTypeId": "suite", "name": "特別室"},
        ],
        "rules": {**RULES, "maxNights": 2},
    }
)
GYM = Facility.model_validate(
    {
        "facilityId": "gym",
        "name": "体育館",
        "kind": "timeslot",
        "resourceTypes": [{"resourceTypeId": "arena", "name": "アリーナ"}],
        "rules": RULES,
    }
)
MORNING = {"start": "09:00", "end": "12:00"}
AFTERNOON = {"start": "13:00", "end": "16:00"}
EVENING = {"start": "17:00", "end": "20:00"}


def claim(
    unit: int,
    state: ClaimState = ClaimState.BOOKED,
    *,
    expires_at: datetime | None = None,
    cell: str = WHOLE_DAY,
    day: date = DAY,
    resource_type_id: str = "room",
) -> Claim:
    return Claim(day, resource_type_id, cell, unit, state, expires_at=expires_at)


def hold(unit: int, expires_at: datetime = LATER, **kwargs: Any) -> Claim:
    return claim(unit, ClaimState.HOLD, expires_at=expires_at, **kwargs)


def closure(unit: int, **kwargs: Any) -> Claim:
    return claim(unit, ClaimState.CLOSED, **kwargs)


def change(**fields: Any) -> InventoryChange:
    """An inventory change as staff send it; `from_` stands for the JSON field `from`."""
    if "from_" in fields:
        fields["from"] = fields.pop("from_")
    document = {
        "resourceTypeId": "room",
        "from": DAY.isoformat(),
        "to": DAY.isoformat(),
        "capacity": 2,
        **fields,
    }
    return InventoryChange.model_validate(document)


def effective_after(old: Cell, claims: list[Claim], units: int, plan: CellPlan) -> int:
    """Bookable units once the plan is written: numbered units minus closures."""
    closed = {c.unit for c in claims if c.state is ClaimState.CLOSED and c.unit < old.units}
    closed = (closed - set(plan.reopen)) | set(plan.close)
    return units - len(closed)


def refused_field(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str]]:
    assert error.value.code is ErrorCode.VALIDATION_FAILED
    return [(f.field, f.kind) for f in error.value.field_errors]


# ------------------------------------------------------------------ plan_cell


def test_a_new_cell_numbers_its_units() -> None:
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 0), [], 3, NOW)
    assert units == 3
    assert plan == CellPlan(WHOLE_DAY)


def test_growing_numbers_more_units() -> None:
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 3), [claim(0)], 5, NOW)
    assert (units, plan.close, plan.reopen) == (5, (), ())


def test_shrinking_closes_the_highest_free_units_and_keeps_the_numbering() -> None:
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 5), [], 3, NOW)
    assert units == 5
    assert plan.close == (4, 3)
    assert plan.reopen == ()


def test_shrinking_skips_units_that_are_taken_or_already_closed() -> None:
    claims = [claim(4), hold(3), closure(2)]
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 6), claims, 3, NOW)
    assert units == 6
    assert plan.close == (5, 1)  # 4 and 3 are taken, 2 is already closed
    assert effective_after(Cell(WHOLE_DAY, 6), claims, units, plan) == 3


def test_growing_reopens_closed_units_before_numbering_new_ones() -> None:
    claims = [closure(3), closure(4)]
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 5), claims, 4, NOW)
    assert (units, plan.reopen, plan.close) == (5, (3,), ())

    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 5), claims, 7, NOW)
    assert (units, plan.reopen, plan.close) == (7, (3, 4), ())


def test_the_same_capacity_plans_nothing() -> None:
    claims = [claim(0), closure(2)]
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 3), claims, 2, NOW)
    assert (units, plan.close, plan.reopen) == (3, (), ())


def test_capacity_below_live_claims_is_refused_with_conflict() -> None:
    claims = [claim(0), hold(1)]
    with pytest.raises(DomainError) as error:
        plan_cell(DAY, Cell(WHOLE_DAY, 3), claims, 1, NOW)
    assert error.value.code is ErrorCode.CONFLICT
    reason = error.value.params["reason"]
    assert isinstance(reason, Bilingual)
    assert "2030-06-10" in reason.ja
    assert "2030-06-10 has 2 bookings or holds" in reason.en


def test_the_refusal_names_the_slot_of_a_timeslot_cell() -> None:
    cell = Cell("0900", 1, start="09:00", end="12:00")
    with pytest.raises(DomainError) as error:
        plan_cell(DAY, cell, [claim(0, cell="0900")], 0, NOW)
    assert "2030-06-10 09:00 has 1 bookings or holds" in error.value.params["reason"].en


def test_capacity_equal_to_live_claims_is_allowed() -> None:
    claims = [claim(0), hold(1)]
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 3), claims, 2, NOW)
    assert (units, plan.close) == (3, (2,))


def test_expired_holds_count_as_free() -> None:
    claims = [hold(0, EARLIER), hold(1, EARLIER), hold(2, EARLIER)]
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 3), claims, 0, NOW)
    assert (units, plan.close) == (3, (2, 1, 0))


def test_a_hold_expiring_this_instant_no_longer_counts() -> None:
    _, plan = plan_cell(DAY, Cell(WHOLE_DAY, 1), [hold(0, NOW)], 0, NOW)
    assert plan.close == (0,)
    with pytest.raises(DomainError):
        plan_cell(DAY, Cell(WHOLE_DAY, 1), [hold(0, NOW + timedelta(seconds=1))], 0, NOW)


def test_claims_beyond_the_numbered_units_are_ignored() -> None:
    claims = [claim(7), closure(9)]
    units, plan = plan_cell(DAY, Cell(WHOLE_DAY, 2), claims, 0, NOW)
    assert (units, plan.close, plan.reopen) == (2, (1, 0), ())


CLAIM_KINDS = st.sampled_from(["none", "live-hold", "expired-hold", "booked", "closed"])


@given(
    units=st.integers(min_value=0, max_value=12),
    kinds=st.lists(CLAIM_KINDS, min_size=16, max_size=16),
    target=st.integers(min_value=0, max_value=20),
)
def test_plan_cell_reaches_the_target_and_never_goes_below_live_claims(
    units: int, kinds: list[str], target: int
) -> None:
    claims = []
    for unit, kind in enumerate(kinds):
        if kind == "live-hold":
            claims.append(hold(unit, LATER))
        elif kind == "expired-hold":
            claims.append(hold(unit, EARLIER))
        elif kind == "booked":
            claims.append(claim(unit))
        elif kind == "closed":
            claims.append(closure(unit))
    old = Cell(WHOLE_DAY, units)
    live = {c.unit for c in claims if c.unit < units and c.is_live(NOW)}
    closed = {c.unit for c in claims if c.unit < units and c.state is ClaimState.CLOSED}
    if target < len(live):
        with pytest.raises(DomainError) as error:
            plan_cell(DAY, old, claims, target, NOW)
        assert error.value.code is ErrorCode.CONFLICT
        return
    new_units, plan = plan_cell(DAY, old, claims, target, NOW)
    assert new_units >= units  # units are never renumbered away
    assert not (plan.close and plan.reopen)
    assert set(plan.reopen) <= closed
    assert not set(plan.close) & (live | closed)
    assert all(0 <= u < units for u in plan.close)
    assert len(set(plan.close)) == len(plan.close)
    closures = (closed - set(plan.reopen)) | set(plan.close)
    assert not closures & live
    assert new_units - len(closures) == target
    if new_units > units:
        assert set(plan.reopen) == closed  # new units are numbered only once none is closed


# ------------------------------------------------------------------ plan_inventory


def test_opening_new_days_plans_one_record_per_day() -> None:
    plans = plan_inventory(change(to="2030-06-12", capacity=4), INN, {}, [], NOW, TODAY)
    assert [p.new.day for p in plans] == [date(2030, 6, 10), date(2030, 6, 11), date(2030, 6, 12)]
    for plan in plans:
        assert plan.previous_version is None
        assert plan.new == DayInventory(
            plan.new.day, "room", (Cell(WHOLE_DAY, 4),), closed=False, version=1
        )
        assert plan.cells == ()
        assert plan.writes == 1


def test_unchanged_days_produce_no_plan() -> None:
    wanted = change(from_="2030-06-10", to="2030-06-12", capacity=4)
    first = plan_inventory(wanted, INN, {}, [], NOW, TODAY)
    existing = {p.new.day: p.new for p in first}
    assert plan_inventory(wanted, INN, existing, [], NOW, TODAY) == []

    del existing[date(2030, 6, 11)]
    again = plan_inventory(wanted, INN, existing, [], NOW, TODAY)
    assert [p.new.day for p in again] == [date(2030, 6, 11)]


def test_changing_a_day_bumps_its_version() -> None:
    existing = {DAY: DayInventory(DAY, "room", (Cell(WHOLE_DAY, 2),), version=7)}
    (plan,) = plan_inventory(change(capacity=5), INN, existing, [], NOW, TODAY)
    assert plan.previous_version == 7
    assert plan.new.version == 8
    assert plan.new.cells == (Cell(WHOLE_DAY, 5),)


def test_shrinking_a_day_plans_closures() -> None:
    existing = {DAY: DayInventory(DAY, "room", (Cell(WHOLE_DAY, 4),), version=1)}
    (plan,) = plan_inventory(change(capacity=1), INN, existing, [claim(0)], NOW, TODAY)
    assert plan.new.cells == (Cell(WHOLE_DAY, 4),)
    assert plan.cells == (CellPlan(WHOLE_DAY, close=(3, 2, 1)),)
    assert plan.writes == 4


def test_closed_dates_get_capacity_zero_and_the_closed_flag() -> None:
    existing = {
        date(2030, 6, 10): DayInventory(date(2030, 6, 10), "room", (Cell(WHOLE_DAY, 2),)),
        date(2030, 6, 11): DayInventory(date(2030, 6, 11), "room", (Cell(WHOLE_DAY, 2),)),
    }
    plans = plan_inventory(
        change(to="2030-06-11", capacity=2, closedDates=["2030-06-11"]),
        INN,
        existing,
        [],
        NOW,
        TODAY,
    )
    (plan,) = plans  # 06-10 is unchanged
    assert plan.new.day == date(2030, 6, 11)
    assert plan.new.closed is True
    assert plan.cells == (CellPlan(WHOLE_DAY, close=(1, 0)),)


def test_a_new_closed_day_numbers_no_units() -> None:
    (plan,) = plan_inventory(change(closedDates=[DAY.isoformat()]), INN, {}, [], NOW, TODAY)
    assert plan.new.closed is True
    assert plan.new.cells == (Cell(WHOLE_DAY, 0),)


def test_closing_a_day_with_bookings_is_refused() -> None:
    existing = {DAY: DayInventory(DAY, "room", (Cell(WHOLE_DAY, 2),))}
    with pytest.raises(DomainError) as error:
        plan_inventory(change(closedDates=[DAY.isoformat()]), INN, existing, [hold(1)], NOW, TODAY)
    assert error.value.code is ErrorCode.CONFLICT


def test_reopening_a_closed_day_deletes_its_closures() -> None:
    existing = {DAY: DayInventory(DAY, "room", (Cell(WHOLE_DAY, 2),), closed=True, version=2)}
    claims = [closure(0), closure(1)]
    (plan,) = plan_inventory(change(capacity=2), INN, existing, claims, NOW, TODAY)
    assert plan.new.closed is False
    assert plan.cells == (CellPlan(WHOLE_DAY, reopen=(0, 1)),)
    assert plan.previous_version == 2


def test_claims_of_other_resource_types_do_not_count() -> None:
    existing = {DAY: DayInventory(DAY, "room", (Cell(WHOLE_DAY, 2),))}
    suite_claims = [claim(0, resource_type_id="suite"), claim(1, resource_type_id="suite")]
    (plan,) = plan_inventory(change(capacity=0), INN, existing, suite_claims, NOW, TODAY)
    assert plan.cells == (CellPlan(WHOLE_DAY, close=(1, 0)),)


def test_timeslot_days_get_one_cell_per_slot() -> None:
    wanted = change(resourceTypeId="arena", capacity=2, slots=[AFTERNOON, MORNING])
    (plan,) = plan_inventory(wanted, GYM, {}, [], NOW, TODAY)
    assert plan.new.cells == (
        Cell("0900", 2, start="09:00", end="12:00"),
        Cell("1300", 2, start="13:00", end="16:00"),
    )


def test_changing_the_slot_pattern_deactivates_the_old_cells() -> None:
    before = plan_inventory(
        change(resourceTypeId="arena", capacity=2, slots=[MORNING, AFTERNOON]),
        GYM,
        {},
        [],
        NOW,
        TODAY,
    )
    existing = {p.new.day: p.new for p in before}
    claims = [claim(0, cell="0900", resource_type_id="arena")]
    (plan,) = plan_inventory(
        change(resourceTypeId="arena", capacity=2, slots=[MORNING, EVENING]),
        GYM,
        existing,
        claims,
        NOW,
        TODAY,
    )
    assert plan.new.cells == (
        Cell("0900", 2, start="09:00", end="12:00"),
        Cell("1300", 2, start="13:00", end="16:00", active=False),
        Cell("1700", 2, start="17:00", end="20:00"),
    )
    assert plan.cells == (CellPlan("1300", close=(1, 0)),)


def test_removing_a_slot_with_bookings_is_refused() -> None:
    before = plan_inventory(
        change(resourceTypeId="arena", capacity=2, slots=[MORNING, AFTERNOON]),
        GYM,
        {},
        [],
        NOW,
        TODAY,
    )
    existing = {p.new.day: p.new for p in before}
    claims = [hold(1, cell="1300", resource_type_id="arena")]
    with pytest.raises(DomainError) as error:
        plan_inventory(
            change(resourceTypeId="arena", capacity=2, slots=[MORNING]),
            GYM,
            existing,
            claims,
            NOW,
            TODAY,
        )
    assert error.value.code is ErrorCode.CONFLICT
    assert "13:00" in error.value.params["reason"].en


def test_timeslot_facilities_need_slots() -> None:
    with pytest.raises(DomainError) as error:
        plan_inventory(change(resourceTypeId="arena"), GYM, {}, [], NOW, TODAY)
    assert refused_field(error) == [("slots", "slots_required")]


def test_lodging_refuses_slots() -> None:
    with pytest.raises(DomainError) as error:
        plan_inventory(change(slots=[MORNING]), INN, {}, [], NOW, TODAY)
    assert refused_field(error) == [("slots", "slots_not_allowed")]


def test_unknown_resource_types_are_refused_naming_the_known_ones() -> None:
    with pytest.raises(DomainError) as error:
        plan_inventory(change(resourceTypeId="arena"), INN, {}, [], NOW, TODAY)
    assert refused_field(error) == [("resourceTypeId", "unknown_resource_type")]
    assert error.value.field_errors[0].params == {"known": "room, suite"}


def test_days_in_the_past_are_refused() -> None:
    with pytest.raises(DomainError) as error:
        plan_inventory(change(from_="2030-05-14"), INN, {}, [], NOW, TODAY)
    assert refused_field(error) == [("from", "date_in_past")]
    assert error.value.field_errors[0].params == {"today": "2030-05-15"}


def test_today_can_be_opened() -> None:
    plans = plan_inventory(change(from_="2030-05-15", to="2030-05-15"), INN, {}, [], NOW, TODAY)
    assert [p.new.day for p in plans] == [TODAY]


def test_day_plan_counts_its_writes() -> None:
    plan = DayPlan(
        new=DayInventory(DAY, "room", ()),
        previous_version=1,
        cells=(CellPlan("0900", close=(1, 0)), CellPlan("1300", reopen=(2,))),
    )
    assert plan.writes == 4


# ------------------------------------------------------------------ InventoryChange


def change_errors(**fields: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        change(**fields)
    return [(e.field, e.kind) for e in field_errors(caught.value.errors())]


def test_to_before_from_is_refused_on_to() -> None:
    assert change_errors(from_="2030-06-10", to="2030-06-09") == [("to", "date_order")]


def test_at_most_366_days_per_change() -> None:
    assert change(from_="2030-06-01", to="2031-06-01").to == date(2031, 6, 1)  # 366 days
    assert change_errors(from_="2030-06-01", to="2031-06-02") == [("to", "range_too_long")]


@pytest.mark.parametrize(
    "slots",
    [
        [{"start": "12:00", "end": "09:00"}],  # reversed
        [{"start": "09:00", "end": "09:00"}],  # empty
        [MORNING, {"start": "11:00", "end": "13:00"}],  # overlapping
    ],
)
def test_slots_must_be_ordered_and_disjoint(slots: list[dict[str, str]]) -> None:
    assert change_errors(slots=slots) == [("slots", "slot_order")]


def test_adjacent_slots_are_fine_in_any_order() -> None:
    slots = [{"start": "10:00", "end": "11:00"}, {"start": "09:00", "end": "10:00"}]
    assert [s.key for s in change(slots=slots).slots or []] == ["1000", "0900"]


@pytest.mark.parametrize("bad", ["24:00", "9:00", "09:60", "0900", "noon"])
def test_slot_times_are_hh_mm(bad: str) -> None:
    assert change_errors(slots=[{"start": bad, "end": "23:00"}]) == [
        ("slots[0].start", "string_pattern_mismatch")
    ]


def test_closed_dates_must_lie_in_the_range() -> None:
    assert change_errors(to="2030-06-11", closedDates=["2030-06-12"]) == [
        ("closedDates", "date_outside_range")
    ]


@pytest.mark.parametrize(
    ("capacity", "kind"),
    [(-1, "greater_than_equal"), (1000, "less_than_equal"), ("many", "int_parsing")],
)
def test_capacity_bounds(capacity: Any, kind: str) -> None:
    assert change_errors(capacity=capacity) == [("capacity", kind)]


def test_unknown_fields_are_refused() -> None:
    assert change_errors(colour="blue") == [("colour", "extra_forbidden")]
