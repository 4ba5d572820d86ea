"""Booking rules (seeds 003/004): windows by account status, stays, parties, deadlines."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain import messages
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.appointments import Appointment
from yoyaku.domain.calendar import TOKYO, add_months
from yoyaku.domain.catalog import OPENS_BEFORE, BookingRules, Facility, ResourceTypeId
from yoyaku.domain.emails import Recipient
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import WHOLE_DAY, DayInventory
from yoyaku.domain.model import BookingDate, CamelModel

Day = date  # for fields declared after a field that is itself named `date`

HhMm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])]


class HoldRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "facilityId": "minato-ohiradai",
                    "resourceTypeId": "room",
                    "date": "2027-01-15",
                    "nights": 2,
                    "quantity": 1,
                },
                {
                    "facilityId": "ageo-tennis",
                    "resourceTypeId": "court",
                    "date": "2027-01-16",
                    "start": "09:00",
                    "slots": 2,
                    "quantity": 1,
                },
            ]
        }
    )

    facility_id: str = Field(min_length=1, max_length=40)
    resource_type_id: ResourceTypeId
    date: BookingDate
    nights: int | None = Field(default=None, ge=1, le=14)
    start: HhMm | None = None
    slots: int | None = Field(default=None, ge=1, le=96)
    quantity: int = Field(default=1, ge=1, le=100)


@dataclass(frozen=True)
class CellRef:
    """One cell of one day: a night of lodging or a time slot."""

    day: date
    cell: str


def requested_cells(
    request: HoldRequest, facility: Facility, inventory: dict[date, DayInventory]
) -> list[CellRef]:
    """The nights or consecutive slots a hold asks for, checked against the facility."""
    if facility.resource_type(request.resource_type_id) is None:
        known = ", ".join(r.resource_type_id for r in facility.resource_types)
        raise DomainError.invalid("resourceTypeId", "unknown_resource_type", known=known)
    rules = facility.rules
    if request.quantity > rules.max_units_per_booking:
        raise DomainError.invalid("quantity", "less_than_equal", le=rules.max_units_per_booking)
    if facility.kind == "lodging":
        if request.start is not None or request.slots is not None:
            raise DomainError.invalid("start", "slots_not_allowed")
        nights = request.nights or 1
        if nights > (rules.max_nights or 1):
            raise DomainError.invalid("nights", "less_than_equal", le=rules.max_nights or 1)
        return [CellRef(request.date + timedelta(days=n), WHOLE_DAY) for n in range(nights)]
    if request.start is None:
        raise DomainError.invalid("start", "missing")
    if request.nights is not None:
        raise DomainError.invalid("nights", "nights_lodging_only")
    day = inventory.get(request.date)
    cells = [c for c in day.cells if c.active] if day else []
    keys = [c.key for c in cells]
    first = request.start.replace(":", "")
    count = request.slots or 1
    if first not in keys:
        if not keys or day is None or day.closed:
            raise DomainError(ErrorCode.NOT_AVAILABLE)  # nothing to book that day
        starts = ", ".join(c.start or c.key for c in cells)
        raise DomainError.invalid("start", "not_a_slot_start", starts=starts)
    index = keys.index(first)
    chosen = cells[index : index + count]
    consecutive = all(a.end == b.start for a, b in pairwise(chosen))
    if len(chosen) < count or not consecutive:
        raise DomainError.invalid("slots", "slots_not_consecutive")
    return [CellRef(request.date, c.key) for c in chosen]


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date  # the last day on which booking is possible


def window_opens(rules: BookingRules, stay: date) -> date:
    """The first day on which `stay` can be booked: `opensBefore` ahead of it, P1M being
    the same day one month before (clamped at month ends) and PnD n days before."""
    match = OPENS_BEFORE.match(rules.opens_before)
    if match is None:  # the field's pattern makes this unreachable
        raise ValueError(rules.opens_before)
    months, days = match.groups()
    if months is not None:
        return add_months(stay, -int(months))
    return stay - timedelta(days=int(days))


def booking_window(rules: BookingRules, stay: date, status: AccountStatus) -> Window:
    """Opens `opensBefore` ahead (one month by default); closes 14 (provisional) or 5
    (verified) days before, per the facility's rules."""
    days_before = (
        rules.closes_days_before.verified
        if status is AccountStatus.VERIFIED
        else rules.closes_days_before.provisional
    )
    return Window(opens=window_opens(rules, stay), closes=stay - timedelta(days=days_before))


