"""The OpenAPI document of the whole API, generated from the Powertools routers.

Run as `python -m yoyaku.api.openapi` (make openapi). It runs in its own process
because including a router in a resolver binds the router to that resolver.
"""

from __future__ import annotations

import json

from yoyaku.api import (
    appointments,
    catalog,
    holds,
    identity,
    line,
    lotteries,
    me,
    notices,
    registrations,
    reservations,
    sessions,
    staff_appointments,
    staff_catalog,
    staff_reviews,
    staff_sessions,
)
from yoyaku.api.app import create_app

TITLE = "Yoyaku API"
VERSION = "1.0.0"


def document() -> dict[str, object]:
    app = create_app(
        catalog.router,
        notices.public,
        registrations.router,
        sessions.router,
        me.router,
        line.router,
        holds.router,
        reservations.router,
        staff_sessions.router,
        staff_catalog.router,
        notices.staff,
        staff_reviews.router,
        appointments.router,
        staff_appointments.router,
        lotteries.public,
        lotteries.citizen,
        lotteries.staff,
        identity.router,
    )
    schema = app.get_openapi_schema(
        title=TITLE,
        version=VERSION,
        summary="Public-facility reservations: catalog, accounts, bookings and lotteries.",
        description="Errors are RFC 9457 problem+json with a stable `code`; send "
        "`Accept-Language: en` for English (Japanese by default). See docs/api.md.",
    )
    return json.loads(schema.model_dump_json(by_alias=True, exclude_none=True))  # type: ignore[no-any-return]


if __name__ == "__main__":
    print(json.dumps(document(), ensure_ascii=False, indent=2))
