"""Staff roles: every staff route needs the permission domain/staff.py names for it, the
authorizer refuses a role without it before anything runs, and the route checks again."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from local import template
from local.gateway import LambdaContext, proxy_event
from tests.conftest import MovableClock, session_token
from yoyaku.adapters import staff_store
from yoyaku.domain.auth import CallerContext, Principal, PrincipalKind
from yoyaku.domain.staff import ANY_STAFF, GRANTS, ROUTES, Permission, Role, StaffMember

TEMPLATE_ROUTES = template.api(template.load()).routes
STAFF_ROUTES = sorted(
    (r.method, r.path) for r in TEMPLATE_ROUTES if r.authorizer == "StaffAuthorizer"
)
ROLES: list[Role | None] = [*Role, None]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "inn" if m[0] == "{facilityId}" else "x1", path)


@pytest.fixture
def token_of(client, clock: MovableClock) -> Callable[[Role | None], str]:
    """A session token of a staff member with `role` (None: an account without one)."""

    def make(role: Role | None) -> str:
        staff_id = f"staff-{role.value.replace('_', '-') if role else 'none'}"
        staff_store.save(staff_store.StaffAccount(staff_id, "職員", "!", role))
        return session_token("staff", staff_id, clock)

    return make


def test_the_table_names_every_staff_route_of_the_template() -> None:
    assert sorted(ROUTES) == STAFF_ROUTES


def test_least_privilege() -> None:
    assert GRANTS[Role.ADMINISTRATOR] == frozenset(Permission)
    reviewer, manager = GRANTS[Role.REVIEWER], GRANTS[Role.FACILITY_MANAGER]
    assert Permission.REVIEW in reviewer and Permission.REVIEW not in manager
    assert Permission.FACILITIES in manager and Permission.FACILITIES not in reviewer
    for only_administrators in (Permission.AUDIT, Permission.ADMINISTRATION):
        assert only_administrators not in reviewer | manager


def allowed(role: Role | None, route: tuple[str, str]) -> bool:
    needed = ROUTES[route]
    return needed is ANY_STAFF or (role is not None and needed in GRANTS[role])


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_each_route_admits_exactly_the_roles_that_hold_its_permission(
    client, token_of, route
) -> None:
    method, path = route
    for role in ROLES:
        reply = client.request(method, concrete(path), json_body={}, token=token_of(role))
        if allowed(role, route):
            assert reply.status != 403, (role, reply.json)
        else:
            # API Gateway's own answer: the authorizer denied it, no function ran.
            assert reply.status == 403, role
            assert reply.json["code"] == "FORBIDDEN"
            assert reply.header("Content-Language") is None


def test_a_changed_role_counts_at_the_next_request(client, token_of) -> None:
    token = token_of(Role.REVIEWER)
    assert client.get("/v1/staff/reviews", token=token).status == 200
    staff_store.save(staff_store.StaffAccount("staff-reviewer", "職員", "!", Role.FACILITY_MANAGER))
    assert client.get("/v1/staff/reviews", token=token).status == 403


def test_a_removed_account_ends_its_sessions(client, token_of) -> None:
    from yoyaku.adapters.table import StaffItem

    token = token_of(Role.ADMINISTRATOR)
    StaffItem("STAFF#staff-administrator", "PROFILE").delete()
    reply = client.get("/v1/staff/me", token=token)
    assert reply.status == 401
    assert reply.json["code"] == "UNAUTHENTICATED"


def test_me_names_the_member_and_what_the_role_may_do(client, token_of) -> None:
    reply = client.get("/v1/staff/me", token=token_of(Role.REVIEWER))
    assert reply.status == 200
    assert reply.json == {
        "staffId": "staff-reviewer",
        "name": "職員",
        "role": "reviewer",
        "permissions": ["citizens", "review", "unlock"],
    }
    none = client.get("/v1/staff/me", token=token_of(None)).json
    assert none["role"] is None and none["permissions"] == []


def _call_function(method: str, resource: str, context: dict[str, str]) -> dict[str, object]:
    """The staff function called as if the gateway had let the request through."""
    from yoyaku.entrypoints import staff_api

    route = next(r for r in TEMPLATE_ROUTES if (r.method, r.path) == (method, resource))
    event = proxy_event(route, method, concrete(resource), {}, {}, b"", {}, "test")
    event["requestContext"]["authorizer"] = context
    return staff_api.handler(event, LambdaContext("staff"))


def test_the_route_checks_the_role_again_behind_a_misconfigured_gateway(aws) -> None:
    reviewer = CallerContext(
        Principal(PrincipalKind.STAFF, "r-1"), staff=StaffMember("r-1", "審査", Role.REVIEWER)
    )
    answer = _call_function("GET", "/v1/staff/audit", reviewer.to_context())
    assert answer["statusCode"] == 403
    assert json.loads(str(answer["body"]))["code"] == "FORBIDDEN"

    citizen = CallerContext(Principal(PrincipalKind.CITIZEN, "123456")).to_context()
    assert _call_function("GET", "/v1/staff/me", citizen)["statusCode"] == 403
    assert _call_function("GET", "/v1/staff/me", {})["statusCode"] == 401
