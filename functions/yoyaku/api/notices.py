"""Notices: public list, staff publishing."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.notices import Notice, NoticeDraft
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import notices

public = Router()
staff = Router()


class NoticeList(Paged):
    items: list[Notice]


@public.get("/v1/notices", summary="Published notices, newest first", tags=["catalog"])
def list_notices(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> NoticeList:
    page = notices.published(limit, next_token)
    return NoticeList(items=page.items, next_token=page.next_token)


@staff.post("/v1/staff/notices", summary="Publish a notice", tags=["staff"], status_code=201)
def publish_notice(draft: NoticeDraft) -> Notice:
    auth.staff(staff)
    return notices.publish(draft)
