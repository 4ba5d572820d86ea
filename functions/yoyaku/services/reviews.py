"""The review of a registration: the staff queue and decision, the applicant's side, and
the tasks of the review workflow (statemachines/registration_review.asl.json).

The state machine decides the order; each task does one step and is safe to run twice
(Step Functions retries), because each one writes with conditions or overwrites with
the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from yoyaku import runtime
from yoyaku.adapters import (
    application_store,
    mailer,
    proofs,
    registration_store,
    session_store,
    user_store,
    workflow,
)
from yoyaku.domain import emails, messages
from yoyaku.domain.account_kinds import (
    AccountStatus,
    ApplicationStatus,
    Decision,
    Residency,
    UserType,
)
from yoyaku.domain.accounts import User
from yoyaku.domain.audit import AuditAction, ReviewDecided, TargetType
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.booking import Owner
from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.line import ApplicationNotice
from yoyaku.domain.paging import Page
from yoyaku.domain.registration import Document, Profile
from yoyaku.domain.review import (
    OPEN_STATUSES,
    Application,
    ApplicationRecord,
    ApplicationType,
    DecisionApplied,
    DecisionRequest,
    ProofCheck,
    ProofChecked,
    Reminded,
    RenewalReview,
    Resubmitted,
    ReviewDetail,
    ReviewStart,
    ReviewSummary,
    RosterChecked,
    StaffDecision,
    Waiting,
)
from yoyaku.domain.staff import StaffMember, StaffRef
from yoyaku.services import audit, line, renewals, reservations
from yoyaku.settings import settings


def _load(application_id: str) -> ApplicationRecord:
    record = application_store.get(application_id)
    if record is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.APPLICATION)
    return record


# ---------------------------------------------------------------- staff


def queue(
    status: ApplicationStatus | None,
    kind: ApplicationType | None,
    limit: int,
    token: str | None,
) -> Page[ReviewSummary]:
    """One status's applications (the open ones by default), of one type if given,
    oldest first."""
    statuses = [status] if status else list(OPEN_STATUSES)
    type_value = kind.value if kind else None
    return application_store.queue(statuses, type_value, limit, token).map(
        lambda r: ReviewSummary(
            application_id=r.application.application_id,
            user_number=r.user_number,
            type=r.application.type,
            status=r.application.status,
            submitted_at=r.submitted_at,
        )
    )


def open_for_staff(application_id: str, member: StaffMember) -> ReviewDetail:
    """One application with a short-lived link to the proof document. Opening a
    `received` application marks it `accepted` (受理, naming who opened it), and the
    applicant is told."""
    record = _load(application_id)
    opener = StaffRef(staff_id=member.staff_id, name=member.name)
    if record.application.status is ApplicationStatus.RECEIVED and application_store.mark_accepted(
        record, runtime.current().now(), opener
    ):
        _notify_user(record, ApplicationStatus.ACCEPTED, None)
        record = _load(application_id)
    profile = user_store.profile(record.user_number)
    documents = (
        _renewal_documents(record)
        if record.application.type == "renewal"
        else _registration_documents(record, profile)
    )
    return ReviewDetail(
        application_id=application_id,
        user_number=record.user_number,
        type=record.application.type,
        status=record.application.status,
        submitted_at=record.submitted_at,
        history=record.staff_history,
        applicant=profile,
        proof=documents.proof,
        proof_document_url=documents.proof_document_url,
        roster=documents.roster,
        roster_document_url=documents.roster_document_url,
        renewal=documents.renewal,
        decision_pending=record.decision,
        decided_by=record.decided_by,
        decided_at=record.decided_at,
    )


@dataclass(frozen=True)
class _Documents:
    """What staff check besides the applicant: a registration's proof and roster, or
    what a renewal applied for and its roster."""

    proof: ProofCheck
    roster: ProofCheck | None
    proof_document_url: str | None = None
    roster_document_url: str | None = None
    renewal: RenewalReview | None = None


def _registration_documents(record: ApplicationRecord, profile: Profile | None) -> _Documents:
    """A worker's proof of employment and a group's roster, with links to view them."""
    registration = registration_store.get(record.registration_id)
    key = registration.proof_key if registration else None
    roster, roster_key = _roster_check(profile, registration)
    return _Documents(
        proof=ProofCheck(
            required=profile is not None and profile.residency is Residency.WORKER,
            present=key is not None,
            problem=registration.proof_problem if registration else None,
        ),
        proof_document_url=proofs.presigned_view(key) if key else None,
        roster=roster,
        roster_document_url=proofs.presigned_view(roster_key) if roster_key else None,
    )


def _roster_check(
    profile: Profile | None, registration: registration_store.Registration | None
) -> tuple[ProofCheck | None, str | None]:
    """A group's roster as staff see it (None for individuals), and its stored key."""
    if profile is None or profile.user_type is not UserType.GROUP:
        return None, None
    key, problem = registration.document(Document.ROSTER) if registration else (None, None)
    # Not required to register: without one, the group cannot use rosterRequired facilities.
    return ProofCheck(required=False, present=key is not None, problem=problem), key


