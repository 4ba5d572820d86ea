"""Staff review of registrations: the queue, one application, and the decision."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.account_kinds import ApplicationStatus
from yoyaku.domain.model import CamelModel
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.domain.review import (
    DECIDED_STATUS,
    ApplicationType,
    DecisionRequest,
    ReviewDetail,
    ReviewSummary,
)
from yoyaku.services import reviews

router = Router()


class ReviewList(Paged):
    items: list[ReviewSummary]


class DecisionResult(CamelModel):
    application_id: str
    decision: str
    status: ApplicationStatus


@router.get("/v1/staff/reviews", summary="The review queue", tags=["staff"])
def list_reviews(
    status: Annotated[ApplicationStatus | None, Query()] = None,
    type_: Annotated[ApplicationType | None, Query(alias="type")] = None,
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> ReviewList:
    auth.staff(router)
    page = reviews.queue(status, type_, limit, next_token)
    return ReviewList(items=page.items, next_token=page.next_token)


@router.get(
    "/v1/staff/reviews/<applicationId>",
    summary="One application, with a short-lived link to the proof document",
    description="Opening a `received` application marks it `accepted` (the applicant is told).",
    tags=["staff"],
)
def get_review(application_id: Annotated[str, Path(alias="applicationId")]) -> ReviewDetail:
    member = auth.staff(router)
    return reviews.open_for_staff(application_id, member)


@router.post(
    "/v1/staff/reviews/<applicationId>/decision",
    summary="Approve, return or reject (resumes the waiting workflow)",
    description="A second decision on the same application is refused with CONFLICT, "
    "naming who decided first (`decidedBy`, `decidedByName`, `decidedAt`, `decision`).",
    tags=["staff"],
)
def decide_review(
    application_id: Annotated[str, Path(alias="applicationId")], request: DecisionRequest
) -> DecisionResult:
    member = auth.staff(router)
    reviews.record_decision(application_id, request, member)
    return DecisionResult(
        application_id=application_id,
        decision=request.decision.value,
        status=DECIDED_STATUS[request.decision],
    )
