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

The scenario goes through the real handlers (staff, catalog, bookings) behind the local
runtime's gateway (routes and authorizers from template.yaml), with the tables created
from the template's own definitions.
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

from benchmarks.report import Figure, Section

REGION = "ap-northeast-1"
LODGING = "minato-ohiradai"
TIMESLOT = "ageo-tennis"
BUSIEST = "mynumber-counter"  # the most cells per day: 2 counters x 32 quarter-hour slots
STAFF_ID = "bench-staff"
STAFF_PASSWORD = "bench-staff-password"  # noqa: S105 - a throw-away account in moto


@dataclass(frozen=True)
class Call:
    operation: str
    table: str
    items: int = 0
    bytes: int = 0
    more_pages: bool = False


@dataclass
class Window:
    """What one measured stretch of code sent to DynamoDB."""

    calls: list[Call] = field(default_factory=list)
    sends: int = 0

    @property
    def count(self) -> int:
        return len(self.calls)

    def by_operation(self) -> dict[str, int]:
        return dict(Counter(c.operation for c in self.calls))

    def breakdown(self) -> str:
        text = ", ".join(f"{op} x{n}" for op, n in sorted(self.by_operation().items()))
        other = [c for c in self.calls if "idempotency" in c.table]
        if other:
            text += f" ({len(other)} of them on the idempotency table)"
        return text

    def details(self) -> dict[str, Any]:
        queries = [c for c in self.calls if c.operation == "Query"]
        return {
            "operations": self.by_operation(),
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
    """The template's DynamoDB tables, with the local runtime's physical names."""
    import boto3

    from local.aws import physical_name
    from local.template import resources

    names: dict[str, str] = {}
    client = boto3.client("dynamodb", region_name=REGION)
    for logical_id, body in resources(document, "AWS::DynamoDB::Table").items():
        props = body["Properties"]
        name = physical_name(logical_id)
        args: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        client.create_table(**args)
        if props.get("TimeToLiveSpecification"):
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"]
            )
        names[logical_id] = name
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
    }


def _inventory_change(facility_id: str, resource_type_id: str, start: date, end: date) -> Any:
    from local import demo

    capacity, slots, closed_weekdays = demo.INVENTORY[facility_id][resource_type_id]
    change: dict[str, Any] = {
        "resourceTypeId": resource_type_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "capacity": capacity,
        "closedDates": [
            d.isoformat()
            for d in (start + timedelta(days=n) for n in range((end - start).days + 1))
            if d.weekday() in closed_weekdays
        ],
    }
    if slots:
        change["slots"] = slots
    return change


def _book_everything(facility_id: str, start: date, end: date) -> int:
    """Writes a booked claim for every open unit from `start` to `end` (set-up, not counted)."""
    from yoyaku.adapters import inventory_store
    from yoyaku.adapters.table import ClaimItem
    from yoyaku.domain.inventory import ClaimState

    inventory, _ = inventory_store.read_range(facility_id, start, end)
    written = 0
    with ClaimItem.batch_write() as batch:
        for day in inventory:
            if day.closed:
                continue
            pk = inventory_store.partition(facility_id, day.day.isoformat()[:7])
            for cell in day.cells:
                if not cell.active:
                    continue
                for unit in range(cell.units):
                    sk = inventory_store.claim_sk(day.day, day.resource_type_id, cell.key, unit)
                    batch.save(ClaimItem(pk, sk, state=ClaimState.BOOKED.value, holder="benchmark"))
                    written += 1
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


def _booking_figures(stack: Stack, recorder: DynamoDBRecorder, today: date) -> list[Figure]:
    """A two-night lodging hold, and its confirmation with and without Idempotency-Key."""
    from yoyaku.domain.calendar import months_between

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
    figures: list[Figure] = []
    with recorder.measure() as window:
        hold = stack.call("POST", "/v1/holds", hold_body, token=token, expect=201)
    months = months_between(stay, stay + timedelta(days=1))
    figures.append(
        Figure(
            "hold2Nights",
            "citizen hold, 2 nights of lodging (POST /v1/holds)",
            window.count,
            "requests",
            note=f"{window.breakdown()}; stay {stay}, {len(months)} month partition(s)",
            details={**window.details(), "stay": str(stay)},
        )
    )
    with recorder.measure() as window:
        stack.call(
            "POST",
            "/v1/reservations",
            {"holdId": hold["holdId"], "party": party},
            token=token,
            expect=201,
        )
    figures.append(
        Figure(
            "confirmHold",
            "confirm a hold (POST /v1/reservations)",
            window.count,
            "requests",
            note=window.breakdown(),
            details=window.details(),
        )
    )
    second = stack.call("POST", "/v1/holds", hold_body, token=token, expect=201)
    with recorder.measure() as window:
        stack.call(
            "POST",
            "/v1/reservations",
            {"holdId": second["holdId"], "party": party},
            token=token,
            expect=201,
            extra_headers={"Idempotency-Key": "bench-key-1"},
        )
    figures.append(
        Figure(
            "confirmHoldIdempotent",
            "confirm a hold with Idempotency-Key",
            window.count,
            "requests",
            note=window.breakdown(),
            details=window.details(),
        )
    )
    return figures


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

        with mock_aws():
            figures, notes = _scenario()
    return Section(
        "DynamoDB requests per API call (moto, in-process, real handlers via the local gateway)",
        figures,
        notes,
        time.perf_counter() - started,
    )


