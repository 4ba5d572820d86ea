"""Route middlewares that refuse citizen writes while the service does not take them.

`BOOKING` goes on bookings, changes, cancellations and lottery entries: a suspension
(503 SERVICE_SUSPENDED with Retry-After) and the reception hours (422
OUTSIDE_RECEPTION_HOURS with the next opening) apply. `WRITE` goes on every other
citizen write, where only a suspension applies. Reads, signing in and out, releasing a
hold and staff routes take neither. Every citizen write must name one of the two; a
test checks that none is forgotten.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from yoyaku.services import reception


def BOOKING(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
    reception.ensure_accepting("booking")
    return next_middleware(app)


def WRITE(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
    reception.ensure_accepting("write")
    return next_middleware(app)
