"""Starts the local runtime (`python -m local`, what `make run` runs) on a free port."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from local import process
from local.process import RunningService

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LocalService(RunningService):
    """The running service, with the shortcuts the tests use."""

    def staff_token(self) -> str:
        response = self.call(
            "POST",
            "/v1/staff/sessions",
            json={"staffId": "demo-staff", "password": "demo-staff-password"},
        )
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token

    def today(self) -> date:
        """Today in Tokyo by the service's clock (which tests may move)."""
        return date.fromisoformat(self.call("GET", "/_local/clock").json()["today"])

    def move_clock(self, seconds: int) -> dict[str, Any]:
        response = self.call("POST", "/_local/clock", json={"offsetSeconds": seconds})
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state


def start_service() -> LocalService:
    """Runs `python -m local` and waits until it is ready; its output is also kept in the
    temp directory for post-mortems."""
    return process.start(LocalService, log_dir=Path(tempfile.gettempdir()))


def stop_service(service: LocalService) -> int:
    return service.stop()


@pytest.fixture(scope="session")
def service() -> Iterator[LocalService]:
    running = start_service()
    yield running
    stop_service(running)
