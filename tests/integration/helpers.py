"""Facility definitions and direct writes that the integration tests share."""

from __future__ import annotations

import copy
import io
import itertools
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from yoyaku.adapters import inventory_store, lottery_store
from yoyaku.adapters.table import ClaimItem
from yoyaku.domain.catalog import Facility
from yoyaku.domain.inventory import WHOLE_DAY, ClaimState
from yoyaku.domain.lottery import EntryContact, LotteryDefinition, StoredEntry

RULES: dict[str, Any] = {
    "opensBefore": "P1M",
    "closesDaysBefore": {"provisional": 14, "verified": 5},
    "maxUnitsPerBooking": 3,
    "changeDeadlineDays": 5,
    "cancelDeadlineDays": 3,
}
INN: dict[str, Any] = {
    "name": "大平台みなと荘",
    "kind": "lodging",
    "municipality": "港区",
    "resourceTypes": [
        {"resourceTypeId": "room", "name": "客室", "capacityPersons": 5},
        {"resourceTypeId": "suite", "name": "特別室", "capacityPersons": 2},
    ],
    "rules": {**RULES, "maxNights": 2},
    "lottery": {"enabled": True, "residentsOnly": True},
    "options": {"roomStyleWish": True},
}
GYM: dict[str, Any] = {
    "name": "上尾市民体育館",
    "kind": "timeslot",
    "municipality": "上尾市",
    "resourceTypes": [{"resourceTypeId": "arena", "name": "メインアリーナ（1面）"}],
    "rules": RULES,
}
MORNING = {"start": "09:00", "end": "12:00"}
AFTERNOON = {"start": "13:00", "end": "16:00"}


