"""Downloads a CRL from a configured source (`JPKI_CRL_SOURCES`: http or https URLs)."""

from __future__ import annotations

import urllib.request
from urllib.error import URLError

MAX_BYTES = 512 * 1024 * 1024  # the whole J-LIS CRL is large; a runaway answer is not
TIMEOUT_SECONDS = 60


class FetchFailed(Exception):
    pass


def fetch(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise FetchFailed(f"unsupported CRL source {url!r} (http or https only)")
    request = urllib.request.Request(url, headers={"User-Agent": "yoyaku-crl-refresh"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body: bytes = response.read(MAX_BYTES + 1)
    except (URLError, OSError, ValueError) as error:
        raise FetchFailed(f"{url}: {error}") from error
    if len(body) > MAX_BYTES:
        raise FetchFailed(f"{url}: larger than {MAX_BYTES} bytes")
    if not body:
        raise FetchFailed(f"{url}: empty answer")
    return body
