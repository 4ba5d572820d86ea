"""The lottery draw (seed 003): ranked preferences, a verifiable order, allocation.

Everything here is pure and deterministic, so anyone holding the published audit data
can recompute a draw (tools/verify_draw.py):

* seedCommitment = SHA-256(seed), published when the lottery is created; the seed (64
  hex digits from a CSPRNG) stays secret until the draw.
* entriesDigest = SHA-256 of the closed entry list, one line per entry,
  `entryId|rank:date:nights:resourceTypeId:quantity;...` (ranks ascending), the lines
  sorted (as strings) and joined by "\\n".
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
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import chain, compress
from operator import attrgetter
from typing import Annotated, Any, Literal, NamedTuple, Protocol

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from yoyaku.domain import messages
from yoyaku.domain.account_kinds import AccountStatus, Residency
from yoyaku.domain.booking import HhMm, PartyNight, RoomStyle, check_party, check_room_style
from yoyaku.domain.calendar import TOKYO, add_months, tokyo_date
from yoyaku.domain.catalog import Facility, ResourceTypeId
from yoyaku.domain.emails import Recipient
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import Claim
from yoyaku.domain.messages import Language
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

HASH_CHUNK = 1 << 16  # lines per SHA-256 update: memory stays bounded, calls stay few
SHA256_BLOCK = 64


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def _preference_text(p: Preference) -> str:
    return f"{p.rank}:{p.day.isoformat()}:{p.nights}:{p.resource_type_id}:{p.quantity}"


class _PreferenceTexts(dict[Preference, str]):
    """Each distinct preference formatted once: a million entries share a few hundred."""

    def __missing__(self, p: Preference) -> str:
        text = self[p] = _preference_text(p)
        return text


def canonical_line(item: Entry) -> str:
    """`entryId|rank:date:nights:resourceTypeId:quantity;…` (preferences by rank)."""
    return item.entry_id + "|" + ";".join(map(_preference_text, item.preferences))


def lines_digest(lines: Sequence[str]) -> str:
    """SHA-256 of the lines joined by "\\n", fed in chunks instead of one joined string
    (UTF-8 of a concatenation is the concatenation of the UTF-8, so the digest is the
    same)."""
    digest = hashlib.sha256()
    for start in range(0, len(lines), HASH_CHUNK):
        if start:
            digest.update(b"\n")
        digest.update("\n".join(lines[start : start + HASH_CHUNK]).encode())
    return digest.hexdigest()


def entries_digest(entries: Iterable[Entry]) -> str:
    text = _PreferenceTexts().__getitem__
    # The same line as canonical_line, with each preference's text looked up.
    lines = [entry_id + "|" + ";".join(map(text, prefs)) for entry_id, prefs in entries]
    lines.sort()
    return lines_digest(lines)


def _hmac_sha256_states(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """The inner and outer SHA-256 states of HMAC (RFC 2104) after the padded key.

    RFC 2104 §4 suggests precomputing them when one key signs many messages: copying a
    state costs a fraction of re-keying. The result is HMAC-SHA256 exactly (a unit test
    compares it with the standard library's hmac for keys of every length class)."""
    if len(key) > SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def order_key(seed: str, digest: str) -> Callable[[str], bytes]:
    """entryId → HMAC-SHA256(key = seed, message = digest + ":" + entryId)."""
    inner, outer = _hmac_sha256_states(seed.encode())
    inner.update(f"{digest}:".encode())  # the common start of every message, hashed once
    inner_copy, outer_copy = inner.copy, outer.copy

    def key(entry_id: str) -> bytes:
        mac = inner_copy()
        mac.update(entry_id.encode())
        final = outer_copy()
        final.update(mac.digest())
        return final.digest()

    return key


def draw_order(seed: str, digest: str, entry_ids: Iterable[str]) -> list[str]:
    """The entry ids sorted by their HMAC (ascending bytes, i.e. ascending hex)."""
    return sorted(entry_ids, key=order_key(seed, digest))


Night = tuple[date, str]  # a (date, resource type) of the inventory


class Wish(Protocol):
    """What the unit pool needs of a preference: how many units, and it is hashable."""

    @property
    def quantity(self) -> int: ...

    def __hash__(self) -> int: ...


def nights_of(p: Preference) -> tuple[Night, ...]:
    """The (date, resource type) pairs a stay takes."""
    if p.nights < 1:
        raise ValueError(f"a preference needs a night and a unit: {p}")
    return tuple((p.day + timedelta(days=n), p.resource_type_id) for n in range(p.nights))


class UnitPool[W: Wish, K: Hashable]:
    """The units left to win while allocating, and which preferences still fit.

    Units only ever decrease, so a preference that no longer fits never fits again.
    Every distinct preference is checked once at the start; after each win only the
    preferences sharing one of the won keys are checked again. So a preference is
    `live` exactly when it fits, the allocation needs one set lookup per preference, and
    it can stop as soon as nothing is live: every entry after that has lost.

    A key is what holds units: a night of a resource type for lodging, a time slot for
    time-slot lotteries. `keys_of` gives the keys a preference takes (`quantity` units
    of each), or None when it can never fit."""

    def __init__(
        self,
        capacity: Mapping[K, int],
        preferences: Iterable[W],
        keys_of: Callable[[W], tuple[K, ...] | None],
    ) -> None:
        self.left = dict(capacity)
        self.live: set[W] = set()
        self._keys: dict[W, tuple[K, ...]] = {}
        # Per key, the live preferences that need it, fewest units first: a win there
        # ends those at the end of the list that need more than is left.
        self._sharing: dict[K, list[W]] = defaultdict(list)
        for p in set(preferences):
            keys = keys_of(p)
            if p.quantity < 1 or (keys is not None and not keys):
                # Taking nothing (or a negative number) could make a preference fit again.
                raise ValueError(f"a preference needs a night and a unit: {p}")
            if keys is not None and all(self.left.get(k, 0) >= p.quantity for k in keys):
                self.live.add(p)
                self._keys[p] = keys
                for key in keys:
                    self._sharing[key].append(p)
        for sharing in self._sharing.values():
            sharing.sort(key=attrgetter("quantity"))

    def take(self, p: W) -> None:
        """Takes `quantity` units of every key of p, which must be live."""
        for key in self._keys[p]:
            left = self.left[key] = self.left[key] - p.quantity
            sharing = self._sharing[key]
            while sharing and sharing[-1].quantity > left:
                self.live.discard(sharing.pop())


def allocate(
    order: list[str], entries: Mapping[str, Entry], capacity: Capacity, mechanism: Mechanism
) -> dict[str, int]:
    """entryId → the rank won (0 for lost), for the entries drawn in `order` (each entry
    of `entries` once, as draw_order gives them).

    It stops as soon as no preference of any entry fits any more (usually when the last
    unit is won): everyone after that has lost. Until then each preference costs one set
    lookup. Every preference needs at least one night and one unit (ValueError)."""
    # Keyed in the entries' own order: a million keys in the order their strings were
    # made costs half as much as in the draw order, which jumps all over memory.
    won = dict.fromkeys(entries, 0)
    units = UnitPool(
        capacity, chain.from_iterable(e.preferences for e in entries.values()), nights_of
    )
    live, take = units.live, units.take
    if mechanism is Mechanism.SERIAL_DICTATORSHIP:
        for entry_id in order:
            if not live:
                break
            for p in entries[entry_id].preferences:
                if p in live:
                    take(p)
                    won[entry_id] = p.rank
                    break
        return won
    rank, later = 1, True
    while later and live:
        later = False  # whether an entry still losing has a preference ranked after this
        for entry_id in order:
            if not live:
                break
            if won[entry_id]:
                continue
            for p in entries[entry_id].preferences:
                if p.rank == rank:
                    if p in live:
                        take(p)
                        won[entry_id] = rank
                        break
                elif p.rank > rank:
                    later = True
        rank += 1
    return won


def result_digest(order: Sequence[str], won: Mapping[str, int]) -> str:
    """SHA-256 of the `entryId|wonRank` lines in draw order, fed in chunks.

    Most entries of a large draw have lost, in long runs after the last winner: a chunk
    without a winner is written with one join instead of one line at a time."""
    winners = set(compress(won, won.values()))  # the entries whose rank is not 0
    rank_of = won.get
    digest = hashlib.sha256()
    for start in range(0, len(order), HASH_CHUNK):
        chunk = order[start : start + HASH_CHUNK]
        if start:
            digest.update(b"\n")
        if winners.isdisjoint(chunk):
            text = "|0\n".join(chunk) + "|0"
        else:
            text = "\n".join([f"{entry_id}|{rank_of(entry_id, 0)}" for entry_id in chunk])
        digest.update(text.encode())
    return digest.hexdigest()


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


LotteryKind = Literal["lodging", "timeslot"]
Period = Annotated[str, Field(pattern=r"^2[01]\d\d-(0[1-9]|1[0-2])$", examples=["2027-04"])]
_STAY_OR_PERIOD = ("stayFrom", "stayTo", "applyFrom", "applyUntil", "drawAt")


def period_days(period: str) -> tuple[date, date]:
    """The first and the last day of a `YYYY-MM` month."""
    first = date(int(period[:4]), int(period[5:7]), 1)
    return first, add_months(first, 1) - timedelta(days=1)


def period_schedule(period: str) -> dict[str, str]:
    """When a time-slot lottery for `period` runs unless staff say otherwise, as
    municipalities do: entries from the 1st to the 10th of the month before, the draw on
    the 15th at 10:00 (Asia/Tokyo)."""
    month_before = add_months(period_days(period)[0], -1)

    def at(day: int, hour: int) -> str:
        return datetime(month_before.year, month_before.month, day, hour, tzinfo=TOKYO).isoformat()

    return {"applyFrom": at(1, 0), "applyUntil": at(11, 0), "drawAt": at(15, 10)}


def _stay_or_period_schema(schema: dict[str, Any]) -> None:
    """What JSON Schema can say of the rules below, and an example of each kind."""
    # A time-slot lottery gives `period` instead of the stay and may leave the dates to
    # their defaults (period_schedule): those fields are required only for lodging.
    schema["required"] = [f for f in schema.get("required", []) if f not in _STAY_OR_PERIOD]
    schema["examples"] = [
        {
            "facilityId": "minato-ohiradai",
            "stayFrom": "2027-04-01",
            "stayTo": "2027-04-30",
            "applyFrom": "2027-02-01T09:00:00+09:00",
            "applyUntil": "2027-02-10T17:00:00+09:00",
            "drawAt": "2027-02-15T10:00:00+09:00",
            "maxPreferences": 3,
            "confirmWithinDays": 7,
        },
        {
            "facilityId": "ageo-tennis",
            "period": "2027-04",
            "maxPreferences": 5,
            "maxWinsPerApplicant": 4,
            "confirmWithinDays": 5,
        },
    ]


class LotteryDefinition(CamelModel):
    """What staff send to create a lottery.

    Lodging: `stayFrom`–`stayTo`, one stay won per entry. Time slots: `period` (a month;
    the stay is the whole month), several slots won per entry up to
    `maxWinsPerApplicant`, and the entry dates default to period_schedule."""

    model_config = ConfigDict(json_schema_extra=_stay_or_period_schema)

    facility_id: str = Field(min_length=1, max_length=40)
    stay_from: BookingDate
    stay_to: BookingDate
    apply_from: AwareDatetime
    apply_until: AwareDatetime
    draw_at: AwareDatetime
    max_preferences: int = Field(default=3, ge=1, le=10)
    mechanism: Mechanism = Mechanism.SERIAL_DICTATORSHIP
    period: Period | None = Field(
        default=None, description="Time-slot lotteries: the month whose slots are drawn."
    )
    max_wins_per_applicant: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Time-slot lotteries: the most an applicant wins, in slots (a "
        "preference of 2 slots on 2 courts counts 4). None: no cap.",
    )
    confirm_within_days: int | None = Field(
        default=None,
        ge=1,
        le=30,
        description="Winners must confirm (当選確定) by the end of this many days after "
        "the draw day (Asia/Tokyo); unconfirmed wins are then released. None: wins are "
        "confirmed reservations at once.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_period(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("period"), str):
            return data
        period = data["period"]
        if re.fullmatch(r"2[01]\d\d-(0[1-9]|1[0-2])", period) is None:
            # The field's own pattern says what is wrong. Stand-ins for what the period
            # would have given keep "missing" errors from hiding that one.
            period = "2000-01"
        first, last = period_days(period)
        filled = {"stayFrom": first.isoformat(), "stayTo": last.isoformat()}
        return filled | period_schedule(period) | data

    @model_validator(mode="after")
    def _order(self) -> LotteryDefinition:
        if self.stay_to < self.stay_from:
            raise PydanticCustomError("date_order", "", {"other": "stayFrom", "field": "stayTo"})
        if (self.stay_to - self.stay_from).days > 92:
            raise PydanticCustomError("range_too_long", "", {"maxDays": 93, "field": "stayTo"})
        if self.period is not None and (self.stay_from, self.stay_to) != period_days(self.period):
            raise PydanticCustomError("period_is_the_stay", "", {"field": "stayFrom"})
        if self.period is None and self.max_preferences > MAX_STAY_PREFERENCES:
            raise PydanticCustomError(
                "less_than_equal", "", {"le": MAX_STAY_PREFERENCES, "field": "maxPreferences"}
            )
        if self.apply_until <= self.apply_from:
            raise PydanticCustomError(
                "date_order", "", {"other": "applyFrom", "field": "applyUntil"}
            )
        if self.draw_at < self.apply_until:
            raise PydanticCustomError("date_order", "", {"other": "applyUntil", "field": "drawAt"})
        if self.stay_from <= tokyo_date(self.draw_at):
            # The draw books the stay: its first night must come after the draw day.
            raise PydanticCustomError("stay_after_draw", "", {"field": "stayFrom"})
        deadline = self.confirm_by
        if deadline is not None and tokyo_date(deadline) > self.stay_from:
            # Unconfirmed wins go back to first-come booking before the first day.
            raise PydanticCustomError("confirm_before_stay", "", {"field": "confirmWithinDays"})
        return self

    @property
    def kind(self) -> LotteryKind:
        return "timeslot" if self.period is not None else "lodging"

    @property
    def confirm_by(self) -> datetime | None:
        """The instant unconfirmed wins are released: the end (24:00, Asia/Tokyo) of the
        `confirmWithinDays`-th day after the draw day."""
        if self.confirm_within_days is None:
            return None
        last = tokyo_date(self.draw_at) + timedelta(days=self.confirm_within_days + 1)
        return datetime(last.year, last.month, last.day, tzinfo=TOKYO)


MAX_STAY_PREFERENCES = 5


class DrawRequest(CamelModel):
    """Staff starting a draw at once; before `applyUntil` only when forced, with why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {},
                {
                    "force": True,
                    "reason": "施設の臨時点検により受付を早めに締め切り、本日抽選します。",
                },
            ]
        }
    )

    force: bool = Field(
        default=False, description="Draw although entries are still open (closes them now)."
    )
    reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Why the draw cannot wait; required with `force`, kept with the lottery.",
    )

    @model_validator(mode="after")
    def _reason_with_force(self) -> DrawRequest:
        if self.force and not self.reason:
            raise PydanticCustomError("missing", "", {"field": "reason"})
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
    kind: LotteryKind = "lodging"
    period: str | None = None
    max_wins_per_applicant: int | None = None
    confirm_by: datetime | None = Field(
        default=None,
        description="Wins must be confirmed before this instant, or they are released.",
    )
    audit_url: str = Field(
        default="",
        description="Where anyone can fetch the audit data, then recompute the draw "
        "(`python -m tools.verify_draw <auditUrl>`).",
    )


class PreferenceIn(CamelModel):
    """A lodging preference: a stay of 1–2 nights."""

    rank: int = Field(ge=1, le=10)  # the lottery's maxPreferences (≤ 5 for stays) limits it
    date: BookingDate
    nights: int = Field(default=1, ge=1, le=2)
    resource_type_id: ResourceTypeId
    quantity: int = Field(default=1, ge=1, le=10)
    party: list[PartyNight] = Field(min_length=1, max_length=2)
    room_style: RoomStyle | None = None


class SlotPreferenceIn(CamelModel):
    """A time-slot preference: `slots` consecutive slots from `start` on `date`, with
    `quantity` units (courts) in each."""

    rank: int = Field(ge=1, le=10)
    date: BookingDate
    resource_type_id: ResourceTypeId
    start: HhMm
    slots: int = Field(default=1, ge=1, le=12)
    quantity: int = Field(default=1, ge=1, le=10)

    @property
    def weight(self) -> int:
        """What it counts against the applicant's cap: one per unit per slot."""
        return self.slots * self.quantity


def _preference_kind(value: Any) -> str:
    # A time-slot preference names its first slot; a stay never does.
    if isinstance(value, dict):
        slot = "start" in value or "slots" in value
    else:
        slot = isinstance(value, SlotPreferenceIn)
    # The tags read like pydantic's own union steps, which field paths leave out
    # (api.validation), so an error names `preferences[0].start`, not the tag.
    return "union[slot]" if slot else "union[stay]"


AnyPreferenceIn = Annotated[
    Annotated[PreferenceIn, Tag("union[stay]")] | Annotated[SlotPreferenceIn, Tag("union[slot]")],
    Discriminator(_preference_kind),
]


class EntryRequest(CamelModel):
    """Ranked preferences: stays for a lodging lottery, slots for a time-slot lottery."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "preferences": [
                        {
                            "rank": 1,
                            "date": "2027-04-02",
                            "nights": 2,
                            "resourceTypeId": "room",
                            "quantity": 1,
                            "party": [
                                {"night": 1, "adults": 2, "children": 1},
                                {"night": 2, "adults": 2, "children": 1},
                            ],
                            "roomStyle": "japanese",
                        },
                        {
                            "rank": 2,
                            "date": "2027-04-16",
                            "nights": 1,
                            "resourceTypeId": "room",
                            "quantity": 1,
                            "party": [{"night": 1, "adults": 2, "children": 1}],
                        },
                    ]
                },
                {
                    "preferences": [
                        {
                            "rank": 1,
                            "date": "2027-04-03",
                            "resourceTypeId": "court",
                            "start": "09:00",
                            "slots": 2,
                            "quantity": 1,
                        },
                        {
                            "rank": 2,
                            "date": "2027-04-10",
                            "resourceTypeId": "court",
                            "start": "13:00",
                            "slots": 1,
                            "quantity": 2,
                        },
                    ]
                },
            ]
        }
    )

    preferences: list[AnyPreferenceIn] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _ranks(self) -> EntryRequest:
        ranks = sorted(p.rank for p in self.preferences)
        if ranks != list(range(1, len(ranks) + 1)):
            raise PydanticCustomError("ranks", "", {"field": "preferences"})
        return self


class Withdrawals(CamelModel):
    """Several of my entries to withdraw at once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"entryIds": ["ent_3f9a0c1d2e4b5a69", "ent_7be21c09d4a3f810"]}]
        }
    )

    entry_ids: list[str] = Field(
        min_length=1, max_length=10, description="1 to 10 of the caller's entry ids, each once."
    )

    @field_validator("entry_ids")
    @classmethod
    def _once(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            twice = next(i for i in ids if ids.count(i) > 1)
            raise PydanticCustomError("duplicate", "duplicate {value}", {"value": twice})
        return ids


class EntryOut(CamelModel):
    entry_id: str
    lottery_id: str
    facility_id: str
    preferences: list[AnyPreferenceIn]
    created_at: datetime


class LotteryResult(CamelModel):
    """One result: a lost entry, or one win (a time-slot entry may win several)."""

    lottery_id: str
    entry_id: str
    outcome: str  # won | lost
    won_rank: int | None = None
    reservation_number: str | None = None
    reservation_status: str | None = Field(
        default=None,
        description="The won reservation's status now: `awaiting_confirmation` until "
        "the winner confirms it (by `confirmBy`), then `confirmed`; `expired` once "
        "released unconfirmed; `cancelled`.",
    )
    confirm_by: datetime | None = None
    facility_id: str | None = Field(default=None, description="The lottery's facility.")
    facility_name: str | None = Field(default=None, description="Its name, as in the e-mail.")
    stay: AnyPreferenceIn | None = Field(
        default=None,
        description="What was won: the preference of `wonRank` (a stay: date, nights, room type, "
        "rooms, party; time slots: date, start, slots, courts). null when lost.",
    )
    preferences: list[AnyPreferenceIn] = Field(
        default_factory=list,
        description="Every preference of the entry, in rank order, won or lost.",
    )


class StaffResultRow(LotteryResult):
    """A result as staff see it: whose it is and, for a win, what was won."""

    user_number: str
    date: Day | None = None
    start: str | None = None
    end: str | None = None
    resource_type_id: str | None = None
    quantity: int | None = None


class DemandDay(CamelModel):
    date: date
    resource_type_id: str
    applications: int
    winnable: int
    start: str | None = Field(
        default=None, description="Time-slot lotteries: the slot (HH:MM) the row counts."
    )
    end: str | None = None


INLINE_ENTRIES = 2_000  # the audit answer carries the full data up to this many entries


@dataclass(frozen=True)
class PublishedFile:
    """The stored audit file of a draw: its key in the audit bucket and its checks."""

    key: str
    sha256: str
    bytes: int
    entries: int


class AuditDownload(CamelModel):
    """Where the published audit file of a draw can be downloaded, and how to check it."""

    url: str = Field(
        description="A short-lived link to the file (gzip'd JSON with every field of this "
        "audit); ask `/audit` again for a fresh one."
    )
    expires_at: datetime
    content_type: str = Field(description="`application/gzip`")
    bytes: int
    sha256: str = Field(description="SHA-256 of the downloaded bytes, hex.")
    entries: int = Field(description="How many entries the draw had.")


class LodgingInventoryRow(CamelModel):
    """Lodging: the units of a room type one night, as the draw allocated them."""

    date: date
    resource_type_id: str
    units: int


class SlotInventoryRow(CamelModel):
    """Time slots: the units of a resource type in one slot of a day."""

    date: date
    resource_type_id: str
    start: str
    end: str
    units: int


class LodgingResult(CamelModel):
    """Lodging: the rank of the preference an entry won (0: none), in draw order."""

    entry_id: str
    won_rank: int


class SlotResult(CamelModel):
    """Time slots: the ranks of the preferences an entry won, in draw order."""

    entry_id: str
    won_ranks: list[int]


class Audit(CamelModel):
    lottery_id: str
    mechanism: Mechanism
    algorithm: str
    seed_commitment: str
    kind: LotteryKind = "lodging"
    max_wins_per_applicant: int | None = None
    entries_digest: str | None = None
    seed: str | None = None
    result_digest: str | None = None
    order: list[str] | None = None
    entries: list[str] | None = None
    inventory: list[LodgingInventoryRow] | list[SlotInventoryRow] | None = None
    results: list[LodgingResult] | list[SlotResult] | None = None
    file: AuditDownload | None = Field(
        default=None,
        description="After the draw: the audit file with everything above, whatever the "
        "draw's size. `order`, `entries`, `inventory` and `results` are also inline up to "
        f"{INLINE_ENTRIES:,} entries; above that they are in the file only.",
    )


AUDIT_DATA = ("order", "entries", "inventory", "results")  # what the audit file adds


class AuditData(CamelModel):
    """A draw's data as lotteries drawn before audit files kept it on their item."""

    order: list[str]
    entries: list[str]
    inventory: list[LodgingInventoryRow] | list[SlotInventoryRow]
    results: list[LodgingResult] | list[SlotResult]


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
    audit: AuditData | None  # drawn before audit files: the audit kept on the item
    audit_file: PublishedFile | None = None

    def status_at(self, now: datetime) -> LotteryStatus:
        d = self.definition
        return status_at(now, d.apply_from, d.apply_until, self.closed, self.drawn)

    def view(self, now: datetime, site_url: str = "") -> Lottery:
        """The public lottery; `site_url` is the API's origin (the audit URL's base)."""
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
            kind=d.kind,
            period=d.period,
            max_wins_per_applicant=d.max_wins_per_applicant,
            confirm_by=d.confirm_by,
            audit_url=f"{site_url}/v1/lotteries/{self.lottery_id}/audit",
        )

    def public_audit(self) -> Audit:
        """Before the draw the commitment (and the entries digest once closed); after it,
        the seed and the result digest (the rest is in the audit file: `published`)."""
        audit = Audit(
            lottery_id=self.lottery_id,
            mechanism=self.definition.mechanism,
            algorithm=ALGORITHM,
            seed_commitment=self.seed_commitment,
            entries_digest=self.entries_digest,
            kind=self.definition.kind,
            max_wins_per_applicant=self.definition.max_wins_per_applicant,
        )
        if self.drawn:
            audit = audit.model_copy(
                update={"seed": self.seed, "result_digest": self.result_digest}
            )
        if self.drawn and self.audit:
            audit = audit.model_copy(update={k: getattr(self.audit, k) for k in AUDIT_DATA})
        return audit

    def published(
        self,
        result_digest: str,
        order: list[str],
        entries: list[str],
        inventory: list[LodgingInventoryRow] | list[SlotInventoryRow],
        results: list[LodgingResult] | list[SlotResult],
    ) -> Audit:
        """The audit file's content: the public audit after the draw with all its data."""
        return Audit(
            lottery_id=self.lottery_id,
            mechanism=self.definition.mechanism,
            algorithm=ALGORITHM,
            seed_commitment=self.seed_commitment,
            entries_digest=self.entries_digest,
            kind=self.definition.kind,
            max_wins_per_applicant=self.definition.max_wins_per_applicant,
            seed=self.seed,
            result_digest=result_digest,
            order=order,
            entries=entries,
            inventory=inventory,
            results=results,
        )


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
    preferences: Sequence[PreferenceIn | SlotPreferenceIn]
    contact: EntryContact
    created_at: datetime

    def for_draw(self) -> Entry:
        """The entry of a lodging lottery as the draw sees it."""
        return entry(
            self.entry_id,
            (
                Preference(p.rank, p.date, p.nights, p.resource_type_id, p.quantity)
                for p in self.preferences
                if isinstance(p, PreferenceIn)
            ),
        )

    def preference(self, rank: int) -> PreferenceIn:
        return next(p for p in self.preferences if p.rank == rank and isinstance(p, PreferenceIn))

    def slot_preference(self, rank: int) -> SlotPreferenceIn:
        return next(
            p for p in self.preferences if p.rank == rank and isinstance(p, SlotPreferenceIn)
        )


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
    # Time-slot lotteries: every win, (rank, reservation number), ranks ascending.
    wins: tuple[tuple[int, str], ...] = ()
    reminded: bool = False  # the reminder to confirm went out

    @property
    def all_wins(self) -> tuple[tuple[int, str], ...]:
        if self.wins:
            return self.wins
        if self.won_rank and self.reservation_number:
            return ((self.won_rank, self.reservation_number),)
        return ()

    def view(
        self, entry: StoredEntry | None = None, lottery: LotteryRecord | None = None
    ) -> LotteryResult:
        """The result with the stay it was about, when the entry and lottery are given."""
        return self._row(self.won_rank, self.reservation_number, None, None, entry, lottery)

    def views(
        self,
        reservations: Mapping[str, tuple[str, datetime | None]],
        entry: StoredEntry | None = None,
        lottery: LotteryRecord | None = None,
    ) -> list[LotteryResult]:
        """One row per win (with its reservation's status now and deadline, from
        `reservations`: number → (status, confirmBy)), or one row when nothing was won;
        each with what was asked for and won, when the entry and lottery are given."""
        if not self.all_wins:
            return [self.view(entry, lottery)]
        rows = []
        for rank, number in self.all_wins:
            status, confirm_by = reservations.get(number, (None, None))
            rows.append(self._row(rank, number, status, confirm_by, entry, lottery))
        return rows

    def _row(
        self,
        rank: int | None,
        number: str | None,
        status: str | None,
        confirm_by: datetime | None,
        entry: StoredEntry | None,
        lottery: LotteryRecord | None,
    ) -> LotteryResult:
        preferences = list(entry.preferences) if entry else []
        won = next((p for p in preferences if p.rank == rank), None) if rank else None
        return LotteryResult(
            lottery_id=self.lottery_id,
            entry_id=self.entry_id,
            outcome="won" if rank else "lost",
            won_rank=rank or None,
            reservation_number=number,
            reservation_status=status,
            confirm_by=confirm_by,
            facility_id=lottery.definition.facility_id if lottery else None,
            facility_name=lottery.facility_name if lottery else None,
            stay=won,
            preferences=preferences,
        )


