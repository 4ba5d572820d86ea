"""Staff sign-in and sign-out."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain.auth import SessionToken
from yoyaku.domain.model import CamelModel
from yoyaku.domain.staff import StaffMe
from yoyaku.services import sessions

router = Router()


class StaffSignIn(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"staffId": "minato-shisetsu-01", "password": "Kuminhoyo-Desk-2026"}]
        }
    )

    staff_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


@router.post("/v1/staff/sessions", summary="Staff sign-in", tags=["staff"], status_code=201)
def staff_sign_in(credentials: StaffSignIn) -> SessionToken:
    client = auth.client_address(router)
    return sessions.staff_sign_in(credentials.staff_id, credentials.password, client)


@router.delete(
    "/v1/staff/sessions/current", summary="Staff sign-out", tags=["staff"], status_code=204
)
def staff_sign_out() -> Response[None]:
    auth.staff(router)
    sessions.sign_out(auth.bearer_token(router))
    return NO_CONTENT


@router.get(
    "/v1/staff/me",
    summary="The signed-in staff member: name, role and what the role may do",
    tags=["staff"],
)
def me() -> StaffMe:
    return StaffMe.of(auth.staff(router))
