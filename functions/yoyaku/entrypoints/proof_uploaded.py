"""ProofUploadedFunction: checks each proof document uploaded to S3."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.entrypoints.observability import logger
from yoyaku.workflows import proof_check


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = proof_check.handle(event)
    logger.info("proof documents checked", extra=result)
    return result
