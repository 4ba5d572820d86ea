"""Benchmarks: `make bench` (`python -m benchmarks`) measures the figures the design promises.

- `dynamodb_requests`: DynamoDB requests per API call (availability, staff sign-in,
  opening inventory, a citizen's hold and its confirmation), counted in-process against
  moto with the real handlers behind the local gateway.
- `cold_start`: import-and-init time of every entrypoint in template.yaml, in fresh
  interpreters, next to `import boto3` and to what Powertools' Tracer would add.
- `password_hash`: argon2id cost with the parameters of `yoyaku.adapters.passwords`.

Everything runs offline. Figures are printed as a table with their targets and written
to `benchmarks/.results/latest.json` (git-ignored); docs/architecture.md quotes them.
"""

import sys
from pathlib import Path

# `make bench` sets PYTHONPATH=functions:.; a bare `python -m benchmarks` works as well.
_FUNCTIONS = str(Path(__file__).resolve().parent.parent / "functions")
if _FUNCTIONS not in sys.path:
    sys.path.append(_FUNCTIONS)
