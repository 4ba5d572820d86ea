"""Staff: import who may book a counter appointment (CSV)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from yoyaku.adapters import appointment_store
from yoyaku.api import auth
from yoyaku.api.catalog import load_facility
from yoyaku.domain.appointments import parse_eligibility_csv
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.model import CamelModel

router = Router()

MAX_CSV_BYTES = 5 * 1024 * 1024


class ImportResult(CamelModel):
    facility_id: str
    imported: int


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
    auth.staff(router)
    facility = load_facility(facility_id)
    event = router.current_event
    content_type = (event.get_header_value("content-type") or "").lower()
    if not content_type.startswith("text/csv"):
        raise DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    text = event.decoded_body or ""
    if len(text.encode()) > MAX_CSV_BYTES:
        raise DomainError.invalid("body", "string_too_long", max_length=MAX_CSV_BYTES)
    people = parse_eligibility_csv(text)
    known = {r.resource_type_id for r in facility.resource_types}
    for index, person in enumerate(people, start=2):
        if person.counter and person.counter not in known:
            raise DomainError.invalid(
                f"line {index}", "unknown_resource_type", known=", ".join(known)
            )
    return ImportResult(
        facility_id=facility_id, imported=appointment_store.import_eligible(facility_id, people)
    )
