"""LINE (seed 000): LIFF ID tokens, the link between a LINE user and an account, and the
texts of the messages pushed to linked citizens.

ID tokens are checked here as pure functions of the token, the key of its `kid`, the
channel and `now` (the application clock): ES256 only, `iss` https://access.line.me,
`aud` the LINE Login channel that the LIFF app belongs to, `exp` and `iat` against `now`,
`sub` a LINE user id. Whether a nonce was seen before is the caller's question (it
needs storage).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from yoyaku.domain.account_kinds import ApplicationStatus
from yoyaku.domain.messages import LINE_TEXTS, Language, line_text

ISSUER = "https://access.line.me"
ALGORITHM = "ES256"  # LIFF and native-app ID tokens; HS256 (web login) is not accepted
# Clocks of LINE and of this service may differ a little; tokens live for an hour.
LEEWAY = timedelta(seconds=30)
# LINE user ids are "U" and 32 lowercase hex digits (per provider).
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
MAX_TOKEN_LENGTH = 4096


class Rejection(StrEnum):
    """Why an ID token was refused (logged; the citizen only learns "expired" or not)."""

    MALFORMED = "malformed"
    ALGORITHM = "algorithm"
    UNKNOWN_KEY = "unknown_key"
    SIGNATURE = "signature"
    ISSUER = "issuer"
    AUDIENCE = "audience"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    SUBJECT = "subject"
    NONCE_MISMATCH = "nonce_mismatch"
    REPLAYED = "replayed"


class IdTokenRejected(Exception):
    def __init__(self, reason: Rejection) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class LineIdentity:
    """What a valid ID token says: who, until when, and the nonce it carries, if any."""

    line_user_id: str
    expires_at: datetime
    nonce: str | None
    name: str | None = None


KeyLookup = Callable[[str], Any]
"""kid → the public key (a PyJWK or a cryptography key), or None when LINE has none."""


def verify_id_token(
    token: str,
    key_for: KeyLookup,
    channel_id: str,
    now: datetime,
    expected_nonce: str | None = None,
) -> LineIdentity:
    """The identity in a LIFF ID token, or IdTokenRejected saying which check failed."""
    import jwt  # here, not at import: PyJWT and cryptography cost cold-start time

    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise IdTokenRejected(Rejection.MALFORMED)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise IdTokenRejected(Rejection.MALFORMED) from None
    if header.get("alg") != ALGORITHM:
        raise IdTokenRejected(Rejection.ALGORITHM)
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise IdTokenRejected(Rejection.UNKNOWN_KEY)
    key = key_for(kid)
    if key is None:
        raise IdTokenRejected(Rejection.UNKNOWN_KEY)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=channel_id,
            issuer=ISSUER,
            # Times are checked below against the application clock, not the host's.
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["iss", "sub", "aud", "exp", "iat"],
            },
        )
    except jwt.InvalidSignatureError:
        raise IdTokenRejected(Rejection.SIGNATURE) from None
    except jwt.InvalidAudienceError:
        raise IdTokenRejected(Rejection.AUDIENCE) from None
    except jwt.InvalidIssuerError:
        raise IdTokenRejected(Rejection.ISSUER) from None
    except jwt.InvalidTokenError:  # missing claims, bad JSON, a key of another type
        raise IdTokenRejected(Rejection.MALFORMED) from None
    return _identity(claims, now, expected_nonce)


def _instant(value: Any) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IdTokenRejected(Rejection.MALFORMED)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise IdTokenRejected(Rejection.MALFORMED) from None


def _identity(claims: dict[str, Any], now: datetime, expected_nonce: str | None) -> LineIdentity:
    expires_at = _instant(claims["exp"])
    issued_at = _instant(claims["iat"])
    if now > expires_at + LEEWAY:
        raise IdTokenRejected(Rejection.EXPIRED)
    if issued_at > now + LEEWAY:
        raise IdTokenRejected(Rejection.NOT_YET_VALID)
    subject = claims["sub"]
    if not isinstance(subject, str) or not LINE_USER_ID.match(subject):
        raise IdTokenRejected(Rejection.SUBJECT)
    nonce = claims.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or not nonce):
        raise IdTokenRejected(Rejection.MALFORMED)
    if expected_nonce is not None and nonce != expected_nonce:
        raise IdTokenRejected(Rejection.NONCE_MISMATCH)
    name = claims.get("name")
    return LineIdentity(
        line_user_id=subject,
        expires_at=expires_at,
        nonce=nonce,
        name=name if isinstance(name, str) else None,
    )


@dataclass(frozen=True)
class LineLink:
    """An account's LINE user (one each way) and what it asked to receive there."""

    user_number: str
    line_user_id: str
    linked_at: datetime
    lottery_results: bool


