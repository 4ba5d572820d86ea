"""Notices: public list; staff write, schedule and withdraw them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.notices import Notice, NoticeDraft, StaffNotice, Withdrawal
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import notices

public = Router()
staff = Router()


class NoticeList(Paged):
    items: list[Notice]


class StaffNoticeList(Paged):
    items: list[StaffNotice]


@public.get("/v1/notices", summary="Published notices, newest first", tags=["catalog"])
def list_notices(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> NoticeList:
    page = notices.published(limit, next_token)
    return NoticeList(items=page.items, next_token=page.next_token)


@staff.get(
    "/v1/staff/notices",
    summary="Every notice: scheduled, published and withdrawn, newest first",
    tags=["staff"],
)
def list_staff_notices(
    limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None
) -> StaffNoticeList:
    auth.staff(staff)
    page = notices.every(limit, next_token)
    return StaffNoticeList(items=page.items, next_token=page.next_token)


@staff.post(
    "/v1/staff/notices", summary="Publish or schedule a notice", tags=["staff"], status_code=201
)
def publish_notice(draft: NoticeDraft) -> Notice:
    member = auth.staff(staff)
    return notices.publish(draft, member)


@staff.post(
    "/v1/staff/notices/<noticeId>/withdrawal",
    summary="Withdraw a notice (or cancel a scheduled one), with a reason",
    description="The notice leaves the top page at once; staff still see it, with who "
    "withdrew it and why. A second withdrawal is refused with CONFLICT.",
    tags=["staff"],
)
def withdraw_notice(
    notice_id: Annotated[str, Path(alias="noticeId")], withdrawal: Withdrawal
) -> StaffNotice:
    member = auth.staff(staff)
    return notices.withdraw(notice_id, withdrawal, member)
