"""Reads template.yaml: routes, authorizers, gateway responses, tables, buckets, functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form tags as {"Fn::X": value}."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return document


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in the template: /v1/facilities/{facilityId}
    function: str  # logical id
    authorizer: str | None
    pattern: re.Pattern[str] = field(compare=False)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class Function:
    logical_id: str
    handler: str  # module.attribute
    environment: dict[str, Any]
    timeout: int = 3  # seconds (Lambda's default)
    memory: int = 128  # MB (Lambda's default)


@dataclass(frozen=True)
class Api:
    routes: list[Route]
    authorizers: dict[str, str]  # authorizer name -> function logical id
    gateway_responses: dict[str, tuple[int, str]]  # type -> (status, body)
    stage: str


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex)


def resources(document: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: body for name, body in document["Resources"].items() if body["Type"] == kind}


def functions(document: dict[str, Any]) -> dict[str, Function]:
    globals_env = document.get("Globals", {}).get("Function", {}).get("Environment", {})
    shared = dict(globals_env.get("Variables", {}))
    defaults = document.get("Globals", {}).get("Function", {})
    result = {}
    for name, body in resources(document, "AWS::Serverless::Function").items():
        props = body["Properties"]
        env = dict(shared)
        env.update(props.get("Environment", {}).get("Variables", {}))
        timeout = int(props.get("Timeout", defaults.get("Timeout", 3)))
        memory = int(props.get("MemorySize", defaults.get("MemorySize", 128)))
        result[name] = Function(name, props["Handler"], env, timeout, memory)
    return result


def api(document: dict[str, Any]) -> Api:
    apis = resources(document, "AWS::Serverless::Api")
    if len(apis) != 1:
        raise ValueError("the local runtime serves exactly one AWS::Serverless::Api")
    api_props = next(iter(apis.values()))["Properties"]
    auth = api_props.get("Auth", {})
    authorizers = {
        name: spec["FunctionArn"]["Fn::GetAtt"][0]
        for name, spec in auth.get("Authorizers", {}).items()
    }
    default_authorizer = auth.get("DefaultAuthorizer")
    responses = {
        kind: (int(spec["StatusCode"]), spec["ResponseTemplates"]["application/json"])
        for kind, spec in api_props.get("GatewayResponses", {}).items()
    }
    routes = []
    for name, body in resources(document, "AWS::Serverless::Function").items():
        for event in body["Properties"].get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            props = event["Properties"]
            authorizer = props.get("Auth", {}).get("Authorizer", default_authorizer)
            routes.append(
                Route(
                    method=props["Method"].upper(),
                    path=props["Path"],
                    function=name,
                    authorizer=None if authorizer in (None, "NONE") else authorizer,
                    pattern=_pattern(props["Path"]),
                )
            )
    stage = document.get("Parameters", {}).get("Stage", {}).get("Default", "local")
    return Api(routes, authorizers, responses, stage)


@dataclass(frozen=True)
class Schedule:
    """A recurring `ScheduleV2` event of a function (name and expression unresolved)."""

    name: Any
    function: str  # logical id
    expression: Any


def schedules(document: dict[str, Any]) -> list[Schedule]:
    found = []
    for name, body in resources(document, "AWS::Serverless::Function").items():
        for event_id, event in body["Properties"].get("Events", {}).items():
            if event["Type"] == "ScheduleV2":
                props = event["Properties"]
                found.append(
                    Schedule(props.get("Name", event_id), name, props["ScheduleExpression"])
                )
    return found
