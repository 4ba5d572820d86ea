"""Day summaries: what a calendar reads instead of the claims (docs/architecture.md).

Every write that turns claims into booked, kept (lottery) or closed units, or back,
adds `changes` to the summaries of their days in the same transaction, with
`add_changes`. The counts live in one map per summary, `counts`, keyed `{cell}#{tally}`;
each change is `SET counts.k = if_not_exists(counts.k, 0) + delta`, which DynamoDB allows
on a nested key (ADD is for top-level attributes only). The map itself is created with
the summary, when its day's capacity record is first written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from pynamodb.exceptions import PutError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters.table import SummaryItem
from yoyaku.adapters.transactions import condition_failed
from yoyaku.domain.closures import stored_closed_reason
from yoyaku.domain.inventory import (
    Cell,
    CellCounts,
    DayInventory,
    DaySummary,
    Tally,
    summarise,
)

_LETTER = {Tally.BOOKED: "b", Tally.KEPT: "k", Tally.CLOSED: "x"}
_TALLY = {letter: tally for tally, letter in _LETTER.items()}

# (day, resource type, cell key, tally) -> units more (or fewer, when negative)
Changes = Counter[tuple[date, str, str, Tally]]


def partition(facility_id: str) -> str:
    return f"AVAIL#{facility_id}"


def _item(facility_id: str, day: date, resource_type_id: str) -> SummaryItem:
    return SummaryItem(partition(facility_id), f"{day.isoformat()}#{resource_type_id}")


def _cells_json(cells: tuple[Cell, ...]) -> list[dict[str, Any]]:
    return [
        {"key": c.key, "units": c.units, "start": c.start, "end": c.end, "active": c.active}
        for c in cells
    ]


def _count_actions(changes: list[tuple[str, Tally, int]]) -> list[Any]:
    actions = []
    for cell, tally, delta in changes:
        path = SummaryItem.counts[f"{cell}#{_LETTER[tally]}"]
        actions.append(path.set((path | 0) + delta))
    return actions


def add_changes(
    tx: TransactWrite,
    facility_id: str,
    changes: Changes,
    records: dict[tuple[date, str], DayInventory] | None = None,
) -> None:
    """Adds to `tx` one update per summary that `changes` touch, and per day of
    `records` (new capacity records of the same transaction), whose cells it copies."""
    by_day: dict[tuple[date, str], list[tuple[str, Tally, int]]] = defaultdict(list)
    for (day, resource_type_id, cell, tally), delta in sorted(changes.items()):
        if delta:
            by_day[(day, resource_type_id)].append((cell, tally, delta))
    records = records or {}
    for key in sorted(set(by_day) | set(records)):
        actions = _count_actions(by_day.get(key, []))
        record = records.get(key)
        if record is not None:
            actions += [
                # An update may create the item: it names its kind, as a put would.
                SummaryItem.kind.set(SummaryItem),
                SummaryItem.cells.set(_cells_json(record.cells)),
                SummaryItem.closed.set(record.closed),
                # Why the day is closed, or nothing when it is open (again).
                SummaryItem.closed_reason.set(record.closed_reason)
                if record.closed_reason
                else SummaryItem.closed_reason.remove(),
            ]
            if not by_day.get(key):
                # A new day's summary starts with an empty map (it cannot have counts yet).
                actions.append(SummaryItem.counts.set(SummaryItem.counts | {}))
        actions.append(SummaryItem.revision.add(1))
        tx.update(_item(facility_id, *key), actions=actions)


def read(facility_id: str, start: date, end: date) -> list[DaySummary]:
    """The summaries of every day from `start` to `end`: one Query (a page holds about
    4,000 lodging days, far more than the 62 a calendar asks for)."""
    items = SummaryItem.query(
        partition(facility_id),
        SummaryItem.sk.between(start.isoformat(), f"{end.isoformat()}#~"),
    )
    return [_summary(item) for item in items]


def _summary(item: SummaryItem) -> DaySummary:
    day, _, resource_type_id = item.sk.partition("#")
    raw: dict[str, dict[Tally, int]] = defaultdict(dict)
    for key, value in (item.counts.attribute_values if item.counts else {}).items():
        cell, _, letter = key.rpartition("#")
        if int(value):
            raw[cell][_TALLY[letter]] = int(value)
    return DaySummary(
        day=date.fromisoformat(day),
        resource_type_id=resource_type_id,
        cells=tuple(Cell(**cell) for cell in item.cells),
        closed=bool(item.closed),
        closed_reason=stored_closed_reason(bool(item.closed), item.closed_reason),
        counts={
            cell: CellCounts(**{t.value: n for t, n in tallies.items()})
            for cell, tallies in raw.items()
        },
    )


def rebuild(facility_id: str, start: date, end: date) -> int:
    """Makes every stored summary from `start` to `end` equal to what the capacity records
    and claims imply (`summarise`), for data written before summaries existed; returns
    how many it wrote. Safe while bookings go on: the summaries are read *before* the
    claims, and each is written only if its revision is still the one read. A write that
    changed a claim after that read changed its summary's revision too (same
    transaction), so the condition fails and that day is done again."""
    from yoyaku.adapters import inventory_store  # it imports this module

    written = 0
    for _ in range(5):
        stored = _stored_with_revisions(facility_id, start, end)
        inventory, claims = inventory_store.read_range(facility_id, start, end)
        stale = 0
        for truth in summarise(inventory, claims):
            summary, revision = stored.get((truth.day, truth.resource_type_id), (None, None))
            if summary == truth:
                continue
            if _write_over(facility_id, truth, revision):
                written += 1
            else:
                stale += 1
        if not stale:
            return written
    raise RuntimeError(f"the summaries of {facility_id} kept changing: run it again")


def _stored_with_revisions(
    facility_id: str, start: date, end: date
) -> dict[tuple[date, str], tuple[DaySummary, int]]:
    items = SummaryItem.query(
        partition(facility_id),
        SummaryItem.sk.between(start.isoformat(), f"{end.isoformat()}#~"),
        consistent_read=True,
    )
    stored = {}
    for item in items:
        summary = _summary(item)
        stored[(summary.day, summary.resource_type_id)] = (summary, int(item.revision or 0))
    return stored


def _write_over(facility_id: str, truth: DaySummary, revision: int | None) -> bool:
    item = _item(facility_id, truth.day, truth.resource_type_id)
    item.cells = _cells_json(truth.cells)
    item.closed = truth.closed
    item.closed_reason = truth.closed_reason
    item.counts = {
        f"{cell}#{_LETTER[tally]}": counts.of(tally)
        for cell, counts in truth.counts.items()
        for tally in Tally
        if counts.of(tally)
    }
    item.revision = (revision or 0) + 1
    condition = (
        SummaryItem.pk.does_not_exist() if revision is None else SummaryItem.revision == revision
    )
    try:
        item.save(condition=condition)
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True
