"""Sign-in sessions: opaque random tokens, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from yoyaku.adapters.table import SessionItem
from yoyaku.domain.auth import Principal, PrincipalKind


def _pk(token: str) -> str:
    return "SESSION#" + hashlib.sha256(token.encode()).hexdigest()


def create(principal: Principal, now: datetime, lifetime: timedelta) -> tuple[str, datetime]:
    """A new session; returns the token (shown once to the client) and its expiry."""
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    SessionItem(
        _pk(token),
        "SESSION",
        principal_kind=principal.kind.value,
        principal_id=principal.id,
        created_at=now,
        expires_at=expires_at,
    ).save()
    return token, expires_at


def resolve(token: str, now: datetime) -> Principal | None:
    """The principal of a live session, or None (unknown, expired, or malformed token)."""
    if not token or len(token) > 200:
        return None
    try:
        item = SessionItem.get(_pk(token), "SESSION")
    except SessionItem.DoesNotExist:
        return None
    if item.expires_at is None or item.expires_at <= now:
        return None
    return Principal(PrincipalKind(item.principal_kind), item.principal_id)


def end(token: str) -> None:
    SessionItem(_pk(token), "SESSION").delete()
