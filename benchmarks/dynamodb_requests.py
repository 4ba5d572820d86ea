"""DynamoDB requests per API call, counted in-process against moto.

How requests are counted: `botocore.client.BaseClient._make_api_call` is wrapped for the
duration of the benchmark. Every AWS API operation of every botocore client goes through
that one method exactly once, whichever botocore session created the client: pynamodb
makes its own session (one per thread) and its own client per `Connection`, so a
session-level `register(...)` would have to find each of those sessions, while the class
method catches them all. Only clients whose service is `dynamodb` are counted (both
tables; calls to the idempotency table are named in the breakdown), and only inside a
`measure()` window, so set-up writes stay out. The wrapper also hooks
`before-send.dynamodb` on each client it sees (`register_first`, so it runs before
moto's stubber answers), which counts HTTP attempts: equal to the operations unless
botocore retried.

The scenario goes through the real handlers (staff, catalog, accounts, bookings) behind
the local runtime's gateway (routes and authorizers from template.yaml), with the tables
created from the template's own definitions.

Each request is tagged with who made it, and the figures count the handler's own
requests: the gateway's authorizer call is wrapped, so the authorizer's reads (one
BatchGetItem of session + profile for citizens, one GetItem for staff) are reported apart,
as are the Powertools idempotency records (calls to the idempotency table).

The per-container facility cache (`yoyaku.services.catalog`, 60 s) is set explicitly: a *cold*
figure empties it first (`forget_facilities()`, a fresh Lambda container), the *warm*
figure is the next call. All functions share one process here, so a staff `PUT` of a
facility empties the cache the catalog and bookings handlers would see too; in AWS it
empties only the staff function's own container. The measured calls therefore come after
the staff set-up, and each says which state it ran in.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from unittest import mock

from benchmarks import availability_scale
from benchmarks.report import Figure, Section

REGION = "ap-northeast-1"
LODGING = "minato-ohiradai"
TIMESLOT = "ageo-tennis"
BUSIEST = "mynumber-counter"  # the most cells per day: 2 counters x 32 quarter-hour slots
STAFF_ID = "bench-staff"
STAFF_PASSWORD = "bench-staff-password"  # noqa: S105 - a throw-away account in moto


AUTHORIZER = "authorizer"
HANDLER = "handler"


@dataclass(frozen=True)
class Call:
    operation: str
    table: str
    items: int = 0
    bytes: int = 0
    more_pages: bool = False
    phase: str = HANDLER

    @property
    def idempotency(self) -> bool:
        return "idempotency" in self.table.lower()


def _summary(calls: list[Call]) -> str:
    counted = Counter(c.operation for c in calls)
    return ", ".join(f"{op} x{n}" for op, n in sorted(counted.items())) or "none"


@dataclass
class Window:
    """What one measured stretch of code sent to DynamoDB, split by who sent it."""

    calls: list[Call] = field(default_factory=list)
    sends: int = 0

    @property
    def handler_calls(self) -> list[Call]:
        """The handler's own requests (not the authorizer's, not the idempotency records)."""
        return [c for c in self.calls if c.phase == HANDLER and not c.idempotency]

    @property
    def authorizer_calls(self) -> list[Call]:
        return [c for c in self.calls if c.phase == AUTHORIZER]

    @property
    def idempotency_calls(self) -> list[Call]:
        return [c for c in self.calls if c.phase == HANDLER and c.idempotency]

    @property
    def count(self) -> int:
        """The handler's own requests: the figure."""
        return len(self.handler_calls)

    @property
    def total(self) -> int:
        return len(self.calls)

    def by_operation(self) -> dict[str, int]:
        return dict(Counter(c.operation for c in self.handler_calls))

    def breakdown(self) -> str:
        text = f"handler: {_summary(self.handler_calls)}"
        if self.idempotency_calls:
            text += f"; idempotency record: {_summary(self.idempotency_calls)}"
        if self.authorizer_calls:
            text += f"; authorizer: {_summary(self.authorizer_calls)}"
        if self.total != self.count:
            text += f"; {self.total} in all"
        return text

    def details(self) -> dict[str, Any]:
        queries = [c for c in self.handler_calls if c.operation == "Query"]
        return {
            "operations": self.by_operation(),
            "authorizer": dict(Counter(c.operation for c in self.authorizer_calls)),
            "idempotency": dict(Counter(c.operation for c in self.idempotency_calls)),
            "allRequests": self.total,
            "tables": dict(Counter(c.table for c in self.calls)),
            "httpAttempts": self.sends,
            "queryPages": [
                {"items": c.items, "bytes": c.bytes, "morePages": c.more_pages} for c in queries
            ],
        }


