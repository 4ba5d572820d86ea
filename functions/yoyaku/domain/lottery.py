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

import dataclasses
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from pydantic import AwareDatetime, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain.booking import PartyNight, RoomStyle, check_party, check_room_style
from yoyaku.domain.calendar import tokyo_date
from yoyaku.domain.catalog import Facility, ResourceTypeId
from yoyaku.domain.emails import Recipient
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import Claim
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.model import BookingDate, CamelModel
from yoyaku.domain.registration import AccountStatus, Residency

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


class DemandDay(CamelModel):
    date: date
    resource_type_id: str
    applications: int
    winnable: int


class Audit(CamelModel):
    lottery_id: str
    mechanism: Mechanism
    algorithm: str
    seed_commitment: str
    entries_digest: str | None = None
    seed: str | None = None
    result_digest: str | None = None
    order: list[str] | None = None
    entries: list[str] | None = None
    inventory: list[dict[str, Any]] | None = None
    results: list[dict[str, Any]] | None = None


ALGORITHM = (
    "order = entries sorted by HMAC-SHA256(key=seed, "
    "message=entriesDigest:entryId); allocation by `mechanism` (docs/lottery.md)"
)


@dataclass(frozen=True)
class LotteryRecord:
    """A stored lottery: what staff defined, its secret seed and how far it has come."""

    lottery_id: str
    definition: LotteryDefinition
    facility_name: str
    seed: str
    seed_commitment: str
    closed: bool
    drawn: bool
    entries_digest: str | None
    result_digest: str | None
    audit: dict[str, Any] | None

    def status_at(self, now: datetime) -> LotteryStatus:
        d = self.definition
        return status_at(now, d.apply_from, d.apply_until, self.closed, self.drawn)

    def view(self, now: datetime) -> Lottery:
        d = self.definition
        return Lottery(
            lottery_id=self.lottery_id,
            facility_id=d.facility_id,
            stay_from=d.stay_from,
            stay_to=d.stay_to,
            apply_from=d.apply_from,
            apply_until=d.apply_until,
            draw_at=d.draw_at,
            status=self.status_at(now),
            max_preferences=d.max_preferences,
            mechanism=d.mechanism,
            seed_commitment=self.seed_commitment,
        )

    def public_audit(self) -> Audit:
        """Before the draw the commitment (and the entries digest once closed); after it,
        everything anyone needs to recompute the draw."""
        audit = Audit(
            lottery_id=self.lottery_id,
            mechanism=self.definition.mechanism,
            algorithm=ALGORITHM,
            seed_commitment=self.seed_commitment,
            entries_digest=self.entries_digest,
        )
        if self.drawn and self.audit:
            audit = audit.model_copy(
                update={
                    "seed": self.seed,
                    "result_digest": self.result_digest,
                    "order": self.audit["order"],
                    "entries": self.audit["entries"],
                    "inventory": self.audit["inventory"],
                    "results": self.audit["results"],
                }
            )
        return audit


@dataclass(frozen=True)
class EntryContact:
    """Where a result goes, as the citizen's account said when they entered."""

    email: str
    language: Language
    lottery_result_email: bool

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.email, self.language)


@dataclass(frozen=True)
class StoredEntry:
    """One user's entry in one lottery, as stored."""

    lottery_id: str
    user_number: str
    entry_id: str
    preferences: list[PreferenceIn]
    contact: EntryContact
    created_at: datetime

    def for_draw(self) -> Entry:
        return entry(
            self.entry_id,
            (
                Preference(p.rank, p.date, p.nights, p.resource_type_id, p.quantity)
                for p in self.preferences
            ),
        )

    def preference(self, rank: int) -> PreferenceIn:
        return next(p for p in self.preferences if p.rank == rank)


@dataclass(frozen=True)
class StoredResult:
    """What the draw recorded for one user: the rank won (0: lost) and the reservation."""

    lottery_id: str
    user_number: str
    entry_id: str
    won_rank: int
    reservation_number: str | None
    contact: EntryContact | None
    notified: bool

    def view(self) -> LotteryResult:
        return LotteryResult(
            lottery_id=self.lottery_id,
            entry_id=self.entry_id,
            outcome="won" if self.won_rank else "lost",
            won_rank=self.won_rank or None,
            reservation_number=self.reservation_number,
        )


