"""Facilities, their bookable resource types and their booking rules."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain.closures import ClosingDays
from yoyaku.domain.model import CamelModel

FacilityId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
ResourceTypeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
# Plain groups (months, days), no named ones: the pattern is also the JSON Schema's, and
# ECMA-262 (what clients and Redocly read it with) has no `(?P<name>...)`.
OPENS_BEFORE = re.compile(r"^P(?:(\d{1,2})M|(\d{1,3})D)$")


class ResourceType(CamelModel):
    resource_type_id: ResourceTypeId
    name: str = Field(
        min_length=1, max_length=100, description="As people know it, e.g. 第1窓口, 和室."
    )
    capacity_persons: int | None = Field(default=None, ge=1, le=100)
    location: str = Field(
        default="",
        max_length=200,
        description="Where it is within the facility, e.g. 本庁舎1階 市民課.",
    )
    roster_required: bool = Field(
        default=False,
        description="Groups need a roster (団体名簿) accepted at their registration review "
        "to book or enter a lottery for this (seed 000: the gym's arenas, not its tennis "
        "courts; the baseball ground; the sports plaza).",
    )


Audience = Literal["groups", "individuals", "both"]


class ClosesDaysBefore(CamelModel):
    """Booking closes this many days before the stay, by the user's status (seed 004)."""

    provisional: int = Field(ge=0, le=365)
    verified: int = Field(ge=0, le=365)


class BookingRules(ClosingDays):
    """When a facility takes bookings: the window, sizes, deadlines and its closing days."""

    opens_before: str = Field(
        default="P1M",
        pattern=OPENS_BEFORE.pattern,
        description="ISO 8601 period before the stay when booking opens: P1M (same day of "
        "the month, clamped at month ends) or PnD.",
    )
    closes_days_before: ClosesDaysBefore
    max_nights: int | None = Field(default=None, ge=1, le=14)
    max_units_per_booking: int = Field(ge=1, le=100)
    change_deadline_days: int = Field(ge=0, le=365)
    cancel_deadline_days: int = Field(ge=0, le=365)


class LotterySettings(CamelModel):
    enabled: bool = False
    residents_only: bool = True


class FacilityOptions(CamelModel):
    room_style_wish: bool = Field(
        default=False,
        description="Guests may state a Japanese/Western-style room wish (和洋室希望).",
    )


class FacilityDefinition(CamelModel):
    """What staff send to create or replace a facility (the id comes from the path)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "大平台みなと荘",
                    "kind": "lodging",
                    "municipality": "港区",
                    "description": (
                        "箱根・大平台の区民保養施設。"
                        "和洋室希望を承ります（利用可否は当日チェックイン時にご案内）。"
                    ),
                    "address": "神奈川県足柄下郡箱根町大平台",
                    "resourceTypes": [
                        {"resourceTypeId": "room", "name": "客室", "capacityPersons": 5}
                    ],
                    "audience": "individuals",
                    "rules": {
                        "opensBefore": "P1M",
                        "closesDaysBefore": {"provisional": 14, "verified": 5},
                        "maxNights": 2,
                        "maxUnitsPerBooking": 3,
                        "changeDeadlineDays": 5,
                        "cancelDeadlineDays": 3,
                    },
                    "lottery": {"enabled": True, "residentsOnly": True},
                    "options": {"roomStyleWish": True},
                },
                {
                    "name": "上尾運動公園テニスコート",
                    "kind": "timeslot",
                    "municipality": "上尾市",
                    "description": "砂入り人工芝コート4面。2時間単位。",
                    "address": "埼玉県上尾市",
                    "resourceTypes": [{"resourceTypeId": "court", "name": "テニスコート（1面）"}],
                    "rules": {
                        "opensBefore": "P1M",
                        "closesDaysBefore": {"provisional": 14, "verified": 5},
                        "maxUnitsPerBooking": 2,
                        "changeDeadlineDays": 3,
                        "cancelDeadlineDays": 1,
                    },
                    "lottery": {"enabled": True, "residentsOnly": False},
                },
            ]
        }
    )

    name: str = Field(min_length=1, max_length=100)
    kind: Literal["lodging", "timeslot"]
    municipality: str = Field(default="", max_length=50)
    description: str = Field(default="", max_length=2000)
    address: str = Field(default="", max_length=200)
    what_to_bring: str = Field(
        default="",
        max_length=1000,
        description="What visitors must bring (持ち物), shown with appointments and e-mailed.",
    )
    resource_types: list[ResourceType] = Field(min_length=1, max_length=20)
    audience: Audience = Field(
        default="both",
        description="Who may book it or enter its lotteries: group accounts (団体), "
        "individual accounts, or both.",
    )
    rules: BookingRules
    lottery: LotterySettings = LotterySettings()
    options: FacilityOptions = FacilityOptions()
    online_renewal: bool = Field(
        default=True,
        description="Whether its users may renew their registration online. Seed 000 "
        "keeps some facility types (公民館, 陶芸窯, 市民活動支援センター, 学校開放特別教室, "
        "身体障害者福祉センター) at the counter: an account that uses one of them is sent "
        "to the facility's counter (RENEWAL_NOT_AVAILABLE_ONLINE).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> FacilityDefinition:
        ids = [r.resource_type_id for r in self.resource_types]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise PydanticCustomError(
                "duplicate", "duplicate {value}", {"value": duplicates[0], "field": "resourceTypes"}
            )
        if self.kind == "lodging" and self.rules.max_nights is None:
            raise PydanticCustomError(
                "max_nights_required", "lodging needs maxNights", {"field": "rules.maxNights"}
            )
        if self.kind == "timeslot" and self.rules.max_nights is not None:
            raise PydanticCustomError(
                "max_nights_lodging_only", "maxNights is for lodging", {"field": "rules.maxNights"}
            )
        return self


class Facility(FacilityDefinition):
    # A stored facility has its id: the definition's request examples do not describe it.
    model_config = ConfigDict(json_schema_extra=None)

    facility_id: FacilityId

    def resource_type(self, resource_type_id: str) -> ResourceType | None:
        return next(
            (r for r in self.resource_types if r.resource_type_id == resource_type_id), None
        )
