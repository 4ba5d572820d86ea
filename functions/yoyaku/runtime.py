"""The composition root: the clock, id source and randomness every use case receives.

Lambda uses the system clock. The local runtime and tests swap in their own with
`use(...)`, and because every time read goes through `current().now()`, moving that
clock moves hold expiry, booking windows and draws alike. Only the use cases
(`services`) read it; rules receive `now` and `today` as arguments, and adapters never
read a clock.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from yoyaku.domain.calendar import tokyo_date


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """The system clock moved by an adjustable offset (the local runtime's `/_local/clock`)."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def set_offset(self, offset: timedelta) -> None:
        with self._lock:
            self._offset = offset


def random_id(prefix: str) -> str:
    """An opaque, unguessable identifier such as `ntc_3f9a…`."""
    return f"{prefix}_{secrets.token_hex(8)}"


class IdSource(Protocol):
    def __call__(self, prefix: str) -> str: ...


@dataclass(frozen=True)
class Runtime:
    clock: Clock = field(default_factory=SystemClock)
    new_id: IdSource = random_id
    # Unpredictable choices (which free unit a hold takes, reservation numbers); tests
    # may pass a seeded random.Random.
    rng: random.Random = field(default_factory=secrets.SystemRandom)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today in Asia/Tokyo, the zone of every booking rule."""
        return tokyo_date(self.clock.now())


_current = Runtime()


def current() -> Runtime:
    return _current


def install(runtime: Runtime) -> None:
    """Replace the runtime for the whole process (the local runtime does this once)."""
    global _current
    _current = runtime


@contextmanager
def use(
    clock: Clock | None = None, new_id: IdSource | None = None, rng: random.Random | None = None
) -> Iterator[Runtime]:
    """Temporarily swap parts of the runtime (tests)."""
    previous = _current
    changed = replace(previous)
    if clock is not None:
        changed = replace(changed, clock=clock)
    if new_id is not None:
        changed = replace(changed, new_id=new_id)
    if rng is not None:
        changed = replace(changed, rng=rng)
    install(changed)
    try:
        yield changed
    finally:
        install(previous)
