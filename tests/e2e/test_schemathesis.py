"""The service does what docs/openapi.json says, checked by schemathesis over HTTP.

Every operation with citizen and staff tokens, with the checks and bounds of
schemathesis.toml at the repository root: no 5xx, only documented statuses, content
types and response bodies, schema-violating requests refused. A runtime of its own, so
that the fuzzed requests (sign-in failures, throttling) touch no other test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.accounts import bearer, registered, staff_decides, wait_until
from tests.e2e.conftest import ROOT, LocalService, start_service, stop_service

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"

# Operations whose 401 answers a wrong password, receipt or LINE ID token in the body.
CREDENTIALS_IN_THE_BODY = {
    "POST /v1/sessions",
    "POST /v1/staff/sessions",
    "POST /v1/line/sessions",
    "PUT /v1/me/line",
    "POST /v1/appointments/lookup",
    "POST /v1/appointments/cancel",
}


def _only_401_section(output: str) -> str:
    """The list under schemathesis' "401 Unauthorized (N operations):" warning, if any."""
    found = re.search(r"401 Unauthorized \(\d+ operations?\):\n((?:\s+- .*\n)+)", output)
    return found[1] if found else ""


@pytest.fixture(scope="module")
def own_service() -> Iterator[LocalService]:
    running = start_service()
    yield running
    stop_service(running)


def test_schemathesis_finds_nothing(own_service: LocalService, tmp_path: Path) -> None:
    citizen = registered(own_service)
    # Application ids are sequential, so the fuzzed staff decisions find this citizen's
    # first application: decided beforehand, a fuzzed rejection cannot close the account
    # (which ends its sessions and left every later citizen operation at 401).
    application_id = citizen.application_id()
    wait_until(
        lambda: staff_decides(own_service, application_id, "approve").status_code == 200,
        "the review waiting for staff",
    )
    env = {
        **os.environ,
        "CITIZEN_TOKEN": citizen.token,
        "STAFF_TOKEN": own_service.staff_token(),
    }
    report = tmp_path / "junit.xml"
    run = subprocess.run(  # noqa: S603 - our own virtual environment's schemathesis
        [
            str(SCHEMATHESIS),
            "run",
            str(ROOT / "docs" / "openapi.json"),
            "--url",
            own_service.url,
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ],
        cwd=ROOT,  # schemathesis.toml
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = run.stdout[-6000:]
    assert run.returncode == 0, summary
    assert "Tested: " in run.stdout and " 0 generated" not in run.stdout, summary
    # Every operation was tried with a live session: the only ones schemathesis may find
    # answering nothing but 401 are those whose 401 is about credentials in the body (a
    # request example's password, receipt or LINE ID token), never about the session.
    only_401 = set(re.findall(r"^\s+- ([A-Z]+ /\S+)$", _only_401_section(run.stdout), re.M))
    assert only_401 <= CREDENTIALS_IN_THE_BODY, summary
    still = own_service.call("GET", "/v1/me", headers=bearer(citizen.token))
    assert still.status_code == 200, still.text
