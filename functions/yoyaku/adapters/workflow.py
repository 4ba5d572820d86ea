"""Step Functions: start the review workflow and resume it with staff decisions."""

from __future__ import annotations

import contextlib

from yoyaku.adapters.aws import client
from yoyaku.domain.model import CamelModel
from yoyaku.domain.review import ReviewStart
from yoyaku.settings import settings


def start_review(start: ReviewStart) -> None:
    """Starts the execution named after the application; a second start is refused by
    Step Functions (ExecutionAlreadyExists), which is what we want."""
    sfn = client("stepfunctions")
    with contextlib.suppress(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(
            stateMachineArn=settings().required("review_state_machine_arn"),
            name=f"application-{start.application_id}",
            input=start.model_dump_json(),
        )


def resume(task_token: str, output: CamelModel) -> bool:
    """Hands a decision to the waiting task; False if that wait has already ended."""
    sfn = client("stepfunctions")
    try:
        sfn.send_task_success(taskToken=task_token, output=output.model_dump_json())
    except (
        sfn.exceptions.TaskTimedOut,
        sfn.exceptions.TaskDoesNotExist,
        sfn.exceptions.InvalidToken,
    ):
        return False
    return True
