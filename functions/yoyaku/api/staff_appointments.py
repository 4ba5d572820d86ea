"""Staff and counter appointments: import who may book (CSV), the day's appointments
per counter, an appointment by receipt number, and cancellation on the party's behalf."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import ConfigDict, Field

from yoyaku.api import auth, request_body
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.api.periods import Day, Month
from yoyaku.domain.appointments import Appointment, StaffAppointment
from yoyaku.domain.errors import DomainError
from yoyaku.domain.model import CamelModel, QueryDate
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import appointments, catalog, staff_appointments, staff_reservations

router = Router()

MAX_CSV_BYTES = 5 * 1024 * 1024


class ImportResult(CamelModel):
    facility_id: str
    imported: int


request_body.accepts(request_body.CSV, "POST", "/v1/staff/appointment-eligibility")


@router.post(
    "/v1/staff/appointment-eligibility",
    summary="Import who may book counter appointments (CSV)",
    description="Send `Content-Type: text/csv` with the header line "
    "`noticeNumber,noticeNumber2,birthdate,counter` (counter optional, fixes the counter). "
    "Existing people are replaced; nothing is imported when any line is wrong.",
    tags=["staff"],
)
def import_eligibility(
    facility_id: Annotated[str, Query(alias="facilityId", min_length=1, max_length=40)],
) -> ImportResult:
    member = auth.staff(router)
    catalog.load_facility(facility_id)  # an unknown facility is 404 whatever the body
    # The media type, UTF-8 and the text rule were checked before the route (request_body).
    text = router.current_event.decoded_body or ""
    if len(text.encode()) > MAX_CSV_BYTES:
        raise DomainError.invalid("body", "string_too_long", max_length=MAX_CSV_BYTES)
    imported = appointments.import_eligible(facility_id, text, member)
    return ImportResult(facility_id=facility_id, imported=imported)


class AppointmentDay(Paged):
    facility_id: str
    date: date
    items: list[Appointment]


class AppointmentCancellation(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "窓口の臨時閉鎖のため、こちらで取り消しました。"}]
        }
    )

    reason: str = Field(min_length=1, max_length=1000)


ReceiptNumber = Annotated[str, Path(alias="receiptNumber", min_length=1, max_length=20)]


@router.get(
    "/v1/staff/facilities/<facilityId>/appointments",
    summary="The counter appointments of a day, by counter and time",
    description="Cancelled appointments are listed too (status). Paged by counter and "
    "time; the CSV export has the whole day or month.",
    tags=["staff"],
)
def appointment_day(
    facility_id: Annotated[str, Path(alias="facilityId", min_length=1, max_length=40)],
    day: Annotated[QueryDate, Query(alias="date", description="One day (Tokyo date).")],
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> AppointmentDay:
    auth.staff(router)
    page = staff_appointments.day_page(facility_id, day, limit, next_token)
    return AppointmentDay(
        facility_id=facility_id, date=day, items=page.items, next_token=page.next_token
    )


@router.get(
    "/v1/staff/facilities/<facilityId>/appointments/export",
    summary="The counter appointments of a day or a month as CSV (UTF-8 with BOM)",
    description="Give `date` or `month`. Cancelled appointments are listed too (status). "
    "Recorded in the audit trail (`appointments.exported`).",
    tags=["staff"],
    responses={200: {"description": "CSV", "content": {"text/csv": {}}}},
)
def export_appointments_csv(
    facility_id: Annotated[str, Path(alias="facilityId", min_length=1, max_length=40)],
    date_: Day = None,
    month: Month = None,
) -> Response[str]:
    member = auth.staff(router)
    first, last = staff_reservations.period(date_, month)
    text = staff_appointments.export(facility_id, first, last, member)
    name = f"appointments-{facility_id}-{month or first.isoformat()}.csv"
    return Response(
        200,
        "text/csv; charset=utf-8",
        text,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/v1/staff/appointments/<receiptNumber>",
    summary="A counter appointment by its receipt number, with the party's e-mail address",
    tags=["staff"],
)
def find_appointment_for_staff(number: ReceiptNumber) -> StaffAppointment:
    auth.staff(router)
    return staff_appointments.find(number)


@router.post(
    "/v1/staff/appointments/<receiptNumber>/cancellation",
    summary="Cancel a counter appointment on the party's behalf, with a reason (e-mailed)",
    description="Any confirmed appointment whose day has not passed, whatever the party's "
    "own deadline. The slots are free at once. CONFLICT when it is cancelled already or "
    "its day has passed. Recorded in the audit trail (`appointment.cancelled`).",
    tags=["staff"],
)
def cancel_appointment_on_behalf(
    number: ReceiptNumber, body: AppointmentCancellation
) -> StaffAppointment:
    member = auth.staff(router)
    return staff_appointments.cancel_on_behalf(number, body.reason, member)
