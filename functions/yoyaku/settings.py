"""Settings from environment variables, read once on first use (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    table_name: str
    idempotency_table_name: str
    proof_bucket: str
    hold_minutes: int
    session_hours: int

    @property
    def local(self) -> bool:
        """True inside the local runtime (moto on loopback), never in AWS."""
        return bool(os.environ.get("YOYAKU_LOCAL"))


@cache
def settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "yoyaku"),
        idempotency_table_name=env.get("IDEMPOTENCY_TABLE_NAME", "yoyaku-idempotency"),
        proof_bucket=env.get("PROOF_BUCKET", "yoyaku-proof-documents"),
        hold_minutes=int(env.get("HOLD_MINUTES", "10")),
        session_hours=int(env.get("SESSION_HOURS", "12")),
    )
