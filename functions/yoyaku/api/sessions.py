"""Citizen sign-in (user number + password), sign-out, and password resets."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from yoyaku.api import accepting, auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain.auth import SessionToken
from yoyaku.domain.model import CamelModel
from yoyaku.services import accounts, sessions

router = Router()


class SignIn(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"userNumber": "100001", "password": "Shibakoen-2026"}]}
    )

    user_number: str = Field(min_length=1, max_length=12)
    password: str = Field(min_length=1, max_length=200)


class ResetRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"userNumber": "100001", "email": "minato.taro@example.jp"}]
        }
    )

    user_number: str = Field(min_length=1, max_length=12)
    email: str = Field(min_length=1, max_length=254)


class ResetConfirm(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Yq3xK8vN2pR7tWm5bZ9cD4fH6jL1sA0gE-uQiOo_XyT",
                    "newPassword": "Ohiradai-2027",
                }
            ]
        }
    )

    token: str = Field(min_length=1, max_length=100)
    new_password: str = Field(max_length=200)


class ResetAccepted(CamelModel):
    status: str = "accepted"


@router.post(
    "/v1/sessions",
    summary="Sign in with user number and password",
    tags=["accounts"],
    status_code=201,
)
def sign_in(credentials: SignIn) -> SessionToken:
    client = auth.client_address(router)
    return sessions.sign_in(credentials.user_number, credentials.password, client)


@router.delete("/v1/sessions/current", summary="Sign out", tags=["accounts"], status_code=204)
def sign_out() -> Response[None]:
    auth.citizen(router)
    sessions.sign_out(auth.bearer_token(router))
    return NO_CONTENT


@router.post(
    "/v1/password-resets",
    middlewares=[accepting.WRITE],
    summary="Ask for a password-reset link",
    description="Always 202, whether or not the number and address match (no account "
    "enumeration); when they match, a single-use link valid for an hour is e-mailed.",
    tags=["accounts"],
    status_code=202,
)
def request_reset(request: ResetRequest) -> ResetAccepted:
    accounts.request_reset(request.user_number, request.email)
    return ResetAccepted()


@router.post(
    "/v1/password-resets/confirm",
    middlewares=[accepting.WRITE],
    summary="Set a new password with the e-mailed link (signs out everywhere)",
    tags=["accounts"],
    status_code=204,
)
def confirm_reset(request: ResetConfirm) -> Response[None]:
    accounts.confirm_reset(request.token, request.new_password)
    return NO_CONTENT
