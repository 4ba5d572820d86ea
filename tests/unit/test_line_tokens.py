"""LIFF ID tokens checked as LINE documents: ES256 by `kid`, iss, aud, exp, iat, sub, nonce.

The keys are made here (a test EC key behind a fake JWKS); nothing touches the network.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from yoyaku.domain.line import (
    ISSUER,
    LEEWAY,
    IdTokenRejected,
    Rejection,
    verify_id_token,
)

CHANNEL = "1657000001"
USER = "U" + "0123456789abcdef" * 2
NOW = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
KID = "line-key-1"


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


KEY = new_key()
OTHER_KEY = new_key()


def jwks(*entries: tuple[str, ec.EllipticCurvePrivateKey]) -> dict[str, Any]:
    keys = []
    for kid, key in entries:
        jwk: dict[str, Any] = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        keys.append({**jwk, "kid": kid, "alg": "ES256", "use": "sig"})
    return {"keys": keys}


def key_lookup(document: dict[str, Any]) -> Any:
    """What the adapter does with LINE's JWKS: the key of a kid, or None."""
    key_set = jwt.PyJWKSet.from_dict(document)

    def key_for(kid: str) -> Any:
        return next((k for k in key_set.keys if k.key_id == kid), None)

    return key_for


LINE_KEYS = key_lookup(jwks((KID, KEY)))


def token(key: Any = KEY, kid: str | None = KID, algorithm: str = "ES256", **changes: Any) -> str:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": USER,
        "aud": CHANNEL,
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
        "iat": int(NOW.timestamp()),
        "amr": ["linesso"],
        "name": "港 太郎",
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def rejection(id_token: str, now: datetime = NOW, **kwargs: Any) -> Rejection:
    with pytest.raises(IdTokenRejected) as refused:
        verify_id_token(id_token, LINE_KEYS, CHANNEL, now, **kwargs)
    return refused.value.reason


def test_a_valid_token_names_the_line_user() -> None:
    identity = verify_id_token(token(nonce="n-1"), LINE_KEYS, CHANNEL, NOW)
    assert identity.line_user_id == USER
    assert identity.nonce == "n-1"
    assert identity.expires_at == NOW + timedelta(hours=1)
    assert identity.name == "港 太郎"


def test_a_token_without_nonce_is_valid_and_says_so() -> None:
    assert verify_id_token(token(), LINE_KEYS, CHANNEL, NOW).nonce is None


def test_an_expired_token_is_refused_by_the_application_clock() -> None:
    issued = NOW - timedelta(hours=2)
    expired = token(iat=int(issued.timestamp()), exp=int((issued + timedelta(hours=1)).timestamp()))
    assert rejection(expired) is Rejection.EXPIRED
    # The same token was fine while it lived: the clock given decides, not the host's.
    valid_then = issued + timedelta(minutes=30)
    assert verify_id_token(expired, LINE_KEYS, CHANNEL, valid_then).line_user_id == USER


def test_expiry_allows_a_little_clock_skew_and_no_more() -> None:
    exp = token()
    end = NOW + timedelta(hours=1)
    assert verify_id_token(exp, LINE_KEYS, CHANNEL, end + LEEWAY).line_user_id == USER
    assert rejection(exp, now=end + LEEWAY + timedelta(seconds=1)) is Rejection.EXPIRED


def test_a_token_issued_in_the_future_is_refused() -> None:
    early = token(iat=int((NOW + timedelta(minutes=5)).timestamp()))
    assert rejection(early) is Rejection.NOT_YET_VALID


def test_a_token_for_another_channel_is_refused() -> None:
    assert rejection(token(aud="1999999999")) is Rejection.AUDIENCE


def test_a_token_from_another_issuer_is_refused() -> None:
    assert rejection(token(iss="https://access.line.me.example")) is Rejection.ISSUER


def test_a_token_signed_by_another_key_under_lines_kid_is_refused() -> None:
    assert rejection(token(key=OTHER_KEY)) is Rejection.SIGNATURE


def test_a_tampered_payload_is_refused() -> None:
    header, payload, signature = token().split(".")
    other = token(sub="U" + "f" * 32).split(".")[1]
    assert rejection(f"{header}.{other}.{signature}") is Rejection.SIGNATURE
    assert rejection(f"{header}.{payload}.{signature[:-4]}AAAA") is Rejection.SIGNATURE


def test_an_unknown_kid_is_refused() -> None:
    assert rejection(token(key=OTHER_KEY, kid="not-a-line-key")) is Rejection.UNKNOWN_KEY


def test_a_token_without_kid_is_refused() -> None:
    assert rejection(token(kid=None)) is Rejection.UNKNOWN_KEY


def test_only_es256_is_accepted() -> None:
    # HS256 signed with the public key's bytes: the classic algorithm-confusion attack.
    hs = token(key="a-shared-secret-of-32-bytes-long!", algorithm="HS256")
    assert rejection(hs) is Rejection.ALGORITHM
    unsigned = jwt.encode({"sub": USER}, key=None, algorithm="none", headers={"kid": KID})
    assert rejection(unsigned) is Rejection.ALGORITHM


def test_a_missing_claim_is_refused() -> None:
    assert rejection(token(exp=None)) is Rejection.MALFORMED
    assert rejection(token(sub=None)) is Rejection.MALFORMED


def test_a_subject_that_is_no_line_user_id_is_refused() -> None:
    assert rejection(token(sub="someone")) is Rejection.SUBJECT


def test_an_expected_nonce_must_be_the_tokens() -> None:
    assert rejection(token(nonce="n-1"), expected_nonce="n-2") is Rejection.NONCE_MISMATCH
    assert rejection(token(), expected_nonce="n-2") is Rejection.NONCE_MISMATCH
    verified = verify_id_token(token(nonce="n-1"), LINE_KEYS, CHANNEL, NOW, "n-1")
    assert verified.nonce == "n-1"


@pytest.mark.parametrize("garbage", ["", "a.b", "not a token", "x" * 5000, "e30.e30.e30"])
def test_garbage_is_refused_as_malformed(garbage: str) -> None:
    assert rejection(garbage) in (Rejection.MALFORMED, Rejection.ALGORITHM)


def test_a_rotated_key_set_verifies_with_either_key() -> None:
    rotated = key_lookup(jwks((KID, KEY), ("line-key-2", OTHER_KEY)))
    for id_token in (token(), token(key=OTHER_KEY, kid="line-key-2")):
        assert verify_id_token(id_token, rotated, CHANNEL, NOW).line_user_id == USER
