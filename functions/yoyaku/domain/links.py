"""Single-use e-mailed links (confirmation, password reset) and why one may be refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from yoyaku.domain.errors import DomainError, ErrorCode


class LinkPurpose(StrEnum):
    CONFIRM_REGISTRATION = "confirm_registration"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password
    APPOINTMENT = "appointment"


@dataclass(frozen=True)
class Link:
    purpose: LinkPurpose
    subject: str
    expires_at: datetime
    used_at: datetime | None


def check_link(link: Link | None, purpose: LinkPurpose, now: datetime) -> Link:
    """The link if it may be used now; otherwise the refusal the user should see."""
    if link is None or link.purpose is not purpose:
        raise DomainError(ErrorCode.LINK_INVALID)
    if link.used_at is not None:
        raise DomainError(ErrorCode.LINK_ALREADY_USED)
    if link.expires_at <= now:
        raise DomainError(ErrorCode.LINK_EXPIRED)
    return link