def ensure_may_book(status: AccountStatus) -> None:
    if status is AccountStatus.REJECTED:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, reason=messages.BOOKING_REGISTRATION_CANCELLED)
    if status is AccountStatus.EXPIRED:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, reason=messages.BOOKING_VERIFICATION_EXPIRED)


def ensure_in_window(
    rules: BookingRules, days: list[date], status: AccountStatus, today: date
) -> None:
    """Every night (or the day) of the booking must lie inside the user's window."""
    for day in sorted(set(days)):
        window = booking_window(rules, day, status)
        if today < window.opens:
            raise DomainError(
                ErrorCode.OUTSIDE_BOOKING_WINDOW,
                opensOn=window.opens.isoformat(),
                reason=messages.BOOKING_OPENS_ON.format(
                    day=day.isoformat(), opens=window.opens.isoformat()
                ),
            )
        if today > window.closes:
            raise DomainError(
                ErrorCode.OUTSIDE_BOOKING_WINDOW,
                closedOn=window.closes.isoformat(),
                reason=_closed_reason(rules, day, window, status),
            )


def _closed_reason(
    rules: BookingRules, day: date, window: Window, status: AccountStatus
) -> messages.Bilingual:
    """When booking closed; a provisional user also learns that verified users may book
    until later."""
    values = {"day": day.isoformat(), "closes": window.closes.isoformat()}
    if status is AccountStatus.PROVISIONAL:
        ahead = rules.closes_days_before
        return messages.BOOKING_CLOSED_ON_PROVISIONAL.format(
            **values, provisional=ahead.provisional, verified=ahead.verified
        )
    return messages.BOOKING_CLOSED_ON.format(**values)


class PartyNight(CamelModel):
    night: int = Field(ge=1, le=14, description="1 for the first night (or the only slot).")
    adults: int = Field(ge=0, le=100, description="Middle-school age and up.")
    children: int = Field(default=0, ge=0, le=100, description="Age 4 to primary school.")


def check_party(
    party: list[PartyNight], nights: int, quantity: int, capacity_persons: int | None
) -> list[PartyNight]:
    """One entry per night, each with at least one adult, within the rooms' capacity."""
    by_night = {p.night: p for p in party}
    if len(by_night) != len(party) or set(by_night) != set(range(1, nights + 1)):
        raise DomainError.invalid("party", "party_per_night", nights=nights)
    for index, night in enumerate(party):
        if night.adults < 1:
            raise DomainError.invalid(f"party[{index}].adults", "greater_than_equal", ge=1)
        if capacity_persons and night.adults + night.children > capacity_persons * quantity:
            raise DomainError.invalid(
                f"party[{index}]", "party_too_large", most=capacity_persons * quantity
            )
    return sorted(party, key=lambda p: p.night)


def deadline(stay: date, days_before: int) -> date:
    """The last day on which something about a stay may still be done."""
    return stay - timedelta(days=days_before)


def ensure_before_deadline(stay: date, last: date, today: date, code: ErrorCode) -> None:
    """Refuses with `code` once `today` is past `last`, the deadline stored with a booking."""
    if today > last:
        days_before = (stay - last).days
        raise DomainError(
            code,
            closedOn=last.isoformat(),
            reason=messages.DEADLINE_PASSED.format(last=last.isoformat(), days=days_before),
        )


def hold_expiry(now: datetime, minutes: int) -> datetime:
    """Whole seconds: the claim's TTL attribute stores seconds, and the hold and its
    claims must end at the same instant."""
    return (now + timedelta(minutes=minutes)).replace(microsecond=0)


RoomStyle = Literal["japanese", "western", "no_preference"]


class ReservationRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "holdId": "hld_7c1e9a2f4b6d8035",
                    "party": [
                        {"night": 1, "adults": 2, "children": 1},
                        {"night": 2, "adults": 2, "children": 1},
                    ],
                    "roomStyle": "japanese",
                },
                {"holdId": "hld_0f3b5d7e9a1c2468"},
            ]
        }
    )

    hold_id: str = Field(min_length=1, max_length=40)
    party: list[PartyNight] = Field(default_factory=list, max_length=14)
    room_style: RoomStyle | None = Field(
        default=None,
        description="和洋室希望 where the facility offers it; whether it can be met is told "
        "at check-in (seed 003).",
    )


class ReservationChange(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"removeNights": [2]},
                {
                    "party": [
                        {"night": 1, "adults": 3, "children": 0},
                        {"night": 2, "adults": 2, "children": 1},
                    ],
                    "roomStyle": "western",
                },
            ]
        }
    )

    remove_nights: list[int] = Field(default_factory=list, max_length=14)
    party: list[PartyNight] | None = Field(default=None, max_length=14)
    room_style: RoomStyle | None = None


