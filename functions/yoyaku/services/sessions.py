"""Signing in and out (citizens and staff), and who a bearer token belongs to."""

from __future__ import annotations

from datetime import timedelta

from yoyaku import runtime
from yoyaku.adapters import session_store, staff_store, user_store
from yoyaku.domain import messages
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.auth import CallerContext, Principal, PrincipalKind, SessionToken
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.services import credentials
from yoyaku.settings import settings


def _open(principal: Principal) -> SessionToken:
    token, expires_at = session_store.create(
        principal, runtime.current().now(), timedelta(hours=settings().session_hours)
    )
    return SessionToken(token=token, expires_at=expires_at)


def sign_in(user_number: str, password: str, client: str) -> SessionToken:
    """A citizen's session. Wrong passwords are throttled, and an unknown number is
    answered exactly like a known one with a wrong password (services.credentials)."""
    number = user_number.strip()
    found = user_store.get(number)
    credentials.verify(
        credentials.Claim(credentials.Scope.CITIZEN, number, client),
        found[1] if found else None,
        password,
    )
    if found is None:  # verify() has refused it already
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    user = found[0]
    if user.status is AccountStatus.REJECTED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=messages.REGISTRATION_CANCELLED,
        )
    return _open(Principal(PrincipalKind.CITIZEN, user.user_number))


def staff_sign_in(staff_id: str, password: str, client: str) -> SessionToken:
    identifier = staff_id.strip()
    account = staff_store.get(identifier)
    credentials.verify(
        credentials.Claim(credentials.Scope.STAFF, identifier, client),
        account.password_hash if account else None,
        password,
    )
    if account is None:  # verify() has refused it already
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    return _open(Principal(PrincipalKind.STAFF, account.staff_id))


def sign_out(token: str | None) -> None:
    """Ends the session of `token` at once (authorizer results are not cached)."""
    if token:
        session_store.end(token)


def caller(token: str, audience: PrincipalKind) -> CallerContext | None:
    """Who `token` belongs to, or None for an unknown, ended or expired session.

    For citizen routes the session and the profile come in one read, and the profile
    rides along to the handler; for staff routes the session and the member's name and
    role, likewise. A token of another kind is still resolved, so that the
    authorizer can refuse it as forbidden rather than unauthenticated.
    """
    now = runtime.current().now()
    if audience is PrincipalKind.CITIZEN:
        profile = session_store.resolve_citizen(token, now)
        if profile is not None:
            return CallerContext(Principal(PrincipalKind.CITIZEN, profile.user_number), profile)
    if audience is PrincipalKind.STAFF:
        member = session_store.resolve_staff(token, now)
        if member is not None:
            return CallerContext(Principal(PrincipalKind.STAFF, member.staff_id), staff=member)
    principal = session_store.resolve(token, now)
    if principal is None or (audience is PrincipalKind.STAFF and principal.kind is audience):
        return None  # a staff session whose account is gone ends with it
    return CallerContext(principal)
