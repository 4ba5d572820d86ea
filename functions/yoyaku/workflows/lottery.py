"""The tasks of the lottery draw state machine (statemachines/lottery_draw.asl.json):
close → draw → notify (looped) → publish → release, and for wins that must be confirmed
remind and expire (started by their own schedules), each a use case of
`services.lottery_draw`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yoyaku.services import lottery_draw

TASKS: dict[str, Callable[[str], dict[str, Any]]] = {
    "close": lottery_draw.close,
    "draw": lottery_draw.draw,
    "notify": lottery_draw.notify,
    "publish": lottery_draw.publish,
    "release": lottery_draw.release,
    "remind": lottery_draw.remind,
    "expire": lottery_draw.expire,
}


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Runs the task the state machine names in `action` for `lotteryId`."""
    action = event["action"]
    lottery_id = str(event["lotteryId"])
    if action not in TASKS:
        raise ValueError(f"unknown lottery task {action!r}")
    return TASKS[action](lottery_id)
