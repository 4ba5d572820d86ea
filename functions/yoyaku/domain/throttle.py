"""Slowing down password guessing without locking owners out, and without telling an
attacker which accounts exist.

Failures are counted per *claimed* identifier (a user number, staff id or receipt
number), whether or not it exists, so an unknown one behaves exactly like a real one.
After FREE_FAILURES in a row, each further attempt must wait: 30 s, doubling up to
MAX_DELAY. Attempts during the wait are refused without checking the password and
without counting, so the owner, who knows the password, gets in after a short wait
however hard someone else guesses. Guessing itself is limited per client address
(CLIENT_FAILURES per CLIENT_WINDOW over all identifiers), which stops one client from
spreading its guesses over many accounts; the WAF rate rule in front of the API does
the same for sheer request volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=5)
CLIENT_FAILURES = 100  # generous: a town hall may put many people behind one address
CLIENT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Attempts:
    """Wrong passwords in a row for one identifier, and when the last one came."""

    failures: int = 0
    last_failure: datetime | None = None


def delay(failures: int) -> timedelta:
    """How long to wait after this many failures in a row before the next attempt."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doubled: timedelta = FIRST_DELAY * 2 ** min(failures - FREE_FAILURES, 16)
    return min(doubled, MAX_DELAY)


def retry_at(attempts: Attempts, now: datetime) -> datetime | None:
    """When the next attempt may be checked, if that is still in the future."""
    if attempts.last_failure is None:
        return None
    allowed = attempts.last_failure + delay(attempts.failures)
    return allowed if allowed > now else None


def locked(attempts: Attempts) -> bool:
    """Whether the identifier is in the waiting regime: every further attempt waits, and
    a wrong one doubles the wait. Staff may end it (a citizen who phones the office)."""
    return attempts.failures >= FREE_FAILURES


def window_start(now: datetime) -> datetime:
    """The client window `now` falls in (windows are aligned, so all functions agree)."""
    step = int(CLIENT_WINDOW.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // step * step, now.tzinfo)
