"""A function for the execution-environment tests: a Powertools REST app that answers,
after an optional pause, with the caller it was asked by and facts about its environment."""

from __future__ import annotations

import os
import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from yoyaku import runtime

app = APIGatewayRestResolver()
COLD_START = os.getpid()


@app.get("/echo")
def echo() -> dict[str, Any]:
    started = time.time()
    pause = float(app.current_event.get_query_string_value("pause") or 0)
    if app.current_event.get_query_string_value("exit"):
        os._exit(3)
    if app.current_event.get_query_string_value("raise"):
        raise RuntimeError("asked to fail")
    time.sleep(pause)
    return {
        # Read after the pause: another invocation meanwhile must not have replaced it.
        "caller": app.current_event.get_query_string_value("caller"),
        "pid": os.getpid(),
        "started": started,
        "ended": time.time(),
        "now": runtime.current().now().isoformat(),
        "variable": os.environ.get("ECHO_VARIABLE"),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