def definition(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a facility definition with top-level fields replaced."""
    return {**copy.deepcopy(base), **changes}


def facility(facility_id: str, base: dict[str, Any]) -> Facility:
    return Facility.model_validate({**copy.deepcopy(base), "facilityId": facility_id})


def write_claim(
    facility_id: str,
    day: date,
    unit: int,
    state: ClaimState = ClaimState.BOOKED,
    *,
    resource_type_id: str = "room",
    cell: str = WHOLE_DAY,
    expires_at: datetime | None = None,
    holder: str | None = "user-1",
) -> None:
    """Claims a unit the way a booking, hold, closure or lottery would: the claim (a hold's
    listed among the live holds) and its day's summary, in one transaction."""
    from collections import Counter

    from pynamodb.transactions import TransactWrite

    from yoyaku.adapters import summary_store
    from yoyaku.adapters.transactions import connection
    from yoyaku.domain.inventory import TALLY_OF

    item = ClaimItem(
        inventory_store.partition(facility_id, day.isoformat()[:7]),
        inventory_store.claim_sk(day, resource_type_id, cell, unit),
        state=state.value,
        expires_at=expires_at,
        holder=holder,
    )
    if state is ClaimState.HOLD and expires_at is not None:
        inventory_store.mark_held(item, facility_id, expires_at)
    with TransactWrite(connection=connection()) as tx:
        tx.save(item)
        if state in TALLY_OF:
            changes = Counter({(day, resource_type_id, cell, TALLY_OF[state]): 1})
            summary_store.add_changes(tx, facility_id, changes)


def assert_summaries_match_claims(facility_id: str, start: date, end: date, now: datetime) -> None:
    """What a calendar reads agrees with the claims themselves: each stored day summary
    (cells, closed, booked/kept/closed per cell) equals `summarise` of the capacity
    records and claims, and the live-holds index lists exactly the unexpired holds."""
    from yoyaku.adapters import summary_store
    from yoyaku.domain.inventory import summarise

    def day_key(summary: Any) -> tuple[date, str]:
        return summary.day, summary.resource_type_id

    def unit_key(claim: Any) -> tuple[date, str, str, int]:
        return claim.day, claim.resource_type_id, claim.cell, claim.unit

    inventory, claims = inventory_store.read_range(facility_id, start, end)
    stored = sorted(summary_store.read(facility_id, start, end), key=day_key)
    assert stored == sorted(summarise(inventory, claims), key=day_key)
    live = [c for c in claims if c.state is ClaimState.HOLD and c.is_live(now)]
    listed = [h for h in inventory_store.live_holds(facility_id, now) if start <= h.day <= end]
    assert sorted(listed, key=unit_key) == sorted(live, key=unit_key)


def count_dynamodb_requests(counts: Counter[str]) -> Callable[..., Any]:
    """A stand-in for `BaseClient._make_api_call` (monkeypatch it in) that adds each
    DynamoDB request to `counts` by operation before making it."""
    import botocore.client

    original = botocore.client.BaseClient._make_api_call

    def counted_call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            counts[operation] += 1
        return original(self, operation, params)

    return counted_call


def table_snapshot() -> list[dict[str, Any]]:
    """Every item in the table, sorted: to prove that a refused request changed nothing."""
    import boto3

    from yoyaku.settings import settings

    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": settings().table_name}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


# ------------------------------------------------------------------ lotteries

TOKYO_OFFSET = "+09:00"


@dataclass(frozen=True)
class Account:
    """A stored citizen account with a live session (lottery tests)."""

    user_number: str
    email: str
    token: str


_account_numbers = itertools.count(700_001)


def account(
    now: datetime,
    *,
    status: str = "verified",
    residency: str = "resident",
    lottery_result_email: bool = True,
    verified_until: date | None = None,
    language: str = "ja",
    group: dict[str, Any] | None = None,
    roster_accepted: bool = False,
) -> Account:
    """Writes a citizen straight into the table (what approving a registration leaves
    behind) and opens a ten-year session for it, so tests may move the clock freely.
    `group={...}` makes it a group's account (団体), with `roster_accepted` or not."""
    from yoyaku.adapters import session_store
    from yoyaku.adapters.table import UserItem
    from yoyaku.domain.auth import Principal, PrincipalKind

    number = str(next(_account_numbers))
    email = f"lottery{number}@example.jp"
    UserItem(
        f"USER#{number}",
        "PROFILE",
        profile={
            "nameKana": "ミナト　ハナコ",
            "nameKanji": "港　花子",
            "residency": residency,
            "birthdate": "1985-10-01",
            "email": email,
            "lotteryResultEmail": lottery_result_email,
            "userType": "group" if group else "individual",
            "group": group,
        },
        email=email,
        language=language,
        user_type="group" if group else None,
        roster_accepted=roster_accepted or None,
        residency=residency,
        status=status,
        verified_until=verified_until.isoformat() if verified_until else None,
        lottery_result_email=lottery_result_email,
        password_hash="!",
        registration_id=f"reg_{number}",
    ).save()
    token, _ = session_store.create(
        Principal(PrincipalKind.CITIZEN, number), now, timedelta(days=3650)
    )
    return Account(number, email, token)


def open_rooms(
    client: Any,
    token: str,
    facility_id: str,
    start: date,
    end: date,
    capacity: int,
    resource_type_id: str = "room",
) -> None:
    body = {
        "resourceTypeId": resource_type_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "capacity": capacity,
    }
    reply = client.put(f"/v1/staff/facilities/{facility_id}/inventory", json_body=body, token=token)
    assert reply.status == 200, reply.body


def lottery_body(
    facility_id: str, stay_from: date, stay_to: date, **changes: Any
) -> dict[str, Any]:
    """A lottery definition for the clock of tests/conftest.py (2030-05-15 10:00 Tokyo):
    entries from 09:00 that day until 2030-05-20 17:00, drawn on 2030-05-21 10:00."""
    return {
        "facilityId": facility_id,
        "stayFrom": stay_from.isoformat(),
        "stayTo": stay_to.isoformat(),
        "applyFrom": f"2030-05-15T09:00:00{TOKYO_OFFSET}",
        "applyUntil": f"2030-05-20T17:00:00{TOKYO_OFFSET}",
        "drawAt": f"2030-05-21T10:00:00{TOKYO_OFFSET}",
        "maxPreferences": 3,
        **changes,
    }


def preference(
    rank: int,
    day: date,
    *,
    nights: int = 1,
    quantity: int = 1,
    resource_type_id: str = "room",
    adults: int = 2,
) -> dict[str, Any]:
    return {
        "rank": rank,
        "date": day.isoformat(),
        "nights": nights,
        "resourceTypeId": resource_type_id,
        "quantity": quantity,
        "party": [{"night": n + 1, "adults": adults, "children": 0} for n in range(nights)],
    }


def drawn_lottery(
    lottery_id: str, losses: Iterable[tuple[str, str, EntryContact]], now: datetime
) -> None:
    """A lodging lottery at 大平台みなと荘 (stays in July 2030, drawn on 2030-06-01) whose
    draw recorded `losses` at `now`: (user number, entry id, contact) each, the results
    the notify task tells. Written to the store directly, without entries or a draw."""
    definition = LotteryDefinition.model_validate(
        {
            "facilityId": "minato-ohiradai",
            "stayFrom": "2030-07-01",
            "stayTo": "2030-07-31",
            "applyFrom": "2030-05-01T00:00:00+09:00",
            "applyUntil": "2030-05-31T00:00:00+09:00",
            "drawAt": "2030-06-01T10:00:00+09:00",
        }
    )
    lottery_store.create(lottery_id, definition, "大平台みなと荘", "seed", "commitment")
    lottery_store.record_losses(
        lottery_id,
        [
            StoredEntry(lottery_id, user, entry_id, [], contact, now)
            for user, entry_id, contact in losses
        ],
    )


def enter(client: Any, who: Account, lottery_id: str, *preferences: dict[str, Any]) -> Any:
    return client.post(
        f"/v1/lotteries/{lottery_id}/entries",
        json_body={"preferences": list(preferences)},
        token=who.token,
    )


def demand_of(client: Any, lottery_id: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(date, resourceTypeId) -> (applications, winnable)."""
    reply = client.get(f"/v1/lotteries/{lottery_id}/demand")
    assert reply.status == 200, reply.body
    return {
        (d["date"], d["resourceTypeId"]): (d["applications"], d["winnable"])
        for d in reply.json["days"]
    }


def staff_session(now: datetime, staff_id: str = "staff-1") -> str:
    """A fresh staff session (staff sessions last hours; tests move the clock by days)."""
    from yoyaku.adapters import session_store
    from yoyaku.domain.auth import Principal, PrincipalKind

    token, _ = session_store.create(
        Principal(PrincipalKind.STAFF, staff_id), now, timedelta(hours=1)
    )
    return token


REGION = "ap-northeast-1"
STATEMACHINES = Path(__file__).resolve().parents[2] / "statemachines"


@contextmanager
def state_machine_in_moto(
    monkeypatch: Any, asl: str, substitution: str, task: Callable[[dict[str, Any]], Any]
) -> Iterator[tuple[Any, str, str]]:
    """moto runs `statemachines/{asl}` for real (inside the `aws` fixture's mock); its
    Docker-less Lambda answers every task with `task(event)` in-process, and a raised
    exception becomes a function error so the ASL's Retry and Catch see it.

    `substitution` is the DefinitionSubstitutions key that names the task function.
    Yields (Step Functions client, state machine ARN, role ARN).
    """
    import boto3
    from moto import mock_aws
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.core.config import DefaultConfig

    from local.aws import serialize_dynamodb_writes

    # Executions run on moto's own threads beside the test's reads and writes: make each
    # DynamoDB operation atomic, as in DynamoDB (and as the local runtime does).
    serialize_dynamodb_writes()

    def invoke(
        self: Any,
        function_name: str,
        qualifier: Any,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> bytes:
        event = json.loads(body) if body else {}
        try:
            result = task(event)
        except Exception as error:
            response_headers["x-amz-function-error"] = "Unhandled"
            failure = {"errorType": type(error).__name__, "errorMessage": str(error)}
            return json.dumps(failure).encode()
        return json.dumps(result).encode()

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    name = asl.removesuffix(".asl.json").replace("_", "-")
    config: DefaultConfig = {
        "stepfunctions": {"execute_state_machine": True},
        "lambda": {"use_docker": False},
    }
    with mock_aws(config=config):  # nested in the `aws` fixture's mock: same backends
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName=name, AssumeRolePolicyDocument="{}"
        )["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("placeholder.py", "# the test answers in-process\n")
        function_arn = boto3.client("lambda", region_name=REGION).create_function(
            FunctionName=f"{name}-tasks",
            Runtime="python3.13",
            Role=role,
            Handler="placeholder.handler",
            Code={"ZipFile": code.getvalue()},
        )["FunctionArn"]
        definition = (STATEMACHINES / asl).read_text(encoding="utf-8")
        definition = definition.replace("${" + substitution + "}", function_arn)
        assert "${" not in definition
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(name=name, definition=definition, roleArn=role)[
            "stateMachineArn"
        ]
        yield sfn, arn, role


def appointment_with_receipt(number: str = "5550001234") -> str:
    """A stored counter appointment with a receipt password (as confirming stores it);
    returns its receipt number. The password is `receipt-password`."""
    from yoyaku.adapters import booking_store, passwords
    from yoyaku.domain.appointments import Appointment, Contact
    from yoyaku.domain.booking import Owner, Unit

    day = date(2030, 6, 10)
    appointment = Appointment(
        receipt_number=number,
        facility_id="counter",
        facility_name="窓口",
        counter="counter-1",
        date=day,
        start="10:00",
        end="10:15",
        people=1,
        contact=Contact(name="港 太郎", phone="0312345678"),
        status="confirmed",
        cancel_deadline=day,
    )
    booking_store.reservation_item(
        number,
        Owner.appointment_request("apr_test"),
        appointment,
        [Unit(day, "1000", 0)],
        secret_hash=passwords.hash_password("receipt-password"),
    ).save()
    return number
