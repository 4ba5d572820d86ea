"""Capacity records and claims, one partition per facility and month.

Reading a range costs one Query per month it touches (used by holds and staff changes,
which need the claims of a few days; a calendar reads the summaries instead). Changes
are written with conditions only, so they never overwrite a concurrent claim, and each
day's summary changes in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import summary_store
from yoyaku.adapters.table import CapacityItem, ClaimItem, TableItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.calendar import month_key, months_between
from yoyaku.domain.closures import stored_closed_reason
from yoyaku.domain.inventory import Cell, Claim, ClaimState, DayInventory, DayPlan, Tally

MAX_TRANSACTION_ITEMS = 100


class LostRace(Exception):
    """A conditional write found the data changed since it was read: read and plan again."""


def partition(facility_id: str, month: str) -> str:
    return f"INV#{facility_id}#{month}"


def capacity_sk(day: date, resource_type_id: str) -> str:
    return f"{day.isoformat()}#CAP#{resource_type_id}"


def claim_sk(day: date, resource_type_id: str, cell: str, unit: int) -> str:
    return f"{day.isoformat()}#CLAIM#{resource_type_id}#{cell}#{unit:03d}"


def claim_item(
    facility_id: str, day: date, resource_type_id: str, cell: str, unit: int
) -> ClaimItem:
    """The (unsaved) claim item of one unit, keyed in its month partition."""
    return ClaimItem(
        partition(facility_id, month_key(day)), claim_sk(day, resource_type_id, cell, unit)
    )


def held_partition(facility_id: str) -> str:
    """gsi2 partition of a facility's hold claims, sorted by expiry (`held_sort_key`)."""
    return f"HELD#{facility_id}"


def held_sort_key(expires_at: datetime) -> str:
    return expires_at.astimezone(UTC).isoformat(timespec="seconds")


def mark_held(item: ClaimItem, facility_id: str, expires_at: datetime) -> None:
    """Lists a hold's claim in gsi2, where `live_holds` finds it until it expires."""
    item.gsi2pk = held_partition(facility_id)
    item.gsi2sk = held_sort_key(expires_at)


def live_holds(facility_id: str, now: datetime) -> list[Claim]:
    """The facility's holds that have not expired at `now`, from gsi2: one Query that
    reads no booked claim, and no expired hold either (the sort key starts at the
    current second; the exact comparison is `Claim.is_live`)."""
    floor = held_sort_key(now.replace(microsecond=0))
    items = ClaimItem.by_queue.query(held_partition(facility_id), ClaimItem.gsi2sk >= floor)
    claims = [claim_of(i) for i in items if isinstance(i, ClaimItem)]
    return [c for c in claims if c.state is ClaimState.HOLD and c.is_live(now)]


def read_range(facility_id: str, start: date, end: date) -> tuple[list[DayInventory], list[Claim]]:
    """Every capacity record and claim from `start` to `end`: one Query per month."""
    inventory: list[DayInventory] = []
    claims: list[Claim] = []
    for month in months_between(start, end):
        items = TableItem.query(
            partition(facility_id, month),
            TableItem.sk.between(start.isoformat(), f"{end.isoformat()}#~"),
        )
        for item in items:
            if isinstance(item, CapacityItem):
                inventory.append(_day_inventory(item))
            elif isinstance(item, ClaimItem):
                claims.append(claim_of(item))
    return inventory, claims


def _day_inventory(item: CapacityItem) -> DayInventory:
    day, _, resource_type_id = item.sk.split("#", 2)
    return DayInventory(
        day=date.fromisoformat(day),
        resource_type_id=resource_type_id,
        cells=tuple(Cell(**cell) for cell in item.cells),
        closed=bool(item.closed),
        version=int(item.version or 0),
        closed_reason=stored_closed_reason(bool(item.closed), item.closed_reason),
    )


def claim_of(item: ClaimItem) -> Claim:
    """The domain claim of a stored claim item (its sort key names the unit)."""
    day, _, resource_type_id, cell, unit = item.sk.split("#")
    return Claim(
        day=date.fromisoformat(day),
        resource_type_id=resource_type_id,
        cell=cell,
        unit=int(unit),
        state=ClaimState(item.state),
        expires_at=item.expires_at,
        holder=item.holder,
    )


def _capacity_item(facility_id: str, plan: DayPlan) -> CapacityItem:
    day = plan.new.day
    item = CapacityItem(
        partition(facility_id, month_key(day)),
        capacity_sk(day, plan.new.resource_type_id),
        cells=[
            {"key": c.key, "units": c.units, "start": c.start, "end": c.end, "active": c.active}
            for c in plan.new.cells
        ],
        closed=plan.new.closed,
        closed_reason=plan.new.closed_reason,
    )
    # VersionAttribute: save() requires the stored version to still be this one (or the
    # item to be absent when there is none) and then increments it.
    if plan.previous_version is not None:
        item.version = plan.previous_version
    return item


