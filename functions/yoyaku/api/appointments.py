"""Counter appointments without an account (seed 002): identify the party, confirm the
e-mail address by link, hold consecutive slots, confirm; then look up or cancel with the
receipt number and password."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from yoyaku.api import accepting, auth
from yoyaku.api.language import caller_language
from yoyaku.domain.appointments import (
    Appointment,
    AppointmentConfirm,
    AppointmentCreated,
    AppointmentHoldRequest,
    AppointmentRequest,
    ReceiptCredentials,
)
from yoyaku.domain.booking import HoldCreated
from yoyaku.domain.model import CamelModel
from yoyaku.services import appointments

router = Router()


class RequestAccepted(CamelModel):
    status: str = "email_sent"
    people: int
    expires_at: datetime


@router.post(
    "/v1/appointment-requests",
    middlewares=[accepting.BOOKING],
    summary="Identify the party and get an e-mailed link to book",
    description="Each person gives number 1 of the notice and the birthdate; when several "
    "records match, SECOND_NUMBER_REQUIRED asks for number 2 (18 characters). The party "
    "size is fixed from here on.",
    tags=["appointments"],
    status_code=202,
)
def request_appointment(request: AppointmentRequest) -> RequestAccepted:
    people, expires_at = appointments.request(request, caller_language(router))
    return RequestAccepted(people=people, expires_at=expires_at)


class LinkToken(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"token": "Yq3xK8vN2pR7tWm5bZ9cD4fH6jL1sA0gE-uQiOo_XyT"}]}
    )

    token: str = Field(min_length=1, max_length=200)


class PartyOfLink(CamelModel):
    facility_id: str
    facility_name: str
    people: int
    counter: str | None = None
    expires_at: datetime


@router.post(
    "/v1/appointment-requests/lookup",
    summary="What an e-mailed appointment link is for (party size, counter), without using it",
    description="The booking page opened from the e-mail shows the party size and needs "
    "N consecutive slots; `counter` is set when the eligibility list fixes the counter. "
    "The link stays usable: only `POST /v1/appointments` uses it up.",
    tags=["appointments"],
)
def look_up_request(request: LinkToken) -> PartyOfLink:
    party, facility, expires_at = appointments.describe_link(request.token)
    return PartyOfLink(
        facility_id=facility.facility_id,
        facility_name=facility.name,
        people=party.people,
        counter=party.counter,
        expires_at=expires_at,
    )


@router.post(
    "/v1/appointments/holds",
    middlewares=[accepting.BOOKING],
    summary="Hold one slot per person (consecutive, one counter) for 10 minutes",
    tags=["appointments"],
    status_code=201,
)
def hold_appointment(request: AppointmentHoldRequest) -> HoldCreated:
    return HoldCreated.of(appointments.hold(request))


@router.post(
    "/v1/appointments",
    middlewares=[accepting.BOOKING],
    summary="Confirm the held slots: returns the receipt number and a password (shown once)",
    tags=["appointments"],
    status_code=201,
)
def confirm_appointment(request: AppointmentConfirm) -> AppointmentCreated:
    return appointments.confirm(request)


@router.post("/v1/appointments/lookup", summary="Look up an appointment", tags=["appointments"])
def lookup_appointment(credentials: ReceiptCredentials) -> Appointment:
    return appointments.lookup(credentials, auth.client_address(router))


@router.post(
    "/v1/appointments/cancel",
    middlewares=[accepting.BOOKING],
    summary="Cancel an appointment",
    tags=["appointments"],
)
def cancel_appointment(credentials: ReceiptCredentials) -> Appointment:
    return appointments.cancel(credentials, auth.client_address(router))
