"""Availability as the calendar shows it: capacity minus live claims, per day and slot.

The calendar reads day summaries and live holds; these tests build both from claims with
`summarise`, the reference that the stored summaries are held to (the booking property
test checks the stored ones against the table's claims after every step)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yoyaku.domain.availability import DayAvailability, availability, mark_for
from yoyaku.domain.catalog import Facility
from yoyaku.domain.inventory import (
    WHOLE_DAY,
    Cell,
    CellCounts,
    Claim,
    ClaimState,
    DayInventory,
    DaySummary,
    summarise,
)

NOW = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
TODAY = date(2030, 5, 15)
DAY = date(2030, 6, 10)
LATER = NOW + timedelta(minutes=5)
EARLIER = NOW - timedelta(seconds=1)

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
MORNING = Cell("0900", 2, start="09:00", end="12:00")
AFTERNOON = Cell("1300", 2, start="13:00", end="16:00")


def room_day(units: int, day: date = DAY, *, closed: bool = False) -> DayInventory:
    return DayInventory(day, "room", (Cell(WHOLE_DAY, units),), closed=closed)


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


def one_day(
    facility: Facility,
    inventory: list[DayInventory],
    claims: list[Claim],
    resource_type_id: str = "room",
    day: date = DAY,
) -> DayAvailability:
    result = calendar(facility, day, day, inventory, claims)
    (found,) = [d for d in result if d.resource_type_id == resource_type_id]
    return found


def calendar(
    facility: Facility, start: date, end: date, inventory: list[DayInventory], claims: list[Claim]
) -> list[DayAvailability]:
    holds = [c for c in claims if c.state is ClaimState.HOLD]
    return availability(facility, start, end, summarise(inventory, claims), holds, NOW, TODAY)


def summary(entry: DayAvailability) -> tuple[int, int, str]:
    return entry.capacity, entry.available, entry.mark


@pytest.mark.parametrize(
    ("capacity", "available", "closed", "mark"),
    [
        (3, 3, False, "free"),
        (3, 1, False, "partial"),
        (3, 0, False, "full"),
        (0, 0, False, "closed"),
        (3, 3, True, "closed"),
    ],
)
def test_mark_for(capacity: int, available: int, closed: bool, mark: str) -> None:
    assert mark_for(capacity, available, closed) == mark


def test_one_entry_per_day_and_resource_type_in_order() -> None:
    result = calendar(INN, DAY, DAY + timedelta(days=1), [], [])
    assert [(d.date, d.resource_type_id) for d in result] == [
        (DAY, "room"),
        (DAY, "suite"),
        (DAY + timedelta(days=1), "room"),
        (DAY + timedelta(days=1), "suite"),
    ]


def test_a_day_with_all_units_free_is_free() -> None:
    assert summary(one_day(INN, [room_day(3)], [])) == (3, 3, "free")


def test_bookings_and_live_holds_make_a_day_partial_then_full() -> None:
    claims = [claim(0), claim(1, ClaimState.HOLD, expires_at=LATER)]
    assert summary(one_day(INN, [room_day(3)], claims)) == (3, 1, "partial")
    claims.append(claim(2))
    assert summary(one_day(INN, [room_day(3)], claims)) == (3, 0, "full")


def test_expired_holds_do_not_count() -> None:
    claims = [
        claim(0, ClaimState.HOLD, expires_at=EARLIER),
        claim(1, ClaimState.HOLD, expires_at=NOW),  # expires this very instant
    ]
    assert summary(one_day(INN, [room_day(2)], claims)) == (2, 2, "free")


def test_closures_reduce_capacity() -> None:
    claims = [claim(2, ClaimState.CLOSED), claim(0)]
    assert summary(one_day(INN, [room_day(3)], claims)) == (2, 1, "partial")


def test_a_fully_closed_cell_is_closed() -> None:
    claims = [claim(0, ClaimState.CLOSED), claim(1, ClaimState.CLOSED)]
    assert summary(one_day(INN, [room_day(2)], claims)) == (0, 0, "closed")


def test_closed_days_are_closed() -> None:
    claims = [claim(0, ClaimState.CLOSED)]
    assert one_day(INN, [room_day(1, closed=True)], claims).mark == "closed"


def test_days_without_inventory_are_closed() -> None:
    entry = one_day(INN, [room_day(3)], [], resource_type_id="suite")
    assert summary(entry) == (0, 0, "closed")
    assert entry.slots is None


def test_past_days_are_closed_even_with_inventory() -> None:
    yesterday = TODAY - timedelta(days=1)
    entry = one_day(INN, [room_day(3, yesterday)], [], day=yesterday)
    assert summary(entry) == (0, 0, "closed")
    assert summary(one_day(INN, [room_day(3, TODAY)], [], day=TODAY)) == (3, 3, "free")


def test_claims_on_units_beyond_the_cell_are_ignored() -> None:
    claims = [claim(2), claim(5, ClaimState.CLOSED)]
    assert summary(one_day(INN, [room_day(2)], claims)) == (2, 2, "free")


def test_claims_of_other_days_and_resource_types_are_ignored() -> None:
    claims = [claim(0, day=DAY + timedelta(days=1)), claim(1, resource_type_id="suite")]
    assert summary(one_day(INN, [room_day(2)], claims)) == (2, 2, "free")


def test_timeslot_days_list_their_slots() -> None:
    record = DayInventory(DAY, "arena", (MORNING, AFTERNOON))
    claims = [
        claim(0, cell="0900", resource_type_id="arena"),
        claim(1, cell="0900", resource_type_id="arena"),
        claim(1, ClaimState.CLOSED, cell="1300", resource_type_id="arena"),
    ]
    entry = one_day(GYM, [record], claims, resource_type_id="arena")
    assert summary(entry) == (3, 1, "partial")
    assert [s.model_dump() for s in entry.slots or []] == [
        {"start": "09:00", "end": "12:00", "capacity": 2, "available": 0},
        {"start": "13:00", "end": "16:00", "capacity": 1, "available": 1},
    ]


def test_inactive_slots_are_not_listed() -> None:
    old = Cell("1700", 2, start="17:00", end="20:00", active=False)
    record = DayInventory(DAY, "arena", (MORNING, old))
    entry = one_day(GYM, [record], [], resource_type_id="arena")
    assert summary(entry) == (2, 2, "free")
    assert [s.start for s in entry.slots or []] == ["09:00"]


def test_timeslot_days_without_inventory_have_no_slots() -> None:
    entry = one_day(GYM, [], [], resource_type_id="arena")
    assert entry.mark == "closed"
    assert entry.slots == []


def test_days_serialize_as_the_api_shows_them() -> None:
    entry = one_day(INN, [room_day(3)], [claim(0)])
    assert entry.model_dump(mode="json") == {
        "date": "2030-06-10",
        "resourceTypeId": "room",
        "capacity": 3,
        "available": 2,
        "mark": "partial",
        "lottery": False,
        "closedReason": None,
        "holiday": None,
        "slots": None,
    }


STATES = st.sampled_from(
    [("booked", None), ("hold", LATER), ("hold", EARLIER), ("closed", None), (None, None)]
)


@given(units=st.integers(0, 8), states=st.lists(STATES, min_size=10, max_size=10))
def test_available_never_exceeds_capacity(
    units: int, states: list[tuple[str | None, datetime | None]]
) -> None:
    claims = [
        claim(unit, ClaimState(state), expires_at=expires)
        for unit, (state, expires) in enumerate(states)
        if state is not None
    ]
    entry = one_day(INN, [room_day(units)], claims)
    closed = sum(1 for c in claims if c.unit < units and c.state is ClaimState.CLOSED)
    live = sum(1 for c in claims if c.unit < units and c.is_live(NOW))
    assert entry.capacity == units - closed
    assert entry.available == units - closed - live
    assert 0 <= entry.available <= entry.capacity
    assert entry.mark == mark_for(entry.capacity, entry.available, False)


def test_summaries_count_booked_kept_and_closed_units_per_cell() -> None:
    record = DayInventory(DAY, "arena", (MORNING, AFTERNOON))
    claims = [
        claim(0, cell="0900", resource_type_id="arena"),
        claim(1, ClaimState.LOTTERY, cell="0900", resource_type_id="arena"),
        claim(0, ClaimState.CLOSED, cell="1300", resource_type_id="arena"),
        claim(1, ClaimState.HOLD, expires_at=LATER, cell="1300", resource_type_id="arena"),
        claim(5, cell="1300", resource_type_id="arena"),  # beyond the cell: occupies nothing
    ]
    assert summarise([record], claims) == [
        DaySummary(
            DAY,
            "arena",
            (MORNING, AFTERNOON),
            counts={"0900": CellCounts(booked=1, kept=1), "1300": CellCounts(closed=1)},
        )
    ]


def test_kept_units_flag_the_day_and_count_as_taken() -> None:
    claims = [claim(0, ClaimState.LOTTERY), claim(1)]
    entry = one_day(INN, [room_day(3)], claims)
    assert (summary(entry), entry.lottery) == ((3, 1, "partial"), True)
    assert one_day(INN, [room_day(3)], [claim(1)]).lottery is False


def test_holds_are_counted_from_the_hold_claims_alone() -> None:
    """A summary never counts holds: a live hold read apart takes a unit, an expired
    or foreign one does not, and one beyond the cell occupies nothing."""
    summaries = summarise([room_day(3)], [claim(0)])
    holds = [
        claim(1, ClaimState.HOLD, expires_at=LATER),
        claim(2, ClaimState.HOLD, expires_at=NOW),
        claim(7, ClaimState.HOLD, expires_at=LATER),
        claim(2, ClaimState.HOLD, expires_at=LATER, day=DAY + timedelta(days=1)),
    ]
    (room, _suite) = availability(INN, DAY, DAY, summaries, holds, NOW, TODAY)
    assert summary(room) == (3, 1, "partial")
