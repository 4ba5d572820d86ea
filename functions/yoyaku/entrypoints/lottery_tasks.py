"""LotteryTasksFunction: the tasks of the lottery draw state machine."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.entrypoints.observability import logger
from yoyaku.workflows import lottery


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = lottery.handle(event)
    logger.info("lottery task", extra={"action": event.get("action"), **result})
    return result
