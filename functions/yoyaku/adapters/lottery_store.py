"""Lotteries, their entries, demand counters, kept inventory and results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import inventory_store
from yoyaku.adapters.booking_store import BOOKED_RETENTION, Unit, _claim, _reservation_item
from yoyaku.adapters.table import (
    ClaimItem,
    DemandItem,
    EntryItem,
    LotteryItem,
    ResultItem,
    RoundGuardItem,
    TableItem,
)
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.calendar import months_between
from yoyaku.domain.inventory import WHOLE_DAY, ClaimState, free_units


@dataclass(frozen=True)
class LotteryRecord:
    lottery_id: str
    definition: dict[str, Any]
    seed: str
    seed_commitment: str
    closed: bool
    drawn: bool
    entries_digest: str | None
    result_digest: str | None
    audit: dict[str, Any] | None


def _pk(lottery_id: str) -> str:
    return f"LOTTERY#{lottery_id}"


def _record(item: LotteryItem) -> LotteryRecord:
    return LotteryRecord(
        item.pk.removeprefix("LOTTERY#"),
        dict(item.definition),
        item.seed,
        item.seed_commitment,
        bool(item.closed),
        bool(item.drawn),
        item.entries_digest,
        item.result_digest,
        dict(item.audit) if item.audit else None,
    )


def create(lottery_id: str, definition: dict[str, Any], seed: str, commitment: str) -> None:
    LotteryItem(
        _pk(lottery_id),
        "LOTTERY",
        definition=definition,
        seed=seed,
        seed_commitment=commitment,
        gsi1pk="LOTTERIES",
        gsi1sk=f"{definition['drawAt']}#{lottery_id}",
    ).save(condition=LotteryItem.pk.does_not_exist())


def get(lottery_id: str) -> LotteryRecord | None:
    if not lottery_id.startswith("lot_") or len(lottery_id) > 40:
        return None
    try:
        return _record(LotteryItem.get(_pk(lottery_id), "LOTTERY"))
    except LotteryItem.DoesNotExist:
        return None


def list_all() -> list[LotteryRecord]:
    return [
        _record(i) for i in LotteryItem.by_owner.query("LOTTERIES") if isinstance(i, LotteryItem)
    ]


def keep_inventory(
    facility_id: str, lottery_id: str, stay_from: date, stay_to: date, now: datetime
) -> dict[tuple[date, str], int]:
    """Claims every free unit of the stay period for the lottery, so that direct booking
    cannot take it before the draw. Returns the units kept per day and resource type."""
    inventory, claims = inventory_store.read_range(facility_id, stay_from, stay_to)
    kept: dict[tuple[date, str], int] = {}
    writes: list[ClaimItem] = []
    for day in inventory:
        kept[(day.day, day.resource_type_id)] = 0
        for number in free_units(day, WHOLE_DAY, claims, now):
            item = _claim(facility_id, day.resource_type_id, Unit(day.day, WHOLE_DAY, number))
            item.state = ClaimState.LOTTERY.value
            item.holder = lottery_id
            writes.append(item)
    # One conditional put per unit: a unit someone holds meanwhile is simply not kept.
    for item in writes:
        try:
            item.save(condition=inventory_store.claim_is_free(now))
        except PutError as error:
            if not condition_failed(error):
                raise
            continue
        kept[(_unit_of(item).day, item.sk.split("#")[2])] += 1
    return kept


def save_winnable(lottery_id: str, kept: dict[tuple[date, str], int]) -> None:
    with DemandItem.batch_write() as batch:
        for (day, rt), units in kept.items():
            batch.save(
                DemandItem(_pk(lottery_id), f"DEMAND#{day.isoformat()}#{rt}", winnable=units)
            )


def demand(lottery_id: str) -> list[tuple[date, str, int, int]]:
    items = DemandItem.query(_pk(lottery_id), DemandItem.sk.startswith("DEMAND#"))
    result = []
    for item in items:
        _, day, rt = item.sk.split("#", 2)
        result.append(
            (date.fromisoformat(day), rt, int(item.applications or 0), int(item.winnable or 0))
        )
    return result


class AlreadyApplied(Exception):
    """The user already has an entry in this lottery or in its round."""


class EntriesClosed(Exception):
    """The entries were closed (their digest fixed) before this change could commit."""


def _still_open(tx: TransactWrite, lottery_id: str) -> None:
    # Entries are fixed when their digest is: nothing may change them after that, or the
    # published digest would not match the entries that were drawn.
    tx.condition_check(
        LotteryItem,
        _pk(lottery_id),
        "LOTTERY",
        condition=LotteryItem.entries_digest.does_not_exist(),
    )


def _closed_first(error: TransactWriteError) -> bool:
    reasons = error.cancellation_reasons
    return bool(reasons) and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed"


def _demand_update(lottery_id: str, key: tuple[date, str]) -> DemandItem:
    return DemandItem(_pk(lottery_id), f"DEMAND#{key[0].isoformat()}#{key[1]}")


def add_entry(
    lottery_id: str,
    round_key: str,
    user_number: str,
    entry_id: str,
    preferences: list[dict[str, Any]],
    contact: dict[str, Any],
    demand_keys: set[tuple[date, str]],
    now: datetime,
) -> None:
    """The entry, the one-facility-per-round guard and the demand counters, together."""
    entry = EntryItem(
        _pk(lottery_id),
        f"ENTRY#{user_number}",
        entry_id=entry_id,
        preferences=preferences,
        contact=contact,
        created_at=now,
        gsi1pk=f"USER#{user_number}#ENTRIES",
        gsi1sk=f"{now.astimezone(UTC).isoformat()}#{lottery_id}",
    )
    guard = RoundGuardItem(
        f"LOTTERYROUND#{round_key}", f"USER#{user_number}", lottery_id=lottery_id
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            _still_open(tx, lottery_id)
            tx.save(entry, condition=EntryItem.pk.does_not_exist())
            tx.save(guard, condition=RoundGuardItem.pk.does_not_exist())
            for key in sorted(demand_keys):
                tx.update(_demand_update(lottery_id, key), actions=[DemandItem.applications.add(1)])
    except TransactWriteError as error:
        if condition_failed(error):
            raise EntriesClosed if _closed_first(error) else AlreadyApplied from error
        raise


def entries_of_user(user_number: str) -> list[tuple[str, EntryItem]]:
    items = EntryItem.by_owner.query(f"USER#{user_number}#ENTRIES")
    return [(i.pk.removeprefix("LOTTERY#"), i) for i in items if isinstance(i, EntryItem)]


def withdraw(
    lottery_id: str, round_key: str, user_number: str, demand_keys: set[tuple[date, str]]
) -> bool:
    try:
        with TransactWrite(connection=connection()) as tx:
            _still_open(tx, lottery_id)
            tx.delete(
                EntryItem(_pk(lottery_id), f"ENTRY#{user_number}"),
                condition=EntryItem.pk.exists(),
            )
            tx.delete(RoundGuardItem(f"LOTTERYROUND#{round_key}", f"USER#{user_number}"))
            for key in sorted(demand_keys):
                tx.update(
                    _demand_update(lottery_id, key), actions=[DemandItem.applications.add(-1)]
                )
    except TransactWriteError as error:
        if condition_failed(error):
            if _closed_first(error):
                raise EntriesClosed from error
            return False
        raise
    return True


def has_result(lottery_id: str, user_number: str) -> bool:
    try:
        ResultItem.get(_pk(lottery_id), f"RESULT#{user_number}")
    except ResultItem.DoesNotExist:
        return False
    return True


def entries(lottery_id: str) -> list[tuple[str, EntryItem]]:
    """Every entry as (userNumber, item)."""
    items = EntryItem.query(_pk(lottery_id), EntryItem.sk.startswith("ENTRY#"))
    return [(i.sk.removeprefix("ENTRY#"), i) for i in items]


def close(lottery_id: str, digest: str) -> str:
    """Closes entries and fixes their digest once; a second close keeps the first digest."""
    item = LotteryItem(_pk(lottery_id), "LOTTERY")
    try:
        item.update(
            actions=[LotteryItem.closed.set(True), LotteryItem.entries_digest.set(digest)],
            condition=LotteryItem.entries_digest.does_not_exist(),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        stored = get(lottery_id)
        return stored.entries_digest if stored and stored.entries_digest else digest
    return digest


def winnable(lottery_id: str) -> dict[tuple[date, str], int]:
    return {(day, rt): w for day, rt, _, w in demand(lottery_id)}


def results(lottery_id: str) -> dict[str, ResultItem]:
    items = ResultItem.query(_pk(lottery_id), ResultItem.sk.startswith("RESULT#"))
    return {i.sk.removeprefix("RESULT#"): i for i in items}


def kept_units(
    facility_id: str, lottery_id: str, stay_from: date, stay_to: date
) -> list[ClaimItem]:
    """The units still kept for this lottery (not yet won, not yet released)."""
    start, end = stay_from.isoformat(), f"{stay_to.isoformat()}#~"
    kept = []
    for month in months_between(stay_from, stay_to):
        for item in ClaimItem.query(
            inventory_store.partition(facility_id, month),
            ClaimItem.sk.between(start, end),
            filter_condition=(ClaimItem.holder == lottery_id)
            & (ClaimItem.state == ClaimState.LOTTERY.value),
        ):
            kept.append(item)
    return kept


def _unit_of(claim: ClaimItem) -> Unit:
    day, _, _, cell, unit = claim.sk.split("#")
    return Unit(date.fromisoformat(day), cell, int(unit))


def record_win(
    lottery_id: str,
    user_number: str,
    entry_id: str,
    claims: list[ClaimItem],
    number: str,
    document: dict[str, Any],
    won_rank: int,
    contact: dict[str, Any],
    stay: date,
) -> bool:
    """Turns kept units into a reservation and records the win, all or nothing.

    False when this entry already has a result (a second run of the draw) or a unit was
    no longer kept for the lottery."""
    reservation = _reservation_item(
        number,
        f"USER#{user_number}",
        document,
        [_unit_of(claim) for claim in claims],
        stay,
    )
    result = ResultItem(
        _pk(lottery_id),
        f"RESULT#{user_number}",
        entry_id=entry_id,
        won_rank=won_rank,
        reservation_number=number,
        contact=contact,
        gsi1pk=f"USER#{user_number}#RESULTS",
        gsi1sk=lottery_id,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(result, condition=ResultItem.pk.does_not_exist())
            tx.save(reservation, condition=TableItem.pk.does_not_exist())
            for claim in claims:
                day = date.fromisoformat(claim.sk.split("#")[0])
                tx.update(
                    claim,
                    actions=[
                        ClaimItem.state.set(ClaimState.BOOKED.value),
                        ClaimItem.holder.set(number),
                        ClaimItem.expires_at.set(
                            datetime.combine(day, datetime.min.time(), UTC) + BOOKED_RETENTION
                        ),
                    ],
                    condition=(ClaimItem.holder == lottery_id)
                    & (ClaimItem.state == ClaimState.LOTTERY.value),
                )
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def record_losses(lottery_id: str, losers: list[tuple[str, str, dict[str, Any]]]) -> None:
    """(userNumber, entryId, contact) of entries that won nothing. A loss is the same in
    every run of a deterministic draw, so writing it twice changes nothing."""
    with ResultItem.batch_write() as batch:
        for user_number, entry_id, contact in losers:
            batch.save(
                ResultItem(
                    _pk(lottery_id),
                    f"RESULT#{user_number}",
                    entry_id=entry_id,
                    won_rank=0,
                    contact=contact,
                    gsi1pk=f"USER#{user_number}#RESULTS",
                    gsi1sk=lottery_id,
                )
            )


def mark_notified(lottery_id: str, user_number: str) -> None:
    ResultItem(_pk(lottery_id), f"RESULT#{user_number}").update(
        actions=[ResultItem.notified.set(True)]
    )


def results_of_user(user_number: str) -> list[tuple[str, ResultItem]]:
    items = ResultItem.by_owner.query(f"USER#{user_number}#RESULTS")
    return [(i.pk.removeprefix("LOTTERY#"), i) for i in items if isinstance(i, ResultItem)]


def publish(lottery_id: str, result_digest: str, audit: dict[str, Any]) -> None:
    LotteryItem(_pk(lottery_id), "LOTTERY").update(
        actions=[
            LotteryItem.drawn.set(True),
            LotteryItem.result_digest.set(result_digest),
            LotteryItem.audit.set(audit),
        ]
    )


def release(claims: list[ClaimItem], lottery_id: str) -> int:
    """Gives the units nobody won back to direct booking."""
    released = 0
    for claim in claims:
        try:
            claim.delete(
                condition=(ClaimItem.holder == lottery_id)
                & (ClaimItem.state == ClaimState.LOTTERY.value)
            )
            released += 1
        except DeleteError as error:
            if not condition_failed(error):
                raise
    return released
