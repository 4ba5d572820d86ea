"""Who may book a counter appointment, and the identified parties that asked to."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import booking_store, link_store
from yoyaku.adapters.inventory_store import LostRace
from yoyaku.adapters.table import AppointmentRequestItem, EligibilityItem, PersonAppointmentItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.appointments import Appointment, Eligible, PartyRequest, live_until
from yoyaku.domain.booking import Hold, StoredReservation
from yoyaku.domain.messages import Language

REQUEST_LIFETIME = timedelta(days=2)


def _pk(facility_id: str, notice_number: str) -> str:
    return f"ELIGIBLE#{facility_id}#{notice_number}"


def import_eligible(facility_id: str, people: list[Eligible]) -> int:
    """Adds or replaces each person (BatchWriteItem, 25 at a time)."""
    with EligibilityItem.batch_write() as batch:
        for person in people:
            batch.save(
                EligibilityItem(
                    _pk(facility_id, person.notice_number),
                    f"{person.birthdate.isoformat()}#{person.notice_number2}",
                    counter=person.counter,
                )
            )
    return len(people)


def candidates(facility_id: str, notice_number: str) -> list[Eligible]:
    """Everyone with this first number (usually one; several share it now and then)."""
    result = []
    for item in EligibilityItem.query(_pk(facility_id, notice_number)):
        birthdate, _, second = item.sk.partition("#")
        result.append(Eligible(notice_number, second, date.fromisoformat(birthdate), item.counter))
    return result


def save_request(request: PartyRequest, now: datetime) -> None:
    AppointmentRequestItem(
        f"APPTREQ#{request.request_id}",
        "APPTREQ",
        facility_id=request.facility_id,
        email=request.email,
        language=request.language.value,
        people=request.people,
        counter=request.counter,
        person_keys=list(request.person_keys),
        expires_at=now + REQUEST_LIFETIME,
    ).save()


def get_request(request_id: str) -> PartyRequest | None:
    try:
        item = AppointmentRequestItem.get(f"APPTREQ#{request_id}", "APPTREQ")
    except AppointmentRequestItem.DoesNotExist:
        return None
    return PartyRequest(
        request_id,
        item.facility_id,
        item.email,
        Language(item.language),
        int(item.people),
        item.counter,
        tuple(str(key) for key in item.person_keys or ()),
    )


def _person(facility_id: str, person_key: str) -> PersonAppointmentItem:
    return PersonAppointmentItem(f"APPTPERSON#{facility_id}#{person_key}", "APPTPERSON")


def live_appointments(facility_id: str, person_keys: tuple[str, ...], now: datetime) -> set[str]:
    """The persons (keys) among these who have a live appointment at the facility."""
    keys = [(_person(facility_id, k).pk, "APPTPERSON") for k in person_keys]
    live = set()
    for item in PersonAppointmentItem.batch_get(keys):
        if item.expires_at is None or item.expires_at > now:
            live.add(item.pk.removeprefix(f"APPTPERSON#{facility_id}#"))
    return live


def confirm(
    hold: Hold,
    number: str,
    appointment: Appointment,
    now: datetime,
    secret_hash: str,
    party: PartyRequest,
    token: str,
) -> None:
    """The appointment in one transaction: the hold's claims booked, the link used, and
    each person's live appointment claimed, so that one link, and one person, never has
    two at once. LostRace when any of it was taken first (the caller re-reads to say
    which)."""
    until = live_until(appointment)
    try:
        with TransactWrite(connection=connection()) as tx:
            booking_store.add_confirmation(tx, hold, number, appointment, now, secret_hash)
            link_store.add_use(tx, token, now)
            # The request says whom to mail and whom to free on cancellation: it must
            # outlive the appointment, not only the link.
            tx.update(
                AppointmentRequestItem(f"APPTREQ#{party.request_id}", "APPTREQ"),
                actions=[AppointmentRequestItem.expires_at.set(until + REQUEST_LIFETIME)],
                condition=AppointmentRequestItem.pk.exists(),
            )
            for key in party.person_keys:
                guard = _person(party.facility_id, key)
                guard.holder = number
                guard.expires_at = until
                tx.save(
                    guard,
                    condition=PersonAppointmentItem.pk.does_not_exist()
                    | (PersonAppointmentItem.expires_at <= now),
                )
    except TransactWriteError as error:
        if condition_failed(error):
            raise LostRace from error
        raise


def cancel(stored: StoredReservation, cancelled: Appointment, party: PartyRequest | None) -> None:
    """Saves the cancelled appointment, frees its slots and its persons, together."""
    try:
        with TransactWrite(connection=connection()) as tx:
            booking_store.add_update(tx, stored, cancelled, [])
            for key in party.person_keys if party else ():
                tx.delete(
                    _person(cancelled.facility_id, key),
                    condition=(PersonAppointmentItem.holder == stored.number)
                    | PersonAppointmentItem.pk.does_not_exist(),
                )
    except TransactWriteError as error:
        if condition_failed(error):
            raise LostRace from error
        raise
