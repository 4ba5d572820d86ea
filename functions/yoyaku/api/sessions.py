"""Citizen sign-in (user number + password), sign-out, and password resets."""

from __future__ import annotations

from datetime import datetime, timedelta

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field

from yoyaku import runtime
from yoyaku.adapters import link_store, mailer, passwords, session_store, user_store
from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain import emails, people
from yoyaku.domain.accounts import after_failed_sign_in, ensure_not_locked
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.links import LinkPurpose, check_link
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import AccountStatus
from yoyaku.settings import settings

router = Router()


class SignIn(CamelModel):
    user_number: str = Field(min_length=1, max_length=12)
    password: str = Field(min_length=1, max_length=200)


class SessionToken(CamelModel):
    token: str
    expires_at: datetime


class ResetRequest(CamelModel):
    user_number: str = Field(min_length=1, max_length=12)
    email: str = Field(min_length=1, max_length=254)


class ResetConfirm(CamelModel):
    token: str = Field(min_length=1, max_length=100)
    new_password: str = Field(max_length=200)


class ResetAccepted(CamelModel):
    status: str = "accepted"


@router.post("/v1/sessions", summary="Sign in with user number and password", tags=["accounts"])
def sign_in(credentials: SignIn) -> tuple[SessionToken, int]:
    now = runtime.current().now()
    found = user_store.get(credentials.user_number.strip())
    if found is None:
        passwords.verify_password(passwords.decoy_hash(), credentials.password)  # same timing
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    user, password_hash = found
    ensure_not_locked(user, now)
    if not passwords.verify_password(password_hash, credentials.password):
        failures, locked_until = after_failed_sign_in(user.failed_sign_ins, now)
        user_store.record_sign_in_failure(user.user_number, failures, locked_until)
        if locked_until is not None:
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, retryAt=locked_until.isoformat())
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    if user.status is AccountStatus.REJECTED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=Bilingual(
                "この利用者登録は取り消されています。詳しくは登録取消のお知らせメールをご確認ください。",
                "This registration was cancelled; see the e-mail that told you why.",
            ),
        )
    if user.failed_sign_ins or user.locked_until:
        user_store.clear_sign_in_failures(user.user_number)
    token, expires_at = session_store.create(
        Principal(PrincipalKind.CITIZEN, user.user_number),
        now,
        timedelta(hours=settings().session_hours),
    )
    return SessionToken(token=token, expires_at=expires_at), 201


@router.delete("/v1/sessions/current", summary="Sign out", tags=["accounts"])
def sign_out() -> Response[None]:
    auth.citizen(router)
    token = auth.bearer_token(router)
    if token:
        session_store.end(token)
    return NO_CONTENT


@router.post(
    "/v1/password-resets",
    summary="Ask for a password-reset link",
    description="Always 202, whether or not the number and address match (no account "
    "enumeration); when they match, a single-use link valid for an hour is e-mailed.",
    tags=["accounts"],
)
def request_reset(request: ResetRequest) -> tuple[ResetAccepted, int]:
    rt = runtime.current()
    found = user_store.get(request.user_number.strip())
    if found is not None and found[0].email.lower() == request.email.strip().lower():
        user = found[0]
        lifetime = timedelta(minutes=settings().reset_link_minutes)
        token = link_store.issue(LinkPurpose.PASSWORD_RESET, user.user_number, rt.now(), lifetime)
        link = f"{settings().site_url}/password-resets/confirm?token={token}"
        mailer.send(
            user.email, emails.password_reset(Language(user.language), link, rt.now() + lifetime)
        )
    return ResetAccepted(), 202


@router.post(
    "/v1/password-resets/confirm",
    summary="Set a new password with the e-mailed link (signs out everywhere)",
    tags=["accounts"],
)
def confirm_reset(request: ResetConfirm) -> Response[None]:
    rt = runtime.current()
    link = check_link(link_store.get(request.token), LinkPurpose.PASSWORD_RESET, rt.now())
    found = user_store.get(link.subject)
    if found is None:
        raise DomainError(ErrorCode.LINK_INVALID)
    user = found[0]
    problem = people.password_problem(request.new_password, user.birthdate, user.user_number)
    if problem:
        raise DomainError.invalid("newPassword", problem)
    if not link_store.use(request.token, rt.now()):
        raise DomainError(ErrorCode.LINK_ALREADY_USED)
    user_store.set_password(user.user_number, passwords.hash_password(request.new_password))
    session_store.end_all(Principal(PrincipalKind.CITIZEN, user.user_number))
    mailer.send(user.email, emails.password_changed(Language(user.language)))
    return NO_CONTENT
