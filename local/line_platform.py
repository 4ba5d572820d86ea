"""A fake LINE platform on loopback, for the local runtime and the tests. Never deployed.

It answers the two LINE endpoints Yoyaku calls, as LINE documents them:

- `GET /oauth2/v2.1/certs`: the key set (JWKS) of the ES256 key that signs ID tokens;
- `POST /v2/bot/message/push`: checks the channel access token and the body, keeps
  `X-Line-Retry-Key`s (a key seen before answers 409 "already accepted", and nothing
  is sent twice), and records every accepted message in `outbox`.

`mint_id_token` makes LIFF-like ID tokens valid at the application clock's "now", so
moving the clock does not break them. Tests can script the next push answers
(`script(500, 429, …)`) to see retries.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

ISSUER = "https://access.line.me"
JWKS_PATH = "/oauth2/v2.1/certs"
PUSH_PATH = "/v2/bot/message/push"
LOCAL_CHANNEL_ID = "2000000001"  # the LINE Login channel of the local LIFF app
TOKEN_LIFETIME = timedelta(hours=1)
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
MAX_MESSAGES = 5
MAX_TEXT = 5000

# Scripted answers besides plain status codes: the message is accepted (and recorded)
# but the answer is lost, as when a connection breaks after LINE got the request.
ACCEPT_THEN_500 = "accept-then-500"
ACCEPT_THEN_TIMEOUT = "accept-then-timeout"


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class PushRequest:
    """One push request as the platform saw it, and how it answered."""

    to: str
    retry_key: str | None
    status: int


@dataclass
class _SigningKey:
    kid: str
    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "ES256", "use": "sig"}


class FakeLinePlatform:
    def __init__(
        self,
        clock: Clock,
        channel_id: str = LOCAL_CHANNEL_ID,
        access_token: str | None = None,
        slow_seconds: float = 2.0,
    ) -> None:
        self.clock = clock
        self.channel_id = channel_id
        self.access_token = access_token or secrets.token_urlsafe(32)
        self.channel_secret = secrets.token_hex(16)
        self.slow_seconds = slow_seconds
        self._keys = [_SigningKey(secrets.token_hex(8))]
        self._lock = threading.Lock()
        self._outbox: list[dict[str, Any]] = []
        self._requests: list[PushRequest] = []
        self._accepted: dict[str, list[dict[str, str]]] = {}
        self._script: deque[int | str] = deque()
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeLinePlatform:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name="fake-line", daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake LINE platform is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def jwks_url(self) -> str:
        return self.url + JWKS_PATH

    def provision(self, secret_name: str, channel_id_parameter: str) -> None:
        """Stores the channel's secret and id where Yoyaku reads them (the mocked AWS)."""
        import boto3

        boto3.client("secretsmanager").create_secret(
            Name=secret_name,
            SecretString=json.dumps(
                {"channelAccessToken": self.access_token, "channelSecret": self.channel_secret}
            ),
        )
        boto3.client("ssm").put_parameter(
            Name=channel_id_parameter, Value=self.channel_id, Type="String"
        )

    # ------------------------------------------------------------ ID tokens

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": [key.jwk() for key in self._keys]}

    def rotate_key(self) -> str:
        """Signs with a new key from now on (both stay published); returns its kid."""
        with self._lock:
            self._keys.append(_SigningKey(secrets.token_hex(8)))
            return self._keys[-1].kid

    def mint_id_token(self, line_user_id: str, nonce: str | None = None, **claims: Any) -> str:
        """A LIFF-like ID token for `line_user_id`, issued at the application clock's now
        and valid for an hour. Tests may override any claim (`aud=…`, `exp=…`)."""
        now = self.clock.now()
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "sub": line_user_id,
            "aud": self.channel_id,
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
            "iat": int(now.timestamp()),
            "amr": ["linesso"],
            "name": "LINE User",
        }
        if nonce is not None:
            payload["nonce"] = nonce
        payload.update(claims)
        with self._lock:
            key = self._keys[-1]
        return jwt.encode(payload, key.private, algorithm="ES256", headers={"kid": key.kid})

    # ------------------------------------------------------------ push

    def script(self, *answers: int | str) -> None:
        """The next push requests get these answers, in order (then normal service)."""
        with self._lock:
            self._script.extend(answers)

    def outbox(self) -> list[dict[str, Any]]:
        """Every message accepted, oldest first: `{to, messages, sentAt}`."""
        with self._lock:
            return [dict(item) for item in self._outbox]

    def requests(self) -> list[PushRequest]:
        with self._lock:
            return list(self._requests)

    def _accept(self, to: str, messages: list[Any], retry_key: str | None) -> list[dict[str, str]]:
        sent = [
            {"id": str(10**17 + secrets.randbelow(10**17)), "quoteToken": "q"} for _ in messages
        ]
        self._outbox.append(
            {
                "to": to,
                "messages": messages,
                "sentAt": self.clock.now().isoformat(timespec="seconds"),
            }
        )
        if retry_key is not None:
            self._accepted[retry_key] = sent
        return sent

    def handle_push(
        self, authorization: str, retry_key: str | None, body: bytes
    ) -> tuple[int, dict[str, Any], float]:
        """(status, JSON answer, seconds to wait before answering)."""
        if authorization != f"Bearer {self.access_token}":
            refused = {
                "message": "Authentication failed. Confirm that the access token in the "
                "authorization header is valid."
            }
            return self._answer("", retry_key, 401, refused)
        problem, to, messages = _check_push(body)
        if problem is None and retry_key is not None and not _is_uuid(retry_key):
            problem = {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}
        if problem is not None:
            return self._answer(to, retry_key, 400, problem)
        with self._lock:
            action = self._script.popleft() if self._script else None
            if retry_key is not None and retry_key in self._accepted and action is None:
                sent = self._accepted[retry_key]
                return self._answer_locked(
                    to,
                    retry_key,
                    409,
                    {"message": "The retry key is already accepted", "sentMessages": sent},
                )
            if action in (ACCEPT_THEN_500, ACCEPT_THEN_TIMEOUT):
                self._accept(to, messages, retry_key)
                if action == ACCEPT_THEN_500:
                    return self._answer_locked(to, retry_key, 500, _server_error())
                status, answer, _ = self._answer_locked(to, retry_key, 200, {"sentMessages": []})
                return status, answer, self.slow_seconds
            if isinstance(action, int) and action != 200:
                answer = _server_error() if action >= 500 else {"message": _REASONS.get(action, "")}
                return self._answer_locked(to, retry_key, action, answer)
            sent = self._accept(to, messages, retry_key)
            return self._answer_locked(to, retry_key, 200, {"sentMessages": sent})

    def _answer(
        self, to: str, retry_key: str | None, status: int, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], float]:
        with self._lock:
            return self._answer_locked(to, retry_key, status, body)

    def _answer_locked(
        self, to: str, retry_key: str | None, status: int, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], float]:
        self._requests.append(PushRequest(to, retry_key, status))
        return status, body, 0.0


