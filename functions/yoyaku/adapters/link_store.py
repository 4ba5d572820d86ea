"""Single-use links: the token goes into the e-mail, only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters.table import LinkItem
from yoyaku.adapters.transactions import condition_failed
from yoyaku.domain.links import Link, LinkPurpose


def pk_of(token: str) -> str:
    return "LINK#" + hashlib.sha256(token.encode()).hexdigest()


def issue(purpose: LinkPurpose, subject: str, now: datetime, lifetime: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    valid_until = now + lifetime
    LinkItem(
        pk_of(token),
        "LINK",
        purpose=purpose.value,
        subject=subject,
        valid_until=valid_until,
        # Kept a week past its end so that a late click is told "expired", not "invalid".
        expires_at=valid_until + timedelta(days=7),
    ).save()
    return token


def get(token: str) -> Link | None:
    if not token or len(token) > 100:
        return None
    try:
        item = LinkItem.get(pk_of(token), "LINK")
    except LinkItem.DoesNotExist:
        return None
    return Link(LinkPurpose(item.purpose), item.subject, item.valid_until, item.used_at)


def add_use(tx: TransactWrite, token: str, now: datetime) -> None:
    """Uses the link as part of the caller's transaction (which fails if it was used)."""
    tx.update(
        LinkItem(pk_of(token), "LINK"),
        actions=[LinkItem.used_at.set(now)],
        condition=LinkItem.pk.exists() & LinkItem.used_at.does_not_exist(),
    )


def use(token: str, now: datetime) -> bool:
    """Marks the link used; False if another request used it first."""
    item = LinkItem(pk_of(token), "LINK")
    try:
        item.update(
            actions=[LinkItem.used_at.set(now)],
            condition=LinkItem.pk.exists() & LinkItem.used_at.does_not_exist(),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
