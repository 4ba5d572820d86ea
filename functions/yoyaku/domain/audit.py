"""The audit trail: every staff action, who took it, when, on what and why.

Records are only ever added (the store writes each once, on the condition that it is
new, and nothing updates or deletes them). A review decision, which two staff may race
for, is written in one transaction with its record; other actions write theirs right
after they succeed, and a refused action writes none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from yoyaku.domain.model import CamelModel
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


class AuditRecord(CamelModel):
    audit_id: str
    at: datetime
    staff: StaffRef
    role: Role | None
    action: AuditAction
    target: AuditTarget
    reason: str | None = None
    details: dict[str, Any] = Field(
        default_factory=dict, description="What was done, e.g. the decision or the dates."
    )


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
