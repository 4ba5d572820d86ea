"""The caller as the API Gateway authorizer resolved it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.registration import AccountStatus, Residency


def principal(router: Router) -> Principal:
    """The authorizer's principal; routes without one (or of another kind) are refused.

    The authorizer already refused missing and invalid tokens; this check keeps a
    misconfigured route from ever serving an anonymous caller.
    """
    event = cast(APIGatewayProxyEvent, router.current_event)
    context = event.request_context.authorizer.raw_event or {}
    kind, principal_id = context.get("principalKind"), context.get("principalId")
    if kind not in {k.value for k in PrincipalKind} or not principal_id:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    return Principal(PrincipalKind(kind), str(principal_id))


def citizen(router: Router) -> Principal:
    caller = principal(router)
    if caller.kind is not PrincipalKind.CITIZEN:
        raise DomainError(ErrorCode.FORBIDDEN)
    return caller


def staff(router: Router) -> Principal:
    caller = principal(router)
    if caller.kind is not PrincipalKind.STAFF:
        raise DomainError(ErrorCode.FORBIDDEN)
    return caller


def bearer_token(router: Router) -> str | None:
    header = router.current_event.get_header_value("authorization") or ""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass(frozen=True)
class CitizenProfile:
    """What the citizen authorizer read with the session (no second read needed)."""

    user_number: str
    status: AccountStatus
    residency: Residency
    verified_until: date | None
    email: str
    language: str
    lottery_result_email: bool

    def status_on(self, today: date) -> AccountStatus:
        if (
            self.status is AccountStatus.VERIFIED
            and self.verified_until is not None
            and self.verified_until < today
        ):
            return AccountStatus.EXPIRED
        return self.status


def citizen_profile(router: Router) -> CitizenProfile:
    caller = citizen(router)
    event = cast(APIGatewayProxyEvent, router.current_event)
    context = event.request_context.authorizer.raw_event or {}
    try:
        return CitizenProfile(
            user_number=caller.id,
            status=AccountStatus(context["status"]),
            residency=Residency(context["residency"]),
            verified_until=date.fromisoformat(context["verifiedUntil"])
            if context.get("verifiedUntil")
            else None,
            email=str(context["email"]),
            language=str(context["language"]),
            lottery_result_email=str(context.get("lotteryResultEmail")).lower() == "true",
        )
    except (KeyError, ValueError):  # an authorizer that passed no profile
        raise DomainError(ErrorCode.UNAUTHENTICATED) from None
