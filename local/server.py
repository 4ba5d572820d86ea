"""The HTTP front of the local runtime: local-only routes, then the gateway."""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local import api_docs
from local.environments import FunctionTimedOut
from local.gateway import ACCOUNT, REGION, Gateway, HttpResponse
from local.jpki import CARD_STATES, CardRequest, LocalJpki
from local.line_platform import LINE_USER_ID, FakeLinePlatform
from local.scheduler import LocalScheduler, UnknownSchedule
from local.site import Site
from local.template import ROOT
from yoyaku.domain.calendar import tokyo_date
from yoyaku.runtime import OffsetClock

OPENAPI = ROOT / "docs" / "openapi.json"
_RUN_SCHEDULE = re.compile(r"^/_local/schedules/(?P<name>[^/]+)/run$")
_CARD_SIGNATURES = re.compile(r"^/_local/mynumber-cards/(?P<card>[^/]+)/signatures$")


def _json(status: int, body: Any, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(
        status, {"Content-Type": content_type}, json.dumps(body, ensure_ascii=False).encode()
    )


def _problem(status: int, code: str, title: str, detail: str) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code}
    return _json(status, body, "application/problem+json")


class LocalRoutes:
    """`/_local/*` of docs/api.md and `/openapi.json`; never part of the deployed API."""

    def __init__(
        self,
        clock: OffsetClock,
        scheduler: LocalScheduler,
        line: FakeLinePlatform,
        jpki: LocalJpki | None = None,
        refresh_crl: Callable[[], object] | None = None,
    ) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self.line = line
        self.jpki = jpki
        self.refresh_crl = refresh_crl or (lambda: None)

    def handle(self, method: str, path: str, body: bytes) -> HttpResponse | None:
        if path == "/openapi.json" and method == "GET":
            return HttpResponse(
                200, {"Content-Type": "application/json"}, Path(OPENAPI).read_bytes()
            )
        if path == "/_local/outbox" and method == "GET":
            return _json(200, {"items": outbox()})
        if path == "/_local/line/outbox" and method == "GET":
            return _json(200, {"items": self.line.outbox()})
        if path == "/_local/line/id-tokens" and method == "POST":
            return self._mint_id_token(body)
        if path == "/_local/clock":
            if method == "POST":
                return self._move_clock(body)
            if method == "GET":
                return _json(200, self._clock_state())
        if self.jpki is not None and path.startswith("/_local/"):
            answer = self._jpki(self.jpki, method, path, body)
            if answer is not None:
                return answer
        found = _RUN_SCHEDULE.match(path)
        if found and method == "POST":
            try:
                return _json(200, self.scheduler.run(found["name"]))
            except UnknownSchedule:
                return _problem(
                    404, "NOT_FOUND", "Unknown schedule", f"No schedule named {found['name']}."
                )
        return None

    def _mint_id_token(self, body: bytes) -> HttpResponse:
        try:
            request = json.loads(body or b"{}")
            line_user_id = request["lineUserId"]
            nonce = request.get("nonce")
            if not isinstance(line_user_id, str) or not LINE_USER_ID.match(line_user_id):
                raise ValueError
            if nonce is not None and (not isinstance(nonce, str) or not 1 <= len(nonce) <= 255):
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            return _problem(
                422,
                "VALIDATION_FAILED",
                "lineUserId is required",
                'Send {"lineUserId": "U" + 32 hex digits, "nonce"?: text}, e.g. '
                '{"lineUserId": "U0123456789abcdef0123456789abcdef"}.',
            )
        return _json(200, {"idToken": self.line.mint_id_token(line_user_id, nonce)})

    # ------------------------------------------------------------ JPKI-TEST cards

    def _jpki(self, jpki: LocalJpki, method: str, path: str, body: bytes) -> HttpResponse | None:
        if path == "/_local/jpki/crl" and method == "GET":
            crl = jpki.current_crl(self.clock.now())
            return HttpResponse(200, {"Content-Type": "application/pkix-crl"}, crl)
        if path == "/_local/jpki/root" and method == "GET":
            return HttpResponse(200, {"Content-Type": "application/x-pem-file"}, jpki.ca.root_pem)
        if path == "/_local/mynumber-cards" and method == "POST":
            return self._new_card(jpki, body)
        found = _CARD_SIGNATURES.match(path)
        if found and method == "POST":
            return self._sign(jpki, found["card"], body)
        return None

    def _new_card(self, jpki: LocalJpki, body: bytes) -> HttpResponse:
        try:
            request = _card_request(json.loads(body or b"{}"))
        except (ValueError, TypeError, KeyError) as error:
            return _problem(
                422,
                "VALIDATION_FAILED",
                "A test card needs name, address, birthdate, gender and state",
                f"{error}. Example: "
                '{"name": "公的　花子", "address": "東京都港区芝公園1-5-25", '
                '"birthdate": "1990-04-01", "gender": "2", "state": "valid"}',
            )
        card = jpki.issue(request, self.clock.now())
        if request.state == "revoked":
            self.refresh_crl()  # the verifier sees the revocation at once
        certificate = card.certificate
        return _json(
            201,
            {
                "cardId": card.card_id,
                "state": request.state,
                "notBefore": certificate.not_valid_before_utc.isoformat(),
                "notAfter": certificate.not_valid_after_utc.isoformat(),
            },
        )

    @staticmethod
    def _sign(jpki: LocalJpki, card_id: str, body: bytes) -> HttpResponse:
        card = jpki.card(card_id)
        if card is None:
            return _problem(404, "NOT_FOUND", "Unknown test card", f"No card {card_id}.")
        try:
            request = json.loads(body or b"{}")
            data = base64.b64decode(str(request["signedData"]), validate=True)
            signature_format = request.get("format") or "pkcs1"
            if signature_format not in ("pkcs1", "cms"):
                raise ValueError('format must be "pkcs1" or "cms"')
        except (ValueError, TypeError, KeyError, binascii.Error) as error:
            return _problem(
                422,
                "VALIDATION_FAILED",
                "signedData (base64) is required",
                f'{error}. Send {{"signedData": "<the challenge\'s signedData>", '
                '"format": "pkcs1"}.',
            )
        return _json(
            200,
            {
                "certificate": base64.b64encode(card.der).decode(),
                "signature": base64.b64encode(card.sign(data, signature_format)).decode(),
                "format": signature_format,
            },
        )

    def _clock_state(self) -> dict[str, Any]:
        now = self.clock.now()
        return {
            "offsetSeconds": int(self.clock.offset.total_seconds()),
            "now": now.isoformat(timespec="seconds"),
            # The service's day is Tokyo's: from 15:00 UTC on, it is a day ahead of `now`'s.
            "today": tokyo_date(now).isoformat(),
        }

    def _move_clock(self, body: bytes) -> HttpResponse:
        try:
            offset = json.loads(body or b"{}")["offsetSeconds"]
            if isinstance(offset, bool) or not isinstance(offset, int | float):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return _problem(
                422,
                "VALIDATION_FAILED",
                "offsetSeconds is required",
                'Send {"offsetSeconds": <seconds from the real time>}, e.g. 600.',
            )
        self.clock.set_offset(timedelta(seconds=offset))
        self.scheduler.fire_due()
        return _json(200, self._clock_state())


