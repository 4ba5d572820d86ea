"""Counter appointments without an account (seed 002).

Identify every person of the party, confirm the e-mail address by an expiring link,
hold one slot per person (consecutive, one counter) for 10 minutes, then confirm; the
receipt number and a password shown once give later lookup and cancellation.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timedelta

from aws_lambda_powertools.event_handler.api_gateway import Router

from yoyaku import runtime
from yoyaku.adapters import (
    appointment_store,
    booking_store,
    inventory_store,
    link_store,
    mailer,
    passwords,
)
from yoyaku.adapters.booking_store import StoredReservation
from yoyaku.api.catalog import load_facility
from yoyaku.api.holds import HoldCreated, hold_units, own_hold
from yoyaku.api.language import caller_language
from yoyaku.domain import appointments as rules
from yoyaku.domain import booking, emails
from yoyaku.domain.accounts import LOCK_DURATION, MAX_FAILED_SIGN_INS
from yoyaku.domain.appointments import (
    Appointment,
    AppointmentConfirm,
    AppointmentCreated,
    AppointmentHoldRequest,
    AppointmentRequest,
    ReceiptCredentials,
)
from yoyaku.domain.booking import HoldRequest
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.links import LinkPurpose, check_link
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import AccountStatus
from yoyaku.settings import settings

router = Router()

LINK_LIFETIME = timedelta(hours=24)
ALPHABET = string.ascii_letters + string.digits


class RequestAccepted(CamelModel):
    status: str = "email_sent"
    people: int
    expires_at: datetime


def _owner(request_id: str) -> str:
    return f"APPTREQ#{request_id}"


@router.post(
    "/v1/appointment-requests",
    summary="Identify the party and get an e-mailed link to book",
    description="Each person gives number 1 of the notice and the birthdate; when several "
    "records match, SECOND_NUMBER_REQUIRED asks for number 2 (18 characters). The party "
    "size is fixed from here on.",
    tags=["appointments"],
)
def request_appointment(request: AppointmentRequest) -> tuple[RequestAccepted, int]:
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
    lang = caller_language(router)
    party = appointment_store.PartyRequest(
        rt.new_id("apr"), facility.facility_id, request.email, lang.value, len(people), counter
    )
    appointment_store.save_request(party, rt.now())
    token = link_store.issue(LinkPurpose.APPOINTMENT, party.request_id, rt.now(), LINK_LIFETIME)
    link = f"{settings().site_url}/appointments/new?token={token}"
    mailer.send(
        request.email,
        emails.appointment_link(lang, facility.name, len(people), link, rt.now() + LINK_LIFETIME),
    )
    return RequestAccepted(people=len(people), expires_at=rt.now() + LINK_LIFETIME), 202


def _party(token: str) -> appointment_store.PartyRequest:
    link = check_link(link_store.get(token), LinkPurpose.APPOINTMENT, runtime.current().now())
    party = appointment_store.get_request(link.subject)
    if party is None:
        raise DomainError(ErrorCode.LINK_EXPIRED)
    return party


@router.post(
    "/v1/appointments/holds",
    summary="Hold one slot per person (consecutive, one counter) for 10 minutes",
    tags=["appointments"],
)
def hold_appointment(request: AppointmentHoldRequest) -> tuple[HoldCreated, int]:
    party = _party(request.token)
    if party.counter and party.counter != request.resource_type_id:
        raise DomainError.invalid("resourceTypeId", "counter_fixed", counter=party.counter)
    facility = load_facility(party.facility_id)
    hold = hold_units(
        _owner(party.request_id),
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
        {"email": party.email, "language": party.language},
    )
    return (
        HoldCreated(
            hold_id=hold.hold_id,
            expires_at=hold.valid_until,
            facility_id=hold.facility_id,
            resource_type_id=hold.resource_type_id,
            units=len(hold.units),
        ),
        201,
    )


@router.post(
    "/v1/appointments",
    summary="Confirm the held slots: returns the receipt number and a password (shown once)",
    tags=["appointments"],
)
def confirm_appointment(request: AppointmentConfirm) -> tuple[AppointmentCreated, int]:
    rt = runtime.current()
    party = _party(request.token)
    hold = own_hold(request.hold_id, _owner(party.request_id))
    if hold.valid_until <= rt.now():
        raise DomainError(ErrorCode.HOLD_EXPIRED)
    facility = load_facility(party.facility_id)
    password = "".join(secrets.choice(ALPHABET) for _ in range(rules.RECEIPT_PASSWORD_LENGTH))
    secret_hash = passwords.hash_password(password)
    first = min(u.day for u in hold.units)
    for _ in range(3):
        number = str(rt.rng.randrange(10**9, 10**10))
        appointment = Appointment(
            receipt_number=number,
            facility_id=facility.facility_id,
            facility_name=facility.name,
            counter=hold.resource_type_id,
            date=first,
            start=hold.start or "",
            end=hold.end or "",
            people=party.people,
            contact=request.contact,
            status="confirmed",
            cancel_deadline=booking.deadline(first, facility.rules.cancel_deadline_days),
        )
        try:
            booking_store.confirm_hold(
                hold, number, appointment.model_dump(mode="json"), rt.now(), secret_hash
            )
        except inventory_store.LostRace:
            current = booking_store.get_hold(hold.hold_id)
            if current is None or current.valid_until <= rt.now():
                raise DomainError(ErrorCode.HOLD_EXPIRED) from None
            continue
        link_store.use(request.token, rt.now())
        lang = Language(party.language)
        mailer.send(party.email, emails.appointment_confirmed(lang, appointment, password))
        created = AppointmentCreated(**appointment.model_dump(), password=password)
        return created, 201
    raise DomainError(
        ErrorCode.CONFLICT, reason=Bilingual("もう一度お試しください。", "Please retry.")
    )


def _unlocked(credentials: ReceiptCredentials) -> StoredReservation:
    """The appointment if number and password match; wrong passwords are limited."""
    now = runtime.current().now()
    number = credentials.receipt_number.strip()
    stored = booking_store.get_with_attempts(number)
    if stored is None or stored.secret_hash is None:
        passwords.verify_password(passwords.decoy_hash(), credentials.password)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    if stored.locked_until and stored.locked_until > now:
        seconds = int((stored.locked_until - now).total_seconds()) + 1
        raise DomainError(ErrorCode.RATE_LIMITED, retryAfterSeconds=seconds)
    if not passwords.verify_password(stored.secret_hash, credentials.password):
        failures = stored.failed_attempts + 1
        if failures >= MAX_FAILED_SIGN_INS:
            booking_store.record_failed_attempt(number, 0, now + LOCK_DURATION)
            raise DomainError(
                ErrorCode.RATE_LIMITED, retryAfterSeconds=int(LOCK_DURATION.total_seconds())
            )
        booking_store.record_failed_attempt(number, failures, None)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    if stored.failed_attempts or stored.locked_until:
        booking_store.record_failed_attempt(number, 0, None)
    return stored


@router.post("/v1/appointments/lookup", summary="Look up an appointment", tags=["appointments"])
def lookup_appointment(credentials: ReceiptCredentials) -> Appointment:
    return Appointment.model_validate(_unlocked(credentials).document)


@router.post("/v1/appointments/cancel", summary="Cancel an appointment", tags=["appointments"])
def cancel_appointment(credentials: ReceiptCredentials) -> Appointment:
    rt = runtime.current()
    stored = _unlocked(credentials)
    appointment = Appointment.model_validate(stored.document)
    if appointment.status != "confirmed":
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual("この予約は取り消されています。", "This appointment was cancelled."),
        )
    booking.ensure_before_deadline(
        appointment.date,
        (appointment.date - appointment.cancel_deadline).days,
        rt.today(),
        ErrorCode.OUTSIDE_CANCEL_PERIOD,
    )
    cancelled = appointment.model_copy(update={"status": "cancelled"})
    try:
        booking_store.update_reservation(
            stored,
            cancelled.model_dump(mode="json"),
            [],
            appointment.facility_id,
            appointment.counter,
        )
    except inventory_store.LostRace:
        raise DomainError(
            ErrorCode.CONFLICT, reason=Bilingual("もう一度お試しください。", "Please retry.")
        ) from None
    party = appointment_store.get_request(stored.owner.removeprefix("APPTREQ#"))
    if party:
        mailer.send(party.email, emails.appointment_cancelled(Language(party.language), cancelled))
    return cancelled
