"""Holds and reservations: conditional claim writes, all or nothing (docs/design.md).

A hold writes one claim item per unit with the condition "absent, or a hold already
expired", plus the hold record, in one transaction. Confirming turns the caller's
own unexpired claims into bookings in one transaction; cancelling deletes them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import pages, summary_store
from yoyaku.adapters.inventory_store import LostRace, claim_is_free, claim_item, mark_held
from yoyaku.adapters.table import AttemptsItem, ClaimItem, HoldItem, ReservationItem, TableItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.appointments import Appointment
from yoyaku.domain.booking import Hold, Owner, OwnerKind, Reservation, StoredReservation, Unit
from yoyaku.domain.calendar import months_between
from yoyaku.domain.catalog import Facility
from yoyaku.domain.emails import Recipient
from yoyaku.domain.inventory import ClaimState, Tally
from yoyaku.domain.messages import Language
from yoyaku.domain.paging import Page

# Booked claims are kept a year past their day, then DynamoDB collects them.
BOOKED_RETENTION = timedelta(days=400)

_OWNER_PREFIX = {OwnerKind.CITIZEN: "USER#", OwnerKind.APPOINTMENT_REQUEST: "APPTREQ#"}


def owner_key(owner: Owner) -> str:
    """How an owner is stored: `USER#{userNumber}` or `APPTREQ#{requestId}`."""
    return _OWNER_PREFIX[owner.kind] + owner.id


def _owner(key: str) -> Owner:
    for kind, prefix in _OWNER_PREFIX.items():
        if key.startswith(prefix):
            return Owner(kind, key.removeprefix(prefix))
    raise ValueError(f"unknown owner {key!r}")


def _unit_json(unit: Unit) -> dict[str, Any]:
    return {"day": unit.day.isoformat(), "cell": unit.cell, "unit": unit.unit}


def _unit(data: dict[str, Any]) -> Unit:
    return Unit(date.fromisoformat(data["day"]), data["cell"], int(data["unit"]))


def booked_until(day: date) -> datetime:
    """When a booked claim may be collected (only garbage collection: the TTL)."""
    return datetime.combine(day, datetime.min.time(), UTC) + BOOKED_RETENTION


def _claim(facility_id: str, resource_type_id: str, unit: Unit) -> ClaimItem:
    return claim_item(facility_id, unit.day, resource_type_id, unit.cell, unit.unit)


def booked_changes(resource_type_id: str, units: list[Unit], delta: int) -> summary_store.Changes:
    """Units booked (`delta` +1) or freed (−1), as their days' summaries count them."""
    changes: summary_store.Changes = Counter()
    for unit in units:
        changes[(unit.day, resource_type_id, unit.cell, Tally.BOOKED)] += delta
    return changes


