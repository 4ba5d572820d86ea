"""Domain errors: each carries a stable code (docs/api.md) that fixes its HTTP status.

The texts shown to users live in `messages.py`; an error only names its code and the
values its message needs, so one exception handler can render it in either language.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from yoyaku.domain.bilingual import TemplateParams, TemplateValue


class ErrorCode(StrEnum):
    VALIDATION_FAILED = "VALIDATION_FAILED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    LINK_INVALID = "LINK_INVALID"
    LINK_EXPIRED = "LINK_EXPIRED"
    LINK_ALREADY_USED = "LINK_ALREADY_USED"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    OUTSIDE_BOOKING_WINDOW = "OUTSIDE_BOOKING_WINDOW"
    HOLD_EXPIRED = "HOLD_EXPIRED"
    HOLD_NOT_FOUND = "HOLD_NOT_FOUND"
    OUTSIDE_CHANGE_PERIOD = "OUTSIDE_CHANGE_PERIOD"
    OUTSIDE_CANCEL_PERIOD = "OUTSIDE_CANCEL_PERIOD"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    LOTTERY_CLOSED = "LOTTERY_CLOSED"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    PERSON_NOT_IDENTIFIED = "PERSON_NOT_IDENTIFIED"
    SECOND_NUMBER_REQUIRED = "SECOND_NUMBER_REQUIRED"
    RANGE_TOO_LONG = "RANGE_TOO_LONG"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    LINE_NOT_LINKED = "LINE_NOT_LINKED"
    LINE_TOKEN_INVALID = "LINE_TOKEN_INVALID"  # noqa: S105 (an error code, not a secret)
    LINE_UNAVAILABLE = "LINE_UNAVAILABLE"
    CARD_EXPIRED = "CARD_EXPIRED"
    CARD_REVOKED = "CARD_REVOKED"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    CERTIFICATE_UNTRUSTED = "CERTIFICATE_UNTRUSTED"
    CHALLENGE_EXPIRED = "CHALLENGE_EXPIRED"
    CARD_CHECK_FAILED = "CARD_CHECK_FAILED"
    IDENTITY_MISMATCH = "IDENTITY_MISMATCH"
    NOT_FOR_THIS_ACCOUNT_TYPE = "NOT_FOR_THIS_ACCOUNT_TYPE"
    ROSTER_REQUIRED = "ROSTER_REQUIRED"
    CONFIRMATION_EXPIRED = "CONFIRMATION_EXPIRED"
    RENEWAL_NOT_AVAILABLE_ONLINE = "RENEWAL_NOT_AVAILABLE_ONLINE"
    OUTSIDE_RECEPTION_HOURS = "OUTSIDE_RECEPTION_HOURS"
    SERVICE_SUSPENDED = "SERVICE_SUSPENDED"
    INTERNAL_ERROR = "INTERNAL_ERROR"

    @property
    def status(self) -> int:
        return _STATUS[self]


_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.ACCOUNT_LOCKED: 423,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.LINK_INVALID: 400,
    ErrorCode.LINK_EXPIRED: 410,
    ErrorCode.LINK_ALREADY_USED: 409,
    ErrorCode.NOT_AVAILABLE: 409,
    ErrorCode.OUTSIDE_BOOKING_WINDOW: 422,
    ErrorCode.HOLD_EXPIRED: 410,
    ErrorCode.HOLD_NOT_FOUND: 404,
    ErrorCode.OUTSIDE_CHANGE_PERIOD: 422,
    ErrorCode.OUTSIDE_CANCEL_PERIOD: 422,
    ErrorCode.NOT_ELIGIBLE: 403,
    ErrorCode.LOTTERY_CLOSED: 422,
    ErrorCode.ALREADY_APPLIED: 409,
    ErrorCode.PERSON_NOT_IDENTIFIED: 422,
    ErrorCode.SECOND_NUMBER_REQUIRED: 409,
    ErrorCode.RANGE_TOO_LONG: 422,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.LINE_NOT_LINKED: 404,
    ErrorCode.LINE_TOKEN_INVALID: 401,
    ErrorCode.LINE_UNAVAILABLE: 503,
    ErrorCode.CARD_EXPIRED: 422,
    ErrorCode.CARD_REVOKED: 422,
    ErrorCode.SIGNATURE_INVALID: 422,
    ErrorCode.CERTIFICATE_UNTRUSTED: 422,
    ErrorCode.CHALLENGE_EXPIRED: 410,
    ErrorCode.CARD_CHECK_FAILED: 503,
    ErrorCode.IDENTITY_MISMATCH: 422,
    ErrorCode.NOT_FOR_THIS_ACCOUNT_TYPE: 403,
    ErrorCode.ROSTER_REQUIRED: 422,
    ErrorCode.CONFIRMATION_EXPIRED: 410,
    ErrorCode.RENEWAL_NOT_AVAILABLE_ONLINE: 422,
    ErrorCode.OUTSIDE_RECEPTION_HOURS: 422,
    ErrorCode.SERVICE_SUSPENDED: 503,
    ErrorCode.INTERNAL_ERROR: 500,
}


@dataclass(frozen=True)
class FieldError:
    """One invalid input field: `kind` selects the message, `params` fill it in."""

    field: str
    kind: str
    params: TemplateParams = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """A refusal the user can act on. `params` fill the code's message template."""

    def __init__(
        self,
        code: ErrorCode,
        /,
        *,
        field_errors: list[FieldError] | None = None,
        **params: TemplateValue,
    ) -> None:
        super().__init__(f"{code}: {params}" if params else str(code))
        self.code = code
        self.params = params
        self.field_errors = field_errors or []

    @classmethod
    def invalid(cls, field: str, kind: str, **params: TemplateValue) -> DomainError:
        """A 422 naming one field, for rules that a request model cannot express."""
        return cls(ErrorCode.VALIDATION_FAILED, field_errors=[FieldError(field, kind, params)])
