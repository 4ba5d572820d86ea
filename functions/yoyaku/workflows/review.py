"""The registration review workflow's tasks (statemachines/registration_review.asl.json).

The state machine decides the order; each task here does one step and is safe to run
twice (Step Functions retries), because each one writes with conditions or overwrites
with the same values.
"""

from __future__ import annotations

from typing import Any

from yoyaku import runtime
from yoyaku.adapters import (
    application_store,
    booking_store,
    mailer,
    registration_store,
    session_store,
    user_store,
    workflow,
)
from yoyaku.adapters.application_store import ApplicationRecord
from yoyaku.domain import emails
from yoyaku.domain.accounts import verified_until
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.booking import Reservation
from yoyaku.domain.messages import Language
from yoyaku.domain.registration import AccountStatus, Residency
from yoyaku.domain.review import ApplicationStatus, Decision
from yoyaku.settings import settings


def _load(application_id: str) -> ApplicationRecord:
    record = application_store.get(application_id)
    if record is None:
        raise LookupError(f"application {application_id} does not exist")
    return record


def _notify_user(record: ApplicationRecord, status: ApplicationStatus, reason: str | None) -> None:
    found = user_store.get(record.user_number)
    if found is None:
        return
    user = found[0]
    email = emails.application_status(
        Language(user.language), status, record.application.application_id, reason
    )
    mailer.send(user.email, email)


def notify_accepted(record: ApplicationRecord) -> None:
    _notify_user(record, ApplicationStatus.ACCEPTED, None)


def check_proof(application_id: str) -> dict[str, Any]:
    """Workers must have a valid proof of employment; the result guides the reviewer."""
    record = _load(application_id)
    registration = registration_store.get(record.registration_id)
    found = user_store.get(record.user_number)
    if registration is None or found is None:
        return {"required": False, "present": False, "problem": "registration missing"}
    required = found[0].residency is Residency.WORKER
    return {
        "required": required,
        "present": registration.proof_key is not None,
        "problem": registration.proof_problem,
    }


def await_decision(application_id: str, token: str, waiting_for: str) -> dict[str, Any]:
    """Stores the task token. A decision that staff made while no wait was open (the
    previous wait timed out into a reminder) is handed over at once."""
    item = application_store.store_task_token(application_id, token, waiting_for)
    if waiting_for == "staff" and item.decision:
        workflow.resume(token, {"decision": item.decision, "reason": item.reason})
    elif waiting_for == "applicant" and item.status != ApplicationStatus.RETURNED.value:
        # The applicant resubmitted before this wait began: go on at once.
        workflow.resume(token, {"resubmitted": True})
    return {"waitingFor": waiting_for}


def remind_staff(application_id: str) -> dict[str, Any]:
    record = _load(application_id)
    if record.application.status in (ApplicationStatus.RECEIVED, ApplicationStatus.ACCEPTED):
        waiting_since = record.application.history[-1].at
        mailer.send(
            settings().staff_notify_email,
            emails.review_reminder(application_id, waiting_since),
        )
    return {"reminded": True}


def cancel_future_reservations(user_number: str) -> int:
    """A rejected account keeps no booking: every reservation from today on is cancelled
    and its units are released at once (seed 004: 予約申込みは取消し)."""
    today = runtime.current().today()
    cancelled = 0
    for stored in booking_store.reservations_of(f"USER#{user_number}"):
        reservation = Reservation.model_validate(stored.document)
        if reservation.status != "confirmed" or reservation.date < today:
            continue
        document = reservation.model_copy(update={"status": "cancelled"}).model_dump(mode="json")
        booking_store.update_reservation(
            stored, document, [], reservation.facility_id, reservation.resource_type_id
        )
        cancelled += 1
    return cancelled


def decide(application_id: str, decision: Decision, reason: str | None) -> dict[str, Any]:
    """Applies a staff decision: the account's new status, the application's, the e-mail."""
    record = _load(application_id)
    rt = runtime.current()
    user = user_store.get(record.user_number)
    if user is None:
        raise LookupError(f"user {record.user_number} does not exist")
    account = user[0]
    if decision is Decision.APPROVE:
        until = verified_until(account.residency, rt.today())
        user_store.set_status(account.user_number, AccountStatus.VERIFIED, until)
        status = ApplicationStatus.COMPLETED
    elif decision is Decision.REJECT:
        user_store.set_status(account.user_number, AccountStatus.REJECTED, None)
        session_store.end_all(Principal(PrincipalKind.CITIZEN, account.user_number))
        cancel_future_reservations(account.user_number)
        status = ApplicationStatus.REJECTED
    else:
        status = ApplicationStatus.RETURNED
    if record.application.status is not status:
        application_store.conclude(record, status, rt.now(), reason)
        _notify_user(record, status, reason)
    return {"status": status.value}


def resume_after_return(record: ApplicationRecord) -> None:
    """returned → received, and the waiting workflow checks and queues it again."""
    application_store.resubmitted(record, runtime.current().now())
    if record.task_token and record.waiting_for == "applicant":
        workflow.resume(record.task_token, {"resubmitted": True})


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Dispatches one task of the state machine by its `action`."""
    action = event["action"]
    application_id = str(event["applicationId"])
    if action == "check_proof":
        return check_proof(application_id)
    if action == "await_staff":
        return await_decision(application_id, event["taskToken"], "staff")
    if action == "await_resubmission":
        return await_decision(application_id, event["taskToken"], "applicant")
    if action == "remind_staff":
        return remind_staff(application_id)
    if action == "decide":
        return decide(application_id, Decision(event["decision"]), event.get("reason"))
    raise ValueError(f"unknown review task {action!r}")
