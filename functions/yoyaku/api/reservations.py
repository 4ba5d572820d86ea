"""Reservations: confirm a hold (idempotently), list, change and cancel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from yoyaku import runtime
from yoyaku.adapters import booking_store, catalog_store, inventory_store, mailer
from yoyaku.adapters.booking_store import Hold, StoredReservation
from yoyaku.api import auth
from yoyaku.api.holds import own_hold, owner_of_citizen
from yoyaku.domain import booking, emails
from yoyaku.domain.booking import Reservation, ReservationChange, ReservationRequest
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.model import CamelModel
from yoyaku.settings import settings

router = Router()

RESERVATION = Bilingual("予約", "reservation")
NUMBER_ATTEMPTS = 3  # a random 10-digit number is taken again only by a rare collision


class ReservationList(CamelModel):
    items: list[Reservation]


def _nights(hold: Hold) -> int:
    return len({u.day for u in hold.units})


def _document(
    hold: Hold, facility: Facility, request: ReservationRequest, number: str
) -> Reservation:
    rt = runtime.current()
    first = min(u.day for u in hold.units)
    lodging = facility.kind == "lodging"
    nights = _nights(hold) if lodging else 1
    resource = facility.resource_type(hold.resource_type_id)
    party = request.party
    if not party and not lodging:
        party = [booking.PartyNight(night=1, adults=1)]
    party = booking.check_party(
        party, nights, hold.quantity, resource.capacity_persons if resource else None
    )
    booking.check_room_style(facility, request.room_style)
    rules = facility.rules
    return Reservation(
        reservation_number=number,
        facility_id=facility.facility_id,
        facility_name=facility.name,
        resource_type_id=hold.resource_type_id,
        date=first,
        nights=nights if lodging else None,
        start=hold.start,
        end=hold.end,
        quantity=hold.quantity,
        party=party,
        room_style=request.room_style,
        status="confirmed",
        source="direct",
        created_at=rt.now(),
        change_deadline=booking.deadline(first, rules.change_deadline_days),
        cancel_deadline=booking.deadline(first, rules.cancel_deadline_days),
    )


def confirm(owner: str, request: ReservationRequest) -> Reservation:
    """Turns the caller's own unexpired hold into a reservation (GetItem + one transaction)."""
    rt = runtime.current()
    hold = own_hold(request.hold_id, owner)
    if hold.valid_until <= rt.now():
        raise DomainError(ErrorCode.HOLD_EXPIRED)
    facility = Facility.model_validate(hold.facility)
    for _ in range(NUMBER_ATTEMPTS):
        number = str(rt.rng.randrange(10**9, 10**10))
        reservation = _document(hold, facility, request, number)
        try:
            booking_store.confirm_hold(hold, number, reservation.model_dump(mode="json"), rt.now())
        except inventory_store.LostRace:
            current = booking_store.get_hold(hold.hold_id)
            if current is None:
                raise DomainError(ErrorCode.HOLD_NOT_FOUND) from None
            if current.valid_until <= rt.now():
                raise DomainError(ErrorCode.HOLD_EXPIRED) from None
            continue
        if hold.contact:
            lang = Language(hold.contact["language"])
            mailer.send(hold.contact["email"], emails.reservation_confirmed(lang, reservation))
        return reservation
    raise DomainError(
        ErrorCode.CONFLICT, reason=Bilingual("もう一度お試しください。", "Please retry.")
    )


@cache
def _idempotency_config() -> IdempotencyConfig:
    return IdempotencyConfig(
        event_key_jmespath="[key, owner]",
        payload_validation_jmespath="body",
        expires_after_seconds=24 * 3600,
    )


@cache
def _idempotent_confirm() -> Callable[..., dict[str, Any]]:
    """Powertools idempotency on the Idempotency-Key (per caller), built on first use."""
    persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name)
    config = _idempotency_config()

    @idempotent_function(data_keyword_argument="data", persistence_store=persistence, config=config)
    def run(data: dict[str, Any]) -> dict[str, Any]:
        request = ReservationRequest.model_validate(data["body"])
        return confirm(data["owner"], request).model_dump(mode="json")

    return run  # type: ignore[no-any-return]


@router.post(
    "/v1/reservations",
    summary="Confirm a hold as a reservation",
    description="Send an `Idempotency-Key` header: a retry with the same key returns the "
    "same reservation instead of making a second one.",
    tags=["bookings"],
)
def create_reservation(
    request: ReservationRequest,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=100)] = None,
) -> tuple[Reservation, int]:
    owner = owner_of_citizen(auth.citizen(router).id)
    if not idempotency_key:
        return confirm(owner, request), 201
    data = {"key": idempotency_key, "owner": owner, "body": request.model_dump(mode="json")}
    if router.lambda_context is not None:
        # Lets Powertools expire an in-progress record when this invocation times out,
        # so a retry after a killed Lambda is not refused for the record's lifetime.
        _idempotency_config().register_lambda_context(router.lambda_context)
    try:
        result = _idempotent_confirm()(data=data)
    except IdempotencyValidationError:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "同じIdempotency-Keyで別の内容が送られました。新しいキーを使ってください。",
                "This Idempotency-Key was used for a different request; use a new key.",
            ),
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "同じ申込みを処理中です。少し待ってからもう一度お試しください。",
                "The same request is still being processed; retry in a moment.",
            ),
        ) from None
    return Reservation.model_validate(result), 201


