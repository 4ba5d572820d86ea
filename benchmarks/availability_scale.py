"""The two-month calendar of a 500-room facility at 0, 3,000 and 30,000 bookings, and
the requests of creating a lottery over a month of 40 rooms.

Part of the DynamoDB requests benchmark (same moto tables, same counting gateway). A
lodging facility with one resource type of 500 rooms is opened for 62 days through the
staff API. Bookings are then added in steps up to 30,000 booked room-nights, spread
evenly over the days, each step stored as the confirmation leaves it: the booked claims
and their day's summary (set-up writes them apart, see `_EachApart`). 100 live holds
stay in place throughout, so the second Query (the live holds) reads something. After
each step the calendar of all 62 days is read through the real catalog handler, warm,
and its requests and the bytes of the items returned are counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from benchmarks.report import Figure

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from benchmarks.dynamodb_requests import DynamoDBRecorder, Stack

NOTE = (
    "Bytes are the JSON of the items each Query returned (DynamoDB's own item sizes are "
    "a little smaller). Bookings are booked room-nights, written as the confirmation "
    "leaves them (claims and day summaries); 100 live holds throughout."
)
FACILITY = "bench-500-rooms"
ROOMS = 500
DAYS = 62
HOLDS = 100
STEPS = (0, 3_000, 30_000)
MAX_REQUESTS = 2
MAX_KB = 64


def figures(stack: Stack, recorder: DynamoDBRecorder, first: date) -> list[Figure]:
    from local import demo
    from yoyaku.services.catalog import load_facility

    last = first + timedelta(days=DAYS - 1)
    definition = {**demo.FACILITIES["minato-ohiradai"], "name": "500室の保養施設"}
    definition.pop("lottery", None)
    stack.call("PUT", f"/v1/staff/facilities/{FACILITY}", definition, token=stack.token)
    change = {
        "resourceTypeId": "room",
        "from": first.isoformat(),
        "to": last.isoformat(),
        "capacity": ROOMS,
        "closedDates": [],
    }
    stack.call("PUT", f"/v1/staff/facilities/{FACILITY}/inventory", change, token=stack.token)
    _hold(first, HOLDS)

    query = {"from": first.isoformat(), "to": last.isoformat()}
    path = f"/v1/facilities/{FACILITY}/availability"
    result: list[Figure] = []
    booked = 0
    for step in STEPS:
        _book(first, booked, step)
        booked = step
        load_facility(FACILITY)  # a warm container: the set-up outlasts the 60 s cache
        with recorder.measure() as window:
            body = stack.call("GET", path, query=query)
        available = sum(d["available"] for d in body["days"])
        expected = ROOMS * DAYS - booked - HOLDS
        if available != expected:
            raise RuntimeError(f"{booked} booked: {available} available, not {expected}")
        pages = [c for c in window.handler_calls if c.operation == "Query"]
        read = sum(c.bytes for c in pages)
        items = sum(c.items for c in pages)
        detail = ", ".join(f"{c.items} items {c.bytes / 1024:.1f} KB" for c in pages)
        result.append(
            Figure(
                f"availabilityAtScale.{step}.requests",
                f"availability, {ROOMS} rooms × {DAYS} days, {step:,} bookings: requests",
                window.count,
                "requests",
                at_most=MAX_REQUESTS,
                note=f"{window.breakdown()}; {available:,} room-nights shown available",
                details=window.details(),
            )
        )
        result.append(
            Figure(
                f"availabilityAtScale.{step}.kb",
                "  the same: items read",
                round(read / 1024, 1),
                "KB",
                at_most=MAX_KB,
                note=f"{items} items ({detail}), as JSON: the summaries, then the live holds",
            )
        )
    return result


def _book(first: date, start: int, stop: int) -> None:
    """Booked room-nights number `start` to `stop` − 1: night n is unit n ÷ 62 of day
    n mod 62, so every day fills from unit 0 up."""
    from yoyaku.domain.inventory import ClaimState, Tally

    units: dict[date, list[int]] = defaultdict(list)
    for n in range(start, stop):
        units[first + timedelta(days=n % DAYS)].append(n // DAYS)
    for day, numbers in units.items():
        _write(day, numbers, ClaimState.BOOKED, Tally.BOOKED, None)


def _hold(first: date, count: int) -> None:
    """`count` live holds of one room-night each, expiring an hour from now, on the
    highest units (out of the bookings' way: 30,000 bookings fill units 0–483)."""
    from yoyaku import runtime
    from yoyaku.domain.inventory import ClaimState

    until = runtime.current().now() + timedelta(hours=1)
    for n in range(count):
        day = first + timedelta(days=n % DAYS)
        _write(day, [ROOMS - 1 - n // DAYS], ClaimState.HOLD, None, until)


class _EachApart:
    """Stands in for a transaction: applies each update at once. Set-up only: moto copies
    the whole table for every transaction, which makes 300 transactions over 30,000
    claims far too slow for a benchmark run."""

    def update(self, item: Any, actions: list[Any]) -> None:
        item.update(actions=actions)


def _write(day: date, units: list[int], state: Any, tally: Any, until: datetime | None) -> None:
    """The claims as the hold or the confirmation leaves them (a hold's listed among the
    live holds), then the day's summary changed by as many units (set-up: the service
    writes both in one transaction)."""
    from yoyaku.adapters import inventory_store, summary_store
    from yoyaku.adapters.table import ClaimItem
    from yoyaku.domain.inventory import WHOLE_DAY

    with ClaimItem.batch_write() as batch:
        for unit in units:
            item = inventory_store.claim_item(FACILITY, day, "room", WHOLE_DAY, unit)
            item.state = state.value
            item.holder = "benchmark"
            if until is not None:
                item.expires_at = until
                inventory_store.mark_held(item, FACILITY, until)
            batch.save(item)
    if tally is not None:
        changes = Counter({(day, "room", WHOLE_DAY, tally): len(units)})
        summary_store.add_changes(cast("TransactWrite", _EachApart()), FACILITY, changes)


LOTTERY_FACILITY = "bench-40-rooms"
LOTTERY_ROOMS = 40
PER_REQUEST = 50  # the target: at least 50 kept units per request on average


def lottery_creation(stack: Stack, recorder: DynamoDBRecorder, month: date) -> Figure:
    """Creating a lottery over a whole month of 40 rooms: what the staff call sends."""
    from local import demo
    from yoyaku import runtime
    from yoyaku.domain.calendar import add_months

    last = add_months(month, 1) - timedelta(days=1)
    path = f"/v1/staff/facilities/{LOTTERY_FACILITY}"
    stack.call("PUT", path, demo.FACILITIES["minato-ohiradai"], token=stack.token)
    change = {
        "resourceTypeId": "room",
        "from": month.isoformat(),
        "to": last.isoformat(),
        "capacity": LOTTERY_ROOMS,
        "closedDates": [],
    }
    stack.call("PUT", f"{path}/inventory", change, token=stack.token)
    now = runtime.current().now().replace(microsecond=0)
    body = {
        "facilityId": LOTTERY_FACILITY,
        "stayFrom": month.isoformat(),
        "stayTo": last.isoformat(),
        "applyFrom": (now + timedelta(hours=1)).isoformat(),
        "applyUntil": (now + timedelta(days=2)).isoformat(),
        "drawAt": (now + timedelta(days=3)).isoformat(),
    }
    with recorder.measure() as window:
        created = stack.call("POST", "/v1/staff/lotteries", body, token=stack.token, expect=201)
    units = LOTTERY_ROOMS * ((last - month).days + 1)
    transactions = window.by_operation().get("TransactWriteItems", 0)
    return Figure(
        "lotteryCreateMonth40Rooms",
        f"create a lottery, a month × {LOTTERY_ROOMS} rooms ({units:,} units kept)",
        window.count,
        "requests",
        at_most=units // PER_REQUEST,
        # One transaction writes the lottery with its nights' guards; the others keep units.
        note=f"{window.breakdown()}; {transactions - 1} transactions of up to 100 items keep "
        f"the units (no request per unit), 1 writes the lottery and its nights' guards; "
        f"lottery {created['lotteryId']}",
        details=window.details(),
    )
