"""ReviewTasksFunction: the tasks of the registration review state machine."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.entrypoints.observability import logger
from yoyaku.workflows import review


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.info("review task", extra={"action": event.get("action")})
    return review.handle(event)
