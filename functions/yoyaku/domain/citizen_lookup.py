"""Staff looking a citizen up by user number (answering a phone call, a counter visit):
the account as registered, its status today, its sign-in lock, its applications with
their history, and ending a sign-in lock with a reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, PlainSerializer

from yoyaku.domain.account_kinds import AccountStatus, ApplicationStatus, Group, Residency, UserType
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import Profile
from yoyaku.domain.review import ApplicationMethod, StaffHistoryEntry
from yoyaku.domain.staff import StaffRef

USER_NUMBER_PATTERN = r"^[0-9]{1,12}$"


# Only what the citizen gave: the fields they left out are absent, not null. A lambda,
# because a serializer without a return annotation keeps the document's schema Profile.
PresentFields = PlainSerializer(
    lambda p: p.model_dump(mode="json", by_alias=True, exclude_none=True)
)


class SignInState(CamelModel):
    """The sign-in throttle of the account's user number (domain/throttle.py)."""

    failures: int = Field(description="Wrong passwords in a row.")
    locked: bool = Field(
        description="Enough wrong passwords in a row that each further attempt must wait "
        "(and a wrong one makes the wait longer): staff may unlock."
    )
    retry_at: datetime | None = Field(
        default=None, description="While waiting: when the next attempt is checked."
    )


class StaffApplication(CamelModel):
    """An application as staff see it: who opened and who decided."""

    application_id: str
    type: Literal["registration", "renewal"]
    status: ApplicationStatus
    method: ApplicationMethod
    submitted_at: datetime
    history: list[StaffHistoryEntry]
    decided_by: StaffRef | None = None
    decided_at: datetime | None = None


class StaffCitizen(CamelModel):
    user_number: str
    name_kanji: str
    email: str
    language: str
    residency: Residency
    user_type: UserType
    status: AccountStatus = Field(description="The status that counts today.")
    verified_until: date | None = None
    lottery_result_email: bool
    roster_accepted: bool
    group: Group | None = None
    profile: Annotated[Profile, PresentFields] = Field(
        description="What the citizen gave when registering (or renewing): names, "
        "birthdate, address, phone, workplace…"
    )
    sign_in: SignInState
    applications: list[StaffApplication] = Field(description="Oldest first.")


class UnlockRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "ご本人から電話で依頼あり。氏名・生年月日・住所で本人確認済み。"}
            ]
        }
    )

    reason: str = Field(min_length=1, max_length=1000)
