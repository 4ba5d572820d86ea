"""Fifty clients race for five units over HTTP against the local runtime.

The local runtime (`python -m local`, what `make run` starts) runs in a subprocess on a
free loopback port, as tests/e2e do. Staff open a lodging facility whose race days have
exactly 5 units each. Fifty citizens register, confirm the e-mailed link (read from
`GET /_local/outbox`) and sign in, ten at a time. Then, per round, fifty threads wait on
one `threading.Barrier` and send `POST /v1/holds` (one night, quantity 1) for the same
day at once. The reference is one client sending fifty holds one after another for a
fresh 50-unit day. At the end the service gets SIGINT, as Ctrl-C at a terminal.

What the figures mean:

- *successful holds per second, contended* = 201 answers / wall time of the race, from
  the earliest client leaving the barrier to the last answer. Only 5 holds can succeed,
  so the figure mostly measures how fast the service turns 45 losers away: a loser that
  reads no free unit is refused at once; one whose transaction lost the race re-reads
  and tries other free units (up to 5 attempts) before `NOT_AVAILABLE`.
- *successful holds per second, one client* = 50 / wall time of 50 sequential holds, each
  of which succeeds on its first attempt: the uncontended service rate.
- their ratio compares the two rates as asked; it is not a like-for-like speed-up or
  slow-down, because the numerators differ (5 vs 50). The answers-per-second rows and
  "time to sell out" tell the rest.

Everything is in one process on this machine (the handlers, the gateway, and moto,
whose DynamoDB operations the local runtime serialises with one lock): the absolute
rates are the local runtime's, not AWS's. The correctness figures (no unit sold twice,
no 5xx) are the point; the rates show the cost of contention here.
"""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from benchmarks.report import Figure, Section
from local import process
from local.process import RunningService

CLIENTS = 50
UNITS = 5
ROUNDS = 3  # races, each on its own 5-unit day; the figures give the median round
SETUP_POOL = 10  # citizens registered concurrently
STARTUP_SECONDS = 120
REQUEST_SECONDS = 60
MAIL_SECONDS = 120
FACILITY = "bench-race"
STAFF = {"staffId": "demo-staff", "password": "demo-staff-password"}
PASSWORD = "minato2024"  # noqa: S105 - throw-away accounts in an in-memory mock

RETREAT = {
    "name": "区民保養所（競争ベンチマーク用）",
    "kind": "lodging",
    "resourceTypes": [{"resourceTypeId": "room", "name": "客室", "capacityPersons": 4}],
    "rules": {
        "opensBefore": "P1M",
        "closesDaysBefore": {"provisional": 14, "verified": 5},
        "maxNights": 2,
        "maxUnitsPerBooking": 1,
        "changeDeadlineDays": 5,
        "cancelDeadlineDays": 3,
    },
}


