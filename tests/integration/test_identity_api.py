"""My Number card challenges and verifications through the gateway (moto: DynamoDB, S3).

The test CA, its cards and CRLs are generated here (local.jpki); the roots and CRLs go
into the identity bucket as an operator and the refresh function would put them.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes

from local.jpki import JpkiTestCa
from tests.conftest import MovableClock
from yoyaku.settings import forget as forget_settings
from yoyaku.settings import settings

from .jpki import BUCKET, CRLS, FACTS, ROOTS, Jpki


def table_items() -> list[dict[str, Any]]:
    from tests.conftest import _dynamodb

    name = settings().table_name
    return list(_dynamodb().scan(TableName=name)["Items"])


def test_a_challenge_binds_purpose_nonce_and_consent(jpki: Jpki) -> None:
    challenge = jpki.challenge()
    assert challenge["challengeId"].startswith("chl_")
    signed = base64.b64decode(challenge["signedData"]).decode()
    assert "purpose: registration" in signed
    assert challenge["text"] in signed
    assert "nonce: " in signed
    english = jpki.challenge("renewal", lang="en")
    assert "purpose: renewal" in base64.b64decode(english["signedData"]).decode()
    assert english["text"].startswith("To renew")
    assert jpki.challenge()["signedData"] != challenge["signedData"]  # a fresh nonce


def test_a_valid_card_gives_its_four_facts_and_nothing_else_is_kept(jpki: Jpki) -> None:
    card = jpki.card()
    reply = jpki.verify(card)
    assert reply.status == 201, reply.body
    body = reply.json
    assert body["verificationId"].startswith("vrf_")
    assert body["facts"] == {
        "name": "公的　花子",
        "address": "東京都港区芝公園1-5-25",
        "birthdate": "1990-04-01",
        "gender": "2",
    }
    stored = json.dumps(table_items(), ensure_ascii=False)
    certificate_b64 = base64.b64encode(card.der).decode()
    assert certificate_b64[:200] not in stored  # never the certificate itself
    assert card.certificate.fingerprint(hashes.SHA256()).hex() in stored  # only its hash
    verification = next(i for i in table_items() if i["pk"]["S"].startswith("VERIFICATION#"))
    assert set(verification) - {"pk", "sk", "kind"} == {
        "purpose",
        "facts",
        "certificateSha256",
        "challengeId",
        "verifiedAt",
        "validUntil",
        "expiresAt",
    }


def test_a_detached_cms_signature_is_accepted(jpki: Jpki) -> None:
    reply = jpki.verify(jpki.card(), signature_format="cms")
    assert reply.status == 201, reply.body
    assert reply.json["facts"]["name"] == "公的　花子"


def test_an_expired_card_is_code_21(jpki: Jpki) -> None:
    reply = jpki.verify(jpki.card(expired=True))
    assert reply.status == 422
    assert reply.json["code"] == "CARD_EXPIRED"
    assert reply.json["cardCode"] == "21"
    assert reply.json["title"] == "失効済みのマイナンバーカードの可能性があります。 (Code: 21)"
    assert not [i for i in table_items() if i["pk"]["S"].startswith("VERIFICATION#")]


def test_a_card_expiring_after_its_challenge_was_signed_is_judged_at_verification(
    jpki: Jpki, clock: MovableClock
) -> None:
    now = clock.now()
    card = jpki.ca.issue(FACTS, now - timedelta(days=1800), now + timedelta(minutes=2))
    challenge = jpki.challenge()
    clock.advance(timedelta(minutes=3))
    reply = jpki.verify(card, challenge)
    assert reply.json["code"] == "CARD_EXPIRED"


def test_a_revoked_card_is_code_23(jpki: Jpki, clock: MovableClock) -> None:
    card = jpki.card()
    jpki.ca.revoke(card.serial_number, clock.now() - timedelta(minutes=1))
    jpki.publish_crl()
    reply = jpki.verify(card, lang="en")
    assert reply.status == 422
    assert reply.json["code"] == "CARD_REVOKED"
    assert reply.json["cardCode"] == "23"
    assert reply.json["title"] == "The My Number card may no longer be valid. (Code: 23)"


def test_an_expired_and_revoked_card_is_reported_expired(jpki: Jpki, clock: MovableClock) -> None:
    card = jpki.card(expired=True)
    jpki.ca.revoke(card.serial_number, clock.now() - timedelta(days=10))
    jpki.publish_crl()
    assert jpki.verify(card).json["cardCode"] == "21"  # expiry is checked before revocation


def test_a_signature_over_other_data_is_invalid(jpki: Jpki) -> None:
    challenge = jpki.challenge()
    tampered = base64.b64decode(challenge["signedData"]).replace(b"registration", b"renewal")
    reply = jpki.verify(jpki.card(), challenge, data=tampered)
    assert reply.status == 422
    assert reply.json["code"] == "SIGNATURE_INVALID"
    cms = jpki.verify(jpki.card(), jpki.challenge(), data=tampered, signature_format="cms")
    assert cms.json["code"] == "SIGNATURE_INVALID"


def test_a_signature_by_another_card_is_invalid(jpki: Jpki) -> None:
    reply = jpki.verify(jpki.card(), signer=jpki.card())
    assert reply.json["code"] == "SIGNATURE_INVALID"


def test_a_card_of_another_root_is_untrusted(jpki: Jpki, clock: MovableClock) -> None:
    stranger = JpkiTestCa(organization="JPKI-ELSEWHERE")
    now = clock.now()
    card = stranger.issue(FACTS, now - timedelta(days=1), now + timedelta(days=100))
    reply = jpki.verify(card)
    assert reply.status == 422
    assert reply.json["code"] == "CERTIFICATE_UNTRUSTED"


def test_a_root_of_the_same_name_with_another_key_is_refused(
    jpki: Jpki, clock: MovableClock
) -> None:
    impostor = JpkiTestCa()
    assert impostor.name == jpki.ca.name
    now = clock.now()
    card = impostor.issue(FACTS, now - timedelta(days=1), now + timedelta(days=100))
    assert jpki.verify(card).json["code"] == "CERTIFICATE_UNTRUSTED"


def test_a_challenge_is_used_once(jpki: Jpki) -> None:
    card = jpki.card()
    challenge = jpki.challenge()
    assert jpki.verify(card, challenge).status == 201
    again = jpki.verify(card, challenge)
    assert again.status == 409
    assert again.json["code"] == "LINK_ALREADY_USED"


def test_a_challenge_expires_after_ten_minutes(jpki: Jpki, clock: MovableClock) -> None:
    challenge = jpki.challenge()
    clock.advance(timedelta(minutes=10))
    reply = jpki.verify(jpki.card(), challenge)
    assert reply.status == 410
    assert reply.json["code"] == "CHALLENGE_EXPIRED"


def test_an_unknown_challenge_is_not_found(jpki: Jpki) -> None:
    reply = jpki.verify(jpki.card(), {"challengeId": "chl_0000", "signedData": "eA=="})
    assert reply.status == 404


def test_revocation_source_down_is_503_and_nothing_is_stored(jpki: Jpki) -> None:
    jpki.s3.delete_object(Bucket=BUCKET, Key=f"{CRLS}test.crl")
    card = jpki.card()
    challenge = jpki.challenge()
    reply = jpki.verify(card, challenge)
    assert reply.status == 503
    assert reply.json["code"] == "CARD_CHECK_FAILED"
    assert int(reply.header("Retry-After") or 0) > 0
    assert reply.json["detail"] == "時間をおいて、再度、署名確認を行ってください。"
    assert not [i for i in table_items() if i["pk"]["S"].startswith("VERIFICATION#")]
    # The challenge was not used up: once the CRL is back, the same signature goes through.
    jpki.publish_crl()
    assert jpki.verify(card, challenge).status == 201


def test_a_stale_crl_is_503(jpki: Jpki) -> None:
    jpki.publish_crl(stale=True)
    reply = jpki.verify(jpki.card())
    assert reply.status == 503
    assert reply.json["code"] == "CARD_CHECK_FAILED"


def test_a_crl_signed_by_another_key_is_not_used(jpki: Jpki) -> None:
    jpki.publish_crl(JpkiTestCa())  # same name, another key
    assert jpki.verify(jpki.card()).json["code"] == "CARD_CHECK_FAILED"


def test_no_configuration_is_503(jpki: Jpki) -> None:
    jpki.s3.delete_object(Bucket=BUCKET, Key=f"{ROOTS}signca-test.cer")
    jpki.s3.delete_object(Bucket=BUCKET, Key=f"{CRLS}test.crl")
    jpki.s3.delete_bucket(Bucket=BUCKET)
    assert jpki.verify(jpki.card()).json["code"] == "CARD_CHECK_FAILED"


@pytest.mark.parametrize(
    ("change", "field", "kind"),
    [
        ({"certificate": "not base64!"}, "certificate", "Base64"),
        (
            {"certificate": base64.b64encode(b"\x30\x03\x02\x01\x01").decode()},
            "certificate",
            "X.509",
        ),
        ({"signature": ""}, "signature", "Base64"),
        ({"format": "xml"}, "format", "pkcs1"),
    ],
)
def test_malformed_input_is_422_naming_the_field(
    jpki: Jpki, change: dict[str, str], field: str, kind: str
) -> None:
    card = jpki.card()
    challenge = jpki.challenge()
    body = {
        "challengeId": challenge["challengeId"],
        "certificate": base64.b64encode(card.der).decode(),
        "signature": base64.b64encode(card.sign(b"x")).decode(),
        "format": "pkcs1",
        **change,
    }
    reply = jpki.client.post("/v1/identity/verifications", json_body=body, lang="en")
    assert reply.status == 422, reply.body
    assert [e["field"] for e in reply.json["errors"]] == [field]
    assert kind in reply.json["errors"][0]["message"]


def test_unreadable_cms_is_422(jpki: Jpki) -> None:
    card = jpki.card()
    challenge = jpki.challenge()
    reply = jpki.client.post(
        "/v1/identity/verifications",
        json_body={
            "challengeId": challenge["challengeId"],
            "certificate": base64.b64encode(card.der).decode(),
            "signature": base64.b64encode(b"\x30\x00").decode(),
            "format": "cms",
        },
    )
    assert reply.status == 422
    assert reply.json["errors"][0]["field"] == "signature"


# ------------------------------------------------------------------ the CRL refresh


class _CrlServer:
    """A CRL source on a loopback port: serves whatever `body` holds."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(source.status)
                self.send_header("Content-Length", str(len(source.body)))
                self.end_headers()
                self.wfile.write(source.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/signca.crl"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch) -> Iterator[_CrlServer]:
    server = _CrlServer()
    monkeypatch.setenv("JPKI_CRL_SOURCES", server.url)
    forget_settings()
    yield server
    server.close()


def _refresh() -> dict[str, Any]:
    from local.gateway import LambdaContext
    from yoyaku.entrypoints.crl_refresh import handler

    result: dict[str, Any] = handler({}, LambdaContext(function_name="CrlRefreshFunction"))
    return result


def test_the_refresh_stores_the_sources_crl_and_the_verifier_uses_it(
    jpki: Jpki, source: _CrlServer, clock: MovableClock
) -> None:
    jpki.s3.delete_object(Bucket=BUCKET, Key=f"{CRLS}test.crl")
    card = jpki.card()
    jpki.ca.revoke(card.serial_number, clock.now() - timedelta(minutes=1))
    now = clock.now()
    source.body = jpki.ca.crl(now - timedelta(minutes=1), now + timedelta(days=1))
    assert _refresh()["stored"] == [source.url]
    assert jpki.verify(card).json["code"] == "CARD_REVOKED"
    # The same CRL again changes nothing; an older one never replaces a newer one.
    assert _refresh()["unchanged"] == [source.url]


def test_an_older_crl_never_replaces_a_newer_one(
    jpki: Jpki, source: _CrlServer, clock: MovableClock
) -> None:
    now = clock.now()
    older = jpki.ca.crl(now - timedelta(hours=2), now + timedelta(days=1))
    card = jpki.card()
    jpki.ca.revoke(card.serial_number, now - timedelta(minutes=1))
    source.body = jpki.ca.crl(now - timedelta(minutes=1), now + timedelta(days=1))
    _refresh()
    source.body = older
    assert _refresh()["unchanged"] == [source.url]
    assert jpki.verify(card).json["code"] == "CARD_REVOKED"


@pytest.mark.parametrize("problem", ["forged", "stale", "unreachable", "garbage"])
def test_a_bad_source_keeps_the_stored_crl_and_fails_the_run(
    jpki: Jpki, source: _CrlServer, clock: MovableClock, problem: str
) -> None:
    now = clock.now()
    source.body = jpki.ca.crl(now - timedelta(minutes=1), now + timedelta(days=1))
    _refresh()
    if problem == "forged":
        source.body = JpkiTestCa().crl(now, now + timedelta(days=1))
    elif problem == "stale":
        source.body = jpki.ca.crl(now - timedelta(days=2), now - timedelta(days=1))
    elif problem == "unreachable":
        source.status = 500
    else:
        source.body = b"<html>maintenance</html>"
    from yoyaku.services.crl_refresh import RefreshFailed

    with pytest.raises(RefreshFailed):
        _refresh()
    assert jpki.verify(jpki.card()).status == 201  # the stored CRL still answers
