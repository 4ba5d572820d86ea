"""LINE links (one LINE user ↔ one account) and the nonces of ID tokens already used.

A link is two items written in one transaction: `LINE#{lineUserId}` / `LINK` (whose
account a LINE user signs in to) and `USER#{n}` / `LINE` (the account's LINE user and
its choices). Each is created only if absent, so neither side can ever be linked twice,
whatever requests race.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters.table import LineAccountItem, LineLinkItem, LineNonceItem, TableItem, UserItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.line import LineLink

ACCOUNT_SK = "LINE"
LINK_SK = "LINK"
BATCH = 100  # BatchGetItem's limit


class LinkRefused(Exception):
    """Why no link was made: `account_linked` (to another LINE user), `line_user_linked`
    (to another account) or `no_account`."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _user_pk(user_number: str) -> str:
    return f"USER#{user_number}"


def _line_pk(line_user_id: str) -> str:
    return f"LINE#{line_user_id}"


def _link(item: LineAccountItem) -> LineLink:
    return LineLink(
        user_number=item.pk.removeprefix("USER#"),
        line_user_id=item.line_user_id,
        linked_at=item.linked_at,
        lottery_results=bool(item.lottery_results),
    )


def of_user(user_number: str) -> LineLink | None:
    try:
        return _link(LineAccountItem.get(_user_pk(user_number), ACCOUNT_SK, consistent_read=True))
    except LineAccountItem.DoesNotExist:
        return None


def account_of(line_user_id: str) -> str | None:
    """The user number a LINE user is linked to, or None."""
    try:
        item = LineLinkItem.get(_line_pk(line_user_id), LINK_SK, consistent_read=True)
    except LineLinkItem.DoesNotExist:
        return None
    return item.user_number


def of_users(user_numbers: Iterable[str]) -> dict[str, LineLink]:
    """The links of many accounts (lottery results), in batches of 100 keys."""
    keys = sorted({(_user_pk(n), ACCOUNT_SK) for n in user_numbers})
    found: dict[str, LineLink] = {}
    for start in range(0, len(keys), BATCH):
        for item in TableItem.batch_get(keys[start : start + BATCH]):
            if isinstance(item, LineAccountItem):
                link = _link(item)
                found[link.user_number] = link
    return found


def link(
    user_number: str, line_user_id: str, now: datetime, lottery_results: bool
) -> tuple[LineLink, bool]:
    """Links both ways at once. Returns the link and whether it was made now (an
    identical existing link is returned as it is)."""
    account = LineAccountItem(
        _user_pk(user_number),
        ACCOUNT_SK,
        line_user_id=line_user_id,
        linked_at=now,
        lottery_results=lottery_results,
    )
    line_user = LineLinkItem(
        _line_pk(line_user_id), LINK_SK, user_number=user_number, linked_at=now
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.condition_check(
                UserItem, _user_pk(user_number), "PROFILE", condition=UserItem.pk.exists()
            )
            tx.save(account, condition=LineAccountItem.pk.does_not_exist())
            tx.save(line_user, condition=LineLinkItem.pk.does_not_exist())
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        reasons = [r.code if r is not None else None for r in error.cancellation_reasons]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise LinkRefused("no_account") from error
        existing = of_user(user_number)
        if existing is not None and existing.line_user_id == line_user_id:
            return existing, False
        if existing is not None:
            raise LinkRefused("account_linked") from error
        raise LinkRefused("line_user_linked") from error
    return _link(account), True


def unlink(user_number: str) -> LineLink | None:
    """Removes the account's link (both items); None when there was none."""
    existing = of_user(user_number)
    if existing is None:
        return None
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.delete(
                LineAccountItem(_user_pk(user_number), ACCOUNT_SK),
                condition=LineAccountItem.line_user_id == existing.line_user_id,
            )
            tx.delete(
                LineLinkItem(_line_pk(existing.line_user_id), LINK_SK),
                condition=LineLinkItem.user_number == user_number,
            )
    except TransactWriteError as error:
        if condition_failed(error):
            return None  # another request unlinked it first
        raise
    return existing


def set_lottery_results(user_number: str, lottery_results: bool) -> LineLink | None:
    """Changes the LINE opt-in for lottery results; None when the account has no link."""
    item = LineAccountItem(_user_pk(user_number), ACCOUNT_SK)
    try:
        item.update(
            actions=[LineAccountItem.lottery_results.set(lottery_results)],
            condition=LineAccountItem.pk.exists(),
        )
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return _link(item)


def use_nonce(nonce: str, keep_until: datetime) -> bool:
    """Records a nonce as used; False if it was used before (a replayed token)."""
    digest = hashlib.sha256(nonce.encode()).hexdigest()
    try:
        LineNonceItem(f"LINENONCE#{digest}", "NONCE", expires_at=keep_until).save(
            condition=LineNonceItem.pk.does_not_exist()
        )
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True