@dataclass
class Service(RunningService):
    """The local runtime in a subprocess (local.process), with the benchmark's shortcuts."""

    timeout: float = REQUEST_SECONDS

    def expect(self, status: int, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        if response.status_code != status:
            raise RuntimeError(f"{method} {path} → {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else None

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output[-lines:])


# ------------------------------------------------------------------ set-up


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _form(n: int) -> dict[str, Any]:
    return {
        "nameKana": "ﾐﾅﾄ ﾀﾛｳ",
        "nameKanji": "港 太郎",
        "phone": "03-1234-5678",
        "residency": "resident",
        "address": {
            "postalCode": "1058511",
            "prefecture": "東京都",
            "city": "港区",
            "street": "芝公園1-5-25",
        },
        "birthdate": "1990-04-01",
        "email": f"race{n}-{time.time_ns()}@example.jp",
        "password": PASSWORD,
        "lotteryResultEmail": False,
        "agreeToTerms": True,
    }


def _confirmation_token(service: Service, address: str) -> str:
    deadline = time.monotonic() + MAIL_SECONDS
    while time.monotonic() < deadline:
        for mail in service.expect(200, "GET", "/_local/outbox")["items"]:
            if mail["to"] == [address] and "メールアドレスの確認" in mail["subject"]:
                found = re.search(r"token=([\w-]+)", mail["body"])
                if found:
                    return found[1]
        time.sleep(0.25)
    raise RuntimeError(f"no confirmation mail to {address}")


def citizen(service: Service, n: int) -> str:
    """Registers, confirms and signs in one citizen; returns the session token."""
    body = _form(n)
    service.expect(202, "POST", "/v1/registrations", json=body)
    token = _confirmation_token(service, body["email"])
    confirmed = service.expect(201, "POST", "/v1/registrations/confirm", json={"token": token})
    session = service.expect(
        201,
        "POST",
        "/v1/sessions",
        json={"userNumber": confirmed["userNumber"], "password": PASSWORD},
    )
    return str(session["token"])


def open_day(service: Service, staff: dict[str, str], day: date, units: int) -> None:
    change = {"resourceTypeId": "room", "from": day.isoformat(), "to": day.isoformat()}
    result = service.expect(
        200,
        "PUT",
        f"/v1/staff/facilities/{FACILITY}/inventory",
        json={**change, "capacity": units},
        headers=staff,
    )
    if result["daysChanged"] != 1:
        raise RuntimeError(f"opening {day}: {result}")


def available(service: Service, day: date) -> tuple[int, int, str]:
    days = service.expect(
        200,
        "GET",
        f"/v1/facilities/{FACILITY}/availability",
        params={"from": day.isoformat(), "to": day.isoformat()},
    )["days"]
    return int(days[0]["capacity"]), int(days[0]["available"]), str(days[0]["mark"])


# ------------------------------------------------------------------ the runs


@dataclass(frozen=True)
class Answer:
    status: int
    code: str
    started: float
    ended: float


def _hold(service: Service, token: str, day: date) -> Answer:
    started = time.perf_counter()
    response = service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": FACILITY,
            "resourceTypeId": "room",
            "date": day.isoformat(),
            "nights": 1,
            "quantity": 1,
        },
        headers=_bearer(token),
    )
    ended = time.perf_counter()
    try:
        code = str(response.json().get("code", ""))
    except ValueError:
        code = "not JSON"
    return Answer(response.status_code, code, started, ended)


@dataclass(frozen=True)
class Run:
    """One race, or the sequential reference run."""

    day: date
    units: int
    answers: list[Answer]
    availability: tuple[int, int, str]

    @property
    def wall(self) -> float:
        return max(a.ended for a in self.answers) - min(a.started for a in self.answers)

    @property
    def successes(self) -> int:
        return sum(1 for a in self.answers if a.status == 201)

    @property
    def server_errors(self) -> int:
        return sum(1 for a in self.answers if a.status >= 500)

    @property
    def holds_per_second(self) -> float:
        return self.successes / self.wall

    @property
    def answers_per_second(self) -> float:
        return len(self.answers) / self.wall

    @property
    def sold_out_after(self) -> float:
        """Seconds from the first request out to the last successful answer."""
        first = min(a.started for a in self.answers)
        won = [a.ended for a in self.answers if a.status == 201]
        return (max(won) - first) if won else float("nan")

    def latencies_ms(self) -> list[float]:
        return [(a.ended - a.started) * 1000 for a in self.answers]

    def outcomes(self) -> dict[str, int]:
        return {
            f"{status} {code}".strip(): n
            for (status, code), n in Counter((a.status, a.code) for a in self.answers).items()
        }

    def summary(self) -> dict[str, Any]:
        latencies = self.latencies_ms()
        return {
            "day": str(self.day),
            "units": self.units,
            "wallSeconds": round(self.wall, 3),
            "successes": self.successes,
            "holdsPerSecond": round(self.holds_per_second, 2),
            "answersPerSecond": round(self.answers_per_second, 2),
            "soldOutAfterSeconds": round(self.sold_out_after, 3),
            "latencyMedianMs": round(statistics.median(latencies), 1),
            "latencyMaxMs": round(max(latencies), 1),
            "outcomes": self.outcomes(),
            "availabilityAfter": list(self.availability),
        }


