"""problem+json bodies, language negotiation and field paths of validation errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yoyaku.api.problems import (
    PROBLEM_JSON,
    negotiate_language,
    problem_body,
    problem_response,
    problem_type,
)
from yoyaku.api.validation import field_errors, field_path
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.messages import Bilingual, Language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Language.JA),
        ("", Language.JA),
        ("en", Language.EN),
        ("EN", Language.EN),
        ("en-US", Language.EN),
        ("en-GB,en;q=0.9", Language.EN),
        ("ja", Language.JA),
        ("ja-JP", Language.JA),
        ("ja,en;q=0.9", Language.JA),
        ("en;q=0.9,ja;q=0.8", Language.EN),
        ("ja;q=0.5, en;q=0.8", Language.EN),
        ("en;q=0.5, ja", Language.JA),
        ("ja, en", Language.JA),  # equal preference: the first one
        ("en, ja", Language.EN),
        ("fr, de;q=0.5", Language.JA),  # nothing we speak: the default
        ("fr, en;q=0.1", Language.EN),
        ("en;q=0", Language.JA),  # q=0 means "not acceptable"
        ("en;q=abc", Language.JA),
        ("en;q=", Language.JA),
        ("*", Language.JA),
        (";;;,,, ;q=1", Language.JA),
        ("english", Language.JA),
        ("x" * 5000, Language.JA),
    ],
)
def test_negotiate_language(header: str | None, expected: Language) -> None:
    assert negotiate_language(header) is expected


def test_problem_type_is_a_stable_kebab_case_reference() -> None:
    assert problem_type(ErrorCode.VALIDATION_FAILED) == "/problems/validation-failed"
    assert problem_type(ErrorCode.NOT_FOUND) == "/problems/not-found"


def test_problem_body_has_the_rfc_9457_members_and_the_code() -> None:
    body = problem_body(ErrorCode.NOT_FOUND, Language.EN, {"what": Bilingual("施設", "facility")})
    assert body == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such facility. Check the number or the URL.",
        "code": "NOT_FOUND",
    }


def test_problem_body_is_japanese_when_asked() -> None:
    body = problem_body(ErrorCode.NOT_FOUND, Language.JA, {"what": Bilingual("施設", "facility")})
    assert body["title"] == "見つかりません"
    assert body["detail"].startswith("施設が見つかりません")


def test_validation_problems_list_each_field_with_its_message() -> None:
    errors = [
        FieldError("capacity", "less_than_equal", {"le": 999}),
        FieldError("colour", "extra_forbidden"),
    ]
    body = problem_body(ErrorCode.VALIDATION_FAILED, Language.EN, {}, errors)
    assert body["status"] == 422
    assert body["errors"] == [
        {"field": "capacity", "message": "Must be 999 or less."},
        {"field": "colour", "message": "Unknown field; remove it."},
    ]


def test_problems_without_field_errors_have_no_errors_member() -> None:
    assert "errors" not in problem_body(ErrorCode.CONFLICT, Language.EN, {"reason": "x"})


def test_machine_readable_values_are_repeated_as_members() -> None:
    body = problem_body(ErrorCode.ACCOUNT_LOCKED, Language.EN, {"retryAt": "2030-05-15T10:15"})
    assert body["retryAt"] == "2030-05-15T10:15"
    assert "2030-05-15T10:15" in body["detail"]


def test_problem_response_is_problem_json_in_the_chosen_language() -> None:
    response = problem_response(DomainError(ErrorCode.FORBIDDEN), Language.EN)
    assert response.status_code == 403
    assert response.content_type == PROBLEM_JSON
    assert response.headers["Content-Language"] == "en"
    assert json.loads(str(response.body))["code"] == "FORBIDDEN"


def test_rate_limited_problems_say_when_to_retry() -> None:
    error = DomainError(ErrorCode.RATE_LIMITED, retryAfterSeconds=30)
    response = problem_response(error, Language.JA)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("body", "party", 0, "adults"), "party[0].adults"),
        (("body", "capacity"), "capacity"),
        (("query", "from"), "from"),
        (("path", "facilityId"), "facilityId"),
        (("header", "idempotency-key"), "idempotency-key"),
        (("body",), ""),
        ((), ""),
        (("body", "slots", 2, "start"), "slots[2].start"),
        (("body", "closedDates", 0), "closedDates[0]"),
        (
            ("body", "rules", "function-after[_check(), BookingRules]", "maxNights"),
            "rules.maxNights",
        ),
        (("body", "value", "union[int,str]", "x"), "value.x"),
        (("resourceTypes", 1, "name"), "resourceTypes[1].name"),
        (("party", "body"), "party.body"),  # only a leading source is dropped
    ],
)
def test_field_path(loc: tuple[Any, ...], expected: str) -> None:
    assert field_path(loc) == expected


def test_field_errors_name_the_field_a_model_rule_is_about() -> None:
    errors = [
        {"type": "date_order", "loc": ("body",), "ctx": {"other": "from", "field": "to"}},
        {"type": "duplicate", "loc": ("body", "rules"), "ctx": {"field": "x", "value": "a"}},
    ]
    assert field_errors(errors) == [
        FieldError("to", "date_order", {"other": "from"}),
        FieldError("rules.x", "duplicate", {"value": "a"}),
    ]


def test_field_errors_default_to_the_body_and_strip_quotes_from_choices() -> None:
    errors = [
        {"type": "model_type", "loc": ("body",)},
        {"type": "literal_error", "loc": ("body", "kind"), "ctx": {"expected": "'a' or 'b'"}},
    ]
    assert field_errors(errors) == [
        FieldError("body", "model_type", {}),
        FieldError("kind", "literal_error", {"expected": "a or b"}),
    ]
