"""Holds: claim units for 10 minutes while the user completes the booking."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku.api import accepting, auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain.booking import HoldCreated, HoldRequest, Owner
from yoyaku.services import holds

router = Router()


@router.post(
    "/v1/holds",
    middlewares=[accepting.BOOKING],
    summary="Hold units for 10 minutes",
    description="Lodging: `date` and `nights`; time-slot facilities: `date`, `start` and "
    "`slots` (consecutive). All units are claimed together or none is.",
    tags=["bookings"],
    status_code=201,
)
def create_hold(request: HoldRequest) -> HoldCreated:
    hold = holds.hold_for_citizen(auth.citizen_profile(router), request)
    return HoldCreated.of(hold)


@router.get("/v1/holds/<holdId>", summary="One of my holds", tags=["bookings"])
def get_hold(hold_id: Annotated[str, Path(alias="holdId")]) -> HoldCreated:
    owner = Owner.citizen(auth.citizen(router).id)
    return HoldCreated.of(holds.own(hold_id, owner))


@router.delete(
    "/v1/holds/<holdId>", summary="Release a hold at once", tags=["bookings"], status_code=204
)
def delete_hold(hold_id: Annotated[str, Path(alias="holdId")]) -> Response[None]:
    holds.release(hold_id, Owner.citizen(auth.citizen(router).id))
    return NO_CONTENT
