"""Operator commands, run from the repository root: `.venv/bin/python -m tools.<name>`.

The application package lives in `functions/` (the Lambda code directory), so it is put
on the import path here: the commands work without setting PYTHONPATH.
"""

import sys
from pathlib import Path

_FUNCTIONS = str(Path(__file__).resolve().parents[1] / "functions")
if _FUNCTIONS not in sys.path:
    sys.path.insert(0, _FUNCTIONS)
