"""The citizen web app next to the API, as CloudFront serves it in AWS.

- Files of the built app (`web/build`, made by `make run`) are served at `/`: hashed
  assets under `/_app/immutable/` cached for a year, everything else revalidated, and
  the precompressed `.br`/`.gz` twin sent when the browser accepts it.
- Any other path without a file extension is a page of the single-page app (an e-mailed
  link such as `/registrations/confirm?token=…`): it gets `index.html`, like the
  CloudFront function `SiteRouting` of template.yaml does.
- Every response, API ones included, carries the security headers of the template's
  `SiteSecurityHeaders` response-headers policy, read from template.yaml itself, so the
  local runtime and CloudFront cannot drift apart. One local difference: proofs are
  uploaded to and shown from the AWS mock on another port, so `connect-src` and
  `img-src` also name it.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path, PurePosixPath
from typing import Any

from local.gateway import HttpResponse
from local.template import ROOT, resources

BUILD = ROOT / "web" / "build"
FALLBACK = "index.html"
IMMUTABLE = "/_app/immutable/"
API_PREFIXES = ("/v1/", "/_local/")
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def security_headers(
    document: dict[str, Any], resolve: Any, proof_origin: str | None = None
) -> dict[str, str]:
    """The headers of the template's CloudFront response-headers policy.

    `resolve` turns the template's intrinsic functions into values (local.aws.resolve
    with the local names). `proof_origin` is added to the CSP's connect-src and img-src.
    """
    policies = resources(document, "AWS::CloudFront::ResponseHeadersPolicy")
    if len(policies) != 1:
        raise ValueError("template.yaml must declare exactly one ResponseHeadersPolicy")
    config = next(iter(policies.values()))["Properties"]["ResponseHeadersPolicyConfig"]
    security = config.get("SecurityHeadersConfig", {})
    headers: dict[str, str] = {}
    if "ContentSecurityPolicy" in security:
        csp = " ".join(
            str(resolve(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])).split()
        )
        if proof_origin:
            csp = re.sub(r"((?:connect|img)-src [^;]*)", rf"\1 {proof_origin}", csp)
        headers["Content-Security-Policy"] = csp
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        if hsts.get("IncludeSubdomains"):
            value += "; includeSubDomains"
        if hsts.get("Preload"):
            value += "; preload"
        headers["Strict-Transport-Security"] = value
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"]] = str(resolve(item["Value"]))
    return headers


class Site:
    """Static files of the built web app, with the single-page fallback."""

    def __init__(self, build: Path = BUILD) -> None:
        self.build = build.resolve()

    @property
    def built(self) -> bool:
        return (self.build / FALLBACK).is_file()

    def handle(self, method: str, path: str, headers: dict[str, str]) -> HttpResponse | None:
        if method not in ("GET", "HEAD") or path.startswith(API_PREFIXES):
            return None
        if path == "/openapi.json":
            return None
        if not self.built:
            return _not_built()
        file = self._file(path)
        if file is None:
            if PurePosixPath(path).suffix:  # a missing asset is a 404, not the app
                return HttpResponse(
                    404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found"
                )
            file = self.build / FALLBACK
        return self._serve(file, path, headers, head=method == "HEAD")

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/") or FALLBACK
        candidate = (self.build / relative).resolve()
        if not candidate.is_relative_to(self.build) or not candidate.is_file():
            return None
        return candidate

    def _serve(self, file: Path, path: str, headers: dict[str, str], head: bool) -> HttpResponse:
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in (
            "application/javascript",
            "application/json",
        ):
            content_type += "; charset=utf-8"
        out = {
            "Content-Type": content_type,
            "Cache-Control": "public, max-age=31536000, immutable"
            if path.startswith(IMMUTABLE)
            else "no-cache",
            "Vary": "Accept-Encoding",
        }
        accepted = _accepted_encodings(headers)
        body_file = file
        for encoding, suffix in _ENCODINGS:
            twin = file.with_name(file.name + suffix)
            if encoding in accepted and twin.is_file():
                out["Content-Encoding"] = encoding
                body_file = twin
                break
        body = body_file.read_bytes()
        if head:
            out["Content-Length"] = str(len(body))
            body = b""
        return HttpResponse(200, out, body)


def _accepted_encodings(headers: dict[str, str]) -> set[str]:
    """Content codings the client accepts (q > 0)."""
    value = next((v for k, v in headers.items() if k.lower() == "accept-encoding"), "")
    accepted = set()
    for part in value.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, number = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        if name and quality > 0:
            accepted.add(name.lower())
    return accepted


def _not_built() -> HttpResponse:
    text = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Yoyaku</title>"
        "<p>The web app is not built. <code>make run</code> builds it (Node 20 and npm are "
        "needed); the API is at <a href=/v1/facilities>/v1/facilities</a>.</p></html>"
    )
    return HttpResponse(503, {"Content-Type": "text/html; charset=utf-8"}, text.encode())
