"""line-bot-sdk (about a second of CPU to import) and PyJWT are imported on first use,
never at a function's INIT: most containers never push to LINE or check an ID token."""

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
for function in template.functions(template.load()).values():
    module = function.handler.rpartition(".")[0]
    __import__(module)
print(sorted(m for m in ("linebot", "jwt", "cryptography") if m in sys.modules))
"""


def test_no_entrypoint_imports_the_line_libraries_at_init() -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip().splitlines()[-1] == "[]", completed.stderr