class Cancellations(CamelModel):
    """Several reservations to cancel at once (the list's 選択して取消し)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reservationNumbers": ["2612010001", "2612010002"]}]}
    )

    reservation_numbers: list[str] = Field(
        min_length=1,
        max_length=10,
        description="1 to 10 of the caller's reservation numbers, each once.",
    )

    @field_validator("reservation_numbers")
    @classmethod
    def _once(cls, numbers: list[str]) -> list[str]:
        seen: set[str] = set()
        for number in numbers:
            if number in seen:
                raise PydanticCustomError("duplicate", "duplicate {value}", {"value": number})
            seen.add(number)
        return numbers


ReservationStatus = Literal["confirmed", "awaiting_confirmation", "expired", "cancelled"]
"""`awaiting_confirmation`: a lottery win the winner must confirm by `confirmBy`;
`expired`: such a win released unconfirmed at `confirmBy`."""


class Reservation(CamelModel):
    reservation_number: str
    facility_id: str
    facility_name: str
    resource_type_id: str
    resource_type_name: str | None = None
    date: date
    nights: int | None = None
    start: str | None = None
    end: str | None = None
    quantity: int
    party: list[PartyNight]
    room_style: RoomStyle | None = None
    status: ReservationStatus
    source: Literal["direct", "lottery"]
    created_at: datetime
    change_deadline: Day
    cancel_deadline: Day
    confirm_by: datetime | None = Field(
        default=None,
        description="A lottery win awaiting confirmation (当選確定) must be confirmed "
        "before this instant; it is released then.",
    )
    can_change: bool | None = Field(
        default=None,
        description="Whether it may still be changed today (confirmed, on or before "
        "changeDeadline): the seed's list greys out the others.",
    )
    can_cancel: bool | None = Field(
        default=None,
        description="Whether it may still be cancelled today (confirmed, or a lottery "
        "win awaiting confirmation, which its winner may decline; on or before "
        "cancelDeadline).",
    )

    def as_of(self, today: Day) -> Reservation:
        """The reservation as its owner sees it today: what can still be done with it."""
        confirmed = self.status == "confirmed"
        live = confirmed or self.status == "awaiting_confirmation"
        return self.model_copy(
            update={
                "can_change": confirmed and today <= self.change_deadline,
                "can_cancel": live and today <= self.cancel_deadline,
            }
        )


def check_room_style(facility: Facility, room_style: str | None) -> None:
    if room_style is not None and not facility.options.room_style_wish:
        raise DomainError.invalid("roomStyle", "room_style_not_offered")


def remaining_nights(nights: int, remove: list[int]) -> list[int]:
    """The nights kept after removing some: at least one, and consecutive."""
    if any(n < 1 or n > nights for n in remove):
        raise DomainError.invalid("removeNights", "less_than_equal", le=nights)
    kept = [n for n in range(1, nights + 1) if n not in set(remove)]
    if not kept or kept != list(range(kept[0], kept[-1] + 1)):
        raise DomainError.invalid("removeNights", "nights_remaining")
    return kept


class OwnerKind(StrEnum):
    CITIZEN = "citizen"  # a signed-in citizen, by user number
    APPOINTMENT_REQUEST = "appointment_request"  # a counter party, by its e-mailed request


@dataclass(frozen=True)
class Owner:
    """Who a hold or reservation belongs to."""

    kind: OwnerKind
    id: str

    @classmethod
    def citizen(cls, user_number: str) -> Owner:
        return cls(OwnerKind.CITIZEN, user_number)

    @classmethod
    def appointment_request(cls, request_id: str) -> Owner:
        return cls(OwnerKind.APPOINTMENT_REQUEST, request_id)


@dataclass(frozen=True)
class Unit:
    """One numbered unit of one cell (a night of lodging or a time slot)."""

    day: date
    cell: str
    unit: int


@dataclass(frozen=True)
class Hold:
    hold_id: str
    owner: Owner
    facility_id: str
    resource_type_id: str
    units: list[Unit]
    quantity: int
    valid_until: datetime
    facility: Facility | None = None  # the facility as it was when held
    contact: Recipient | None = None  # where the confirmation goes
    start: str | None = None  # time-slot holds: from the first slot's start …
    end: str | None = None  # … to the last slot's end
    # Set once confirmed: the record stays (until its TTL) so that a late release or a
    # second confirmation is told the truth instead of "not found" or "expired".
    confirmed_as: str | None = None

    @property
    def first_day(self) -> date:
        return min(u.day for u in self.units)

    @property
    def nights(self) -> int:
        return len({u.day for u in self.units})


class HoldCreated(CamelModel):
    hold_id: str
    expires_at: datetime
    facility_id: str
    resource_type_id: str
    quantity: int = Field(
        description="The amount booked: rooms a night or courts a slot, as in the request "
        "and the reservation."
    )
    units: int = Field(
        description="Units claimed in all: quantity × nights (lodging) or × slots (time slots)."
    )

    @classmethod
    def of(cls, hold: Hold) -> HoldCreated:
        return cls(
            hold_id=hold.hold_id,
            expires_at=hold.valid_until,
            facility_id=hold.facility_id,
            resource_type_id=hold.resource_type_id,
            quantity=hold.quantity,
            units=len(hold.units),
        )


NUMBER_ATTEMPTS = 3  # a random 10-digit number is taken again only by a rare collision
_FIRST_NUMBER, _END_NUMBER = 10**9, 10**10


def reservation_numbers(rng: random.Random, attempts: int = NUMBER_ATTEMPTS) -> Iterator[str]:
    """Reservation (and receipt) numbers to try in turn: 10 digits, the first one random.

    A number already taken is a rare collision; the next one after it is as good as a
    fresh random draw, and it keeps a retried draw's choices reproducible.
    """
    number = rng.randrange(_FIRST_NUMBER, _END_NUMBER)
    for _ in range(attempts):
        yield str(number)
        number = number + 1 if number < _END_NUMBER - 1 else _FIRST_NUMBER


def new_reservation(
    *,
    number: str,
    facility: Facility,
    resource_type_id: str,
    first: date,
    nights: int | None,
    quantity: int,
    party: list[PartyNight],
    room_style: RoomStyle | None,
    source: Literal["direct", "lottery"],
    created_at: datetime,
    start: str | None = None,
    end: str | None = None,
) -> Reservation:
    """A confirmed reservation, its deadlines fixed from the facility's rules."""
    return Reservation(
        reservation_number=number,
        facility_id=facility.facility_id,
        facility_name=facility.name,
        resource_type_id=resource_type_id,
        resource_type_name=getattr(facility.resource_type(resource_type_id), "name", None),
        date=first,
        nights=nights,
        start=start,
        end=end,
        quantity=quantity,
        party=party,
        room_style=room_style,
        status="confirmed",
        source=source,
        created_at=created_at,
        change_deadline=deadline(first, facility.rules.change_deadline_days),
        cancel_deadline=deadline(first, facility.rules.cancel_deadline_days),
    )


