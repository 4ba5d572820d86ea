"""What the benchmarks that measure in a child process, under moto, share.

Each measurement runs in a fresh interpreter (`in_child`), so its time and memory are its
own. A child that runs the store code calls `offline_environment` first, so that a
request moto does not intercept fails instead of reaching AWS, opens the template's
tables in moto (`template_tables`), and can take apart the time moto spends answering
from the time of the code it measures (`MotoTime`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from benchmarks.report import ROOT

REGION = "ap-northeast-1"


def in_child(module: str, call: str) -> dict[str, Any]:
    """`call`, an expression over `module`'s public names, in a fresh interpreter; the
    JSON it returns (printed as the child's last line)."""
    code = f"import json; from {module} import *; print(json.dumps({call}))"
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}"}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def offline_environment() -> None:
    """Fake credentials and no endpoint or profile, before boto3 is imported."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "benchmark",
            "AWS_SECRET_ACCESS_KEY": "benchmark",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)


@contextmanager
def template_tables(document: dict[str, Any]) -> Iterator[None]:
    """moto (in-process) with the template's tables; TABLE_NAME names the main one."""
    import boto3
    from moto import mock_aws

    from local.aws import create_tables

    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        os.environ["TABLE_NAME"] = create_tables(document, client)["Table"]
        yield


class MotoTime:
    """The time (wall and CPU) moto spends answering, and the requests it answers, while
    `timing()` is on: moto answers in this process, so its time is not DynamoDB's."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.requests = 0

    @contextmanager
    def timing(self) -> Iterator[None]:
        from moto.core.botocore_stubber import BotocoreStubber

        answer = BotocoreStubber.process_request

        def timed_answer(stubber: BotocoreStubber, request: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return answer(stubber, request)
            finally:
                self.wall += time.perf_counter() - started
                self.cpu += time.process_time() - cpu
                self.requests += 1

        with patch.object(BotocoreStubber, "process_request", timed_answer):
            yield
