"""Checking a password against a claimed identifier, the same way for every sign-in
(citizens, staff, appointment receipts): throttled per identifier and per client, and
answering alike whether or not the identifier exists (domain/throttle.py).

An unknown identifier costs what a known one costs: one throttle read, one argon2
verification (of a decoy hash) and one failure write, and it gets the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from yoyaku import runtime
from yoyaku.adapters import passwords, throttle_store
from yoyaku.domain import throttle
from yoyaku.domain.errors import DomainError, ErrorCode


class Scope(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class Claim:
    """Who says they are whom: the scope, the identifier as typed (trimmed) and the
    client address the request came from."""

    scope: Scope
    identifier: str
    client: str


def _waiting(scope: Scope, until: datetime, now: datetime) -> DomainError:
    seconds = int((until - now).total_seconds()) + 1
    if scope is Scope.RECEIPT:  # the receipt routes have always answered 429
        return DomainError(ErrorCode.RATE_LIMITED, retryAfterSeconds=seconds)
    return DomainError(
        ErrorCode.ACCOUNT_LOCKED, retryAt=until.isoformat(), retryAfterSeconds=seconds
    )


def verify(claim: Claim, password_hash: str | None, password: str) -> None:
    """Returns when `password` matches `password_hash` (None: no such identifier);
    raises the refusal otherwise, identical for a wrong password and a missing account."""
    now = runtime.current().now()
    mine, client_failures = throttle_store.attempts(
        claim.scope.value, claim.identifier, claim.client, now
    )
    if client_failures >= throttle.CLIENT_FAILURES:
        window_end = throttle.window_start(now) + throttle.CLIENT_WINDOW
        seconds = int((window_end - now).total_seconds()) + 1
        raise DomainError(ErrorCode.RATE_LIMITED, retryAfterSeconds=seconds)
    waiting_until = throttle.retry_at(mine, now)
    if waiting_until is not None:
        raise _waiting(claim.scope, waiting_until, now)
    matches = passwords.verify_password(password_hash or passwords.decoy_hash(), password)
    if not matches or password_hash is None:
        throttle_store.record_failure(claim.scope.value, claim.identifier, claim.client, now)
        next_wait = throttle.retry_at(throttle.Attempts(mine.failures + 1, now), now)
        if next_wait is not None:
            raise _waiting(claim.scope, next_wait, now)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    if mine.failures:
        throttle_store.reset(claim.scope.value, claim.identifier)


def forget_failures(scope: Scope, identifier: str) -> None:
    """A new password ends any wait (the owner proved who they are another way)."""
    throttle_store.reset(scope.value, identifier)
