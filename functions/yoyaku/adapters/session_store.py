"""Sign-in sessions: opaque random tokens, stored only as the SHA-256 of their secret.

A token reads `{kind}.{principal id}.{secret}`. The session lives in its principal's
partition (`USER#…` or `STAFF#…`), so the authorizer finds it with one GetItem and
"end every session" is one Query plus deletes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from yoyaku.adapters import staff_store
from yoyaku.adapters.table import SessionItem, StaffItem, TableItem, UserItem
from yoyaku.domain.account_kinds import AccountStatus, Residency, UserType
from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.messages import Language
from yoyaku.domain.staff import StaffMember

_PARTITION = {PrincipalKind.CITIZEN: "USER#", PrincipalKind.STAFF: "STAFF#"}


def _keys(principal: Principal, secret: str) -> tuple[str, str]:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return _PARTITION[principal.kind] + principal.id, f"SESSION#{digest}"


def _parse(token: str) -> tuple[Principal, str] | None:
    parts = token.split(".", 2) if token and len(token) <= 200 else []
    if len(parts) != 3 or not all(parts):
        return None
    kind, principal_id, secret = parts
    if kind not in PrincipalKind.__members__.values():
        return None
    return Principal(PrincipalKind(kind), principal_id), secret


def create(
    principal: Principal, now: datetime, lifetime: timedelta, method: str | None = None
) -> tuple[str, datetime]:
    """A new session; returns the token (shown once to the client) and its expiry.

    `method` records how it was opened when that matters later ("line": unlinking LINE
    ends it); the token and the authorizer are the same whatever the method.
    """
    if "." in principal.id:
        raise ValueError("principal ids never contain dots")
    secret = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    pk, sk = _keys(principal, secret)
    SessionItem(
        pk,
        sk,
        principal_kind=principal.kind.value,
        principal_id=principal.id,
        created_at=now,
        expires_at=expires_at,
        method=method,
    ).save()
    return f"{principal.kind.value}.{principal.id}.{secret}", expires_at


def resolve(token: str, now: datetime) -> Principal | None:
    """The principal of a live session, or None (unknown, expired, or malformed token)."""
    parsed = _parse(token)
    if parsed is None:
        return None
    principal, secret = parsed
    try:
        item = SessionItem.get(*_keys(principal, secret))
    except SessionItem.DoesNotExist:
        return None
    if item.expires_at is None or item.expires_at <= now:
        return None
    return principal


def resolve_citizen(token: str, now: datetime) -> CitizenProfile | None:
    """A citizen's live session and the profile handlers need, in one BatchGetItem (the
    session and the account share a partition)."""
    parsed = _parse(token)
    if parsed is None or parsed[0].kind is not PrincipalKind.CITIZEN:
        return None
    principal, secret = parsed
    pk, sk = _keys(principal, secret)
    items = list(TableItem.batch_get([(pk, sk), (pk, "PROFILE")]))
    session = next((i for i in items if isinstance(i, SessionItem)), None)
    user = next((i for i in items if isinstance(i, UserItem)), None)
    if session is None or user is None or session.expires_at is None:
        return None
    if session.expires_at <= now:
        return None
    return CitizenProfile(
        user_number=principal.id,
        status=AccountStatus(user.status),
        residency=Residency(user.residency),
        verified_until=date.fromisoformat(user.verified_until) if user.verified_until else None,
        email=user.email,
        language=Language(user.language),
        lottery_result_email=bool(user.lottery_result_email),
        user_type=UserType(user.user_type or UserType.INDIVIDUAL.value),
        roster_accepted=bool(user.roster_accepted),
    )


def resolve_staff(token: str, now: datetime) -> StaffMember | None:
    """A staff member's live session with their name and role, in one BatchGetItem (the
    session and the account share a partition), so a changed role counts at once."""
    parsed = _parse(token)
    if parsed is None or parsed[0].kind is not PrincipalKind.STAFF:
        return None
    principal, secret = parsed
    pk, sk = _keys(principal, secret)
    items = list(TableItem.batch_get([(pk, sk), (pk, "PROFILE")]))
    session = next((i for i in items if isinstance(i, SessionItem)), None)
    staff = next((i for i in items if isinstance(i, StaffItem)), None)
    if session is None or staff is None or session.expires_at is None:
        return None
    if session.expires_at <= now:
        return None
    return StaffMember(principal.id, staff.name, staff_store.role_of(staff))


def end(token: str) -> None:
    parsed = _parse(token)
    if parsed is not None:
        SessionItem(*_keys(*parsed)).delete()


def end_all(principal: Principal, method: str | None = None) -> int:
    """Ends every session of `principal` (password change or reset), or only those
    opened by `method`; returns how many."""
    items = [
        item
        for item in SessionItem.query(
            _PARTITION[principal.kind] + principal.id,
            SessionItem.sk.startswith("SESSION#"),
        )
        if method is None or item.method == method
    ]
    with SessionItem.batch_write() as batch:
        for item in items:
            batch.delete(item)
    return len(items)
