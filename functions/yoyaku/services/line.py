"""LINE for citizens (seed 000): sign-in with a LIFF ID token, linking a LINE user to an
account, and the messages pushed to linked citizens.

Notifications are one call per event, `notify_application` and `notify_lottery_result`,
made after the e-mail has gone: they never raise, so LINE can never cost a citizen
the e-mail, nor make a workflow task fail and run again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta

from aws_lambda_powertools import Logger

from yoyaku import runtime
from yoyaku.adapters import (
    line_config,
    line_keys,
    line_messaging,
    line_store,
    mailer,
    session_store,
    user_store,
)
from yoyaku.adapters.line_messaging import Delivery
from yoyaku.domain import emails
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.accounts import User
from yoyaku.domain.auth import Principal, PrincipalKind, SessionToken
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.line import (
    ApplicationNotice,
    IdTokenRejected,
    LineIdentity,
    LineLink,
    LotteryNotice,
    Rejection,
    application_texts,
    lottery_texts,
    verify_id_token,
)
from yoyaku.domain.messages import (
    ACCOUNT_CANCELLED,
    ACCOUNT_LINKED_TO_ANOTHER_LINE,
    LINE_LINKED_TO_ANOTHER_ACCOUNT,
    LINE_TOKEN_EXPIRED,
    LINE_TOKEN_REFUSED,
    LINE_TOKEN_USED,
    Language,
)
from yoyaku.settings import settings

logger = Logger(service="yoyaku", child=True)

SESSION_METHOD = "line"  # sessions opened with LINE end when LINE is unlinked
# Pages of the web app that messages link to.
HISTORY_PATH = "/me/applications"
RESERVATIONS_PATH = "/reservations"
RESULTS_PATH = "/lottery-results"  # my lottery results, with the 確定 buttons
# A used nonce is remembered a day past its token's expiry.
NONCE_KEPT = timedelta(days=1)
RETRY_AFTER_SECONDS = 30
# Retry keys are UUIDs derived from the recipient and the event, so a task that runs
# again sends the same key and LINE answers 409 instead of delivering twice.
RETRY_KEY_NAMESPACE = uuid.UUID("7d1f3c52-5f0e-4a55-9a38-2c1e64b8a0d4")


def retry_key(line_user_id: str, dedupe_key: str) -> str:
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{line_user_id}/{dedupe_key}"))


# ---------------------------------------------------------------- ID tokens


def _refused(reason: Rejection) -> DomainError:
    detail = {Rejection.EXPIRED: LINE_TOKEN_EXPIRED, Rejection.REPLAYED: LINE_TOKEN_USED}
    return DomainError(ErrorCode.LINE_TOKEN_INVALID, reason=detail.get(reason, LINE_TOKEN_REFUSED))


def verify(id_token: str, nonce: str | None = None) -> LineIdentity:
    """The LINE user of a LIFF ID token, checked against LINE's keys and our channel.

    A bad token is LINE_TOKEN_INVALID (401); LINE's keys out of reach, LINE_UNAVAILABLE.
    """
    try:
        channel_id = line_config.login_channel_id()
        return verify_id_token(
            id_token, line_keys.signing_key, channel_id, runtime.current().now(), nonce
        )
    except IdTokenRejected as rejected:
        logger.info("LINE ID token refused", extra={"reason": rejected.reason.value})
        raise _refused(rejected.reason) from None
    except line_keys.KeysUnavailable as error:
        logger.warning("LINE keys unavailable", extra={"error": str(error)[:300]})
        raise DomainError(
            ErrorCode.LINE_UNAVAILABLE, retryAfterSeconds=RETRY_AFTER_SECONDS
        ) from None
    except line_config.LineNotConfigured as error:
        logger.error("LINE login channel not configured", extra={"error": str(error)[:300]})
        raise DomainError(
            ErrorCode.LINE_UNAVAILABLE, retryAfterSeconds=RETRY_AFTER_SECONDS
        ) from None


def _use_nonce(identity: LineIdentity) -> None:
    """A token that carries a nonce works once: a second use is a replay."""
    if identity.nonce is None:
        return
    if not line_store.use_nonce(identity.nonce, identity.expires_at + NONCE_KEPT):
        logger.info("LINE ID token replayed")
        raise _refused(Rejection.REPLAYED)


# ---------------------------------------------------------------- sign-in and link


def sign_in(id_token: str, nonce: str | None = None) -> SessionToken:
    """A citizen session for the account the token's LINE user is linked to.

    The session is the same kind as a password sign-in's (same store, same authorizer).
    """
    identity = verify(id_token, nonce)
    user_number = line_store.account_of(identity.line_user_id)
    found = user_store.get(user_number) if user_number else None
    if found is None:
        raise DomainError(ErrorCode.LINE_NOT_LINKED)
    user = found[0]
    if user.status is AccountStatus.REJECTED:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, reason=ACCOUNT_CANCELLED)
    _use_nonce(identity)
    token, expires_at = session_store.create(
        Principal(PrincipalKind.CITIZEN, user.user_number),
        runtime.current().now(),
        timedelta(hours=settings().session_hours),
        method=SESSION_METHOD,
    )
    return SessionToken(token=token, expires_at=expires_at)


def _account(user_number: str) -> User:
    found = user_store.get(user_number)
    if found is None:  # the session outlived its account
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    return found[0]


def link(
    user_number: str, id_token: str, nonce: str | None, lottery_results: bool | None
) -> LineLink:
    """Links the token's LINE user to the account, once. Linking the same LINE user again
    only changes `lottery_results` (when given); another LINE user, or a LINE user
    already linked elsewhere, is a CONFLICT (unlink first)."""
    user = _account(user_number)
    identity = verify(id_token, nonce)
    existing = line_store.of_user(user.user_number)
    if existing is not None and existing.line_user_id == identity.line_user_id:
        return _with_lottery_results(existing, lottery_results)
    if existing is not None:
        raise DomainError(ErrorCode.CONFLICT, reason=ACCOUNT_LINKED_TO_ANOTHER_LINE)
    owner = line_store.account_of(identity.line_user_id)
    if owner is not None and owner != user.user_number:
        raise DomainError(ErrorCode.CONFLICT, reason=LINE_LINKED_TO_ANOTHER_ACCOUNT)
    _use_nonce(identity)
    now = runtime.current().now()
    try:
        linked, made = line_store.link(
            user.user_number, identity.line_user_id, now, bool(lottery_results)
        )
    except line_store.LinkRefused as refused:  # a request racing this one won
        if refused.why == "no_account":
            raise DomainError(ErrorCode.UNAUTHENTICATED) from None
        reason = (
            ACCOUNT_LINKED_TO_ANOTHER_LINE
            if refused.why == "account_linked"
            else LINE_LINKED_TO_ANOTHER_ACCOUNT
        )
        raise DomainError(ErrorCode.CONFLICT, reason=reason) from None
    if made:  # not found made by an identical request racing this one
        mailer.send(user.email, emails.line_linked(Language(user.language), now))
    return _with_lottery_results(linked, lottery_results)


def _with_lottery_results(link: LineLink, lottery_results: bool | None) -> LineLink:
    if lottery_results is None or lottery_results == link.lottery_results:
        return link
    changed = line_store.set_lottery_results(link.user_number, lottery_results)
    if changed is None:  # unlinked meanwhile
        raise DomainError(ErrorCode.LINE_NOT_LINKED)
    return changed


def unlink(user_number: str) -> None:
    """Removes the link (if any) and ends every session that LINE opened for the account."""
    user = _account(user_number)
    removed = line_store.unlink(user.user_number)
    if removed is None:
        return
    session_store.end_all(Principal(PrincipalKind.CITIZEN, user.user_number), SESSION_METHOD)
    mailer.send(user.email, emails.line_unlinked(Language(user.language)))


def current(user_number: str) -> LineLink | None:
    return line_store.of_user(user_number)


def set_lottery_results(user_number: str, lottery_results: bool) -> LineLink:
    changed = line_store.set_lottery_results(user_number, lottery_results)
    if changed is None:
        raise DomainError(ErrorCode.LINE_NOT_LINKED)
    return changed


# ---------------------------------------------------------------- notifications


def notify_application(
    user_number: str, language: Language, notice: ApplicationNotice
) -> Delivery | None:
    """Pushes one status change of an application (registration, renewal…) to the
    applicant's LINE, when linked. Never raises; None when nothing was pushed."""
    try:
        link = line_store.of_user(user_number)
        if link is None:
            return None
        texts = application_texts(language, notice, settings().site_url + HISTORY_PATH)
        return line_messaging.push(
            link.line_user_id, texts, retry_key(link.line_user_id, notice.dedupe_key)
        )
    except Exception:  # LINE must never cost the e-mail or fail the task
        logger.exception(
            "LINE application notice failed",
            extra={"application": notice.application_number, "status": notice.status.value},
        )
        return None


def lottery_recipients(user_numbers: Iterable[str]) -> dict[str, LineLink]:
    """The linked users among `user_numbers` who asked for lottery results on LINE."""
    links = line_store.of_users(user_numbers)
    return {n: link for n, link in links.items() if link.lottery_results}


def notify_lottery_result(
    link: LineLink, language: Language, notice: LotteryNotice
) -> Delivery | None:
    """Pushes one lottery result to a linked user who opted in. Never raises."""
    try:
        path = RESULTS_PATH if notice.reminder or notice.confirm_deadline else RESERVATIONS_PATH
        texts = lottery_texts(language, notice, settings().site_url + path)
        return line_messaging.push(
            link.line_user_id, texts, retry_key(link.line_user_id, notice.dedupe_key)
        )
    except Exception:
        logger.exception("LINE lottery notice failed", extra={"lottery": notice.lottery_id})
        return None
