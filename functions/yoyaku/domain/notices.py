"""Notices (お知らせ) shown on the public top page."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from yoyaku.domain.model import CamelModel


class NoticeDraft(CamelModel):
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
