"""Builds the Powertools resolver of a function: routers, validation and problem+json."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.middleware_factory import lambda_handler_decorator
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.api.problems import negotiate_language, problem_response
from yoyaku.api.request_body import normalised, request_problem
from yoyaku.api.validation import field_errors
from yoyaku.domain import messages
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Language

logger = Logger(service="yoyaku")


NO_CONTENT: Response[None] = Response(status_code=204)


def request_language(app: APIGatewayRestResolver) -> Language:
    return negotiate_language(app.current_event.headers.get("accept-language"))


def _json(value: object) -> str:
    """Compact UTF-8 JSON: Japanese stays readable instead of \\u escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=Encoder)


LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@lambda_handler_decorator
def _refuse_bad_input(
    handler: LambdaHandler, event: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    problem = request_problem(event)
    if problem is None:
        return handler(normalised(event), context)
    proxy = APIGatewayProxyEvent(event)
    response = problem_response(problem, negotiate_language(proxy.headers.get("accept-language")))
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": response.content_type or "", **response.headers},
        "body": response.body,
        "isBase64Encoded": False,
    }


def refuse_bad_input(handler: LambdaHandler) -> LambdaHandler:
    """The input boundary of every API function, as Powertools handler middleware: the
    request's media type, body and parameters are checked (api/request_body.py) before
    the resolver sees them, so that nothing a route cannot read reaches Powertools or a
    route. It wraps the handler rather than sitting among the resolver's middlewares
    because those run after request validation has parsed the body, and only once a
    route matched; the resolver itself stays Powertools' own, unpatched."""
    return cast(LambdaHandler, _refuse_bad_input(handler))


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
        problem = DomainError(
            ErrorCode.VALIDATION_FAILED, field_errors=field_errors(error.errors())
        )
        return problem_response(problem, request_language(app))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[str]:
        problem = DomainError(ErrorCode.NOT_FOUND, what=messages.PAGE)
        return problem_response(problem, request_language(app))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        # A bug or an AWS outage, never bad input: log it whole, tell the user nothing was saved.
        logger.exception("unhandled error", extra={"path": app.current_event.path})
        return problem_response(DomainError(ErrorCode.INTERNAL_ERROR), request_language(app))

    return app
