"""Runs the local runtime (`python -m local`, what `make run` runs) as a subprocess on a
free loopback port: the end-to-end tests and the contention benchmark drive it over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from local.aws import free_port
from local.template import ROOT

STARTUP_SECONDS = 120
READY = "Yoyaku is running"


@dataclass
class RunningService:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    timeout: float = 30.0

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, self.url + path, timeout=self.timeout, **kwargs)

    def stop(self) -> int:
        """Ctrl-C, as a person at the terminal would (a kill after 20 s); the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        return self.process.returncode


def _pump(
    process: subprocess.Popen[str], lines: list[str], ready: threading.Event, log: Path | None
) -> None:
    """Collects the output (and copies it to `log` for post-mortems)."""
    if process.stdout is None:
        raise RuntimeError("the service's output is not piped")
    copy = log.open("w", encoding="utf-8") if log else None
    try:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if copy:
                copy.write(line)
                copy.flush()
            if line.startswith(READY):
                ready.set()
    finally:
        if copy:
            copy.close()


def _sigint_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start[Service: RunningService](kind: type[Service], log_dir: Path | None = None) -> Service:
    """Starts the service and returns once it says it is ready."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}"}
    # Settings of the caller's own AWS or moto must not leak into the service.
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A shell without job control starts background jobs with SIGINT ignored, and a
        # child inherits that: the service would then never see the Ctrl-C that stop()
        # sends. It gets SIGINT as a program started at a terminal does.
        preexec_fn=_sigint_as_at_a_terminal,
    )
    lines: list[str] = []
    ready = threading.Event()
    log = log_dir / f"yoyaku-local-{port}.log" if log_dir else None
    threading.Thread(target=_pump, args=(process, lines, ready, log), daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not ready.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError("local runtime did not start:\n" + "\n".join(lines[-40:]))
    return kind(f"http://127.0.0.1:{port}", process, lines)
