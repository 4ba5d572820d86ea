"""Notices, one partition ordered by publication time."""

from __future__ import annotations

from datetime import UTC, datetime

from yoyaku.adapters.table import NoticeItem
from yoyaku.domain.notices import Notice

NOTICES = "NOTICES"


def _sk(published_at: datetime, notice_id: str) -> str:
    return f"{published_at.astimezone(UTC).isoformat(timespec='seconds')}#{notice_id}"


def save(notice: Notice) -> None:
    NoticeItem(
        NOTICES,
        _sk(notice.published_at, notice.notice_id),
        title=notice.title,
        body=notice.body,
        published_at=notice.published_at,
    ).save()


def published(now: datetime, limit: int = 50) -> list[Notice]:
    """Notices already published at `now`, newest first."""
    upper = f"{now.astimezone(UTC).isoformat(timespec='seconds')}#~"
    items = NoticeItem.query(NOTICES, NoticeItem.sk <= upper, scan_index_forward=False, limit=limit)
    return [
        Notice(
            notice_id=i.sk.split("#", 1)[1],
            title=i.title,
            body=i.body,
            published_at=i.published_at,
        )
        for i in items
    ]
