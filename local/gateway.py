"""API Gateway in miniature: route, authorize, build the proxy event, call the handler.

It follows the template: the same routes, the same REQUEST authorizers (a missing
Authorization header or an "Unauthorized" raise gives the UNAUTHORIZED gateway response,
a Deny policy gives ACCESS_DENIED) and the same gateway response bodies.
"""

from __future__ import annotations

import base64
import fnmatch
import importlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local.template import Api, Function, Route

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
API_ID = "local"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class LambdaContext:
    """What Powertools reads from the Lambda context object."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    log_group_name: str = "local"
    log_stream_name: str = "local"
    deadline: float | None = None  # epoch seconds the invocation must end by

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        if self.deadline is None:
            return 30_000
        return max(int((self.deadline - time.time()) * 1000), 0)


Handler = Callable[[dict[str, Any], Any], Any]
Invoke = Callable[[str, dict[str, Any]], Any]


def load_handler(spec: str) -> Handler:
    module_name, _, attribute = spec.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    return handler


class Gateway:
    """Invokes functions through `invoke` (the local runtime's execution environments,
    local.environments) or, without it, in this process: then each function has one
    environment, which serves one invocation at a time (the in-process tests)."""

    def __init__(
        self, api: Api, functions: dict[str, Function], invoke: Invoke | None = None
    ) -> None:
        self.api = api
        self.functions = functions
        self._invoke = invoke
        self._handlers: dict[str, Handler] = {}
        self._busy: dict[str, threading.RLock] = {}
        self._lock = threading.Lock()

    def handler(self, logical_id: str) -> Handler:
        if logical_id not in self._handlers:
            self._handlers[logical_id] = load_handler(self.functions[logical_id].handler)
        return self._handlers[logical_id]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        if self._invoke is not None:
            return self._invoke(logical_id, event)
        with self._lock:
            busy = self._busy.setdefault(logical_id, threading.RLock())
        # Powertools keeps the current event in class attributes, as Lambda allows: one
        # invocation at a time per environment.
        with busy:
            context = LambdaContext(function_name=logical_id, aws_request_id=str(uuid.uuid4()))
            return self.handler(logical_id)(event, context)

    def _gateway_response(self, kind: str, fallback_status: int) -> HttpResponse:
        status, body = self.api.gateway_responses.get(kind, (fallback_status, "{}"))
        compact = json.dumps(json.loads(body), ensure_ascii=False)
        return HttpResponse(status, {"Content-Type": "application/problem+json"}, compact.encode())

    def _find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.api.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> HttpResponse:
        found = self._find(method, path)
        if found is None:
            # API Gateway answers unknown routes itself (MISSING_AUTHENTICATION_TOKEN).
            return self._gateway_response("MISSING_AUTHENTICATION_TOKEN", 404)
        route, path_params = found
        event = proxy_event(route, method, path, query, headers, body, path_params, self.api.stage)
        if route.authorizer is not None:
            authorized = self._authorize(route, event, headers)
            if isinstance(authorized, HttpResponse):
                return authorized
            event["requestContext"]["authorizer"] = authorized
        result = self.invoke(route.function, event)
        return _http_response(result)

    def _authorize(
        self, route: Route, event: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any] | HttpResponse:
        if not any(k.lower() == "authorization" for k in headers):
            return self._gateway_response("UNAUTHORIZED", 401)
        method_arn = (
            f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{self.api.stage}/"
            f"{event['httpMethod']}{event['path']}"
        )
        request = {**event, "type": "REQUEST", "methodArn": method_arn}
        try:
            policy = self.invoke(self.api.authorizers[route.authorizer or ""], request)
        except Exception as error:
            if str(error) == "Unauthorized":
                return self._gateway_response("UNAUTHORIZED", 401)
            raise
        if not _allows(policy, method_arn):
            return self._gateway_response("ACCESS_DENIED", 403)
        context = dict(policy.get("context") or {})
        context["principalId"] = policy.get("principalId")
        return context


def _allows(policy: dict[str, Any], method_arn: str) -> bool:
    """Evaluates the policy like API Gateway: an explicit Deny wins, then any Allow."""
    allowed = False
    for statement in policy.get("policyDocument", {}).get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatch.fnmatchcase(method_arn, r) for r in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def proxy_event(
    route: Route,
    method: str,
    path: str,
    query: dict[str, list[str]],
    headers: dict[str, str],
    body: bytes,
    path_params: dict[str, str],
    stage: str,
) -> dict[str, Any]:
    """An API Gateway REST (v1) proxy event, as Lambda receives it."""
    text: str | None = None
    is_base64 = False
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode(), True
    return {
        "resource": route.path,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": dict(query) or None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "resourcePath": route.path,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": headers.get("X-Forwarded-For", "127.0.0.1")},
            "authorizer": None,
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def _http_response(result: dict[str, Any]) -> HttpResponse:
    headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers[key] = ", ".join(str(v) for v in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return HttpResponse(int(result.get("statusCode", 200)), headers, body)
