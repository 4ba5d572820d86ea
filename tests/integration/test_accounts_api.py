"""Accounts in-process (issue 3): what the end-to-end suite covers only in part.

Account status over time, links used for the wrong purpose, password rules, the age
rule on the application day in Tokyo, how phones and postal codes are stored, and the
check of uploaded proof documents.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from yoyaku.adapters import proofs, registration_store
from yoyaku.adapters.proofs import StoredObject
from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.registration import Document, UploadChecked
from yoyaku.services import proofs as proof_check
from yoyaku.settings import forget as forget_settings
from yoyaku.settings import settings

from .helpers import table_snapshot

PROBLEM_JSON = "application/problem+json"
TODAY = date(2030, 5, 15)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(56)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(53)
_numbers = itertools.count(1)


def tokyo(day: date, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TOKYO).astimezone(
        UTC
    )


def form(residency: str = "resident", **changes: Any) -> dict[str, Any]:
    """A valid registration form with a fresh e-mail address."""
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
        "email": f"applicant{next(_numbers)}@example.jp",
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


def field_messages(reply, field: str) -> list[str]:
    assert reply.status == 422, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    assert reply.json["code"] == "VALIDATION_FAILED"
    return [e["message"] for e in reply.json["errors"] if e["field"] == field]


def link_token(mail) -> str:
    found = re.search(r"token=([\w-]+)", mail.body)
    assert found, mail.body
    return found[1]


@pytest.fixture
def services(account_services, client):
    """Registration can run end to end: SES, the proof bucket, a review machine."""
    return account_services


# ------------------------------------------------------------------ account status over time


def test_a_worker_is_verified_through_verified_until_then_expired(
    client, make_citizen, clock
) -> None:
    until = date(2032, 5, 15)
    citizen = make_citizen(status="verified", residency="worker", verified_until=until)
    clock.set(tokyo(until, 23, 59, 59))
    me = client.get("/v1/me", token=citizen.token)
    assert me.status == 200
    assert (me.json["status"], me.json["verifiedUntil"]) == ("verified", "2032-05-15")
    clock.set(tokyo(until + timedelta(days=1), 0, 0, 0))
    me = client.get("/v1/me", token=citizen.token).json
    assert (me["status"], me["verifiedUntil"]) == ("expired", "2032-05-15")
    assert me["residency"] == "worker"


def test_residents_stay_verified(client, make_citizen, clock) -> None:
    citizen = make_citizen(status="verified")
    clock.set(tokyo(date(2039, 5, 15)))
    me = client.get("/v1/me", token=citizen.token).json
    assert (me["status"], me["verifiedUntil"]) == ("verified", None)


@pytest.mark.parametrize("status", ["provisional", "rejected"])
def test_other_statuses_do_not_lapse(client, make_citizen, clock, status) -> None:
    citizen = make_citizen(status=status, residency="worker", verified_until=TODAY)
    clock.set(tokyo(date(2031, 1, 1)))
    assert client.get("/v1/me", token=citizen.token).json["status"] == status


def test_the_lottery_result_email_choice_can_be_changed(client, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    was = client.get("/v1/me", token=citizen.token).json["lotteryResultEmail"]
    reply = client.patch("/v1/me", json_body={"lotteryResultEmail": not was}, token=citizen.token)
    assert reply.status == 200, reply.body
    assert reply.json["lotteryResultEmail"] is (not was)
    assert client.get("/v1/me", token=citizen.token).json["lotteryResultEmail"] is (not was)
    for body in ({}, {"lotteryResultEmail": "perhaps"}, {"status": "verified"}):
        bad = client.patch("/v1/me", json_body=body, token=citizen.token)
        assert bad.status == 422, body
        assert bad.json["code"] == "VALIDATION_FAILED"
    assert client.get("/v1/me", token=citizen.token).json["lotteryResultEmail"] is (not was)
    assert client.patch("/v1/me", json_body={"lotteryResultEmail": True}).status == 401


# ------------------------------------------------------------------ links and their purposes


def _confirmation_token(client, mailbox) -> tuple[str, str]:
    body = form()
    assert client.post("/v1/registrations", json_body=body).status == 202
    mail = mailbox.find(body["email"], "メールアドレスの確認")
    assert mail is not None
    return link_token(mail), body["email"]


def _reset_token(client, mailbox, citizen) -> str:
    asked = {"userNumber": citizen.user_number, "email": citizen.email}
    assert client.post("/v1/password-resets", json_body=asked).status == 202
    mail = mailbox.find(citizen.email, "パスワードの再設定")
    assert mail is not None
    return link_token(mail)


def test_a_confirmation_link_does_not_reset_a_password(client, services, make_citizen) -> None:
    token, _ = _confirmation_token(client, services)
    before = table_snapshot()
    reply = client.post(
        "/v1/password-resets/confirm", json_body={"token": token, "newPassword": "new-pass-123"}
    )
    assert reply.status == 400 and reply.json["code"] == "LINK_INVALID"
    assert table_snapshot() == before
    # The link was not used up: it still confirms the registration.
    confirmed = client.post("/v1/registrations/confirm", json_body={"token": token})
    assert confirmed.status == 201, confirmed.body


def test_a_reset_link_does_not_confirm_a_registration(client, services, make_citizen) -> None:
    citizen = make_citizen(with_password=True)
    token = _reset_token(client, services, citizen)
    before = table_snapshot()
    reply = client.post("/v1/registrations/confirm", json_body={"token": token})
    assert reply.status == 400 and reply.json["code"] == "LINK_INVALID"
    assert table_snapshot() == before
    done = client.post(
        "/v1/password-resets/confirm", json_body={"token": token, "newPassword": "new-pass-123"}
    )
    assert done.status == 204, done.body
    assert done.body == b""


def test_a_reset_link_expires_after_an_hour(client, services, make_citizen, clock) -> None:
    citizen = make_citizen(with_password=True)
    token = _reset_token(client, services, citizen)
    clock.advance(timedelta(minutes=60))
    reply = client.post(
        "/v1/password-resets/confirm", json_body={"token": token, "newPassword": "new-pass-123"}
    )
    assert reply.status == 410 and reply.json["code"] == "LINK_EXPIRED"


# ------------------------------------------------------------------ password rules

RULE_TEXT = {
    "length": "The password must have 8 to 64 characters.",
    "birthdate": "Your birthdate cannot be your password; choose another.",
    "user number": "Your user number cannot be your password; choose another.",
}
ACCEPTED = ["abcd1234", "Minato2024ab", "a" * 64, "パスワード長めの日本語", "19900402"]
REFUSED = [
    ("abc1234", "length"),
    ("a" * 65, "length"),
    ("", "length"),
    ("19900401", "birthdate"),
    ("1990-04-01", "birthdate"),
    ("1990/04/01", "birthdate"),
]


@pytest.mark.parametrize("password", ACCEPTED)
def test_registration_accepts_passwords_of_8_to_64_characters(client, services, password) -> None:
    reply = client.post("/v1/registrations", json_body=form(password=password))
    assert reply.status == 202, reply.body


@pytest.mark.parametrize(("password", "rule"), REFUSED)
def test_registration_refuses_short_long_and_birthdate_passwords(
    client, services, password, rule
) -> None:
    before = table_snapshot()
    reply = client.post("/v1/registrations", json_body=form(password=password), lang="en")
    assert field_messages(reply, "password") == [RULE_TEXT[rule]]
    assert table_snapshot() == before
    assert services.all() == []


@pytest.mark.parametrize(
    ("password", "rule"), [*REFUSED, ("12345678", "user number")], ids=lambda v: str(v)[:12]
)
def test_a_new_password_follows_the_same_rules_and_is_not_the_user_number(
    client, services, make_citizen, password, rule
) -> None:
    citizen = make_citizen(user_number="12345678", with_password=True)
    change = {"currentPassword": "minato2024", "newPassword": password}
    reply = client.put("/v1/me/password", json_body=change, token=citizen.token, lang="en")
    assert field_messages(reply, "newPassword") == [RULE_TEXT[rule]]
    token = _reset_token(client, services, citizen)
    reply = client.post(
        "/v1/password-resets/confirm",
        json_body={"token": token, "newPassword": password},
        lang="en",
    )
    assert field_messages(reply, "newPassword") == [RULE_TEXT[rule]]
    # A refused password does not use up the link.
    fine = client.post(
        "/v1/password-resets/confirm", json_body={"token": token, "newPassword": "abcd1234"}
    )
    assert fine.status == 204, fine.body


def test_the_user_number_rule_is_about_this_users_number(client, services, make_citizen) -> None:
    citizen = make_citizen(user_number="12345678", with_password=True)
    change = {"currentPassword": "minato2024", "newPassword": "12345679"}
    assert client.put("/v1/me/password", json_body=change, token=citizen.token).status == 204


# ------------------------------------------------------ 18 or over, no high-school students
#
# Eligible from April 1 of the year one's school year leaves high school (docs/api.md):
# born 2011-04-02 … 2012-04-01 → from 2030-04-01; born 2012-04-02 … → from 2031-04-01.


@pytest.mark.parametrize(
    ("instant", "birthdate", "accepted"),
    [
        # Born 2012-04-02: 18 since 2030-04-02, but in the last year of high school.
        (tokyo(TODAY), "2012-04-02", False),
        (tokyo(TODAY), "2012-05-15", False),  # 18 today, at high school until 2031-03
        (tokyo(date(2031, 3, 31), 23, 59, 59), "2012-04-02", False),
        (tokyo(date(2031, 4, 1), 0, 0, 0), "2012-04-02", True),  # 2031-03-31 15:00 UTC
        # Born 2012-04-01: the school year before, so eligible on the 18th birthday.
        (tokyo(date(2030, 3, 31), 23, 59, 59), "2012-04-01", False),
        (tokyo(date(2030, 4, 1), 0, 0, 0), "2012-04-01", True),
        (tokyo(TODAY), "2011-04-02", True),  # the oldest of that school year
        (tokyo(TODAY), "2012-01-01", True),  # early-born (早生まれ): 18, school over
        (tokyo(TODAY), "1990-04-01", True),
    ],
    ids=lambda v: v.isoformat()[:19] if isinstance(v, datetime) else str(v),
)
def test_applicants_are_18_and_past_high_school_in_tokyo(
    client, services, clock, instant, birthdate, accepted
) -> None:
    clock.set(instant)
    reply = client.post("/v1/registrations", json_body=form(birthdate=birthdate), lang="en")
    if accepted:
        assert reply.status == 202, reply.body
    else:
        (message,) = field_messages(reply, "birthdate")
        assert "not high-school students" in message
        eligible = "2031-04-01" if birthdate >= "2012-04-02" else "2030-04-01"
        assert message.endswith(f"you can register from {eligible}."), message


def test_the_eligibility_message_in_japanese(client, services) -> None:
    reply = client.post("/v1/registrations", json_body=form(birthdate="2012-06-01"))
    assert field_messages(reply, "birthdate") == [
        "登録できるのは高校生を除く18歳以上の方です。この生年月日の方は2031-04-01から登録できます。"
    ]


def test_a_birthdate_in_the_future_is_refused(client, services) -> None:
    reply = client.post("/v1/registrations", json_body=form(birthdate="2030-05-16"), lang="en")
    assert field_messages(reply, "birthdate") == ["The birthdate lies in the future."]


def test_every_broken_rule_is_reported_at_once(client, services) -> None:
    body = form(birthdate="2013-01-01", password="20130101", agreeToTerms=False)
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 422
    assert {e["field"] for e in reply.json["errors"]} == {"birthdate", "password", "agreeToTerms"}


# ------------------------------------------------------------------ addresses and postal codes


def test_a_postal_code_that_does_not_exist_is_refused(client, services) -> None:
    before = table_snapshot()
    address = {**form()["address"], "postalCode": "999-9999"}
    reply = client.post("/v1/registrations", json_body=form(address=address), lang="en")
    assert field_messages(reply, "address.postalCode") == [
        "There is no postal code 999-9999; check it."
    ]
    assert table_snapshot() == before


@pytest.mark.parametrize(
    ("prefecture", "city", "field"),
    [
        ("東京都", "千代田区", "address.city"),
        ("神奈川県", "港区", "address.prefecture"),
        ("大阪府", "大阪市", "address.prefecture"),
    ],
)
def test_an_address_that_does_not_match_its_postal_code_is_refused(
    client, services, prefecture, city, field
) -> None:
    address = {"postalCode": "105-0011", "prefecture": prefecture, "city": city, "street": "1-1"}
    reply = client.post("/v1/registrations", json_body=form(address=address))
    assert field_messages(reply, field) == [
        "郵便番号 105-0011 の住所（東京都港区）と一致しません。郵便番号と住所を確認してください。"
    ]


@pytest.mark.parametrize(
    ("postal_code", "prefecture", "city"),
    [
        ("105-0011", "東京都", "港区"),
        ("1050011", "東京", "港区芝公園"),  # the suffix left out; the town typed on
        ("２５０－０３１４", "神奈川県", "足柄下郡箱根町"),
        ("250-0314", "神奈川県", "箱根町"),  # without its district (郡)
        ("060-0000", "北海道", "札幌市"),  # a designated city without its ward
        ("060-0000", "北海道", "札幌市中央区"),
        ("498-0000", "三重県", "桑名郡木曽岬町"),  # one code, two prefectures
        ("498-0000", "愛知県", "弥富市"),
        ("105-8511", "東京都", "港区"),  # the ward office's own code
    ],
)
def test_addresses_that_match_their_postal_code_are_accepted(
    client, services, postal_code, prefecture, city
) -> None:
    address = {"postalCode": postal_code, "prefecture": prefecture, "city": city, "street": "1"}
    reply = client.post("/v1/registrations", json_body=form(address=address))
    assert reply.status == 202, reply.body


def test_a_workers_workplace_address_is_checked_too(client, services) -> None:
    body = form("worker")
    body["workplace"]["address"] = {
        "postalCode": "100-0014",
        "prefecture": "東京都",
        "city": "港区",
        "street": "永田町1-7-1",
    }
    body["address"] = {**body["address"], "postalCode": "000-0000"}
    reply = client.post("/v1/registrations", json_body=body, lang="en")
    assert reply.status == 422
    assert {e["field"] for e in reply.json["errors"]} == {
        "address.postalCode",
        "workplace.address.city",
    }


# ------------------------------------------------------------------ phones and postal codes


def _stored_form(client, body: dict[str, Any]) -> dict[str, Any]:
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    registration = registration_store.get(reply.json["registrationId"])
    assert registration is not None
    stored: dict[str, Any] = registration.form.model_dump(mode="json")
    assert "password" not in stored
    return stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("03-1234-5678", "0312345678"),
        ("0312345678", "0312345678"),
        ("090-1234-5678", "09012345678"),
        ("０３（１２３４）５６７８", "0312345678"),
        ("03 1234 5678", "0312345678"),
        ("03‐1234‐5678", "0312345678"),  # a Japanese hyphen
        ("(03)1234-5678", "0312345678"),
    ],
)
def test_phones_are_stored_as_digits(client, services, typed, stored) -> None:
    assert _stored_form(client, form(phone=typed))["phone"] == stored


@pytest.mark.parametrize(
    "typed",
    ["12-3456-7890", "03-1234-567", "090-1234-56789", "+81-3-1234-5678", "03-1234-ABCD", ""],
)
def test_phones_that_are_not_japanese_numbers_are_refused(client, services, typed) -> None:
    reply = client.post("/v1/registrations", json_body=form(phone=typed), lang="en")
    assert field_messages(reply, "phone") == [
        "Enter a phone number of 10 or 11 digits starting with 0 (hyphens optional)."
    ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1058511", "105-8511"),
        ("105-8511", "105-8511"),
        ("１０５－８５１１", "105-8511"),
        ("〒105-8511", "105-8511"),
        ("105 8511", "105-8511"),
    ],
)
def test_postal_codes_are_stored_as_3_4_digits(client, services, typed, stored) -> None:
    address = {**form()["address"], "postalCode": typed}
    assert _stored_form(client, form(address=address))["address"]["postalCode"] == stored


@pytest.mark.parametrize("typed", ["10585", "105-85111", "abc-defg", "105_8511", ""])
def test_postal_codes_that_are_not_7_digits_are_refused(client, services, typed) -> None:
    address = {**form()["address"], "postalCode": typed}
    reply = client.post("/v1/registrations", json_body=form(address=address))
    assert field_messages(reply, "address.postalCode")


def test_a_workers_workplace_is_normalised_too(client, services) -> None:
    body = form("worker")
    body["workplace"]["phone"] = "０３－５５５５－００００"
    body["workplace"]["address"]["postalCode"] = "1050011"
    stored = _stored_form(client, body)
    assert stored["workplace"]["phone"] == "0355550000"
    assert stored["workplace"]["address"]["postalCode"] == "105-0011"


def test_a_residents_workplace_is_not_kept(client, services) -> None:
    body = form("resident")
    body["workplace"] = form("worker")["workplace"]
    assert _stored_form(client, body)["workplace"] is None


# ------------------------------------------------------------------ proof documents

LIMIT = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("obj", "refused_because"),
    [
        (StoredObject(LIMIT, "image/png", PNG[:16]), None),  # exactly the limit
        (StoredObject(LIMIT + 1, "image/png", PNG[:16]), "too large"),
        (StoredObject(LIMIT * 3, "image/jpeg", JPEG[:16]), "too large"),
        (StoredObject(1000, "image/png", JPEG[:16]), "not the image/png"),
        (StoredObject(1000, "image/jpeg", PNG[:16]), "not the image/jpeg"),
        (StoredObject(1000, "IMAGE/PNG", JPEG[:16]), "not the image/png"),
        (StoredObject(1000, "image/png", b"<!doctype html>"), "not the image/png"),
        (StoredObject(1000, "image/gif", b"GIF89a" + bytes(10)), "not a JPEG or PNG"),
        (StoredObject(1000, "application/pdf", b"%PDF-1.7\n" + bytes(7)), "not a JPEG or PNG"),
        (StoredObject(1000, "", b"<svg xmlns='x'>"), "not a JPEG or PNG"),
        (StoredObject(1000, "", PNG[:16]), None),  # no declared type: the content decides
        (StoredObject(1000, "", JPEG[:16]), None),
        (StoredObject(1000, "image/jpeg", JPEG[:16]), None),
        (StoredObject(0, "image/png", b""), "not the image/png"),
        (None, "missing"),
    ],
)
def test_proof_documents_are_judged_by_size_and_first_bytes(obj, refused_because) -> None:
    problem = proof_check.problem_with(obj, LIMIT)
    if refused_because is None:
        assert problem is None
    else:
        assert problem is not None
        assert problem.ja and refused_because in problem.en


def _worker_registration(client) -> str:
    reply = client.post("/v1/registrations", json_body=form("worker"))
    assert reply.status == 202, reply.body
    assert reply.json["proofUpload"]["maxBytes"] == settings().proof_max_bytes
    registration_id: str = reply.json["registrationId"]
    return registration_id


def _put(key: str, content: bytes, content_type: str | None) -> None:
    extra = {"ContentType": content_type} if content_type else {}
    boto3.client("s3").put_object(Bucket=settings().proof_bucket, Key=key, Body=content, **extra)


def _exists(key: str) -> bool:
    return proofs.inspect(key) is not None


def test_a_stored_png_that_is_really_a_png_is_kept(client, services) -> None:
    registration_id = _worker_registration(client)
    key = proofs.key_for(registration_id, "upl_1")
    _put(key, PNG, "image/png")
    assert proof_check.check_upload(key) == UploadChecked(
        key=key, accepted=True, document=Document.PROOF
    )
    stored = registration_store.get(registration_id)
    assert stored is not None and (stored.proof_key, stored.proof_problem) == (key, None)
    assert _exists(key)


@pytest.mark.parametrize(
    ("content", "content_type", "why"),
    [
        (JPEG, "image/png", "not the image/png"),
        (b"<html><script>alert(1)</script></html>", "image/jpeg", "not the image/jpeg"),
        (b"GIF89a" + bytes(40), "image/gif", "not a JPEG or PNG"),
        (b"just text", None, "not a JPEG or PNG"),
    ],
)
def test_a_stored_file_that_is_not_what_it_claims_is_deleted_and_the_applicant_told(
    client, services, content, content_type, why
) -> None:
    registration_id = _worker_registration(client)
    key = proofs.key_for(registration_id, "upl_1")
    _put(key, content, content_type)
    result = proof_check.check_upload(key)
    assert result.accepted is False and why in (result.reason or "")
    assert not _exists(key)
    stored = registration_store.get(registration_id)
    assert stored is not None and stored.proof_key is None and why in (stored.proof_problem or "")
    email = stored.form.email
    assert services.find(email, "在勤証明書類を受け付けできませんでした") is not None


def test_a_file_over_the_limit_is_deleted(client, services, monkeypatch) -> None:
    monkeypatch.setenv("PROOF_MAX_BYTES", "64")
    forget_settings()
    registration_id = _worker_registration(client)
    key = proofs.key_for(registration_id, "upl_1")
    _put(key, PNG + bytes(1), "image/png")  # 65 bytes
    result = proof_check.check_upload(key)
    assert result.accepted is False and "too large" in (result.reason or "")
    assert not _exists(key)


def test_a_valid_file_after_a_refused_one_clears_the_problem(client, services) -> None:
    registration_id = _worker_registration(client)
    bad, good = (proofs.key_for(registration_id, u) for u in ("upl_1", "upl_2"))
    _put(bad, JPEG, "image/png")
    proof_check.check_upload(bad)
    _put(good, JPEG, "image/jpeg")
    assert proof_check.check_upload(good).accepted is True
    stored = registration_store.get(registration_id)
    assert stored is not None and (stored.proof_key, stored.proof_problem) == (good, None)


def test_an_upload_for_no_registration_is_deleted(client, services) -> None:
    key = proofs.key_for("reg_nobody", "upl_1")
    _put(key, PNG, "image/png")
    assert proof_check.check_upload(key).accepted is False
    assert not _exists(key)
