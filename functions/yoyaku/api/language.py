"""The caller's language, from Accept-Language (Japanese unless English is preferred)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from yoyaku.api.problems import negotiate_language
from yoyaku.domain.messages import Language


def caller_language(router: Router) -> Language:
    return negotiate_language(router.current_event.headers.get("accept-language"))
