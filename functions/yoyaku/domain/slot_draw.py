"""The draw of a time-slot lottery (seed 000: courts and grounds allotted by a monthly
lottery): several wins per applicant, up to a cap.

It is the lodging draw (domain.lottery) with two differences, and uses its order, its
digests and its allocation machinery:

* A preference is `rank:date:HHMM:slots:resourceTypeId:quantity`: `slots` consecutive
  time slots from the one starting at HHMM, `quantity` units (courts) in each. It fits
  when every one of those slots has `quantity` units left, and takes them all or none.
* An applicant may win several preferences, but never more than `cap` slot units in all
  (`maxWinsPerApplicant`; a preference weighs `slots × quantity`), and never the same
  preference twice. The mechanisms become:
  - serial_dictatorship: rounds in the drawn order, each applicant taking in each round
    the highest-ranked preference that still fits (a draft). With a cap of one win it
    is serial dictatorship exactly. Nobody gets a second slot before everyone who can
    still win has had their first.
  - rank_rounds: every first preference (in the drawn order), then every second, and so
    on, each taken when it fits within the applicant's cap, as the seed systems do.
* resultDigest = SHA-256 of `entryId|r1,r2,…` lines (the ranks won, ascending; `0` for
  none) in draw order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import NamedTuple

from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError
from yoyaku.domain.lottery import (
    DemandDay,
    EntryRequest,
    LotteryDefinition,
    Mechanism,
    SlotInventoryRow,
    SlotPreferenceIn,
    StoredEntry,
    UnitPool,
    lines_digest,
)

SlotKey = tuple[date, str, str]
"""One time slot of one resource type: (date, resourceTypeId, HHMM of its start)."""


class SlotPreference(NamedTuple):
    rank: int
    day: date
    start: str  # HHMM of the first slot
    slots: int
    resource_type_id: str
    quantity: int

    @property
    def weight(self) -> int:
        """What it counts against the cap: one per unit per slot."""
        return self.slots * self.quantity


class SlotEntry(NamedTuple):
    """An entry of a time-slot lottery; its preferences in rank order (see `slot_entry`)."""

    entry_id: str
    preferences: tuple[SlotPreference, ...]


def slot_entry(entry_id: str, preferences: Iterable[SlotPreference]) -> SlotEntry:
    return SlotEntry(entry_id, tuple(sorted(preferences)))


def preference_text(p: SlotPreference) -> str:
    return f"{p.rank}:{p.day.isoformat()}:{p.start}:{p.slots}:{p.resource_type_id}:{p.quantity}"


def canonical_line(item: SlotEntry) -> str:
    """`entryId|rank:date:HHMM:slots:resourceTypeId:quantity;…` (preferences by rank)."""
    return item.entry_id + "|" + ";".join(map(preference_text, item.preferences))


def entries_digest(entries: Iterable[SlotEntry]) -> str:
    """SHA-256 of the sorted canonical lines joined by "\\n" (as for lodging)."""
    texts: dict[SlotPreference, str] = {}

    def text(p: SlotPreference) -> str:
        found = texts.get(p)
        if found is None:
            found = texts[p] = preference_text(p)
        return found

    lines = [entry_id + "|" + ";".join(map(text, prefs)) for entry_id, prefs in entries]
    lines.sort()
    return lines_digest(lines)


@dataclass(frozen=True)
class SlotInventory:
    """The units a lottery keeps per slot, and where each slot ends (`HHMM`): a slot
    follows another when it starts where the other ends."""

    units: Mapping[SlotKey, int]
    ends: Mapping[SlotKey, str]

    @classmethod
    def of(cls, rows: Iterable[DemandDay]) -> SlotInventory:
        """From a lottery's winnable rows (those of time slots)."""
        units: dict[SlotKey, int] = {}
        ends: dict[SlotKey, str] = {}
        for row in rows:
            if row.start and row.end:
                key = (row.date, row.resource_type_id, row.start.replace(":", ""))
                units[key] = row.winnable
                ends[key] = row.end.replace(":", "")
        return cls(units, ends)

    def rows(self) -> list[SlotInventoryRow]:
        """The inventory as the audit publishes it, one row per slot."""
        return [
            SlotInventoryRow(
                date=day,
                resource_type_id=rt,
                start=f"{start[:2]}:{start[2:]}",
                end=f"{self.ends[(day, rt, start)][:2]}:{self.ends[(day, rt, start)][2:]}",
                units=units,
            )
            for (day, rt, start), units in sorted(self.units.items())
        ]

    def cells(self, p: SlotPreference) -> tuple[SlotKey, ...] | None:
        """The slots a preference takes, or None when they are not all in the inventory,
        one after another."""
        if p.slots < 1 or p.quantity < 1:
            # Taking nothing (or a negative number) could make a preference fit again.
            raise ValueError(f"a preference needs a slot and a unit: {p}")
        cell: SlotKey = (p.day, p.resource_type_id, p.start)
        cells = []
        for _ in range(p.slots):
            end = self.ends.get(cell)
            if end is None or cell not in self.units:
                return None
            cells.append(cell)
            cell = (p.day, p.resource_type_id, end)
        return tuple(cells)


