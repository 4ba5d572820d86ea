"""The OpenAPI document of the whole API, generated from the Powertools routers.

Run as `python -m yoyaku.api.openapi` (make openapi). It runs in its own process
because including a router in a resolver binds the router to that resolver.

Powertools describes the success body of each route. What it cannot know is completed
here from the code, so that the document says what the service really answers:
- who may call: a route that asks `api.auth` for a citizen or a staff member needs that
  bearer token (the template's authorizers must agree: a contract test checks it);
- every problem it can answer, as `application/problem+json` with its codes: the codes
  the route and what it calls can raise (`api.refusals`), 422 where it reads input, 415
  where it reads a body, 401/403 where a token is needed, 429 and 500 everywhere;
- readable operation ids (the function names in camelCase) and the tags' descriptions.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from yoyaku.api import (
    appointments,
    catalog,
    holds,
    identity,
    line,
    lotteries,
    me,
    notices,
    postal_codes,
    reception,
    registrations,
    renewals,
    reservations,
    sessions,
    staff_appointments,
    staff_audit,
    staff_catalog,
    staff_citizens,
    staff_registration_cards,
    staff_reservations,
    staff_reviews,
    staff_sessions,
)
from yoyaku.api.app import create_app
from yoyaku.api.problems import PROBLEM_JSON, problem_type
from yoyaku.api.refusals import route_sources
from yoyaku.api.request_body import non_json_routes
from yoyaku.domain.errors import ErrorCode
from yoyaku.domain.messages import PROBLEMS, Language
from yoyaku.domain.text import text_pattern

TITLE = "Yoyaku API"
VERSION = "1.0.0"


def document() -> dict[str, object]:
    app = create_app(
        catalog.router,
        notices.public,
        postal_codes.router,
        reception.public,
        registrations.router,
        sessions.router,
        me.router,
        line.router,
        renewals.router,
        holds.router,
        reservations.router,
        staff_sessions.router,
        staff_catalog.router,
        notices.staff,
        staff_reviews.router,
        appointments.router,
        staff_appointments.router,
        staff_registration_cards.router,
        lotteries.public,
        lotteries.citizen,
        lotteries.staff,
        identity.router,
        staff_audit.router,
        staff_reservations.router,
        staff_citizens.router,
        reception.staff,
    )
    schema = app.get_openapi_schema(
        title=TITLE,
        version=VERSION,
        summary="Public-facility reservations: catalog, accounts, bookings and lotteries.",
        description="Errors are RFC 9457 problem+json with a stable `code`; send "
        "`Accept-Language: en` for English (Japanese by default). See docs/api.md.",
    )
    generated: dict[str, Any] = json.loads(schema.model_dump_json(by_alias=True, exclude_none=True))
    return completed(generated)


TAGS = {
    "catalog": "Facilities, their availability and published notices (no sign-in).",
    "accounts": "Registration, sign-in, the signed-in citizen and password resets.",
    "bookings": "Holds and reservations of a signed-in citizen.",
    "lotteries": "Lotteries: what is drawn, entries, results and the audit of each draw.",
    "appointments": "Counter appointments without an account: a link by e-mail, then "
    "a receipt number and password.",
    "line": "Sign-in and lottery results through LINE.",
    "identity": "My Number card signatures that prove who is registering.",
    "staff": "Municipal staff: catalog, inventory, notices, reviews, lotteries, eligibility.",
}

SECURITY_SCHEMES = {
    "citizen": {
        "type": "http",
        "scheme": "bearer",
        "description": "The token of `POST /v1/sessions` or `POST /v1/line/sessions`.",
    },
    "staff": {
        "type": "http",
        "scheme": "bearer",
        "description": "The token of `POST /v1/staff/sessions`.",
    },
}

# The `api.auth` functions that admit only one kind of caller, and the scheme each needs.
_AUTH_SCHEME = {
    "yoyaku.api.auth.citizen": "citizen",
    "yoyaku.api.auth.citizen_profile": "citizen",
    "yoyaku.api.auth.staff": "staff",
}

_FIELD_PROBLEM = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "Where: `party[0].adults`, `body`, `from`"},
        "message": {"type": "string"},
    },
    "required": ["field", "message"],
}

_PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details. `code` is stable; `title`, `detail` and "
    "`errors[].message` are in the language of `Accept-Language` (Japanese unless "
    "English is preferred).",
    "properties": {
        "type": {"type": "string", "description": "`/problems/` and the code in kebab case"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "enum": [code.value for code in ErrorCode]},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"}},
        "retryAt": {"type": "string", "description": "ACCOUNT_LOCKED: when to try again"},
        "opensOn": {"type": "string", "description": "OUTSIDE_BOOKING_WINDOW"},
        "closedOn": {"type": "string", "description": "OUTSIDE_*_WINDOW / _PERIOD"},
        "cardCode": {"type": "string", "description": "CARD_EXPIRED 21, CARD_REVOKED 23"},
    },
    "required": ["type", "title", "status", "code"],
}


def _camel(name: str) -> str:
    head, *rest = name.strip("_").split("_")
    return head + "".join(part.title() for part in rest)


def _problem_responses(codes: set[ErrorCode]) -> dict[str, Any]:
    by_status: dict[int, list[ErrorCode]] = defaultdict(list)
    for code in sorted(codes, key=lambda c: c.value):
        by_status[code.status].append(code)
    responses: dict[str, Any] = {}
    for status, listed in sorted(by_status.items()):
        lines = [f"`{code.value}`: {PROBLEMS[code][Language.EN][0]}" for code in listed]
        first = listed[0]
        title, detail = PROBLEMS[first][Language.EN]
        example: dict[str, Any] = {
            "type": problem_type(first),
            "title": title,
            "status": status,
            "detail": re.sub(r"\{\w+\}", "…", detail),
            "code": first.value,
        }
        if first is ErrorCode.VALIDATION_FAILED:
            example["errors"] = [{"field": "body", "message": "…"}]
        responses[str(status)] = {
            "description": "; ".join(lines),
            "content": {
                PROBLEM_JSON: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": example,
                }
            },
        }
    return responses


def _operation_codes(
    method: str, path: str, operation: dict[str, Any], raised: set[ErrorCode]
) -> set[ErrorCode]:
    codes = set(raised) | {ErrorCode.INTERNAL_ERROR, ErrorCode.RATE_LIMITED}
    if operation.get("parameters") or "requestBody" in operation:
        codes.add(ErrorCode.VALIDATION_FAILED)
    if "requestBody" in operation:
        codes.add(ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    if "{" in path:
        codes.add(ErrorCode.NOT_FOUND)  # an unknown id, or a path the gateway does not serve
    if operation.get("security"):
        codes |= {ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN}
    return codes


def _bounds_in_words(parameter: dict[str, Any]) -> None:
    """Powertools copies a date parameter's `ge`/`le` into its schema, which JSON Schema
    does not have for strings: say the range in the parameter's description instead."""
    for schema in [parameter.get("schema", {}), *parameter.get("schema", {}).get("anyOf", [])]:
        low, high = schema.pop("ge", None), schema.pop("le", None)
        if low is not None or high is not None:
            parameter["description"] = f"A date from {low} to {high}."


