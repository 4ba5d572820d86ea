"""Reservations: confirm a hold (idempotently), list, change and cancel."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from yoyaku import runtime
from yoyaku.adapters import booking_store, catalog_store, idempotency, inventory_store, mailer
from yoyaku.domain import booking, emails, messages
from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.booking import (
    Hold,
    Owner,
    PartyNight,
    Reservation,
    ReservationChange,
    ReservationRequest,
    StoredReservation,
)
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.paging import Page
from yoyaku.services import holds
from yoyaku.services.catalog import load_facility


def _new(hold: Hold, request: ReservationRequest, number: str) -> Reservation:
    facility = hold.facility or load_facility(hold.facility_id)
    lodging = facility.kind == "lodging"
    nights = hold.nights if lodging else 1
    resource = facility.resource_type(hold.resource_type_id)
    party = request.party
    if not party:  # a time slot too: who comes is asked, never assumed
        raise DomainError.invalid("party", "party_required")
    party = booking.check_party(
        party, nights, hold.quantity, resource.capacity_persons if resource else None
    )
    booking.check_room_style(facility, request.room_style)
    return booking.new_reservation(
        number=number,
        facility=facility,
        resource_type_id=hold.resource_type_id,
        first=hold.first_day,
        nights=nights if lodging else None,
        start=hold.start,
        end=hold.end,
        quantity=hold.quantity,
        party=party,
        room_style=request.room_style,
        source="direct",
        created_at=runtime.current().now(),
    )


def confirm(owner: Owner, request: ReservationRequest) -> Reservation:
    """Turns the caller's own unexpired hold into a reservation (GetItem + one transaction)."""
    rt = runtime.current()
    hold = holds.pending(request.hold_id, owner)
    if hold.valid_until <= rt.now():
        raise DomainError(ErrorCode.HOLD_EXPIRED)
    for number in booking.reservation_numbers(rt.rng):
        reservation = _new(hold, request, number)
        try:
            booking_store.confirm_hold(hold, number, reservation, rt.now())
        except inventory_store.LostRace:
            refusal = holds.lost_race(hold.hold_id, owner, rt.now())
            if refusal is not None:
                raise refusal from None
            continue  # the number was taken: try another
        if hold.contact:
            mailer.send(
                hold.contact.address,
                emails.reservation_confirmed(hold.contact.language, reservation),
            )
        return reservation.as_of(rt.today())
    raise DomainError(ErrorCode.CONFLICT, reason=messages.PLEASE_RETRY)


class _Confirmation(BaseModel):
    """What the idempotency record is keyed on (the key and its owner, as stored since
    the first release) and checked against (the body)."""

    key: str
    owner: str
    user: str
    body: ReservationRequest


def _confirm_data(confirmation: _Confirmation) -> Reservation:
    """`confirm` on what `confirm_once` stores with the key (the record is named after
    this function: keep its name)."""
    return confirm(Owner.citizen(confirmation.user), confirmation.body)


def confirm_once(
    owner: Owner, request: ReservationRequest, key: str, context: object | None
) -> Reservation:
    """`confirm`, but a retry with the same Idempotency-Key returns the first answer."""
    confirmation = _Confirmation(
        key=key, owner=booking_store.owner_key(owner), user=owner.id, body=request
    )
    try:
        return idempotency.run_once(_confirm_data, confirmation, Reservation, context)
    except idempotency.KeyReused:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.IDEMPOTENCY_KEY_REUSED,
        ) from None
    except idempotency.StillRunning:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.IDEMPOTENCY_IN_PROGRESS,
        ) from None


def _own(number: str, owner: Owner) -> tuple[StoredReservation, Reservation]:
    """The caller's reservation; someone else's answers exactly like a missing one."""
    stored = booking_store.get_reservation(number)
    if stored is None or stored.owner != owner or not isinstance(stored.document, Reservation):
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.RESERVATION)
    return stored, stored.document


