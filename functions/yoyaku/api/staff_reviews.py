"""Staff review of registrations: the queue, one application, and the decision."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from yoyaku import runtime
from yoyaku.adapters import application_store, proofs, registration_store, user_store, workflow
from yoyaku.api import auth
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual
from yoyaku.domain.model import CamelModel
from yoyaku.domain.review import (
    DECIDED_STATUS,
    OPEN_STATUSES,
    ApplicationStatus,
    DecisionRequest,
    HistoryEntry,
)
from yoyaku.workflows.review import notify_accepted

router = Router()

APPLICATION = Bilingual("申請", "application")


class ReviewSummary(CamelModel):
    application_id: str
    user_number: str
    type: str
    status: ApplicationStatus
    submitted_at: datetime


class ReviewList(CamelModel):
    items: list[ReviewSummary]


class ProofCheck(CamelModel):
    required: bool
    present: bool
    problem: str | None = None


class ReviewDetail(CamelModel):
    application_id: str
    user_number: str
    type: str
    status: ApplicationStatus
    submitted_at: datetime
    history: list[HistoryEntry]
    applicant: dict[str, Any]
    proof: ProofCheck
    proof_document_url: str | None = None
    decision_pending: str | None = None


class DecisionResult(CamelModel):
    application_id: str
    decision: str
    status: ApplicationStatus


@router.get("/v1/staff/reviews", summary="The review queue", tags=["staff"])
def list_reviews(
    status: Annotated[ApplicationStatus | None, Query()] = None,
) -> ReviewList:
    auth.staff(router)
    statuses = [status] if status else list(OPEN_STATUSES)
    records = [r for s in statuses for r in application_store.by_status(s)]
    records.sort(key=lambda r: r.submitted_at)
    return ReviewList(
        items=[
            ReviewSummary(
                application_id=r.application.application_id,
                user_number=r.user_number,
                type=r.application.type,
                status=r.application.status,
                submitted_at=r.submitted_at,
            )
            for r in records
        ]
    )


def _load(application_id: str) -> application_store.ApplicationRecord:
    record = application_store.get(application_id)
    if record is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=APPLICATION)
    return record


@router.get(
    "/v1/staff/reviews/<applicationId>",
    summary="One application, with a short-lived link to the proof document",
    description="Opening a `received` application marks it `accepted` (the applicant is told).",
    tags=["staff"],
)
def get_review(application_id: Annotated[str, Path(alias="applicationId")]) -> ReviewDetail:
    auth.staff(router)
    record = _load(application_id)
    if record.application.status is ApplicationStatus.RECEIVED and application_store.mark_accepted(
        record, runtime.current().now()
    ):
        notify_accepted(record)
        record = _load(application_id)
    registration = registration_store.get(record.registration_id)
    profile = user_store.profile(record.user_number) or {}
    required = profile.get("residency") == "worker"
    key = registration.proof_key if registration else None
    return ReviewDetail(
        application_id=application_id,
        user_number=record.user_number,
        type=record.application.type,
        status=record.application.status,
        submitted_at=record.submitted_at,
        history=record.application.history,
        applicant=profile,
        proof=ProofCheck(
            required=required,
            present=key is not None,
            problem=registration.proof_problem if registration else None,
        ),
        proof_document_url=proofs.presigned_view(key) if key else None,
        decision_pending=record.decision,
    )


@router.post(
    "/v1/staff/reviews/<applicationId>/decision",
    summary="Approve, return or reject (resumes the waiting workflow)",
    description="A second decision on the same application is refused with CONFLICT.",
    tags=["staff"],
)
def decide(
    application_id: Annotated[str, Path(alias="applicationId")], request: DecisionRequest
) -> DecisionResult:
    auth.staff(router)
    _load(application_id)
    decided = application_store.record_decision(
        application_id, request.decision.value, request.reason
    )
    if decided is None:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "この申請はすでに判定済みか、審査待ちではありません。",
                "This application has already been decided or is not awaiting review.",
            ),
        )
    if decided.task_token:
        # If this wait has just timed out into a reminder, the next wait picks the
        # recorded decision up (workflows.review.await_decision): nothing is lost.
        workflow.resume(
            decided.task_token, {"decision": request.decision.value, "reason": request.reason}
        )
    return DecisionResult(
        application_id=application_id,
        decision=request.decision.value,
        status=DECIDED_STATUS[request.decision],
    )
