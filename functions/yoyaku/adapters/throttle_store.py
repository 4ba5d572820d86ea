"""Failure counters for sign-in throttling (domain/throttle.py): one item per claimed
identifier and one per client address and window, each a single atomic update."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError

from yoyaku.adapters.table import ThrottleItem
from yoyaku.adapters.transactions import condition_failed
from yoyaku.domain.throttle import CLIENT_WINDOW, FREE_FAILURES, Attempts, window_start

KEPT = timedelta(days=1)  # far beyond the longest delay; then DynamoDB collects it


def _identifier(scope: str, identifier: str) -> ThrottleItem:
    return ThrottleItem(f"THROTTLE#{scope}#{identifier}", "THROTTLE")


def _client(address: str, now: datetime) -> ThrottleItem:
    start = window_start(now).strftime("%Y%m%dT%H%M%S")
    return ThrottleItem(f"THROTTLE#client#{address}#{start}", "THROTTLE")


def attempts(scope: str, identifier: str, address: str, now: datetime) -> tuple[Attempts, int]:
    """The identifier's failures in a row and the client's failures in this window,
    in one BatchGetItem."""
    wanted = [_identifier(scope, identifier), _client(address, now)]
    found = {i.pk: i for i in ThrottleItem.batch_get([(w.pk, w.sk) for w in wanted])}
    mine, client = found.get(wanted[0].pk), found.get(wanted[1].pk)
    return (
        Attempts(int(mine.failures or 0), mine.last_failure) if mine else Attempts(),
        int(client.failures or 0) if client else 0,
    )


def record_failure(scope: str, identifier: str, address: str, now: datetime) -> None:
    """One more failure for the identifier and for the client (two atomic updates)."""
    _identifier(scope, identifier).update(
        actions=[
            ThrottleItem.failures.add(1),
            ThrottleItem.last_failure.set(now),
            ThrottleItem.expires_at.set(now + KEPT),
        ]
    )
    _client(address, now).update(
        actions=[
            ThrottleItem.failures.add(1),
            ThrottleItem.expires_at.set(now + CLIENT_WINDOW + KEPT),
        ]
    )


def reset(scope: str, identifier: str) -> None:
    """A right password (or a new one) ends the identifier's run of failures."""
    _identifier(scope, identifier).delete()


def of_identifier(scope: str, identifier: str) -> Attempts:
    """The identifier's failures in a row (staff looking an account up)."""
    try:
        wanted = _identifier(scope, identifier)
        item = ThrottleItem.get(wanted.pk, wanted.sk)
    except ThrottleItem.DoesNotExist:
        return Attempts()
    return Attempts(int(item.failures or 0), item.last_failure)


def unlock(scope: str, identifier: str) -> bool:
    """Ends the identifier's lock (domain/throttle.py `locked`), on the condition that it
    is still locked: of two staff unlocking at once, one does it and the other is told."""
    try:
        _identifier(scope, identifier).delete(condition=ThrottleItem.failures >= FREE_FAILURES)
    except DeleteError as error:
        if condition_failed(error):
            return False
        raise
    return True
