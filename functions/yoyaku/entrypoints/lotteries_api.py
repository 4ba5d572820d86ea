"""LotteriesFunction: public lottery information and citizens' entries and results."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.api import lotteries
from yoyaku.api.app import create_app, refuse_bad_input
from yoyaku.entrypoints.observability import logger, metrics

app = create_app(lotteries.public, lotteries.citizen)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
@refuse_bad_input
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
