"""LINE's channel settings, read through Powertools Parameters and cached per container.

The Messaging API channel's access token (and its secret, kept for webhooks) live in a
Secrets Manager secret, a JSON object `{"channelAccessToken", "channelSecret"}`; the
LINE Login channel id that LIFF ID tokens are issued for is an SSM parameter. The
template passes only their names; the local runtime stores them in its mocked AWS.
"""

from __future__ import annotations

from typing import Any

from yoyaku.settings import settings

MAX_AGE_SECONDS = 300  # a rotated access token is picked up within five minutes


class LineNotConfigured(Exception):
    """The secret or the parameter is missing or malformed."""


def access_token(refresh: bool = False) -> str:
    """The Messaging API channel access token (`refresh` after LINE answered 401)."""
    from aws_lambda_powertools.utilities import parameters

    try:
        secret: Any = parameters.get_secret(
            settings().line_secret_name,
            transform="json",
            max_age=MAX_AGE_SECONDS,
            force_fetch=refresh,
        )
    except (parameters.GetParameterError, parameters.TransformParameterError) as error:
        raise LineNotConfigured(str(error)) from error
    token = secret.get("channelAccessToken") if isinstance(secret, dict) else None
    if not isinstance(token, str) or not token:
        raise LineNotConfigured("the secret has no channelAccessToken")
    return token


def login_channel_id() -> str:
    """The LINE Login channel id: the `aud` every accepted ID token must carry."""
    from aws_lambda_powertools.utilities import parameters

    try:
        value: Any = parameters.get_parameter(
            settings().line_channel_id_parameter, max_age=MAX_AGE_SECONDS
        )
    except parameters.GetParameterError as error:
        raise LineNotConfigured(str(error)) from error
    if not isinstance(value, str) or not value.strip():
        raise LineNotConfigured("the channel id parameter is empty")
    return value.strip()


def forget() -> None:
    """Drops cached values (tests; the local runtime after provisioning)."""
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()  # type: ignore[no-untyped-call]
