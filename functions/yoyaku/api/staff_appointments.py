"""Staff: import who may book a counter appointment (CSV)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from yoyaku.api import auth, request_body
from yoyaku.domain.errors import DomainError
from yoyaku.domain.model import CamelModel
from yoyaku.services import appointments, catalog

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
