"""Notices (お知らせ) shown on the public top page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, ConfigDict, Field

from yoyaku.domain.model import CamelModel


class NoticeDraft(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "大平台みなと荘 臨時休館のお知らせ",
                    "body": (
                        "設備点検のため、2027年2月16日（火）は休館します。"
                        "ご迷惑をおかけしますが、ご理解のほどお願いいたします。"
                    ),
                    "publishedAt": "2027-01-05T09:00:00+09:00",
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=5000)
    published_at: AwareDatetime | None = Field(
        default=None, description="When it appears; now when omitted, or a future instant."
    )


class Notice(CamelModel):
    notice_id: str
    title: str
    body: str
    published_at: datetime


class NoticeStatus(StrEnum):
    SCHEDULED = "scheduled"  # 掲載予定: publishedAt is still ahead
    PUBLISHED = "published"  # 掲載中
    WITHDRAWN = "withdrawn"  # 取下げ: hidden from the top page


class StaffNotice(Notice):
    """A notice as staff see it: whether it shows, who wrote it, and any withdrawal."""

    status: NoticeStatus
    created_by: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


class Withdrawal(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "日程が変更になったため、このお知らせを取り下げます。"}]
        }
    )

    reason: str = Field(min_length=1, max_length=1000)


def status_of(published_at: datetime, withdrawn_at: datetime | None, now: datetime) -> NoticeStatus:
    if withdrawn_at is not None:
        return NoticeStatus.WITHDRAWN
    return NoticeStatus.SCHEDULED if published_at > now else NoticeStatus.PUBLISHED
