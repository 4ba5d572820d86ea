"""LINE: sign-in with a LIFF ID token, and the signed-in citizen's LINE link."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from yoyaku.api import accepting, auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.domain.auth import SessionToken
from yoyaku.domain.line import MAX_TOKEN_LENGTH, LineLink
from yoyaku.domain.model import CamelModel
from yoyaku.services import line

router = Router()

# The shape of a LINE Login ID token (a JWT: header, claims and signature in base64url).
_EXAMPLE_JWT = (
    "eyJraWQiOiJhYmMxMjMiLCJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJodHRwczovL2FjY2Vzcy5saW5lLm1lIiwic3ViIjoiVTEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmIn0."
    "c2lnbmF0dXJl"
)
IdToken = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)
Nonce = Field(default=None, min_length=1, max_length=255)


class LineSignIn(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "idToken": _EXAMPLE_JWT,
                    "nonce": "n-0S6_WzA2Mj",
                }
            ]
        }
    )

    id_token: str = IdToken
    nonce: str | None = Nonce


class LineLinkRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "idToken": _EXAMPLE_JWT,
                    "nonce": "n-0S6_WzA2Mj",
                    "lotteryResults": True,
                }
            ]
        }
    )

    id_token: str = IdToken
    nonce: str | None = Nonce
    lottery_results: bool | None = None


class LinePreferences(CamelModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"lotteryResults": False}]})

    lottery_results: bool


class LineStatus(CamelModel):
    linked: bool
    linked_at: datetime | None = None
    lottery_results: bool = False


def _status(link: LineLink | None) -> LineStatus:
    if link is None:
        return LineStatus(linked=False)
    return LineStatus(linked=True, linked_at=link.linked_at, lottery_results=link.lottery_results)


@router.post(
    "/v1/line/sessions",
    summary="Sign in with a LIFF ID token",
    description="For a LINE user linked to an account (`PUT /v1/me/line`): a session like "
    "the one `POST /v1/sessions` gives. 404 `LINE_NOT_LINKED` when the LINE user has no "
    "account yet; 401 `LINE_TOKEN_INVALID` for a token that is expired, not for this "
    "channel, badly signed or already used (a token with a `nonce` works once; when "
    "`nonce` is sent, the token must carry that nonce).",
    tags=["line"],
    status_code=201,
)
def line_sign_in(request: LineSignIn) -> SessionToken:
    return line.sign_in(request.id_token, request.nonce)


@router.get("/v1/me/line", summary="Whether my account is linked to LINE", tags=["line"])
def my_line() -> LineStatus:
    return _status(line.current(auth.citizen(router).id))


@router.put(
    "/v1/me/line",
    middlewares=[accepting.WRITE],
    summary="Link my LINE account (from the LIFF app)",
    description="Links the token's LINE user to the signed-in account, once each way: "
    "linking the same LINE user again is harmless (it may change `lotteryResults`), "
    "another LINE user or a LINE user linked elsewhere is `CONFLICT` (unlink first). "
    "Application notices then also come by LINE; lottery results only with "
    "`lotteryResults: true`. An e-mail confirms the link.",
    tags=["line"],
    status_code=204,
)
def link_line(request: LineLinkRequest) -> Response[None]:
    line.link(auth.citizen(router).id, request.id_token, request.nonce, request.lottery_results)
    return NO_CONTENT


@router.patch(
    "/v1/me/line",
    middlewares=[accepting.WRITE],
    summary="Choose whether lottery results also come by LINE",
    tags=["line"],
)
def set_line_preferences(request: LinePreferences) -> LineStatus:
    return _status(line.set_lottery_results(auth.citizen(router).id, request.lottery_results))


@router.delete(
    "/v1/me/line",
    middlewares=[accepting.WRITE],
    summary="Unlink LINE",
    description="Ends every session opened with LINE (this one too, if it was); notices "
    "come by e-mail only. 204 also when nothing was linked.",
    tags=["line"],
    status_code=204,
)
def unlink_line() -> Response[None]:
    line.unlink(auth.citizen(router).id)
    return NO_CONTENT
