"""The tasks of the registration review state machine
(statemachines/registration_review.asl.json), each a use case of `services.reviews`."""

from __future__ import annotations

from typing import Any

from yoyaku.domain.review import Decision
from yoyaku.services import reviews


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Dispatches one task of the state machine by its `action`."""
    action = event["action"]
    application_id = str(event["applicationId"])
    if action == "check_proof":
        return reviews.check_proof(application_id)
    if action == "await_staff":
        return reviews.await_decision(application_id, event["taskToken"], "staff")
    if action == "await_resubmission":
        return reviews.await_decision(application_id, event["taskToken"], "applicant")
    if action == "remind_staff":
        return reviews.remind_staff(application_id)
    if action == "decide":
        return reviews.apply_decision(
            application_id, Decision(event["decision"]), event.get("reason")
        )
    raise ValueError(f"unknown review task {action!r}")