def _renewal_documents(record: ApplicationRecord) -> _Documents:
    """A renewal as staff check it: what was applied for and the card's facts (an
    address that differs from the account's is flagged), and the roster."""
    renewal = record.renewal
    roster_key = renewal.roster_key if renewal else None
    return _Documents(
        proof=ProofCheck(required=False, present=False),
        roster=ProofCheck(
            required=renewal.roster_required if renewal else False, present=bool(roster_key)
        ),
        roster_document_url=proofs.presigned_view(roster_key) if roster_key else None,
        renewal=None
        if renewal is None
        else RenewalReview(
            phone=renewal.phone,
            name_kana=renewal.name_kana,
            lottery_result_email=renewal.lottery_result_email,
            card=renewal.card,
            address_changed=renewal.address_changed,
            previous_verified_until=renewal.previous_verified_until,
        ),
    )


def record_decision(application_id: str, request: DecisionRequest, member: StaffMember) -> None:
    """Records the one decision on an application, with its audit record, and resumes
    the waiting workflow. When two staff decide at once one wins; the other is told who
    decided, what and when."""
    _load(application_id)
    audit_entry = audit.entry(
        member,
        AuditAction.REVIEW_DECIDED,
        TargetType.APPLICATION,
        application_id,
        ReviewDecided(decision=request.decision),
        reason=request.reason,
    )
    decided = application_store.record_decision(
        application_id, request.decision.value, request.reason, audit_entry
    )
    if decided is None:
        raise _already_decided(_load(application_id))
    if decided.task_token:
        # If this wait has just timed out into a reminder, the next wait picks the
        # recorded decision up (await_decision): nothing is lost.
        workflow.resume(
            decided.task_token, StaffDecision(decision=request.decision, reason=request.reason)
        )


def _already_decided(record: ApplicationRecord) -> DomainError:
    """CONFLICT naming who decided the application first, and how, when it is known."""
    by, at = record.decided_by, record.decided_at
    decision = record.decision or _DECISION_OF.get(record.application.status)
    if by is None or at is None or decision is None:
        return DomainError(ErrorCode.CONFLICT, reason=messages.APPLICATION_DECIDED_BEFORE)
    when = at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")
    return DomainError(
        ErrorCode.CONFLICT,
        reason=messages.decided_by_another(by.name, by.staff_id, when, decision),
        decidedBy=by.staff_id,
        decidedByName=by.name,
        decidedAt=at.isoformat(),
        decision=decision,
    )


_DECISION_OF = {
    ApplicationStatus.COMPLETED: Decision.APPROVE.value,
    ApplicationStatus.RETURNED: Decision.RETURN.value,
    ApplicationStatus.REJECTED: Decision.REJECT.value,
}


# ---------------------------------------------------------------- applicants


def applications_of(user_number: str, limit: int, token: str | None) -> Page[Application]:
    return application_store.page_for_user(user_number, limit, token).map(lambda r: r.application)


def open_application(user_number: str) -> ApplicationRecord:
    """The user's application that is still under review or returned to them."""
    for record in reversed(application_store.for_user(user_number)):
        if record.application.type != "registration":
            continue
        if record.application.status not in (
            ApplicationStatus.COMPLETED,
            ApplicationStatus.REJECTED,
        ):
            return record
    raise DomainError(
        ErrorCode.CONFLICT,
        reason=messages.NO_APPLICATION_UNDER_REVIEW,
    )


