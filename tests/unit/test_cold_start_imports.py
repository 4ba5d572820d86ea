"""A cold start imports no boto3: every function's handler module, imported the way
Lambda's INIT phase imports it, leaves boto3 (and Powertools idempotency, which would
import it) for the first request that actually sends e-mail, uploads, starts a workflow
or records an Idempotency-Key.

Each module is imported in a fresh interpreter, because this test process has long
imported everything.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from local import template
from local.aws import globals_environment

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted(
    set(re.findall(r"Handler: (yoyaku\.entrypoints\.\w+)\.", (ROOT / "template.yaml").read_text()))
)
LAZY = ["boto3", "aws_lambda_powertools.utilities.idempotency"]

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
roots = ("boto3", "aws_lambda_powertools", "yoyaku")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in roots)))
"""


def test_every_function_of_the_template_is_checked() -> None:
    # Every entrypoint module except the shared logging/metrics helpers is a function.
    modules = {
        f"yoyaku.entrypoints.{path.stem}"
        for path in (ROOT / "functions/yoyaku/entrypoints").glob("*.py")
        if path.stem not in {"__init__", "observability"}
    }
    assert set(HANDLERS) == modules


def _loaded(module: str) -> list[str]:
    """The boto3, Powertools and Yoyaku modules that importing `module` loads."""
    # The handlers check their settings when imported, as at a cold start.
    env = {
        **globals_environment(template.load()),
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'functions'}{os.pathsep}{ROOT}",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PROBE, module],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", HANDLERS)
def test_importing_a_handler_imports_no_boto3(module: str) -> None:
    loaded = _loaded(module)
    assert "aws_lambda_powertools.event_handler" in loaded or module.endswith(
        ("authorizer", "_tasks", "proof_uploaded", "crl_refresh")
    )
    for lazy in LAZY:
        assert not [m for m in loaded if m == lazy or m.startswith(lazy + ".")], (module, lazy)


def test_the_authorizer_loads_no_audit_trail() -> None:
    # Every request passes the authorizer; only a staff decision writes an audit record
    # (adapters/application_store.py imports the audit store when it decides).
    assert "yoyaku.domain.audit" not in _loaded("yoyaku.entrypoints.authorizer")
