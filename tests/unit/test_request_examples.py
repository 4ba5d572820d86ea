"""Every JSON request body in docs/openapi.json has an example, and every example is a
body the service accepts: it validates against the document's schema (as clients and
schemathesis read it) and against the route's own pydantic model (as the route reads it).

Examples live on the request models, as `model_config = ConfigDict(json_schema_extra=
{"examples": [...]})`; Powertools carries them into the document as the schema's
`examples`, so an example that no longer fits its model fails here, not in a reader's
hands. A schema-level `examples` on any component is checked as well (a response model
that subclasses a request model must not inherit examples that do not describe it).
"""

from __future__ import annotations

import importlib
import inspect
import json
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from yoyaku.api.refusals import route_sources

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT: dict[str, Any] = json.loads((ROOT / "docs" / "openapi.json").read_text())
JSON = "application/json"


def _json_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) of every operation whose body may be JSON."""
    return [
        (method.upper(), path, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if JSON in operation.get("requestBody", {}).get("content", {})
    ]


OPERATIONS = _json_operations()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def _examples(media: dict[str, Any]) -> list[Any]:
    """The examples a reader (or schemathesis) finds for a body: on the media type, or on
    its schema and the non-null branches of an optional body."""
    found: list[Any] = []
    if "example" in media:
        found.append(media["example"])
    found += [named["value"] for named in media.get("examples", {}).values() if "value" in named]
    schema = _resolve(media["schema"])
    for branch in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        branch = _resolve(branch)
        found += branch.get("examples", [])
        if "example" in branch:
            found.append(branch["example"])
    return found


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; `#/components/...` resolves against
    # the document's components, carried along in the root schema.
    root = {**schema, "components": DOCUMENT["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _schema_errors(schema: dict[str, Any], example: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
        for error in _validator(schema).iter_errors(example)
    ]


def _route_model(method: str, path: str) -> type[BaseModel]:
    """The pydantic model the route function takes as its body."""
    source = route_sources()[(method, path)]
    function = getattr(importlib.import_module(source.module), source.function)
    hints = typing.get_type_hints(function, include_extras=True)
    for name in inspect.signature(function).parameters:
        for candidate in _unwrapped(hints.get(name)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                return candidate
    raise AssertionError(f"{method} {path}: {source.function} takes no pydantic model body")


def _unwrapped(hint: Any) -> list[Any]:
    """`Model`, `Model | None` and `Annotated[Model, Body()]` → [Model, ...]."""
    if typing.get_origin(hint) is typing.Annotated:
        return _unwrapped(typing.get_args(hint)[0])
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [arg for part in typing.get_args(hint) for arg in _unwrapped(part)]
    return [hint]


def _where_to_add(method: str, path: str) -> str:
    try:
        model = _route_model(method, path)
    except (KeyError, AssertionError):
        source = route_sources().get((method, path))
        where = f"the body model of {source.module}.{source.function}" if source else "its model"
    else:
        file = Path(inspect.getfile(model)).relative_to(ROOT)
        where = f"class {model.__name__} in {file}"
    return (
        f"{method} {path} has no request example. Add one or more realistic bodies to "
        f"{where}: model_config = ConfigDict(json_schema_extra={{'examples': [{{...}}]}}), "
        "then run `make openapi`."
    )


def test_the_document_has_json_request_bodies() -> None:
    assert len(OPERATIONS) >= 30, "the walk below found too few operations to mean much"


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    OPERATIONS,
    ids=[f"{op.get('operationId')}" for _, _, op in OPERATIONS],
)
def test_every_json_request_body_has_an_example_that_the_route_accepts(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    media = operation["requestBody"]["content"][JSON]
    examples = _examples(media)
    assert examples, _where_to_add(method, path)
    model = _route_model(method, path)
    for index, example in enumerate(examples):
        errors = _schema_errors(media["schema"], example)
        assert not errors, (
            f"{method} {path}: example {index} does not fit the document's schema: {errors}"
        )
        try:
            model.model_validate_json(json.dumps(example))
        except ValidationError as error:
            pytest.fail(f"{method} {path}: example {index} is refused by {model.__name__}: {error}")


SCHEMAS_WITH_EXAMPLES = sorted(
    name for name, schema in DOCUMENT["components"]["schemas"].items() if "examples" in schema
)


@pytest.mark.parametrize("name", SCHEMAS_WITH_EXAMPLES)
def test_every_schema_example_fits_its_schema(name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{name}"}
    for index, example in enumerate(DOCUMENT["components"]["schemas"][name]["examples"]):
        errors = _schema_errors(schema, example)
        assert not errors, f"{name}: example {index} does not fit its schema: {errors}"


def test_a_broken_example_is_caught() -> None:
    """The checks above can fail: a registration without its password is refused by
    both the schema and the model."""
    media = DOCUMENT["paths"]["/v1/registrations"]["post"]["requestBody"]["content"][JSON]
    broken = dict(_examples(media)[0])
    del broken["password"]
    assert _schema_errors(media["schema"], broken)
    with pytest.raises(ValidationError):
        _route_model("POST", "/v1/registrations").model_validate_json(json.dumps(broken))
