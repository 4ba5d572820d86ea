"""Staff: the audit trail of every staff action, with filters."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.audit import AuditAction, AuditRecord, AuditTarget, TargetType
from yoyaku.domain.errors import DomainError
from yoyaku.domain.model import QueryDate
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import audit

router = Router()


class AuditList(Paged):
    items: list[AuditRecord]


@router.get(
    "/v1/staff/audit",
    summary="The audit trail, newest first",
    description="Who did what, when and why. `from`/`to` are Tokyo dates (default: the last "
    "30 days; at most 366 days at once). `staffId`, `action`, or `targetType` with "
    "`targetId` narrow the list.",
    tags=["staff"],
)
def list_audit(
    from_: Annotated[QueryDate | None, Query(alias="from")] = None,
    to: Annotated[QueryDate | None, Query()] = None,
    staff_id: Annotated[str | None, Query(alias="staffId", min_length=1, max_length=64)] = None,
    action: Annotated[AuditAction | None, Query()] = None,
    target_type: Annotated[TargetType | None, Query(alias="targetType")] = None,
    target_id: Annotated[str | None, Query(alias="targetId", min_length=1, max_length=64)] = None,
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> AuditList:
    auth.staff(router)
    if (target_type is None) != (target_id is None):
        raise DomainError.invalid("targetId" if target_type else "targetType", "missing")
    target = AuditTarget(type=target_type, id=target_id) if target_type and target_id else None
    page = audit.listing(
        from_, to, limit, next_token, staff_id=staff_id, action=action, target=target
    )
    return AuditList(items=page.items, next_token=page.next_token)