def _card_request(body: Any) -> CardRequest:
    if not isinstance(body, dict):
        raise TypeError("the body must be a JSON object")
    name, address = str(body["name"]).strip(), str(body["address"]).strip()
    if not name or not address or len(name) > 100 or len(address) > 200:
        raise ValueError("name (1-100 characters) and address (1-200) are required")
    gender, state = str(body.get("gender", "")), str(body.get("state", "valid"))
    if gender not in ("1", "2", "3"):
        raise ValueError('gender must be "1", "2" or "3" (as on the card)')
    if state not in CARD_STATES:
        raise ValueError(f"state must be one of {', '.join(CARD_STATES)}")
    return CardRequest(name, address, date.fromisoformat(str(body["birthdate"])), gender, state)


class StampedMessages(list[Any]):
    """moto's list of sent e-mail, remembering when (by the application clock) each came."""

    def __init__(self, clock: OffsetClock) -> None:
        super().__init__()
        self.clock = clock
        self.sent_at: list[str] = []

    def append(self, message: Any) -> None:
        self.sent_at.append(self.clock.now().isoformat(timespec="seconds"))
        super().append(message)


def record_sent_mail(clock: OffsetClock) -> None:
    from moto.ses.models import ses_backends

    ses_backends[ACCOUNT][REGION].sent_messages = StampedMessages(clock)


