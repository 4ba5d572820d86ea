"""The signed-in citizen: profile status, password, applications and proof documents."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from yoyaku.api import accepting, auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.accounts import Me, MePreferences, PasswordChange
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.domain.registration import ProofUpload, RosterUpload
from yoyaku.domain.review import Application
from yoyaku.services import accounts, proofs, reviews

router = Router()


class ApplicationList(Paged):
    items: list[Application]


def _user_number() -> str:
    return auth.citizen(router).id


@router.get("/v1/me", summary="The signed-in user", tags=["accounts"])
def get_me() -> Me:
    return accounts.me(_user_number())


@router.patch(
    "/v1/me",
    middlewares=[accepting.WRITE],
    summary="Change my preferences: the lottery-results e-mail",
    description="Applies to lotteries entered earlier and not yet drawn too.",
    tags=["accounts"],
)
def update_me(preferences: MePreferences) -> Me:
    return accounts.set_preferences(_user_number(), preferences)


@router.put(
    "/v1/me/password",
    middlewares=[accepting.WRITE],
    summary="Change the password (signs out every session)",
    tags=["accounts"],
    status_code=204,
)
def change_password(change: PasswordChange) -> Response[None]:
    accounts.change_password(_user_number(), change)
    return NO_CONTENT


@router.get("/v1/me/applications", summary="My applications and their history", tags=["accounts"])
def my_applications(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> ApplicationList:
    user, _ = accounts.account(_user_number())
    page = reviews.applications_of(user.user_number, limit, next_token)
    return ApplicationList(items=page.items, next_token=page.next_token)


@router.post(
    "/v1/me/proof-document",
    middlewares=[accepting.WRITE],
    summary="A new upload for the proof of employment (after a return)",
    tags=["accounts"],
    status_code=201,
)
def new_proof_document() -> ProofUpload:
    return proofs.new_upload_after_return(_user_number())


@router.post(
    "/v1/me/roster-upload",
    middlewares=[accepting.WRITE],
    summary="A new upload for the group roster (名簿)",
    description="Groups only (409 `CONFLICT` otherwise). The image (JPEG or PNG, at most "
    "10 MB) is checked like a proof document. A group whose application was returned is "
    "put back under review by a valid upload; while the application is under review, "
    "staff see the newest roster.",
    tags=["accounts"],
    status_code=201,
)
def new_roster_upload() -> RosterUpload:
    return proofs.new_roster_upload_for(_user_number())


@router.post(
    "/v1/me/applications/<applicationId>/resubmission",
    middlewares=[accepting.WRITE],
    summary="Resubmit a returned application after fixing what was asked",
    description="A worker's valid new proof upload resubmits automatically; this route is "
    "for the other cases, and refuses while a worker's latest upload was refused.",
    tags=["accounts"],
)
def resubmit_application(
    application_id: Annotated[str, Path(alias="applicationId")],
) -> Application:
    user, _ = accounts.account(_user_number())
    return reviews.resubmit(user, application_id)
