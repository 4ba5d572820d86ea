"""boto3 clients, created on first use and then reused (cold starts stay short)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    # boto3 is imported on first use: handlers that never call S3, SES or Step Functions
    # (most requests) do not pay for it at cold start.
    import boto3
    from botocore.config import Config

    return boto3.client(service, config=Config(retries={"mode": "standard", "max_attempts": 3}))