def resubmit(user: User, application_id: str) -> Application:
    """A returned application goes back to review once what was asked is fixed."""
    record = application_store.get(application_id)
    if record is None or record.user_number != user.user_number:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.APPLICATION)
    if record.application.type == "renewal":
        raise DomainError(  # a returned renewal is closed: the citizen applies again
            ErrorCode.CONFLICT,
            reason=messages.RETURNED_RENEWAL_APPLY_AGAIN,
        )
    if record.application.status is not ApplicationStatus.RETURNED or not record.task_token:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.APPLICATION_NOT_RETURNED,
        )
    registration = registration_store.get(record.registration_id)
    if user.residency is Residency.WORKER and (
        registration is None or registration.proof_problem or not registration.proof_key
    ):
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.UPLOAD_PROOF_AGAIN_FIRST,
        )
    if user.user_type is UserType.GROUP and registration and registration.roster_problem:
        raise DomainError(ErrorCode.CONFLICT, reason=messages.UPLOAD_ROSTER_AGAIN_FIRST)
    resume_after_return(record)
    updated = application_store.get(application_id)
    return updated.application if updated else record.application


def resume_after_return(record: ApplicationRecord) -> None:
    """returned → received, and the waiting workflow checks and queues it again.

    The applicant hears of it on LINE (受付, as after the first application); the
    e-mail that answered the return already said what happens next. A returned renewal
    is closed (the citizen applies again) and is never put back.
    """
    if record.application.type != "registration":
        return
    if application_store.resubmitted(record, runtime.current().now()):
        _notify_user(record, ApplicationStatus.RECEIVED, None, email=False)
    if record.task_token and record.waiting_for == "applicant":
        workflow.resume(record.task_token, Resubmitted())


# ---------------------------------------------------------------- workflow tasks


def _workflow_load(application_id: str) -> ApplicationRecord:
    record = application_store.get(application_id)
    if record is None:
        raise LookupError(f"application {application_id} does not exist")
    return record


def _notify_user(
    record: ApplicationRecord,
    status: ApplicationStatus,
    reason: str | None,
    *,
    email: bool = True,
    valid_until: date | None = None,
    sequence: int | None = None,
) -> None:
    """Tells the applicant about a status change: by e-mail, then by LINE when linked.

    `record` is the application as it was before the change, so the change's position
    in its history identifies it (a task that runs again pushes nothing new).
    """
    found = user_store.get(record.user_number)
    if found is None:
        return
    user = found[0]
    application = record.application
    if email:
        mailer.send(
            user.email,
            emails.application_status(
                user.language,
                status,
                application.application_id,
                reason,
                kind=application.type,
                valid_until=valid_until,
            ),
        )
    line.notify_application(
        user.user_number,
        user.language,
        ApplicationNotice(
            application_number=application.application_id,
            type=application.type,
            status=status,
            reason=reason,
            sequence=len(application.history) if sequence is None else sequence,
        ),
    )


def check_proof(application_id: str) -> ProofChecked:
    """Workers must have a valid proof of employment; the result guides the reviewer."""
    record = _workflow_load(application_id)
    if record.application.type == "renewal":
        renewal = record.renewal
        return ProofChecked(
            required=renewal.roster_required if renewal else False,
            present=bool(renewal and renewal.roster_key),
            problem=None,
        )
    registration = registration_store.get(record.registration_id)
    found = user_store.get(record.user_number)
    if registration is None or found is None:
        return ProofChecked(required=False, present=False, problem="registration missing")
    checked = ProofChecked(
        required=found[0].residency is Residency.WORKER,
        present=registration.proof_key is not None,
        problem=registration.proof_problem,
    )
    if found[0].user_type is not UserType.GROUP:
        return checked  # no roster: the answer names none
    roster = RosterChecked(
        present=registration.roster_key is not None, problem=registration.roster_problem
    )
    return checked.model_copy(update={"roster": roster})