Won = dict[str, tuple[int, ...]]
"""entryId → the ranks won, ascending (empty: lost)."""


def allocate(
    order: Sequence[str],
    entries: Mapping[str, SlotEntry],
    inventory: SlotInventory,
    mechanism: Mechanism,
    cap: int | None,
) -> Won:
    """Each entry's ranks won, never more than `cap` slot units an entry (no cap: None).

    Like the lodging allocation it stops as soon as no preference fits any more."""
    limit = math.inf if cap is None else cap
    pool = UnitPool(
        inventory.units,
        chain.from_iterable(e.preferences for e in entries.values()),
        inventory.cells,
    )
    live, take = pool.live, pool.take
    won: dict[str, list[int]] = {}
    used: dict[str, int] = {}

    def try_take(entry_id: str, p: SlotPreference, taken: list[int] | None) -> bool:
        weight = p.slots * p.quantity
        if p not in live or used.get(entry_id, 0) + weight > limit:
            return False
        take(p)
        used[entry_id] = used.get(entry_id, 0) + weight
        if taken is None:
            won[entry_id] = [p.rank]
        else:
            taken.append(p.rank)
        return True

    if mechanism is Mechanism.SERIAL_DICTATORSHIP:
        # Rounds of the drawn order. An entry that wins nothing in a round can win
        # nothing later (units only decrease, its cap left stays), so it drops out.
        active: Sequence[str] = order
        taken_at: dict[str, set[int]] = {}  # positions of preferences won, per entry
        while active and live:
            winners = []
            for entry_id in active:
                if not live:
                    break
                done = taken_at.setdefault(entry_id, set())
                for index, p in enumerate(entries[entry_id].preferences):
                    if index not in done and try_take(entry_id, p, won.get(entry_id)):
                        done.add(index)
                        winners.append(entry_id)
                        break
            active = winners
    else:
        max_rank = max((p.rank for e in entries.values() for p in e.preferences), default=0)
        for rank in range(1, max_rank + 1):
            if not live:
                break
            for entry_id in order:
                if not live:
                    break
                for p in entries[entry_id].preferences:
                    if p.rank == rank and try_take(entry_id, p, won.get(entry_id)):
                        break
    return {entry_id: tuple(sorted(won.get(entry_id, ()))) for entry_id in order}


def result_line(entry_id: str, ranks: Sequence[int]) -> str:
    return f"{entry_id}|{','.join(map(str, ranks)) if ranks else '0'}"


def result_digest(order: Sequence[str], won: Mapping[str, Sequence[int]]) -> str:
    """SHA-256 of the `entryId|r1,r2` lines (`entryId|0` when nothing was won) in draw
    order."""
    return lines_digest([result_line(e, won.get(e, ())) for e in order])


# ---------------------------------------------------------------- entry rules


def slot_of(p: SlotPreferenceIn) -> SlotPreference:
    return SlotPreference(
        p.rank, p.date, p.start.replace(":", ""), p.slots, p.resource_type_id, p.quantity
    )


def for_draw(stored: StoredEntry) -> SlotEntry:
    """The entry of a time-slot lottery as the draw sees it."""
    return slot_entry(
        stored.entry_id,
        (slot_of(p) for p in stored.preferences if isinstance(p, SlotPreferenceIn)),
    )


def check_preferences(
    request: EntryRequest,
    definition: LotteryDefinition,
    facility: Facility,
    inventory: SlotInventory,
) -> set[SlotKey]:
    """Each preference must be slots the lottery draws (within its month, one after
    another, with units kept for the lottery), within the facility's rules and the cap;
    returns the slots whose demand counters (申込総数) the entry adds to."""
    if len(request.preferences) > definition.max_preferences:
        raise DomainError.invalid(
            "preferences", "too_many_preferences", max=definition.max_preferences
        )
    cap = definition.max_wins_per_applicant
    demand: set[SlotKey] = set()
    for index, p in enumerate(request.preferences):
        field = f"preferences[{index}]"
        if not isinstance(p, SlotPreferenceIn):
            raise DomainError.invalid(field, "slot_preference_expected")
        if not definition.stay_from <= p.date <= definition.stay_to:
            raise DomainError.invalid(
                f"{field}.date",
                "outside_stay_period",
                stayFrom=definition.stay_from.isoformat(),
                stayTo=definition.stay_to.isoformat(),
            )
        if facility.resource_type(p.resource_type_id) is None:
            raise DomainError.invalid(
                f"{field}.resourceTypeId",
                "unknown_resource_type",
                known=", ".join(r.resource_type_id for r in facility.resource_types),
            )
        if p.quantity > facility.rules.max_units_per_booking:
            raise DomainError.invalid(
                f"{field}.quantity", "less_than_equal", le=facility.rules.max_units_per_booking
            )
        if cap is not None and p.weight > cap:
            raise DomainError.invalid(f"{field}.slots", "over_the_cap", cap=cap)
        cells = inventory.cells(slot_of(p))
        if cells is None or any(inventory.units[c] < p.quantity for c in cells):
            raise DomainError.invalid(f"{field}.start", "slot_not_drawn", date=p.date.isoformat())
        demand.update(cells)
    return demand