def of_owner(owner: Owner, limit: int, token: str | None) -> Page[Reservation]:
    """One page of a citizen's reservations by stay date (lottery wins included)."""

    def document(stored: StoredReservation) -> Reservation:
        if not isinstance(stored.document, Reservation):  # only requests own appointments
            raise TypeError(f"reservation {stored.number} of a citizen is an appointment")
        return stored.document

    today = runtime.current().today()
    return booking_store.reservations_page(owner, limit, token).map(
        lambda stored: document(stored).as_of(today)
    )


def get(number: str, owner: Owner) -> Reservation:
    return _own(number, owner)[1].as_of(runtime.current().today())


def _confirmed(reservation: Reservation, *, awaiting: bool = False) -> Reservation:
    """The reservation, when it is live: confirmed (or, with `awaiting`, a lottery win
    still awaiting confirmation, which its winner may also decline)."""
    live = ("confirmed", "awaiting_confirmation") if awaiting else ("confirmed",)
    if reservation.status not in live:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.RESERVATION_CANCELLED,
        )
    return reservation


def change(number: str, user: CitizenProfile, change: ReservationChange) -> Reservation:
    """Fewer nights (freed at once), other party sizes or another room-style wish; the
    citizen gets the reservation as changed (and as it was) by e-mail."""
    rt = runtime.current()
    stored, current = _own(number, Owner.citizen(user.user_number))
    _confirmed(current)
    booking.ensure_before_deadline(
        current.date, current.change_deadline, rt.today(), ErrorCode.OUTSIDE_CHANGE_PERIOD
    )
    nights = current.nights or 1
    kept = booking.remaining_nights(nights, change.remove_nights)
    kept_days = {current.date + timedelta(days=n - 1) for n in kept}
    keep = [u for u in stored.units if u.day in kept_days]
    party = change.party
    if party is None:
        old = {p.night: p for p in current.party}
        party = [
            PartyNight(night=i + 1, adults=old[n].adults, children=old[n].children)
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
    save(stored, updated, keep)
    mailer.send(user.email, emails.reservation_changed(user.language, current, updated))
    return updated.as_of(rt.today())


def _capacity_persons(reservation: Reservation, room_style: str | None) -> int | None:
    """The room capacity for the party check; also refuses a room-style wish the
    facility does not take."""
    facility = catalog_store.get(reservation.facility_id)
    resource = facility.resource_type(reservation.resource_type_id) if facility else None
    if facility is not None:
        booking.check_room_style(facility, room_style)
    return resource.capacity_persons if resource else None


def save(stored: StoredReservation, updated: Reservation, keep: list[booking.Unit]) -> None:
    """Saves a changed reservation and frees the units it no longer keeps, or CONFLICT
    when it changed meanwhile."""
    try:
        booking_store.update_reservation(stored, updated, keep)
    except inventory_store.LostRace:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.RESERVATION_CHANGED_MEANWHILE,
        ) from None


def cancel(number: str, user: CitizenProfile) -> Reservation:
    """Cancels the caller's reservation until its deadline; its units are free at once."""
    rt = runtime.current()
    stored, current = _own(number, Owner.citizen(user.user_number))
    _confirmed(current, awaiting=True)
    booking.ensure_before_deadline(
        current.date, current.cancel_deadline, rt.today(), ErrorCode.OUTSIDE_CANCEL_PERIOD
    )
    cancelled = current.model_copy(update={"status": "cancelled"})
    save(stored, cancelled, [])
    mailer.send(user.email, emails.reservation_cancelled(user.language, cancelled))
    return cancelled.as_of(rt.today())


