"""Notices, one partition ordered by publication time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from yoyaku.adapters import pages
from yoyaku.adapters.table import NoticeItem
from yoyaku.domain.notices import Notice
from yoyaku.domain.paging import Page

NOTICES = "NOTICES"
_POSITION = re.compile(rf"{pages.INSTANT}#{pages.ID}")


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


def published(now: datetime, limit: int, token: str | None) -> Page[Notice]:
    """Notices already published at `now`, newest first."""
    upper = f"{now.astimezone(UTC).isoformat(timespec='seconds')}#~"
    after = pages.decode(token, "notices", _POSITION)
    # Newest first: the next page lies below the position, and never above `now`.
    condition = NoticeItem.sk < after if after and after < upper else NoticeItem.sk <= upper
    items = NoticeItem.query(NOTICES, condition, scan_index_forward=False, page_size=limit + 1)
    keyed = (
        (
            i.sk,
            Notice(
                notice_id=i.sk.split("#", 1)[1],
                title=i.title,
                body=i.body,
                published_at=i.published_at,
            ),
        )
        for i in items
    )
    return pages.collect(keyed, limit, "notices")
