"""Shared fixtures: moto with the tables of template.yaml, a movable clock, the gateway.

No fixture here is autouse: unit tests never see moto, and the end-to-end suite (which
starts the local runtime over HTTP) is not touched by them. Only the hypothesis profile
and two warning filters apply to every test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests are reproducible: the same examples on every run and every machine.
hypothesis_settings.register_profile("yoyaku", derandomize=True, deadline=None, database=None)
hypothesis_settings.load_profile("yoyaku")


def pytest_configure(config: pytest.Config) -> None:
    # Noise from Powertools when handlers run in-process: tests emit no metrics.
    config.addinivalue_line("filterwarnings", "ignore:No application metrics to publish")


# An instant well inside a month, on a weekday, far from any daylight-saving question
# (Tokyo has none): 2030-05-15 10:00 in Tokyo.
DEFAULT_NOW = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
REGION = "ap-northeast-1"


class MovableClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = DEFAULT_NOW) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._now = now
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        with self._lock:
            self._now = now

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


@pytest.fixture
def clock() -> Iterator[MovableClock]:
    """Installs a movable clock as the application's clock for the test."""
    from yoyaku import runtime

    movable = MovableClock()
    with runtime.use(clock=movable):
        yield movable


_connections_forgotten = False


def _forget_connections_once() -> None:
    """Drops pynamodb's cached connections the first time moto starts in this process.

    Connections made afterwards stay valid from test to test: moto intercepts every
    botocore client once it is active, every test uses the same table names (pynamodb
    reconnects by itself when the name changes), and building a botocore client per
    model per test would make the suite several times slower.
    """
    global _connections_forgotten
    if not _connections_forgotten:
        _reset_pynamodb()
        _connections_forgotten = True


def _reset_pynamodb() -> None:
    from yoyaku.adapters import transactions
    from yoyaku.adapters.table import TableItem

    pending: list[type[Any]] = [TableItem]
    while pending:
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())
    transactions.connection.cache_clear()


def _table_env_names(document: dict[str, Any]) -> dict[str, str]:
    """Logical table id -> the environment variable that names it, from the template."""
    variables = document["Globals"]["Function"]["Environment"]["Variables"]
    names = {}
    for variable, value in variables.items():
        if isinstance(value, dict) and "Ref" in value:
            names[value["Ref"]] = variable
    return names


@cache
def _template() -> dict[str, Any]:
    from local import template

    return template.load()


@cache
def _dynamodb() -> Any:
    """One client for the suite: moto intercepts it whenever a mock is active."""
    import boto3

    return boto3.client("dynamodb", region_name=REGION)


