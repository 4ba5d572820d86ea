"""The import-linter contract "No router imports another router" names its routers one
by one (an independence contract cannot take a pattern). A router added to api/ but not
to that list would be free to import another router without lint noticing: this test
makes the list follow the package."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contract_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (routers,) = [c for c in contracts if c["name"] == "No router imports another router"]
    return set(routers["modules"])


def _router_modules() -> set[str]:
    """The modules of api/ that define a Powertools Router (the shared helpers do not)."""
    return {
        f"yoyaku.api.{path.stem}"
        for path in (ROOT / "functions/yoyaku/api").glob("*.py")
        if re.search(r"^\w+ = Router\(\)", path.read_text(), re.MULTILINE)
    }


def test_every_router_is_in_the_independence_contract() -> None:
    routers = _router_modules()
    assert len(routers) > 20  # the pattern still finds them
    assert routers == _contract_modules()
