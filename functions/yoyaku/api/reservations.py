"""Reservations: confirm a hold (idempotently), list, change and cancel."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path

from yoyaku.api import accepting, auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.booking import (
    Cancellations,
    Owner,
    Reservation,
    ReservationChange,
    ReservationRequest,
)
from yoyaku.domain.model import CamelModel
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import reservations

router = Router()


class ReservationList(Paged):
    items: list[Reservation]


class CancelledList(CamelModel):
    items: list[Reservation]


def _owner() -> Owner:
    return Owner.citizen(auth.citizen(router).id)


@router.post(
    "/v1/reservations",
    middlewares=[accepting.BOOKING],
    summary="Confirm a hold as a reservation",
    description="Send an `Idempotency-Key` header: a retry with the same key returns the "
    "same reservation instead of making a second one.",
    tags=["bookings"],
    status_code=201,
)
def create_reservation(
    request: ReservationRequest,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=100)] = None,
) -> Reservation:
    owner = _owner()
    if not idempotency_key:
        return reservations.confirm(owner, request)
    return reservations.confirm_once(owner, request, idempotency_key, router.lambda_context)


@router.get("/v1/reservations", summary="My reservations, by stay date", tags=["bookings"])
def list_reservations(
    limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None
) -> ReservationList:
    page = reservations.of_owner(_owner(), limit, next_token)
    return ReservationList(items=page.items, next_token=page.next_token)


@router.get("/v1/reservations/<reservationNumber>", summary="One reservation", tags=["bookings"])
def get_reservation(
    number: Annotated[str, Path(alias="reservationNumber")],
) -> Reservation:
    return reservations.get(number, _owner())


@router.patch(
    "/v1/reservations/<reservationNumber>",
    middlewares=[accepting.BOOKING],
    summary="Fewer nights, other party sizes or another room-style wish",
    description="`removeNights` frees those nights at once; the nights kept must be "
    "consecutive. `party`, when given, describes the stay after the change (night 1 is "
    "the first night kept). Only until the facility's change deadline.",
    tags=["bookings"],
)
def change_reservation(
    number: Annotated[str, Path(alias="reservationNumber")], change: ReservationChange
) -> Reservation:
    return reservations.change(number, auth.citizen_profile(router), change)


@router.delete(
    "/v1/reservations/<reservationNumber>",
    middlewares=[accepting.BOOKING],
    summary="Cancel (frees the units at once)",
    tags=["bookings"],
)
def cancel_reservation(
    number: Annotated[str, Path(alias="reservationNumber")],
) -> Reservation:
    return reservations.cancel(number, auth.citizen_profile(router))


@router.post(
    "/v1/reservations/<reservationNumber>/confirmation",
    middlewares=[accepting.WRITE],
    summary="Confirm a lottery win (当選確定) before its deadline",
    description="A win awaiting confirmation becomes `confirmed` (200; again: the same "
    "answer). At or after `confirmBy` the win has been released: 410 "
    "`CONFIRMATION_EXPIRED`. A cancelled reservation: 409 `CONFLICT`.",
    tags=["bookings"],
)
def confirm_win(number: Annotated[str, Path(alias="reservationNumber")]) -> Reservation:
    return reservations.confirm_win(number, auth.citizen_profile(router))


@router.post(
    "/v1/reservations/cancellations",
    middlewares=[accepting.BOOKING],
    summary="Cancel several reservations at once, all or none",
    description="Each number is checked as `DELETE` would (the caller's, confirmed, "
    "within its cancellation period). If any cannot be cancelled, none is: 422 with one "
    "error per refused number on `reservationNumbers[i]` saying why. Otherwise all are "
    "cancelled in one transaction, each gets its e-mail, and the answer lists them.",
    tags=["bookings"],
)
def cancel_reservations(request: Cancellations) -> CancelledList:
    return CancelledList(
        items=reservations.cancel_many(request.reservation_numbers, auth.citizen_profile(router))
    )
