"""The JPKI test CA configured in moto's identity bucket, and a client that signs with
its cards (shared by the identity and registration tests)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest

from local.jpki import Card, JpkiTestCa
from tests.conftest import Client, MovableClock
from yoyaku.adapters import jpki_trust_store
from yoyaku.domain.identity import CardFacts
from yoyaku.settings import forget as forget_settings

BUCKET = "test-identity"
ROOTS = "jpki/roots/"
CRLS = "jpki/crl/"
FACTS = CardFacts.model_validate(
    {
        "name": "公的　花子",
        "address": "東京都港区芝公園1-5-25",
        "birthdate": "1990-04-01",
        "gender": "2",
    }
)


class Jpki:
    """The test CA, the bucket it is configured in, and a client that signs."""

    def __init__(self, client: Client, clock: MovableClock) -> None:
        self.client = client
        self.clock = clock
        self.ca = JpkiTestCa()
        self.s3 = boto3.client("s3")
        self.s3.put_object(Bucket=BUCKET, Key=f"{ROOTS}signca-test.cer", Body=self.ca.root_pem)
        self.publish_crl()

    def publish_crl(self, ca: JpkiTestCa | None = None, *, stale: bool = False) -> None:
        ca = ca or self.ca
        now = self.clock.now()
        if stale:
            blob = ca.crl(now - timedelta(days=2), now - timedelta(days=1))
        else:
            blob = ca.crl(now - timedelta(minutes=1), now + timedelta(days=1))
        self.s3.put_object(Bucket=BUCKET, Key=f"{CRLS}test.crl", Body=blob)

    def card(self, *, expired: bool = False, facts: CardFacts = FACTS) -> Card:
        now = self.clock.now()
        if expired:
            return self.ca.issue(facts, now - timedelta(days=1800), now - timedelta(seconds=1))
        return self.ca.issue(facts, now - timedelta(days=30), now + timedelta(days=1400))

    def challenge(self, purpose: str = "registration", lang: str | None = None) -> dict[str, Any]:
        reply = self.client.post(
            "/v1/identity/challenges", json_body={"purpose": purpose}, lang=lang
        )
        assert reply.status == 201, reply.body
        body: dict[str, Any] = reply.json
        return body

    def verify(
        self,
        card: Card,
        challenge: dict[str, Any] | None = None,
        *,
        signature_format: str = "pkcs1",
        data: bytes | None = None,
        signer: Card | None = None,
        lang: str | None = None,
    ) -> Any:
        challenge = challenge or self.challenge()
        signed = data if data is not None else base64.b64decode(challenge["signedData"])
        signature = (signer or card).sign(signed, signature_format)
        return self.client.post(
            "/v1/identity/verifications",
            json_body={
                "challengeId": challenge["challengeId"],
                "certificate": base64.b64encode(card.der).decode(),
                "signature": base64.b64encode(signature).decode(),
                "format": signature_format,
            },
            lang=lang,
        )


@pytest.fixture
def jpki(client: Client, clock: MovableClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Jpki]:
    monkeypatch.setenv("IDENTITY_BUCKET", BUCKET)
    monkeypatch.setenv("JPKI_ROOTS_PREFIX", ROOTS)
    monkeypatch.setenv("JPKI_CRL_PREFIX", CRLS)
    monkeypatch.setenv("JPKI_CACHE_SECONDS", "0")
    forget_settings()
    jpki_trust_store.forget()
    boto3.client("s3").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    yield Jpki(client, clock)
    jpki_trust_store.forget()