def _scenario() -> tuple[list[Figure], list[str]]:
    from local import demo, template
    from local.aws import parameters, resolve
    from local.gateway import Gateway
    from yoyaku import runtime
    from yoyaku.adapters import passwords, staff_store
    from yoyaku.domain.calendar import add_months, end_of_next_month, months_between

    document = template.load()
    names = _create_tables(document)
    functions = template.functions(document)
    params = parameters(document)  # template parameters at their defaults
    for function in functions.values():
        for key, value in function.environment.items():
            os.environ[key] = str(resolve(value, names, params))
    stack = Stack(Gateway(template.api(document), functions))
    staff_store.save(
        staff_store.StaffAccount(STAFF_ID, "benchmark", passwords.hash_password(STAFF_PASSWORD))
    )

    recorder = DynamoDBRecorder()
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
        figures.append(
            Figure(
                "staffSignIn",
                "staff sign-in (POST /v1/staff/sessions)",
                sign_in.count,
                "requests",
                note=sign_in.breakdown(),
                details=sign_in.details(),
            )
        )

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
                Figure(
                    f"openInventory3Months.{facility_id}",
                    f"open 3 months of inventory, one {label} resource type ({days_opened} days)",
                    window.count,
                    "requests",
                    note=f"{window.breakdown()} ({facility_id}, {today} to {until})",
                    details={**window.details(), "days": days_opened, "from": str(today)},
                )
            )

        # The two-month calendar: the 1st of next month to the end of the month after.
        first = add_months(today.replace(day=1), 1)
        last = end_of_next_month(first)
        for facility_id, label in ((LODGING, "lodging"), (TIMESLOT, "time-slot")):
            with recorder.measure() as window:
                body = stack.call(
                    "GET",
                    f"/v1/facilities/{facility_id}/availability",
                    query={"from": first.isoformat(), "to": last.isoformat()},
                )
            queries = window.by_operation().get("Query", 0)
            figures.append(
                Figure(
                    f"availability2Months.{facility_id}",
                    f"availability, 2 calendar months, {label} (all requests)",
                    window.count,
                    "requests",
                    at_most=2,
                    note=f"{window.breakdown()}; {first} to {last}, {len(body['days'])} day rows",
                    details={**window.details(), "from": str(first), "to": str(last)},
                )
            )
            figures.append(
                Figure(
                    f"availability2Months.{facility_id}.queries",
                    f"  of which Query (one per facility-month partition), {label}",
                    queries,
                    "requests",
                    at_most=2,
                )
            )

        # 62 days from the middle of next month: three month partitions.
        start = first.replace(day=15)
        end = start + timedelta(days=61)
        with recorder.measure() as window:
            stack.call(
                "GET",
                f"/v1/facilities/{LODGING}/availability",
                query={"from": start.isoformat(), "to": end.isoformat()},
            )
        figures.append(
            Figure(
                "availability62DaysMidMonth",
                "availability, 62 days from mid-month (3 month partitions)",
                window.count,
                "requests",
                note=f"{window.breakdown()}; {start} to {end} touches "
                + ", ".join(months_between(start, end)),
                details={**window.details(), "from": str(start), "to": str(end)},
            )
        )

        # Default range (no from/to): today to the end of next month.
        with recorder.measure() as window:
            stack.call("GET", f"/v1/facilities/{LODGING}/availability")
        figures.append(
            Figure(
                "availabilityDefaultRange",
                "availability, default range (today to end of next month)",
                window.count,
                "requests",
                note=window.breakdown(),
                details=window.details(),
            )
        )

        # A citizen's booking: hold two nights, then confirm (with and without a key).
        figures.extend(_booking_figures(stack, recorder, today))

        # Worst case for page size: every unit of the busiest facility booked.
        booked = _book_everything(BUSIEST, first, last)
        with recorder.measure() as window:
            body = stack.call(
                "GET",
                f"/v1/facilities/{BUSIEST}/availability",
                query={"from": first.isoformat(), "to": last.isoformat()},
            )
        marks = _marks(body)
        if set(marks) - {"full", "closed"}:
            raise RuntimeError(f"fully booked facility shows {marks}")
        pages = [c for c in window.calls if c.operation == "Query"]
        largest = max(pages, key=lambda c: c.bytes)
        figures.append(
            Figure(
                "availability2MonthsFullyBooked",
                f"availability, 2 months, {BUSIEST} fully booked",
                window.count,
                "requests",
                note=f"{window.breakdown()}; {booked} booked claims; largest Query page "
                f"{largest.items} items, ~{largest.bytes // 1024} KB of JSON "
                "(DynamoDB pages at 1 MB; moto enforces it too); marks "
                + ", ".join(f"{k} {v}" for k, v in sorted(marks.items())),
                details={**window.details(), "bookedClaims": booked, "marks": marks},
            )
        )

    retried = [f.label for f in figures if f.details.get("httpAttempts", 0) > f.value]
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
        "Availability = 1 GetItem (the facility document from the CATALOG partition) + one "
        "Query per month partition INV#{facilityId}#{YYYY-MM} the range touches. The Query "
        "target (one per month) holds; the all-requests target of 2 would need the facility "
        "read to go (e.g. a per-container cache of the catalog item).",
        "Opening inventory = authorizer GetItem (session) + GetItem (facility) + one Query "
        "per month touched (re-read before planning) + one conditional PutItem per day "
        "(capacity records carry a VersionAttribute; no closures are needed when opening).",
    ]
    return figures, notes
