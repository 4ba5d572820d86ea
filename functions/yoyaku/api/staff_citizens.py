"""Staff: a citizen by user number (account, sign-in lock, applications), their
reservations and lottery entries, and ending their sign-in lock."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.booking import Reservation
from yoyaku.domain.citizen_lookup import (
    USER_NUMBER_PATTERN,
    SignInState,
    StaffCitizen,
    UnlockRequest,
)
from yoyaku.domain.lottery import EntryOut
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import staff_citizens

router = Router()

UserNumber = Annotated[str, Path(alias="userNumber", pattern=USER_NUMBER_PATTERN)]


class CitizenReservations(Paged):
    items: list[Reservation]


class CitizenEntries(Paged):
    items: list[EntryOut]


@router.get(
    "/v1/staff/citizens/<userNumber>",
    summary="A citizen by user number: status, profile, sign-in lock and applications",
    tags=["staff"],
)
def look_up_citizen(user_number: UserNumber) -> StaffCitizen:
    auth.staff(router)
    return staff_citizens.look_up(user_number)


@router.get(
    "/v1/staff/citizens/<userNumber>/reservations",
    summary="A citizen's reservations, by stay date",
    tags=["staff"],
)
def citizen_reservations(
    user_number: UserNumber, limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None
) -> CitizenReservations:
    auth.staff(router)
    page = staff_citizens.reservations_of(user_number, limit, next_token)
    return CitizenReservations(items=page.items, next_token=page.next_token)


@router.get(
    "/v1/staff/citizens/<userNumber>/lottery-entries",
    summary="A citizen's lottery entries",
    tags=["staff"],
)
def citizen_lottery_entries(
    user_number: UserNumber, limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None
) -> CitizenEntries:
    auth.staff(router)
    page = staff_citizens.lottery_entries_of(user_number, limit, next_token)
    return CitizenEntries(items=page.items, next_token=page.next_token)


@router.post(
    "/v1/staff/citizens/<userNumber>/unlock",
    summary="End a citizen's sign-in lock, with a reason",
    description="The next sign-in attempt is checked at once. CONFLICT when the account "
    "is not locked. Recorded in the audit trail (`account.unlocked`).",
    tags=["staff"],
)
def unlock_citizen(user_number: UserNumber, body: UnlockRequest) -> SignInState:
    member = auth.staff(router)
    return staff_citizens.unlock(user_number, body.reason, member)
