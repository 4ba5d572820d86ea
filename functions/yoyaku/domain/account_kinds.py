"""Who an account is: resident or worker, a person or a group, its status, and the
status of its registration application under review.

Apart from the registration form's models (domain/registration.py) because every
function needs these few types (sessions, the authorizer's context, bookings), while
only registration and reviews need the form: a cold start then builds no form model
it does not use.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain import people
from yoyaku.domain.model import CamelModel


class Residency(StrEnum):
    RESIDENT = "resident"
    WORKER = "worker"


class UserType(StrEnum):
    """利用者区分 (seed 001): a person, or a group registered by its representative."""

    INDIVIDUAL = "individual"
    GROUP = "group"


class Group(CamelModel):
    """A group (団体, seeds 000/001). The registrant is its representative (代表者), who
    signs for it and is contacted; the roster (名簿) image is uploaded apart."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    name_kana: Annotated[str, Field(max_length=100), AfterValidator(people.normalise_kana_text)]
    members: int = Field(ge=2, le=9999, description="How many people the group has.")
    local_members: int | None = Field(
        default=None,
        ge=0,
        le=9999,
        description="How many of them live or work in the municipality, where it asks.",
    )

    @model_validator(mode="after")
    def _local_within_members(self) -> Group:
        if self.local_members is not None and self.local_members > self.members:
            raise PydanticCustomError(
                "local_members_too_many", "", {"field": "localMembers", "members": self.members}
            )
        return self


class AccountStatus(StrEnum):
    PROVISIONAL = "provisional"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


class ApplicationStatus(StrEnum):
    RECEIVED = "received"  # 受付
    ACCEPTED = "accepted"  # 受理: a staff member opened it
    COMPLETED = "completed"  # 完了: approved
    RETURNED = "returned"  # 差戻し: the user must fix something
    REJECTED = "rejected"  # 却下: the account is closed


class Decision(StrEnum):
    """What a staff member decides on an application (domain/review.py says what each
    does); here because an audit record names it too."""

    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
