"""Which address a request is counted by (services/clients.py, through api/auth.py): the viewer's,
named by CloudFront, only beside the origin secret; otherwise API Gateway's source."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from local import aws, template
from yoyaku.api.auth import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, client_address
from yoyaku.settings import forget as forget_settings

SECRET = "8f14e45f-ceea-467f-a0e6-0123456789ab"
EDGE = "130.176.212.3"  # a CloudFront edge address, shared by many viewers


@pytest.fixture(autouse=True)
def origin_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in aws.globals_environment(template.load()).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VIEWER_ADDRESS_SECRET", SECRET)
    forget_settings()
    yield
    forget_settings()


def address(headers: dict[str, str], source: str | None = EDGE) -> str:
    router = Router()
    router.current_event = APIGatewayProxyEvent(
        {
            "httpMethod": "POST",
            "path": "/v1/sessions",
            "headers": headers,
            "requestContext": {"identity": {"sourceIp": source}},
        }
    )
    return client_address(router)


def test_through_cloudfront_the_viewer_counts() -> None:
    headers = {ORIGIN_SECRET_HEADER: SECRET, VIEWER_ADDRESS_HEADER: "203.0.113.7"}
    assert address(headers) == "203.0.113.7"


def test_header_names_are_matched_whatever_their_case() -> None:
    headers = {"X-Yoyaku-Origin-Secret": SECRET, "X-Yoyaku-Viewer-Address": "203.0.113.7"}
    assert address(headers) == "203.0.113.7"


def test_an_ipv6_viewer_is_counted_by_its_address_written_one_way() -> None:
    headers = {ORIGIN_SECRET_HEADER: SECRET, VIEWER_ADDRESS_HEADER: "2001:DB8:0:0:0:0:0:1"}
    assert address(headers) == "2001:db8::1"


def test_a_viewer_header_without_the_secret_is_ignored() -> None:
    # A client calling the stage URL directly names any address it likes.
    assert address({VIEWER_ADDRESS_HEADER: "198.51.100.1"}, source="192.0.2.9") == "192.0.2.9"


@pytest.mark.parametrize(
    "sent",
    ["", "wrong", SECRET.upper(), SECRET + " ", SECRET[:-1], "8f14e45f"],
)
def test_a_wrong_secret_leaves_the_source_address(sent: str) -> None:
    headers = {ORIGIN_SECRET_HEADER: sent, VIEWER_ADDRESS_HEADER: "198.51.100.1"}
    assert address(headers, source="192.0.2.9") == "192.0.2.9"


def test_the_secret_without_a_valid_viewer_address_leaves_the_source_address() -> None:
    assert address({ORIGIN_SECRET_HEADER: SECRET}) == EDGE
    garbage = {ORIGIN_SECRET_HEADER: SECRET, VIEWER_ADDRESS_HEADER: "203.0.113.7, 10.0.0.1"}
    assert address(garbage) == EDGE


def test_without_cloudfront_nothing_can_name_the_viewer(monkeypatch: pytest.MonkeyPatch) -> None:
    # The local runtime sets no secret: an empty header must not match an empty secret.
    monkeypatch.setenv("VIEWER_ADDRESS_SECRET", "")
    forget_settings()
    assert address({ORIGIN_SECRET_HEADER: "", VIEWER_ADDRESS_HEADER: "198.51.100.1"}) == EDGE
    assert address({VIEWER_ADDRESS_HEADER: "198.51.100.1"}) == EDGE


def test_ipv6_source_addresses_pass_through() -> None:
    assert address({}, source="2001:db8::2") == "2001:db8::2"


def test_no_source_address_at_all() -> None:
    assert address({}, source=None) == "unknown"