def apply(facility_id: str, plans: list[DayPlan], now: datetime) -> None:
    """Write every day's plan; raises LostRace if any day changed since it was read."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda p: _apply_day(facility_id, p, now), plans))
    if not all(results):
        raise LostRace


def _apply_day(facility_id: str, plan: DayPlan, now: datetime) -> bool:
    record = _capacity_item(facility_id, plan)
    operations = list(_closure_operations(facility_id, plan, now))
    # Keep each transaction within DynamoDB's limit: the closures of a chunk, its day's
    # summary and the capacity record (or a check of its version) make up to 100 items.
    chunk = MAX_TRANSACTION_ITEMS - 2
    batches = [operations[i : i + chunk] for i in range(0, len(operations), chunk)] or [[]]
    done: list[_Write] = []
    day = plan.new
    try:
        for index, batch in enumerate(batches):
            last = index == len(batches) - 1
            with TransactWrite(connection=connection()) as tx:
                for write in batch:
                    write.add_to(tx)
                summary_store.add_changes(
                    tx,
                    facility_id,
                    _closure_changes(day, batch),
                    records={(day.day, day.resource_type_id): day} if last else None,
                )
                if last:
                    tx.save(record)
                else:
                    tx.condition_check(
                        CapacityItem,
                        record.pk,
                        record.sk,
                        condition=_version_is(plan.previous_version),
                    )
            done += batch
    except TransactWriteError as error:
        if condition_failed(error):
            _undo(facility_id, day, done, now)
            return False
        raise
    return True


def _closure_changes(day: DayInventory, writes: list[_Write]) -> summary_store.Changes:
    """What closing (+1) and reopening (−1) these units does to the day's summary."""
    changes: summary_store.Changes = Counter()
    for write in writes:
        changes[(day.day, day.resource_type_id, write.cell, Tally.CLOSED)] += (
            -1 if write.delete else 1
        )
    return changes


def _undo(facility_id: str, day: DayInventory, writes: list[_Write], now: datetime) -> None:
    """Takes back the batches that committed before a later one lost its race, so a
    refused change leaves capacity as it was (only a day needing over 98 writes has
    several batches). Each unit is undone with its summary, in its own transaction."""
    for write in writes:
        try:
            with TransactWrite(connection=connection()) as tx:
                if write.delete:  # a reopened unit: close it again, unless someone took it
                    closure = ClaimItem(write.item.pk, write.item.sk, state=ClaimState.CLOSED.value)
                    tx.save(closure, condition=claim_is_free(now))
                    undone = _Write(closure, write.condition, write.cell)
                else:  # a closed unit: open it again
                    tx.delete(write.item, condition=ClaimItem.state == ClaimState.CLOSED.value)
                    undone = _Write(write.item, write.condition, write.cell, delete=True)
                summary_store.add_changes(tx, facility_id, _closure_changes(day, [undone]))
        except TransactWriteError as error:
            if not condition_failed(error):
                raise


def _version_is(version: int | None) -> Condition:
    if version is None:
        return cast(Condition, CapacityItem.pk.does_not_exist())
    return cast(Condition, CapacityItem.version == version)


def claim_is_free(now: datetime) -> Condition:
    """The hold condition (docs/design.md): absent, or a hold whose expiry has passed."""
    # `<=`: a hold is over at its expiry instant, as Claim.is_live (expires_at > now) says.
    condition = ClaimItem.pk.does_not_exist() | (
        (ClaimItem.state == ClaimState.HOLD.value) & (ClaimItem.expires_at <= now)
    )
    return cast(Condition, condition)


@dataclass(frozen=True)
class _Write:
    """One conditional write inside a transaction: put a closure, or delete one."""

    item: ClaimItem
    condition: Condition
    cell: str
    delete: bool = False

    def add_to(self, tx: TransactWrite) -> None:
        if self.delete:
            tx.delete(self.item, condition=self.condition)
        else:
            tx.save(self.item, condition=self.condition)


def _closure_operations(facility_id: str, plan: DayPlan, now: datetime) -> list[_Write]:
    day = plan.new.day
    pk = partition(facility_id, month_key(day))
    rt = plan.new.resource_type_id
    writes: list[_Write] = []
    for cell in plan.cells:
        for unit in cell.close:
            item = ClaimItem(pk, claim_sk(day, rt, cell.key, unit), state=ClaimState.CLOSED.value)
            writes.append(_Write(item, claim_is_free(now), cell.key))
        for unit in cell.reopen:
            item = ClaimItem(pk, claim_sk(day, rt, cell.key, unit))
            reopen = ClaimItem.state == ClaimState.CLOSED.value
            writes.append(_Write(item, reopen, cell.key, delete=True))
    return writes
