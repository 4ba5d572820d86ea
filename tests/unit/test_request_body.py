"""The checks every request passes before a route reads it (api/request_body.py)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from yoyaku.api.request_body import (
    MAX_DEPTH,
    MediaType,
    normalised,
    parse_media_type,
    read_json,
    request_problem,
)
from yoyaku.domain.errors import ErrorCode
from yoyaku.domain.text import forbidden_character


def event(
    body: str | bytes | None,
    content_type: str | None = "application/json",
    *,
    query: dict[str, str] | None = None,
    path: dict[str, str] | None = None,
    resource: str = "/v1/holds",
) -> dict[str, Any]:
    headers = {"Content-Type": content_type} if content_type else {}
    encoded = isinstance(body, bytes)
    return {
        "httpMethod": "POST",
        "resource": resource,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": path,
        "body": base64.b64encode(body).decode() if encoded else body,
        "isBase64Encoded": encoded,
    }


UTF8_JSON = MediaType("application", "json", {"charset": "UTF-8"})
UTF8_LOWER = MediaType("application", "json", {"charset": "utf-8"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("application/json", MediaType("application", "json")),
        ("APPLICATION/JSON", MediaType("application", "json")),
        (
            "Application/Json ; Charset=UTF-8",
            MediaType("application", "json", {"charset": "UTF-8"}),
        ),
        (
            'application/json;charset="utf-8"',
            MediaType("application", "json", {"charset": "utf-8"}),
        ),
        ("text/csv; header=present", MediaType("text", "csv", {"header": "present"})),
        ("application/json;", None),
        ("application/json; charset", None),
        ("application", None),
        ("application/json/x", None),
        ("", None),
    ],
)
def test_media_types_are_parsed_as_rfc_9110_says(value: str, expected: MediaType | None) -> None:
    assert parse_media_type(value) == expected


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "APPLICATION/JSON",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF8",
    ],
)
def test_json_in_any_spelling_of_its_media_type_is_read(content_type: str) -> None:
    request = event('{"a": 1}', content_type)
    assert request_problem(request) is None
    assert normalised(request)["headers"]["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/json",
        "application/jsonx",
        "application/vnd.api+json",
        "application/json; charset=latin-1",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "json",
    ],
)
def test_any_other_media_type_is_415(content_type: str | None) -> None:
    problem = request_problem(event('{"a": 1}', content_type))
    assert problem is not None and problem.code is ErrorCode.UNSUPPORTED_MEDIA_TYPE


@pytest.mark.parametrize(
    ("body", "field", "kind"),
    [
        (b'{"a": "\xff"}', "body", "utf8_invalid"),
        ("[" * 10_000 + "]" * 10_000, "body", "json_invalid"),
        ('{"a": ' * 10_000 + "1" + "}" * 10_000, "body", "json_invalid"),
        ('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), "body", "json_invalid"),
        ('{"a": NaN}', "body", "json_invalid"),
        ('{"a": -Infinity}', "body", "json_invalid"),
        ('{"a": 1' + "0" * 5000 + "}", "body", "json_invalid"),
        ("[]", "body", "model_type"),
        ('"text"', "body", "model_type"),
        ('{"title": "a\\u0000b"}', "title", "forbidden_character"),
        ('{"title": "\\u202eevil"}', "title", "forbidden_character"),
        ('{"title": "\\ud800"}', "title", "forbidden_character"),
        ('{"people": [{"name": "x\\u0007"}]}', "people[0].name", "forbidden_character"),
        ('{"a\\u0000": 1}', "a\x00", "forbidden_character"),
    ],
)
def test_bodies_no_route_could_read_are_422_on_the_field(
    body: str | bytes, field: str, kind: str
) -> None:
    problem = request_problem(event(body))
    assert problem is not None and problem.code is ErrorCode.VALIDATION_FAILED
    assert [(e.field, e.kind) for e in problem.field_errors] == [(field, kind)]


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_DEPTH
    assert read_json('{"a": ' * depth + "1" + "}" * depth) is not None


def test_parameters_pass_the_text_rule_too() -> None:
    problem = request_problem(event(None, None, query={"from": "2030-01-01\u0000"}))
    assert problem is not None and problem.field_errors[0].field == "from"
    problem = request_problem(event(None, None, path={"facilityId": "inn\u202e"}))
    assert problem is not None and problem.field_errors[0].field == "facilityId"


def test_a_csv_route_takes_csv_checked_as_text() -> None:
    from yoyaku.api import staff_appointments  # noqa: F401  (registers the CSV route)

    resource = "/v1/staff/appointment-eligibility"
    csv = "noticeNumber,noticeNumber2,birthdate\n"
    assert request_problem(event(csv, "text/csv", resource=resource)) is None
    assert request_problem(event(csv, "TEXT/CSV; charset=utf-8", resource=resource)) is None
    wrong = request_problem(event(csv, "application/json", resource=resource))
    assert wrong is not None and wrong.code is ErrorCode.UNSUPPORTED_MEDIA_TYPE
    bad_bytes = request_problem(event(b"a,b\n\xff\xfe,c\n", "text/csv", resource=resource))
    assert bad_bytes is not None and bad_bytes.field_errors[0].kind == "utf8_invalid"
    nul = request_problem(event("a,b\nc\u0000,d\n", "text/csv", resource=resource))
    assert nul is not None and nul.field_errors[0].kind == "forbidden_character"


@pytest.mark.parametrize(
    "text",
    ["港 太郎", "line one\nline two\r\n\tindented", "emoji 👨‍👩‍👧 ok", "", "ｶﾀｶﾅ", "\ue000 外字"],
)
def test_ordinary_text_passes(text: str) -> None:
    assert forbidden_character(text) is None


@pytest.mark.parametrize(
    "text",
    ["\x00", "a\x1bb", "\x7f", "\x85", "\u202e", "\u2066x\u2069", "\u200f", "\ud800", "\ufffe"],
)
def test_hidden_or_broken_characters_are_refused(text: str) -> None:
    assert forbidden_character(text) is not None


def test_json_body_survives_normalising_unchanged() -> None:
    body = json.dumps({"a": "b"})
    assert normalised(event(body, "APPLICATION/JSON; charset=utf-8"))["body"] == body
