"""A lottery of 10,000 entries on the local runtime: it draws, publishes its audit file,
notifies its entrants, releases its leftovers, and `tools.verify_draw` confirms it.

Staff set up the lottery and start the draw over HTTP as they do; one resident enters
through the API and checks their result and the draw as any citizen would (the /audit
link and `python -m tools.verify_draw <url>`). The other 9,999 entries are written
straight into the table through the local runtime's AWS mock, item for item as an entry
through the API stores them (entry, one-facility-per-month guard, demand counters):
registering and entering 10,000 citizens over HTTP would take hours here.

It runs its own local runtime, whose result e-mails are not held to SES's 10 a second.
On this machine (2 cores shared with other work) the test itself took 136 s on a quiet
run (16 s to register the resident and seed the entries, 118 s from the staff's draw to
the released leftovers) and 380 s on a loaded one (56 s; 321 s: close 53 s, draw 83 s,
notify 2.5 min, publish 25 s with an 88 KB audit file, release 1 s), plus 10–30 s to
start the runtime. Since notify reads each result once over its calls, a run at a load
of 3–4 took 84 s (9 s; 72 s from the draw to the released leftovers).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from local.aws import physical_name
from local.gateway import REGION
from tests.e2e.accounts import Citizen, bearer, registered, staff_decides, wait_until
from tests.e2e.conftest import ROOT, LocalService, start_service, stop_service
from tools.verify_draw import fetch, verify
from yoyaku.adapters.table import EntryItem, RoundGuardItem
from yoyaku.domain.booking import PartyNight
from yoyaku.domain.lottery import PreferenceIn

ENTRIES = 10_000
EMAIL_EVERY = 50  # one seeded entrant in 50 takes the result by e-mail (199, and the resident)
ROOMS = 20
FACILITY = "minato-ohiradai"
DRAW_SECONDS = 600  # the whole workflow's bound, far above what it takes


@pytest.fixture(scope="module")
def service() -> Iterator[LocalService]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SES_SEND_RATE", "100000")  # the fake SES takes them as fast as sent
        running = start_service()
    running.timeout = 120
    yield running
    stop_service(running)


def _aws_mock(service: LocalService) -> str:
    line = next(line for line in service.output if "AWS mock at " in line)
    return line.split("AWS mock at ")[1].split(",")[0]


def _pref(rank: int, day: date) -> PreferenceIn:
    party = [PartyNight(night=1, adults=2, children=0)]
    return PreferenceIn(rank=rank, date=day, resource_type_id="room", quantity=1, party=party)


def _seed_entries(service: LocalService, lottery_id: str, d1: date, d2: date) -> None:
    """9,999 entries (first choice d1, second d2; every 10th asks for d2 first), each with
    its round guard, in BatchWriteItem calls; then the demand counters in one update per
    date, as the entries through the API would have left them. One in `EMAIL_EVERY` wants
    the result by e-mail; the rest see it on the site (the fake SES takes a few e-mails a
    second on this machine, so 10,000 would take most of an hour)."""
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=_aws_mock(service),
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    table = physical_name("Table")
    now = datetime.now(UTC)
    items: list[dict[str, Any]] = []
    for n in range(1, ENTRIES):
        user = f"{9_000_000 + n:07d}"
        first, second = (d2, d1) if n % 10 == 0 else (d1, d2)
        entry = EntryItem(
            f"LOTTERY#{lottery_id}",
            f"ENTRY#{user}",
            entry_id=f"ent_seeded{n:06d}",
            preferences=[p.model_dump(mode="json") for p in (_pref(1, first), _pref(2, second))],
            contact={
                "email": f"r{user}@example.jp",
                "language": "ja",
                "lotteryResultEmail": n % EMAIL_EVERY == 0,
            },
            created_at=now,
            gsi1pk=f"USER#{user}#ENTRIES",
            gsi1sk=f"{now.isoformat()}#{lottery_id}",
        )
        guard = RoundGuardItem(
            f"LOTTERYROUND#{d1.isoformat()[:7]}", f"USER#{user}", lottery_id=lottery_id
        )
        items += [entry.serialize(), guard.serialize()]
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
        while requests:
            left = dynamodb.batch_write_item(RequestItems={table: requests})
            requests = left.get("UnprocessedItems", {}).get(table, [])
    for day in (d1, d2):
        dynamodb.update_item(
            TableName=table,
            Key={"pk": {"S": f"LOTTERY#{lottery_id}"}, "sk": {"S": f"DEMAND#{day}#room"}},
            UpdateExpression="ADD applications :n",
            ExpressionAttributeValues={":n": {"N": str(ENTRIES - 1)}},
        )


def _verified(service: LocalService) -> Citizen:
    citizen = registered(service)
    assert staff_decides(service, citizen.application_id(), "approve").ok
    wait_until(lambda: citizen.get("/v1/me").json()["status"] == "verified", "verified")
    return citizen


def _availability(service: LocalService, first: date, last: date) -> list[dict[str, Any]]:
    reply = service.call(
        "GET",
        f"/v1/facilities/{FACILITY}/availability",
        params={"from": first.isoformat(), "to": last.isoformat()},
    )
    assert reply.status_code == 200, reply.text
    days: list[dict[str, Any]] = [d for d in reply.json()["days"] if d["resourceTypeId"] == "room"]
    return days


def test_a_lottery_of_ten_thousand_entries(service: LocalService) -> None:
    started = time.monotonic()
    staff = bearer(service.staff_token())
    today = service.today()
    d1, d2, d3 = (today + timedelta(days=n) for n in (20, 21, 22))
    rooms = {"resourceTypeId": "room", "from": d1.isoformat(), "to": d3.isoformat()}
    reply = service.call(
        "PUT",
        f"/v1/staff/facilities/{FACILITY}/inventory",
        json={**rooms, "capacity": ROOMS},
        headers=staff,
    )
    assert reply.ok, reply.text
    now = datetime.fromisoformat(service.call("GET", "/_local/clock").json()["now"])
    created = service.call(
        "POST",
        "/v1/staff/lotteries",
        json={
            "facilityId": FACILITY,
            "stayFrom": d1.isoformat(),
            "stayTo": d3.isoformat(),
            "applyFrom": (now - timedelta(hours=1)).isoformat(),
            "applyUntil": (now + timedelta(hours=1)).isoformat(),
            "drawAt": (now + timedelta(days=1)).isoformat(),
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    lottery_id = created.json()["lotteryId"]

    resident = _verified(service)
    entered = service.call(
        "POST",
        f"/v1/lotteries/{lottery_id}/entries",
        json={"preferences": [_pref(1, d1).model_dump(mode="json", by_alias=True)]},
        headers=bearer(resident.token),
    )
    assert entered.status_code == 201, entered.text
    _seed_entries(service, lottery_id, d1, d2)
    demand = service.call("GET", f"/v1/lotteries/{lottery_id}/demand").json()["days"]
    assert {d["date"]: d["applications"] for d in demand} == {
        d1.isoformat(): ENTRIES,
        d2.isoformat(): ENTRIES - 1,
        d3.isoformat(): 0,
    }
    seeded = time.monotonic()

    try:
        # Entries have closed; staff start the draw rather than wait for its schedule.
        service.move_clock(3600 + 5)
        drawing = service.call("POST", f"/v1/staff/lotteries/{lottery_id}/draw", headers=staff)
        assert drawing.status_code == 202, drawing.text
        _poll(
            lambda: not any(d["lottery"] for d in _availability(service, d1, d3)),
            "the leftovers released",
        )
        drawn = time.monotonic()
        lottery = service.call("GET", f"/v1/lotteries/{lottery_id}").json()
        assert lottery["status"] == "drawn"
        # Every room of d1 and d2 was won; nobody asked for d3, so all of it is bookable.
        available = {d["date"]: d["available"] for d in _availability(service, d1, d3)}
        assert available == {d1.isoformat(): 0, d2.isoformat(): 0, d3.isoformat(): ROOMS}

        # The resident's result, as they see it, and the e-mail every entrant receives.
        results = resident.get("/v1/me/lottery-results").json()["items"]
        assert [r["lotteryId"] for r in results] == [lottery_id]
        wanted = {
            f"r{9_000_000 + n:07d}@example.jp" for n in range(EMAIL_EVERY, ENTRIES, EMAIL_EVERY)
        } | {resident.email}
        mails = _poll(
            lambda: len(outbox := _result_mails(service)) >= len(wanted) and outbox,
            "every result e-mail",
        )
        assert mails == dict.fromkeys(wanted, 1)  # each once, to those who asked alone

        # The citizen's check: the /audit answer, its file, and verify_draw on both.
        url = f"{service.url}/v1/lotteries/{lottery_id}/audit"
        answer = service.call("GET", f"/v1/lotteries/{lottery_id}/audit").json()
        assert answer["file"]["entries"] == ENTRIES and answer["order"] is None
        content, problems = fetch(url)
        assert problems == [] and verify(content) == []
        assert len(content["order"]) == ENTRIES
        won = [r for r in content["results"] if r["wonRank"]]
        assert len(won) == 2 * ROOMS
        mine = next(r for r in content["results"] if r["entryId"] == entered.json()["entryId"])
        assert (mine["wonRank"] == 1) == (results[0]["outcome"] == "won")
        checked = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tools.verify_draw", url],
            cwd=ROOT,
            env={"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}", "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert f"OK: {ENTRIES} entries" in checked.stdout
    finally:
        service.move_clock(0)
    print(  # the figures of this run (pytest -s shows them)
        f"\n10k lottery: seeded in {seeded - started:.0f} s, drawn to released in "
        f"{drawn - seeded:.0f} s, whole test {time.monotonic() - started:.0f} s"
    )


def _poll(check: Any, what: str) -> Any:
    """`wait_until`, asking every 3 s: the service is busy drawing meanwhile."""
    deadline = time.monotonic() + DRAW_SECONDS
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(3)
    raise AssertionError(f"timed out waiting for {what}")


def _result_mails(service: LocalService) -> dict[str, int]:
    """Result e-mails in the local outbox: recipient → how many."""
    found: dict[str, int] = {}
    for mail in service.call("GET", "/_local/outbox").json()["items"]:
        if "抽選結果" in mail["subject"]:
            for address in mail["to"]:
                found[address] = found.get(address, 0) + 1
    return found
