"""RFC 9457 problem+json responses, in the language the client asked for."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from yoyaku.domain.bilingual import Bilingual, Language, TemplateParams
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.messages import field_message, problem_text

PROBLEM_JSON = "application/problem+json"
# Members a problem may add (docs/api.md): when to retry, the booking window's dates, a
# card error's code, who decided an application first (a second decision's CONFLICT), and
# when reception opens again, until when the service is suspended and its notice, and
# the bookings that stand in the way of closing days (a list of objects, kept as is).
PROBLEM_MEMBERS = (
    "retryAt",
    "opensOn",
    "closedOn",
    "cardCode",
    "decidedBy",
    "decidedByName",
    "decidedAt",
    "decision",
    "opensAt",
    "until",
    "notice",
    "conflicts",
)


def negotiate_language(accept_language: str | None) -> Language:
    """English when the client prefers it over Japanese (RFC 9110 q-values); else Japanese."""
    best: tuple[float, Language] = (0.0, Language.JA)
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in ("en", "ja") and quality > best[0]:
            best = (quality, Language(primary))
    return best[1]


def problem_type(code: ErrorCode) -> str:
    """A stable URI reference per code, documented in docs/api.md."""
    return "/problems/" + code.value.lower().replace("_", "-")


def problem_body(
    code: ErrorCode,
    lang: Language,
    params: TemplateParams | None = None,
    field_errors: list[FieldError] | None = None,
) -> dict[str, Any]:
    title, detail = problem_text(code, lang, params or {})
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": code.status,
        "detail": detail,
        "code": code.value,
    }
    if field_errors:
        body["errors"] = [
            {"field": e.field, "message": field_message(e.kind, lang, e.params)}
            for e in field_errors
        ]
    for name in PROBLEM_MEMBERS:
        if params and name in params:
            value = params[name]
            if isinstance(value, str | int | Bilingual):
                body[name] = str(value)
            else:
                body[name] = [row.model_dump(mode="json", by_alias=True) for row in value]
    return body


def problem_response(error: DomainError, lang: Language) -> Response[str]:
    body = problem_body(error.code, lang, error.params, error.field_errors)
    headers: dict[str, str] = {"Content-Language": lang.value}
    if "retryAfterSeconds" in error.params:  # 429 and 503: when trying again makes sense
        headers["Retry-After"] = str(error.params["retryAfterSeconds"])
    return Response(
        status_code=error.code.status,
        content_type=PROBLEM_JSON,
        body=json.dumps(body, ensure_ascii=False),
        headers=headers,
    )