def race(service: Service, tokens: list[str], day: date) -> Run:
    """All clients leave one barrier together and ask for the same day."""
    barrier = threading.Barrier(len(tokens))

    def client(token: str) -> Answer:
        barrier.wait(timeout=REQUEST_SECONDS)
        return _hold(service, token, day)

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        answers = list(pool.map(client, tokens))
    return Run(day, UNITS, answers, available(service, day))


def sequential(service: Service, token: str, day: date, count: int) -> Run:
    answers = [_hold(service, token, day) for _ in range(count)]
    return Run(day, count, answers, available(service, day))


def run() -> Section:
    started = time.perf_counter()
    load = os.getloadavg()[0]
    service = process.start(Service)
    try:
        races, singles, setup_seconds = _scenario(service)
    except Exception as error:
        raise RuntimeError(f"{error}\n--- service output:\n{service.tail()}") from error
    finally:
        exit_code = service.stop()
    figures = _figures(races, singles)
    figures.append(
        Figure(
            "contention.serviceExit",
            "local runtime exit code after SIGINT",
            exit_code,
            "(exit code)",
            at_most=0,
            at_least=0,
        )
    )
    notes = [
        f"{CLIENTS} citizens registered, confirmed (link from /_local/outbox) and signed in, "
        f"{SETUP_POOL} at a time, in {setup_seconds:.1f} s (not measured).",
        f"{ROUNDS} races, each for its own day of {UNITS} units; the rate figures are the "
        "median round; every round is in the JSON details.",
        "Contended holds/s = 201s / (last answer − first request out); only "
        f"{UNITS} can succeed, so it mostly prices the {CLIENTS - UNITS} refusals (a "
        "refusal that reads no free unit writes nothing; one whose transaction lost the "
        "race re-reads and tries again, up to 5 attempts). One-client holds/s = "
        f"{CLIENTS} sequential holds on a fresh {CLIENTS}-unit day / their wall time, every "
        "hold winning on its first attempt; the ratio divides 5 wins by 50, so read it "
        "with the answers-per-second comparison in its note.",
        "One process serves everything (gateway, handlers, and moto with one lock around "
        "its DynamoDB operations; Python threads share the GIL), and the clients run in "
        "the benchmark's process on the same 2 cores: these are local-runtime rates, not "
        "AWS's.",
        f"Load average (1 min) when the run began: {load:.1f} on {os.cpu_count()} CPUs.",
    ]
    return Section(
        f"Contention: {CLIENTS} clients race for {UNITS} units (local runtime over HTTP)",
        figures,
        notes,
        time.perf_counter() - started,
    )


def _scenario(service: Service) -> tuple[list[Run], list[Run], float]:
    staff = _bearer(str(service.expect(201, "POST", "/v1/staff/sessions", json=STAFF)["token"]))
    service.expect(200, "PUT", f"/v1/staff/facilities/{FACILITY}", json=RETREAT, headers=staff)
    now = service.expect(200, "GET", "/_local/clock")["now"]
    today = date.fromisoformat(now[:10])
    # Provisional citizens may book from 1 month to 14 days ahead: days 18 to 26 qualify.
    race_days = [today + timedelta(days=18 + n) for n in range(ROUNDS)]
    single_days = [today + timedelta(days=18 + ROUNDS + n) for n in range(ROUNDS)]
    for day in race_days:
        open_day(service, staff, day, UNITS)
    for day in single_days:
        open_day(service, staff, day, CLIENTS)

    set_up = time.perf_counter()
    make: Callable[[int], str] = lambda n: citizen(service, n)  # noqa: E731
    with ThreadPoolExecutor(max_workers=SETUP_POOL) as pool:
        tokens = list(pool.map(make, range(CLIENTS)))
    setup_seconds = time.perf_counter() - set_up

    # Warm the facility cache (and the code paths) so that both runs start alike.
    for day in race_days + single_days:
        available(service, day)

    races: list[Run] = []
    singles: list[Run] = []
    for n in range(ROUNDS):  # interleaved, so a burst of outside load hits both alike
        races.append(race(service, tokens, race_days[n]))
        singles.append(sequential(service, tokens[n], single_days[n], CLIENTS))
    return races, singles, setup_seconds