def await_decision(
    application_id: str, token: str, waiting_for: Literal["staff", "applicant"]
) -> Waiting:
    """Stores the task token. A decision that staff made while no wait was open (the
    previous wait timed out into a reminder) is handed over at once."""
    record = application_store.store_task_token(application_id, token, waiting_for)
    if waiting_for == "staff" and record.decision:
        workflow.resume(
            token, StaffDecision(decision=Decision(record.decision), reason=record.reason)
        )
    elif waiting_for == "applicant" and record.application.status is not ApplicationStatus.RETURNED:
        # The applicant resubmitted before this wait began: go on at once.
        workflow.resume(token, Resubmitted())
    return Waiting(waiting_for=waiting_for)


def remind_staff(application_id: str) -> Reminded:
    record = _workflow_load(application_id)
    if record.application.status in (ApplicationStatus.RECEIVED, ApplicationStatus.ACCEPTED):
        waiting_since = record.application.history[-1].at
        mailer.send(
            settings().staff_notify_email,
            emails.review_reminder(application_id, waiting_since),
        )
    return Reminded(reminded=True)


def start_renewal_review(application_id: str) -> None:
    """A filed renewal goes to staff like a registration; the citizen hears of it by
    e-mail and LINE with the 申請番号 (受付)."""
    workflow.start_review(
        ReviewStart(
            application_id=application_id,
            reminder_after_seconds=settings().review_reminder_seconds,
        )
    )
    _notify_user(_workflow_load(application_id), ApplicationStatus.RECEIVED, None, sequence=0)


def apply_decision(application_id: str, decision: Decision, reason: str | None) -> DecisionApplied:
    """Applies a staff decision: the account's new status, the application's, the
    e-mail. `next` tells the workflow whether to wait for the applicant (a returned
    registration) or to end (anything else: a returned renewal is applied for again)."""
    record = _workflow_load(application_id)
    if record.application.type == "renewal":
        return _apply_renewal_decision(record, decision, reason)
    rt = runtime.current()
    found = user_store.get(record.user_number)
    if found is None:
        raise LookupError(f"user {record.user_number} does not exist")
    account = found[0]
    if decision is Decision.APPROVE:
        until = renewals.first_verified_until(account.residency, rt.today())
        roster: bool | None = None
        if account.user_type is UserType.GROUP:
            # Staff saw the roster with the application: approving accepts it.
            registration = registration_store.get(record.registration_id)
            roster = bool(registration and registration.roster_key)
        user_store.set_status(account.user_number, AccountStatus.VERIFIED, until, roster)
        # Seed 004: once verified, the municipality mails the registration card (登録証).
        user_store.queue_registration_card(account.user_number, rt.now())
        status = ApplicationStatus.COMPLETED
    elif decision is Decision.REJECT:
        user_store.set_status(account.user_number, AccountStatus.REJECTED, None)
        session_store.end_all(Principal(PrincipalKind.CITIZEN, account.user_number))
        reservations.cancel_future(Owner.citizen(account.user_number))
        status = ApplicationStatus.REJECTED
    else:
        status = ApplicationStatus.RETURNED
    if record.application.status is not status:
        application_store.conclude(record, status, rt.now(), reason)
        _notify_user(record, status, reason)
    waits = status is ApplicationStatus.RETURNED
    return DecisionApplied(status=status, next="await_applicant" if waits else "done")


def _apply_renewal_decision(
    record: ApplicationRecord, decision: Decision, reason: str | None
) -> DecisionApplied:
    """Approval renews the account (renewals.approve); a return or a rejection leaves
    the account as it was. Either way the renewal is closed, so the citizen may apply
    again."""
    rt = runtime.current()
    found = user_store.get(record.user_number)
    if found is None:
        raise LookupError(f"user {record.user_number} does not exist")
    until = None
    if decision is Decision.APPROVE:
        until = renewals.approve(record, found[0], rt.today())
        status = ApplicationStatus.COMPLETED
    elif decision is Decision.REJECT:
        status = ApplicationStatus.REJECTED
    else:
        status = ApplicationStatus.RETURNED
    if record.application.status is not status:
        application_store.conclude(record, status, rt.now(), reason)
        _notify_user(record, status, reason, valid_until=until)
    renewals.closed(record)
    return DecisionApplied(status=status, next="done")
