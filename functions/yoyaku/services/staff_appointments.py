"""Staff and counter appointments (seed 002): the day's appointments of a facility per
counter, an appointment by its receipt number, and cancellation on the party's behalf."""

from __future__ import annotations

from datetime import date

from yoyaku import runtime
from yoyaku.adapters import appointment_store, booking_store, inventory_store, mailer
from yoyaku.domain import emails, messages
from yoyaku.domain.appointments import Appointment, StaffAppointment, appointments_csv
from yoyaku.domain.audit import AuditAction, CancelledByStaff, TargetType
from yoyaku.domain.booking import StoredReservation
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.paging import Page
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit
from yoyaku.services.catalog import load_facility


def day_list(facility_id: str, first: date, last: date | None = None) -> list[Appointment]:
    """The appointments of the facility from `first` to `last` (one day when not given;
    cancelled ones too), by day, counter and time: one Query per month of arrivals."""
    load_facility(facility_id)
    found = [
        s.document
        for s in booking_store.arrivals(facility_id, first, last or first)
        if isinstance(s.document, Appointment)
    ]
    return sorted(found, key=lambda a: (a.date, a.counter, a.start, a.receipt_number))


def day_page(facility_id: str, day: date, limit: int, token: str | None) -> Page[Appointment]:
    """One page of the day's appointments, by counter and time (a DynamoDB page)."""
    load_facility(facility_id)
    page = booking_store.arrivals_page(facility_id, day, day, Appointment, limit, token)
    found = [s.document for s in page.items if isinstance(s.document, Appointment)]
    return Page(found, page.next_token)


def export(facility_id: str, first: date, last: date, member: StaffMember) -> str:
    """The appointments as CSV; the export itself is an audited action (it carries the
    parties' names and phone numbers out of the service)."""
    rows = day_list(facility_id, first, last)
    audit.record_export(
        member, AuditAction.APPOINTMENTS_EXPORTED, facility_id, first, last, len(rows)
    )
    return appointments_csv(rows)


def _load(number: str) -> tuple[StoredReservation, Appointment]:
    stored = booking_store.get_reservation(number.strip())
    if stored is None or not isinstance(stored.document, Appointment):
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.APPOINTMENT)
    return stored, stored.document


def _view(stored: StoredReservation, appointment: Appointment) -> StaffAppointment:
    party = appointment_store.get_request(stored.owner.id)
    return StaffAppointment(appointment=appointment, email=party.email if party else None)


def find(number: str) -> StaffAppointment:
    return _view(*_load(number))


def cancel_on_behalf(number: str, reason: str, member: StaffMember) -> StaffAppointment:
    """Cancels a confirmed appointment whose day has not passed, whatever the party's own
    deadline (staff act on a phone call or a closed counter): its slots and its persons
    are free at once, and the party is e-mailed the reason."""
    stored, current = _load(number)
    if current.status != "confirmed":
        raise DomainError(ErrorCode.CONFLICT, reason=messages.APPOINTMENT_CANCELLED_ALREADY)
    if current.date < runtime.current().today():
        raise DomainError(ErrorCode.CONFLICT, reason=messages.APPOINTMENT_PAST)
    cancelled = current.model_copy(update={"status": "cancelled"})
    party = appointment_store.get_request(stored.owner.id)
    try:
        appointment_store.cancel(stored, cancelled, party)
    except inventory_store.LostRace:
        # Cancelled (by the party or another member) in between: say so on a retry.
        raise DomainError(ErrorCode.CONFLICT, reason=messages.PLEASE_RETRY) from None
    audit.record(
        member,
        AuditAction.APPOINTMENT_CANCELLED,
        TargetType.APPOINTMENT,
        stored.number,
        CancelledByStaff(facility_id=current.facility_id, date=current.date),
        reason=reason,
    )
    if party is not None:
        mailer.send(
            party.email, emails.appointment_cancelled_by_staff(party.language, cancelled, reason)
        )
    return StaffAppointment(appointment=cancelled, email=party.email if party else None)
