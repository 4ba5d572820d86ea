"""Every sample event in events/ runs through its handler (in-process, moto).

The tables are empty, so API events answer 2xx or a 4xx problem, never a 5xx; task
events for ids that do not exist fail loudly (which is what Step Functions retries on).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from local.gateway import LambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"
HANDLERS = {
    "catalog_": "yoyaku.entrypoints.catalog_api.handler",
    "staff_": "yoyaku.entrypoints.staff_api.handler",
    "accounts_": "yoyaku.entrypoints.accounts_api.handler",
    "bookings_": "yoyaku.entrypoints.bookings_api.handler",
    "appointments_": "yoyaku.entrypoints.appointments_api.handler",
    "lotteries_": "yoyaku.entrypoints.lotteries_api.handler",
    "authorizer_staff": "yoyaku.entrypoints.authorizer.staff",
    "review_tasks_": "yoyaku.entrypoints.review_tasks.handler",
    "lottery_tasks_": "yoyaku.entrypoints.lottery_tasks.handler",
    "proof_uploaded": "yoyaku.entrypoints.proof_uploaded.handler",
    "identity_": "yoyaku.entrypoints.identity_api.handler",
    "crl_refresh": "yoyaku.entrypoints.crl_refresh.handler",
}


def _handler(name: str) -> Any:
    spec = next(h for prefix, h in HANDLERS.items() if name.startswith(prefix))
    module, _, attribute = spec.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def test_every_sample_event_has_a_handler() -> None:
    for path in EVENTS.glob("*.json"):
        assert any(path.stem.startswith(p) for p in HANDLERS), path.name


@pytest.mark.parametrize("path", sorted(EVENTS.glob("*.json")), ids=lambda p: p.stem)
def test_sample_event_runs(aws: dict[str, str], path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PROOF_BUCKET", "yoyaku-proofs-123456789012-ap-northeast-1-prod")
    event = json.loads(path.read_text(encoding="utf-8"))
    handler = _handler(path.stem)
    context = LambdaContext(function_name=path.stem)
    if "httpMethod" in event and "type" not in event:
        result = handler(event, context)
        assert 200 <= result["statusCode"] < 500, result
        return
    if path.stem.startswith("authorizer"):
        with pytest.raises(Exception, match="Unauthorized"):
            handler(event, context)
        return
    if path.stem.startswith("proof_uploaded"):
        # The upload belongs to no registration: it is deleted, and the result says so.
        import boto3

        boto3.client("s3").create_bucket(
            Bucket="yoyaku-proofs-123456789012-ap-northeast-1-prod",
            CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"},
        )
        result = handler(event, context)
        assert result["checked"][0]["accepted"] is False
        return
    if path.stem.startswith("crl_refresh"):
        # No CRL source is configured by default: nothing to fetch, nothing failed.
        assert handler(event, context) == {"stored": [], "unchanged": [], "failed": {}}
        return
    with pytest.raises(LookupError):
        handler(event, context)
