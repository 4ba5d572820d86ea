"""Registration with the My Number card (seed 001) through the gateway: the card's facts
against the form, residents verified once their e-mail is confirmed, workers reviewed."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tests.conftest import Client, Mailbox, MovableClock
from yoyaku.domain.identity import CardFacts

from .jpki import Jpki

_numbers = itertools.count(1)
CARD = CardFacts.model_validate(
    {
        "name": "港　太郎",
        "address": "東京都港区芝公園一丁目5番25号",
        "birthdate": "1990-04-01",
        "gender": "1",
    }
)


def form(residency: str = "resident", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nameKana": "ミナト タロウ",
        "nameKanji": "港 太郎",
        "phone": "03-1234-5678",
        "residency": residency,
        "address": {
            "postalCode": "105-8511",
            "prefecture": "東京都",
            "city": "港区",
            "street": "芝公園1-5-25",
        },
        "birthdate": "1990-04-01",
        "email": f"card{next(_numbers)}@example.jp",
        "password": "minato2024",
        "lotteryResultEmail": False,
        "agreeToTerms": True,
    }
    if residency == "worker":
        body["workplace"] = {
            "name": "港商事株式会社",
            "address": dict(body["address"]),
            "phone": "03-5555-0000",
        }
    body.update(changes)
    return body


def verification_id(jpki: Jpki, facts: CardFacts = CARD) -> str:
    reply = jpki.verify(jpki.card(facts=facts))
    assert reply.status == 201, reply.body
    found: str = reply.json["verificationId"]
    return found


def confirm(client: Client, mailbox: Mailbox, email: str) -> Any:
    mail = mailbox.find(email, "メールアドレスの確認")
    assert mail is not None
    token = re.search(r"token=([\w-]+)", mail.body)
    assert token
    return client.post("/v1/registrations/confirm", json_body={"token": token[1]})


def sign_in(client: Client, user_number: str) -> str:
    reply = client.post(
        "/v1/sessions", json_body={"userNumber": user_number, "password": "minato2024"}
    )
    assert reply.status == 201, reply.body
    token: str = reply.json["token"]
    return token


def review_executions() -> int:
    sfn = boto3.client("stepfunctions")
    machine = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    return len(sfn.list_executions(stateMachineArn=machine)["executions"])


@pytest.fixture
def setup(
    client: Client, account_services: Mailbox, jpki: Jpki, clock: MovableClock
) -> tuple[Client, Mailbox, Jpki]:
    return client, account_services, jpki


def test_a_resident_proven_by_card_is_verified_once_the_email_is_confirmed(
    setup: tuple[Client, Mailbox, Jpki],
) -> None:
    client, mailbox, jpki = setup
    body = form(identity={"verificationId": verification_id(jpki)})
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    assert "proofUpload" not in reply.json or reply.json["proofUpload"] is None
    confirmed = confirm(client, mailbox, body["email"])
    assert confirmed.status == 201, confirmed.body
    assert confirmed.json["status"] == "verified"
    token = sign_in(client, confirmed.json["userNumber"])
    me = client.get("/v1/me", token=token).json
    assert (me["status"], me["residency"], me["verifiedUntil"]) == ("verified", "resident", None)
    applications = client.get("/v1/me/applications", token=token).json["items"]
    assert [(a["status"], a["method"]) for a in applications] == [("completed", "mynumber_card")]
    assert [h["status"] for h in applications[0]["history"]] == ["received", "completed"]
    assert review_executions() == 0  # nothing for staff to do
    mail = mailbox.find(body["email"], "利用者番号")
    assert mail is not None and "本登録" in mail.body


def test_a_resident_proven_by_card_gets_a_registration_card_mailed(
    setup: tuple[Client, Mailbox, Jpki], staff_token: str
) -> None:
    client, mailbox, jpki = setup
    body = form(identity={"verificationId": verification_id(jpki)})
    assert client.post("/v1/registrations", json_body=body).status == 202
    confirmed = confirm(client, mailbox, body["email"])
    assert confirmed.json["status"] == "verified"
    cards = client.get("/v1/staff/registration-cards", token=staff_token).json["items"]
    assert [c["userNumber"] for c in cards] == [confirmed.json["userNumber"]]


def test_a_worker_proven_by_card_still_goes_to_staff(
    setup: tuple[Client, Mailbox, Jpki],
) -> None:
    client, mailbox, jpki = setup
    body = form("worker", identity={"verificationId": verification_id(jpki)})
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    assert reply.json["proofUpload"]["url"]  # the workplace proof is still needed
    confirmed = confirm(client, mailbox, body["email"])
    assert confirmed.json["status"] == "provisional"
    token = sign_in(client, confirmed.json["userNumber"])
    applications = client.get("/v1/me/applications", token=token).json["items"]
    assert [(a["status"], a["method"]) for a in applications] == [("received", "mynumber_card")]
    assert review_executions() == 1


def test_a_group_whose_representative_is_proven_by_card_still_goes_to_staff(
    setup: tuple[Client, Mailbox, Jpki],
) -> None:
    """The card proves the representative, not the group: staff still see its roster."""
    client, mailbox, jpki = setup
    group = {"name": "港テニス同好会", "nameKana": "ミナトテニスドウコウカイ", "members": 12}
    body = form(identity={"verificationId": verification_id(jpki)}, userType="group", group=group)
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    assert reply.json["rosterUpload"]["url"]
    confirmed = confirm(client, mailbox, body["email"])
    assert confirmed.json["status"] == "provisional"
    token = sign_in(client, confirmed.json["userNumber"])
    applications = client.get("/v1/me/applications", token=token).json["items"]
    assert [(a["status"], a["method"]) for a in applications] == [("received", "mynumber_card")]
    assert review_executions() == 1


def test_a_card_from_another_municipality_goes_to_staff(
    setup: tuple[Client, Mailbox, Jpki],
) -> None:
    client, mailbox, jpki = setup
    elsewhere = CARD.model_copy(update={"address": "東京都品川区北品川一丁目1番1号"})
    address = {
        "postalCode": "140-0001",
        "prefecture": "東京都",
        "city": "品川区",
        "street": "北品川1-1-1",
    }
    body = form(address=address, identity={"verificationId": verification_id(jpki, elsewhere)})
    assert client.post("/v1/registrations", json_body=body).status == 202
    assert confirm(client, mailbox, body["email"]).json["status"] == "provisional"
    assert review_executions() == 1


def test_a_registration_without_a_card_is_unchanged(
    setup: tuple[Client, Mailbox, Jpki],
) -> None:
    client, mailbox, _ = setup
    body = form()
    assert client.post("/v1/registrations", json_body=body).status == 202
    confirmed = confirm(client, mailbox, body["email"])
    assert confirmed.json["status"] == "provisional"
    token = sign_in(client, confirmed.json["userNumber"])
    applications = client.get("/v1/me/applications", token=token).json["items"]
    assert applications[0]["method"] == "staff_review"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nameKanji": "港 次郎"}, "nameKanji"),
        ({"birthdate": "1990-04-02"}, "birthdate"),
        (
            {
                "address": {
                    "postalCode": "105-8511",
                    "prefecture": "東京都",
                    "city": "港区",
                    "street": "芝公園1-5-26",
                }
            },
            "address",
        ),
    ],
)
def test_each_fact_that_differs_from_the_card_is_named(
    setup: tuple[Client, Mailbox, Jpki], change: dict[str, Any], field: str
) -> None:
    client, _, jpki = setup
    vid = verification_id(jpki)
    body = form(identity={"verificationId": vid}, **change)
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 422, reply.body
    assert reply.json["code"] == "IDENTITY_MISMATCH"
    assert reply.json["title"] == "入力された利用者情報と読み取られたカードの情報が一致しません"
    assert [e["field"] for e in reply.json["errors"]] == [field]
    # Nothing was stored and the verification is still usable once the form is fixed.
    fixed = form(identity={"verificationId": vid})
    assert client.post("/v1/registrations", json_body=fixed).status == 202


def test_the_name_and_address_may_be_spelled_differently(
    setup: tuple[Client, Mailbox, Jpki],
) -> None:
    client, _, jpki = setup
    body = form(
        nameKanji="港太郎",
        address={
            "postalCode": "105-8511",
            "prefecture": "東京都",
            "city": "港区",
            "street": "芝公園１丁目５－２５",
        },
        identity={"verificationId": verification_id(jpki)},
    )
    assert client.post("/v1/registrations", json_body=body).status == 202


def test_a_verification_proves_one_registration(setup: tuple[Client, Mailbox, Jpki]) -> None:
    client, _, jpki = setup
    vid = verification_id(jpki)
    assert (
        client.post("/v1/registrations", json_body=form(identity={"verificationId": vid})).status
        == 202
    )
    again = client.post(
        "/v1/registrations", json_body=form(identity={"verificationId": vid}), lang="en"
    )
    assert again.status == 422
    assert again.json["errors"][0]["field"] == "identity.verificationId"
    assert "already used" in again.json["errors"][0]["message"]


def test_an_unknown_or_expired_verification_is_refused(
    setup: tuple[Client, Mailbox, Jpki], clock: MovableClock
) -> None:
    client, _, jpki = setup
    unknown = client.post(
        "/v1/registrations", json_body=form(identity={"verificationId": "vrf_nope"})
    )
    assert unknown.status == 422
    assert unknown.json["errors"][0]["field"] == "identity.verificationId"
    vid = verification_id(jpki)
    clock.advance(timedelta(minutes=31))
    late = client.post(
        "/v1/registrations", json_body=form(identity={"verificationId": vid}), lang="en"
    )
    assert late.status == 422
    assert "expired" in late.json["errors"][0]["message"]
