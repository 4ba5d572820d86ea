"""The caller as the API Gateway authorizer resolved it."""

from __future__ import annotations

from typing import cast

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.auth import CallerContext, Principal, PrincipalKind
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.staff import StaffMember
from yoyaku.services import clients


def _caller(router: Router) -> CallerContext:
    """The authorizer's context; routes without one are refused.

    The authorizer already refused missing and invalid tokens; this check keeps a
    misconfigured route from ever serving an anonymous caller.
    """
    event = cast(APIGatewayProxyEvent, router.current_event)
    caller = CallerContext.from_context(event.request_context.authorizer.raw_event or {})
    if caller is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    return caller


def principal(router: Router) -> Principal:
    return _caller(router).principal


def citizen(router: Router) -> Principal:
    caller = principal(router)
    if caller.kind is not PrincipalKind.CITIZEN:
        raise DomainError(ErrorCode.FORBIDDEN)
    return caller


def staff(router: Router) -> StaffMember:
    """The staff member calling, if their role may use this route (domain/staff.py,
    `ROUTES`). The authorizer already refused anyone else; checking again here keeps a
    misconfigured gateway from ever letting a role past what it may do."""
    caller = _caller(router)
    member = caller.staff
    if caller.principal.kind is not PrincipalKind.STAFF or member is None:
        raise DomainError(ErrorCode.FORBIDDEN)
    event = cast(APIGatewayProxyEvent, router.current_event)
    if not member.may_call(event.http_method, event.resource):
        raise DomainError(ErrorCode.FORBIDDEN)
    return member


def citizen_profile(router: Router) -> CitizenProfile:
    """The citizen and the profile the authorizer read with the session."""
    citizen(router)
    profile = _caller(router).profile
    if profile is None:  # an authorizer that passed no profile
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    return profile


def bearer_token(router: Router) -> str | None:
    header = router.current_event.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# Set by CloudFront in front of the API (template.yaml: ApiViewerAddress, SiteDistribution).
VIEWER_ADDRESS_HEADER = "x-yoyaku-viewer-address"
ORIGIN_SECRET_HEADER = "x-yoyaku-origin-secret"  # noqa: S105 - a header's name


def client_address(router: Router) -> str:
    """The address a request came from, for per-client limits: the viewer CloudFront
    names beside its origin secret, else the source API Gateway saw
    (services/clients.py)."""
    event = cast(APIGatewayProxyEvent, router.current_event)
    return clients.client_address(
        event.request_context.identity.source_ip or "unknown",
        event.headers.get(ORIGIN_SECRET_HEADER),
        event.headers.get(VIEWER_ADDRESS_HEADER),
    )
