"""The tasks of the lottery draw state machine (statemachines/lottery_draw.asl.json):
close → draw → notify (looped) → publish → release, and for wins that must be confirmed
remind and expire (started by their own schedules), each a use case of
`services.lottery_draw`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yoyaku.domain.lottery import DrawAction, DrawTask
from yoyaku.domain.model import CamelModel
from yoyaku.services import lottery_draw

TASKS: dict[DrawAction, Callable[[str], CamelModel]] = {
    "close": lottery_draw.close,
    "draw": lottery_draw.draw,
    "publish": lottery_draw.publish,
    "release": lottery_draw.release,
    "remind": lottery_draw.remind,
    "expire": lottery_draw.expire,
}


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Runs the task the state machine names in `action` for `lotteryId`; its answer
    is one of domain/lottery.py's payload models, in the JSON the state machine reads."""
    task = DrawTask.model_validate(event)
    if task.action == "notify":
        # Each notify call goes on after the last result the previous call dealt with.
        return lottery_draw.notify(task.lottery_id, task.after).model_dump(mode="json")
    return TASKS[task.action](task.lottery_id).model_dump(mode="json")
