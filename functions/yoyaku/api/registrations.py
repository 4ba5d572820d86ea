"""Online registration: the form, the e-mail confirmation, and the start of the review."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from yoyaku.api import accepting
from yoyaku.api.language import caller_language
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import Confirmed, RegistrationAccepted, RegistrationForm
from yoyaku.services import registrations

router = Router()


class ConfirmRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"token": "Yq3xK8vN2pR7tWm5bZ9cD4fH6jL1sA0gE-uQiOo_XyT"}]}
    )

    token: str = Field(min_length=1, max_length=100)


@router.post(
    "/v1/registrations",
    middlewares=[accepting.WRITE],
    summary="Apply for an account",
    description="Sends a confirmation link by e-mail. Workers also get a presigned upload "
    "for their proof of employment (JPEG or PNG, at most 10 MB). The answer is the same "
    "whether or not the address already has an account (the e-mail says which).",
    tags=["accounts"],
    status_code=202,
)
def register(form: RegistrationForm) -> RegistrationAccepted:
    return registrations.register(form, caller_language(router))


@router.post(
    "/v1/registrations/confirm",
    middlewares=[accepting.WRITE],
    summary="Confirm the e-mail address: issues the user number",
    tags=["accounts"],
    status_code=201,
)
def confirm_registration(request: ConfirmRequest) -> Confirmed:
    return registrations.confirm(request.token)
