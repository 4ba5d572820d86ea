"""Starts the local runtime (`python -m local`, what `make run` runs) on a free port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

from local.aws import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120


@dataclass
class LocalService:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, self.url + path, timeout=30, **kwargs)

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
        return date.fromisoformat(self.call("GET", "/_local/clock").json()["now"][:10])

    def move_clock(self, seconds: int) -> dict[str, Any]:
        response = self.call("POST", "/_local/clock", json={"offsetSeconds": seconds})
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state


LOG_DIR = Path(tempfile.gettempdir())


def _pump(
    process: subprocess.Popen[str], lines: list[str], ready: threading.Event, log: Path
) -> None:
    """Collects the service's output (and keeps it in a file for post-mortems)."""
    assert process.stdout is not None
    with log.open("w", encoding="utf-8") as copy:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            copy.write(line)
            copy.flush()
            if line.startswith("Yoyaku is running"):
                ready.set()


def start_service() -> LocalService:
    """Runs `python -m local` (what `make run` runs) and waits until it says it is ready."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}"}
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()
    log = LOG_DIR / f"yoyaku-e2e-{port}.log"
    threading.Thread(target=_pump, args=(process, lines, ready, log), daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not ready.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("local runtime did not start:\n" + "\n".join(lines[-40:]))
    return LocalService(f"http://127.0.0.1:{port}", process, lines)


def stop_service(service: LocalService) -> int:
    """Ctrl-C, as a person at the terminal would; returns the exit code."""
    if service.process.poll() is None:
        service.process.send_signal(signal.SIGINT)
        try:
            return service.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.process.kill()
            raise
    return service.process.returncode


@pytest.fixture(scope="session")
def service() -> Iterator[LocalService]:
    running = start_service()
    yield running
    stop_service(running)