def place_hold(hold: Hold, now: datetime) -> None:
    """Claims every unit of the hold at once; LostRace when any unit was taken meanwhile."""
    contact = hold.contact
    record = HoldItem(
        f"HOLD#{hold.hold_id}",
        "HOLD",
        owner=owner_key(hold.owner),
        facility_id=hold.facility_id,
        resource_type_id=hold.resource_type_id,
        units=[_unit_json(u) for u in hold.units],
        quantity=hold.quantity,
        valid_until=hold.valid_until,
        details={
            "facility": hold.facility.model_dump(mode="json") if hold.facility else None,
            "contact": {"email": contact.address, "language": contact.language.value}
            if contact
            else None,
            "start": hold.start,
            "end": hold.end,
        },
        expires_at=hold.valid_until + timedelta(days=1),
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            for unit in hold.units:
                claim = _claim(hold.facility_id, hold.resource_type_id, unit)
                claim.state = ClaimState.HOLD.value
                claim.holder = hold.hold_id
                claim.expires_at = hold.valid_until
                mark_held(claim, hold.facility_id, hold.valid_until)
                tx.save(claim, condition=claim_is_free(now))
            tx.save(record)
    except TransactWriteError as error:
        if condition_failed(error):
            raise LostRace from error
        raise


def get_hold(hold_id: str) -> Hold | None:
    if not hold_id.startswith("hld_") or len(hold_id) > 40:
        return None
    try:
        item = HoldItem.get(f"HOLD#{hold_id}", "HOLD")
    except HoldItem.DoesNotExist:
        return None
    details = dict(item.details or {})
    facility, contact = details.get("facility"), details.get("contact")
    return Hold(
        hold_id,
        _owner(item.owner),
        item.facility_id,
        item.resource_type_id,
        [_unit(u) for u in item.units],
        int(item.quantity),
        item.valid_until,
        facility=Facility.model_validate(facility) if facility else None,
        contact=Recipient(contact["email"], Language(contact["language"])) if contact else None,
        start=details.get("start"),
        end=details.get("end"),
        confirmed_as=item.confirmed_as,
    )


def _still_a_hold() -> Any:
    """The hold record exists and was not confirmed: only then may it be released."""
    return HoldItem.pk.exists() & HoldItem.confirmed_as.does_not_exist()


def release_hold(hold: Hold) -> None:
    """Frees the hold's units at once, on the condition that it is still a hold.

    LostRace when it was confirmed or released meanwhile (the caller re-reads to say
    which). A unit someone else holds by now (this hold had expired) is left to them:
    only claims still held by this hold are deleted.
    """
    record = HoldItem(f"HOLD#{hold.hold_id}", "HOLD")
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.delete(record, condition=_still_a_hold())
            for unit in hold.units:
                tx.delete(
                    _claim(hold.facility_id, hold.resource_type_id, unit),
                    condition=(ClaimItem.holder == hold.hold_id) | ClaimItem.pk.does_not_exist(),
                )
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        # Either the record changed (confirmed, released) or a unit was taken by another
        # hold after this one expired. The record goes first, conditionally: once it is
        # gone no confirmation can succeed, so freeing the remaining claims is safe.
        try:
            record.delete(condition=_still_a_hold())
        except DeleteError as single:
            if condition_failed(single):
                raise LostRace from single
            raise
        for unit in hold.units:
            try:
                _claim(hold.facility_id, hold.resource_type_id, unit).delete(
                    condition=ClaimItem.holder == hold.hold_id
                )
            except DeleteError as single:
                if not condition_failed(single):
                    raise


def reservation_item(
    number: str,
    owner: Owner,
    document: Reservation | Appointment,
    units: list[Unit],
    *,
    secret_hash: str | None,
) -> ReservationItem:
    """The whole stored reservation, listed under its owner by stay date (gsi1) and
    under its facility's arrivals by month (gsi2, the staff check-in lists).

    Every save writes the whole item, so every attribute is an argument here: a change
    can never drop one it did not mean to (an appointment's receipt password hash).
    """
    stay = units[0].day
    key = owner_key(owner)
    return ReservationItem(
        f"RESERVATION#{number}",
        "RESERVATION",
        owner=key,
        document=document.model_dump(mode="json"),
        units=[_unit_json(u) for u in units],
        status=document.status,
        secret_hash=secret_hash,
        gsi1pk=f"OWNER#{key}#RESERVATIONS",
        gsi1sk=f"{stay.isoformat()}#{number}",
        gsi2pk=arrivals_key(document.facility_id, stay),
        gsi2sk=arrivals_sort_key(document, stay, number),
    )


def arrivals_sort_key(document: Reservation | Appointment, stay: date, number: str) -> str:
    """A reservation's place in its facility's arrivals: by date and number; an
    appointment's by date, counter, time and number (the order the counter list reads)."""
    if isinstance(document, Appointment):
        return f"{stay.isoformat()}#{document.counter}#{document.start}#{number}"
    return f"{stay.isoformat()}#{number}"


def add_confirmation(
    tx: TransactWrite,
    hold: Hold,
    number: str,
    document: Reservation | Appointment,
    now: datetime,
    secret_hash: str | None = None,
) -> None:
    """The writes that turn the hold's own unexpired claims into bookings, record the
    reservation and mark the hold confirmed, added to the caller's transaction."""
    for unit in hold.units:
        tx.update(
            _claim(hold.facility_id, hold.resource_type_id, unit),
            actions=[
                ClaimItem.state.set(ClaimState.BOOKED.value),
                ClaimItem.holder.set(number),
                ClaimItem.expires_at.set(booked_until(unit.day)),
                # No longer a hold: out of the live-holds index.
                ClaimItem.gsi2pk.remove(),
                ClaimItem.gsi2sk.remove(),
            ],
            condition=(ClaimItem.holder == hold.hold_id)
            & (ClaimItem.state == ClaimState.HOLD.value)
            & (ClaimItem.expires_at > now),
        )
    summary_store.add_changes(
        tx, hold.facility_id, booked_changes(hold.resource_type_id, hold.units, 1)
    )
    item = reservation_item(number, hold.owner, document, hold.units, secret_hash=secret_hash)
    tx.save(item, condition=ReservationItem.pk.does_not_exist())
    tx.update(
        HoldItem(f"HOLD#{hold.hold_id}", "HOLD"),
        actions=[HoldItem.confirmed_as.set(number)],
        condition=_still_a_hold(),
    )


def arrivals_key(facility_id: str, day: date) -> str:
    return f"ARRIVALS#{facility_id}#{day.isoformat()[:7]}"


def arrivals(facility_id: str, first: date, last: date) -> list[StoredReservation]:
    """Every reservation of the facility whose stay starts from `first` to `last`
    (cancelled ones included), by date and number: one Query per month."""
    found: list[StoredReservation] = []
    for month in months_between(first, last):
        items = ReservationItem.by_queue.query(
            f"ARRIVALS#{facility_id}#{month}",
            ReservationItem.gsi2sk.between(first.isoformat(), f"{last.isoformat()}#~"),
        )
        found += [_stored(i) for i in items if isinstance(i, ReservationItem)]
    return found


# `{date}#{number}` or, for appointments, `{date}#{counter}#{HH:MM}#{number}`.
_ARRIVAL_POSITION = re.compile(r"\d{4}-\d{2}-\d{2}(#[a-z0-9][a-z0-9-]{0,39}#\d{2}:\d{2})?#\d{10}")


def arrivals_page[T: Reservation | Appointment](
    facility_id: str, first: date, last: date, kind: type[T], limit: int, token: str | None
) -> Page[StoredReservation]:
    """One page of the facility's arrivals of `kind` from `first` to `last`, in arrivals
    order: a Query of each month's partition from the token's position on, `limit + 1`
    items a read. The token is good only for the same facility, kind and days."""
    scope = f"arrivals:{kind.__name__.lower()}:{facility_id}:{first.isoformat()}:{last.isoformat()}"
    after = pages.decode(token, scope, _ARRIVAL_POSITION)
    upper = f"{last.isoformat()}#~"
    if after is not None and not (first.isoformat() <= after < upper):
        raise pages.invalid()

    def month_items(month: str) -> Iterator[tuple[str, StoredReservation]]:
        # `between` includes its ends: the position itself is skipped below.
        lower = max(first.isoformat(), after or "")
        if lower > upper:
            return
        found = ReservationItem.by_queue.query(
            f"ARRIVALS#{facility_id}#{month}",
            ReservationItem.gsi2sk.between(lower, upper),
            page_size=limit + 1,
        )
        for i in found:
            if not isinstance(i, ReservationItem) or (after and (i.gsi2sk or "") <= after):
                continue
            stored = _stored(i)
            if isinstance(stored.document, kind):
                yield i.gsi2sk or "", stored

    keyed = (found for month in months_between(first, last) for found in month_items(month))
    return pages.collect(keyed, limit, scope)


def confirm_hold(
    hold: Hold,
    number: str,
    document: Reservation | Appointment,
    now: datetime,
    secret_hash: str | None = None,
) -> None:
    """Turns the hold into the reservation in one transaction; LostRace when the hold
    expired, was released or confirmed, or the number was taken, before this committed."""
    try:
        with TransactWrite(connection=connection()) as tx:
            add_confirmation(tx, hold, number, document, now, secret_hash)
    except TransactWriteError as error:
        if condition_failed(error):
            raise LostRace from error
        raise


def _stored(item: ReservationItem, attempts: AttemptsItem | None = None) -> StoredReservation:
    owner = _owner(item.owner)
    kind = Appointment if owner.kind is OwnerKind.APPOINTMENT_REQUEST else Reservation
    return StoredReservation(
        item.pk.removeprefix("RESERVATION#"),
        owner,
        kind.model_validate(dict(item.document)),
        [_unit(u) for u in item.units],
        int(item.version or 0),
        item.secret_hash,
        int(attempts.failures or 0) if attempts else 0,
        attempts.locked_until if attempts else None,
    )


def get_with_attempts(number: str) -> StoredReservation | None:
    """A reservation and its wrong-password count, in one Query of its partition."""
    if not number.isdigit() or len(number) != 10:
        return None
    items = list(TableItem.query(f"RESERVATION#{number}"))
    main = next((i for i in items if isinstance(i, ReservationItem)), None)
    attempts = next((i for i in items if isinstance(i, AttemptsItem)), None)
    return _stored(main, attempts) if main else None


def record_failed_attempt(number: str, failures: int, locked_until: datetime | None) -> None:
    """Counts wrong receipt passwords in a row (0 and no lock reset the count)."""
    AttemptsItem(
        f"RESERVATION#{number}", "ATTEMPTS", failures=failures, locked_until=locked_until
    ).save()


def get_reservation(number: str) -> StoredReservation | None:
    if not number.isdigit() or len(number) != 10:
        return None
    try:
        return _stored(ReservationItem.get(f"RESERVATION#{number}", "RESERVATION"))
    except ReservationItem.DoesNotExist:
        return None


def get_reservations(numbers: Iterable[str]) -> dict[str, StoredReservation]:
    """Several reservations by number in one BatchGetItem (per 100); unknown ones are
    left out."""
    keys = [
        (f"RESERVATION#{n}", "RESERVATION")
        for n in sorted(set(numbers))
        if n.isdigit() and len(n) == 10
    ]
    items = ReservationItem.batch_get(keys) if keys else []
    stored = (_stored(i) for i in items if isinstance(i, ReservationItem))
    return {s.number: s for s in stored}


_POSITION = re.compile(r"\d{4}-\d{2}-\d{2}#\d{10}")


def _of_owner(owner: Owner, after: str | None, page_size: int | None) -> Iterator[ReservationItem]:
    """The owner's reservations in stay-date order (gsi1 `{date}#{number}`)."""
    items = ReservationItem.by_owner.query(
        f"OWNER#{owner_key(owner)}#RESERVATIONS",
        ReservationItem.gsi1sk > after if after else None,
        page_size=page_size,
    )
    return (i for i in items if isinstance(i, ReservationItem))


def reservations_of(owner: Owner) -> list[StoredReservation]:
    """Every reservation of the owner (for use cases that act on all of them)."""
    return [_stored(i) for i in _of_owner(owner, None, None)]


def reservations_page(owner: Owner, limit: int, token: str | None) -> Page[StoredReservation]:
    """One page of the owner's reservations, in stay-date order."""
    after = pages.decode(token, "reservations", _POSITION)
    items = _of_owner(owner, after, limit + 1)
    return pages.collect(((i.gsi1sk or "", _stored(i)) for i in items), limit, "reservations")


def add_update(
    tx: TransactWrite,
    stored: StoredReservation,
    document: Reservation | Appointment,
    keep: list[Unit],
) -> None:
    """The writes that save a changed reservation (on its version) and free the units it
    no longer keeps, with their days' summaries, added to the caller's transaction."""
    summary_store.add_changes(
        tx, document.facility_id, _add_reservation(tx, stored, document, keep)
    )


def _add_reservation(
    tx: TransactWrite,
    stored: StoredReservation,
    document: Reservation | Appointment,
    keep: list[Unit],
) -> summary_store.Changes:
    """`add_update` without the summaries: returns their changes, for the caller to add
    up with those of other reservations (a transaction may touch a summary only once)."""
    released = [u for u in stored.units if u not in keep]
    item = reservation_item(
        stored.number, stored.owner, document, keep or stored.units, secret_hash=stored.secret_hash
    )
    item.version = stored.version
    for unit in released:
        tx.delete(
            _claim(document.facility_id, document.resource_type_id, unit),
            condition=ClaimItem.holder == stored.number,
        )
    tx.save(item)
    return booked_changes(document.resource_type_id, released, -1)


def update_reservation(
    stored: StoredReservation, document: Reservation | Appointment, keep: list[Unit]
) -> None:
    """Saves the changed reservation and frees the units it no longer uses, together;
    LostRace when it changed meanwhile."""
    update_reservations([(stored, document, keep)])


# One DynamoDB transaction holds at most 100 items.
TRANSACTION_ITEMS = 100


def transaction_items(stored: list[StoredReservation]) -> int:
    """The items cancelling these reservations writes: each, its units, and one summary
    per facility, resource type and day they free units of."""
    summaries = {
        (s.document.facility_id, s.document.resource_type_id, u.day)
        for s in stored
        for u in s.units
    }
    return sum(1 + len(s.units) for s in stored) + len(summaries)


def update_reservations(
    changes: list[tuple[StoredReservation, Reservation | Appointment, list[Unit]]],
) -> None:
    """Saves several changed reservations and frees the units they no longer use, all in
    one transaction: all or none (LostRace when any changed meanwhile)."""
    try:
        with TransactWrite(connection=connection()) as tx:
            freed: dict[str, summary_store.Changes] = defaultdict(Counter)
            for stored, document, keep in changes:
                # update(), not +=: a Counter sum would drop the negative counts
                freed[document.facility_id].update(_add_reservation(tx, stored, document, keep))
            for facility_id, facility_changes in freed.items():
                summary_store.add_changes(tx, facility_id, facility_changes)
    except TransactWriteError as error:
        if condition_failed(error):
            raise LostRace from error
        raise
