"""Step Functions: start the review workflow and resume it with staff decisions."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from yoyaku.adapters.aws import client
from yoyaku.settings import settings


def start_review(application_id: str, payload: dict[str, Any]) -> None:
    """Starts the execution named after the application; a second start is refused by
    Step Functions (ExecutionAlreadyExists), which is what we want."""
    sfn = client("stepfunctions")
    with contextlib.suppress(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(
            stateMachineArn=settings().required("review_state_machine_arn"),
            name=f"application-{application_id}",
            input=json.dumps(payload),
        )


def resume(task_token: str, output: dict[str, Any]) -> bool:
    """Hands a decision to the waiting task; False if that wait has already ended."""
    sfn = client("stepfunctions")
    try:
        sfn.send_task_success(taskToken=task_token, output=json.dumps(output))
    except (
        sfn.exceptions.TaskTimedOut,
        sfn.exceptions.TaskDoesNotExist,
        sfn.exceptions.InvalidToken,
    ):
        return False
    return True
