"""Staff sign-in and sign-out."""

from __future__ import annotations

from datetime import datetime, timedelta

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field

from yoyaku import runtime
from yoyaku.adapters import passwords, session_store, staff_store
from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.model import CamelModel
from yoyaku.settings import settings

router = Router()


class StaffSignIn(CamelModel):
    staff_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class SessionToken(CamelModel):
    token: str
    expires_at: datetime


@router.post("/v1/staff/sessions", summary="Staff sign-in", tags=["staff"])
def sign_in(credentials: StaffSignIn) -> tuple[SessionToken, int]:
    account = staff_store.get(credentials.staff_id)
    stored = account.password_hash if account else passwords.decoy_hash()
    if not passwords.verify_password(stored, credentials.password) or account is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    principal = Principal(PrincipalKind.STAFF, account.staff_id)
    token, expires_at = session_store.create(
        principal, runtime.current().now(), timedelta(hours=settings().session_hours)
    )
    return SessionToken(token=token, expires_at=expires_at), 201


@router.delete("/v1/staff/sessions/current", summary="Staff sign-out", tags=["staff"])
def sign_out() -> Response[None]:
    auth.staff(router)
    token = auth.bearer_token(router)
    if token:
        session_store.end(token)
    return NO_CONTENT
