"""Notices: what the public top page shows, and staff publishing."""

from __future__ import annotations

from yoyaku import runtime
from yoyaku.adapters import notice_store
from yoyaku.domain.notices import Notice, NoticeDraft
from yoyaku.domain.paging import Page


def published(limit: int, token: str | None) -> Page[Notice]:
    """Notices already published now, newest first."""
    return notice_store.published(runtime.current().now(), limit, token)


def publish(draft: NoticeDraft) -> Notice:
    """Saves a notice; it appears at `publishedAt` (now when not given)."""
    rt = runtime.current()
    notice = Notice(
        notice_id=rt.new_id("ntc"),
        title=draft.title,
        body=draft.body,
        published_at=draft.published_at or rt.now(),
    )
    notice_store.save(notice)
    return notice