def cancel_many(numbers: list[str], user: CitizenProfile) -> list[Reservation]:
    """Cancels several of the caller's reservations, all or none: each is checked first
    (422 naming every one that cannot be, by its index), then all are cancelled in one
    transaction, so a change meanwhile cancels none."""
    rt = runtime.current()
    owner = Owner.citizen(user.user_number)
    checked: list[tuple[StoredReservation, Reservation]] = []
    refused: list[FieldError] = []
    for index, number in enumerate(numbers):
        try:
            stored, current = _own(number, owner)
            _confirmed(current, awaiting=True)
            booking.ensure_before_deadline(
                current.date, current.cancel_deadline, rt.today(), ErrorCode.OUTSIDE_CANCEL_PERIOD
            )
        except DomainError as error:
            field = f"reservationNumbers[{index}]"
            refused.append(
                FieldError(
                    field,
                    "not_cancellable",
                    {"number": number, "why": messages.refusal(error.code, error.params)},
                )
            )
            continue
        checked.append((stored, current))
    if refused:
        raise DomainError(ErrorCode.VALIDATION_FAILED, field_errors=refused)
    if booking_store.transaction_items([s for s, _ in checked]) > booking_store.TRANSACTION_ITEMS:
        raise DomainError.invalid(
            "reservationNumbers", "too_many_at_once", max=booking_store.TRANSACTION_ITEMS
        )
    cancelled = [(s, r.model_copy(update={"status": "cancelled"})) for s, r in checked]
    try:
        booking_store.update_reservations([(s, r, []) for s, r in cancelled])
    except inventory_store.LostRace:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.RESERVATIONS_CHANGED_NONE_CANCELLED,
        ) from None
    for _, reservation in cancelled:
        mailer.send(user.email, emails.reservation_cancelled(user.language, reservation))
    return [r.as_of(rt.today()) for _, r in cancelled]


def cancel_future(owner: Owner) -> int:
    """Cancels every confirmed reservation from today on (a rejected account keeps no
    booking, seed 004: 予約申込みは取消し); returns how many."""
    today = runtime.current().today()
    cancelled = 0
    for stored in booking_store.reservations_of(owner):
        reservation = stored.document
        if reservation.status not in ("confirmed", "awaiting_confirmation"):
            continue
        if reservation.date < today:
            continue
        booking_store.update_reservation(
            stored, reservation.model_copy(update={"status": "cancelled"}), []
        )
        cancelled += 1
    return cancelled


# ---------------------------------------------------------------- wins to confirm

CONFIRM_ATTEMPTS = 3


def confirm_win(number: str, user: CitizenProfile) -> Reservation:
    """The winner confirms a lottery win (当選確定) before `confirmBy`; afterwards it is
    CONFIRMATION_EXPIRED. A release racing this confirmation loses, or wins, as one
    versioned write: never both."""
    owner = Owner.citizen(user.user_number)
    for _ in range(CONFIRM_ATTEMPTS):
        stored, current = _own(number, owner)
        updated = booking.confirmed_win(current, runtime.current().now())
        if updated is current:
            return current
        try:
            booking_store.update_reservation(stored, updated, stored.units)
        except inventory_store.LostRace:
            continue  # released or confirmed meanwhile: look again
        mailer.send(user.email, emails.reservation_confirmed(user.language, updated))
        return updated
    raise DomainError(ErrorCode.CONFLICT, reason=messages.PLEASE_RETRY)


def expire_unconfirmed(stored: StoredReservation) -> int:
    """Releases a win left unconfirmed at its deadline: the reservation becomes
    `expired` and its units are free for first-come booking at once. 1 when released."""
    now = runtime.current().now()
    for _ in range(CONFIRM_ATTEMPTS):
        current = stored.document
        if not isinstance(current, Reservation) or not booking.is_unconfirmed_past(current, now):
            return 0
        try:
            booking_store.update_reservation(
                stored, current.model_copy(update={"status": "expired"}), []
            )
        except inventory_store.LostRace:
            found = booking_store.get_reservation(stored.number)
            if found is None:
                return 0
            stored = found
            continue
        return 1
    return 0
