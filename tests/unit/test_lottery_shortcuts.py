"""The draw's shortcuts (functions/yoyaku/domain/lottery.py) change nothing but its speed.

The allocation stops once nothing fits any more and skips preferences known not to fit;
the digests are fed to SHA-256 in chunks; the HMAC reuses the keyed SHA-256 states. Each
is compared here with the plain computation it replaces, written out as the
specification (docs/lottery.md, "The draw, exactly").
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Iterator, Mapping
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yoyaku.domain import lottery as rules
from yoyaku.domain.lottery import Entry, Mechanism, Preference

SD = Mechanism.SERIAL_DICTATORSHIP
RR = Mechanism.RANK_ROUNDS
D1, D2, D3 = (date(2030, 7, 1) + timedelta(days=n) for n in range(3))


def plain_allocate(
    order: list[str], entries: Mapping[str, Entry], capacity: rules.Capacity, mechanism: Mechanism
) -> dict[str, int]:
    """The allocation as docs/lottery.md states it, every entry tried to the end."""
    left = dict(capacity)
    won = dict.fromkeys(order, 0)

    def fits_and_takes(p: Preference) -> bool:
        nights = [(p.day + timedelta(days=n), p.resource_type_id) for n in range(p.nights)]
        if any(left.get(night, 0) < p.quantity for night in nights):
            return False
        for night in nights:
            left[night] -= p.quantity
        return True

    if mechanism is SD:
        for entry_id in order:
            for p in entries[entry_id].preferences:
                if fits_and_takes(p):
                    won[entry_id] = p.rank
                    break
        return won
    max_rank = max((p.rank for e in entries.values() for p in e.preferences), default=0)
    for rank in range(1, max_rank + 1):
        for entry_id in order:
            if won[entry_id]:
                continue
            for p in entries[entry_id].preferences:
                if p.rank == rank and fits_and_takes(p):
                    won[entry_id] = rank
                    break
    return won


# ------------------------------------------------------------------ allocation

preferences = st.builds(
    Preference,
    rank=st.integers(1, 3),
    day=st.sampled_from([D1, D2, D3]),
    nights=st.integers(1, 2),
    resource_type_id=st.sampled_from(["room", "suite"]),
    quantity=st.integers(1, 3),
)
lotteries = st.tuples(
    st.lists(st.lists(preferences, min_size=1, max_size=3), max_size=25),
    st.dictionaries(
        st.tuples(st.sampled_from([D1, D2, D3]), st.sampled_from(["room", "suite"])),
        st.integers(0, 5),
    ),
    st.randoms(use_true_random=False),
)


@given(lotteries)
@pytest.mark.parametrize("mechanism", [SD, RR])
def test_the_allocation_is_the_plain_one(
    mechanism: Mechanism, lottery: tuple[list[list[Preference]], rules.Capacity, random.Random]
) -> None:
    """Random lotteries: few units or many, missing nights, two-night and several-room
    wishes, ranks with gaps and repeats (as a tampered audit could have them)."""
    wishes, capacity, rng = lottery
    entries = {f"e{n}": rules.entry(f"e{n}", prefs) for n, prefs in enumerate(wishes)}
    order = list(entries)
    rng.shuffle(order)
    expected = plain_allocate(order, entries, capacity, mechanism)
    assert rules.allocate(order, entries, capacity, mechanism) == expected


class Watched(dict[str, Entry]):
    """The entries, remembering which ones the allocation looked at."""

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__((e.entry_id, e) for e in entries)
        self.looked_at: list[str] = []

    def __getitem__(self, entry_id: str) -> Entry:
        self.looked_at.append(entry_id)
        return super().__getitem__(entry_id)


def one_night(entry_id: str, *wishes: tuple[date, int]) -> Entry:
    return Entry(
        entry_id,
        tuple(Preference(rank, day, 1, "room", q) for rank, (day, q) in enumerate(wishes, 1)),
    )


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_nobody_is_looked_at_after_the_last_unit_is_won(mechanism: Mechanism) -> None:
    entries = Watched([one_night(f"e{n}", (D1, 1), (D2, 1)) for n in range(1000)])
    order = list(entries)
    won = rules.allocate(order, entries, {(D1, "room"): 2, (D2, "room"): 1}, mechanism)
    assert [won[e] for e in order[:4]] == [1, 1, 2, 0]
    assert sum(1 for r in won.values() if r) == 3 and len(won) == 1000
    if mechanism is SD:  # the third entry takes the last unit
        assert entries.looked_at == order[:3]
    else:  # the first round sees everyone (D2 is still open); the second stops at once
        assert entries.looked_at == [*order, order[2]]


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_it_stops_when_units_are_left_that_no_preference_can_take(mechanism: Mechanism) -> None:
    """One room is left on D2, but everyone asks for two: nothing can be won any more."""
    entries = Watched(
        [one_night("a", (D1, 1)), *(one_night(f"e{n}", (D1, 1), (D2, 2)) for n in range(500))]
    )
    order = list(entries)
    won = rules.allocate(order, entries, {(D1, "room"): 1, (D2, "room"): 1}, mechanism)
    assert won["a"] == 1 and sum(1 for r in won.values() if r) == 1
    assert entries.looked_at == ["a"]


@pytest.mark.parametrize("mechanism", [SD, RR])
def test_it_goes_on_while_a_later_entry_can_still_win(mechanism: Mechanism) -> None:
    """The one room left on D3 is wanted only by the very last entry."""
    entries = Watched(
        [
            one_night("a", (D1, 1)),
            *(one_night(f"e{n}", (D1, 1), (D2, 2)) for n in range(500)),
            one_night("z", (D2, 2), (D3, 1)),
        ]
    )
    order = list(entries)
    won = rules.allocate(order, entries, {(D1, "room"): 1, (D3, "room"): 1}, mechanism)
    assert won["a"] == 1 and won["z"] == 2
    assert sum(1 for r in won.values() if r) == 2


@pytest.mark.parametrize(
    "wrong", [Preference(1, D1, 0, "room", 1), Preference(1, D1, 1, "room", 0)]
)
def test_a_preference_without_a_night_or_a_unit_is_refused(wrong: Preference) -> None:
    with pytest.raises(ValueError, match="a night and a unit"):
        rules.allocate(["a"], {"a": Entry("a", (wrong,))}, {(D1, "room"): 1}, SD)


# ------------------------------------------------------------------ digests in chunks


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Chunks of two lines, so that a few lines cross several chunk boundaries."""
    monkeypatch.setattr(rules, "HASH_CHUNK", 2)
    yield


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 7])
def test_the_entries_digest_in_chunks_is_the_digest_of_the_joined_lines(
    small_chunks: None, size: int
) -> None:
    entries = [one_night(f"ent_{n}", (D1, 1), (D2, 2)) for n in reversed(range(size))]
    lines = sorted(rules.canonical_line(e) for e in entries)
    assert rules.entries_digest(entries) == _sha256("\n".join(lines))


