"""Counter appointments without an account (seed 002).

Identify every person of the party, confirm the e-mail address by an expiring link,
hold one slot per person (consecutive, one counter) for 10 minutes, then confirm; the
receipt number and a password shown once give later lookup and cancellation.
"""

from __future__ import annotations

import contextlib
import secrets
import string
from datetime import datetime, timedelta

from yoyaku import runtime
from yoyaku.adapters import (
    appointment_store,
    booking_store,
    inventory_store,
    link_store,
    mailer,
    passwords,
)
from yoyaku.domain import appointments as rules
from yoyaku.domain import booking, emails, messages
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.appointments import (
    Appointment,
    AppointmentConfirm,
    AppointmentCreated,
    AppointmentHoldRequest,
    AppointmentRequest,
    PartyRequest,
    ReceiptCredentials,
)
from yoyaku.domain.audit import AuditAction, EligibilityImported, TargetType
from yoyaku.domain.booking import Hold, HoldRequest, Owner, StoredReservation
from yoyaku.domain.catalog import Facility
from yoyaku.domain.emails import Recipient
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.links import LinkPurpose, check_link
from yoyaku.domain.messages import Language
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit, credentials, holds
from yoyaku.services.catalog import load_facility
from yoyaku.settings import settings

LINK_LIFETIME = timedelta(hours=24)
ALPHABET = string.ascii_letters + string.digits


def request(request: AppointmentRequest, lang: Language) -> tuple[int, datetime]:
    """Identifies every person and e-mails the link to book; returns the party size and
    when the link expires."""
    rt = runtime.current()
    facility = load_facility(request.facility_id)
    people = [
        rules.identify(
            person, appointment_store.candidates(facility.facility_id, person.notice_number), i
        )
        for i, person in enumerate(request.people)
    ]
    if len({(p.notice_number, p.notice_number2) for p in people}) != len(people):
        raise DomainError.invalid("people", "duplicate", value="")
    counter = rules.fixed_counter(people)
    keys = tuple(p.key for p in people)
    _ensure_no_live_appointment(facility.facility_id, keys, rt.now())
    party = PartyRequest(
        rt.new_id("apr"), facility.facility_id, request.email, lang, len(people), counter, keys
    )
    appointment_store.save_request(party, rt.now())
    token = link_store.issue(LinkPurpose.APPOINTMENT, party.request_id, rt.now(), LINK_LIFETIME)
    link = f"{settings().site_url}/appointments/new?token={token}"
    expires_at = rt.now() + LINK_LIFETIME
    mailer.send(
        request.email, emails.appointment_link(lang, facility.name, len(people), link, expires_at)
    )
    return len(people), expires_at


def _ensure_no_live_appointment(facility_id: str, keys: tuple[str, ...], now: datetime) -> None:
    """A person has one live appointment per facility: say so before they pick a slot.
    (Only a courtesy: the appointment's own transaction is what enforces it.)"""
    live = appointment_store.live_appointments(facility_id, keys, now)
    if live:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.PARTY_HAS_APPOINTMENT,
            field_errors=[
                FieldError(f"people[{i}]", "has_appointment")
                for i, key in enumerate(keys)
                if key in live
            ],
        )


def _party(token: str) -> PartyRequest:
    return _party_link(token)[0]


def _party_link(token: str) -> tuple[PartyRequest, datetime]:
    link = check_link(link_store.get(token), LinkPurpose.APPOINTMENT, runtime.current().now())
    party = appointment_store.get_request(link.subject)
    if party is None:
        raise DomainError(ErrorCode.LINK_EXPIRED)
    return party, link.expires_at


def describe_link(token: str) -> tuple[PartyRequest, Facility, datetime]:
    """The party a link books for, its facility and when the link expires; the link
    stays usable (only confirming uses it up)."""
    party, expires_at = _party_link(token)
    return party, load_facility(party.facility_id), expires_at


def hold(request: AppointmentHoldRequest) -> Hold:
    """One slot per person, consecutive, on one counter."""
    party = _party(request.token)
    if party.counter and party.counter != request.resource_type_id:
        raise DomainError.invalid("resourceTypeId", "counter_fixed", counter=party.counter)
    facility = load_facility(party.facility_id)
    return holds.place(
        Owner.appointment_request(party.request_id),
        HoldRequest(
            facility_id=party.facility_id,
            resource_type_id=request.resource_type_id,
            date=request.date,
            start=request.start,
            slots=party.people,
            quantity=1,
        ),
        facility,
        AccountStatus.VERIFIED,
        Recipient(party.email, party.language),
    )


