"""The audit trail: one item per staff action, written once and never changed.

Records live in one partition per Tokyo month (`AUDIT#{YYYY-MM}`), sorted by
`{at UTC ISO}#{auditId}`; gsi1 (`AUDITBY#{staffId}`) and gsi2 (`AUDITOF#{type}#{id}`)
sort the same keys, so a member's or a target's records are one Query. Pages run newest
first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from yoyaku.adapters import pages
from yoyaku.adapters.table import AuditItem
from yoyaku.domain.audit import (
    AuditAction,
    AuditFilter,
    AuditRecord,
    AuditTarget,
    TargetType,
    details_of,
)
from yoyaku.domain.calendar import TOKYO, months_between, tokyo_date
from yoyaku.domain.paging import Page
from yoyaku.domain.staff import Role, StaffRef

_POSITION = re.compile(rf"{pages.INSTANT}#{pages.ID}")


def _sk(record: AuditRecord) -> str:
    return f"{record.at.astimezone(UTC).isoformat()}#{record.audit_id}"


def item(record: AuditRecord) -> AuditItem:
    """The record as an item, for a transaction that writes it with its action."""
    sk = _sk(record)
    return AuditItem(
        f"AUDIT#{tokyo_date(record.at).isoformat()[:7]}",
        sk,
        staff_id=record.staff.staff_id,
        staff_name=record.staff.name,
        role=record.role.value if record.role else None,
        action=record.action.value,
        target_type=record.target.type.value,
        target_id=record.target.id,
        reason=record.reason,
        details=record.details.model_dump(mode="json"),
        gsi1pk=f"AUDITBY#{record.staff.staff_id}",
        gsi1sk=sk,
        gsi2pk=f"AUDITOF#{record.target.type.value}#{record.target.id}",
        gsi2sk=sk,
    )


def new_item_condition() -> Any:
    """Records are only ever added: a write never replaces one."""
    return AuditItem.pk.does_not_exist()


def add(record: AuditRecord) -> None:
    try:
        item(record).save(condition=new_item_condition())
    except PutError as error:  # the same id twice is a bug, never an overwrite
        raise RuntimeError(f"audit record {record.audit_id} exists already") from error


def _record(found: AuditItem) -> AuditRecord:
    at, audit_id = found.sk.split("#", 1)
    role = found.role if found.role in Role.__members__.values() else None
    return AuditRecord(
        audit_id=audit_id,
        at=datetime.fromisoformat(at),
        staff=StaffRef(staff_id=found.staff_id, name=found.staff_name),
        role=Role(role) if role else None,
        action=AuditAction(found.action),
        target=AuditTarget(type=TargetType(found.target_type), id=found.target_id),
        reason=found.reason,
        details=details_of(AuditAction(found.action), found.details or {}),
    )


def _bounds(first: date, last: date) -> tuple[str, str]:
    """The sort keys of the Tokyo days `first`..`last`: from the first instant of `first`
    up to (not including) the first instant of the day after `last`."""
    start = datetime.combine(first, time(), TOKYO).astimezone(UTC).isoformat()
    end = datetime.combine(last + timedelta(days=1), time(), TOKYO).astimezone(UTC).isoformat()
    return start, end


def _scope(wanted: AuditFilter) -> str:
    target = f"{wanted.target.type}:{wanted.target.id}" if wanted.target else ""
    parts = [wanted.first, wanted.last, wanted.staff_id or "", wanted.action or "", target]
    return "audit:" + "|".join(str(p) for p in parts)


def page(wanted: AuditFilter, limit: int, token: str | None) -> Page[AuditRecord]:
    """One page of the records the filter asks for, newest first."""
    scope = _scope(wanted)
    after = pages.decode(token, scope, _POSITION)
    start, end = _bounds(wanted.first, wanted.last)
    upper = min(after, end) if after else end
    action = AuditItem.action == wanted.action.value if wanted.action else None

    def query(partition: str, index: Any, sort_key: Any) -> Iterator[tuple[str, AuditRecord]]:
        # `between` includes its ends: the position itself (a whole sort key) is skipped
        # below, and no key equals `end`, which is an instant without an id.
        found = (index or AuditItem).query(
            partition,
            sort_key.between(start, upper),
            filter_condition=action,
            scan_index_forward=False,
            page_size=limit + 1,
        )
        for i in found:
            if isinstance(i, AuditItem) and i.sk < upper:
                yield i.sk, _record(i)

    if wanted.staff_id:
        keyed = query(f"AUDITBY#{wanted.staff_id}", AuditItem.by_owner, AuditItem.gsi1sk)
    elif wanted.target:
        partition = f"AUDITOF#{wanted.target.type.value}#{wanted.target.id}"
        keyed = query(partition, AuditItem.by_queue, AuditItem.gsi2sk)
    else:
        months = reversed(months_between(wanted.first, wanted.last))
        keyed = (found for month in months for found in query(f"AUDIT#{month}", None, AuditItem.sk))
    return pages.collect(keyed, limit, scope)