KeptUnits = dict[tuple[date, str], list[Claim]]
"""The units a lottery still keeps, per (night, resource type), lowest unit first."""


# ---------------------------------------------------------------- staff rules


def ensure_offered(definition: LotteryDefinition, facility: Facility) -> None:
    """The facility runs lotteries, of the kind the definition describes: a stay period
    for lodging, a month (`period`) of slots with an optional cap for time slots."""
    if not facility.lottery.enabled:
        raise DomainError.invalid("facilityId", "lottery_not_offered")
    if facility.kind == "lodging":
        if definition.period is not None:
            raise DomainError.invalid("period", "period_for_timeslot")
        if definition.max_wins_per_applicant is not None:
            raise DomainError.invalid("maxWinsPerApplicant", "cap_for_timeslot")
    elif definition.period is None:
        raise DomainError.invalid("period", "period_required")


REMINDER_HOUR = 9


def reminder_time(definition: LotteryDefinition) -> datetime | None:
    """When winners who have not confirmed are reminded: 09:00 (Asia/Tokyo) on the day
    before the last day to confirm; None when that is not after the draw."""
    confirm_by = definition.confirm_by
    if confirm_by is None:
        return None
    last_day = tokyo_date(confirm_by) - timedelta(days=1)
    day_before = last_day - timedelta(days=1)
    at = datetime(day_before.year, day_before.month, day_before.day, REMINDER_HOUR, tzinfo=TOKYO)
    return at if at > definition.draw_at else None


