"""`make run` stops cleanly on Ctrl-C, and data does not survive a restart (README)."""

from __future__ import annotations

import signal
import time

from tests.e2e.conftest import start_service, stop_service


def test_ctrl_c_stops_cleanly_and_a_restart_starts_from_the_demo_data() -> None:
    first = start_service()
    token = first.staff_token()
    created = first.call(
        "POST",
        "/v1/staff/notices",
        json={"title": "一時的なお知らせ", "body": "再起動で消えます。"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201
    assert stop_service(first) == 0
    time.sleep(0.2)
    assert first.output[-1] == "stopped."
    assert not any("Traceback" in line for line in first.output)
    # what a person at the terminal reads: request lines, no raw metrics blob
    assert not any("CloudWatchMetrics" in line for line in first.output), first.output[:3]

    second = start_service()
    try:
        titles = [n["title"] for n in second.call("GET", "/v1/notices").json()["items"]]
        assert "一時的なお知らせ" not in titles
        assert len(titles) == 2
    finally:
        assert stop_service(second) == 0


def test_ctrl_c_stops_it_even_when_started_from_a_background_job() -> None:
    # A shell without job control (CI scripts, `make test &`) starts its background jobs
    # with SIGINT ignored; the service must still stop on the Ctrl-C the harness sends.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        service = start_service()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert stop_service(service) == 0
    assert service.output[-1] == "stopped."
