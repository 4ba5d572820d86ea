"""`make run` stops cleanly on Ctrl-C, and data does not survive a restart (README)."""

from __future__ import annotations

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

    second = start_service()
    try:
        titles = [n["title"] for n in second.call("GET", "/v1/notices").json()["items"]]
        assert "一時的なお知らせ" not in titles
        assert len(titles) == 2
    finally:
        assert stop_service(second) == 0
