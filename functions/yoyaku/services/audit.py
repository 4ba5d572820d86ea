"""Recording staff actions and listing them (domain/audit.py)."""

from __future__ import annotations

from datetime import date, timedelta

from yoyaku import runtime
from yoyaku.adapters import audit_store
from yoyaku.domain.audit import (
    DEFAULT_AUDIT_DAYS,
    MAX_AUDIT_DAYS,
    AuditAction,
    AuditDetails,
    AuditFilter,
    AuditRecord,
    AuditTarget,
    Exported,
    NoDetails,
    TargetType,
)
from yoyaku.domain.errors import DomainError
from yoyaku.domain.paging import Page
from yoyaku.domain.staff import StaffMember, StaffRef


def entry(
    actor: StaffMember,
    action: AuditAction,
    target_type: TargetType,
    target_id: str,
    details: AuditDetails | None = None,
    *,
    reason: str | None = None,
) -> AuditRecord:
    """The record of an action taken now, for a store that writes it with the action;
    `details` are of the kind the action records (domain/audit.py DETAILS)."""
    rt = runtime.current()
    return AuditRecord(
        audit_id=rt.new_id("aud"),
        at=rt.now(),
        staff=StaffRef(staff_id=actor.staff_id, name=actor.name),
        role=actor.role,
        action=action,
        target=AuditTarget(type=target_type, id=target_id),
        reason=reason,
        details=NoDetails() if details is None else details,
    )


def record(
    actor: StaffMember,
    action: AuditAction,
    target_type: TargetType,
    target_id: str,
    details: AuditDetails | None = None,
    *,
    reason: str | None = None,
) -> AuditRecord:
    """Records an action that has just succeeded."""
    made = entry(actor, action, target_type, target_id, details, reason=reason)
    audit_store.add(made)
    return made


def record_export(
    actor: StaffMember, action: AuditAction, facility_id: str, first: date, last: date, rows: int
) -> AuditRecord:
    """Records a facility's list exported as a file (it carries citizens' names and phone
    numbers out of the service): which days and how many rows."""
    return record(
        actor,
        action,
        TargetType.FACILITY,
        facility_id,
        Exported(from_=first, to=last, rows=rows),
    )


def listing(
    first: date | None,
    last: date | None,
    limit: int,
    token: str | None,
    *,
    staff_id: str | None = None,
    action: AuditAction | None = None,
    target: AuditTarget | None = None,
) -> Page[AuditRecord]:
    """Records newest first, from `first` to `last` (Tokyo dates; the last 30 days when
    not given), at most a year and a day at once."""
    today = runtime.current().today()
    last = last or (today if first is None else max(first, today))
    first = first or last - timedelta(days=DEFAULT_AUDIT_DAYS - 1)
    if last < first:
        raise DomainError.invalid("to", "date_order", other="from")
    if (last - first).days + 1 > MAX_AUDIT_DAYS:
        raise DomainError.invalid("to", "range_too_long", maxDays=MAX_AUDIT_DAYS)
    wanted = AuditFilter(first, last, staff_id, action, target)
    return audit_store.page(wanted, limit, token)