# What template.yaml gives every function besides the table names (which `aws` takes
# from the tables it creates); settings have no silent defaults for these.
FUNCTION_ENV = {
    "PROOF_BUCKET": "test-proof-documents",
    "SENDER_EMAIL": "no-reply@yoyaku.example",
    "STAFF_NOTIFY_EMAIL": "staff@yoyaku.example",
    "SITE_URL": "http://127.0.0.1:3000",
    "LINE_SECRET_NAME": "yoyaku/line/messaging",
    "LINE_CHANNEL_ID_PARAMETER": "/yoyaku/line/login-channel-id",
    "LINE_API_HOST": "https://api.line.me",
    "LINE_JWKS_URL": "https://api.line.me/oauth2/v2.1/certs",
    # No CloudFront in front: no request may name its viewer's address.
    "VIEWER_ADDRESS_SECRET": "",
    # Given to the lottery functions only; every test's draws may publish.
    "AUDIT_BUCKET": "test-draw-audits",
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto in-process with every DynamoDB table of template.yaml; yields env var -> name."""
    from moto import mock_aws

    from local.aws import create_tables, serialize_dynamodb_writes
    from yoyaku.settings import forget as forget_settings

    # As in the local runtime: moto applies each operation atomically, as DynamoDB does
    # (staff inventory changes write days from several threads at once).
    serialize_dynamodb_writes()

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
    for name, value in FUNCTION_ENV.items():
        monkeypatch.setenv(name, value)
    document = _template()
    env_names = _table_env_names(document)
    forget_settings()
    _forget_connections_once()
    from yoyaku.services import reception
    from yoyaku.services.catalog import forget_facilities

    forget_facilities()  # a warm container's cache must not outlive the test's tables
    reception.forget()
    created: dict[str, str] = {}
    with mock_aws():
        tables = create_tables(
            document, client=_dynamodb(), name=lambda logical_id: f"test-{logical_id}".lower()
        )
        for logical_id, name in tables.items():
            variable = env_names.get(logical_id)
            if variable is not None:
                monkeypatch.setenv(variable, name)
                created[variable] = name
        # Every lottery draw publishes its audit file here.
        import boto3

        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=FUNCTION_ENV["AUDIT_BUCKET"],
            CreateBucketConfiguration={"LocationConstraint": REGION},
        )
        forget_settings()  # read again on first use: a test may still set its own
        try:
            yield created
        finally:
            forget_settings()


@dataclass(frozen=True)
class Reply:
    """What a client sees: status, headers (case-insensitive lookup) and the JSON body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@cache
def _gateway() -> Any:
    """local.gateway.Gateway for template.yaml: its routes, authorizers and handlers."""
    from local import template
    from local.gateway import Gateway

    document = _template()
    return Gateway(template.api(document), template.functions(document))


class Client:
    """Drives the handlers through local.gateway exactly as API Gateway would: the route
    and its REQUEST authorizer come from template.yaml, the handler gets a REST proxy
    event, and the reply is what API Gateway would send back."""

    def __init__(self) -> None:
        self.gateway = _gateway()

    def request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        raw: bytes | None = None,
        token: str | None = None,
        lang: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        parts = urlsplit(url)
        sent = {"Content-Type": "application/json"} if json_body is not None or raw else {}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if lang is not None:
            sent["Accept-Language"] = lang
        sent.update(headers or {})
        body = raw if raw is not None else b""
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
        query = parse_qs(parts.query, keep_blank_values=True)  # as API Gateway keeps `?x=`
        response = self.gateway.handle(method, parts.path, query, sent, body)
        return Reply(response.status, response.headers, response.body)

    def get(self, url: str, **kwargs: Any) -> Reply:
        return self.request("GET", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Reply:
        return self.request("PUT", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Reply:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Reply:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def client(aws: dict[str, str], clock: MovableClock) -> Client:
    """The API as clients see it, backed by moto and the test's clock."""
    return Client()


STAFF_ID = "staff-1"
STAFF_PASSWORD = "correct horse battery staple"
_hashes: dict[str, str] = {}


def _password_hash(password: str) -> str:
    """argon2id is deliberately slow: hash each test password once per session."""
    from yoyaku.adapters import passwords

    if password not in _hashes:
        _hashes[password] = passwords.hash_password(password)
    return _hashes[password]


@pytest.fixture
def password_hash() -> Callable[[str], str]:
    """argon2id hashing, cached per password for the session."""
    return _password_hash


@pytest.fixture
def staff_account(aws: dict[str, str]) -> tuple[str, str]:
    """A stored staff account; returns (staffId, password)."""
    from yoyaku.adapters import staff_store
    from yoyaku.domain.staff import Role

    staff_store.save(
        staff_store.StaffAccount(
            STAFF_ID, "テスト職員", _password_hash(STAFF_PASSWORD), Role.ADMINISTRATOR
        )
    )
    return STAFF_ID, STAFF_PASSWORD


def session_token(kind: str, principal_id: str, clock: MovableClock) -> str:
    """A live session created in the store, as signing in would create it."""
    from yoyaku.adapters import session_store
    from yoyaku.domain.auth import Principal, PrincipalKind
    from yoyaku.settings import settings

    token, _ = session_store.create(
        Principal(PrincipalKind(kind), principal_id),
        clock.now(),
        timedelta(hours=settings().session_hours),
    )
    return token


@pytest.fixture
def staff_token(client: Client, staff_account: tuple[str, str], clock: MovableClock) -> str:
    """A staff bearer token. Signing in costs an argon2 check (~0.2 s), so tests that are
    not about signing in get their session straight from the store."""
    return session_token("staff", staff_account[0], clock)


@pytest.fixture
def citizen_token(client: Client, clock: MovableClock) -> str:
    """A citizen bearer token for user number 123456 (no registered user behind it)."""
    return session_token("citizen", "123456", clock)


# ------------------------------------------------------------------ citizens, mail, services

ACCOUNT = "123456789012"  # moto's default account


@dataclass(frozen=True)
class Mail:
    """One e-mail that the application sent through SES (as moto keeps it)."""

    to: list[str]
    subject: str
    body: str


class Mailbox:
    """Reads what SES sent, in order: moto keeps every message of the test's backend."""

    def all(self) -> list[Mail]:
        from moto.ses.models import ses_backends

        return [
            Mail(list(m.destinations.get("ToAddresses", [])), m.subject, m.body)
            for m in ses_backends[ACCOUNT][REGION].sent_messages
        ]

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.all() if address in m.to]

    def find(self, address: str, subject_part: str) -> Mail | None:
        """The latest mail to `address` whose subject contains `subject_part`."""
        found = [m for m in self.to(address) if subject_part in m.subject]
        return found[-1] if found else None


@pytest.fixture
def mailbox(aws: dict[str, str]) -> Mailbox:
    """SES can send (the sender identity is verified, as in AWS); returns the outbox."""
    import boto3

    from yoyaku.settings import settings

    boto3.client("sesv2", region_name=REGION).create_email_identity(
        EmailIdentity=settings().sender_email
    )
    return Mailbox()


@pytest.fixture
def account_services(
    aws: dict[str, str], mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> Mailbox:
    """What registration needs besides the table: SES, the proof bucket and a review state
    machine to start. The machine is moto's default kind, which records executions without
    running them (tests/integration/test_review_workflow.py runs the real one)."""
    import boto3

    from local.aws import parameters
    from yoyaku.settings import forget as forget_settings
    from yoyaku.settings import settings

    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=settings().proof_bucket,
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )
    machine = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
        name="review-not-run",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/review",
    )
    monkeypatch.setenv("REVIEW_STATE_MACHINE_ARN", machine["stateMachineArn"])
    # AccountsFunction's municipality: the template's default, as a deployment gives it.
    monkeypatch.setenv("MUNICIPALITY", parameters(_template())["Municipality"])
    forget_settings()
    return mailbox


@dataclass(frozen=True)
class Citizen:
    """A stored citizen account and a live session token for it."""

    user_number: str
    email: str
    token: str


CITIZEN_PASSWORD = "minato2024"
_user_numbers = iter(range(200_001, 999_999))


@pytest.fixture
def make_citizen(aws: dict[str, str], clock: MovableClock) -> Callable[..., Citizen]:
    """Writes a citizen account straight into the table and signs it in.

    It stores what confirming a registration stores (the user, the claim on the e-mail
    address and a confirmed registration) without the e-mail round trip, so booking
    tests can ask for any status: `make_citizen(status="verified")`, or a worker
    verified until some day: `make_citizen(status="verified", residency="worker",
    verified_until=date(...))`. Its session lasts ten years, so tests may move the clock
    by months. The password is CITIZEN_PASSWORD, hashed only when `with_password=True`
    (argon2 is slow); otherwise signing in is impossible.
    """
    import hashlib
    from datetime import date

    from yoyaku.adapters import session_store
    from yoyaku.adapters.table import EmailItem, RegistrationItem, UserItem
    from yoyaku.domain.auth import Principal, PrincipalKind

    def make(
        *,
        status: str = "provisional",
        residency: str = "resident",
        verified_until: date | None = None,
        birthdate: str = "1990-04-01",
        user_number: str | None = None,
        language: str = "ja",
        with_password: bool = False,
        group: dict[str, Any] | None = None,
        roster_accepted: bool = False,
    ) -> Citizen:
        """`group={...}` makes a group account (団体) with that group; `roster_accepted`
        is what approving it with a roster leaves behind."""
        number = user_number or str(next(_user_numbers))
        email = f"citizen{number}@example.jp"
        profile: dict[str, Any] = {
            "nameKana": "ミナト　タロウ",
            "nameKanji": "港　太郎",
            "phone": "0312345678",
            "residency": residency,
            "address": {
                "postalCode": "105-8511",
                "prefecture": "東京都",
                "city": "港区",
                "street": "芝公園1-5-25",
            },
            "birthdate": birthdate,
            "email": email,
            "lotteryResultEmail": True,
            "workplace": None,
            "userType": "group" if group else "individual",
            "group": group,
        }
        password_hash = _password_hash(CITIZEN_PASSWORD) if with_password else "!"
        registration_id = f"reg_{number}"
        RegistrationItem(
            f"REGISTRATION#{registration_id}",
            "REGISTRATION",
            form=profile,
            password_hash=password_hash,
            language=language,
            status="confirmed",
            user_number=number,
            created_at=clock.now(),
        ).save()
        UserItem(
            f"USER#{number}",
            "PROFILE",
            profile=profile,
            email=email,
            language=language,
            residency=residency,
            status=status,
            verified_until=verified_until.isoformat() if verified_until else None,
            lottery_result_email=True,
            password_hash=password_hash,
            registration_id=registration_id,
            user_type="group" if group else None,
            roster_accepted=roster_accepted or None,
        ).save()
        digest = hashlib.sha256(email.encode()).hexdigest()
        EmailItem(f"EMAIL#{digest}", "EMAIL", user_number=number).save()
        # A session that outlives any clock move of a test (real ones last 12 hours).
        token, _ = session_store.create(
            Principal(PrincipalKind.CITIZEN, number), clock.now(), timedelta(days=3650)
        )
        return Citizen(number, email, token)

    return make


# ------------------------------------------------------------------ LINE


@pytest.fixture
def line_platform(
    aws: dict[str, str], clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """The local runtime's fake LINE platform on loopback, with its channel's access token
    and id stored in moto where Yoyaku reads them; pushes retry without real waiting."""
    from local.line_platform import FakeLinePlatform
    from yoyaku.adapters import line_config, line_keys, line_messaging
    from yoyaku.settings import forget as forget_settings
    from yoyaku.settings import settings

    platform = FakeLinePlatform(clock, slow_seconds=0.5).start()
    monkeypatch.setenv("LINE_API_HOST", platform.url)
    monkeypatch.setenv("LINE_JWKS_URL", platform.jwks_url)
    forget_settings()
    platform.provision(settings().line_secret_name, settings().line_channel_id_parameter)
    monkeypatch.setattr(
        line_messaging,
        "DEFAULT_POLICY",
        line_messaging.RetryPolicy(base_delay=0.01, max_delay=0.05, read_timeout=0.3),
    )
    line_config.forget()
    line_keys.forget()
    line_messaging._api.cache_clear()
    try:
        yield platform
    finally:
        platform.stop()
        line_config.forget()
        line_keys.forget()
        line_messaging._api.cache_clear()
        forget_settings()
