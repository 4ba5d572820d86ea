"""What staff send and see when they change a facility's closing days (休館日の設定)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

from yoyaku.domain.catalog import Facility
from yoyaku.domain.closures import ClosedReason, ClosingDays
from yoyaku.domain.model import CamelModel

CLOSING_EXAMPLE: JsonDict = {
    "closedWeekdays": ["monday"],
    "closedOnHolidays": True,
    "yearEndClosure": {"from": "12-29", "to": "01-03"},
    "closedDates": ["2027-02-16"],
}


class ClosurePreviewRequest(ClosingDays):
    """The closing days staff are about to save (the facility's rules are unchanged)."""

    model_config = ConfigDict(json_schema_extra={"examples": [CLOSING_EXAMPLE]})


class ClosureChange(ClosingDays):
    """The facility's new closing days, and why (kept in the audit trail)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**CLOSING_EXAMPLE, "reason": "2月16日は設備点検のため臨時休館"}]
        }
    )

    reason: str = Field(min_length=1, max_length=1000)


class ClosedDay(CamelModel):
    date: date
    reason: ClosedReason


class ClosureConflict(CamelModel):
    """A booking (or live hold, or units kept for a lottery) on a day the change closes."""

    kind: Literal["reservation", "appointment", "hold", "lottery"]
    date: date
    resource_type_id: str
    resource_type_name: str
    start: str | None = Field(default=None, description="The slot, for time-slot facilities.")
    end: str | None = None
    units: int = Field(description="Rooms, courts or slots it occupies on that day.")
    reservation_number: str | None = Field(
        default=None, description="The reservation number (an appointment's receipt number)."
    )
    guest_name: str | None = None
    user_number: str | None = None
    lottery_id: str | None = None


class ClosurePreview(CamelModel):
    facility_id: str
    closing: list[ClosedDay] = Field(
        description="Opened days the closing days would close (those closed already included)."
    )
    conflicts: list[ClosureConflict] = Field(
        description="What stands in the way: saving is refused while this is not empty."
    )
    still_closed: list[date] = Field(
        description="Days closed now by the current closing days but not by these: they "
        "stay closed until inventory is opened for them again."
    )
    days_changed: int = Field(description="Capacity records that saving would close.")


class ClosureResult(CamelModel):
    facility: Facility
    closing: list[ClosedDay]
    still_closed: list[date]
    days_changed: int
