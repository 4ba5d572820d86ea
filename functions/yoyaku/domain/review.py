"""The staff review of a registration (seeds 000, 003, 004): statuses and decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain.account_kinds import ApplicationStatus, Decision
from yoyaku.domain.identity import CardFacts
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import Profile
from yoyaku.domain.renewal import RenewalApplication
from yoyaku.domain.staff import StaffRef

OPEN_STATUSES = (ApplicationStatus.RECEIVED, ApplicationStatus.ACCEPTED)


DECIDED_STATUS = {
    Decision.APPROVE: ApplicationStatus.COMPLETED,
    Decision.RETURN: ApplicationStatus.RETURNED,
    Decision.REJECT: ApplicationStatus.REJECTED,
}


class DecisionRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"decision": "approve"},
                {
                    "decision": "return",
                    "reason": (
                        "在勤証明書の勤務先住所が申請内容と異なります。"
                        "最新の証明書を添付して再申請してください。"
                    ),
                },
            ]
        }
    )

    decision: Decision
    reason: str | None = Field(default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _reason_when_not_approved(self) -> DecisionRequest:
        if self.decision is not Decision.APPROVE and not self.reason:
            raise PydanticCustomError("reason_required", "reason", {"field": "reason"})
        return self


class HistoryEntry(CamelModel):
    status: ApplicationStatus
    at: datetime
    reason: str | None = None


class ApplicationMethod(StrEnum):
    """How the applicant's identity and residence were established."""

    STAFF_REVIEW = "staff_review"  # staff check the application (and a worker's proof)
    MYNUMBER_CARD = "mynumber_card"  # the My Number card's signature (seed 001)


class StaffHistoryEntry(HistoryEntry):
    """A history entry as staff see it: with the member who opened or decided it."""

    by: StaffRef | None = None


class Application(CamelModel):
    application_id: str
    type: Literal["registration", "renewal"]
    status: ApplicationStatus
    history: list[HistoryEntry]
    method: ApplicationMethod = ApplicationMethod.STAFF_REVIEW


@dataclass(frozen=True)
class ApplicationRecord:
    """A stored application and where its review workflow stands."""

    application: Application
    user_number: str
    registration_id: str
    submitted_at: datetime
    task_token: str | None  # the workflow's wait; never leaves the backend
    waiting_for: str | None  # "staff" or "applicant"
    decision: str | None  # made by staff, not yet applied by the workflow
    reason: str | None
    renewal: RenewalApplication | None = None  # renewals: what was applied for
    staff_history: list[StaffHistoryEntry] = field(default_factory=list)
    decided_by: StaffRef | None = None  # kept after the workflow applied the decision
    decided_at: datetime | None = None


class ApplicationType(StrEnum):
    REGISTRATION = "registration"
    RENEWAL = "renewal"


class ReviewSummary(CamelModel):
    application_id: str
    user_number: str
    type: str
    status: ApplicationStatus
    submitted_at: datetime


class ProofCheck(CamelModel):
    required: bool
    present: bool
    problem: str | None = None


class RenewalReview(CamelModel):
    """What a renewal applied for, beside the account it renews."""

    phone: str
    name_kana: str
    lottery_result_email: bool
    card: CardFacts = Field(description="The My Number card's four facts, as read.")
    address_changed: bool = Field(
        description="The card's address differs from the account's: approval updates it."
    )
    previous_verified_until: date | None = None


class ReviewDetail(CamelModel):
    application_id: str
    user_number: str
    type: str
    status: ApplicationStatus
    submitted_at: datetime
    history: list[StaffHistoryEntry]
    applicant: Profile | None = Field(
        description="What the applicant gave when registering, as the account keeps it "
        "(null only for an application whose account is gone)."
    )
    proof: ProofCheck
    proof_document_url: str | None = None
    roster: ProofCheck | None = Field(
        default=None,
        description="Groups: the roster (団体名簿) image. Approving a group whose roster is "
        "present accepts the roster, which opens the facilities marked `rosterRequired`.",
    )
    roster_document_url: str | None = None
    decision_pending: str | None = None
    renewal: RenewalReview | None = None
    decided_by: StaffRef | None = None
    decided_at: datetime | None = None


# ---------------------------------------------------------------- workflow payloads
# What the review state machine (statemachines/registration_review.asl.json) sends its
# tasks, what they answer and what resumes its waits. The JSON names are the ones the
# state machine reads (`$.decision.decision`, `$.outcome.next`), so they are fixed here.

ReviewAction = Literal["check_proof", "await_staff", "await_resubmission", "remind_staff", "decide"]


class ReviewStart(CamelModel):
    """The execution's input."""

    application_id: str
    reminder_after_seconds: int


class ReviewTask(CamelModel):
    """One task's payload: always the action and the application, the task token for
    the waits, the staff decision for `decide`."""

    action: ReviewAction
    application_id: str
    task_token: str | None = None
    decision: Decision | None = None
    reason: str | None = None


class RosterChecked(CamelModel):
    present: bool
    problem: str | None


class ProofChecked(CamelModel):
    """check_proof's answer, for the reviewer: whether a proof is required and present,
    and why a stored one was refused; a group's roster beside it."""

    required: bool
    present: bool
    problem: str | None
    roster: RosterChecked | None = None


class Waiting(CamelModel):
    """A wait's answer once its task token is stored."""

    waiting_for: Literal["staff", "applicant"]


class Reminded(CamelModel):
    reminded: bool


class DecisionApplied(CamelModel):
    """decide's answer: the application's status, and whether the workflow now waits
    for the applicant (a returned registration) or ends."""

    status: ApplicationStatus
    next: Literal["await_applicant", "done"]


class StaffDecision(CamelModel):
    """What resumes the wait for staff (AwaitStaff's result, read by Decide)."""

    decision: Decision
    reason: str | None


class Resubmitted(CamelModel):
    """What resumes the wait for the applicant."""

    resubmitted: Literal[True] = True
