"""Staff and citizens: looking an account up by user number (status, profile as
registered, sign-in lock, applications with their history, reservations, lottery
entries) and ending a sign-in lock with a reason (audited)."""

from __future__ import annotations

from yoyaku import runtime
from yoyaku.adapters import application_store, throttle_store, user_store
from yoyaku.domain import messages, throttle
from yoyaku.domain.accounts import User
from yoyaku.domain.audit import AccountUnlocked, AuditAction, TargetType
from yoyaku.domain.booking import Owner, Reservation
from yoyaku.domain.checkin import CheckInRow
from yoyaku.domain.citizen_lookup import SignInState, StaffApplication, StaffCitizen
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.lottery import EntryOut
from yoyaku.domain.paging import Page
from yoyaku.domain.registration import Profile
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit, lotteries, reservations
from yoyaku.services.credentials import Scope
from yoyaku.services.staff_reservations import guest_of


def _account(user_number: str) -> tuple[User, Profile]:
    found = user_store.with_profile(user_number)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.CITIZEN)
    return found


def sign_in_state(user_number: str) -> SignInState:
    attempts = throttle_store.of_identifier(Scope.CITIZEN.value, user_number)
    return SignInState(
        failures=attempts.failures,
        locked=throttle.locked(attempts),
        retry_at=throttle.retry_at(attempts, runtime.current().now()),
    )


def look_up(user_number: str) -> StaffCitizen:
    user, profile = _account(user_number)
    applications = [
        StaffApplication(
            application_id=r.application.application_id,
            type=r.application.type,
            status=r.application.status,
            method=r.application.method,
            submitted_at=r.submitted_at,
            history=r.staff_history,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
        )
        for r in sorted(application_store.for_user(user_number), key=lambda r: r.submitted_at)
    ]
    return StaffCitizen(
        user_number=user.user_number,
        name_kanji=user.name_kanji,
        email=user.email,
        language=user.language.value,
        residency=user.residency,
        user_type=user.user_type,
        status=user.status_on(runtime.current().today()),
        verified_until=user.verified_until,
        lottery_result_email=user.lottery_result_email,
        roster_accepted=user.roster_accepted,
        group=user.group,
        profile=profile,
        sign_in=sign_in_state(user_number),
        applications=applications,
    )


def reservations_of(user_number: str, limit: int, token: str | None) -> Page[Reservation]:
    """One page of the citizen's reservations by stay date, as the citizen sees them."""
    _account(user_number)
    return reservations.of_owner(Owner.citizen(user_number), limit, token)


def check_in_rows_of(user_number: str, limit: int, token: str | None) -> Page[CheckInRow]:
    """The same page as check-in rows (with who booked), for the reservations screen."""
    user, profile = _account(user_number)
    guest = guest_of(user, profile)
    return reservations.of_owner(Owner.citizen(user_number), limit, token).map(
        lambda r: CheckInRow(reservation=r, guest=guest)
    )


def lottery_entries_of(user_number: str, limit: int, token: str | None) -> Page[EntryOut]:
    _account(user_number)
    return lotteries.entries_of(user_number, limit, token)


def unlock(user_number: str, reason: str, member: StaffMember) -> SignInState:
    """Ends the sign-in lock of the account (the citizen asked, by phone or at the
    counter, and staff checked who they are): the next attempt is checked at once.
    CONFLICT when it is not locked (nothing to do, and nothing is recorded)."""
    _account(user_number)
    before = throttle_store.of_identifier(Scope.CITIZEN.value, user_number)
    if not throttle.locked(before) or not throttle_store.unlock(Scope.CITIZEN.value, user_number):
        raise DomainError(ErrorCode.CONFLICT, reason=messages.CITIZEN_NOT_LOCKED)
    audit.record(
        member,
        AuditAction.ACCOUNT_UNLOCKED,
        TargetType.CITIZEN,
        user_number,
        AccountUnlocked(failures=before.failures),
        reason=reason,
    )
    return sign_in_state(user_number)
