"""Notices: public list, staff publishing."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from yoyaku.api import auth
from yoyaku.domain.model import CamelModel
from yoyaku.domain.notices import Notice, NoticeDraft
from yoyaku.services import notices

public = Router()
staff = Router()


class NoticeList(CamelModel):
    items: list[Notice]


@public.get("/v1/notices", summary="Published notices, newest first", tags=["catalog"])
def list_notices() -> NoticeList:
    return NoticeList(items=notices.published())


@staff.post("/v1/staff/notices", summary="Publish a notice", tags=["staff"])
def publish_notice(draft: NoticeDraft) -> tuple[Notice, int]:
    auth.staff(staff)
    return notices.publish(draft), 201
