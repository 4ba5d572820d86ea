"""Fires EventBridge Scheduler schedules, which moto stores but never runs.

One-time `at(...)` schedules fire once their time has come by the application's clock
(so moving the clock with /_local/clock fires them); `/_local/schedules/{name}/run`
fires any schedule now. Targets are Step Functions state machines or Lambda functions.
The template's recurring `rate(...)` schedules (ScheduleV2 events of functions) fire
every period of the application's clock, and by name on request, too.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3

from yoyaku import runtime


class UnknownSchedule(KeyError):
    pass


_RATE = re.compile(r"^rate\((\d+) (minute|hour|day)s?\)$")


@dataclass
class Recurring:
    """A template schedule: `function` every `period`, next at `due`."""

    name: str
    function: str
    period: timedelta
    due: datetime


def recurring(name: str, function: str, expression: str, now: datetime) -> Recurring | None:
    found = _RATE.match(expression.strip())
    if found is None:
        return None  # cron() expressions are not fired locally; run them by name
    period = timedelta(**{f"{found[2]}s": int(found[1])})
    return Recurring(name, function, period, now + period)


class LocalScheduler:
    def __init__(
        self,
        invoke_function: Callable[[str, dict[str, Any]], Any],
        template_schedules: list[Recurring] | None = None,
    ) -> None:
        self._invoke_function = invoke_function
        self._recurring = {s.name: s for s in template_schedules or []}
        self._fired: set[str] = set()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="local-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _schedules(self) -> list[dict[str, Any]]:
        client = boto3.client("scheduler")
        found = []
        for page in client.get_paginator("list_schedules").paginate():
            for summary in page.get("Schedules", []):
                found.append(
                    client.get_schedule(
                        Name=summary["Name"], GroupName=summary.get("GroupName", "default")
                    )
                )
        return found

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            try:
                self.fire_due()
            except Exception as error:  # keep the service up; say what failed
                print(f"local scheduler: {error!r}", flush=True)

    def fire_due(self) -> list[str]:
        """Fires every schedule whose time has come. A target that fails is reported and
        left fired, as Scheduler does once its retries are spent: moving the clock never
        fails because of what a schedule started."""
        now = runtime.current().now()
        fired = []
        for repeating in list(self._recurring.values()):
            if repeating.due <= now:
                # Once for however many periods passed (a moved clock may skip many).
                while repeating.due <= now:
                    repeating.due += repeating.period
                self._fire_recurring(repeating)
                fired.append(repeating.name)
        for schedule in self._schedules():
            due = _at(schedule)
            if due is not None and due <= now and self._first_firing(schedule["Name"]):
                try:
                    self._fire(schedule)
                except Exception as error:
                    print(f"local scheduler: {schedule['Name']} failed: {error!r}", flush=True)
                fired.append(schedule["Name"])
        return fired

    def _fire_recurring(self, schedule: Recurring) -> dict[str, Any]:
        print(f"local scheduler: firing {schedule.name} → {schedule.function}", flush=True)
        try:
            result = self._invoke_function(schedule.function, {"source": "local.scheduler"})
        except Exception as error:  # as in AWS: the run fails, the schedule goes on
            print(f"local scheduler: {schedule.name} failed: {error}", flush=True)
            return {"schedule": schedule.name, "error": str(error)}
        return {"schedule": schedule.name, "result": result}

    def run(self, name: str) -> dict[str, Any]:
        if name in self._recurring:
            return self._fire_recurring(self._recurring[name])
        for schedule in self._schedules():
            if schedule["Name"] == name:
                return self._fire(schedule)
        raise UnknownSchedule(name)

    def _first_firing(self, name: str) -> bool:
        """True once per schedule: the poller and a clock move may look at the same time."""
        with self._lock:
            first = name not in self._fired
            self._fired.add(name)
            return first

    def _fire(self, schedule: dict[str, Any]) -> dict[str, Any]:
        self._first_firing(schedule["Name"])
        target = schedule["Target"]
        arn: str = target["Arn"]
        payload = target.get("Input") or "{}"
        print(f"local scheduler: firing {schedule['Name']} → {arn}", flush=True)
        if ":states:" in arn:
            # Scheduler's StartExecution target passes no name, so Step Functions makes a
            # unique one for every firing; moto would name each execution "None".
            execution = boto3.client("stepfunctions").start_execution(
                stateMachineArn=arn, name=str(uuid.uuid4()), input=payload
            )
            return {"schedule": schedule["Name"], "executionArn": execution["executionArn"]}
        if ":lambda:" in arn:
            result = self._invoke_function(arn.split(":")[-1], json.loads(payload))
            return {"schedule": schedule["Name"], "result": result}
        raise ValueError(f"unsupported schedule target {arn}")


def _at(schedule: dict[str, Any]) -> datetime | None:
    expression: str = schedule.get("ScheduleExpression", "")
    if not expression.startswith("at(") or schedule.get("State") == "DISABLED":
        return None
    zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=zone)
