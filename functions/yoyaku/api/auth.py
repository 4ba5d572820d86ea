"""The caller as the API Gateway authorizer resolved it."""

from __future__ import annotations

import hmac
import ipaddress
from typing import cast

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.auth import CallerContext, Principal, PrincipalKind
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.staff import StaffMember
from yoyaku.settings import settings


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
    """The address a request came from, for per-client limits.

    Behind CloudFront, API Gateway sees CloudFront's addresses, which many citizens
    share; CloudFront then names the viewer in VIEWER_ADDRESS_HEADER. Anyone can send
    that header straight to the stage URL, so it is believed only beside the origin
    secret CloudFront adds (compared in constant time). Otherwise, and wherever no
    secret is configured (the local runtime), the source address API Gateway saw.
    """
    event = cast(APIGatewayProxyEvent, router.current_event)
    source = event.request_context.identity.source_ip or "unknown"
    secret = settings().viewer_address_secret
    if not secret:
        return source
    sent = event.headers.get(ORIGIN_SECRET_HEADER) or ""
    if not hmac.compare_digest(sent.encode(), secret.encode()):
        return source
    try:
        viewer = ipaddress.ip_address((event.headers.get(VIEWER_ADDRESS_HEADER) or "").strip())
    except ValueError:  # CloudFront always writes one; keep the limit on the source then
        return source
    return viewer.compressed
