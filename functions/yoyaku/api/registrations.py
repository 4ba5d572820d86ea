"""Online registration: the form, the e-mail confirmation, and the start of the review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field

from yoyaku import runtime
from yoyaku.adapters import (
    application_store,
    counters,
    link_store,
    mailer,
    passwords,
    proofs,
    registration_store,
    user_store,
    workflow,
)
from yoyaku.api.language import caller_language
from yoyaku.domain import emails
from yoyaku.domain.accounts import User
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.links import LinkPurpose, check_link
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import (
    AccountStatus,
    RegistrationForm,
    Residency,
    check_registration,
)
from yoyaku.settings import settings

router = Router()

USER_NUMBER_START = 100_000  # user numbers are 6 digits: 100001, 100002, …
APPLICATION_NUMBER_START = 0  # application numbers: 000001, … (seed 000's 申請番号)


class ProofUpload(CamelModel):
    url: str
    fields: dict[str, str]
    max_bytes: int
    content_types: list[str]


class RegistrationAccepted(CamelModel):
    registration_id: str
    status: str = "awaiting_email_confirmation"
    proof_upload: ProofUpload | None = None


class ConfirmRequest(CamelModel):
    token: str = Field(min_length=1, max_length=100)


class Confirmed(CamelModel):
    user_number: str
    status: AccountStatus


def _link(path: str, token: str) -> str:
    return f"{settings().site_url}{path}?token={token}"


def new_proof_upload(registration_id: str) -> ProofUpload:
    key = proofs.key_for(registration_id, runtime.current().new_id("upl"))
    return ProofUpload.model_validate(proofs.presigned_upload(key))


@router.post(
    "/v1/registrations",
    summary="Apply for an account",
    description="Sends a confirmation link by e-mail. Workers also get a presigned upload "
    "for their proof of employment (JPEG or PNG, at most 10 MB). The answer is the same "
    "whether or not the address already has an account (the e-mail says which).",
    tags=["accounts"],
)
def register(form: RegistrationForm) -> tuple[RegistrationAccepted, int]:
    rt = runtime.current()
    form = check_registration(form, rt.today())
    lang = caller_language(router)
    registration_id = rt.new_id("reg")
    upload = new_proof_upload(registration_id) if form.residency is Residency.WORKER else None
    if user_store.email_taken(form.email):
        mailer.send(form.email, emails.already_registered(lang))
    else:
        stored = form.model_dump(mode="json", exclude={"password", "agree_to_terms"})
        registration_store.save_new(
            registration_id, stored, passwords.hash_password(form.password), lang.value, rt.now()
        )
        lifetime = timedelta(hours=settings().confirm_link_hours)
        token = link_store.issue(
            LinkPurpose.CONFIRM_REGISTRATION, registration_id, rt.now(), lifetime
        )
        mailer.send(
            form.email,
            emails.confirm_registration(
                lang, _link("/registrations/confirm", token), rt.now() + lifetime
            ),
        )
    return RegistrationAccepted(registration_id=registration_id, proof_upload=upload), 202


@router.post(
    "/v1/registrations/confirm",
    summary="Confirm the e-mail address: issues the user number",
    tags=["accounts"],
)
def confirm(request: ConfirmRequest) -> tuple[Confirmed, int]:
    rt = runtime.current()
    link = check_link(link_store.get(request.token), LinkPurpose.CONFIRM_REGISTRATION, rt.now())
    registration = registration_store.get(link.subject)
    if registration is None:
        raise DomainError(ErrorCode.LINK_EXPIRED)  # unconfirmed registrations expire
    form: dict[str, Any] = registration.form
    user_number = f"{counters.next_value('userNumber', USER_NUMBER_START):06d}"
    application_id = f"{counters.next_value('application', APPLICATION_NUMBER_START):06d}"
    user = User(
        user_number=user_number,
        name_kanji=form["nameKanji"],
        email=form["email"],
        language=registration.language,
        residency=Residency(form["residency"]),
        status=AccountStatus.PROVISIONAL,
        verified_until=None,
        lottery_result_email=bool(form["lotteryResultEmail"]),
        birthdate=date.fromisoformat(form["birthdate"]),
    )
    application = application_store.new_item(
        application_id, user_number, registration.registration_id, "registration", rt.now()
    )
    try:
        user_store.create_account(
            user,
            form,
            registration.password_hash,
            registration.registration_id,
            application,
            request.token,
            rt.now(),
        )
    except user_store.AccountNotCreated as refused:
        if refused.why == "link_used":
            raise DomainError(ErrorCode.LINK_ALREADY_USED) from None
        mailer.send(user.email, emails.already_registered(Language(registration.language)))
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=Bilingual(
                "このメールアドレスはすでに登録されています。お持ちの利用者番号でログインしてください。",
                "This e-mail address already has an account; sign in with your user number.",
            ),
        ) from None
    workflow.start_review(
        application_id,
        {
            "applicationId": application_id,
            "reminderAfterSeconds": settings().review_reminder_seconds,
        },
    )
    lang = Language(registration.language)
    mailer.send(user.email, emails.user_number_issued(lang, user_number, application_id))
    return Confirmed(user_number=user_number, status=AccountStatus.PROVISIONAL), 201
