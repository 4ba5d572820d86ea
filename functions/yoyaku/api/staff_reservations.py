"""Staff: a facility's check-in list and its CSV export, a reservation by number, and
cancellation on a citizen's behalf."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import ConfigDict, Field

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.api.periods import Day, Month
from yoyaku.domain.checkin import CheckInRow
from yoyaku.domain.citizen_lookup import USER_NUMBER_PATTERN
from yoyaku.domain.model import CamelModel
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import staff_citizens, staff_reservations

router = Router()

FacilityId = Annotated[str, Path(alias="facilityId", min_length=1, max_length=40)]


class CheckInList(Paged):
    facility_id: str
    first: date
    last: date
    items: list[CheckInRow]


class CancellationOnBehalf(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "ご本人から電話で取消しの依頼がありました（施設の臨時休館のため）。"}
            ]
        }
    )

    reason: str = Field(min_length=1, max_length=1000)


@router.get(
    "/v1/staff/facilities/<facilityId>/reservations",
    summary="The check-in list: reservations starting on a day or in a month",
    description="Give `date` or `month`. Cancelled reservations are listed too (status). "
    "Paged by date and reservation number; the CSV export has the whole period.",
    tags=["staff"],
)
def check_in_list(
    facility_id: FacilityId,
    date_: Day = None,
    month: Month = None,
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> CheckInList:
    auth.staff(router)
    first, last = staff_reservations.period(date_, month)
    page = staff_reservations.arrivals_page(facility_id, first, last, limit, next_token)
    return CheckInList(
        facility_id=facility_id,
        first=first,
        last=last,
        items=page.items,
        next_token=page.next_token,
    )


@router.get(
    "/v1/staff/facilities/<facilityId>/reservations/export",
    summary="The check-in list of a day or a month as CSV (UTF-8 with BOM)",
    description="Recorded in the audit trail (`reservations.exported`).",
    tags=["staff"],
    responses={200: {"description": "CSV", "content": {"text/csv": {}}}},
)
def export_csv(facility_id: FacilityId, date_: Day = None, month: Month = None) -> Response[str]:
    member = auth.staff(router)
    first, last = staff_reservations.period(date_, month)
    text = staff_reservations.export(facility_id, first, last, member)
    name = f"reservations-{facility_id}-{month or first.isoformat()}.csv"
    return Response(
        200,
        "text/csv; charset=utf-8",
        text,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class CheckInRows(Paged):
    items: list[CheckInRow]


@router.get(
    "/v1/staff/reservations",
    summary="A citizen's reservations by user number, with who booked them",
    description="By stay date, cancelled ones included; 404 `NOT_FOUND` for an unknown "
    "user number.",
    tags=["staff"],
)
def reservations_by_user_number(
    user_number: Annotated[str, Query(alias="userNumber", pattern=USER_NUMBER_PATTERN)],
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> CheckInRows:
    auth.staff(router)
    page = staff_citizens.check_in_rows_of(user_number, limit, next_token)
    return CheckInRows(items=page.items, next_token=page.next_token)


@router.get(
    "/v1/staff/reservations/<reservationNumber>",
    summary="A reservation by its number, with who booked it",
    tags=["staff"],
)
def find_reservation(
    number: Annotated[str, Path(alias="reservationNumber", min_length=1, max_length=20)],
) -> CheckInRow:
    auth.staff(router)
    return staff_reservations.find(number)


@router.post(
    "/v1/staff/reservations/<reservationNumber>/cancellation",
    summary="Cancel a reservation on the citizen's behalf, with a reason (e-mailed)",
    description="Any confirmed reservation whose day has not passed, whatever the "
    "citizen's own deadline. The units are free at once. CONFLICT when it is cancelled "
    "already or its day has passed.",
    tags=["staff"],
)
def cancel_on_behalf(
    number: Annotated[str, Path(alias="reservationNumber", min_length=1, max_length=20)],
    body: CancellationOnBehalf,
) -> CheckInRow:
    member = auth.staff(router)
    return staff_reservations.cancel_on_behalf(number, body.reason, member)