@pytest.mark.parametrize(
    "won",
    [
        {},  # everyone lost: every chunk is a run of losers
        {"e0": 1},  # a winner in the first chunk only
        {"e2": 2, "e3": 1, "e6": 3},  # winners and losers in various chunks
        {f"e{n}": 1 for n in range(7)},  # everyone won
    ],
)
def test_the_result_digest_in_chunks_is_the_digest_of_the_joined_lines(
    small_chunks: None, won: dict[str, int]
) -> None:
    order = [f"e{n}" for n in range(7)]
    expected = _sha256("\n".join(f"{e}|{won.get(e, 0)}" for e in order))
    assert rules.result_digest(order, {**dict.fromkeys(order, 0), **won}) == expected
    assert rules.result_digest(order, won) == expected  # an entry missing from won lost
    assert rules.result_digest([], won) == _sha256("")


def test_lines_that_are_not_ascii_are_hashed_as_utf8(small_chunks: None) -> None:
    entries = [one_night(f"抽選{n}", (D1, 1)) for n in range(5)]
    lines = sorted(rules.canonical_line(e) for e in entries)
    assert rules.entries_digest(entries) == _sha256("\n".join(lines))


# ------------------------------------------------------------------ the order's HMAC


@pytest.mark.parametrize("seed_length", [0, 1, 32, 63, 64, 65, 200])
@pytest.mark.parametrize(
    "entry_id",
    ["", "a", "ent_0123456789abcdef", "抽選" * 40],
    ids=["empty", "one", "entry id", "long, not ASCII"],
)
def test_the_order_key_is_hmac_sha256(seed_length: int, entry_id: str) -> None:
    """Seeds are 64 hex digits (one SHA-256 block), but a key of any length gives the
    standard library's HMAC, including keys longer than a block (hashed first)."""
    seed = ("5eed" * 60)[:seed_length]
    digest = "d1" * 32
    expected = hmac.new(seed.encode(), f"{digest}:{entry_id}".encode(), hashlib.sha256).digest()
    assert rules.order_key(seed, digest)(entry_id) == expected
