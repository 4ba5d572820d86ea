"""The certificate libraries are imported by the first verification, never at INIT: the
challenge route, registrations and every other function start without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import os
import sys
from local import aws, template
# Each handler checks its settings at import, as at a cold start.
os.environ.update(aws.globals_environment(template.load()))
import yoyaku.entrypoints.identity_api, yoyaku.entrypoints.accounts_api
import yoyaku.entrypoints.crl_refresh
print(sorted(m for m in ("pyhanko", "pyhanko_certvalidator", "asn1crypto", "cryptography")
             if m in sys.modules))
"""


def test_identity_and_accounts_start_without_the_certificate_libraries() -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip().splitlines()[-1] == "[]", completed.stderr
