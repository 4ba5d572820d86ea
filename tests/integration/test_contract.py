"""template.yaml, the pynamodb models and the Powertools routers describe the same service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from local import template
from local.aws import globals_environment
from local.gateway import load_handler
from yoyaku.adapters import table
from yoyaku.adapters.table import TableItem

ROOT = Path(template.__file__).resolve().parent.parent
DOCUMENT = template.load()
TABLES = template.resources(DOCUMENT, "AWS::DynamoDB::Table")
GLOBAL_ENV = DOCUMENT["Globals"]["Function"]["Environment"]["Variables"]
KEY_TYPES = {"HASH": "hash", "RANGE": "range"}


def table_for(variable: str) -> dict[str, Any]:
    """The Table resource whose name the functions receive in `variable`."""
    props: dict[str, Any] = TABLES[GLOBAL_ENV[variable]["Ref"]]["Properties"]
    return props


def key_schema(schema: list[dict[str, str]]) -> dict[str, str]:
    return {KEY_TYPES[k["KeyType"]]: k["AttributeName"] for k in schema}


def attribute_types(props: dict[str, Any]) -> dict[str, str]:
    return {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}


def models() -> list[type[Model]]:
    found = [
        value
        for value in vars(table).values()
        if isinstance(value, type)
        and issubclass(value, Model)
        and value.__module__ == table.__name__
    ]
    assert TableItem in found
    return found


# ------------------------------------------------------------------ DynamoDB


def test_every_model_lives_in_the_one_table() -> None:
    for model in models():
        assert issubclass(model, TableItem), model


def test_the_table_keys_match_the_models() -> None:
    props = table_for("TABLE_NAME")
    types = attribute_types(props)
    hash_key = TableItem._hash_key_attribute()
    range_key = TableItem._range_key_attribute()
    assert key_schema(props["KeySchema"]) == {
        "hash": hash_key.attr_name,
        "range": range_key.attr_name,
    }
    assert types[hash_key.attr_name] == hash_key.attr_type
    assert types[range_key.attr_name] == range_key.attr_type


def test_the_ttl_attribute_is_the_models_expiry() -> None:
    ttl = table_for("TABLE_NAME")["TimeToLiveSpecification"]
    assert ttl["Enabled"] is True
    for model in models():
        ttl_attributes = [
            a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)
        ]
        assert ttl_attributes == [ttl["AttributeName"]] == ["expiresAt"], model


def test_the_global_secondary_indexes_match_the_models() -> None:
    props = table_for("TABLE_NAME")
    types = attribute_types(props)
    declared = {gsi["IndexName"]: gsi for gsi in props.get("GlobalSecondaryIndexes", [])}
    indexes = {
        index.Meta.index_name: index
        for index in TableItem._indexes.values()
        if isinstance(index, GlobalSecondaryIndex)
    }
    assert set(indexes) == set(declared)
    for name, index in indexes.items():
        gsi = declared[name]
        keys = {
            ("hash" if a.is_hash_key else "range"): a
            for a in index.Meta.attributes.values()
            if a.is_hash_key or a.is_range_key
        }
        assert key_schema(gsi["KeySchema"]) == {k: a.attr_name for k, a in keys.items()}, name
        for attribute in keys.values():
            assert types[attribute.attr_name] == attribute.attr_type, name
            # The item attribute that feeds the index exists on every item, optional.
            item_attribute = TableItem.get_attributes()[attribute.attr_name]
            assert item_attribute.attr_type == attribute.attr_type
        assert gsi["Projection"]["ProjectionType"] == index.Meta.projection.projection_type


def test_every_declared_attribute_is_a_key() -> None:
    """CloudFormation refuses AttributeDefinitions that no key schema uses."""
    props = table_for("TABLE_NAME")
    used = {k["AttributeName"] for k in props["KeySchema"]}
    for gsi in props.get("GlobalSecondaryIndexes", []):
        used |= {k["AttributeName"] for k in gsi["KeySchema"]}
    assert set(attribute_types(props)) == used


def test_the_idempotency_table_has_the_layout_powertools_expects(monkeypatch) -> None:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    layer = DynamoDBPersistenceLayer(table_name="unused")
    props = table_for("IDEMPOTENCY_TABLE_NAME")
    assert key_schema(props["KeySchema"]) == {"hash": layer.key_attr}
    assert attribute_types(props) == {layer.key_attr: "S"}
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": layer.expiry_attr,
        "Enabled": True,
    }


# ------------------------------------------------------------------ routes

_ROUTES_OF_APPS = """
import json, sys, importlib
result = {}
for logical_id, spec in json.loads(sys.argv[1]).items():
    module = importlib.import_module(spec.rpartition(".")[0])
    schema = module.app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
    result[logical_id] = sorted(
        [method.upper(), path] for path, item in schema["paths"].items() for method in item
    )
