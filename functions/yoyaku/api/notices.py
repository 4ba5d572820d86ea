"""Notices: public list, staff publishing."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from yoyaku import runtime
from yoyaku.adapters import notice_store
from yoyaku.api import auth
from yoyaku.domain.model import CamelModel
from yoyaku.domain.notices import Notice, NoticeDraft

public = Router()
staff = Router()


class NoticeList(CamelModel):
    items: list[Notice]


@public.get("/v1/notices", summary="Published notices, newest first", tags=["catalog"])
def list_notices() -> NoticeList:
    return NoticeList(items=notice_store.published(runtime.current().now()))


@staff.post("/v1/staff/notices", summary="Publish a notice", tags=["staff"])
def publish_notice(draft: NoticeDraft) -> tuple[Notice, int]:
    auth.staff(staff)
    rt = runtime.current()
    notice = Notice(
        notice_id=rt.new_id("ntc"),
        title=draft.title,
        body=draft.body,
        published_at=draft.published_at or rt.now(),
    )
    notice_store.save(notice)
    return notice, 201
