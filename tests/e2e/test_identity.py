"""My Number card verification over HTTP against the local runtime and its JPKI-TEST CA,
the way a client and the e-signature app drive it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.accounts import bearer, form, register, review_queue
from tests.e2e.conftest import LocalService

pytestmark = pytest.mark.e2e

CARD = {
    "name": "公的　花子",
    "address": "東京都港区芝公園1-5-25",
    "birthdate": "1990-04-01",
    "gender": "2",
}


def new_card(service: LocalService, state: str = "valid", **facts: str) -> str:
    reply = service.call("POST", "/_local/mynumber-cards", json={**CARD, **facts, "state": state})
    assert reply.status_code == 201, reply.text
    card_id: str = reply.json()["cardId"]
    return card_id


def sign_and_verify(
    service: LocalService, card_id: str, signature_format: str = "pkcs1", lang: str = "ja"
) -> Any:
    challenge = service.call("POST", "/v1/identity/challenges", json={"purpose": "registration"})
    assert challenge.status_code == 201, challenge.text
    signed = service.call(
        "POST",
        f"/_local/mynumber-cards/{card_id}/signatures",
        json={"signedData": challenge.json()["signedData"], "format": signature_format},
    )
    assert signed.status_code == 200, signed.text
    return service.call(
        "POST",
        "/v1/identity/verifications",
        json={"challengeId": challenge.json()["challengeId"], **signed.json()},
        headers={"Accept-Language": lang},
    )


def test_a_test_card_is_verified_and_its_facts_returned(service: LocalService) -> None:
    for signature_format in ("pkcs1", "cms"):
        reply = sign_and_verify(service, new_card(service), signature_format)
        assert reply.status_code == 201, reply.text
        assert reply.json()["facts"] == CARD


def test_an_expired_test_card_reads_code_21(service: LocalService) -> None:
    reply = sign_and_verify(service, new_card(service, "expired"))
    assert reply.status_code == 422
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.json()["title"] == "失効済みのマイナンバーカードの可能性があります。 (Code: 21)"
    assert reply.json()["cardCode"] == "21"


def test_a_revoked_test_card_reads_code_23_at_once(service: LocalService) -> None:
    reply = sign_and_verify(service, new_card(service, "revoked"), lang="en")
    assert reply.status_code == 422
    assert reply.json()["code"] == "CARD_REVOKED"
    assert reply.json()["title"] == "The My Number card may no longer be valid. (Code: 23)"


def test_the_crl_refresh_schedule_keeps_cards_checkable_as_time_passes(
    service: LocalService,
) -> None:
    run = service.call("POST", "/_local/schedules/yoyaku-jpki-crl-refresh-prod/run")
    assert run.status_code == 200, run.text
    try:
        # Two days on, the CRL fetched at start has expired: the hourly schedule (run by
        # the application clock) has fetched a fresh one.
        service.move_clock(2 * 24 * 3600)
        reply = sign_and_verify(service, new_card(service))
        assert reply.status_code == 201, reply.text
    finally:
        service.move_clock(0)


def test_test_cards_refuse_bad_requests(service: LocalService) -> None:
    bad = service.call("POST", "/_local/mynumber-cards", json={**CARD, "gender": "9"})
    assert bad.status_code == 422
    unknown = service.call(
        "POST", "/_local/mynumber-cards/card_nope/signatures", json={"signedData": "eA=="}
    )
    assert unknown.status_code == 404


# ------------------------------------------------------------------ registration by card


def verification_for(service: LocalService, facts: dict[str, str]) -> str:
    reply = sign_and_verify(service, new_card(service, **facts))
    assert reply.status_code == 201, reply.text
    found: str = reply.json()["verificationId"]
    return found


def queued_for_staff(service: LocalService) -> list[str]:
    """User numbers of every application waiting for staff (all pages)."""
    return [item["userNumber"] for item in review_queue(service, "status=received")]


MINATO_RESIDENT = {
    "name": "港　太郎",
    "address": "東京都港区芝公園一丁目5番25号",
    "birthdate": "1990-04-01",
    "gender": "1",
}


def test_a_resident_registers_by_card_and_books_as_verified_at_once(
    service: LocalService,
) -> None:
    # The form as "情報を反映する" fills it from the card, the rest typed by the user.
    citizen = register(
        service, identity={"verificationId": verification_for(service, MINATO_RESIDENT)}
    )
    assert citizen.registration.get("proofUpload") is None
    confirmed = citizen.confirm()
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["status"] == "verified"
    assert citizen.sign_in().status_code == 201
    assert citizen.get("/v1/me").json()["status"] == "verified"
    applications = citizen.get("/v1/me/applications").json()["items"]
    assert [(a["status"], a["method"]) for a in applications] == [("completed", "mynumber_card")]
    # 8 days ahead: closed to provisional accounts (14 days before), open to verified ones.
    day = (service.today() + timedelta(days=8)).isoformat()
    hold = service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": "minato-ohiradai",
            "resourceTypeId": "room",
            "date": day,
            "nights": 1,
            "quantity": 1,
        },
        headers=bearer(citizen.token),
    )
    assert hold.status_code == 201, hold.text
    assert citizen.user_number not in queued_for_staff(service)


def test_a_worker_registering_by_card_still_needs_staff_approval(service: LocalService) -> None:
    citizen = register(
        service, "worker", identity={"verificationId": verification_for(service, MINATO_RESIDENT)}
    )
    assert citizen.registration["proofUpload"]["url"]
    confirmed = citizen.confirm()
    assert confirmed.json()["status"] == "provisional"
    assert citizen.sign_in().status_code == 201
    application = citizen.get("/v1/me/applications").json()["items"][0]
    assert (application["status"], application["method"]) == ("received", "mynumber_card")
    assert citizen.user_number in queued_for_staff(service)


def test_a_form_that_contradicts_the_card_reads_as_the_seed_says(service: LocalService) -> None:
    vid = verification_for(service, MINATO_RESIDENT)
    body = form(identity={"verificationId": vid}, birthdate="1991-04-01")
    reply = service.call("POST", "/v1/registrations", json=body)
    assert reply.status_code == 422
    assert reply.json()["title"] == "入力された利用者情報と読み取られたカードの情報が一致しません"
    assert [e["field"] for e in reply.json()["errors"]] == ["birthdate"]
