"""CrlRefreshFunction: the scheduled download of the JPKI CRLs into S3."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.entrypoints.observability import logger
from yoyaku.services import crl_refresh


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return crl_refresh.refresh().as_dict()
