"""Requests no client should send, over real HTTP: always problem+json, never HTML or 5xx."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.conftest import LocalService

PROBLEM_JSON = "application/problem+json"


def raw_request(service: LocalService, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends bytes as they are (requests would refuse or fix them) and reads the answer."""
    url = urlsplit(service.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PROPFIND", "PURGE"])
def test_methods_no_route_has_are_not_found_as_problems(service: LocalService, method: str) -> None:
    response = requests.request(method, service.url + "/v1/facilities", timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == PROBLEM_JSON
    assert response.json()["code"] == "NOT_FOUND"


def test_head_answers_without_a_body(service: LocalService) -> None:
    response = requests.head(service.url + "/v1/facilities", timeout=30)
    assert response.status_code == 404 and response.content == b""


def test_an_over_long_path_is_a_problem(service: LocalService) -> None:
    status, headers, body = raw_request(
        service, b"GET /v1/" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert status == 414
    assert headers["Content-Type"] == PROBLEM_JSON
    assert b'"code": "URI_TOO_LONG"' in body


def test_a_long_path_within_limits_is_not_found(service: LocalService) -> None:
    response = service.call("GET", "/v1/facilities/" + "x" * 20_000)
    assert response.status_code in (404, 422)
    assert response.headers["Content-Type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("APPLICATION/JSON", b'{"staffId": "x", "password": "y"}', 401),
        ("application/json; charset=UTF-8", b'{"staffId": "x", "password": "y"}', 401),
        ("text/json", b'{"staffId": "x", "password": "y"}', 415),
        ("application/vnd.api+json", b'{"staffId": "x", "password": "y"}', 415),
        ("application/jsonx", b'{"staffId": "x", "password": "y"}', 415),
        ("application/json", b"[" * 10_000 + b"]" * 10_000, 422),
        ("application/json", b'{"staffId": "\xff", "password": "y"}', 422),
    ],
)
def test_bodies_on_an_anonymous_route(
    service: LocalService, content_type: str, body: bytes, status: int
) -> None:
    response = service.call(
        "POST", "/v1/staff/sessions", data=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM_JSON
