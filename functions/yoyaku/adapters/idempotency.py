"""Powertools idempotency on its DynamoDB table, loaded on the first request that uses it.

Powertools' persistence layer imports boto3 when its module is imported; importing it
here, inside the call, keeps boto3 out of every cold start (only a confirmation sent with
an `Idempotency-Key` pays for it, once per container).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from yoyaku.settings import settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

Once = Callable[..., Any]  # called as once(data=...)

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
def _once(operation: Callable[[Any], BaseModel], answer: type[BaseModel]) -> Once:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
        PydanticSerializer,
    )

    # Powertools passes the data by this keyword, and names the record after the wrapped
    # function (module and name), as records stored before were named.
    @wraps(operation)
    def run(data: BaseModel) -> BaseModel:
        return operation(data)

    persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name)
    decorated: Once = idempotent_function(
        data_keyword_argument="data",
        persistence_store=persistence,
        config=_config(),
        output_serializer=PydanticSerializer(answer),
    )(run)
    return decorated


def run_once[D: BaseModel, A: BaseModel](
    operation: Callable[[D], A], data: D, answer: type[A], context: object | None
) -> A:
    """`operation(data)` once per `data.key` and `data.owner`: a replay with the same
    `data.body` returns the stored answer, read back as an `answer` (Powertools'
    PydanticSerializer). `context` (the Lambda context, if any) lets Powertools expire an
    in-progress record when this invocation times out, so a retry after a killed Lambda
    is not refused for the record's lifetime."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    if context is not None:
        _config().register_lambda_context(context)  # type: ignore[arg-type]
    try:
        return cast(A, _once(operation, answer)(data=data))
    except IdempotencyValidationError:
        raise KeyReused from None
    except IdempotencyAlreadyInProgressError:
        raise StillRunning from None
