"""Lets the threads of one process stand for separate Lambda environments.

Lambda gives each environment one request at a time, so Powertools keeps the current
event and Lambda context in class attributes of its router, and the routing context on
the resolver. The local runtime serves requests on many threads with the same handler
objects, so without this one request could read another's caller or body. Pinned
Powertools version: these are its internals (api_gateway.BaseRouter, resolver.context).
"""

from __future__ import annotations

import threading
from typing import Any


class _PerThread:
    """A class attribute whose value belongs to the thread that set it."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        return getattr(self._local, "value", None)

    def __set__(self, instance: Any, value: Any) -> None:
        self._local.value = value


class _PerThreadDict(_PerThread):
    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if not hasattr(self._local, "value"):
            self._local.value = {}
        return self._local.value


_done = False


def isolate_requests_per_thread() -> None:
    global _done
    if _done:
        return
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver, api_gateway

    event, context = _PerThread(), _PerThread()
    base = api_gateway.BaseRouter
    # setattr: these replace typed attributes with descriptors, which mypy cannot follow.
    setattr(base, "current_event", event)  # noqa: B010
    setattr(base, "lambda_context", context)  # noqa: B010
    # resolve() assigns `BaseRouter.current_event = ...` through the module's name: give
    # it an object whose attributes are the same per-thread slots.
    state = type("PerThreadRouterState", (), {"current_event": event, "lambda_context": context})
    setattr(api_gateway, "BaseRouter", state())  # noqa: B010
    setattr(APIGatewayRestResolver, "context", _PerThreadDict())  # noqa: B010
    _done = True