def _median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.holds_per_second)[len(runs) // 2]


def _figures(races: list[Run], singles: list[Run]) -> list[Figure]:
    contended = _median_run(races)
    single = _median_run(singles)
    oversold = max(r.successes - r.units for r in races)
    unavailable = [r.availability for r in races]
    figures = [
        Figure(
            "contention.successes",
            f"201 Created per race ({CLIENTS} clients, {UNITS} units)",
            min(r.successes for r in races),
            "holds",
            at_least=UNITS,
            at_most=UNITS,
            note="fewest over the rounds: " + ", ".join(str(r.successes) for r in races),
            details={"rounds": [r.summary() for r in races]},
        ),
        Figure(
            "contention.oversold",
            "units oversold (201s − units), worst round",
            oversold,
            "units",
            at_most=0,
        ),
        Figure(
            "contention.availableAfter",
            "availability after the race (units left), worst round",
            max(a[1] for a in unavailable),
            "units",
            at_most=0,
            note="capacity, available, mark per round: "
            + "; ".join(f"{c}, {a}, {m}" for c, a, m in unavailable),
        ),
        Figure(
            "contention.serverErrors",
            "5xx answers (all races and the one-client runs)",
            sum(r.server_errors for r in races + singles),
            "answers",
            at_most=0,
            note="outcomes of the median race: "
            + ", ".join(f"{k} x{v}" for k, v in sorted(contended.outcomes().items())),
        ),
        Figure(
            "contention.holdsPerSecond",
            f"successful holds per second, {CLIENTS} racing clients",
            round(contended.holds_per_second, 1),
            "holds/s",
            note=f"{contended.successes} / {contended.wall:.2f} s (median round; rounds: "
            + ", ".join(f"{r.holds_per_second:.1f}" for r in races)
            + f"); sold out after {contended.sold_out_after:.2f} s; "
            f"{contended.answers_per_second:.1f} answers/s; latency median "
            f"{statistics.median(contended.latencies_ms()):.0f} ms, "
            f"max {max(contended.latencies_ms()):.0f} ms",
            details=contended.summary(),
        ),
        Figure(
            "contention.singleClient.holdsPerSecond",
            f"successful holds per second, 1 client, {CLIENTS} sequential holds",
            round(single.holds_per_second, 1),
            "holds/s",
            note=f"{single.successes} / {single.wall:.2f} s (median round; rounds: "
            + ", ".join(f"{r.holds_per_second:.1f}" for r in singles)
            + f"); latency median {statistics.median(single.latencies_ms()):.0f} ms",
            details={"median": single.summary(), "rounds": [r.summary() for r in singles]},
        ),
        Figure(
            "contention.singleClient.successes",
            f"201 Created, 1 client on a {CLIENTS}-unit day",
            min(r.successes for r in singles),
            "holds",
            at_least=CLIENTS,
            at_most=CLIENTS,
            note="availability after: "
            + "; ".join(f"{c}, {a}, {m}" for c, a, m in (r.availability for r in singles)),
        ),
        Figure(
            "contention.ratio",
            "contended / one-client successful holds per second",
            round(100 * contended.holds_per_second / single.holds_per_second),
            "%",
            note=f"answers per second: {contended.answers_per_second:.1f} racing vs "
            f"{single.answers_per_second:.1f} one client "
            f"({contended.answers_per_second / single.answers_per_second:.2f}×); ratio "
            f"{contended.holds_per_second / single.holds_per_second:.3f}",
        ),
    ]
    return figures
