"""Staff and reservations: a facility's check-in list of a day or a month, its CSV
export, finding a reservation by number, and cancelling on a citizen's behalf."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from yoyaku import runtime
from yoyaku.adapters import booking_store, mailer, user_store
from yoyaku.domain import emails, messages
from yoyaku.domain.accounts import User
from yoyaku.domain.audit import AuditAction, CancelledByStaff, TargetType
from yoyaku.domain.booking import OwnerKind, Reservation, StoredReservation
from yoyaku.domain.calendar import add_months
from yoyaku.domain.checkin import CheckInRow, Guest, to_csv
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.paging import Page
from yoyaku.domain.registration import Profile
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit
from yoyaku.services.catalog import load_facility
from yoyaku.services.reservations import save


def period(day: date | None, month: str | None) -> tuple[date, date]:
    """The days asked for: one `date`, or every day of `month` (`YYYY-MM`); exactly one."""
    if (day is None) == (month is None):
        raise DomainError.invalid("date", "missing")
    if day is not None:
        return day, day
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise DomainError.invalid("month", "date_from_datetime_parsing") from None
    return first, add_months(first, 1) - timedelta(days=1)


def guest_of(user: User, profile: Profile) -> Guest:
    """Who booked, as staff reach them: name, phone as registered, e-mail."""
    return Guest(
        user_number=user.user_number,
        name=user.name_kanji,
        phone=profile.phone,
        email=user.email,
    )


def _account(stored: StoredReservation) -> tuple[User, Profile] | None:
    """The account of whoever booked one reservation (a citizen), or None."""
    if stored.owner.kind is not OwnerKind.CITIZEN:
        return None
    return user_store.with_profile(stored.owner.id)


def _guest(stored: StoredReservation, account: tuple[User, Profile] | None) -> Guest | None:
    """Who booked, from the owner's account as read (None: none found)."""
    if stored.owner.kind is not OwnerKind.CITIZEN:
        return None
    if account is None:
        return Guest(user_number=stored.owner.id, name="")
    return guest_of(*account)


def _rows(stored: Iterable[StoredReservation]) -> list[CheckInRow]:
    """The check-in rows of the reservations among `stored`, in their order; their
    guests are read together (one BatchGetItem per 100 accounts, not a read per row)."""
    kept = [(s, s.document) for s in stored if isinstance(s.document, Reservation)]
    accounts = user_store.with_profiles(
        s.owner.id for s, _ in kept if s.owner.kind is OwnerKind.CITIZEN
    )
    return [
        CheckInRow(reservation=reservation, guest=_guest(s, accounts.get(s.owner.id)))
        for s, reservation in kept
    ]


def arrivals(facility_id: str, first: date, last: date) -> list[CheckInRow]:
    """Who arrives at the facility from `first` to `last`, by date and number."""
    load_facility(facility_id)
    return _rows(booking_store.arrivals(facility_id, first, last))


def arrivals_page(
    facility_id: str, first: date, last: date, limit: int, token: str | None
) -> Page[CheckInRow]:
    """One page of the check-in list (a DynamoDB page; only its guests are looked up)."""
    load_facility(facility_id)
    page = booking_store.arrivals_page(facility_id, first, last, Reservation, limit, token)
    return Page(_rows(page.items), page.next_token)


def export(facility_id: str, first: date, last: date, member: StaffMember) -> str:
    """The check-in list as CSV; the export itself is an audited action (it carries
    citizens' names and phone numbers out of the service)."""
    rows = arrivals(facility_id, first, last)
    audit.record_export(
        member, AuditAction.RESERVATIONS_EXPORTED, facility_id, first, last, len(rows)
    )
    return to_csv(rows)


def _load(number: str) -> tuple[StoredReservation, Reservation]:
    stored = booking_store.get_reservation(number)
    if stored is None or not isinstance(stored.document, Reservation):
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.RESERVATION)
    return stored, stored.document


def find(number: str) -> CheckInRow:
    stored, reservation = _load(number)
    return CheckInRow(reservation=reservation, guest=_guest(stored, _account(stored)))


def cancel_on_behalf(number: str, reason: str, member: StaffMember) -> CheckInRow:
    """Cancels a confirmed reservation whose stay has not begun, whatever the citizen's
    own deadline (staff act on a phone call or a closure); the units are free at once
    and the citizen is e-mailed the reason."""
    stored, current = _load(number)
    if current.status != "confirmed":
        raise DomainError(ErrorCode.CONFLICT, reason=messages.RESERVATION_CANCELLED_ALREADY)
    if current.date < runtime.current().today():
        raise DomainError(ErrorCode.CONFLICT, reason=messages.RESERVATION_PAST)
    cancelled = current.model_copy(update={"status": "cancelled"})
    save(stored, cancelled, [])
    audit.record(
        member,
        AuditAction.RESERVATION_CANCELLED,
        TargetType.RESERVATION,
        number,
        CancelledByStaff(facility_id=current.facility_id, date=current.date),
        reason=reason,
    )
    found = _account(stored)
    if found is not None:
        user = found[0]
        mail = emails.reservation_cancelled_by_staff(user.language, cancelled, reason)
        mailer.send(user.email, mail)
    return CheckInRow(reservation=cancelled, guest=_guest(stored, found))