# ---------------------------------------------------------------- entry rules


def round_of(lottery: LotteryRecord) -> str:
    """Lodging: one facility per lottery round, the month of the stay period (seed 003).
    A time-slot lottery is a round of its own: a group may enter the tennis courts and
    the baseball ground of the same month (one entry per lottery all the same)."""
    if lottery.definition.kind == "timeslot":
        return f"{lottery.definition.period}#{lottery.lottery_id}"
    return lottery.definition.stay_from.isoformat()[:7]


def ensure_may_enter(status: AccountStatus, residency: Residency, facility: Facility) -> None:
    """Only verified accounts enter, and only residents where the lottery says so."""
    if status is not AccountStatus.VERIFIED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=messages.LOTTERY_VERIFIED_ONLY,
        )
    if facility.lottery.residents_only and residency is not Residency.RESIDENT:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=messages.LOTTERY_RESIDENTS_ONLY,
        )


def ensure_open(lottery: LotteryRecord, now: datetime) -> None:
    """Entries and withdrawals only while the lottery is open; says when it opens or closed."""
    definition = lottery.definition
    status = lottery.status_at(now)
    if status is LotteryStatus.SCHEDULED:
        raise DomainError(
            ErrorCode.LOTTERY_CLOSED,
            reason=messages.LOTTERY_OPENS_AT.format(at=definition.apply_from.isoformat()),
        )
    if status is not LotteryStatus.OPEN:
        raise DomainError(
            ErrorCode.LOTTERY_CLOSED,
            reason=messages.LOTTERY_CLOSED_AT.format(at=definition.apply_until.isoformat()),
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
        if not isinstance(p, PreferenceIn):
            raise DomainError.invalid(field, "stay_preference_expected")
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
                f"{field}.nights", "less_than_equal", le=facility.rules.max_nights or 1
            )
        if p.quantity > facility.rules.max_units_per_booking:
            raise DomainError.invalid(
                f"{field}.quantity", "less_than_equal", le=facility.rules.max_units_per_booking
            )
        if p.room_style is not None and p.rank != 1:
            # Seed 003: 和洋室希望（必須） 第1希望のみ設定可能.
            raise DomainError.invalid(f"{field}.roomStyle", "room_style_first_preference_only")
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


