"""The lottery draw (seed 003): ranked preferences, a verifiable order, allocation.

Everything here is pure and deterministic, so anyone holding the published audit data
can recompute a draw (tools/verify_draw.py):

* seedCommitment = SHA-256(seed), published when the lottery is created; the seed (64
  hex digits from a CSPRNG) stays secret until the draw.
* entriesDigest = SHA-256 of the closed entry list, one line per entry sorted by entry
  id: `entryId|rank:date:nights:resourceTypeId:quantity;...` (ranks ascending), lines
  joined by "\\n".
* order: entries sorted by HMAC-SHA256(key=seed, message=entriesDigest + ":" + entryId),
  ascending hex. Nobody can steer it: the seed was fixed before the entries, and the
  entries are fixed (closed) before the seed is revealed.
* allocation, in that order:
  - serial_dictatorship (default): each applicant in turn gets their highest-ranked
    preference that still fits. Ranking truthfully is every applicant's best strategy.
  - rank_rounds: every first preference is tried (in order) before any second one,
    as the seed systems do. An applicant whose first choice is popular can lose a
    second choice they would have won by ranking it first, so ranking can be gamed.
  A preference fits when every night of it has `quantity` units left; all its nights
  and units are won together or not at all.
* resultDigest = SHA-256 of "entryId|wonRank" lines (0 for lost) in draw order.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from pydantic import AwareDatetime, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain.booking import PartyNight, RoomStyle
from yoyaku.domain.calendar import tokyo_date
from yoyaku.domain.catalog import ResourceTypeId
from yoyaku.domain.model import BookingDate, CamelModel

Day = date


class Mechanism(StrEnum):
    SERIAL_DICTATORSHIP = "serial_dictatorship"
    RANK_ROUNDS = "rank_rounds"


class LotteryStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    DRAWN = "drawn"


class Preference(NamedTuple):
    rank: int
    day: date
    nights: int
    resource_type_id: str
    quantity: int


class Entry(NamedTuple):
    """An entry; its preferences are kept in rank order (see `entry`)."""

    entry_id: str
    preferences: tuple[Preference, ...]


def entry(entry_id: str, preferences: Iterable[Preference]) -> Entry:
    return Entry(entry_id, tuple(sorted(preferences)))


Capacity = dict[tuple[date, str], int]


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


@lru_cache(maxsize=65536)
def _preference_text(p: Preference) -> str:
    return f"{p.rank}:{p.day.isoformat()}:{p.nights}:{p.resource_type_id}:{p.quantity}"


def canonical_line(item: Entry) -> str:
    """`entryId|rank:date:nights:resourceTypeId:quantity;…` (preferences by rank)."""
    return item.entry_id + "|" + ";".join(map(_preference_text, item.preferences))


def entries_digest(entries: Iterable[Entry]) -> str:
    lines = sorted(map(canonical_line, entries))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def draw_order(seed: str, digest: str, entry_ids: Iterable[str]) -> list[str]:
    # HMAC(seed, digest + ":" + entryId) for every entry: the keyed state after the
    # common prefix is computed once and copied (same value, a fraction of the work).
    base = hmac.new(seed.encode(), f"{digest}:".encode(), hashlib.sha256)

    def key(entry_id: str) -> bytes:
        mac = base.copy()
        mac.update(entry_id.encode())
        return mac.digest()

    return sorted(entry_ids, key=key)


def allocate(
    order: list[str], entries: Mapping[str, Entry], capacity: Capacity, mechanism: Mechanism
) -> dict[str, int]:
    """entryId → the rank won (0 for lost).

    The inner loop is written out (no helper calls) because it runs for every
    preference of every entry: a million entries take a few seconds this way.
    """
    left = dict(capacity)
    won = dict.fromkeys(order, 0)
    nights_of: dict[tuple[date, int, str], tuple[tuple[date, str], ...]] = {}

    def try_win(p: Preference) -> bool:
        shape = (p.day, p.nights, p.resource_type_id)
        keys = nights_of.get(shape)
        if keys is None:
            keys = nights_of[shape] = tuple(
                (p.day + timedelta(days=n), p.resource_type_id) for n in range(p.nights)
            )
        quantity = p.quantity
        for key in keys:
            if left.get(key, 0) < quantity:
                return False
        for key in keys:
            left[key] -= quantity
        return True

    if mechanism is Mechanism.SERIAL_DICTATORSHIP:
        for entry_id in order:
            for p in entries[entry_id].preferences:
                if try_win(p):
                    won[entry_id] = p.rank
                    break
        return won
    max_rank = max((p.rank for e in entries.values() for p in e.preferences), default=0)
    for rank in range(1, max_rank + 1):
        for entry_id in order:
            if won[entry_id]:
                continue
            for p in entries[entry_id].preferences:
                if p.rank == rank and try_win(p):
                    won[entry_id] = rank
                    break
    return won


def result_digest(order: list[str], won: Mapping[str, int]) -> str:
    lines = "\n".join(f"{entry_id}|{won.get(entry_id, 0)}" for entry_id in order)
    return hashlib.sha256(lines.encode()).hexdigest()


def status_at(
    now: datetime, apply_from: datetime, apply_until: datetime, closed: bool, drawn: bool
) -> LotteryStatus:
    if drawn:
        return LotteryStatus.DRAWN
    if closed or now >= apply_until:
        return LotteryStatus.CLOSED
    if now < apply_from:
        return LotteryStatus.SCHEDULED
    return LotteryStatus.OPEN


class LotteryDefinition(CamelModel):
    """What staff send to create a lottery."""

    facility_id: str = Field(min_length=1, max_length=40)
    stay_from: BookingDate
    stay_to: BookingDate
    apply_from: AwareDatetime
    apply_until: AwareDatetime
    draw_at: AwareDatetime
    max_preferences: int = Field(default=3, ge=1, le=5)
    mechanism: Mechanism = Mechanism.SERIAL_DICTATORSHIP

    @model_validator(mode="after")
    def _order(self) -> LotteryDefinition:
        if self.stay_to < self.stay_from:
            raise PydanticCustomError("date_order", "", {"other": "stayFrom", "field": "stayTo"})
        if (self.stay_to - self.stay_from).days > 92:
            raise PydanticCustomError("range_too_long", "", {"maxDays": 93, "field": "stayTo"})
        if self.apply_until <= self.apply_from:
            raise PydanticCustomError(
                "date_order", "", {"other": "applyFrom", "field": "applyUntil"}
            )
        if self.draw_at < self.apply_until:
            raise PydanticCustomError("date_order", "", {"other": "applyUntil", "field": "drawAt"})
        if self.stay_from <= tokyo_date(self.draw_at):
            # The draw books the stay: its first night must come after the draw day.
            raise PydanticCustomError("stay_after_draw", "", {"field": "stayFrom"})
        return self


class Lottery(CamelModel):
    lottery_id: str
    facility_id: str
    stay_from: Day
    stay_to: Day
    apply_from: datetime
    apply_until: datetime
    draw_at: datetime
    status: LotteryStatus
    max_preferences: int
    mechanism: Mechanism
    seed_commitment: str


class PreferenceIn(CamelModel):
    rank: int = Field(ge=1, le=5)
    date: BookingDate
    nights: int = Field(default=1, ge=1, le=2)
    resource_type_id: ResourceTypeId
    quantity: int = Field(default=1, ge=1, le=10)
    party: list[PartyNight] = Field(min_length=1, max_length=2)
    room_style: RoomStyle | None = None


class EntryRequest(CamelModel):
    preferences: list[PreferenceIn] = Field(min_length=1, max_length=5)

    @model_validator(mode="after")
    def _ranks(self) -> EntryRequest:
        ranks = sorted(p.rank for p in self.preferences)
        if ranks != list(range(1, len(ranks) + 1)):
            raise PydanticCustomError("ranks", "", {"field": "preferences"})
        return self


class EntryOut(CamelModel):
    entry_id: str
    lottery_id: str
    facility_id: str
    preferences: list[PreferenceIn]
    created_at: datetime


class LotteryResult(CamelModel):
    lottery_id: str
    entry_id: str
    outcome: str  # won | lost
    won_rank: int | None = None
    reservation_number: str | None = None
