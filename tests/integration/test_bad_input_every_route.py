"""Every route of template.yaml, every class of bad input: a 4xx problem+json, nothing
stored, never a 5xx.

The routes come from the template (a new route is covered without being listed) and
each is called with the token its authorizer wants, so that the request reaches the
function and its input boundary (api/request_body.py), not only the gateway.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local import template
from tests.integration.helpers import table_snapshot

ROUTES = sorted(template.api(template.load()).routes, key=lambda r: (r.path, r.method))
PROBLEM_JSON = "application/problem+json"

# (name, Content-Type, body): each a class of body that no route can take.
BAD_BODIES = [
    ("media type by prefix", "application/jsonx", b'{"a": "b"}'),
    ("media type text/json", "text/json", b'{"a": "b"}'),
    ("media type +json", "application/vnd.api+json", b'{"a": "b"}'),
    ("media type charset", "application/json; charset=latin-1", b'{"a": "b"}'),
    ("nested 10,000 deep", "application/json", b"[" * 10_000 + b"]" * 10_000),
    ("objects nested 40 deep", "application/json", b'{"a": ' * 40 + b"1" + b"}" * 40),
    ("not UTF-8", "application/json", b'{"a": "\xff\xfe"}'),
    ("NaN", "application/json", b'{"a": NaN}'),
    ("an array", "application/json", b"[]"),
    ("NUL in a key", "application/json", b'{"a\\u0000": 1}'),
    ("bidi override in a value", "application/json", b'{"a": "\\u202etxt"}'),
    ("unpaired surrogate", "application/json", b'{"a": "\\ud800"}'),
    ("C1 control", "application/json", '{"a": "\u0085"}'.encode()),
]
BAD_QUERIES = [
    ("NUL in a query value", "limit=%00"),
    ("bidi override in a query name", "%E2%80%AEx=1"),
    ("C1 control in a query value", "nextToken=%C2%85"),
]


def concrete(path: str) -> str:
    return path.replace("{", "x").replace("}", "")  # {facilityId} → xfacilityId


@pytest.fixture
def tokens(staff_token: str, citizen_token: str) -> dict[str | None, str | None]:
    return {None: None, "StaffAuthorizer": staff_token, "CitizenAuthorizer": citizen_token}


def assert_refused(reply: Any, what: str) -> None:
    assert 400 <= reply.status < 500, (what, reply.status, reply.body)
    assert reply.header("Content-Type") == PROBLEM_JSON, what
    problem = json.loads(reply.body)
    assert problem["status"] == reply.status and problem["code"], what


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_no_bad_body_reaches_a_route(client, tokens, route) -> None:
    before = table_snapshot()
    for name, content_type, body in BAD_BODIES:
        reply = client.request(
            route.method,
            concrete(route.path),
            raw=body,
            token=tokens[route.authorizer],
            headers={"Content-Type": content_type},
        )
        assert_refused(reply, f"{route.method} {route.path}: {name}")
    assert table_snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_no_bad_query_reaches_a_route(client, tokens, route) -> None:
    before = table_snapshot()
    for name, query in BAD_QUERIES:
        reply = client.request(
            route.method, f"{concrete(route.path)}?{query}", token=tokens[route.authorizer]
        )
        assert reply.status == 422, (route, name, reply.body)
        assert_refused(reply, f"{route.method} {route.path}: {name}")
    assert table_snapshot() == before