# ---------------------------------------------------------------- messages

ApplicationType = Literal["registration", "renewal"]
MAX_MESSAGES_PER_PUSH = 5  # the Messaging API's limit
MAX_TEXT_LENGTH = 5000


@dataclass(frozen=True)
class ApplicationNotice:
    """One status change of an application, as its applicant is told about it.

    `sequence` is the change's position in the application's history (0 for the first
    `received`): with the recipient it makes the push's retry key, so each change is
    pushed once even when a task runs again.
    """

    application_number: str  # 申請番号
    type: ApplicationType
    status: ApplicationStatus
    reason: str | None
    sequence: int

    @property
    def dedupe_key(self) -> str:
        return f"application/{self.application_number}/{self.sequence}/{self.status.value}"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT_LENGTH else text[: MAX_TEXT_LENGTH - 1] + "…"


def application_texts(lang: Language, notice: ApplicationNotice, history_url: str) -> list[str]:
    """The messages for one status change: seed 000's text, and for a return or a
    rejection a second message with the staff's reason, each ending with the way to
    the application history."""
    status = notice.status.value
    key = f"status.{status}.{notice.type}"
    first = line_text(key if key in LINE_TEXTS else f"status.{status}", lang)
    details = line_text(
        "application",
        lang,
        number=notice.application_number,
        type=line_text(f"type.{notice.type}", lang),
    )
    link = line_text("history_link", lang, url=history_url)
    if notice.reason and notice.status in (ApplicationStatus.RETURNED, ApplicationStatus.REJECTED):
        return [_clip(f"{first}\n{details}"), _clip(f"{notice.reason}\n\n{link}")]
    return [_clip(f"{first}\n{details}\n\n{link}")]


@dataclass(frozen=True)
class LotteryNotice:
    lottery_id: str
    facility_name: str
    won_rank: int  # 0: nothing won
    reservation_number: str | None
    # Time-slot lotteries, and wins to confirm: one line per win, and the deadline.
    wins: tuple[str, ...] = ()
    confirm_deadline: str | None = None
    reminder: bool = False  # the reminder before the deadline, not the result
    slots: bool = False  # a time-slot lottery (what nobody won is slots, not rooms)

    @property
    def dedupe_key(self) -> str:
        # One result per user and lottery, and one reminder.
        return f"lottery/{self.lottery_id}" + ("/remind" if self.reminder else "")


def lottery_texts(lang: Language, notice: LotteryNotice, reservations_url: str) -> list[str]:
    if notice.reminder:
        text = line_text(
            "lottery.remind",
            lang,
            facility=notice.facility_name,
            wins="\n".join(notice.wins),
            deadline=notice.confirm_deadline or "",
        )
        return [_clip(f"{text}\n\n{line_text('results_link', lang, url=reservations_url)}")]
    if notice.wins:
        text = line_text(
            "lottery.won_list", lang, facility=notice.facility_name, wins="\n".join(notice.wins)
        )
        if notice.confirm_deadline:
            text += "\n\n" + line_text("lottery.confirm", lang, deadline=notice.confirm_deadline)
            return [_clip(f"{text}\n\n{line_text('results_link', lang, url=reservations_url)}")]
        return [_clip(f"{text}\n\n{line_text('reservations_link', lang, url=reservations_url)}")]
    if notice.won_rank:
        text = line_text(
            "lottery.won",
            lang,
            facility=notice.facility_name,
            rank=notice.won_rank,
            reservationNumber=notice.reservation_number or "",
        )
        return [_clip(f"{text}\n\n{line_text('reservations_link', lang, url=reservations_url)}")]
    lost = "lottery.lost_slots" if notice.slots else "lottery.lost"
    return [_clip(line_text(lost, lang, facility=notice.facility_name))]
