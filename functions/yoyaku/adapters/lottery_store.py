"""Lotteries, their entries, demand counters, kept inventory and results."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Set
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from pydantic import TypeAdapter
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import inventory_store, pages, summary_store
from yoyaku.adapters.booking_store import booked_until, reservation_item
from yoyaku.adapters.table import (
    ClaimItem,
    DemandItem,
    EntryItem,
    LotteryDayItem,
    LotteryItem,
    ResultItem,
    RoundGuardItem,
    TableItem,
    WinItem,
)
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.booking import Owner, Reservation, Unit
from yoyaku.domain.calendar import days, months_between
from yoyaku.domain.inventory import Claim, ClaimState, Tally, free_units
from yoyaku.domain.lottery import (
    AnyPreferenceIn,
    AuditData,
    DemandDay,
    EntryContact,
    LotteryDefinition,
    LotteryRecord,
    PublishedFile,
    StoredEntry,
    StoredResult,
)
from yoyaku.domain.messages import Language
from yoyaku.domain.paging import Page

# Sort keys of the lists: gsi1 `LOTTERIES` / `{drawAt}#{id}`, `USER#{n}#ENTRIES` /
# `{created at}#{lottery id}`, `USER#{n}#RESULTS` / `{lottery id}`.
_LOTTERY_POSITION = re.compile(rf"{pages.INSTANT}#{pages.ID}")
_ENTRY_POSITION = re.compile(rf"{pages.INSTANT}#{pages.ID}")
_RESULT_POSITION = re.compile(pages.ID)
_LOTTERY_RESULT_POSITION = re.compile(r"RESULT#\d{6,12}")

KEEP_THREADS = 4  # transactions of lottery-kept units written at once


_PREFERENCE: TypeAdapter[Any] = TypeAdapter(AnyPreferenceIn)


def _pk(lottery_id: str) -> str:
    return f"LOTTERY#{lottery_id}"


def _record(item: LotteryItem) -> LotteryRecord:
    # The stored definition also keeps the facility's name, for the result e-mails.
    stored = dict(item.definition)
    facility_name = stored.pop("facilityName", stored["facilityId"])
    return LotteryRecord(
        lottery_id=item.pk.removeprefix("LOTTERY#"),
        definition=LotteryDefinition.model_validate(stored),
        facility_name=facility_name,
        seed=item.seed,
        seed_commitment=item.seed_commitment,
        closed=bool(item.closed),
        drawn=bool(item.drawn),
        entries_digest=item.entries_digest,
        result_digest=item.result_digest,
        audit=AuditData.model_validate(dict(item.audit)) if item.audit else None,
        audit_file=PublishedFile(**item.audit_file) if item.audit_file else None,
    )


def create(
    lottery_id: str,
    definition: LotteryDefinition,
    facility_name: str,
    seed: str,
    commitment: str,
) -> None:
    """Stores the lottery and claims each night of its stay period for it, together.

    A night another lottery of the facility already draws fails the transaction
    (LostRace; `lottery_of_nights` says which): two lotteries never share a night.
    """
    stored = definition.model_dump(mode="json") | {"facilityName": facility_name}
    record = LotteryItem(
        _pk(lottery_id),
        "LOTTERY",
        definition=stored,
        seed=seed,
        seed_commitment=commitment,
        gsi1pk="LOTTERIES",
        gsi1sk=f"{stored['drawAt']}#{lottery_id}",
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(record, condition=LotteryItem.pk.does_not_exist())
            for night in days(definition.stay_from, definition.stay_to):
                guard = _night(definition.facility_id, night)
                guard.holder = lottery_id
                guard.expires_at = booked_until(night)
                tx.save(guard, condition=LotteryDayItem.pk.does_not_exist())
    except TransactWriteError as error:
        if condition_failed(error):
            raise inventory_store.LostRace from error
        raise


def _night(facility_id: str, night: date) -> LotteryDayItem:
    return LotteryDayItem(f"LOTTERYDAY#{facility_id}#{night.isoformat()}", "LOTTERYDAY")


def lottery_of_nights(facility_id: str, stay_from: date, stay_to: date) -> str | None:
    """The lottery that already draws one of these nights of the facility, if any."""
    keys = [(_night(facility_id, n).pk, "LOTTERYDAY") for n in days(stay_from, stay_to)]
    for item in LotteryDayItem.batch_get(keys):
        return str(item.holder)
    return None


def record_forced_draw(lottery_id: str, staff_id: str, reason: str, now: datetime) -> None:
    """Keeps who started a draw before entries closed, when and why (in the audit)."""
    LotteryItem(_pk(lottery_id), "LOTTERY").update(
        actions=[
            LotteryItem.forced_draw.set(
                {"staffId": staff_id, "reason": reason, "at": now.isoformat()}
            )
        ],
        condition=LotteryItem.pk.exists(),
    )


def get(lottery_id: str) -> LotteryRecord | None:
    if not lottery_id.startswith("lot_") or len(lottery_id) > 40:
        return None
    try:
        return _record(LotteryItem.get(_pk(lottery_id), "LOTTERY"))
    except LotteryItem.DoesNotExist:
        return None


def page(
    keep: Callable[[LotteryRecord], bool], scope: str, limit: int, token: str | None
) -> Page[LotteryRecord]:
    """One page of the lotteries that `keep` accepts, by draw time. `scope` names the
    filter, so a token only continues the list it came from."""
    after = pages.decode(token, f"lotteries:{scope}", _LOTTERY_POSITION)
    items = LotteryItem.by_owner.query(
        "LOTTERIES", LotteryItem.gsi1sk > after if after else None, page_size=limit + 1
    )
    records = ((i.gsi1sk or "", _record(i)) for i in items if isinstance(i, LotteryItem))
    return pages.collect(((k, r) for k, r in records if keep(r)), limit, f"lotteries:{scope}")


def get_many(lottery_ids: set[str]) -> dict[str, LotteryRecord]:
    """Several lotteries by id in one BatchGetItem (per 100), skipping unknown ones."""
    keys = [(_pk(i), "LOTTERY") for i in sorted(lottery_ids)]
    records = (_record(i) for i in LotteryItem.batch_get(keys) if isinstance(i, LotteryItem))
    return {r.lottery_id: r for r in records}


def keep_inventory(
    facility_id: str, lottery_id: str, stay_from: date, stay_to: date, now: datetime
) -> list[DemandDay]:
    """Claims every free unit of the stay period for the lottery, so that direct booking
    cannot take it before the draw. Returns the units kept per day and resource type
    (lodging) or per time slot.

    The claims go in transactions of up to 100 items (claims plus their days' summaries),
    several at once: a month of 40 rooms is 13 transactions, not 1,240 writes. A unit
    someone holds meanwhile is simply not kept: a transaction that loses such a race is
    written again unit by unit."""
    inventory, claims = inventory_store.read_range(facility_id, stay_from, stay_to)
    kept: dict[tuple[date, str, str], int] = {}
    slots: dict[tuple[date, str, str], tuple[str | None, str | None]] = {}
    free: list[KeptUnit] = []
    for day in inventory:
        for cell in day.cells:
            if not cell.active:
                continue
            key = (day.day, day.resource_type_id, cell.key)
            kept[key] = 0
            slots[key] = (cell.start, cell.end)
            free += [(*key, n) for n in free_units(day, cell.key, claims, now)]
    batches = _keep_batches(free)
    with ThreadPoolExecutor(max_workers=KEEP_THREADS) as pool:  # as inventory_store
        done = pool.map(lambda batch: _keep(facility_id, lottery_id, batch, now), batches)
        for units in done:
            for night, resource_type_id, cell_key, _ in units:
                kept[(night, resource_type_id, cell_key)] += 1
    return [
        DemandDay(
            date=day,
            resource_type_id=rt,
            applications=0,
            winnable=units,
            start=slots[(day, rt, cell)][0],
            end=slots[(day, rt, cell)][1],
        )
        for (day, rt, cell), units in kept.items()
    ]


KeptUnit = tuple[date, str, str, int]
"""(day, resource type, cell key, unit number) of a unit kept for a lottery."""


def _keep_batches(units: list[KeptUnit]) -> list[list[KeptUnit]]:
    """Units in transactions of at most 100 items: each unit's claim, plus one summary
    update per day and resource type the transaction touches."""
    batches: list[list[KeptUnit]] = []
    batch: list[KeptUnit] = []
    days: set[tuple[date, str]] = set()
    for unit in units:
        day = (unit[0], unit[1])
        if len(batch) + 1 + len(days | {day}) > inventory_store.MAX_TRANSACTION_ITEMS:
            batches.append(batch)
            batch, days = [], set()
        batch.append(unit)
        days.add(day)
    return [*batches, batch] if batch else batches


def _keep(
    facility_id: str, lottery_id: str, units: list[KeptUnit], now: datetime
) -> list[KeptUnit]:
    """Keeps `units` in one transaction, or, if one was taken meanwhile, each unit in its
    own; returns the units kept."""
    try:
        _keep_together(facility_id, lottery_id, units, now)
        return units
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
    if len(units) == 1:
        return []
    return [u for u in units if _keep(facility_id, lottery_id, [u], now)]


def _keep_together(facility_id: str, lottery_id: str, units: list[KeptUnit], now: datetime) -> None:
    with TransactWrite(connection=connection()) as tx:
        for night, resource_type_id, cell_key, number in units:
            item = inventory_store.claim_item(
                facility_id, night, resource_type_id, cell_key, number
            )
            item.state = ClaimState.LOTTERY.value
            item.holder = lottery_id
            tx.save(item, condition=inventory_store.claim_is_free(now))
        cells = [(night, rt, cell_key) for night, rt, cell_key, _ in units]
        summary_store.add_changes(tx, facility_id, _tally(cells, Tally.KEPT, 1))


DemandKey = tuple[date, str] | tuple[date, str, str]
"""(date, resource type) for lodging, (date, resource type, HHMM) for a time slot."""


def _tally(cells: list[tuple[date, str, str]], tally: Tally, delta: int) -> summary_store.Changes:
    """`delta` units of `tally` per (day, resource type, cell) listed, for the summaries."""
    changes: summary_store.Changes = Counter()
    for day, resource_type_id, cell in cells:
        changes[(day, resource_type_id, cell, tally)] += delta
    return changes


def _demand_sk(key: DemandKey) -> str:
    return "DEMAND#" + "#".join(k.isoformat() if isinstance(k, date) else k for k in key)


def _demand_key(row: DemandDay) -> DemandKey:
    if row.start is None:
        return (row.date, row.resource_type_id)
    return (row.date, row.resource_type_id, row.start.replace(":", ""))


def save_winnable(lottery_id: str, kept: list[DemandDay]) -> None:
    with DemandItem.batch_write() as batch:
        for row in kept:
            batch.save(
                DemandItem(
                    _pk(lottery_id),
                    _demand_sk(_demand_key(row)),
                    winnable=row.winnable,
                    start=row.start,
                    end=row.end,
                )
            )


def demand(lottery_id: str, start: date | None = None, end: date | None = None) -> list[DemandDay]:
    """The demand counters by date, of the days from `start` to `end` when given."""
    low = f"DEMAND#{start.isoformat()}" if start else "DEMAND#"
    high = f"DEMAND#{end.isoformat()}#~" if end else "DEMAND#~"
    items = DemandItem.query(_pk(lottery_id), DemandItem.sk.between(low, high))
    result = []
    for item in items:
        _, day, rt, *_cell = item.sk.split("#")
        result.append(
            DemandDay(
                date=date.fromisoformat(day),
                resource_type_id=rt,
                applications=int(item.applications or 0),
                winnable=int(item.winnable or 0),
                start=item.start,
                end=item.end,
            )
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


def _demand_update(lottery_id: str, key: DemandKey) -> DemandItem:
    return DemandItem(_pk(lottery_id), _demand_sk(key))


def _contact_json(contact: EntryContact) -> dict[str, Any]:
    return {
        "email": contact.email,
        "language": contact.language.value,
        "lotteryResultEmail": contact.lottery_result_email,
    }


def _contact(data: dict[str, Any] | None) -> EntryContact | None:
    if not data:
        return None
    return EntryContact(
        data["email"], Language(data.get("language", "ja")), bool(data.get("lotteryResultEmail"))
    )


def add_entry(entry: StoredEntry, round_key: str, demand_keys: Set[DemandKey]) -> None:
    """The entry, the one-facility-per-round guard and the demand counters, together."""
    lottery_id, user_number = entry.lottery_id, entry.user_number
    item = EntryItem(
        _pk(lottery_id),
        f"ENTRY#{user_number}",
        entry_id=entry.entry_id,
        preferences=[p.model_dump(mode="json") for p in entry.preferences],
        contact=_contact_json(entry.contact),
        created_at=entry.created_at,
        gsi1pk=f"USER#{user_number}#ENTRIES",
        gsi1sk=f"{entry.created_at.astimezone(UTC).isoformat()}#{lottery_id}",
    )
    guard = RoundGuardItem(
        f"LOTTERYROUND#{round_key}", f"USER#{user_number}", lottery_id=lottery_id
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            _still_open(tx, lottery_id)
            tx.save(item, condition=EntryItem.pk.does_not_exist())
            tx.save(guard, condition=RoundGuardItem.pk.does_not_exist())
            for key in sorted(demand_keys, key=_demand_sk):
                tx.update(_demand_update(lottery_id, key), actions=[DemandItem.applications.add(1)])
    except TransactWriteError as error:
        if condition_failed(error):
            raise EntriesClosed if _closed_first(error) else AlreadyApplied from error
        raise


def _entry(item: EntryItem) -> StoredEntry:
    contact = _contact(item.contact)
    if contact is None:
        raise ValueError(f"entry {item.entry_id} has no contact")
    return StoredEntry(
        lottery_id=item.pk.removeprefix("LOTTERY#"),
        user_number=item.sk.removeprefix("ENTRY#"),
        entry_id=item.entry_id,
        preferences=[_PREFERENCE.validate_python(p) for p in item.preferences],
        contact=contact,
        created_at=item.created_at,
    )


def entries_of_user(user_number: str) -> list[StoredEntry]:
    items = EntryItem.by_owner.query(f"USER#{user_number}#ENTRIES")
    return [_entry(i) for i in items if isinstance(i, EntryItem)]


def set_result_email(entry: StoredEntry, wanted: bool) -> bool:
    """The results e-mail choice of one entry; False when it was withdrawn meanwhile."""
    contact = entry.contact
    if contact is None:
        return False
    changed = EntryContact(contact.email, contact.language, wanted)
    try:
        EntryItem(_pk(entry.lottery_id), f"ENTRY#{entry.user_number}").update(
            actions=[EntryItem.contact.set(_contact_json(changed))],
            condition=EntryItem.pk.exists(),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def entries_by_key(keys: set[tuple[str, str]]) -> dict[tuple[str, str], StoredEntry]:
    """Entries by (lottery id, user number) in one BatchGetItem (per 100)."""
    items = EntryItem.batch_get([(_pk(lid), f"ENTRY#{user}") for lid, user in sorted(keys)])
    found = (_entry(i) for i in items if isinstance(i, EntryItem))
    return {(e.lottery_id, e.user_number): e for e in found}


def entries_page(user_number: str, limit: int, token: str | None) -> Page[StoredEntry]:
    """One page of the user's entries, oldest first."""
    after = pages.decode(token, "entries", _ENTRY_POSITION)
    items = EntryItem.by_owner.query(
        f"USER#{user_number}#ENTRIES",
        EntryItem.gsi1sk > after if after else None,
        page_size=limit + 1,
    )
    keyed = ((i.gsi1sk or "", _entry(i)) for i in items if isinstance(i, EntryItem))
    return pages.collect(keyed, limit, "entries")


class EntryGone(Exception):
    """The entry was withdrawn (or replaced) before this change could commit."""


def replace_preferences(
    entry: StoredEntry, old_keys: Set[DemandKey], new_keys: Set[DemandKey]
) -> None:
    """New preferences for a stored entry, and the demand counters they move, together
    while the lottery is still open (EntriesClosed) and the entry still there (EntryGone)."""
    try:
        with TransactWrite(connection=connection()) as tx:
            _still_open(tx, entry.lottery_id)
            tx.update(
                EntryItem(_pk(entry.lottery_id), f"ENTRY#{entry.user_number}"),
                actions=[
                    EntryItem.preferences.set(
                        [p.model_dump(mode="json") for p in entry.preferences]
                    )
                ],
                condition=EntryItem.entry_id == entry.entry_id,
            )
            for key in sorted(old_keys - new_keys, key=_demand_sk):
                tx.update(
                    _demand_update(entry.lottery_id, key),
                    actions=[DemandItem.applications.add(-1)],
                )
            for key in sorted(new_keys - old_keys, key=_demand_sk):
                tx.update(
                    _demand_update(entry.lottery_id, key), actions=[DemandItem.applications.add(1)]
                )
    except TransactWriteError as error:
        if condition_failed(error):
            raise EntriesClosed if _closed_first(error) else EntryGone from error
        raise


class Withdrawal(NamedTuple):
    """One entry to withdraw: where it is and the demand counters it drops."""

    lottery_id: str
    round_key: str
    user_number: str
    entry_id: str
    demand_keys: Set[DemandKey]


def withdraw(
    lottery_id: str, round_key: str, user_number: str, demand_keys: Set[DemandKey]
) -> bool:
    try:
        withdraw_many([Withdrawal(lottery_id, round_key, user_number, "", demand_keys)])
    except EntryGone:
        return False
    return True


def withdraw_many(withdrawals: list[Withdrawal]) -> None:
    """Withdraws entries, all in one transaction: each lottery still open (else
    EntriesClosed, nothing withdrawn) and each entry still there (else EntryGone)."""
    try:
        with TransactWrite(connection=connection()) as tx:
            for w in withdrawals:
                _still_open(tx, w.lottery_id)
            for w in withdrawals:
                entry = EntryItem(_pk(w.lottery_id), f"ENTRY#{w.user_number}")
                same = EntryItem.entry_id == w.entry_id if w.entry_id else EntryItem.pk.exists()
                tx.delete(entry, condition=same)
                tx.delete(RoundGuardItem(f"LOTTERYROUND#{w.round_key}", f"USER#{w.user_number}"))
                for key in sorted(w.demand_keys, key=_demand_sk):
                    tx.update(
                        _demand_update(w.lottery_id, key),
                        actions=[DemandItem.applications.add(-1)],
                    )
    except TransactWriteError as error:
        if condition_failed(error):
            checks = len(withdrawals)
            reasons = error.cancellation_reasons or []
            closed = any(
                r is not None and r.code == "ConditionalCheckFailed" for r in reasons[:checks]
            )
            raise EntriesClosed if closed else EntryGone from error
        raise


def has_result(lottery_id: str, user_number: str) -> bool:
    try:
        ResultItem.get(_pk(lottery_id), f"RESULT#{user_number}")
    except ResultItem.DoesNotExist:
        return False
    return True


def entries(lottery_id: str) -> list[StoredEntry]:
    items = EntryItem.query(_pk(lottery_id), EntryItem.sk.startswith("ENTRY#"))
    return [_entry(i) for i in items]


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
    """The units kept per night and resource type (lodging)."""
    return {(d.date, d.resource_type_id): d.winnable for d in demand(lottery_id) if not d.start}


def _result(item: ResultItem) -> StoredResult:
    return StoredResult(
        lottery_id=item.pk.removeprefix("LOTTERY#"),
        user_number=item.sk.removeprefix("RESULT#"),
        entry_id=item.entry_id,
        won_rank=int(item.won_rank or 0),
        reservation_number=item.reservation_number,
        contact=_contact(item.contact),
        notified=bool(item.notified),
        wins=tuple((int(w["rank"]), str(w["reservationNumber"])) for w in item.wins or ()),
        reminded=bool(item.reminded),
    )


def results(lottery_id: str) -> dict[str, StoredResult]:
    """Every recorded result, by user number."""
    items = ResultItem.query(_pk(lottery_id), ResultItem.sk.startswith("RESULT#"))
    return {r.user_number: r for r in map(_result, items)}


def results_after(
    lottery_id: str, after: str | None, limit: int
) -> tuple[list[StoredResult], bool]:
    """Up to `limit` results in user-number order, after the user `after` (None: from
    the first), in one Query; and whether more may follow."""
    start = {"pk": {"S": _pk(lottery_id)}, "sk": {"S": f"RESULT#{after}"}} if after else None
    items = ResultItem.query(
        _pk(lottery_id),
        ResultItem.sk.startswith("RESULT#"),
        limit=limit,
        page_size=limit,
        last_evaluated_key=start,
    )
    found = [_result(i) for i in items]
    return found, items.last_evaluated_key is not None


def kept_units(facility_id: str, lottery_id: str, stay_from: date, stay_to: date) -> list[Claim]:
    """The units still kept for this lottery (not yet won, not yet released), in key order."""
    start, end = stay_from.isoformat(), f"{stay_to.isoformat()}#~"
    kept = []
    for month in months_between(stay_from, stay_to):
        for item in ClaimItem.query(
            inventory_store.partition(facility_id, month),
            ClaimItem.sk.between(start, end),
            filter_condition=(ClaimItem.holder == lottery_id)
            & (ClaimItem.state == ClaimState.LOTTERY.value),
        ):
            kept.append(inventory_store.claim_of(item))
    return kept


def _claim_item(facility_id: str, claim: Claim) -> ClaimItem:
    return inventory_store.claim_item(
        facility_id, claim.day, claim.resource_type_id, claim.cell, claim.unit
    )


def _won(claims: list[Claim]) -> summary_store.Changes:
    """Kept units turned into booked ones, as their days' summaries count them."""
    won = [(c.day, c.resource_type_id, c.cell) for c in claims]
    changes = _tally(won, Tally.KEPT, -1)
    changes.update(_tally(won, Tally.BOOKED, 1))  # (`+` would drop the negatives)
    return changes


def _book_won_claims(
    tx: TransactWrite, facility_id: str, claims: list[Claim], number: str, lottery_id: str
) -> None:
    """In a win's transaction: the lottery's kept units become the reservation's, on the
    condition that the lottery still keeps them, and the day summaries move with them."""
    for claim in claims:
        tx.update(
            _claim_item(facility_id, claim),
            actions=[
                ClaimItem.state.set(ClaimState.BOOKED.value),
                ClaimItem.holder.set(number),
                ClaimItem.expires_at.set(booked_until(claim.day)),
            ],
            condition=(ClaimItem.holder == lottery_id)
            & (ClaimItem.state == ClaimState.LOTTERY.value),
        )
    summary_store.add_changes(tx, facility_id, _won(claims))


def record_win(
    lottery_id: str,
    entry: StoredEntry,
    won_rank: int,
    claims: list[Claim],
    reservation: Reservation,
) -> bool:
    """Turns kept units into a reservation and records the win, all or nothing.

    False when this entry already has a result (a second run of the draw) or a unit was
    no longer kept for the lottery."""
    number = reservation.reservation_number
    stored = reservation_item(
        number,
        Owner.citizen(entry.user_number),
        reservation,
        [Unit(c.day, c.cell, c.unit) for c in claims],
        secret_hash=None,
    )
    result = ResultItem(
        _pk(lottery_id),
        f"RESULT#{entry.user_number}",
        entry_id=entry.entry_id,
        won_rank=won_rank,
        reservation_number=number,
        contact=_contact_json(entry.contact),
        gsi1pk=f"USER#{entry.user_number}#RESULTS",
        gsi1sk=lottery_id,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(result, condition=ResultItem.pk.does_not_exist())
            tx.save(stored, condition=TableItem.pk.does_not_exist())
            _book_won_claims(tx, reservation.facility_id, claims, number, lottery_id)
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def record_losses(lottery_id: str, losers: list[StoredEntry]) -> None:
    """Entries that won nothing. A loss is the same in every run of a deterministic
    draw, so writing it twice changes nothing."""
    with ResultItem.batch_write() as batch:
        for entry in losers:
            batch.save(
                ResultItem(
                    _pk(lottery_id),
                    f"RESULT#{entry.user_number}",
                    entry_id=entry.entry_id,
                    won_rank=0,
                    contact=_contact_json(entry.contact),
                    gsi1pk=f"USER#{entry.user_number}#RESULTS",
                    gsi1sk=lottery_id,
                )
            )


def mark_notified(lottery_id: str, user_number: str) -> None:
    ResultItem(_pk(lottery_id), f"RESULT#{user_number}").update(
        actions=[ResultItem.notified.set(True)]
    )


def results_page(user_number: str, limit: int, token: str | None) -> Page[StoredResult]:
    """One page of the user's results, by lottery id."""
    after = pages.decode(token, "results", _RESULT_POSITION)
    items = ResultItem.by_owner.query(
        f"USER#{user_number}#RESULTS",
        ResultItem.gsi1sk > after if after else None,
        page_size=limit + 1,
    )
    keyed = ((i.gsi1sk or "", _result(i)) for i in items if isinstance(i, ResultItem))
    return pages.collect(keyed, limit, "results")


def lottery_results_page(lottery_id: str, limit: int, token: str | None) -> Page[StoredResult]:
    """One page of a lottery's results (one per entry), by user number."""
    scope = f"lottery-results:{lottery_id}"
    after = pages.decode(token, scope, _LOTTERY_RESULT_POSITION)
    # After the position and still a result: " " sorts before every digit, so
    # `position + " "` is past the position and before the next user number.
    condition = (
        ResultItem.sk.between(f"{after} ", "RESULT#~")
        if after
        else ResultItem.sk.startswith("RESULT#")
    )
    items = ResultItem.query(_pk(lottery_id), condition, page_size=limit + 1)
    keyed = ((i.sk, _result(i)) for i in items if isinstance(i, ResultItem))
    return pages.collect(keyed, limit, scope)


def publish(lottery_id: str, result_digest: str, audit_file: PublishedFile) -> None:
    """Marks the lottery drawn, with its result digest and its (already stored) audit
    file. Repeats the same values when Publish runs again."""
    LotteryItem(_pk(lottery_id), "LOTTERY").update(
        actions=[
            LotteryItem.drawn.set(True),
            LotteryItem.result_digest.set(result_digest),
            LotteryItem.audit_file.set(dataclasses.asdict(audit_file)),
        ]
    )


def release(facility_id: str, lottery_id: str, claims: list[Claim]) -> int:
    """Gives the units nobody won back to direct booking."""
    released = 0
    for claim in claims:
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.delete(
                    _claim_item(facility_id, claim),
                    condition=(ClaimItem.holder == lottery_id)
                    & (ClaimItem.state == ClaimState.LOTTERY.value),
                )
                cell = [(claim.day, claim.resource_type_id, claim.cell)]
                summary_store.add_changes(tx, facility_id, _tally(cell, Tally.KEPT, -1))
            released += 1
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
    return released


# ---------------------------------------------------------------- time-slot wins


def wins(lottery_id: str) -> dict[str, dict[int, str]]:
    """The time-slot wins recorded so far: user number → rank → reservation number."""
    found: dict[str, dict[int, str]] = {}
    for item in WinItem.query(_pk(lottery_id), WinItem.sk.startswith("WIN#")):
        _, user_number, rank = item.sk.split("#")
        found.setdefault(user_number, {})[int(rank)] = item.reservation_number
    return found


def record_slot_win(
    lottery_id: str,
    entry: StoredEntry,
    rank: int,
    claims: list[Claim],
    reservation: Reservation,
) -> bool:
    """Turns kept units into the reservation of one win, all or nothing. False when that
    win is already recorded (a second run of the draw) or a unit was no longer kept."""
    number = reservation.reservation_number
    stored = reservation_item(
        number,
        Owner.citizen(entry.user_number),
        reservation,
        [Unit(c.day, c.cell, c.unit) for c in claims],
        secret_hash=None,
    )
    win = WinItem(_pk(lottery_id), f"WIN#{entry.user_number}#{rank:02d}", reservation_number=number)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(win, condition=WinItem.pk.does_not_exist())
            tx.save(stored, condition=TableItem.pk.does_not_exist())
            _book_won_claims(tx, reservation.facility_id, claims, number, lottery_id)
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def record_slot_results(
    lottery_id: str, results: list[tuple[StoredEntry, list[tuple[int, str]]]]
) -> None:
    """Each entry's result: every win (rank, reservation number), or none. Written once
    per entry (the draw skips entries that have a result), so `notified` stays."""
    with ResultItem.batch_write() as batch:
        for entry, won in results:
            first = won[0] if won else (0, None)
            batch.save(
                ResultItem(
                    _pk(lottery_id),
                    f"RESULT#{entry.user_number}",
                    entry_id=entry.entry_id,
                    won_rank=first[0],
                    reservation_number=first[1],
                    wins=[{"rank": r, "reservationNumber": n} for r, n in won] or None,
                    contact=_contact_json(entry.contact),
                    gsi1pk=f"USER#{entry.user_number}#RESULTS",
                    gsi1sk=lottery_id,
                )
            )


def mark_reminded(lottery_id: str, user_number: str) -> None:
    ResultItem(_pk(lottery_id), f"RESULT#{user_number}").update(
        actions=[ResultItem.reminded.set(True)]
    )
