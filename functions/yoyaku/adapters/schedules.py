"""EventBridge Scheduler: one-time schedules of a lottery's workflow (the draw, and for
wins that must be confirmed, the reminder and the release of unconfirmed wins)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Literal

from yoyaku.adapters.aws import client
from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.lottery import DrawStart
from yoyaku.settings import settings


def draw_schedule_name(lottery_id: str) -> str:
    return f"lottery-{lottery_id}"


def _start_once(name: str, at: datetime, start: DrawStart) -> str:
    """A one-time schedule that starts the draw state machine with `start` at `at`
    (expressed in Asia/Tokyo, as staff set the lottery's times) and deletes itself."""
    local = at.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M:%S")
    client("scheduler").create_schedule(
        Name=name,
        ScheduleExpression=f"at({local})",
        ScheduleExpressionTimezone="Asia/Tokyo",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": settings().required("draw_state_machine_arn"),
            "RoleArn": settings().required("scheduler_role_arn"),
            "Input": start.model_dump_json(exclude_none=True),
        },
        ActionAfterCompletion="DELETE",
    )
    return name


def schedule_draw(lottery_id: str, draw_at: datetime) -> str:
    """Starts the draw workflow at `draw_at`."""
    return _start_once(draw_schedule_name(lottery_id), draw_at, DrawStart(lottery_id=lottery_id))


def phase_schedule_name(lottery_id: str, phase: str) -> str:
    return f"lottery-{lottery_id}-{phase}"


def schedule_phase(lottery_id: str, phase: Literal["remind", "expire"], at: datetime) -> str:
    """A later step of the lottery workflow at `at`: `remind` (winners who have not
    confirmed) or `expire` (release the wins left unconfirmed). The draw state machine
    starts with a choice on `phase`."""
    start = DrawStart(lottery_id=lottery_id, phase=phase)
    return _start_once(phase_schedule_name(lottery_id, phase), at, start)


def start_draw_now(lottery_id: str, now: datetime) -> str:
    """Starts the draw at once (staff). The execution is named per minute, so a double
    click starts one run; a later retry starts another, which is harmless because every
    step is idempotent."""
    sfn = client("stepfunctions")
    name = f"draw-{lottery_id}-{now.strftime('%Y%m%dT%H%M')}"
    machine = settings().required("draw_state_machine_arn")
    arn = f"{machine.replace(':stateMachine:', ':execution:')}:{name}"
    with contextlib.suppress(sfn.exceptions.ExecutionAlreadyExists):
        arn = sfn.start_execution(
            stateMachineArn=machine,
            name=name,
            input=DrawStart(lottery_id=lottery_id).model_dump_json(exclude_none=True),
        )["executionArn"]
    return arn
