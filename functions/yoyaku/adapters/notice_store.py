"""Notices, one partition ordered by publication time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError

from yoyaku.adapters import pages
from yoyaku.adapters.table import NoticeItem
from yoyaku.adapters.transactions import condition_failed
from yoyaku.domain.notices import Notice, StaffNotice, status_of
from yoyaku.domain.paging import Page

NOTICES = "NOTICES"
_POSITION = re.compile(rf"{pages.INSTANT}#{pages.ID}")


def _sk(published_at: datetime, notice_id: str) -> str:
    return f"{published_at.astimezone(UTC).isoformat(timespec='seconds')}#{notice_id}"


def save(notice: Notice, created_by: str | None = None) -> None:
    NoticeItem(
        NOTICES,
        _sk(notice.published_at, notice.notice_id),
        title=notice.title,
        body=notice.body,
        published_at=notice.published_at,
        created_by=created_by,
    ).save()


def _notice(item: NoticeItem) -> Notice:
    return Notice(
        notice_id=item.sk.split("#", 1)[1],
        title=item.title,
        body=item.body,
        published_at=item.published_at,
    )


def _staff_notice(item: NoticeItem, now: datetime) -> StaffNotice:
    return StaffNotice(
        **_notice(item).model_dump(),
        status=status_of(item.published_at, item.withdrawn_at, now),
        created_by=item.created_by,
        withdrawn_at=item.withdrawn_at,
        withdrawn_by=item.withdrawn_by,
        withdrawal_reason=item.withdrawal_reason,
    )


def published(now: datetime, limit: int, token: str | None) -> Page[Notice]:
    """Notices already published at `now` and not withdrawn, newest first."""
    upper = f"{now.astimezone(UTC).isoformat(timespec='seconds')}#~"
    after = pages.decode(token, "notices", _POSITION)
    # Newest first: the next page lies below the position, and never above `now`.
    condition = NoticeItem.sk < after if after and after < upper else NoticeItem.sk <= upper
    items = NoticeItem.query(
        NOTICES,
        condition,
        filter_condition=NoticeItem.withdrawn_at.does_not_exist(),
        scan_index_forward=False,
        page_size=limit + 1,
    )
    return pages.collect(((i.sk, _notice(i)) for i in items), limit, "notices")


def every(now: datetime, limit: int, token: str | None) -> Page[StaffNotice]:
    """Every notice, scheduled and withdrawn ones too, newest publication first."""
    after = pages.decode(token, "staff-notices", _POSITION)
    items = NoticeItem.query(
        NOTICES,
        NoticeItem.sk < after if after else None,
        scan_index_forward=False,
        page_size=limit + 1,
    )
    return pages.collect(((i.sk, _staff_notice(i, now)) for i in items), limit, "staff-notices")


def find(notice_id: str, now: datetime) -> StaffNotice | None:
    """One notice by its id (a read of the notices' partition: they are few)."""
    if not re.fullmatch(pages.ID, notice_id):
        return None
    items = NoticeItem.query(NOTICES, filter_condition=NoticeItem.sk.contains(f"#{notice_id}"))
    found = next((i for i in items if i.sk.endswith(f"#{notice_id}")), None)
    return _staff_notice(found, now) if found else None


def withdraw(notice: StaffNotice, by: str, reason: str, now: datetime) -> bool:
    """Hides a notice; False when it was withdrawn already."""
    item = NoticeItem(NOTICES, _sk(notice.published_at, notice.notice_id))
    try:
        item.update(
            actions=[
                NoticeItem.withdrawn_at.set(now),
                NoticeItem.withdrawn_by.set(by),
                NoticeItem.withdrawal_reason.set(reason),
            ],
            condition=NoticeItem.pk.exists() & NoticeItem.withdrawn_at.does_not_exist(),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
