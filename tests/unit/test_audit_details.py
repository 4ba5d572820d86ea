"""Each staff action records details of one shape (domain/audit.py), stored and listed
as that shape's JSON, with values that were not given left out rather than null."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from yoyaku.domain.audit import (
    DETAILS,
    AuditAction,
    AuditRecord,
    AuditTarget,
    Exported,
    InventoryChanged,
    LotteryDrawStarted,
    NoDetails,
    ReceptionHoursSet,
    ReviewDecided,
    TargetType,
    details_of,
)
from yoyaku.domain.staff import StaffRef


def _record(action: AuditAction, details: object) -> AuditRecord:
    return AuditRecord(
        audit_id="aud-1",
        at=datetime(2030, 6, 1, tzinfo=UTC),
        staff=StaffRef(staff_id="s-1", name="上尾 太郎"),
        role=None,
        action=action,
        target=AuditTarget(type=TargetType.FACILITY, id="inn"),
        details=details,  # type: ignore[arg-type]
    )


def test_every_action_has_one_kind_of_details() -> None:
    assert set(DETAILS) == set(AuditAction)


def test_a_record_refuses_details_of_another_action() -> None:
    with pytest.raises(ValidationError, match="records Exported"):
        _record(AuditAction.RESERVATIONS_EXPORTED, NoDetails())
    exported = Exported(from_=date(2030, 6, 1), to=date(2030, 6, 30), rows=3)
    assert _record(AuditAction.APPOINTMENTS_EXPORTED, exported).details == exported


def test_values_not_given_are_left_out_not_null() -> None:
    changed = InventoryChanged(
        resource_type_id="room",
        from_=date(2030, 6, 1),
        to=date(2030, 6, 2),
        capacity=3,
        days_changed=2,
    )
    assert changed.model_dump(mode="json") == {
        "resourceTypeId": "room",
        "from": "2030-06-01",
        "to": "2030-06-02",
        "capacity": 3,
        "daysChanged": 2,
    }
    assert LotteryDrawStarted().model_dump(mode="json") == {}
    assert ReceptionHoursSet(any_hour=True).model_dump(mode="json") == {"anyHour": True}


def test_reception_hours_record_either_the_hours_or_any_hour() -> None:
    with pytest.raises(ValidationError):
        ReceptionHoursSet()


@pytest.mark.parametrize(
    ("action", "stored"),
    [
        (AuditAction.REVIEW_DECIDED, {"decision": "return"}),
        (AuditAction.RESERVATIONS_EXPORTED, {"from": "2030-06-10", "to": "2030-06-10", "rows": 2}),
        (AuditAction.LOTTERY_DRAW_STARTED, {}),
        (AuditAction.REGISTRATION_CARD_MAILED, {}),
    ],
)
def test_stored_details_read_back_as_they_were_written(
    action: AuditAction, stored: dict[str, object]
) -> None:
    details = details_of(action, stored)
    assert isinstance(details, DETAILS[action])
    assert details.model_dump(mode="json") == stored


def test_a_decision_is_read_as_the_decision_enum() -> None:
    assert details_of(AuditAction.REVIEW_DECIDED, {"decision": "approve"}) == ReviewDecided(
        decision="approve"  # type: ignore[arg-type]
    )
