"""Logger and metrics shared by every handler (configured by POWERTOOLS_* variables).

Tracer is left out on purpose: importing the X-Ray SDK costs more cold-start time than
these handlers spend on everything else (see benchmarks/cold_start.py).
"""

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="yoyaku")
metrics = Metrics(namespace="Yoyaku", service="yoyaku")
