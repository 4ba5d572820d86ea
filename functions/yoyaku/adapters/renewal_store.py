"""Renewal applications in the table: filing one (with the card's verification used up
and the account's one open renewal claimed), and the saved form (一時保存)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import application_store
from yoyaku.adapters.identity_store import verification_key
from yoyaku.adapters.table import (
    ApplicationItem,
    OpenRenewalItem,
    RenewalDraftItem,
    VerificationItem,
)
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.renewal import RenewalApplication, RenewalDraft, SavedDraft
from yoyaku.domain.review import ApplicationMethod


def _user_pk(user_number: str) -> str:
    return f"USER#{user_number}"


class NotFiled(Exception):
    """Why a renewal was not filed: `verification_used` or `already_open`."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class OpenRenewal:
    application_id: str
    idempotency_key: str | None


def file(
    application_id: str,
    user_number: str,
    registration_id: str,
    renewal: RenewalApplication,
    verification_id: str,
    idempotency_key: str | None,
    now: datetime,
) -> None:
    """Files the renewal application, uses up the card's verification and claims the
    account's one open renewal: all or nothing."""
    application = application_store.new_item(
        application_id,
        user_number,
        registration_id,
        "renewal",
        now,
        method=ApplicationMethod.MYNUMBER_CARD,
        renewal=renewal,
    )
    claim = OpenRenewalItem(
        _user_pk(user_number),
        "RENEWAL",
        application_id=application_id,
        idempotency_key=idempotency_key,
    )
    verification = VerificationItem(*verification_key(verification_id))
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(application, condition=ApplicationItem.pk.does_not_exist())
            tx.update(
                verification,
                actions=[VerificationItem.used_at.set(now)],
                condition=VerificationItem.pk.exists() & VerificationItem.used_at.does_not_exist(),
            )
            tx.save(claim, condition=OpenRenewalItem.pk.does_not_exist())
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        reasons = error.cancellation_reasons or []
        open_failed = len(reasons) > 2 and reasons[2] is not None
        open_failed = open_failed and reasons[2].code == "ConditionalCheckFailed"  # type: ignore[union-attr]
        raise NotFiled("already_open" if open_failed else "verification_used") from error


def open_renewal(user_number: str) -> OpenRenewal | None:
    try:
        item = OpenRenewalItem.get(_user_pk(user_number), "RENEWAL", consistent_read=True)
    except OpenRenewalItem.DoesNotExist:
        return None
    return OpenRenewal(item.application_id, item.idempotency_key)


def close(user_number: str, application_id: str) -> None:
    """Ends the open renewal once its review has ended (a task that runs again finds
    it gone or another application's, and leaves it)."""
    try:
        OpenRenewalItem(_user_pk(user_number), "RENEWAL").delete(
            condition=OpenRenewalItem.application_id == application_id
        )
    except DeleteError as error:
        if not condition_failed(error):
            raise


# ---------------------------------------------------------------- 一時保存


def save_draft(user_number: str, draft: RenewalDraft, now: datetime, until: datetime) -> None:
    RenewalDraftItem(
        _user_pk(user_number),
        "RENEWAL_DRAFT",
        draft=draft.model_dump(mode="json"),
        saved_at=now,
        valid_until=until,
        expires_at=until,
    ).save()


def get_draft(user_number: str, now: datetime) -> SavedDraft | None:
    """The saved form, when it was saved and until when it is kept; None once expired
    (TTL deletion may lag: the end is checked here)."""
    try:
        item = RenewalDraftItem.get(_user_pk(user_number), "RENEWAL_DRAFT")
    except RenewalDraftItem.DoesNotExist:
        return None
    if item.valid_until <= now:
        return None
    draft = RenewalDraft.model_validate(dict(item.draft))
    return SavedDraft(**draft.model_dump(), saved_at=item.saved_at, expires_at=item.valid_until)


def delete_draft(user_number: str) -> None:
    RenewalDraftItem(_user_pk(user_number), "RENEWAL_DRAFT").delete()