def _text_rule(schema: Any) -> None:
    """Every free string of a request says the one text rule (`domain.text`) as its
    pattern; a string with a pattern, a format or a list of values is stricter already."""
    if isinstance(schema, list):
        for item in schema:
            _text_rule(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not schema.keys() & {"pattern", "format", "enum"}:
        schema["pattern"] = text_pattern()
    for key, value in schema.items():
        if key not in ("example", "examples", "default", "const"):
            _text_rule(value)


def completed(document: dict[str, Any]) -> dict[str, Any]:
    """`document` as Powertools made it, completed with what the code says (module doc)."""
    sources = route_sources()
    non_json = non_json_routes()
    operation_ids: set[str] = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            source = sources[(method.upper(), path)]
            reach = source.reach()
            schemes = sorted({_AUTH_SCHEME[f] for f in reach.functions if f in _AUTH_SCHEME})
            operation["security"] = [{scheme: []} for scheme in schemes]
            operation["operationId"] = _camel(source.function)
            if operation["operationId"] in operation_ids:
                raise ValueError(f"two routes are named {source.function}")
            operation_ids.add(operation["operationId"])
            for parameter in operation.get("parameters", []):
                _bounds_in_words(parameter)
                _text_rule(parameter.get("schema"))
            media_type = non_json.get((method.upper(), path))
            if media_type is not None and "requestBody" not in operation:
                operation["requestBody"] = {
                    "required": True,
                    "content": {media_type: {"schema": {"type": "string"}}},
                }
            responses = {
                status: response
                for status, response in operation["responses"].items()
                if status.startswith("2")
            }
            for status, response in responses.items():
                if status == "204":
                    response.pop("content", None)
                    response["description"] = "Done; no body"
                elif response.get("description") == "Successful Response":
                    response["description"] = (
                        "OK" if status == "200" else "Accepted" if (status == "202") else "Created"
                    )
            codes = _operation_codes(method, path, operation, set(reach.codes))
            responses.update(_problem_responses(codes))
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for generic in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(generic, None)
    _text_rule(schemas)  # request and response models alike: what is stored is shown
    schemas["Problem"] = _PROBLEM
    schemas["FieldProblem"] = _FIELD_PROBLEM
    document["components"] = {
        **document["components"],
        "securitySchemes": SECURITY_SCHEMES,
    }
    document["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
    document["paths"] = dict(sorted(document["paths"].items()))  # a reader's order
    return document


if __name__ == "__main__":
    print(json.dumps(document(), ensure_ascii=False, indent=2))
