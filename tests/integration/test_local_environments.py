"""The local runtime's execution environments (local.environments): each invocation
runs in a worker process that serves one invocation at a time, as Lambda does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local.environments import (
    Environments,
    FunctionCrashed,
    FunctionError,
    FunctionSpec,
    FunctionTimedOut,
)
from local.gateway import Gateway
from local.template import Api, Function, Route, _pattern

ECHO = "EchoFunction"


def event(caller: str, **query: str) -> dict[str, Any]:
    parameters = {"caller": caller, **query}
    return {
        "resource": "/echo",
        "path": "/echo",
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": {},
        "queryStringParameters": parameters,
        "multiValueQueryStringParameters": {k: [v] for k, v in parameters.items()},
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"httpMethod": "GET", "path": "/echo", "resourcePath": "/echo"},
        "body": None,
        "isBase64Encoded": False,
    }


def answer(result: dict[str, Any]) -> dict[str, Any]:
    assert result["statusCode"] == 200, result
    body: dict[str, Any] = json.loads(result["body"])
    return body


class Offset:
    def __init__(self) -> None:
        self.value = timedelta()

    def __call__(self) -> timedelta:
        return self.value


def environments(size: int, timeout: float = 20.0) -> tuple[Environments, Offset]:
    spec = FunctionSpec(
        ECHO,
        "tests.integration.local_echo.handler",
        {"ECHO_VARIABLE": "from the template", "POWERTOOLS_METRICS_DISABLED": "true"},
        timeout,
    )
    offset = Offset()
    return Environments({ECHO: spec}, offset, size=size), offset


@pytest.fixture
def pool_of_two() -> Iterator[tuple[Environments, Offset]]:
    found = environments(2)
    yield found
    found[0].stop()


def at_once(envs: Environments, *events: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[Any] = [None] * len(events)
    start = threading.Barrier(len(events))

    def run(n: int) -> None:
        start.wait()
        results[n] = answer(envs.invoke(ECHO, events[n]))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_requests_at_once_run_in_two_environments_each_with_its_own_event(
    pool_of_two,
) -> None:
    envs, _ = pool_of_two
    # Both environments warm first, so the two slow requests surely overlap.
    at_once(envs, event("warm-1"), event("warm-2"))
    alice, bob = at_once(envs, event("alice", pause="1"), event("bob", pause="1"))
    assert (alice["caller"], bob["caller"]) == ("alice", "bob")
    assert alice["pid"] != bob["pid"]
    assert alice["started"] < bob["ended"] and bob["started"] < alice["ended"]  # overlapped
    assert alice["variable"] == "from the template"
    assert envs.pool(ECHO).started == 2


def test_one_environment_serves_one_invocation_at_a_time() -> None:
    envs, _ = environments(1)
    try:
        first, second = at_once(envs, event("first", pause="0.5"), event("second", pause="0.5"))
    finally:
        envs.stop()
    assert first["pid"] == second["pid"]
    assert {first["caller"], second["caller"]} == {"first", "second"}
    earlier, later = sorted([first, second], key=lambda r: r["started"])
    assert later["started"] >= earlier["ended"]  # the second waited for the first


def test_each_invocation_sees_the_application_clock(pool_of_two) -> None:
    envs, offset = pool_of_two
    before = datetime.fromisoformat(answer(envs.invoke(ECHO, event("a")))["now"])
    offset.value = timedelta(days=3)
    after = datetime.fromisoformat(answer(envs.invoke(ECHO, event("a")))["now"])
    assert abs(before - datetime.now(UTC)) < timedelta(minutes=1)
    assert abs(after - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=1)


def test_a_handler_error_is_a_function_error_and_the_environment_lives_on() -> None:
    envs, _ = environments(1)
    try:
        pid = answer(envs.invoke(ECHO, event("a")))["pid"]
        with pytest.raises(FunctionError) as raised:
            envs.invoke(ECHO, event("a", **{"raise": "1"}))
        assert (raised.value.error_type, str(raised.value)) == ("RuntimeError", "asked to fail")
        assert answer(envs.invoke(ECHO, event("a")))["pid"] == pid
    finally:
        envs.stop()


def test_a_crashed_environment_is_replaced() -> None:
    envs, _ = environments(1)
    try:
        pid = answer(envs.invoke(ECHO, event("a")))["pid"]
        with pytest.raises(FunctionCrashed):
            envs.invoke(ECHO, event("a", exit="1"))
        assert answer(envs.invoke(ECHO, event("b")))["pid"] != pid
        assert envs.pool(ECHO).started == 2
    finally:
        envs.stop()


def test_an_invocation_past_its_timeout_is_cut_short_and_the_environment_replaced() -> None:
    envs, _ = environments(1, timeout=1.0)
    try:
        pid = answer(envs.invoke(ECHO, event("a")))["pid"]
        started = time.monotonic()
        with pytest.raises(FunctionTimedOut):
            envs.invoke(ECHO, event("slow", pause="30"))
        assert time.monotonic() - started < 5
        assert answer(envs.invoke(ECHO, event("b")))["pid"] != pid
    finally:
        envs.stop()


def test_stopping_ends_every_worker() -> None:
    envs, _ = environments(2)
    at_once(envs, event("a", pause="0.2"), event("b", pause="0.2"))
    workers = [e.process for e in envs.pool(ECHO)._every]
    assert len(workers) == 2 and all(w.is_alive() for w in workers)
    envs.stop()
    assert not any(w.is_alive() for w in workers)


def test_the_api_answers_504_for_a_timeout_and_502_for_a_crash() -> None:
    """What API Gateway answers when the function times out or its environment dies."""
    import requests

    from local.aws import free_port
    from local.server import LocalRoutes, serve
    from yoyaku.runtime import OffsetClock

    envs, _ = environments(1, timeout=1.0)
    route = Route("GET", "/echo", ECHO, None, _pattern("/echo"))
    api = Api([route], {}, {}, "local")
    gateway = Gateway(api, {ECHO: Function(ECHO, "unused", {})}, envs.invoke)
    port = free_port()
    server = serve(port, gateway, LocalRoutes(OffsetClock(), None, None))  # type: ignore[arg-type]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}/echo"
    try:
        assert requests.get(url, params={"caller": "a"}, timeout=30).json()["caller"] == "a"
        slow = requests.get(url, params={"caller": "a", "pause": "30"}, timeout=30)
        assert (slow.status_code, slow.json()["code"]) == (504, "GATEWAY_TIMEOUT")
        assert slow.headers["Content-Type"] == "application/problem+json"
        crash = requests.get(url, params={"caller": "a", "exit": "1"}, timeout=30)
        assert (crash.status_code, crash.json()["code"]) == (502, "INTERNAL_ERROR")
        assert requests.get(url, params={"caller": "b"}, timeout=30).json()["caller"] == "b"
    finally:
        server.shutdown()
        server.server_close()
        envs.stop()