KeptUnits = dict[tuple[date, str], list[Claim]]
"""The units a lottery still keeps, per (night, resource type), lowest unit first."""


# ---------------------------------------------------------------- entry rules


def round_of(definition: LotteryDefinition) -> str:
    """One facility per lottery round: the round is the month of the stay period."""
    return definition.stay_from.isoformat()[:7]


def ensure_may_enter(status: AccountStatus, residency: Residency, facility: Facility) -> None:
    """Only verified accounts enter, and only residents where the lottery says so."""
    if status is not AccountStatus.VERIFIED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=Bilingual(
                "抽選に申し込めるのは本登録（在住・在勤の確認済み）の方です。",
                "Only fully verified accounts can enter lotteries.",
            ),
        )
    if facility.lottery.residents_only and residency is not Residency.RESIDENT:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=Bilingual(
                "この抽選は区内在住の方だけが申し込めます。",
                "Only residents can enter this lottery.",
            ),
        )


CLOSED_NOW = Bilingual("申込みは締め切られました。", "Entries have just closed.")


def ensure_open(lottery: LotteryRecord, now: datetime) -> None:
    """Entries and withdrawals only while the lottery is open; says when it opens or closed."""
    definition = lottery.definition
    status = lottery.status_at(now)
    if status is LotteryStatus.SCHEDULED:
        raise DomainError(
            ErrorCode.LOTTERY_CLOSED,
            reason=Bilingual(
                f"申込みは {definition.apply_from.isoformat()} から受け付けます。",
                f"Entries open at {definition.apply_from.isoformat()}.",
            ),
        )
    if status is not LotteryStatus.OPEN:
        raise DomainError(
            ErrorCode.LOTTERY_CLOSED,
            reason=Bilingual(
                f"申込みは {definition.apply_until.isoformat()} で締め切りました。",
                f"Entries closed at {definition.apply_until.isoformat()}.",
            ),
        )


def check_preferences(
    request: EntryRequest, definition: LotteryDefinition, facility: Facility
) -> set[tuple[date, str]]:
    """Each preference must fit the stay period and the facility's booking rules; returns
    the (date, resource type) demand counters the entry adds to."""
    if len(request.preferences) > definition.max_preferences:
        raise DomainError.invalid(
            "preferences", "too_many_preferences", max=definition.max_preferences
        )
    demand_keys = set()
    for index, p in enumerate(request.preferences):
        field = f"preferences[{index}]"
        last = p.date + timedelta(days=p.nights - 1)
        if p.date < definition.stay_from or last > definition.stay_to:
            raise DomainError.invalid(
                f"{field}.date",
                "outside_stay_period",
                stayFrom=definition.stay_from.isoformat(),
                stayTo=definition.stay_to.isoformat(),
            )
        resource = facility.resource_type(p.resource_type_id)
        if resource is None:
            raise DomainError.invalid(
                f"{field}.resourceTypeId",
                "unknown_resource_type",
                known=", ".join(r.resource_type_id for r in facility.resource_types),
            )
        if p.nights > (facility.rules.max_nights or 1):
            raise DomainError.invalid(
                f"{field}.nights", "less_than_equal", le=facility.rules.max_nights
            )
        if p.quantity > facility.rules.max_units_per_booking:
            raise DomainError.invalid(
                f"{field}.quantity", "less_than_equal", le=facility.rules.max_units_per_booking
            )
        try:
            check_party(p.party, p.nights, p.quantity, resource.capacity_persons)
            check_room_style(facility, p.room_style)
        except DomainError as error:  # name the preference the field belongs to
            error.field_errors = [
                dataclasses.replace(e, field=f"{field}.{e.field}") for e in error.field_errors
            ]
            raise
        demand_keys.add((p.date, p.resource_type_id))
    return demand_keys
