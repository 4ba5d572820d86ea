"""Who may book a counter appointment, and the identified parties that asked to."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from yoyaku.adapters.table import AppointmentRequestItem, EligibilityItem
from yoyaku.domain.appointments import Eligible, PartyRequest
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
    )