# ---------------------------------------------------------------- workflow payloads
# What the draw state machine (statemachines/lottery_draw.asl.json) sends its tasks and
# what they answer; the JSON names are what it reads (`$.notified.more`) and keeps
# in the execution's history.

DrawAction = Literal["close", "draw", "notify", "publish", "release", "remind", "expire"]


class DrawStart(CamelModel):
    """An execution's input: the draw (no phase) from its schedule or staff; `remind` or
    `expire` from the schedules of wins that must be confirmed; `resume` (an operator's)
    runs one step of a failed draw and those after it."""

    lottery_id: str
    phase: Literal["remind", "expire"] | None = None
    resume: Literal["notify", "publish", "release"] | None = None


class DrawTask(CamelModel):
    action: DrawAction
    lottery_id: str
    # notify: the last user the previous notify call dealt with (None: from the first).
    after: str | None = Field(default=None, max_length=20)


class EntriesClosed(CamelModel):
    """close: how many entries were fixed, and their digest."""

    entries: int
    entries_digest: str


class DrawOutcome(CamelModel):
    """draw: wins and losses recorded by this run, and results an earlier run recorded."""

    won: int
    lost: int
    already_recorded: int


class ResultsNotified(CamelModel):
    """notify: entrants told by this call; whether results are left for another call,
    and the last user this one dealt with, from which the next goes on."""

    sent: int
    more: bool
    after: str | None


class WinnersReminded(CamelModel):
    reminded: int


class UnitsReleased(CamelModel):
    """release (units nobody won) and expire (wins not confirmed by confirmBy)."""

    released: int


class AuditPublished(CamelModel):
    """publish: the result digest and the audit file written for it."""

    result_digest: str
    audit_key: str
    audit_bytes: int
