"""The signed-in citizen: profile status, password, applications and proof documents."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import Field

from yoyaku import runtime
from yoyaku.adapters import (
    application_store,
    mailer,
    passwords,
    registration_store,
    session_store,
    user_store,
)
from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.api.registrations import ProofUpload, new_proof_upload
from yoyaku.domain import emails, people
from yoyaku.domain.accounts import User
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import AccountStatus, Residency
from yoyaku.domain.review import Application, ApplicationStatus
from yoyaku.workflows import review

router = Router()

APPLICATION = Bilingual("申請", "application")


class Me(CamelModel):
    user_number: str
    name_kanji: str
    residency: Residency
    status: AccountStatus
    verified_until: date | None = None
    lottery_result_email: bool


class PasswordChange(CamelModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(max_length=200)


class ApplicationList(CamelModel):
    items: list[Application]


def current_user(router: Router) -> tuple[User, str]:
    caller = auth.citizen(router)
    found = user_store.get(caller.id)
    if found is None:  # the session outlived its account
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    return found


@router.get("/v1/me", summary="The signed-in user", tags=["accounts"])
def me() -> Me:
    user, _ = current_user(router)
    return Me(
        user_number=user.user_number,
        name_kanji=user.name_kanji,
        residency=user.residency,
        status=user.status_on(runtime.current().today()),
        verified_until=user.verified_until,
        lottery_result_email=user.lottery_result_email,
    )


@router.put(
    "/v1/me/password",
    summary="Change the password (signs out every session)",
    tags=["accounts"],
)
def change_password(change: PasswordChange) -> Response[None]:
    user, password_hash = current_user(router)
    if not passwords.verify_password(password_hash, change.current_password):
        raise DomainError.invalid("currentPassword", "current_password_wrong")
    problem = people.password_problem(change.new_password, user.birthdate, user.user_number)
    if problem:
        raise DomainError.invalid("newPassword", problem)
    user_store.set_password(user.user_number, passwords.hash_password(change.new_password))
    session_store.end_all(auth.citizen(router))
    mailer.send(user.email, emails.password_changed(Language(user.language)))
    return NO_CONTENT


@router.get("/v1/me/applications", summary="My applications and their history", tags=["accounts"])
def my_applications() -> ApplicationList:
    user, _ = current_user(router)
    records = application_store.for_user(user.user_number)
    return ApplicationList(items=[r.application for r in records])


def _open_application(user: User) -> application_store.ApplicationRecord:
    """The user's application that is still under review or returned to them."""
    for record in reversed(application_store.for_user(user.user_number)):
        if record.application.status not in (
            ApplicationStatus.COMPLETED,
            ApplicationStatus.REJECTED,
        ):
            return record
    raise DomainError(
        ErrorCode.CONFLICT,
        reason=Bilingual(
            "審査中または差戻し中の申請がありません。", "You have no application under review."
        ),
    )


@router.post(
    "/v1/me/proof-document",
    summary="A new upload for the proof of employment (after a return)",
    tags=["accounts"],
)
def new_proof_document() -> tuple[ProofUpload, int]:
    user, _ = current_user(router)
    if user.residency is not Residency.WORKER:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "在勤証明書類は区内在勤の方だけが提出します。",
                "Only workers submit a proof of employment.",
            ),
        )
    record = _open_application(user)
    return new_proof_upload(record.registration_id), 201


@router.post(
    "/v1/me/applications/<applicationId>/resubmission",
    summary="Resubmit a returned application after fixing what was asked",
    description="A worker's valid new proof upload resubmits automatically; this route is "
    "for the other cases, and refuses while a worker's latest upload was refused.",
    tags=["accounts"],
)
def resubmit(application_id: Annotated[str, Path(alias="applicationId")]) -> Application:
    user, _ = current_user(router)
    record = application_store.get(application_id)
    if record is None or record.user_number != user.user_number:
        raise DomainError(ErrorCode.NOT_FOUND, what=APPLICATION)
    if record.application.status is not ApplicationStatus.RETURNED or not record.task_token:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "この申請は差戻し中ではありません。", "This application is not returned."
            ),
        )
    registration = registration_store.get(record.registration_id)
    if user.residency is Residency.WORKER and (
        registration is None or registration.proof_problem or not registration.proof_key
    ):
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "在勤証明書類を先にアップロードし直してください。",
                "Upload your proof of employment again first.",
            ),
        )
    review.resume_after_return(record)
    updated = application_store.get(application_id)
    return updated.application if updated else record.application