_REASONS = {
    409: "The retry key is already accepted",
    429: "The API rate limit has been exceeded. Try again later.",
    400: "The request body has 1 error(s)",
}


def _server_error() -> dict[str, Any]:
    return {"message": "An error occurred in the API server"}


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _check_push(body: bytes) -> tuple[dict[str, Any] | None, str, list[Any]]:
    """What LINE would refuse in a push body: (problem or None, to, messages)."""
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return {"message": "The request body has 1 error(s)"}, "", []
    to = request.get("to") if isinstance(request, dict) else None
    messages = request.get("messages") if isinstance(request, dict) else None
    details = []
    if not isinstance(to, str) or not LINE_USER_ID.match(to):
        details.append({"message": "The property, 'to', in the request body is invalid"})
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        details.append({"message": "Size must be between 1 and 5", "property": "messages"})
    else:
        for index, message in enumerate(messages):
            text = message.get("text") if isinstance(message, dict) else None
            if message.get("type") != "text" or not isinstance(text, str) or not text:
                details.append({"message": "May not be empty", "property": f"messages[{index}]"})
            elif len(text) > MAX_TEXT:
                details.append(
                    {
                        "message": "Length must be between 0 and 5000",
                        "property": f"messages[{index}].text",
                    }
                )
    if details:
        return (
            {"message": f"The request body has {len(details)} error(s)", "details": details},
            "",
            [],
        )
    return None, str(to), list(messages or [])


def _handler(platform: FakeLinePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fake-line"

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-line-request-id", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == JWKS_PATH:
                self._send(200, platform.jwks())
            else:
                self._send(404, {"message": "Not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path != PUSH_PATH:
                self._send(404, {"message": "Not found"})
                return
            status, answer, delay = platform.handle_push(
                self.headers.get("Authorization") or "",
                self.headers.get("X-Line-Retry-Key"),
                body,
            )
            if delay:
                time.sleep(delay)
            # A client that gave up waiting (a scripted timeout) has closed the connection.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(status, answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the local runtime prints its own request log."""

    return Handler