print(json.dumps(result))
"""


def run_python(*args: str) -> str:
    # The handlers check their settings when imported, as at a cold start.
    env = {
        **globals_environment(DOCUMENT),
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'functions'}{os.pathsep}{ROOT}",
    }
    env.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def template_routes() -> set[tuple[str, str]]:
    return {(r.method, r.path) for r in template.api(DOCUMENT).routes}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    """The combined OpenAPI document, built the way `make openapi` builds it."""
    document: dict[str, Any] = json.loads(run_python("-m", "yoyaku.api.openapi"))
    return document


def test_the_template_routes_are_the_routes_the_routers_serve(openapi) -> None:
    served = {(method.upper(), path) for path, item in openapi["paths"].items() for method in item}
    assert template_routes() == served


# The authorizer the template puts before a route, and the scheme the document gives it.
AUTHORIZER_SCHEMES = {
    None: [],
    "CitizenAuthorizer": [{"citizen": []}],
    "StaffAuthorizer": [{"staff": []}],
}


def test_the_document_asks_for_the_token_the_gateway_checks(openapi) -> None:
    """The document derives each route's security from the code (who `api.auth` admits);
    the gateway enforces the template's authorizers: the two must agree."""
    for route in template.api(DOCUMENT).routes:
        operation = openapi["paths"][route.path][route.method.lower()]
        assert operation["security"] == AUTHORIZER_SCHEMES[route.authorizer], route


def test_every_operation_documents_its_problems(openapi) -> None:
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            successes = [status for status in responses if status.startswith("2")]
            assert len(successes) == 1, (method, path)
            assert {"429", "500"} <= responses.keys(), (method, path)
            for status, response in responses.items():
                if status.startswith("2"):
                    continue
                content = response["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
            if "requestBody" in operation:
                assert {"415", "422"} <= responses.keys(), (method, path)
            if operation["security"]:
                assert {"401", "403"} <= responses.keys(), (method, path)


def test_each_route_reaches_a_function_that_serves_it() -> None:
    functions = template.functions(DOCUMENT)
    api = template.api(DOCUMENT)
    handlers = {r.function: functions[r.function].handler for r in api.routes}
    served = json.loads(run_python("-c", _ROUTES_OF_APPS, json.dumps(handlers)))
    expected: dict[str, list[list[str]]] = {}
    for route in api.routes:
        expected.setdefault(route.function, []).append([route.method, route.path])
    assert {k: sorted(v) for k, v in expected.items()} == served


def test_the_committed_openapi_document_is_up_to_date(openapi) -> None:
    """Any change to routes, models or descriptions must come with `make openapi`."""
    committed = ROOT / "docs" / "openapi.json"
    document = json.loads(committed.read_text(encoding="utf-8"))
    assert document["paths"].keys() == openapi["paths"].keys(), "run `make openapi`"
    assert document == openapi, "docs/openapi.json is stale: run `make openapi`"


def test_every_function_handler_and_authorizer_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    from yoyaku.settings import forget as forget_settings

    for name, value in globals_environment(DOCUMENT).items():  # checked at import
        monkeypatch.setenv(name, value)
    forget_settings()
    functions = template.functions(DOCUMENT)
    try:
        for function in functions.values():
            assert callable(load_handler(function.handler)), function.handler
    finally:
        forget_settings()
    api = template.api(DOCUMENT)
    assert set(api.authorizers.values()) <= set(functions)
    for route in api.routes:
        assert route.authorizer is None or route.authorizer in api.authorizers, route