class DynamoDBRecorder:
    """Counts DynamoDB API operations made by any botocore client in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window: Window | None = None
        self._original: Callable[..., Any] | None = None
        self._phase = threading.local()

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Tags the requests made inside (on this thread) as `name`'s."""
        previous = getattr(self._phase, "name", HANDLER)
        self._phase.name = name
        try:
            yield
        finally:
            self._phase.name = previous

    @contextlib.contextmanager
    def installed(self) -> Iterator[DynamoDBRecorder]:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        recorder = self

        def counting(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            if client.meta.service_model.service_name != "dynamodb":
                return original(client, operation_name, api_params)
            client.meta.events.register_first(
                "before-send.dynamodb", recorder._on_send, unique_id="benchmarks-send-count"
            )
            response = original(client, operation_name, api_params)
            recorder._record(operation_name, api_params, response)
            return response

        BaseClient._make_api_call = counting
        try:
            yield self
        finally:
            BaseClient._make_api_call = original

    def _on_send(self, **_: Any) -> None:
        with self._lock:
            if self._window is not None:
                self._window.sends += 1

    def _record(self, operation: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        tables = params.get("TableName") or ",".join(
            sorted(
                {
                    op["TableName"]
                    for item in params.get("TransactItems", [])
                    for op in item.values()
                }
            )
        )
        items = response.get("Items") if isinstance(response, dict) else None
        call = Call(
            operation=operation,
            table=str(tables),
            items=len(items) if items is not None else 0,
            bytes=len(json.dumps(items, default=str)) if items is not None else 0,
            more_pages=isinstance(response, dict) and "LastEvaluatedKey" in response,
            phase=getattr(self._phase, "name", HANDLER),
        )
        with self._lock:
            if self._window is not None:
                self._window.calls.append(call)

    @contextlib.contextmanager
    def measure(self) -> Iterator[Window]:
        window = Window()
        with self._lock:
            self._window = window
        try:
            yield window
        finally:
            with self._lock:
                self._window = None


# ------------------------------------------------------------------ the scenario


@dataclass
class Stack:
    """The local runtime's gateway over moto, with a signed-in staff token."""

    gateway: Any
    token: str = ""

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, str] | None = None,
        token: str | None = None,
        expect: int = 200,
        extra_headers: dict[str, str] | None = None,
    ) -> Any:
        headers = {"Content-Type": "application/json", **(extra_headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = json.dumps(body).encode() if body is not None else b""
        queries = {k: [v] for k, v in (query or {}).items()}
        response = self.gateway.handle(method, path, queries, headers, raw)
        if response.status != expect:
            raise RuntimeError(f"{method} {path} → {response.status}: {response.body[:300]!r}")
        return json.loads(response.body) if response.body else None


def _create_tables(document: dict[str, Any]) -> dict[str, str]:
    """The template's DynamoDB tables, with the local runtime's physical names, and the
    ARNs of its roles (the functions check that their settings name ARNs; the benchmark
    only counts DynamoDB requests, so nothing assumes them)."""
    import boto3

    from local import template
    from local.aws import create_tables, physical_name
    from local.gateway import ACCOUNT

    names = create_tables(document, client=boto3.client("dynamodb", region_name=REGION))
    for logical_id in template.resources(document, "AWS::IAM::Role"):
        names[f"{logical_id}.Arn"] = f"arn:aws:iam::{ACCOUNT}:role/{physical_name(logical_id)}"
    return names


def _environment() -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "benchmark",
        "AWS_SECRET_ACCESS_KEY": "benchmark",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_DEV": "false",
        # A deploy-time parameter (the site's address, in e-mailed links); the functions
        # refuse to start without one.
        "SITE_URL": "https://yoyaku.example",
    }


def _inventory_change(facility_id: str, resource_type_id: str, start: date, end: date) -> Any:
    from local import demo

    capacity, slots = demo.INVENTORY[facility_id][resource_type_id]
    change: dict[str, Any] = {
        "resourceTypeId": resource_type_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "capacity": capacity,
    }
    if slots:
        change["slots"] = slots
    return change


def _book_everything(facility_id: str, start: date, end: date) -> int:
    """Books every open unit from `start` to `end` the way a confirmation does, the claims
    and their day's summary in one transaction, one per day and resource type (set-up,
    not counted)."""
    from pynamodb.transactions import TransactWrite

    from yoyaku.adapters import inventory_store, summary_store
    from yoyaku.adapters.transactions import connection
    from yoyaku.domain.inventory import ClaimState, Tally

    inventory, _ = inventory_store.read_range(facility_id, start, end)
    written = 0
    for day in inventory:
        if day.closed:
            continue
        units = [(c.key, u) for c in day.cells if c.active for u in range(c.units)]
        for first in range(0, len(units), 99):  # 99 claims beside the summary
            chunk = units[first : first + 99]
            with TransactWrite(connection=connection()) as tx:
                for cell, unit in chunk:
                    item = inventory_store.claim_item(
                        facility_id, day.day, day.resource_type_id, cell, unit
                    )
                    item.state, item.holder = ClaimState.BOOKED.value, "benchmark"
                    tx.save(item)
                changes = Counter(
                    (day.day, day.resource_type_id, cell, Tally.BOOKED) for cell, _ in chunk
                )
                summary_store.add_changes(tx, facility_id, changes)
            written += len(chunk)
    return written


def _citizen(user_number: str) -> str:
    """A verified resident and a session token for them (set-up, not counted).

    Registration needs e-mailed links and the review workflow; the booking figures only
    need a signed-in, verified user, so the account is written directly.
    """
    from datetime import UTC, datetime

    import boto3

    from yoyaku.adapters import passwords, session_store
    from yoyaku.adapters.table import UserItem
    from yoyaku.domain.auth import Principal, PrincipalKind
    from yoyaku.settings import settings

    UserItem(
        f"USER#{user_number}",
        "PROFILE",
        profile={"nameKanji": "予約 太郎", "birthdate": "1980-01-01"},
        email="bench@example.com",
        language="ja",
        residency="resident",
        status="verified",
        lottery_result_email=False,
        password_hash=passwords.hash_password(STAFF_PASSWORD),
        registration_id="bench",
    ).save()
    # SES sends only from verified identities (moto checks it too).
    boto3.client("sesv2", region_name=REGION).create_email_identity(
        EmailIdentity=settings().sender_email
    )
    token, _ = session_store.create(
        Principal(PrincipalKind.CITIZEN, user_number), datetime.now(UTC), timedelta(hours=1)
    )
    return token


def _figure(
    key: str,
    label: str,
    window: Window,
    *,
    at_most: float | None = None,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> Figure:
    """One action's figure: the handler's own requests; the rest goes in the note."""
    text = window.breakdown() + (f"; {note}" if note else "")
    return Figure(
        key,
        label,
        window.count,
        "requests",
        at_most=at_most,
        note=text,
        details={**window.details(), **(details or {})},
    )


def _counting_gateway(api: Any, functions: Any, recorder: DynamoDBRecorder) -> Any:
    """The local gateway, with the authorizer's requests tagged as such."""
    from local.gateway import Gateway

    class CountingGateway(Gateway):
        def _authorize(self, route: Any, event: Any, headers: Any) -> Any:
            with recorder.phase(AUTHORIZER):
                return super()._authorize(route, event, headers)

    return CountingGateway(api, functions)


def _sign_in_figures(stack: Stack, recorder: DynamoDBRecorder, user_number: str) -> list[Figure]:
    """Citizen sign-in: clean, a wrong password, then the right one after that failure."""
    right = {"userNumber": user_number, "password": STAFF_PASSWORD}
    wrong = {"userNumber": user_number, "password": "not-the-password"}
    with recorder.measure() as clean:
        stack.call("POST", "/v1/sessions", right, expect=201)
    with recorder.measure() as failed:
        stack.call("POST", "/v1/sessions", wrong, expect=401)
    with recorder.measure() as after:
        stack.call("POST", "/v1/sessions", right, expect=201)
    return [
        _figure(
            "citizenSignIn",
            "citizen sign-in (POST /v1/sessions)",
            clean,
            # 2 before sign-in throttling: its two failure counters (the user number's
            # and the client address's) are one BatchGetItem before the password check
            at_most=3,
            note="the failure counters (one BatchGetItem), the account, then the new "
            "session; no authorizer on this route",
        ),
        _figure(
            "citizenSignInWrongPassword",
            "  a wrong password (401)",
            failed,
            note="the counters and the account, then both failure counters (locks after 5 "
            "in a row)",
        ),
        _figure(
            "citizenSignInAfterFailure",
            "  the right password after a failure",
            after,
            at_most=4,
            note="+1 DeleteItem that clears the user number's failure counter",
        ),
    ]


def _line_figures(stack: Stack, recorder: DynamoDBRecorder) -> list[Figure]:
    """LINE: linking, and sign-in with a LIFF ID token (with and without a nonce).

    The fake LINE platform of the local runtime serves the keys; the channel id (SSM)
    and the key set are cached per container, so only DynamoDB requests are counted."""
    from local.line_platform import FakeLinePlatform
    from yoyaku import runtime
    from yoyaku.adapters import line_config, line_keys
    from yoyaku.settings import forget as forget_settings
    from yoyaku.settings import settings

    platform = FakeLinePlatform(runtime.current().clock).start()
    try:
        os.environ["LINE_API_HOST"] = platform.url
        os.environ["LINE_JWKS_URL"] = platform.jwks_url
        forget_settings()
        platform.provision(settings().line_secret_name, settings().line_channel_id_parameter)
        line_config.forget()
        line_keys.forget()
        user = "U" + "b" * 32
        token = _citizen("900000002")
        stack.call(
            "POST", "/v1/line/sessions", {"idToken": platform.mint_id_token(user)}, expect=404
        )  # warms the caches
        with recorder.measure() as link:
            stack.call(
                "PUT",
                "/v1/me/line",
                {"idToken": platform.mint_id_token(user)},
                token=token,
                expect=204,
            )
        with recorder.measure() as sign_in:
            stack.call(
                "POST", "/v1/line/sessions", {"idToken": platform.mint_id_token(user)}, expect=201
            )
        with recorder.measure() as with_nonce:
            body = {"idToken": platform.mint_id_token(user, nonce="bench-nonce")}
            stack.call("POST", "/v1/line/sessions", body, expect=201)
    finally:
        platform.stop()
    return [
        _figure(
            "lineLink",
            "link LINE (PUT /v1/me/line)",
            link,
            at_most=4,
            note="the account, its LINE link, the LINE user's link, then one "
            "TransactWriteItems writing both sides (+ a PutItem of the nonce when the token "
            "has one); the confirmation e-mail is SES",
        ),
        _figure(
            "lineSignIn",
            "sign in with LINE (POST /v1/line/sessions), token without nonce",
            sign_in,
            at_most=3,
            note="the LINE user's link, the account, the new session; no authorizer",
        ),
        _figure(
            "lineSignInNonce",
            "  a token with a nonce",
            with_nonce,
            at_most=4,
            note="+1 conditional PutItem that uses the nonce up",
        ),
    ]


def _booking_figures(
    stack: Stack, recorder: DynamoDBRecorder, today: date
) -> tuple[list[Figure], list[Window]]:
    """Two-night lodging holds (cold and warm container), confirmations with and without
    Idempotency-Key, and a cancellation. Also returns the windows of citizen calls (for
    the authorizer's own figure)."""
    from yoyaku.services.catalog import forget_facilities

    token = _citizen("900000001")
    stay = today + timedelta(days=10)  # inside P1M and more than 5 days ahead (verified)
    hold_body = {
        "facilityId": LODGING,
        "resourceTypeId": "room",
        "date": stay.isoformat(),
        "nights": 2,
        "quantity": 1,
    }
    party = [{"night": 1, "adults": 2}, {"night": 2, "adults": 2}]
    stay_note = f"stay {stay}, 2 nights in one month partition"
    figures: list[Figure] = _sign_in_figures(stack, recorder, "900000001")

    forget_facilities()  # a fresh container: the facility is not cached yet
    with recorder.measure() as cold:
        first = stack.call("POST", "/v1/holds", hold_body, token=token, expect=201)
    with recorder.measure() as warm:
        second = stack.call("POST", "/v1/holds", hold_body, token=token, expect=201)
    figures.append(
        _figure(
            "hold2Nights.cold",
            "hold, 2 nights of lodging (POST /v1/holds), cold container",
            cold,
            note=f"{stay_note}; the facility GetItem happens once per container per minute",
            details={"stay": str(stay)},
        )
    )
    figures.append(
        _figure(
            "hold2Nights",
            "hold, 2 nights of lodging, warm container (facility cached)",
            warm,
            at_most=2,
            note=stay_note,
            details={"stay": str(stay)},
        )
    )

    with recorder.measure() as confirm:
        reservation = stack.call(
            "POST",
            "/v1/reservations",
            {"holdId": first["holdId"], "party": party},
            token=token,
            expect=201,
        )
    figures.append(
        _figure(
            "confirmHold",
            "confirm a hold (POST /v1/reservations)",
            confirm,
            at_most=2,
            note="the hold, then one transaction (claims booked, reservation, hold deleted)",
        )
    )
    with recorder.measure() as keyed:
        stack.call(
            "POST",
            "/v1/reservations",
            {"holdId": second["holdId"], "party": party},
            token=token,
            expect=201,
            extra_headers={"Idempotency-Key": "bench-key-1"},
        )
    figures.append(
        _figure(
            "confirmHoldIdempotent",
            "confirm a hold with Idempotency-Key (handler)",
            keyed,
            at_most=2,
        )
    )
    figures.append(
        Figure(
            "confirmHoldIdempotent.record",
            "  + the Powertools idempotency record",
            len(keyed.idempotency_calls),
            "requests",
            note=f"{_summary(keyed.idempotency_calls)} on the idempotency table "
            "(INPROGRESS record, then COMPLETED with the response)",
        )
    )

    number = reservation["reservationNumber"]
    with recorder.measure() as cancel:
        stack.call("DELETE", f"/v1/reservations/{number}", token=token)
    figures.append(
        _figure(
            "cancelReservation",
            "cancel a reservation (DELETE /v1/reservations/{n})",
            cancel,
            note="the reservation and one transaction (claims freed, status saved); the "
            "e-mail address and language come from the authorizer's profile",
        )
    )
    return figures, [cold, warm, confirm, keyed, cancel]


def _marks(body: dict[str, Any]) -> dict[str, int]:
    return dict(Counter(day["mark"] for day in body["days"]))


def run() -> Section:
    started = time.perf_counter()
    with (
        mock.patch.dict(os.environ, _environment()),
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),  # Powertools' cold-start metric lines
    ):
        warnings.simplefilter("ignore")
        os.environ.pop("AWS_ENDPOINT_URL", None)
        from moto import mock_aws

        from local.aws import serialize_dynamodb_writes

        # As in the local runtime: each moto operation atomic, as DynamoDB's are (staff
        # inventory changes write their days from several threads at once).
        serialize_dynamodb_writes()
        with mock_aws():
            figures, notes = _scenario()
    return Section(
        "DynamoDB requests per API call (moto, in-process, real handlers via the local "
        "gateway; the handler's own requests, authorizer apart)",
        figures,
        notes,
        time.perf_counter() - started,
    )


def _stack() -> tuple[Stack, DynamoDBRecorder]:
    """The tables of the template in moto, every function's environment, the counting
    gateway and a staff account."""
    from local import template
    from local.aws import parameters, resolve
    from yoyaku.adapters import passwords, staff_store
    from yoyaku.domain.staff import Role

    document = template.load()
    names = _create_tables(document)
    functions = template.functions(document)
    params = parameters(document)  # template parameters at their defaults
    for function in functions.values():
        for key, value in function.environment.items():
            os.environ[key] = str(resolve(value, names, params))
    recorder = DynamoDBRecorder()
    stack = Stack(_counting_gateway(template.api(document), functions, recorder))
    staff_store.save(
        staff_store.StaffAccount(
            STAFF_ID, "benchmark", passwords.hash_password(STAFF_PASSWORD), Role.ADMINISTRATOR
        )
    )
    return stack, recorder


def run_scale() -> Section:
    """`--only scale`: the calendar of 500 rooms at 0, 3,000 and 30,000 bookings, and
    creating a lottery over a month of 40 rooms (benchmarks/availability_scale.py)."""
    started = time.perf_counter()
    with (
        mock.patch.dict(os.environ, _environment()),
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        os.environ.pop("AWS_ENDPOINT_URL", None)
        from moto import mock_aws

        from local.aws import serialize_dynamodb_writes
        from yoyaku import runtime
        from yoyaku.domain.calendar import add_months

        serialize_dynamodb_writes()
        with mock_aws():
            stack, recorder = _stack()
            with recorder.installed():
                session = stack.call(
                    "POST",
                    "/v1/staff/sessions",
                    {"staffId": STAFF_ID, "password": STAFF_PASSWORD},
                    expect=201,
                )
                stack.token = session["token"]
                first = add_months(runtime.current().today().replace(day=1), 1)
                figures = availability_scale.figures(stack, recorder, first)
                figures.append(
                    availability_scale.lottery_creation(stack, recorder, add_months(first, 2))
                )
    return Section(
        "Scale: availability in bookings, lottery creation (moto, real handlers)",
        figures,
        [availability_scale.NOTE],
        time.perf_counter() - started,
    )


def _availability_figures(
    stack: Stack, recorder: DynamoDBRecorder, first: date, last: date
) -> list[Figure]:
    """The two-month calendar, in a cold container and then a warm one."""
    from yoyaku.services.catalog import forget_facilities

    query = {"from": first.isoformat(), "to": last.isoformat()}
    figures: list[Figure] = []
    for facility_id, label in ((LODGING, "lodging"), (TIMESLOT, "time-slot")):
        path = f"/v1/facilities/{facility_id}/availability"
        forget_facilities()
        with recorder.measure() as cold:
            stack.call("GET", path, query=query)
        with recorder.measure() as warm:
            body = stack.call("GET", path, query=query)
        span = f"{first} to {last}, {len(body['days'])} day rows"
        figures.append(
            _figure(
                f"availability2Months.{facility_id}.cold",
                f"availability, 2 calendar months, {label}, cold container",
                cold,
                note=f"{span}; the facility GetItem, then cached for 60 s",
                details={"from": str(first), "to": str(last)},
            )
        )
        figures.append(
            _figure(
                f"availability2Months.{facility_id}",
                f"availability, 2 calendar months, {label}, warm container",
                warm,
                at_most=2,
                note=span,
                details={"from": str(first), "to": str(last)},
            )
        )
        figures.append(
            Figure(
                f"availability2Months.{facility_id}.queries",
                f"  of which Query (the day summaries, the live holds), {label}",
                warm.by_operation().get("Query", 0),
                "requests",
                at_most=2,
            )
        )
    return figures


def _scenario() -> tuple[list[Figure], list[str]]:
    from local import demo
    from yoyaku import runtime
    from yoyaku.domain.calendar import add_months, end_of_next_month, months_between
    from yoyaku.services.catalog import load_facility

    stack, recorder = _stack()
    figures: list[Figure] = []
    with recorder.installed():
        # Staff sign-in: the account, then the new session.
        with recorder.measure() as sign_in:
            session = stack.call(
                "POST",
                "/v1/staff/sessions",
                {"staffId": STAFF_ID, "password": STAFF_PASSWORD},
                expect=201,
            )
        stack.token = session["token"]
        figures.append(_figure("staffSignIn", "staff sign-in (POST /v1/staff/sessions)", sign_in))

        today = runtime.current().today()
        until = add_months(today, 3)
        opened: dict[str, Window] = {}
        for facility_id in (LODGING, TIMESLOT, BUSIEST):
            stack.call(
                "PUT",
                f"/v1/staff/facilities/{facility_id}",
                demo.FACILITIES[facility_id],
                token=stack.token,
            )
            for resource_type_id in demo.INVENTORY[facility_id]:
                change = _inventory_change(facility_id, resource_type_id, today, until)
                with recorder.measure() as window:
                    result = stack.call(
                        "PUT",
                        f"/v1/staff/facilities/{facility_id}/inventory",
                        change,
                        token=stack.token,
                    )
                opened.setdefault(facility_id, window)
                if result["daysChanged"] != (until - today).days + 1:
                    raise RuntimeError(f"inventory of {facility_id}: {result}")
        days_opened = (until - today).days + 1
        for facility_id, label in ((LODGING, "lodging"), (TIMESLOT, "time-slot")):
            window = opened[facility_id]
            figures.append(
                _figure(
                    f"openInventory3Months.{facility_id}",
                    f"open 3 months of inventory, one {label} resource type ({days_opened} days)",
                    window,
                    note=f"{facility_id}, {today} to {until}; the facility is read fresh",
                    details={"days": days_opened, "from": str(today)},
                )
            )

        # The two-month calendar: the 1st of next month to the end of the month after.
        first = add_months(today.replace(day=1), 1)
        last = end_of_next_month(first)
        figures.extend(_availability_figures(stack, recorder, first, last))

        # 62 days from the middle of next month: three months (warm).
        load_facility(LODGING)
        start = first.replace(day=15)
        end = start + timedelta(days=61)
        with recorder.measure() as window:
            stack.call(
                "GET",
                f"/v1/facilities/{LODGING}/availability",
                query={"from": start.isoformat(), "to": end.isoformat()},
            )
        figures.append(
            _figure(
                "availability62DaysMidMonth",
                "availability, 62 days from mid-month (3 calendar months), warm",
                window,
                note=f"{start} to {end} touches " + ", ".join(months_between(start, end)),
                details={"from": str(start), "to": str(end)},
            )
        )

        # Default range (no from/to): today to the end of next month (warm).
        with recorder.measure() as window:
            stack.call("GET", f"/v1/facilities/{LODGING}/availability")
        figures.append(
            _figure(
                "availabilityDefaultRange",
                "availability, default range (today to end of next month), warm",
                window,
            )
        )

        # A citizen: sign-in, holds (cold, warm), confirmations, a cancellation.
        booking, citizen_windows = _booking_figures(stack, recorder, today)
        figures.extend(booking)
        figures.extend(_line_figures(stack, recorder))
        figures.extend(_authorizer_figures(citizen_windows, opened[LODGING]))

        # Worst case for page size: every unit of the busiest facility booked (warm).
        booked = _book_everything(BUSIEST, first, last)
        load_facility(BUSIEST)
        with recorder.measure() as window:
            body = stack.call(
                "GET",
                f"/v1/facilities/{BUSIEST}/availability",
                query={"from": first.isoformat(), "to": last.isoformat()},
            )
        marks = _marks(body)
        if set(marks) - {"full", "closed"}:
            raise RuntimeError(f"fully booked facility shows {marks}")
        pages = [c for c in window.handler_calls if c.operation == "Query"]
        largest = max(pages, key=lambda c: c.bytes)
        figures.append(
            _figure(
                "availability2MonthsFullyBooked",
                f"availability, 2 months, {BUSIEST} fully booked, warm",
                window,
                note=f"{booked} booked claims; largest Query page "
                f"{largest.items} items, ~{largest.bytes // 1024} KB of JSON "
                "(DynamoDB pages at 1 MB; moto enforces it too); marks "
                + ", ".join(f"{k} {v}" for k, v in sorted(marks.items())),
                details={"bookedClaims": booked, "marks": marks},
            )
        )

    retried = [
        f.label
        for f in figures
        if f.details.get("httpAttempts", 0) > f.details.get("allRequests", 0)
    ]
    notes = [
        "Counted by wrapping botocore.client.BaseClient._make_api_call (every DynamoDB "
        "operation of every client, pynamodb's own sessions included); HTTP attempts "
        "(before-send) "
        + (
            f"exceeded operations for: {', '.join(retried)}"
            if retried
            else "equal them: no retries"
        )
        + ".",
        "Each figure is the handler's own requests. The authorizer's (tagged by wrapping the "
        "gateway's authorizer call) and the idempotency records (calls to the idempotency "
        "table) are in the notes and in their own rows.",
        "Availability = one Query of the day summaries (AVAIL#{facilityId}, one item per "
        "day and resource type) + one Query of the live holds (gsi2 HELD#{facilityId} by "
        "expiry), whatever the range and the bookings, + 1 GetItem of the facility "
        "(CATALOG partition) when the container has not cached it in the last 60 s (cold).",
        "Hold = one Query per month of the stay + one TransactWriteItems (+ the facility "
        "GetItem when cold); the user is not read: the citizen authorizer passes the "
        "profile in its context.",
        "Opening inventory = GetItem (facility, read fresh by staff) + one Query per month "
        "touched (re-read before planning) + one conditional PutItem per day (capacity "
        "records carry a VersionAttribute; no closures are needed when opening).",
    ]
    return figures, notes


def _authorizer_figures(citizen: list[Window], staff: Window) -> list[Figure]:
    """Requests the REQUEST authorizers make per call (API Gateway caching is off)."""
    counts = [len(w.authorizer_calls) for w in citizen]
    operations = sorted({_summary(w.authorizer_calls) for w in citizen})
    return [
        Figure(
            "authorizer.citizen",
            "citizen authorizer, per call (session + profile)",
            max(counts),
            "requests",
            at_most=1,
            note=f"{' / '.join(operations)} on each of {len(counts)} citizen calls "
            "(holds, confirmations, cancellation)",
            details={"perCall": counts},
        ),
        Figure(
            "authorizer.staff",
            "staff authorizer, per call (session)",
            len(staff.authorizer_calls),
            "requests",
            note=_summary(staff.authorizer_calls),
        ),
    ]