def confirm(request: AppointmentConfirm) -> AppointmentCreated:
    """The held slots become the appointment; its password is shown (and mailed) once."""
    rt = runtime.current()
    try:
        party = _party(request.token)
    except DomainError as error:
        if error.code is ErrorCode.LINK_ALREADY_USED:
            _release_after_use(request.token, request.hold_id)
        raise
    owner = Owner.appointment_request(party.request_id)
    held = holds.pending(request.hold_id, owner)
    if held.valid_until <= rt.now():
        raise DomainError(ErrorCode.HOLD_EXPIRED)
    rules.check_recipients(request.recipients, party.people)
    facility = load_facility(party.facility_id)
    counter = facility.resource_type(held.resource_type_id)
    password = "".join(secrets.choice(ALPHABET) for _ in range(rules.RECEIPT_PASSWORD_LENGTH))
    secret_hash = passwords.hash_password(password)
    first = held.first_day
    for number in booking.reservation_numbers(rt.rng):
        appointment = Appointment(
            receipt_number=number,
            facility_id=facility.facility_id,
            facility_name=facility.name,
            counter=held.resource_type_id,
            counter_name=counter.name if counter else held.resource_type_id,
            location=counter.location if counter else "",
            address=facility.address,
            what_to_bring=facility.what_to_bring,
            date=first,
            start=held.start or "",
            end=held.end or "",
            people=party.people,
            recipients=request.recipients,
            contact=request.contact,
            status="confirmed",
            cancel_deadline=booking.deadline(first, facility.rules.cancel_deadline_days),
        )
        try:
            appointment_store.confirm(
                held, number, appointment, rt.now(), secret_hash, party, request.token
            )
        except inventory_store.LostRace:
            refusal = _why_lost(held, owner, party, request.token)
            if refusal is not None:
                raise refusal from None
            continue  # the number was taken: try another
        mail = emails.appointment_confirmed(party.language, appointment, password)
        for address in _addresses(party.email, appointment):
            mailer.send(address, mail)
        return AppointmentCreated(**appointment.model_dump(), password=password)
    raise DomainError(ErrorCode.CONFLICT, reason=messages.PLEASE_RETRY)


def _why_lost(held: Hold, owner: Owner, party: PartyRequest, token: str) -> DomainError | None:
    """The true reason an appointment's transaction failed, or None to retry.

    A hold that can no longer become this party's appointment (its link or a person's
    appointment was taken by another hold) is released at once, so its slots are free
    for others instead of for the rest of its ten minutes.
    """
    now = runtime.current().now()
    refusal = holds.lost_race(held.hold_id, owner, now)
    if refusal is not None:
        return refusal
    link = link_store.get(token)
    if link is not None and link.used_at is not None:
        refusal = DomainError(ErrorCode.LINK_ALREADY_USED)
    elif appointment_store.live_appointments(party.facility_id, party.person_keys, now):
        refusal = DomainError(ErrorCode.CONFLICT, reason=messages.PARTY_HAS_APPOINTMENT)
    if refusal is not None:
        with contextlib.suppress(DomainError):
            holds.release(held.hold_id, owner)
    return refusal


def _release_after_use(token: str, hold_id: str) -> None:
    """Frees a hold of a link that another tab (or a racing client) has used up: it can
    never become an appointment, so its slots should not wait out its ten minutes."""
    link = link_store.get(token)
    party = appointment_store.get_request(link.subject) if link is not None else None
    if party is not None:
        with contextlib.suppress(DomainError):  # already confirmed, released or not theirs
            holds.release(hold_id, Owner.appointment_request(party.request_id))


def _unlocked(receipt: ReceiptCredentials, client: str) -> tuple[StoredReservation, Appointment]:
    """The appointment if number and password match. Wrong passwords are throttled per
    receipt number and per client, and an unknown number answers like a known one."""
    number = receipt.receipt_number.strip()
    stored = booking_store.get_reservation(number)
    usable = (
        stored is not None
        and stored.secret_hash is not None
        and isinstance(stored.document, Appointment)
    )
    credentials.verify(
        credentials.Claim(credentials.Scope.RECEIPT, number, client),
        stored.secret_hash if usable and stored else None,
        receipt.password,
    )
    if stored is None or not isinstance(stored.document, Appointment):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)  # verify() has refused it already
    return stored, stored.document


def lookup(receipt: ReceiptCredentials, client: str) -> Appointment:
    return _unlocked(receipt, client)[1]


def cancel(receipt: ReceiptCredentials, client: str) -> Appointment:
    """Cancels until the facility's deadline; the slots are free at once."""
    rt = runtime.current()
    stored, appointment = _unlocked(receipt, client)
    if appointment.status != "confirmed":
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.APPOINTMENT_CANCELLED,
        )
    booking.ensure_before_deadline(
        appointment.date, appointment.cancel_deadline, rt.today(), ErrorCode.OUTSIDE_CANCEL_PERIOD
    )
    cancelled = appointment.model_copy(update={"status": "cancelled"})
    party = appointment_store.get_request(stored.owner.id)
    try:
        appointment_store.cancel(stored, cancelled, party)
    except inventory_store.LostRace:
        raise DomainError(ErrorCode.CONFLICT, reason=messages.PLEASE_RETRY) from None
    if party:
        mail = emails.appointment_cancelled(party.language, cancelled)
        for address in _addresses(party.email, cancelled):
            mailer.send(address, mail)
    return cancelled


def _addresses(first: str, appointment: Appointment) -> list[str]:
    """The confirmed address, and 連絡先メールアドレス2 when given (and different)."""
    second = appointment.contact.email2
    return [first] if second is None or second == first else [first, second]


def import_eligible(facility_id: str, csv_text: str, actor: StaffMember) -> int:
    """Replaces the people who may book (CSV); nothing is imported when a line is wrong."""
    facility = load_facility(facility_id)
    people = rules.parse_eligibility_csv(csv_text)
    known = {r.resource_type_id for r in facility.resource_types}
    for index, person in enumerate(people, start=2):
        if person.counter and person.counter not in known:
            raise DomainError.invalid(
                f"line {index}", "unknown_resource_type", known=", ".join(known)
            )
    imported = appointment_store.import_eligible(facility_id, people)
    audit.record(
        actor,
        AuditAction.ELIGIBILITY_IMPORTED,
        TargetType.FACILITY,
        facility_id,
        EligibilityImported(imported=imported),
    )
    return imported
