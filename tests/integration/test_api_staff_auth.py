"""Staff sign-in and the authorizer in front of every staff route, through the gateway."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from local import template
from yoyaku.adapters import staff_store
from yoyaku.domain.staff import Role

from .helpers import INN

PROBLEM_JSON = "application/problem+json"
ROUTES = template.api(template.load()).routes
STAFF_ROUTES = sorted((r.method, r.path) for r in ROUTES if r.authorizer == "StaffAuthorizer")
CITIZEN_ROUTES = sorted((r.method, r.path) for r in ROUTES if r.authorizer == "CitizenAuthorizer")


def concrete(path: str) -> str:
    """A request path for a template route: `{facilityId}` → `inn`, any other id → `x1`."""
    return re.sub(r"\{[^}]+\}", lambda m: "inn" if m[0] == "{facilityId}" else "x1", path)


def sign_in(client, staff_id: str, password: str, **kwargs):
    return client.post(
        "/v1/staff/sessions", json_body={"staffId": staff_id, "password": password}, **kwargs
    )


def test_the_template_protects_the_staff_routes() -> None:
    assert ("PUT", "/v1/staff/facilities/{facilityId}/inventory") in STAFF_ROUTES
    assert ("POST", "/v1/staff/notices") in STAFF_ROUTES
    assert ("POST", "/v1/staff/sessions") not in STAFF_ROUTES  # signing in needs no token


def test_signing_in_gives_a_token_that_opens_staff_routes(client, staff_account, clock) -> None:
    reply = sign_in(client, *staff_account)
    assert reply.status == 201
    assert reply.header("Content-Type") == "application/json"
    body = reply.json
    assert set(body) == {"token", "expiresAt"}
    assert datetime.fromisoformat(body["expiresAt"]) == clock.now() + timedelta(hours=12)

    put = client.put("/v1/staff/facilities/inn", json_body=INN, token=body["token"])
    assert put.status == 200


def test_five_wrong_passwords_make_staff_sign_in_wait(client, staff_account, clock) -> None:
    """Staff sign-in is throttled as citizens' is (services/credentials.py): the fifth
    wrong password in a row asks for a wait, which the owner then sits out."""
    staff_id, password = staff_account
    codes = [sign_in(client, staff_id, "wrong password").json["code"] for _ in range(5)]
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["ACCOUNT_LOCKED"]
    locked = sign_in(client, staff_id, password)
    assert locked.status == 423
    assert datetime.fromisoformat(locked.json["retryAt"]) == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=31))
    assert sign_in(client, staff_id, password).status == 201
    # a success starts the count again
    assert [sign_in(client, staff_id, "x").status for _ in range(4)] == [401] * 4
    assert sign_in(client, staff_id, password).status == 201


@pytest.mark.parametrize("lang", [None, "en"])
def test_wrong_password_and_unknown_staff_look_the_same(client, staff_account, lang) -> None:
    staff_id, password = staff_account
    wrong_password = sign_in(client, staff_id, password + "!", lang=lang)
    unknown_staff = sign_in(client, "nobody", password, lang=lang)
    for reply in (wrong_password, unknown_staff):
        assert reply.status == 401
        assert reply.header("Content-Type") == PROBLEM_JSON
        assert reply.json["code"] == "INVALID_CREDENTIALS"
    assert wrong_password.body == unknown_staff.body
    assert wrong_password.headers == unknown_staff.headers
    expected_title = (
        "Wrong number or password" if lang == "en" else "番号またはパスワードが違います"
    )
    assert wrong_password.json["title"] == expected_title


def test_a_password_is_case_sensitive(client, staff_account) -> None:
    staff_id, password = staff_account
    assert sign_in(client, staff_id, password.upper()).status == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"staffId": "staff-1"}, "password"),
        ({"password": "x"}, "staffId"),
        ({"staffId": "", "password": "x"}, "staffId"),
        ({"staffId": "s" * 65, "password": "x"}, "staffId"),
        ({"staffId": "staff-1", "password": "x", "remember": True}, "remember"),
        ({"staffId": 7, "password": "x"}, "staffId"),
    ],
)
def test_malformed_sign_ins_are_validation_problems(client, staff_account, body, field) -> None:
    reply = client.post("/v1/staff/sessions", json_body=body)
    assert reply.status == 422
    assert reply.json["code"] == "VALIDATION_FAILED"
    assert field in [e["field"] for e in reply.json["errors"]]


def test_an_account_made_with_the_operator_tool_can_sign_in(client) -> None:
    from tools import create_staff

    create_staff.create("tanaka-1", "田中", "a long staff password", Role.REVIEWER)
    assert sign_in(client, "tanaka-1", "a long staff password").status == 201


@pytest.mark.parametrize("staff_id", ["taro.yamada", "Tanaka", "t", "tanaka_1"])
def test_the_operator_tool_refuses_ids_a_session_token_cannot_carry(aws, staff_id) -> None:
    """Tokens read `staff.{id}.{secret}`: an id with a dot could never sign in."""
    from tools import create_staff

    with pytest.raises(ValueError, match="staff id"):
        create_staff.create(staff_id, "名前", "a long staff password", Role.REVIEWER)
    assert staff_store.get(staff_id) is None


# ------------------------------------------------------------------ the authorizer


def assert_gateway_problem(reply, status: int, code: str) -> None:
    """API Gateway's own answer (template GatewayResponses): problem+json in both languages."""
    assert reply.status == status
    assert reply.header("Content-Type") == PROBLEM_JSON
    body = reply.json
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == "/problems/" + code.lower().replace("_", "-")


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_staff_routes_refuse_requests_without_a_token(client, method, path) -> None:
    reply = client.request(method, concrete(path), json_body={})
    assert_gateway_problem(reply, 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer ", "Bearer garbage", "Basic c3RhZmY6cGFzcw==", "staff.staff-1.x"],
)
def test_staff_routes_refuse_unknown_tokens(client, staff_token, authorization) -> None:
    reply = client.put(
        "/v1/staff/facilities/inn", json_body=INN, headers={"Authorization": authorization}
    )
    assert_gateway_problem(reply, 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_staff_routes_refuse_citizen_tokens(client, citizen_token, method, path) -> None:
    reply = client.request(method, concrete(path), json_body={}, token=citizen_token)
    assert_gateway_problem(reply, 403, "FORBIDDEN")


@pytest.mark.parametrize(("method", "path"), CITIZEN_ROUTES)
def test_citizen_routes_refuse_staff_tokens_and_anonymous_calls(
    client, staff_token, method, path
) -> None:
    assert_gateway_problem(
        client.request(method, concrete(path), json_body={}), 401, "UNAUTHENTICATED"
    )
    reply = client.request(method, concrete(path), json_body={}, token=staff_token)
    assert_gateway_problem(reply, 403, "FORBIDDEN")


def test_a_refused_request_changes_nothing(client, citizen_token) -> None:
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=citizen_token).status == 403
    assert client.get("/v1/facilities/inn").status == 404


def test_a_staff_session_expires_after_twelve_hours(client, staff_token, clock) -> None:
    clock.advance(timedelta(hours=12) - timedelta(seconds=1))
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    clock.advance(timedelta(seconds=1))
    reply = client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token)
    assert_gateway_problem(reply, 401, "UNAUTHENTICATED")


def test_signing_out_ends_the_session(client, staff_account) -> None:
    token = sign_in(client, *staff_account).json["token"]
    other = sign_in(client, *staff_account).json["token"]
    reply = client.delete("/v1/staff/sessions/current", token=token)
    assert reply.status == 204
    assert_gateway_problem(
        client.delete("/v1/staff/sessions/current", token=token), 401, "UNAUTHENTICATED"
    )
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=other).status == 200


def test_signing_out_answers_204_without_content(client, staff_token) -> None:
    reply = client.delete("/v1/staff/sessions/current", token=staff_token)
    assert reply.status == 204
    assert reply.body == b""
