"""Which address a request counts against, for per-client limits."""

from __future__ import annotations

import hmac
import ipaddress

from yoyaku.settings import settings


def client_address(source: str, origin_secret: str | None, viewer: str | None) -> str:
    """The viewer's address when CloudFront vouches for it, else the `source` API Gateway
    saw.

    Behind CloudFront, API Gateway sees CloudFront's addresses, which many citizens
    share; CloudFront then names the viewer (`viewer`). Anyone can send that header
    straight to the stage URL, so it is believed only beside the origin secret
    CloudFront adds (compared in constant time). Wherever no secret is configured (the
    local runtime), the source address.
    """
    secret = settings().viewer_address_secret
    if not secret:
        return source
    if not hmac.compare_digest((origin_secret or "").encode(), secret.encode()):
        return source
    try:
        address = ipaddress.ip_address((viewer or "").strip())
    except ValueError:  # CloudFront always writes one; keep the limit on the source then
        return source
    return address.compressed
