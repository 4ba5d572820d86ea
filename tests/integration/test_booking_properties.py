"""Random sequences of bookings never break the capacity invariant (docs/design.md).

A hypothesis state machine holds, confirms, changes (removes a night), cancels and
releases through the gateway (so every conditional write is the real one, against
moto), lets staff raise, lower and close a night's capacity, and moves the clock so that
holds expire. A small model predicts every answer, each night's capacity and which
holder occupies how many units of each night. After every step:

- the live claims of each night (booked units and unexpired holds, read straight from
  the table) never exceed its capacity, each unit is claimed at most once, and they
  belong exactly to the holds and reservations the model says are live;
- the day summaries that the calendar reads instead of the claims (booked, kept and
  closed units per cell, with the capacity record's cells) equal what the claims and
  capacity records imply, and the live-holds index lists exactly the unexpired holds;
- availability, as the API shows it, is capacity minus those live claims.

Each example books a fresh facility, so examples cannot see each other's claims. The
`yoyaku` hypothesis profile (tests/conftest.py) makes the examples the same every run,
and the application's random unit choice is seeded too.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from yoyaku import runtime
from yoyaku.adapters import inventory_store

from .helpers import INN, assert_summaries_match_claims, definition

CAPACITY = 3
NIGHTS = [date(2030, 6, 10) + timedelta(days=n) for n in range(4)]  # 6/14 has no inventory
HOLD_MINUTES = 10
FACILITY = definition(
    INN,
    resourceTypes=[{"resourceTypeId": "room", "name": "客室", "capacityPersons": 5}],
    rules={**INN["rules"], "maxNights": 2, "maxUnitsPerBooking": 3},
)
_facility_ids = itertools.count(1)


@dataclass
class ModelHold:
    hold_id: str
    owner: int
    nights: list[date]
    quantity: int
    valid_until: datetime
    consumed: bool = False  # confirmed or released
    confirmed: bool = False

    def live(self, now: datetime) -> bool:
        return not self.consumed and self.valid_until > now


@dataclass
class ModelReservation:
    number: str
    owner: int
    nights: list[date]
    quantity: int
    cancelled: bool = False


@dataclass
class Env:
    """What the machine drives: the gateway client, the clock and three citizens."""

    client: Any
    clock: Any
    staff_token: str
    citizens: list[Any]
    start: datetime  # every example starts at this instant


class BookingMachine(RuleBasedStateMachine):
    env: ClassVar[Env]

    def __init__(self) -> None:
        super().__init__()
        self.env.clock.set(self.env.start)
        self.facility_id = f"prop-{next(_facility_ids)}"
        client, token = self.env.client, self.env.staff_token
        put = client.put(
            f"/v1/staff/facilities/{self.facility_id}", json_body=FACILITY, token=token
        )
        assert put.status == 200, put.body
        inventory = {
            "resourceTypeId": "room",
            "from": NIGHTS[0].isoformat(),
            "to": NIGHTS[-1].isoformat(),
            "capacity": CAPACITY,
        }
        put = client.put(
            f"/v1/staff/facilities/{self.facility_id}/inventory", json_body=inventory, token=token
        )
        assert put.status == 200, put.body
        self.holds: list[ModelHold] = []
        self.reservations: list[ModelReservation] = []
        self.capacity = dict.fromkeys(NIGHTS, CAPACITY)  # bookable units of each night
        self.closed: set[date] = set()
        self.units = dict.fromkeys(NIGHTS, CAPACITY)  # numbered units: they only grow

    # ------------------------------------------------------------------ the model

    def now(self) -> datetime:
        now: datetime = self.env.clock.now()
        return now

    def expected_holders(self) -> dict[date, Counter[str]]:
        now = self.now()
        holders: dict[date, Counter[str]] = {night: Counter() for night in NIGHTS}
        for hold in self.holds:
            if hold.live(now):
                for night in hold.nights:
                    holders[night][hold.hold_id] += hold.quantity
        for reservation in self.reservations:
            if not reservation.cancelled:
                for night in reservation.nights:
                    holders[night][reservation.number] += reservation.quantity
        return holders

    def taken(self, night: date) -> int:
        return sum(self.expected_holders()[night].values())

    def free(self, night: date) -> int:
        if night not in NIGHTS or night in self.closed:
            return 0
        return self.capacity[night] - self.taken(night)

    def call(self, method: str, path: str, owner: int, body: Any = None) -> Any:
        token = self.env.citizens[owner].token
        reply = self.env.client.request(method, path, json_body=body, token=token)
        assert reply.status < 500, (method, path, body, reply.body)
        return reply

    # ------------------------------------------------------------------ the rules

    @rule(
        owner=st.integers(0, 2),
        first=st.integers(0, len(NIGHTS) - 1),
        nights=st.integers(1, 2),
        quantity=st.integers(1, 3),
    )
    def hold(self, owner: int, first: int, nights: int, quantity: int) -> None:
        stay = [NIGHTS[first] + timedelta(days=n) for n in range(nights)]
        possible = all(self.free(night) >= quantity for night in stay)
        body = {
            "facilityId": self.facility_id,
            "resourceTypeId": "room",
            "date": stay[0].isoformat(),
            "nights": nights,
            "quantity": quantity,
        }
        reply = self.call("POST", "/v1/holds", owner, body)
        if not possible:
            assert (reply.status, reply.json["code"]) == (409, "NOT_AVAILABLE"), reply.body
            return
        assert reply.status == 201, reply.body
        assert reply.json["units"] == nights * quantity
        valid_until = self.now() + timedelta(minutes=HOLD_MINUTES)
        assert datetime.fromisoformat(reply.json["expiresAt"]) == valid_until
        self.holds.append(ModelHold(reply.json["holdId"], owner, stay, quantity, valid_until))

    @precondition(lambda self: self.holds)
    @rule(pick=st.integers(0, 50))
    def confirm(self, pick: int) -> None:
        hold = self.holds[pick % len(self.holds)]
        party = [{"night": n + 1, "adults": 1} for n in range(len(hold.nights))]
        reply = self.call(
            "POST", "/v1/reservations", hold.owner, {"holdId": hold.hold_id, "party": party}
        )
        if hold.confirmed:
            assert (reply.status, reply.json["code"]) == (409, "CONFLICT"), reply.body
        elif hold.consumed:
            assert (reply.status, reply.json["code"]) == (404, "HOLD_NOT_FOUND"), reply.body
        elif hold.valid_until <= self.now():
            assert (reply.status, reply.json["code"]) == (410, "HOLD_EXPIRED"), reply.body
        else:
            assert reply.status == 201, reply.body
            assert reply.json["date"] == hold.nights[0].isoformat()
            assert (reply.json["nights"], reply.json["quantity"]) == (
                len(hold.nights),
                hold.quantity,
            )
            hold.consumed = hold.confirmed = True
            self.reservations.append(
                ModelReservation(
                    reply.json["reservationNumber"], hold.owner, hold.nights, hold.quantity
                )
            )

    @precondition(lambda self: self.holds)
    @rule(pick=st.integers(0, 50))
    def release(self, pick: int) -> None:
        # Expired holds too: releasing one leaves the units others have taken since.
        hold = self.holds[pick % len(self.holds)]
        reply = self.call("DELETE", f"/v1/holds/{hold.hold_id}", hold.owner)
        if hold.confirmed:  # a confirmed hold is no longer a hold: releasing it is refused
            assert (reply.status, reply.json["code"]) == (409, "CONFLICT"), reply.body
        elif hold.consumed:
            assert (reply.status, reply.json["code"]) == (404, "HOLD_NOT_FOUND"), reply.body
        else:
            assert reply.status == 204, reply.body
            hold.consumed = True

    @precondition(lambda self: self.reservations)
    @rule(pick=st.integers(0, 50), last=st.booleans())
    def remove_a_night(self, pick: int, last: bool) -> None:
        reservation = self.reservations[pick % len(self.reservations)]
        night = len(reservation.nights) if last else 1
        reply = self.call(
            "PATCH",
            f"/v1/reservations/{reservation.number}",
            reservation.owner,
            {"removeNights": [night]},
        )
        if reservation.cancelled:
            assert (reply.status, reply.json["code"]) == (409, "CONFLICT"), reply.body
        elif len(reservation.nights) == 1:
            assert (reply.status, reply.json["code"]) == (422, "VALIDATION_FAILED"), reply.body
        else:
            assert reply.status == 200, reply.body
            reservation.nights = [n for i, n in enumerate(reservation.nights, 1) if i != night]
            assert reply.json["date"] == reservation.nights[0].isoformat()
            assert reply.json["nights"] == 1

    @precondition(lambda self: self.reservations)
    @rule(pick=st.integers(0, 50))
    def cancel(self, pick: int) -> None:
        reservation = self.reservations[pick % len(self.reservations)]
        reply = self.call("DELETE", f"/v1/reservations/{reservation.number}", reservation.owner)
        if reservation.cancelled:
            assert (reply.status, reply.json["code"]) == (409, "CONFLICT"), reply.body
        else:
            assert reply.status == 200 and reply.json["status"] == "cancelled", reply.body
            reservation.cancelled = True

    @precondition(lambda self: self.reservations)
    @rule(pick=st.integers(0, 50), other=st.integers(1, 2))
    def someone_else_tries(self, pick: int, other: int) -> None:
        reservation = self.reservations[pick % len(self.reservations)]
        stranger = (reservation.owner + other) % 3
        reply = self.call("DELETE", f"/v1/reservations/{reservation.number}", stranger)
        assert (reply.status, reply.json["code"]) == (404, "NOT_FOUND"), reply.body

    # 600 s lands a hold exactly on its expiry second, when it is over (free to others,
    # too late to confirm); 588 s and 637 s straddle it.
    @rule(seconds=st.sampled_from([63, 245, 539, 588, 600, 637]))
    def time_passes(self, seconds: int) -> None:
        self.env.clock.advance(timedelta(seconds=seconds))

    @rule(pick=st.integers(0, len(NIGHTS) - 1), capacity=st.integers(0, 5), close=st.booleans())
    def staff_change_a_night(self, pick: int, capacity: int, close: bool) -> None:
        """Raising reopens closed units, then numbers new ones; lowering closes free units;
        closing the day lowers it to 0. Below what is booked or held: CONFLICT."""
        night = NIGHTS[pick]
        body = {
            "resourceTypeId": "room",
            "from": night.isoformat(),
            "to": night.isoformat(),
            "capacity": capacity,
            "closedDates": [night.isoformat()] if close else [],
        }
        reply = self.env.client.put(
            f"/v1/staff/facilities/{self.facility_id}/inventory",
            json_body=body,
            token=self.env.staff_token,
        )
        assert reply.status < 500, reply.body
        target = 0 if close else capacity
        if target < self.taken(night):
            assert (reply.status, reply.json["code"]) == (409, "CONFLICT"), reply.body
            return
        assert reply.status == 200, reply.body
        self.capacity[night] = capacity
        self.closed.discard(night)
        if close:
            self.closed.add(night)
        self.units[night] = max(self.units[night], target)

    # ------------------------------------------------------------------ the invariants

    @invariant()
    def live_claims_fit_and_belong_to_live_bookings(self) -> None:
        now = self.now()
        inventory, claims = inventory_store.read_range(
            self.facility_id, NIGHTS[0], NIGHTS[-1] + timedelta(days=1)
        )
        assert {d.day for d in inventory} == set(NIGHTS)
        expected = self.expected_holders()
        for night in NIGHTS:
            live = [c for c in claims if c.day == night and c.is_live(now)]
            units = [c.unit for c in live]
            bookable = 0 if night in self.closed else self.capacity[night]
            assert len(units) <= bookable, (night, live)
            assert len(set(units)) == len(units)
            assert all(0 <= u < self.units[night] for u in units)
            assert Counter(c.holder for c in live) == expected[night], (night, live)
        assert not [c for c in claims if c.day not in NIGHTS]

    @invariant()
    def summaries_and_live_holds_agree_with_the_claims(self) -> None:
        last = NIGHTS[-1] + timedelta(days=1)
        assert_summaries_match_claims(self.facility_id, NIGHTS[0], last, self.now())

    @invariant()
    def availability_is_capacity_minus_live_claims(self) -> None:
        start, end = NIGHTS[0].isoformat(), NIGHTS[-1].isoformat()
        reply = self.env.client.get(
            f"/v1/facilities/{self.facility_id}/availability?from={start}&to={end}"
        )
        assert reply.status == 200, reply.body
        shown = {d["date"]: (d["capacity"], d["available"], d["mark"]) for d in reply.json["days"]}
        for night in NIGHTS:
            free, capacity = self.free(night), self.capacity[night]
            if night in self.closed or capacity == 0:
                assert shown[night.isoformat()] == (0, 0, "closed"), night
                continue
            mark = "free" if free == capacity else "full" if free == 0 else "partial"
            assert shown[night.isoformat()] == (capacity, free, mark), night


def test_random_booking_sequences_keep_the_capacity_invariant(
    client, clock, staff_token, make_citizen, mailbox
) -> None:
    citizens = [make_citizen(status="verified") for _ in range(3)]
    BookingMachine.env = Env(client, clock, staff_token, citizens, clock.now())
    with runtime.use(rng=random.Random(20300515)):
        run_state_machine_as_test(
            BookingMachine,
            settings=hypothesis_settings(
                max_examples=15, stateful_step_count=25, deadline=None, derandomize=True
            ),
        )
