"""Signing in and out (citizens and staff), and who a bearer token belongs to."""

from __future__ import annotations

from datetime import timedelta

from yoyaku import runtime
from yoyaku.adapters import passwords, session_store, staff_store, user_store
from yoyaku.domain.accounts import after_failed_sign_in, ensure_not_locked
from yoyaku.domain.auth import CallerContext, Principal, PrincipalKind, SessionToken
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual
from yoyaku.domain.registration import AccountStatus
from yoyaku.settings import settings


def _open(principal: Principal) -> SessionToken:
    token, expires_at = session_store.create(
        principal, runtime.current().now(), timedelta(hours=settings().session_hours)
    )
    return SessionToken(token=token, expires_at=expires_at)


def sign_in(user_number: str, password: str) -> SessionToken:
    """A citizen's session; the fifth wrong password in a row locks sign-in for a while."""
    now = runtime.current().now()
    found = user_store.get(user_number.strip())
    if found is None:
        passwords.verify_password(passwords.decoy_hash(), password)  # same timing
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    user, password_hash = found
    ensure_not_locked(user, now)
    if not passwords.verify_password(password_hash, password):
        failures, locked_until = after_failed_sign_in(user.failed_sign_ins, now)
        user_store.record_sign_in_failure(user.user_number, failures, locked_until)
        if locked_until is not None:
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, retryAt=locked_until.isoformat())
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    if user.status is AccountStatus.REJECTED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=Bilingual(
                "この利用者登録は取り消されています。詳しくは登録取消のお知らせメールをご確認ください。",
                "This registration was cancelled; see the e-mail that told you why.",
            ),
        )
    if user.failed_sign_ins or user.locked_until:
        user_store.clear_sign_in_failures(user.user_number)
    return _open(Principal(PrincipalKind.CITIZEN, user.user_number))


def staff_sign_in(staff_id: str, password: str) -> SessionToken:
    account = staff_store.get(staff_id)
    stored = account.password_hash if account else passwords.decoy_hash()
    if not passwords.verify_password(stored, password) or account is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    return _open(Principal(PrincipalKind.STAFF, account.staff_id))


def sign_out(token: str | None) -> None:
    """Ends the session of `token` at once (authorizer results are not cached)."""
    if token:
        session_store.end(token)


def caller(token: str, audience: PrincipalKind) -> CallerContext | None:
    """Who `token` belongs to, or None for an unknown, ended or expired session.

    For citizen routes the session and the profile come in one read, and the profile
    rides along to the handler. A token of another kind is still resolved, so that the
    authorizer can refuse it as forbidden rather than unauthenticated.
    """
    now = runtime.current().now()
    if audience is PrincipalKind.CITIZEN:
        profile = session_store.resolve_citizen(token, now)
        if profile is not None:
            return CallerContext(Principal(PrincipalKind.CITIZEN, profile.user_number), profile)
    principal = session_store.resolve(token, now)
    return CallerContext(principal) if principal is not None else None
