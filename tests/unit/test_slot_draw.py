"""The draw of time-slot lotteries (functions/yoyaku/domain/slot_draw.py): several wins
per applicant up to a cap, hand-made cases, the plain computation it must equal, the
published audit recomputed by tools/verify_draw.py, and fairness over many seeds."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.verify_draw import verify
from yoyaku.domain import lottery as rules
from yoyaku.domain import slot_draw
from yoyaku.domain.lottery import Mechanism
from yoyaku.domain.slot_draw import SlotEntry, SlotInventory, SlotKey, SlotPreference

SD = Mechanism.SERIAL_DICTATORSHIP
RR = Mechanism.RANK_ROUNDS
D1, D2 = date(2030, 7, 6), date(2030, 7, 7)
SLOTS = ("0900", "1100", "1300", "1500")  # 2-hour slots, one after another
ENDS = {"0900": "1100", "1100": "1300", "1300": "1500", "1500": "1700"}


def courts(units: int = 1, days: Sequence[date] = (D1, D2), **special: int) -> SlotInventory:
    """Every slot of `days` with `units` courts; `special` sets one slot, e.g. d1_0900=2."""
    counts: dict[SlotKey, int] = {(d, "court", s): units for d in days for s in SLOTS}
    for name, n in special.items():
        day, start = name.split("_")
        counts[({"d1": D1, "d2": D2}[day], "court", start)] = n
    return SlotInventory(counts, {k: ENDS[k[2]] for k in counts})


def want(
    rank: int, start: str = "0900", day: date = D1, slots: int = 1, quantity: int = 1
) -> SlotPreference:
    return SlotPreference(rank, day, start, slots, "court", quantity)


def entries(**wishes: Sequence[SlotPreference]) -> dict[str, SlotEntry]:
    return {e: slot_draw.slot_entry(e, prefs) for e, prefs in wishes.items()}


def allocate(
    order: str, found: Mapping[str, SlotEntry], inventory: SlotInventory, mechanism, cap
) -> dict[str, tuple[int, ...]]:
    return slot_draw.allocate(order.split(), found, inventory, mechanism, cap)


# ------------------------------------------------------------------ hand-made allocations


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_an_applicant_never_wins_more_than_the_cap(mechanism: Mechanism) -> None:
    """Plenty of courts: A asks for four slots but the cap is two."""
    found = entries(A=[want(1, "0900"), want(2, "1100"), want(3, "1300"), want(4, "1500")])
    assert allocate("A", found, courts(4), mechanism, cap=2) == {"A": (1, 2)}
    assert allocate("A", found, courts(4), mechanism, cap=None) == {"A": (1, 2, 3, 4)}


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_the_cap_counts_slots_and_courts(mechanism: Mechanism) -> None:
    """Cap 3: A's first wish takes 2 slots on 2 courts (4), over the cap by itself; the
    2-slot wish (2) fits; the next 2-slot wish would make 4; the 1-slot one makes 3."""
    found = entries(
        A=[
            want(1, "0900", slots=2, quantity=2),
            want(2, "0900", D2, slots=2),
            want(3, "1300", D2, slots=2),
            want(4, "1500", D1),
        ]
    )
    assert allocate("A", found, courts(2), mechanism, cap=3) == {"A": (2, 4)}


def test_serial_dictatorship_gives_everyone_a_first_slot_before_anyone_a_second() -> None:
    """One court, two slots. A and B both want 09:00 then 11:00. Drawn A, B: A takes
    09:00 in round one, B takes 11:00; in round two nothing is left for A."""
    found = entries(A=[want(1, "0900"), want(2, "1100")], B=[want(1, "0900"), want(2, "1100")])
    inventory = courts(1, days=(D1,))
    assert allocate("A B", found, inventory, SD, cap=None) == {"A": (1,), "B": (2,)}


def test_rank_rounds_tries_every_first_wish_before_any_second() -> None:
    """A wants 09:00 then 11:00; B wants 11:00 only; C wants 09:00 only. Drawn A, C, B.
    Round one: A takes 09:00, C misses 09:00, B takes 11:00. Nothing is left for A's
    second wish. Under serial dictatorship the same (B's only wish is 11:00)."""
    found = entries(A=[want(1, "0900"), want(2, "1100")], B=[want(1, "1100")], C=[want(1, "0900")])
    inventory = courts(1, days=(D1,))
    expected = {"A": (1,), "C": (), "B": (1,)}
    assert allocate("A C B", found, inventory, RR, cap=None) == expected
    assert allocate("A C B", found, inventory, SD, cap=None) == expected


def test_a_wish_taken_by_someone_else_is_skipped_for_the_next() -> None:
    """A ranks 09:00, 11:00, 13:00; B ranks 11:00 only, behind A in the order. Round one
    gives A 09:00 and B 11:00; A's 11:00 is gone, so A's next win is 13:00."""
    found = entries(A=[want(1, "0900"), want(2, "1100"), want(3, "1300")], B=[want(1, "1100")])
    inventory = courts(1, days=(D1,))
    for mechanism in (SD, RR):
        assert allocate("A B", found, inventory, mechanism, cap=None) == {"A": (1, 3), "B": (1,)}


def test_the_two_mechanisms_differ_when_a_first_wish_cannot_be_had() -> None:
    """A wants 09:00 then 11:00; B wants 13:00 (no court left) then 11:00. Drawn A, B.
    Rank rounds tries every first wish first: A takes 09:00, B's 13:00 fails; then the
    second wishes: A takes 11:00 too and B has nothing. Serial dictatorship gives each
    their best that fits per round: A 09:00, then B 11:00 before A's second turn."""
    found = entries(A=[want(1, "0900"), want(2, "1100")], B=[want(1, "1300"), want(2, "1100")])
    inventory = courts(1, days=(D1,), d1_1300=0)
    assert allocate("A B", found, inventory, RR, cap=None) == {"A": (1, 2), "B": ()}
    assert allocate("A B", found, inventory, SD, cap=None) == {"A": (1,), "B": (2,)}


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_consecutive_slots_are_won_together_or_not_at_all(mechanism: Mechanism) -> None:
    """A wants 11:00–15:00 (two slots) but 13:00 is taken by B, drawn first."""
    found = entries(B=[want(1, "1300")], A=[want(1, "1100", slots=2), want(2, "1500")])
    inventory = courts(1, days=(D1,))
    assert allocate("B A", found, inventory, mechanism, cap=None) == {"B": (1,), "A": (2,)}


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_slots_that_do_not_follow_one_another_never_fit(mechanism: Mechanism) -> None:
    """Two slots from 15:00 run past the last slot; and a gap (lunch) breaks a run."""
    lunch = SlotInventory(
        {(D1, "court", "0900"): 1, (D1, "court", "1300"): 1},
        {(D1, "court", "0900"): "1200", (D1, "court", "1300"): "1500"},
    )
    found = entries(A=[want(1, "0900", slots=2), want(2, "1300")], B=[want(1, "1500", slots=2)])
    assert allocate("A B", found, lunch, mechanism, cap=None) == {"A": (2,), "B": ()}
    assert lunch.cells(want(1, "0900", slots=2)) is None
    assert courts().cells(want(1, "1500", slots=2)) is None
    assert courts().cells(want(1, "1300", slots=2)) == (
        (D1, "court", "1300"),
        (D1, "court", "1500"),
    )


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_a_capped_applicant_leaves_the_slot_to_the_next(mechanism: Mechanism) -> None:
    """Cap 1. A (first) has won 09:00; its 11:00 wish goes to B."""
    found = entries(A=[want(1, "0900"), want(2, "1100")], B=[want(1, "1100")])
    inventory = courts(1, days=(D1,))
    assert allocate("A B", found, inventory, mechanism, cap=1) == {"A": (1,), "B": (1,)}


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_the_same_wish_twice_takes_two_courts(mechanism: Mechanism) -> None:
    found = entries(A=[want(1, "0900"), want(2, "0900")])
    assert allocate("A", found, courts(2), mechanism, cap=None) == {"A": (1, 2)}
    assert allocate("A", found, courts(1), mechanism, cap=None) == {"A": (1,)}


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_a_preference_without_a_slot_or_a_unit_is_refused(mechanism: Mechanism) -> None:
    for wrong in (want(1, slots=0), want(1, quantity=0)):
        with pytest.raises(ValueError, match="a slot and a unit"):
            slot_draw.allocate(["A"], entries(A=[wrong]), courts(), mechanism, None)


def test_nothing_to_draw() -> None:
    assert slot_draw.allocate([], {}, courts(), SD, 2) == {}
    assert allocate("A", entries(A=[want(1)]), courts(0), SD, 2) == {"A": ()}


# ------------------------------------------------------------------ the plain computation


def plain_allocate(
    order: list[str],
    found: Mapping[str, SlotEntry],
    inventory: SlotInventory,
    mechanism: Mechanism,
    cap: int | None,
) -> dict[str, tuple[int, ...]]:
    """docs/lottery.md's rules written out, without any shortcut."""
    left = dict(inventory.units)
    won: dict[str, list[int]] = {e: [] for e in order}
    used = dict.fromkeys(order, 0)
    taken: dict[str, set[int]] = {e: set() for e in order}
    limit = math.inf if cap is None else cap

    def fits_and_takes(entry_id: str, index: int, p: SlotPreference) -> bool:
        cells = inventory.cells(p)
        if cells is None or index in taken[entry_id]:
            return False
        if used[entry_id] + p.slots * p.quantity > limit:
            return False
        if any(left.get(c, 0) < p.quantity for c in cells):
            return False
        for c in cells:
            left[c] -= p.quantity
        used[entry_id] += p.slots * p.quantity
        taken[entry_id].add(index)
        won[entry_id].append(p.rank)
        return True

    if mechanism is SD:
        while True:
            anyone = False
            for e in order:
                for index, p in enumerate(found[e].preferences):
                    if fits_and_takes(e, index, p):
                        anyone = True
                        break
            if not anyone:
                break
    else:
        max_rank = max((p.rank for x in found.values() for p in x.preferences), default=0)
        for rank in range(1, max_rank + 1):
            for e in order:
                for index, p in enumerate(found[e].preferences):
                    if p.rank == rank and fits_and_takes(e, index, p):
                        break
    return {e: tuple(sorted(r)) for e, r in won.items()}


slot_preferences = st.builds(
    SlotPreference,
    rank=st.integers(1, 4),
    day=st.sampled_from([D1, D2]),
    start=st.sampled_from([*SLOTS, "1000"]),  # 10:00 is no slot start
    slots=st.integers(1, 3),
    resource_type_id=st.sampled_from(["court", "field"]),
    quantity=st.integers(1, 2),
)
slot_lotteries = st.tuples(
    st.lists(st.lists(slot_preferences, min_size=1, max_size=4), max_size=20),
    st.dictionaries(
        st.tuples(
            st.sampled_from([D1, D2]), st.sampled_from(["court", "field"]), st.sampled_from(SLOTS)
        ),
        st.integers(0, 3),
    ),
    st.one_of(st.none(), st.integers(1, 6)),
    st.randoms(use_true_random=False),
)


@given(slot_lotteries)
@pytest.mark.parametrize("mechanism", [SD, RR])
def test_the_capped_allocation_is_the_plain_one(mechanism: Mechanism, lottery: Any) -> None:
    """Random lotteries: courts missing or scarce, runs of slots that leave the day,
    several courts, caps or none, ranks with gaps and repeats (a tampered audit)."""
    wishes, counts, cap, rng = lottery
    inventory = SlotInventory(counts, {k: ENDS[k[2]] for k in counts})
    found = {f"e{n}": slot_draw.slot_entry(f"e{n}", prefs) for n, prefs in enumerate(wishes)}
    order = list(found)
    rng.shuffle(order)
    expected = plain_allocate(order, found, inventory, mechanism, cap)
    assert slot_draw.allocate(order, found, inventory, mechanism, cap) == expected


# ------------------------------------------------------------------ digests and the audit


def test_a_slot_entry_has_one_canonical_line() -> None:
    found = slot_draw.slot_entry("ent_1", [want(2, "1100", D2, slots=2), want(1, "0900")])
    assert slot_draw.canonical_line(found) == (
        "ent_1|1:2030-07-06:0900:1:court:1;2:2030-07-07:1100:2:court:1"
    )


def test_the_result_digest_lists_every_rank_won() -> None:
    won = {"b": (1, 3), "a": ()}
    lines = "b|1,3\na|0"
    assert slot_draw.result_digest(["b", "a"], won) == rules.lines_digest(lines.split("\n"))


SEED = "5eed" * 16


def published(mechanism: Mechanism = SD, cap: int | None = 2) -> dict[str, Any]:
    """A draw published as the publish task does (services.lottery_draw)."""
    found = entries(
        A=[want(1, "0900"), want(2, "1100"), want(3, "1300")],
        B=[want(1, "0900"), want(2, "0900", D2, slots=2)],
        C=[want(1, "1100"), want(2, "1500", quantity=2)],
        D=[want(1, "0900", D2), want(2, "1100", D2)],
    )
    inventory = courts(1)
    digest = slot_draw.entries_digest(found.values())
    order = rules.draw_order(SEED, digest, found)
    won = slot_draw.allocate(order, found, inventory, mechanism, cap)
    return {
        "kind": "timeslot",
        "mechanism": mechanism.value,
        "maxWinsPerApplicant": cap,
        "seedCommitment": rules.commitment(SEED),
        "seed": SEED,
        "entriesDigest": digest,
        "entries": sorted(slot_draw.canonical_line(e) for e in found.values()),
        "inventory": [row.model_dump(mode="json") for row in inventory.rows()],
        "order": order,
        "results": [{"entryId": e, "wonRanks": list(won[e])} for e in order],
        "resultDigest": slot_draw.result_digest(order, won),
    }


@pytest.mark.parametrize("mechanism", [SD, RR])
@pytest.mark.parametrize("cap", [None, 1, 2])
def test_verify_accepts_a_sound_slot_draw(mechanism: Mechanism, cap: int | None) -> None:
    assert verify(published(mechanism, cap)) == []


def test_verify_reports_a_win_over_the_cap() -> None:
    audit = published(cap=1)
    audit["results"] = [
        {**r, "wonRanks": [1, 2]} if r["entryId"] == audit["order"][0] else r
        for r in audit["results"]
    ]
    assert "allocating the inventory in that order gives other results" in verify(audit)


def test_verify_reports_another_cap() -> None:
    audit = published(cap=1)
    audit["maxWinsPerApplicant"] = 3
    assert "allocating the inventory in that order gives other results" in verify(audit)


def test_verify_reports_a_changed_slot_inventory() -> None:
    audit = published()
    audit["inventory"][0] = {**audit["inventory"][0], "units": 2}
    assert "allocating the inventory in that order gives other results" in verify(audit)


def test_verify_reports_a_changed_slot_entry() -> None:
    audit = published()
    audit["entries"][0] = audit["entries"][0].replace(":0900:", ":1300:", 1)
    assert verify(audit)[0] == "the entries do not match the entries digest"


def test_the_inventory_rows_read_back_as_the_same_inventory() -> None:
    inventory = courts(2, d1_1100=1)
    rows = [
        rules.DemandDay(
            date=r.date,
            resource_type_id=r.resource_type_id,
            applications=0,
            winnable=r.units,
            start=r.start,
            end=r.end,
        )
        for r in inventory.rows()
    ]
    assert SlotInventory.of(rows) == inventory
    assert inventory.rows()[0].model_dump(mode="json") == {
        "date": "2030-07-06",
        "resourceTypeId": "court",
        "start": "09:00",
        "end": "11:00",
        "units": 2,
    }


# ------------------------------------------------------------------ fairness over many seeds

DRAWS = 2000
SIGMAS = 4.5


def _seeds(n: int = DRAWS) -> list[str]:
    source = random.Random(4321)
    return [source.randbytes(32).hex() for _ in range(n)]


def _tolerance(p: float, n: int = DRAWS) -> float:
    return SIGMAS * math.sqrt(p * (1 - p) / n)


def _draw(seed: str, found: dict[str, SlotEntry], inventory, mechanism, cap):
    digest = slot_draw.entries_digest(found.values())
    order = rules.draw_order(seed, digest, found)
    return order, slot_draw.allocate(order, found, inventory, mechanism, cap)


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_capped_equal_entries_win_equally_often(mechanism: Mechanism) -> None:
    """Ten groups each rank the same four slots of one court; the cap is one slot, so
    four groups win one slot each and six win nothing, each group 4 draws in 10."""
    wishes = [want(r, s) for r, s in enumerate(SLOTS, 1)]
    found = {f"g{i}": slot_draw.slot_entry(f"g{i}", wishes) for i in range(10)}
    inventory = courts(1, days=(D1,))
    wins: Counter[str] = Counter()
    for seed in _seeds():
        _, won = _draw(seed, found, inventory, mechanism, 1)
        assert sum(len(r) for r in won.values()) == 4  # every slot is given
        assert all(len(r) <= 1 for r in won.values())  # the cap holds
        wins.update(e for e, r in won.items() if r)
    for e in found:
        assert abs(wins[e] / DRAWS - 0.4) <= _tolerance(0.4), wins


def test_serial_dictatorship_spreads_capped_wins_before_anyone_gets_two() -> None:
    """Three groups rank the same four slots of one court, cap two. Every group gets a
    slot in round one before any gets a second: one group ends with two (the first
    drawn), the others with one, and each group is the one with two 1 time in 3."""
    wishes = [want(r, s) for r, s in enumerate(SLOTS, 1)]
    found = {f"g{i}": slot_draw.slot_entry(f"g{i}", wishes) for i in range(3)}
    inventory = courts(1, days=(D1,))
    doubles: Counter[str] = Counter()
    for seed in _seeds():
        order, won = _draw(seed, found, inventory, SD, 2)
        assert [won[e] for e in order] == [(1, 4), (2,), (3,)]
        doubles.update(e for e, r in won.items() if len(r) == 2)
    for e in found:
        assert abs(doubles[e] / DRAWS - 1 / 3) <= _tolerance(1 / 3), doubles


def test_rank_rounds_lets_the_first_drawn_fill_their_cap_first() -> None:
    """The same under rank rounds: the first drawn takes 09:00 and, in the second
    round, 11:00; the second drawn then 13:00 and 15:00; the third nothing. Still each
    group is the one left out 1 time in 3."""
    wishes = [want(r, s) for r, s in enumerate(SLOTS, 1)]
    found = {f"g{i}": slot_draw.slot_entry(f"g{i}", wishes) for i in range(3)}
    inventory = courts(1, days=(D1,))
    left_out: Counter[str] = Counter()
    for seed in _seeds():
        order, won = _draw(seed, found, inventory, RR, 2)
        assert [won[e] for e in order] == [(1, 2), (3, 4), ()]
        left_out.update(e for e, r in won.items() if not r)
    for e in found:
        assert abs(left_out[e] / DRAWS - 1 / 3) <= _tolerance(1 / 3), left_out


def test_a_large_capped_draw_stays_within_every_cap() -> None:
    rng = random.Random(7)
    found = {}
    for i in range(2000):
        prefs = [
            want(r, rng.choice(SLOTS), rng.choice([D1, D2]), quantity=rng.choice([1, 1, 2]))
            for r in (1, 2, 3)
        ]
        found[f"g{i:04d}"] = slot_draw.slot_entry(f"g{i:04d}", prefs)
    inventory = courts(4)
    for mechanism in (SD, RR):
        _, won = _draw(SEED, found, inventory, mechanism, 2)
        for entry_id, ranks in won.items():
            weight = sum(found[entry_id].preferences[r - 1].weight for r in ranks)
            assert weight <= 2
        given_units = sum(
            found[e].preferences[r - 1].weight for e, ranks in won.items() for r in ranks
        )
        assert given_units == sum(inventory.units.values())  # demand far exceeds supply