def own_reservation(number: str, owner: str) -> StoredReservation:
    stored = booking_store.get_reservation(number)
    if stored is None or stored.owner != owner:
        raise DomainError(ErrorCode.NOT_FOUND, what=RESERVATION)
    return stored


@router.get("/v1/reservations", summary="My reservations", tags=["bookings"])
def list_reservations() -> ReservationList:
    owner = owner_of_citizen(auth.citizen(router).id)
    stored = booking_store.reservations_of(owner)
    return ReservationList(items=[Reservation.model_validate(s.document) for s in stored])


@router.get("/v1/reservations/<reservationNumber>", summary="One reservation", tags=["bookings"])
def get_reservation(
    number: Annotated[str, Path(alias="reservationNumber")],
) -> Reservation:
    owner = owner_of_citizen(auth.citizen(router).id)
    return Reservation.model_validate(own_reservation(number, owner).document)


def _confirmed(stored: StoredReservation) -> Reservation:
    reservation = Reservation.model_validate(stored.document)
    if reservation.status != "confirmed":
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual("この予約は取り消されています。", "This reservation was cancelled."),
        )
    return reservation


@router.patch(
    "/v1/reservations/<reservationNumber>",
    summary="Fewer nights, other party sizes or another room-style wish",
    description="`removeNights` frees those nights at once; the nights kept must be "
    "consecutive. `party`, when given, describes the stay after the change (night 1 is "
    "the first night kept). Only until the facility's change deadline.",
    tags=["bookings"],
)
def change_reservation(
    number: Annotated[str, Path(alias="reservationNumber")], change: ReservationChange
) -> Reservation:
    rt = runtime.current()
    owner = owner_of_citizen(auth.citizen(router).id)
    stored = own_reservation(number, owner)
    current = _confirmed(stored)
    booking.ensure_before_deadline(
        current.date,
        (current.date - current.change_deadline).days,
        rt.today(),
        ErrorCode.OUTSIDE_CHANGE_PERIOD,
    )
    nights = current.nights or 1
    kept = booking.remaining_nights(nights, change.remove_nights)
    kept_days = {current.date + timedelta(days=n - 1) for n in kept}
    keep = [u for u in stored.units if u.day in kept_days]
    party = change.party
    if party is None:
        old = {p.night: p for p in current.party}
        party = [
            booking.PartyNight(night=i + 1, adults=old[n].adults, children=old[n].children)
            for i, n in enumerate(kept)
            if n in old
        ]
    capacity = _capacity_persons(current, change.room_style)
    party = booking.check_party(party, len(kept), current.quantity, capacity)
    updated = current.model_copy(
        update={
            "date": min(kept_days),
            "nights": len(kept) if current.nights else None,
            "party": party,
            "room_style": change.room_style
            if change.room_style is not None
            else current.room_style,
        }
    )
    _save(stored, updated, keep, current)
    return updated


def _capacity_persons(reservation: Reservation, room_style: str | None) -> int | None:
    """The room capacity for the party check; also refuses a room-style wish the
    facility does not take."""
    facility = catalog_store.get(reservation.facility_id)
    resource = facility.resource_type(reservation.resource_type_id) if facility else None
    if facility is not None:
        booking.check_room_style(facility, room_style)
    return resource.capacity_persons if resource else None


def _save(
    stored: StoredReservation, updated: Reservation, keep: list[Any], current: Reservation
) -> None:
    try:
        booking_store.update_reservation(
            stored,
            updated.model_dump(mode="json"),
            keep,
            current.facility_id,
            current.resource_type_id,
        )
    except inventory_store.LostRace:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "予約が同時に変更されました。内容を確認してからもう一度お試しください。",
                "The reservation changed meanwhile; check it and retry.",
            ),
        ) from None


@router.delete(
    "/v1/reservations/<reservationNumber>",
    summary="Cancel (frees the units at once)",
    tags=["bookings"],
)
def cancel_reservation(
    number: Annotated[str, Path(alias="reservationNumber")],
) -> Reservation:
    rt = runtime.current()
    caller = auth.citizen_profile(router)
    stored = own_reservation(number, owner_of_citizen(caller.user_number))
    current = _confirmed(stored)
    booking.ensure_before_deadline(
        current.date,
        (current.date - current.cancel_deadline).days,
        rt.today(),
        ErrorCode.OUTSIDE_CANCEL_PERIOD,
    )
    cancelled = current.model_copy(update={"status": "cancelled"})
    _save(stored, cancelled, [], current)
    mailer.send(caller.email, emails.reservation_cancelled(Language(caller.language), cancelled))
    return cancelled
