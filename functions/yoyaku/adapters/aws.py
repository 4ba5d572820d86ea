"""boto3 clients, created on first use and then reused (cold starts stay short)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)
