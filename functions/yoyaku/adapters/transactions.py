"""Helpers for DynamoDB transactions through pynamodb."""

from __future__ import annotations

from functools import cache

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError


@cache
def connection() -> Connection:
    """One shared connection for transactions (the endpoint comes from the environment)."""
    return Connection()


def condition_failed(error: Exception) -> bool:
    """True when a write lost a race: a failed condition or a conflicting transaction."""
    if isinstance(error, TransactWriteError):
        reasons = [r.code for r in error.cancellation_reasons if r is not None]
        return bool(reasons) and all(
            code in {"ConditionalCheckFailed", "TransactionConflict", "None"} for code in reasons
        )
    if isinstance(error, PutError | UpdateError | DeleteError):
        return error.cause_response_code == "ConditionalCheckFailedException"
    return False
