"""Reception hours and suspensions: the public status, and what staff set."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain.reception import (
    ReceptionHours,
    ReceptionStatus,
    Suspension,
    SuspensionRequest,
)
from yoyaku.services import reception

public = Router()
staff = Router()


@public.get(
    "/v1/reception",
    summary="Whether bookings are taken now, the reception hours and suspensions",
    description="`accepting` is false outside the reception hours (`reason: "
    "outside_hours`) and during a suspension (`reason: suspended`); `opensAt` then says "
    "when bookings are taken again. Browsing is possible at any time.",
    tags=["catalog"],
)
def get_reception() -> ReceptionStatus:
    return reception.status()


@staff.put(
    "/v1/staff/reception-hours",
    summary="Set the reception hours (null: bookings at any hour)",
    description="`{opens, closes}` as HH:MM in Japan time; `closes` may be `24:00`, and a "
    "`closes` before `opens` runs past midnight. `yearEndClosure` (`{from, to}` as MM-DD) "
    "takes no bookings on those days. Bookings, changes, cancellations and lottery "
    "entries outside the hours get 422 OUTSIDE_RECEPTION_HOURS.",
    tags=["staff"],
)
def put_reception_hours(
    hours: Annotated[ReceptionHours | None, Body()] = None,
) -> ReceptionStatus:
    member = auth.staff(staff)
    return reception.set_hours(hours, member)


@staff.post(
    "/v1/staff/suspensions",
    summary="Plan a suspension of the service (一時休止)",
    description="From `from` until `until`, citizen writes answer 503 SERVICE_SUSPENDED "
    "with Retry-After and `notice`. Browsing goes on. `GET /v1/reception` announces it.",
    tags=["staff"],
    status_code=201,
)
def post_suspension(request: SuspensionRequest) -> Suspension:
    member = auth.staff(staff)
    return reception.suspend(request, member)


@staff.delete(
    "/v1/staff/suspensions/<suspensionId>",
    summary="Cancel a planned suspension, or end one under way now",
    tags=["staff"],
    status_code=204,
)
def delete_suspension(
    suspension_id: Annotated[str, Path(alias="suspensionId", max_length=40)],
) -> Response[None]:
    member = auth.staff(staff)
    reception.lift(suspension_id, member)
    return NO_CONTENT
