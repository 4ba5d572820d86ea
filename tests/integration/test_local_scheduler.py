"""The local runtime's stand-in for EventBridge Scheduler, against moto."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3

from local.scheduler import LocalScheduler
from tests.conftest import ACCOUNT, REGION


def _schedule(name: str, when: str, target_arn: str) -> None:
    boto3.client("scheduler", region_name=REGION).create_schedule(
        Name=name,
        ScheduleExpression=f"at({when})",
        ScheduleExpressionTimezone="Asia/Tokyo",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": target_arn,
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
            "Input": json.dumps({"lotteryId": name}),
        },
    )


def test_every_due_schedule_starts_its_own_execution_and_a_failing_one_stops_none(
    aws, clock
) -> None:
    machine = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
        name="draw",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/draw",
    )["stateMachineArn"]
    missing = machine.replace(":draw", ":no-such-machine")
    due = (clock.now() + timedelta(hours=9, minutes=-1)).strftime("%Y-%m-%dT%H:%M:%S")  # Tokyo
    _schedule("lottery-a", due, machine)
    _schedule("lottery-broken", due, missing)
    _schedule("lottery-b", due, machine)

    scheduler = LocalScheduler(invoke_function=lambda name, payload: None)
    fired = scheduler.fire_due()

    assert sorted(fired) == ["lottery-a", "lottery-b", "lottery-broken"]
    executions = boto3.client("stepfunctions", region_name=REGION).list_executions(
        stateMachineArn=machine
    )["executions"]
    names = [e["name"] for e in executions]
    assert len(names) == 2 and len(set(names)) == 2 and "None" not in names
    assert scheduler.fire_due() == []  # each fires once
