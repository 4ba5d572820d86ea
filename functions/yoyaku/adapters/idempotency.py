"""Powertools idempotency on its DynamoDB table, loaded on the first request that uses it.

Powertools' persistence layer imports boto3 when its module is imported; importing it
here, inside the call, keeps boto3 out of every cold start (only a confirmation sent with
an `Idempotency-Key` pays for it, once per container).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from yoyaku.settings import settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

Operation = Callable[[dict[str, Any]], dict[str, Any]]
Once = Callable[..., dict[str, Any]]  # called as once(data=...)

# A replay returns the first answer for a day.
RECORD_SECONDS = 24 * 3600


class KeyReused(Exception):
    """The key was used before with another body."""


class StillRunning(Exception):
    """The first request with this key has not finished yet."""


@cache
def _config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="[key, owner]",
        payload_validation_jmespath="body",
        expires_after_seconds=RECORD_SECONDS,
    )


@cache
def _once(operation: Operation) -> Once:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        idempotent_function,
    )

    persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name)
    decorated: Once = idempotent_function(
        data_keyword_argument="data", persistence_store=persistence, config=_config()
    )(operation)
    return decorated


def run_once(operation: Operation, data: dict[str, Any], context: object | None) -> dict[str, Any]:
    """`operation(data)` once per `data["key"]` and `data["owner"]`: a replay with the same
    `data["body"]` returns the stored answer. `context` (the Lambda context, if any) lets
    Powertools expire an in-progress record when this invocation times out, so a retry
    after a killed Lambda is not refused for the record's lifetime."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    if context is not None:
        _config().register_lambda_context(context)  # type: ignore[arg-type]
    try:
        return _once(operation)(data=data)
    except IdempotencyValidationError:
        raise KeyReused from None
    except IdempotencyAlreadyInProgressError:
        raise StillRunning from None
