"""Notifying the results of a 10,000-entry lottery: DynamoDB requests, items read, time.

The draw state machine calls the notify task again and again (Notify ⟲) until every
entrant who asked for the result by e-mail or on LINE has been told. SES is held to
`SES_SEND_RATE` e-mails a second (10 by default), and one call sends for at most
`NOTIFY_SECONDS`, so at 10 e-mails a second 10,000 results take about 17 calls. What
matters is what each call reads again.

The benchmark runs in its own process, in-process against moto: a drawn lottery with
10,000 results (every entrant wants the result by e-mail, one in ten also on LINE), and
then the notify task as the state machine calls it, each call with the previous one's
output (`workflows.lottery.handle`), until it says nothing is left. SES and LINE are
replaced by counters (they are not DynamoDB's cost, and the local fakes would measure
themselves). The pacing waits are not slept: a fake clock inside the task advances by
the seconds it would have slept, so the calls split exactly as they would in AWS
without the benchmark waiting 17 minutes. Requests are counted on
`botocore.client.BaseClient._make_api_call`, as in dynamodb_requests.py.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

from benchmarks.moto_child import MotoTime, in_child, offline_environment, template_tables
from benchmarks.report import Figure, Section

RESULTS = 10_000
LINE_EVERY = 10  # one entrant in ten is linked to LINE and takes results there
SEND_RATE = 10  # SES_SEND_RATE, the template's default


def notify_child(size: int) -> dict[str, Any]:
    """Runs in the subprocess: a drawn lottery in moto, then notify until done."""
    offline_environment()
    from botocore.client import BaseClient

    from local import template
    from local.aws import globals_environment

    document = template.load()
    os.environ.update(globals_environment(document))  # the settings every function checks
    os.environ["SES_SEND_RATE"] = str(SEND_RATE)
    with template_tables(document):
        from tests.integration.helpers import drawn_lottery
        from yoyaku.adapters import mailer
        from yoyaku.adapters.table import LineAccountItem
        from yoyaku.domain.lottery import EntryContact
        from yoyaku.domain.messages import Language
        from yoyaku.services import line, lottery_draw
        from yoyaku.workflows import lottery as tasks

        # A lodging lottery whose draw recorded `size` results (all lost: a win's
        # e-mail differs only in its text), each entrant asking for it by e-mail.
        lottery_id = "lot_benchmarknotify"
        drawn_lottery(
            lottery_id,
            (
                (
                    _user(n),
                    f"ent_{n:016x}",
                    EntryContact(f"u{_user(n)}@example.jp", Language.JA, True),
                )
                for n in range(size)
            ),
            datetime(2030, 6, 1, 1, 0, tzinfo=UTC),
        )
        with LineAccountItem.batch_write() as batch:
            for n in range(0, size, LINE_EVERY):
                batch.save(
                    LineAccountItem(
                        f"USER#{_user(n)}",
                        "LINE",
                        line_user_id=f"U{n:032x}",
                        linked_at=datetime(2030, 5, 1, tzinfo=UTC),
                        lottery_results=True,
                    )
                )

        sent = Counter[str]()
        paced = {"seconds": 0.0}

        def monotonic() -> float:
            return time.monotonic() + paced["seconds"]

        def sleep(seconds: float) -> None:
            paced["seconds"] += seconds

        requests = Counter[str]()
        items_read = Counter[str]()
        in_moto = MotoTime()
        original_call = BaseClient._make_api_call

        def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
            response = original_call(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                requests[operation] += 1
                if operation == "Query":
                    items_read["Query"] += response.get("Count", 0)
                elif operation == "BatchGetItem":  # keys asked for, found or not
                    items_read["BatchGetItem"] += sum(
                        len(v["Keys"]) for v in params["RequestItems"].values()
                    )
            return response

        calls: list[dict[str, Any]] = []
        with ExitStack() as patched:
            for target, name, value in (
                (mailer, "send", lambda to, email: sent.update(["email"])),
                (line, "notify_lottery_result", lambda link, lang, notice: sent.update(["line"])),
                (lottery_draw, "time", SimpleNamespace(monotonic=monotonic, sleep=sleep)),
                (BaseClient, "_make_api_call", counting),
            ):
                patched.enter_context(patch.object(target, name, value))
            patched.enter_context(in_moto.timing())
            started, cpu = time.perf_counter(), time.process_time()
            event: dict[str, Any] = {"action": "notify", "lotteryId": lottery_id}
            while True:  # as the state machine: StartNotify, then Notify ⟲ with `after`
                output = tasks.handle(event)
                calls.append(output)
                if not (output.get("more") or output.get("remaining")):
                    break
                event = {"action": "notify", "lotteryId": lottery_id} | {
                    k: v for k, v in output.items() if k == "after"
                }
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "results": size,
        "calls": len(calls),
        "sentPerCall": [c.get("sent", 0) for c in calls],
        "emails": sent["email"],
        "linePushes": sent["line"],
        "requests": dict(requests),
        "itemsRead": dict(items_read),
        "wall": wall,
        "cpu": cpu,
        "inMoto": in_moto.wall,
        "inMotoCpu": in_moto.cpu,
        "pacedSeconds": paced["seconds"],
    }


def _user(n: int) -> str:
    return f"{8_000_000 + n:07d}"


def _in_child(call: str) -> dict[str, Any]:
    return in_child(__name__, call)


def run(child: Callable[[str], dict[str, Any]] = _in_child) -> Section:
    started = time.perf_counter()
    found = child(f"notify_child({RESULTS})")
    size, calls = found["results"], found["calls"]
    requests: dict[str, int] = found["requests"]
    read = sum(found["itemsRead"].values())
    told = found["emails"] + found["linePushes"]
    own, own_cpu = found["wall"] - found["inMoto"], found["cpu"] - found["inMotoCpu"]

    def listed(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))

    figures = [
        Figure(
            "lottery.notify.calls",
            f"notify task calls for {size:,} results at {SEND_RATE} e-mails/s",
            calls,
            "calls",
            note=f"sent per call: {found['sentPerCall']}; {found['emails']:,} e-mails, "
            f"{found['linePushes']:,} LINE pushes; {found['pacedSeconds']:.0f} s of SES "
            "pacing (not slept here)",
        ),
        Figure(
            "lottery.notify.requests",
            f"DynamoDB requests, all calls, {size:,} results",
            sum(requests.values()),
            "requests",
            note=listed(requests) + f"; of them one UpdateItem per entrant told ({told:,} "
            "messages)",
            details={"byOperation": requests},
        ),
        Figure(
            "lottery.notify.itemsReadPerResult",
            "items read per result, all calls",
            round(read / size, 2),
            "items",
            note=f"{read:,} items: {listed(found['itemsRead'])} (LINE links asked for); the "
            "floor is 2: each result read once and its entrant's LINE link looked up once",
            details={"itemsRead": found["itemsRead"]},
        ),
        Figure(
            "lottery.notify.seconds",
            f"notify {size:,} results, all calls (without the pacing)",
            round(found["wall"], 1),
            "s",
            note=f"CPU {found['cpu']:.1f} s; moto answering {found['inMoto']:.1f} s of it; "
            f"the task's own code {own:.1f} s (CPU {own_cpu:.1f} s)",
        ),
    ]
    notes = [
        f"{size:,} results of a lodging lottery in moto (in-process), every entrant taking "
        f"the result by e-mail and one in {LINE_EVERY} also on LINE; SES and LINE counted, "
        "not called; SES_SEND_RATE "
        f"{SEND_RATE}, the task's time budget per call as in AWS (fake clock for the pacing)."
    ]
    return Section("Notifying a lottery's results", figures, notes, time.perf_counter() - started)