@dataclass(frozen=True)
class StoredReservation:
    """A reservation (or counter appointment) as stored, with what guards changes to it."""

    number: str
    owner: Owner
    document: Reservation | Appointment
    units: list[Unit]
    version: int
    secret_hash: str | None = None  # counter appointments: the receipt password's hash
    failed_attempts: int = 0  # wrong receipt passwords in a row
    locked_until: datetime | None = None


# ---------------------------------------------------------------- wins to confirm


def confirmed_win(reservation: Reservation, now: datetime) -> Reservation:
    """A lottery win confirmed by its winner (当選確定), before `confirmBy` (exclusive).
    Confirming what is already confirmed changes nothing."""
    if reservation.status == "confirmed":
        return reservation
    confirm_by = reservation.confirm_by
    if reservation.status == "expired" or (
        reservation.status == "awaiting_confirmation"
        and confirm_by is not None
        and now >= confirm_by
    ):
        deadline = (confirm_by or now).astimezone(TOKYO) - timedelta(minutes=1)
        raise DomainError(
            ErrorCode.CONFIRMATION_EXPIRED,
            reason=messages.CONFIRMATION_DEADLINE_PASSED.format(
                deadline=deadline.strftime("%Y-%m-%d %H:%M")
            ),
        )
    if reservation.status != "awaiting_confirmation":
        raise DomainError(ErrorCode.CONFLICT, reason=messages.NOTHING_TO_CONFIRM)
    return reservation.model_copy(update={"status": "confirmed"})


def is_unconfirmed_past(reservation: Reservation, now: datetime) -> bool:
    """A win still awaiting confirmation whose deadline has come: it is released."""
    return (
        reservation.status == "awaiting_confirmation"
        and reservation.confirm_by is not None
        and now >= reservation.confirm_by
    )
