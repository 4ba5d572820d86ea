"""Renewal of the user registration (seed 000): whether it is due, the signed
application, and the form saved for later (一時保存)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header

from yoyaku.api import accepting, auth
from yoyaku.api.language import caller_language
from yoyaku.domain.renewal import (
    RenewalAccepted,
    RenewalDraft,
    RenewalRequest,
    RenewalWindow,
    SavedDraft,
)
from yoyaku.services import renewals

router = Router()


def _user_number() -> str:
    return auth.citizen(router).id


@router.get(
    "/v1/me/renewal",
    summary="Whether my registration can be renewed online now",
    description="Workers from two months before `verifiedUntil` and after it; residents "
    "when the municipality sets a renewal period for them. `reason` says why not, and "
    "for facilities kept at the counter, where to go instead.",
    tags=["renewal"],
)
def renewal_window() -> RenewalWindow:
    return renewals.window(_user_number(), caller_language(router))


@router.post(
    "/v1/renewals",
    middlewares=[accepting.WRITE],
    summary="Apply for the renewal, signed with the My Number card",
    description="`verificationId` comes from POST /v1/identity/verifications with the "
    "purpose `renewal`; the card must be the account holder's (name and birthdate; a "
    "changed address updates the account once approved). Answers 202 with the 6-digit "
    "申請番号; staff review it. An `Idempotency-Key` header makes a retry return the "
    "same application.",
    tags=["renewal"],
    status_code=202,
)
def apply_for_renewal(
    request: RenewalRequest,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=100)] = None,
) -> RenewalAccepted:
    return renewals.submit(_user_number(), request, caller_language(router), idempotency_key)


@router.get(
    "/v1/me/renewal-draft",
    summary="The renewal form saved for later (一時保存)",
    description="404 `NOT_FOUND` when nothing is saved or the save is older than 7 days.",
    tags=["renewal"],
)
def get_draft() -> SavedDraft:
    return renewals.draft(_user_number())


@router.put(
    "/v1/me/renewal-draft",
    middlewares=[accepting.WRITE],
    summary="Save the renewal form for later (一時保存; files are not saved)",
    description="Kept for 7 days from the last save; a successful application deletes it.",
    tags=["renewal"],
)
def put_draft(draft: RenewalDraft) -> SavedDraft:
    return renewals.save_draft(_user_number(), draft)
