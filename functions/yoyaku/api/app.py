"""Builds the Powertools resolver of a function: routers, validation and problem+json."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.shared.json_encoder import Encoder

from yoyaku.api.problems import negotiate_language, problem_response
from yoyaku.api.validation import field_errors
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual, Language

logger = Logger(service="yoyaku")


def request_language(app: APIGatewayRestResolver) -> Language:
    return negotiate_language(app.current_event.get_header_value("accept-language"))


def _json(value: object) -> str:
    """Compact UTF-8 JSON: Japanese stays readable instead of \\u escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=Encoder)


def _sent_form_not_json(app: APIGatewayRestResolver) -> bool:
    """A body sent without a JSON content type (curl without -H) is misread as a form."""
    event = app.current_event
    content_type = (event.get_header_value("content-type") or "").lower()
    return bool(event.body) and "json" not in content_type


def create_app(*routers: Router) -> APIGatewayRestResolver:
    """A REST resolver serving `routers`, where every failure is a localized problem."""
    app = APIGatewayRestResolver(enable_validation=True, serializer=_json)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response[str]:
        return problem_response(error, request_language(app))

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[str]:
        if _sent_form_not_json(app):
            return problem_response(
                DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE), request_language(app)
            )
        problem = DomainError(
            ErrorCode.VALIDATION_FAILED, field_errors=field_errors(error.errors())
        )
        return problem_response(problem, request_language(app))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[str]:
        what = Bilingual("ページ", "page")
        return problem_response(DomainError(ErrorCode.NOT_FOUND, what=what), request_language(app))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        # A bug or an AWS outage, never bad input: log it whole, tell the user nothing was saved.
        logger.exception("unhandled error", extra={"path": app.current_event.path})
        return problem_response(DomainError(ErrorCode.INTERNAL_ERROR), request_language(app))

    return app
