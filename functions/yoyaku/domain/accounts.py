"""Citizen accounts: status, booking rights and sign-in lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from yoyaku.domain.calendar import add_months
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.registration import AccountStatus, Residency

MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)
WORKER_VERIFICATION_MONTHS = 24


@dataclass(frozen=True)
class User:
    user_number: str
    name_kanji: str
    email: str
    language: str
    residency: Residency
    status: AccountStatus
    verified_until: date | None
    lottery_result_email: bool
    birthdate: date
    failed_sign_ins: int = 0
    locked_until: datetime | None = None

    def status_on(self, today: date) -> AccountStatus:
        """Verified workers lapse to `expired` after their verification period."""
        if (
            self.status is AccountStatus.VERIFIED
            and self.verified_until is not None
            and self.verified_until < today
        ):
            return AccountStatus.EXPIRED
        return self.status


def verified_until(residency: Residency, approved_on: date) -> date | None:
    """Workers are verified for two years (seed 000: renewal); residents indefinitely."""
    if residency is Residency.WORKER:
        return add_months(approved_on, WORKER_VERIFICATION_MONTHS)
    return None


def ensure_not_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and user.locked_until > now:
        raise DomainError(ErrorCode.ACCOUNT_LOCKED, retryAt=user.locked_until.isoformat())


def after_failed_sign_in(failures_before: int, now: datetime) -> tuple[int, datetime | None]:
    """The new failure count and lock: the fifth failure in a row locks for 15 minutes."""
    failures = failures_before + 1
    if failures >= MAX_FAILED_SIGN_INS:
        return 0, now + LOCK_DURATION
    return failures, None
