"""Citizen accounts: status, booking rights and sign-in lockout."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import ConfigDict, Field

from yoyaku.domain.account_kinds import AccountStatus, Group, Residency, UserType
from yoyaku.domain.emails import Recipient
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Language
from yoyaku.domain.model import CamelModel

MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)


def status_on(status: AccountStatus, verified_until: date | None, today: date) -> AccountStatus:
    """The status that counts on `today`: verified workers lapse to `expired` after
    their verification period."""
    if status is AccountStatus.VERIFIED and verified_until is not None and verified_until < today:
        return AccountStatus.EXPIRED
    return status


@dataclass(frozen=True)
class CitizenProfile:
    """What booking rules need to know about a citizen. The citizen authorizer reads it
    with the session, so handlers need no second read of the account."""

    user_number: str
    email: str
    language: Language
    residency: Residency
    status: AccountStatus
    verified_until: date | None
    lottery_result_email: bool
    user_type: UserType = field(default=UserType.INDIVIDUAL, kw_only=True)
    # A group's roster (名簿) was accepted with its registration: the facilities whose
    # resource types are `rosterRequired` are open to it.
    roster_accepted: bool = field(default=False, kw_only=True)

    def status_on(self, today: date) -> AccountStatus:
        return status_on(self.status, self.verified_until, today)

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.email, self.language)


@dataclass(frozen=True)
class User(CitizenProfile):
    """The whole account: the profile, and what sign-in needs."""

    name_kanji: str
    birthdate: date
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    group: Group | None = field(default=None, kw_only=True)
    registration_id: str = field(default="", kw_only=True)  # the form it was made from


def ensure_not_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and user.locked_until > now:
        raise DomainError(ErrorCode.ACCOUNT_LOCKED, retryAt=user.locked_until.isoformat())


def after_failed_sign_in(failures_before: int, now: datetime) -> tuple[int, datetime | None]:
    """The new failure count and lock: the fifth failure in a row locks for 15 minutes."""
    failures = failures_before + 1
    if failures >= MAX_FAILED_SIGN_INS:
        return 0, now + LOCK_DURATION
    return failures, None


class Me(CamelModel):
    user_number: str
    name_kanji: str
    residency: Residency
    status: AccountStatus
    verified_until: date | None = None
    lottery_result_email: bool
    user_type: UserType = UserType.INDIVIDUAL
    group: Group | None = Field(
        default=None, description="Groups: the group the account's holder represents."
    )
    roster_accepted: bool = Field(
        default=False,
        description="Groups: a roster was accepted with the registration, so facilities "
        "marked `rosterRequired` may be booked.",
    )


class MePreferences(CamelModel):
    """What a citizen may change on マイページ without staff: the lottery-results e-mail."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"lotteryResultEmail": False}]})

    lottery_result_email: bool = Field(
        description="抽選結果のメール通知: e-mail the results of lotteries, including the "
        "entries already made in lotteries not yet drawn."
    )


class PasswordChange(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"currentPassword": "Shibakoen-2026", "newPassword": "Ohiradai-2027"}]
        }
    )

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(max_length=200)
