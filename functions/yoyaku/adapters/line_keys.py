"""LINE's public keys for ID tokens (the JWKS), fetched with PyJWT and cached.

The key set is cached for an hour per container. A `kid` that is not in it (LINE has
rotated its keys) fetches the set again at most once a minute, so a stream of tokens
with made-up `kid`s cannot make us hammer LINE.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from yoyaku.settings import settings

if TYPE_CHECKING:
    from jwt import PyJWKClient

LIFESPAN_SECONDS = 3600
REFRESH_COOLDOWN_SECONDS = 60
TIMEOUT_SECONDS = 3


class KeysUnavailable(Exception):
    """LINE's key set could not be fetched (network, or not a key set)."""


@cache
def _client(url: str) -> PyJWKClient:
    from jwt import PyJWKClient  # imported on first use: only LINE sign-ins need it

    return PyJWKClient(
        url,
        cache_jwk_set=True,
        lifespan=LIFESPAN_SECONDS,
        timeout=TIMEOUT_SECONDS,
        cooldown_duration=REFRESH_COOLDOWN_SECONDS,
    )


def signing_key(kid: str) -> Any:
    """The public key LINE signs with under `kid`, or None when LINE has no such key."""
    from jwt import PyJWKClientConnectionError, PyJWKClientError, PyJWTError

    client = _client(settings().line_jwks_url)
    try:
        return client.get_signing_key(kid)
    except PyJWKClientConnectionError as error:
        raise KeysUnavailable(str(error)) from error
    except PyJWKClientError:
        pass  # either no such kid, or no usable key set at all: tell them apart
    except PyJWTError as error:  # the endpoint's answer is not a usable key set
        raise KeysUnavailable(str(error)) from error
    try:
        client.get_signing_keys()  # from the cache when the set itself was fine
    except PyJWTError as error:
        raise KeysUnavailable(str(error)) from error
    return None


def forget() -> None:
    """Drops the cached key sets (tests, or a local runtime with new keys)."""
    _client.cache_clear()
