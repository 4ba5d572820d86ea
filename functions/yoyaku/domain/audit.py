"""The audit trail: every staff action, who took it, when, on what and why.

Records are only ever added (the store writes each once, on the condition that it is
new, and nothing updates or deletes them). A review decision, which two staff may race
for, is written in one transaction with its record; other actions write theirs right
after they succeed, and a refused action writes none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, model_validator

from yoyaku.domain.account_kinds import Decision
from yoyaku.domain.closures import Weekday, YearEndClosure
from yoyaku.domain.model import CamelModel
from yoyaku.domain.reception import ReceptionHours
from yoyaku.domain.staff import Role, StaffRef


class AuditAction(StrEnum):
    REVIEW_DECIDED = "review.decided"
    FACILITY_SAVED = "facility.saved"
    INVENTORY_CHANGED = "inventory.changed"
    DAYS_CLOSED = "days.closed"
    DAYS_REOPENED = "days.reopened"
    LOTTERY_CREATED = "lottery.created"
    LOTTERY_DRAW_STARTED = "lottery.draw_started"
    NOTICE_PUBLISHED = "notice.published"
    NOTICE_WITHDRAWN = "notice.withdrawn"
    RESERVATION_CANCELLED = "reservation.cancelled"
    ACCOUNT_UNLOCKED = "account.unlocked"
    RESERVATIONS_EXPORTED = "reservations.exported"
    APPOINTMENTS_EXPORTED = "appointments.exported"
    ELIGIBILITY_IMPORTED = "eligibility.imported"
    RECEPTION_HOURS_SET = "reception_hours.set"
    SUSPENSION_PLANNED = "suspension.planned"
    SUSPENSION_LIFTED = "suspension.lifted"
    REGISTRATION_CARDS_EXPORTED = "registration_cards.exported"
    REGISTRATION_CARD_MAILED = "registration_card.mailed"
    APPOINTMENT_CANCELLED = "appointment.cancelled"


class TargetType(StrEnum):
    APPLICATION = "application"
    FACILITY = "facility"
    LOTTERY = "lottery"
    NOTICE = "notice"
    RESERVATION = "reservation"
    CITIZEN = "citizen"
    # the whole service: its reception hours (id `reception-hours`), the registration
    # cards to mail (id `registration-cards`)
    SERVICE = "service"
    SUSPENSION = "suspension"
    APPOINTMENT = "appointment"


class AuditTarget(CamelModel):
    type: TargetType
    id: str


# ---------------------------------------------------------------- details
# What each action adds to its record, one model per kind of action. An optional value
# that was not given is left out of the record (not stored as null).


def _absent(value: object) -> bool:
    return value is None


class NoDetails(CamelModel):
    """The action says all: a registration card marked as mailed."""


class ReviewDecided(CamelModel):
    decision: Decision


class FacilitySaved(CamelModel):
    name: str
    created: bool = Field(description="A new facility, not a change to one.")


class InventoryChanged(CamelModel):
    resource_type_id: str
    from_: date = Field(alias="from")
    to: date
    capacity: int
    closed_dates: list[date] | None = Field(default=None, exclude_if=_absent)
    days_changed: int


class DaysClosed(CamelModel):
    closed_weekdays: list[Weekday]
    closed_on_holidays: bool
    year_end_closure: YearEndClosure | None = Field(default=None, exclude_if=_absent)
    closed_dates: list[date]
    days_changed: int


class LotteryCreated(CamelModel):
    facility_id: str
    stay_from: date
    stay_to: date
    apply_from: datetime
    apply_until: datetime
    draw_at: datetime


class LotteryDrawStarted(CamelModel):
    before_apply_until: bool | None = Field(
        default=None,
        exclude_if=_absent,
        description="Present (true) when staff drew before the applications closed.",
    )


class NoticePublished(CamelModel):
    title: str
    published_at: datetime


class NoticeWithdrawn(CamelModel):
    title: str


class CancelledByStaff(CamelModel):
    """A reservation or an appointment cancelled by staff: where and on which day."""

    facility_id: str
    date: date


class AccountUnlocked(CamelModel):
    failures: int = Field(description="Wrong passwords in a row before the unlock.")


class Exported(CamelModel):
    """A facility's reservations or appointments exported as a file: which days and how
    many rows (the file carries citizens' names and phone numbers out of the service)."""

    from_: date = Field(alias="from")
    to: date
    rows: int


class CardsExported(CamelModel):
    rows: int


class EligibilityImported(CamelModel):
    imported: int


class ReceptionHoursSet(CamelModel):
    """The hours set, or `anyHour` when they were removed (bookings at any hour)."""

    hours: ReceptionHours | None = Field(default=None, exclude_if=_absent)
    any_hour: bool | None = Field(default=None, exclude_if=_absent)

    @model_validator(mode="after")
    def _one_of_the_two(self) -> ReceptionHoursSet:
        if (self.hours is None) == (self.any_hour is None):
            raise ValueError("either hours or anyHour")
        return self


class SuspensionPlanned(CamelModel):
    from_: datetime = Field(alias="from")
    until: datetime
    notice: str


class SuspensionLifted(CamelModel):
    under_way: bool = Field(
        description="It had begun (lifting ended it now) rather than being cancelled ahead."
    )


AuditDetails = (
    NoDetails
    | ReviewDecided
    | FacilitySaved
    | InventoryChanged
    | DaysClosed
    | LotteryCreated
    | LotteryDrawStarted
    | NoticePublished
    | NoticeWithdrawn
    | CancelledByStaff
    | AccountUnlocked
    | Exported
    | CardsExported
    | EligibilityImported
    | ReceptionHoursSet
    | SuspensionPlanned
    | SuspensionLifted
)

DETAILS: dict[AuditAction, type[AuditDetails]] = {
    AuditAction.REVIEW_DECIDED: ReviewDecided,
    AuditAction.FACILITY_SAVED: FacilitySaved,
    AuditAction.INVENTORY_CHANGED: InventoryChanged,
    AuditAction.DAYS_CLOSED: DaysClosed,
    # not recorded today: reopening days is saving closing days that leave them out
    AuditAction.DAYS_REOPENED: DaysClosed,
    AuditAction.LOTTERY_CREATED: LotteryCreated,
    AuditAction.LOTTERY_DRAW_STARTED: LotteryDrawStarted,
    AuditAction.NOTICE_PUBLISHED: NoticePublished,
    AuditAction.NOTICE_WITHDRAWN: NoticeWithdrawn,
    AuditAction.RESERVATION_CANCELLED: CancelledByStaff,
    AuditAction.ACCOUNT_UNLOCKED: AccountUnlocked,
    AuditAction.RESERVATIONS_EXPORTED: Exported,
    AuditAction.APPOINTMENTS_EXPORTED: Exported,
    AuditAction.ELIGIBILITY_IMPORTED: EligibilityImported,
    AuditAction.RECEPTION_HOURS_SET: ReceptionHoursSet,
    AuditAction.SUSPENSION_PLANNED: SuspensionPlanned,
    AuditAction.SUSPENSION_LIFTED: SuspensionLifted,
    AuditAction.REGISTRATION_CARDS_EXPORTED: CardsExported,
    AuditAction.REGISTRATION_CARD_MAILED: NoDetails,
    AuditAction.APPOINTMENT_CANCELLED: CancelledByStaff,
}
"""The one kind of details each action records."""


def details_of(action: AuditAction, stored: Mapping[str, object]) -> AuditDetails:
    """An action's details as a stored record holds them."""
    return DETAILS[action].model_validate(stored)


class AuditRecord(CamelModel):
    audit_id: str
    at: datetime
    staff: StaffRef
    role: Role | None
    action: AuditAction
    target: AuditTarget
    reason: str | None = None
    details: AuditDetails = Field(
        description="What was done, e.g. the decision or the dates: one shape per action."
    )

    @model_validator(mode="after")
    def _details_fit_the_action(self) -> AuditRecord:
        if not isinstance(self.details, DETAILS[self.action]):
            raise ValueError(f"{self.action} records {DETAILS[self.action].__name__}")
        return self


@dataclass(frozen=True)
class AuditFilter:
    """Which records a page lists: a Tokyo date range, and optionally one member, one
    action or one target."""

    first: date
    last: date
    staff_id: str | None = None
    action: AuditAction | None = None
    target: AuditTarget | None = None


# How far back one listing may reach (a year and a day: the same dates of last year).
MAX_AUDIT_DAYS = 366
DEFAULT_AUDIT_DAYS = 30
