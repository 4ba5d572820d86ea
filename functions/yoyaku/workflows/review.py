"""The tasks of the registration review state machine
(statemachines/registration_review.asl.json), each a use case of `services.reviews`."""

from __future__ import annotations

from typing import Any, Literal

from yoyaku.domain.model import CamelModel
from yoyaku.domain.review import ReviewTask
from yoyaku.services import reviews


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Dispatches one task of the state machine by its `action`; the payload and the
    answer are the models of domain/review.py, in the JSON the state machine reads."""
    task = ReviewTask.model_validate(event)
    return _run(task).model_dump(mode="json", exclude_unset=True)


def _run(task: ReviewTask) -> CamelModel:
    application_id = task.application_id
    if task.action == "check_proof":
        return reviews.check_proof(application_id)
    if task.action in ("await_staff", "await_resubmission"):
        if task.task_token is None:
            raise ValueError(f"{task.action} needs a taskToken")
        waiting_for: Literal["staff", "applicant"] = (
            "staff" if task.action == "await_staff" else "applicant"
        )
        return reviews.await_decision(application_id, task.task_token, waiting_for)
    if task.action == "remind_staff":
        return reviews.remind_staff(application_id)
    if task.decision is None:
        raise ValueError("decide needs a decision")
    return reviews.apply_decision(application_id, task.decision, task.reason)
