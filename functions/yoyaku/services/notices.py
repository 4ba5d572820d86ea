"""Notices: what the public top page shows, and staff writing, scheduling and withdrawing."""

from __future__ import annotations

from yoyaku import runtime
from yoyaku.adapters import notice_store
from yoyaku.domain import messages
from yoyaku.domain.audit import AuditAction, NoticePublished, NoticeWithdrawn, TargetType
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.notices import (
    Notice,
    NoticeDraft,
    NoticeStatus,
    StaffNotice,
    Withdrawal,
)
from yoyaku.domain.paging import Page
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit


def published(limit: int, token: str | None) -> Page[Notice]:
    """Notices already published now, newest first."""
    return notice_store.published(runtime.current().now(), limit, token)


def every(limit: int, token: str | None) -> Page[StaffNotice]:
    return notice_store.every(runtime.current().now(), limit, token)


def publish(draft: NoticeDraft, actor: StaffMember) -> Notice:
    """Saves a notice; it appears at `publishedAt` (now when not given)."""
    rt = runtime.current()
    notice = Notice(
        notice_id=rt.new_id("ntc"),
        title=draft.title,
        body=draft.body,
        published_at=draft.published_at or rt.now(),
    )
    notice_store.save(notice, created_by=actor.staff_id)
    audit.record(
        actor,
        AuditAction.NOTICE_PUBLISHED,
        TargetType.NOTICE,
        notice.notice_id,
        NoticePublished(title=notice.title, published_at=notice.published_at),
    )
    return notice


def withdraw(notice_id: str, withdrawal: Withdrawal, actor: StaffMember) -> StaffNotice:
    """Takes a notice off the top page (or cancels a scheduled one); it stays listed for
    staff with who withdrew it and why."""
    now = runtime.current().now()
    notice = notice_store.find(notice_id, now)
    if notice is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.NOTICE)
    if not notice_store.withdraw(notice, actor.staff_id, withdrawal.reason, now):
        raise DomainError(ErrorCode.CONFLICT, reason=messages.NOTICE_WITHDRAWN_ALREADY)
    audit.record(
        actor,
        AuditAction.NOTICE_WITHDRAWN,
        TargetType.NOTICE,
        notice_id,
        NoticeWithdrawn(title=notice.title),
        reason=withdrawal.reason,
    )
    return notice.model_copy(
        update={
            "status": NoticeStatus.WITHDRAWN,
            "withdrawn_at": now,
            "withdrawn_by": actor.staff_id,
            "withdrawal_reason": withdrawal.reason,
        }
    )
