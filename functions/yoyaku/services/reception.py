"""Reception hours and suspensions: what staff set, and the check before citizen writes.

The operation item is cached per container for a short while, because every booking
would otherwise pay one more read. The cache holds the *schedule*, not a verdict: a
suspension or reception window starts and ends on the second whatever the cache's
age. Only a staff change takes up to RECEPTION_CACHE_SECONDS (30 s) to reach other
containers; it is seen at once in the container that made it, and everywhere in the local
runtime, which sets the cache to 0 s.
"""

from __future__ import annotations

import time

from yoyaku import runtime
from yoyaku.adapters import operation_store
from yoyaku.adapters.inventory_store import LostRace
from yoyaku.domain import messages
from yoyaku.domain import reception as rules
from yoyaku.domain.audit import (
    AuditAction,
    ReceptionHoursSet,
    SuspensionLifted,
    SuspensionPlanned,
    TargetType,
)
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.reception import (
    Kind,
    Operation,
    ReceptionHours,
    ReceptionStatus,
    Suspension,
    SuspensionRequest,
)
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit
from yoyaku.settings import settings

ATTEMPTS = 3
_cache: list[tuple[float, Operation]] = []


def forget() -> None:
    """Empties this container's cache (tests, and after a staff change)."""
    _cache.clear()


def _operation(*, fresh: bool = False) -> Operation:
    if _cache and not fresh and _cache[0][0] > time.monotonic():
        return _cache[0][1]
    operation = operation_store.get()
    _cache[:] = [(time.monotonic() + settings().reception_cache_seconds, operation)]
    return operation


def ensure_accepting(kind: Kind) -> None:
    """Refuses a citizen write during a suspension, and a booking outside the hours."""
    rules.ensure_accepting(_operation(), kind, runtime.current().now())


def status() -> ReceptionStatus:
    return rules.status_at(_operation(), runtime.current().now())


def set_hours(hours: ReceptionHours | None, actor: StaffMember) -> ReceptionStatus:
    """Sets (or, with None, removes) the reception hours."""
    for _ in range(ATTEMPTS):
        current = _operation(fresh=True)
        now = runtime.current().now()
        changed = Operation(
            hours=hours,
            suspensions=rules.keep_suspensions(current.suspensions, None, now),
            version=current.version,
        )
        if _saved(changed):
            audit.record(
                actor,
                AuditAction.RECEPTION_HOURS_SET,
                TargetType.SERVICE,
                "reception-hours",
                # null hours (bookings at any hour) are recorded as such, not left out
                ReceptionHoursSet(hours=hours) if hours else ReceptionHoursSet(any_hour=True),
            )
            return rules.status_at(changed, now)
    raise _busy()


def suspend(request: SuspensionRequest, actor: StaffMember) -> Suspension:
    """Plans a suspension; suspensions already over are dropped from the item."""
    rt = runtime.current()
    suspension = Suspension(
        suspension_id=rt.new_id("sus"),
        from_=request.from_,
        until=request.until,
        notice=request.notice,
    )
    for _ in range(ATTEMPTS):
        current = _operation(fresh=True)
        changed = Operation(
            hours=current.hours,
            suspensions=rules.keep_suspensions(current.suspensions, suspension, rt.now()),
            version=current.version,
        )
        if _saved(changed):
            audit.record(
                actor,
                AuditAction.SUSPENSION_PLANNED,
                TargetType.SUSPENSION,
                suspension.suspension_id,
                SuspensionPlanned(
                    from_=suspension.from_, until=suspension.until, notice=suspension.notice
                ),
            )
            return suspension
    raise _busy()


def lift(suspension_id: str, actor: StaffMember) -> None:
    """Cancels a planned suspension or ends one under way at once."""
    for _ in range(ATTEMPTS):
        current = _operation(fresh=True)
        kept = tuple(s for s in current.suspensions if s.suspension_id != suspension_id)
        if len(kept) == len(current.suspensions):
            raise DomainError(ErrorCode.NOT_FOUND, what=messages.SUSPENSION)
        changed = Operation(hours=current.hours, suspensions=kept, version=current.version)
        if _saved(changed):
            lifted = next(s for s in current.suspensions if s.suspension_id == suspension_id)
            audit.record(
                actor,
                AuditAction.SUSPENSION_LIFTED,
                TargetType.SUSPENSION,
                suspension_id,
                # Lifting one under way ends it now; one still ahead is cancelled.
                SuspensionLifted(under_way=lifted.from_ <= runtime.current().now() < lifted.until),
            )
            return
    raise _busy()


def _saved(operation: Operation) -> bool:
    try:
        operation_store.save(operation)
    except LostRace:
        return False
    finally:
        forget()
    return True


def _busy() -> DomainError:
    return DomainError(
        ErrorCode.CONFLICT,
        reason=messages.RECEPTION_CHANGED_MEANWHILE,
    )
