"""Logger and metrics shared by every handler (configured by POWERTOOLS_* variables).

Tracer is left out on purpose: importing the X-Ray SDK costs more cold-start time than
these handlers spend on everything else (see benchmarks/cold_start.py).
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)


class _Provider(AmazonCloudWatchEMFProvider):
    """Powertools writes the cold-start metric even with POWERTOOLS_METRICS_DISABLED set;
    the local runtime sets it, and its terminal shows no raw metrics."""

    def add_cold_start_metric(self, context: Any) -> None:
        if not is_metrics_disabled():
            super().add_cold_start_metric(context)


logger = Logger(service="yoyaku")
metrics = Metrics(provider=_Provider(namespace="Yoyaku", service="yoyaku"))
