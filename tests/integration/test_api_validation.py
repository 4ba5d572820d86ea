"""Bad input of every kind: a 422 problem naming the field, never a 5xx, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .helpers import INN, definition, table_snapshot

PROBLEM_JSON = "application/problem+json"
INVENTORY = {"resourceTypeId": "room", "from": "2030-06-10", "to": "2030-06-12", "capacity": 3}


def with_rules(**changes: Any) -> dict[str, Any]:
    document = definition(INN)
    document["rules"].update(changes)
    return document


def inventory(**changes: Any) -> dict[str, Any]:
    return {**INVENTORY, **changes}


@pytest.fixture
def seeded(client, staff_token) -> str:
    """A facility with some inventory; returns the staff token."""
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    reply = client.put("/v1/staff/facilities/inn/inventory", json_body=INVENTORY, token=staff_token)
    assert reply.status == 200
    return staff_token


FACILITY = "/v1/staff/facilities/inn"
INVENTORY_PATH = "/v1/staff/facilities/inn/inventory"
NOTICES = "/v1/staff/notices"

# (method, path, JSON body, the field the problem must name)
BAD_BODIES = [
    ("PUT", FACILITY, {**INN, "colour": "blue"}, "colour"),
    ("PUT", FACILITY, definition(INN, name=5), "name"),
    ("PUT", FACILITY, definition(INN, name=""), "name"),
    ("PUT", FACILITY, definition(INN, kind="hotel"), "kind"),
    ("PUT", FACILITY, definition(INN, resourceTypes="room"), "resourceTypes"),
    ("PUT", FACILITY, definition(INN, resourceTypes=[]), "resourceTypes"),
    ("PUT", FACILITY, definition(INN, rules=None), "rules"),
    ("PUT", FACILITY, with_rules(maxNights="two"), "rules.maxNights"),
    ("PUT", FACILITY, with_rules(maxNights=None), "rules.maxNights"),
    ("PUT", FACILITY, with_rules(opensBefore="P1Y"), "rules.opensBefore"),
    (
        "PUT",
        FACILITY,
        with_rules(closesDaysBefore={"provisional": -1, "verified": 5}),
        "rules.closesDaysBefore.provisional",
    ),
    ("PUT", FACILITY, definition(INN, lottery={"enabled": "maybe"}), "lottery.enabled"),
    (
        "PUT",
        FACILITY,
        definition(INN, resourceTypes=[{"resourceTypeId": "room", "name": "a"}] * 2),
        "resourceTypes",
    ),
    ("PUT", "/v1/staff/facilities/Bad_Id", INN, "facilityId"),
    ("PUT", FACILITY, [], "body"),
    ("PUT", FACILITY, "inn", "body"),
    ("PUT", INVENTORY_PATH, inventory(to="2030-06-09"), "to"),
    ("PUT", INVENTORY_PATH, inventory(**{"from": "2030-02-30"}), "from"),
    ("PUT", INVENTORY_PATH, inventory(**{"from": "10/06/2030"}), "from"),
    ("PUT", INVENTORY_PATH, inventory(**{"from": "2030-05-14"}), "from"),  # in the past
    ("PUT", INVENTORY_PATH, inventory(to="2031-06-11"), "to"),  # more than 366 days
    ("PUT", INVENTORY_PATH, inventory(capacity=-1), "capacity"),
    ("PUT", INVENTORY_PATH, inventory(capacity=1000), "capacity"),
    ("PUT", INVENTORY_PATH, inventory(capacity="three"), "capacity"),
    ("PUT", INVENTORY_PATH, inventory(capacity=2.5), "capacity"),
    ("PUT", INVENTORY_PATH, inventory(capacity=None), "capacity"),
    ("PUT", INVENTORY_PATH, {k: v for k, v in INVENTORY.items() if k != "capacity"}, "capacity"),
    ("PUT", INVENTORY_PATH, inventory(resourceTypeId="arena"), "resourceTypeId"),
    ("PUT", INVENTORY_PATH, inventory(slots=[{"start": "09:00", "end": "12:00"}]), "slots"),
    ("PUT", INVENTORY_PATH, inventory(slots="morning"), "slots"),
    ("PUT", INVENTORY_PATH, inventory(slots=[{"start": "9am", "end": "12:00"}]), "slots[0].start"),
    ("PUT", INVENTORY_PATH, inventory(closedDates=["2030-07-01"]), "closedDates"),
    ("PUT", INVENTORY_PATH, inventory(closedDates=["someday"]), "closedDates[0]"),
    ("PUT", INVENTORY_PATH, inventory(closedDates="2030-06-11"), "closedDates"),
    ("PUT", INVENTORY_PATH, inventory(note="hi"), "note"),
    ("POST", NOTICES, {"title": "", "body": "b"}, "title"),
    ("POST", NOTICES, {"title": "t"}, "body"),
    (
        "POST",
        NOTICES,
        {"title": "t", "body": "b", "publishedAt": "2030-05-15T10:00:00"},
        "publishedAt",
    ),
    ("POST", NOTICES, {"title": "t", "body": "b", "publishedAt": "tomorrow"}, "publishedAt"),
    ("POST", NOTICES, {"title": "t", "body": "b", "pinned": True}, "pinned"),
]


def assert_validation_problem(reply, field: str) -> dict[str, Any]:
    assert reply.status == 422, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == "VALIDATION_FAILED"
    assert body["status"] == 422
    assert body["type"] == "/problems/validation-failed"
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
        assert error["message"]
    assert field in [e["field"] for e in body["errors"]], body["errors"]
    return body


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    BAD_BODIES,
    ids=[f"{m} {p.rsplit('/', 1)[-1]} {f}-{i}" for i, (m, p, _, f) in enumerate(BAD_BODIES)],
)
def test_bad_bodies_are_validation_problems_that_change_nothing(
    client, seeded, method, path, payload, field
) -> None:
    before = table_snapshot()
    reply = client.request(method, path, json_body=payload, token=seeded)
    body = assert_validation_problem(reply, field)
    assert body["title"] == "入力内容に誤りがあります"  # Japanese unless asked otherwise
    assert reply.header("Content-Language") == "ja"
    assert table_snapshot() == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2030-06-12&to=2030-06-10", "to"),
        ("from=2030-13-01", "from"),
        ("from=2030-06-31", "from"),
        ("from=20300610x", "from"),
        ("to=soon", "to"),
        ("from=2030-06-10&to=2030-06-1x", "to"),
        ("from=2030-06-10T09:30:00", "from"),
    ],
)
def test_bad_availability_queries_are_validation_problems(client, seeded, query, field) -> None:
    reply = client.get(f"/v1/facilities/inn/availability?{query}")
    assert_validation_problem(reply, field)


def test_field_messages_are_english_on_request(client, seeded) -> None:
    reply = client.put(
        INVENTORY_PATH, json_body=inventory(capacity=1000, colour="x"), token=seeded, lang="en"
    )
    body = assert_validation_problem(reply, "capacity")
    assert reply.header("Content-Language") == "en"
    assert body["title"] == "Some fields are invalid"
    assert sorted((e["field"], e["message"]) for e in body["errors"]) == [
        ("capacity", "Must be 999 or less."),
        ("colour", "Unknown field; remove it."),
    ]


def test_field_messages_are_japanese_by_default(client, seeded) -> None:
    reply = client.put(INVENTORY_PATH, json_body=inventory(to="2030-06-09"), token=seeded)
    body = assert_validation_problem(reply, "to")
    assert body["errors"] == [{"field": "to", "message": "from以降の日付にしてください。"}]


def test_domain_rules_name_their_field_too(client, seeded) -> None:
    reply = client.put(
        INVENTORY_PATH, json_body=inventory(resourceTypeId="arena"), token=seeded, lang="en"
    )
    body = assert_validation_problem(reply, "resourceTypeId")
    assert body["errors"] == [
        {
            "field": "resourceTypeId",
            "message": "Not a resource type of this facility (room, suite).",
        }
    ]


@pytest.mark.parametrize("raw", [b"{not json", b'{"capacity": 3', b"", b"   ", b"null"])
def test_unreadable_bodies_are_validation_problems(client, seeded, raw) -> None:
    before = table_snapshot()
    reply = client.put(INVENTORY_PATH, raw=raw, token=seeded)
    assert reply.status == 422, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    assert reply.json["code"] == "VALIDATION_FAILED"
    assert reply.json["errors"]
    assert table_snapshot() == before


@pytest.mark.parametrize("raw", [b"{not json", b"{'capacity': 3}"])
def test_malformed_json_is_reported_on_the_body(client, seeded, raw) -> None:
    reply = client.put(INVENTORY_PATH, raw=raw, token=seeded)
    assert_validation_problem(reply, "body")
    assert [e["field"] for e in reply.json["errors"]] == ["body"]


def test_a_body_that_is_not_utf8_is_a_validation_problem(client, seeded) -> None:
    before = table_snapshot()
    reply = client.put(INVENTORY_PATH, raw="容量".encode("shift_jis"), token=seeded)
    assert reply.status == 422
    assert table_snapshot() == before


def test_a_json_array_is_not_an_object(client, seeded) -> None:
    before = table_snapshot()
    reply = client.put(FACILITY, json_body=[definition(INN, name="別の名前")], token=seeded)
    assert_validation_problem(reply, "body")
    assert table_snapshot() == before


def test_booleans_are_not_numbers(client, seeded) -> None:
    before = table_snapshot()
    reply = client.put(INVENTORY_PATH, json_body=inventory(capacity=True), token=seeded)
    assert_validation_problem(reply, "capacity")
    assert table_snapshot() == before


def test_no_bad_input_gives_a_server_error(client, seeded) -> None:
    """A sweep of odd values into every field of every staff body: never a 5xx."""
    odd_values: list[Any] = [None, True, -1, 10**30, 1.5, "", "x" * 5000, [], {}, ["a"], {"a": 1}]
    bodies = {
        FACILITY: definition(INN),
        INVENTORY_PATH: dict(INVENTORY),
        NOTICES: {"title": "t", "body": "b"},
    }
    statuses = set()
    for path, base in bodies.items():
        method = "POST" if path == NOTICES else "PUT"
        for key in base:
            for value in odd_values:
                reply = client.request(method, path, json_body={**base, key: value}, token=seeded)
                assert reply.status < 500, (path, key, value, reply.body)
                if reply.status >= 400:
                    assert reply.header("Content-Type") == PROBLEM_JSON
                    json.loads(reply.body)
                statuses.add(reply.status)
    assert 422 in statuses


# ------------------------------------------------------------------ one rule per class
# Raw JSON text, so that numbers are sent as written (1e2, 2.0) and escapes arrive as
# the characters they stand for.

LOTTERY = (
    '{"facilityId": "inn", "stayFrom": "2030-07-01", "stayTo": "2030-07-02", '
    '"applyFrom": %s, "applyUntil": "2030-05-20T17:00:00+09:00", '
    '"drawAt": "2030-05-21T10:00:00+09:00"}'
)
RAW_BAD_BODIES = [
    (
        "PUT",
        INVENTORY_PATH,
        '{"resourceTypeId": "room", "from": "2030-06-10", "to": "2030-06-12", "capacity": 1e2}',
        "capacity",
    ),
    (
        "PUT",
        INVENTORY_PATH,
        '{"resourceTypeId": "room", "from": "2030-06-10", "to": "2030-06-12", "capacity": 3.0}',
        "capacity",
    ),
    (
        "PUT",
        INVENTORY_PATH,
        '{"resourceTypeId": "room", "from": "2030-06-10T00:00", "to": "2030-06-12", "capacity": 3}',
        "from",
    ),
    (
        "PUT",
        INVENTORY_PATH,
        '{"resourceTypeId": "room", "from": "2030-06-10", '
        '"to": "2030-06-12", "capacity": 3, "closedDates": ["2030-06-11", "2030-06-12T00:00"]}',
        "closedDates[1]",
    ),
    ("POST", NOTICES, '{"title": "a\\u0000b", "body": "b"}', "title"),
    ("POST", NOTICES, '{"title": "t", "body": "\\u202etxet"}', "body"),
    ("POST", NOTICES, '{"title": "t", "body": "\\ud800"}', "body"),
    (
        "POST",
        NOTICES,
        '{"title": "t", "body": "b", "publishedAt": "9999-12-31T23:59:59-14:00"}',
        "publishedAt",
    ),
    (
        "POST",
        NOTICES,
        '{"title": "t", "body": "b", "publishedAt": "0001-01-01T00:00:00+14:00"}',
        "publishedAt",
    ),
    ("POST", NOTICES, '{"title": "t", "body": "b", "publishedAt": 0}', "publishedAt"),
    ("POST", "/v1/staff/lotteries", LOTTERY % "1796198400", "applyFrom"),
    (
        "PUT",
        INVENTORY_PATH,
        '{"resourceTypeId": "room", "from": 20300610, "to": "2030-06-12", "capacity": 3}',
        "from",
    ),
    ("POST", "/v1/staff/lotteries", LOTTERY % '"0001-01-01T00:00:00+14:00"', "applyFrom"),
    ("POST", "/v1/staff/lotteries", LOTTERY % '"9999-12-31T23:59:59-14:00"', "applyFrom"),
    (
        "POST",
        "/v1/appointment-requests",
        '{"facilityId": "inn", "email": "a@example.jp", '
        '"people": [{"noticeNumber": "ABC123456", "birthdate": "0001-01-01"}]}',
        "people[0].birthdate",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "text", "field"),
    RAW_BAD_BODIES,
    ids=[f"{m} {p.rsplit('/', 1)[-1]} {f}" for m, p, _, f in RAW_BAD_BODIES],
)
def test_every_model_refuses_the_same_classes_of_bad_value(
    client, seeded, method, path, text, field
) -> None:
    before = table_snapshot()
    reply = client.request(method, path, raw=text.encode(), token=seeded)
    assert_validation_problem(reply, field)
    assert table_snapshot() == before


def test_a_registration_with_a_birthdate_in_year_one_is_refused(client) -> None:
    form = {
        "nameKana": "ミナト　タロウ",
        "nameKanji": "港　太郎",
        "phone": "0312345678",
        "residency": "resident",
        "address": {"postalCode": "1058511", "prefecture": "東京都", "city": "港区", "street": "1"},
        "birthdate": "0001-01-01",
        "email": "year-one@example.jp",
        "password": "minato2024",
        "lotteryResultEmail": True,
        "agreeToTerms": True,
    }
    before = table_snapshot()
    assert_validation_problem(client.post("/v1/registrations", json_body=form), "birthdate")
    assert table_snapshot() == before