def outbox() -> list[dict[str, Any]]:
    """Every e-mail moto's SES has accepted, oldest first."""
    from moto.ses.models import ses_backends

    messages = ses_backends[ACCOUNT][REGION].sent_messages
    stamps = getattr(messages, "sent_at", [])
    items = []
    for index, message in enumerate(list(messages)):
        destinations = getattr(message, "destinations", {}) or {}
        to = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else destinations
        items.append(
            {
                "to": list(to),
                "subject": getattr(message, "subject", ""),
                "body": getattr(message, "body", getattr(message, "raw_data", "")),
                "sentAt": stamps[index] if index < len(stamps) else None,
            }
        )
    return items


def make_handler(
    gateway: Gateway,
    local_routes: LocalRoutes,
    site: Site | None = None,
    security_headers: dict[str, str] | None = None,
) -> type[BaseHTTPRequestHandler]:
    extra_headers = security_headers or {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "yoyaku-local"

        def _serve(self) -> None:
            started = time.perf_counter()
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            # API Gateway keeps `?to=` as an empty value (a 422 for a date), never drops it.
            query = parse_qs(url.query, keep_blank_values=True)
            try:
                response = (
                    local_routes.handle(self.command, url.path, body)
                    or api_docs.handle(self.command, url.path)
                    or (site.handle(self.command, url.path, headers) if site else None)
                    or gateway.handle(
                        self.command,
                        url.path,
                        query,
                        headers,
                        body,
                    )
                )
            except FunctionTimedOut as error:  # API Gateway's integration timeout
                print(f"  ! {error}", flush=True)
                response = _problem(
                    504,
                    "GATEWAY_TIMEOUT",
                    "Gateway timeout",
                    "The function did not answer in time; see the server log.",
                )
            except Exception as error:  # a crash in a handler is a 502 from API Gateway too
                print(f"  ! {type(error).__name__}: {error}", flush=True)
                response = _problem(
                    502, "INTERNAL_ERROR", "Bad gateway", "The function failed; see the server log."
                )
            self.send_response(response.status)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            sent = {name.lower() for name in response.headers}
            for name, value in extra_headers.items():
                if name.lower() not in sent:
                    self.send_header(name, value)
            # A HEAD answer names the length of the body it leaves out.
            content_length = response.headers.get("Content-Length", str(len(response.body)))
            self.send_header("Content-Length", content_length)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            elapsed = (time.perf_counter() - started) * 1000
            stamp = datetime.now(UTC).astimezone().strftime("%H:%M:%S")
            print(
                f"{stamp} {self.command} {self.path} {response.status} {elapsed:.0f}ms", flush=True
            )

        # Every method goes to the gateway, which answers what API Gateway answers for a
        # method no route has (404 problem+json), never http.server's HTML 501.
        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
        do_HEAD = do_OPTIONS = do_TRACE = do_CONNECT = _serve

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # any other method token a client may send
                return self._serve
            raise AttributeError(name)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """What http.server itself refuses (an over-long request line or header, a
            malformed request) is a problem+json too, not its HTML page."""
            codes = {414: "URI_TOO_LONG", 431: "HEADERS_TOO_LARGE", 413: "REQUEST_TOO_LARGE"}
            body = json.dumps(
                {
                    "type": "about:blank",
                    "title": message or HTTPStatus(code).phrase,
                    "status": code,
                    "detail": explain or HTTPStatus(code).description,
                    "code": codes.get(code, "BAD_REQUEST"),
                }
            ).encode()
            self.send_response(code, message)
            self.send_header("Content-Type", "application/problem+json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """One line per request is printed by _serve; silence the default log."""

    return Handler


class LocalHttpServer(ThreadingHTTPServer):
    # Many clients connecting at once (the contention tests) need a longer listen queue
    # than the default of 5.
    request_queue_size = 256


def serve(
    port: int,
    gateway: Gateway,
    local_routes: LocalRoutes,
    site: Site | None = None,
    security_headers: dict[str, str] | None = None,
) -> ThreadingHTTPServer:
    handler = make_handler(gateway, local_routes, site, security_headers)
    server = LocalHttpServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server
