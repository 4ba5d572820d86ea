"""Group accounts (団体, seeds 000/001) through the gateway, in-process against moto.

Registration as a group with its roster (名簿) upload, the roster check, what staff see
at review and what approving does, GET /v1/me, and which facilities an account may use:
a facility's `audience` (NOT_FOR_THIS_ACCOUNT_TYPE) and `rosterRequired` resource types
(ROSTER_REQUIRED).
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

import boto3
import pytest

from tests.conftest import session_token
from yoyaku.adapters import proofs, registration_store, user_store
from yoyaku.domain.registration import Document, UploadChecked
from yoyaku.services import proofs as proof_check
from yoyaku.services import reviews
from yoyaku.settings import settings

from .helpers import GYM, INN, MORNING, definition, table_snapshot

PROBLEM_JSON = "application/problem+json"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(56)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(53)
TENNIS_CLUB = {"name": "上尾テニスクラブ", "nameKana": "ｱｹﾞｵ ﾃﾆｽ ｸﾗﾌﾞ", "members": 12}
_numbers = itertools.count(1)


def group_form(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "userType": "group",
        "group": {**TENNIS_CLUB, "localMembers": 10},
        "nameKana": "アゲオ ハナコ",
        "nameKanji": "上尾 花子",
        "phone": "048-775-5111",
        "residency": "resident",
        "address": {
            "postalCode": "362-8501",
            "prefecture": "埼玉県",
            "city": "上尾市",
            "street": "本町3-1-1",
        },
        "birthdate": "1980-06-01",
        "email": f"club{next(_numbers)}@example.jp",
        "password": "ageo2024tennis",
        "lotteryResultEmail": True,
        "agreeToTerms": True,
    }
    body.update(changes)
    return body


def assert_problem(reply, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == code, body
    return body


def invalid_fields(reply) -> list[str]:
    body = assert_problem(reply, 422, "VALIDATION_FAILED")
    return [e["field"] for e in body["errors"]]


def put_object(key: str, content: bytes, content_type: str) -> None:
    boto3.client("s3").put_object(
        Bucket=settings().proof_bucket, Key=key, Body=content, ContentType=content_type
    )


def confirm(client, mailbox, email: str) -> str:
    mail = mailbox.find(email, "メールアドレスの確認")
    assert mail is not None
    token = re.search(r"token=([\w-]+)", mail.body)
    assert token
    reply = client.post("/v1/registrations/confirm", json_body={"token": token[1]})
    assert reply.status == 201, reply.body
    number: str = reply.json["userNumber"]
    return number


# ------------------------------------------------------------------ registration


def test_a_group_registers_with_its_representative_and_gets_a_roster_upload(
    client, account_services
) -> None:
    body = group_form()
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    upload = reply.json["rosterUpload"]
    assert upload["maxBytes"] == settings().proof_max_bytes
    assert upload["contentTypes"] == ["image/jpeg", "image/png"]
    assert upload["uploadId"].startswith("upl_")
    assert upload["fields"]["key"].endswith(f"/roster/{upload['uploadId']}")
    assert "proofUpload" not in reply.json or reply.json["proofUpload"] is None
    stored = registration_store.get(reply.json["registrationId"])
    assert stored is not None
    assert stored.form.user_type == "group"
    assert stored.form.group is not None
    assert stored.form.group.model_dump() == {
        "name": "上尾テニスクラブ",
        "nameKana": "アゲオ　テニス　クラブ",
        "members": 12,
        "localMembers": 10,
    }


def test_individuals_are_the_default_and_get_no_roster_upload(client, account_services) -> None:
    body = group_form()
    del body["userType"], body["group"]
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    assert reply.json.get("rosterUpload") is None
    stored = registration_store.get(reply.json["registrationId"])
    assert stored is not None and stored.form.user_type == "individual"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"group": None}, "group"),
        ({"userType": "individual"}, "group"),
        ({"group": {**TENNIS_CLUB, "localMembers": 13}}, "group.localMembers"),
        ({"group": {**TENNIS_CLUB, "members": 1}}, "group.members"),
        ({"group": {**TENNIS_CLUB, "nameKana": "Ageo Tennis"}}, "group.nameKana"),
        ({"group": {**TENNIS_CLUB, "name": ""}}, "group.name"),
        ({"userType": "company"}, "userType"),
    ],
)
def test_group_details_are_checked_and_nothing_is_stored(
    client, account_services, changes, field
) -> None:
    before = table_snapshot()
    reply = client.post("/v1/registrations", json_body=group_form(**changes))
    assert field in invalid_fields(reply)
    assert table_snapshot() == before


def test_the_group_messages_are_in_english_on_request(client, account_services) -> None:
    reply = client.post(
        "/v1/registrations",
        json_body=group_form(group={**TENNIS_CLUB, "localMembers": 20}),
        lang="en",
    )
    errors = assert_problem(reply, 422, "VALIDATION_FAILED")["errors"]
    assert errors == [
        {"field": "group.localMembers", "message": "Local members cannot exceed the members (12)."}
    ]


# ------------------------------------------------------------------ the roster and its review


def _registered_group(client, mailbox) -> tuple[str, dict[str, Any], str]:
    body = group_form()
    reply = client.post("/v1/registrations", json_body=body)
    assert reply.status == 202, reply.body
    return reply.json["registrationId"], reply.json["rosterUpload"], body["email"]


def test_a_roster_is_checked_like_a_proof_document(client, account_services) -> None:
    registration_id, upload, _ = _registered_group(client, account_services)
    key = upload["fields"]["key"]
    put_object(key, PNG, "image/png")
    assert proof_check.check_upload(key) == UploadChecked(
        key=key, accepted=True, document=Document.ROSTER
    )
    stored = registration_store.get(registration_id)
    assert stored is not None
    assert stored.document(Document.ROSTER) == (key, None)
    assert stored.document(Document.PROOF) == (None, None)


def test_a_roster_that_is_not_an_image_is_deleted_and_the_group_told(
    client, account_services
) -> None:
    registration_id, upload, email = _registered_group(client, account_services)
    key = upload["fields"]["key"]
    put_object(key, JPEG, "image/png")
    result = proof_check.check_upload(key)
    assert result.accepted is False and "not the image/png" in (result.reason or "")
    assert proofs.inspect(key) is None
    stored = registration_store.get(registration_id)
    assert stored is not None and stored.roster_key is None
    assert "not the image/png" in (stored.roster_problem or "")
    assert account_services.find(email, "団体名簿を受け付けできませんでした") is not None


def test_staff_review_a_group_with_its_roster_and_approving_accepts_it(
    client, account_services, staff_token
) -> None:
    _, upload, email = _registered_group(client, account_services)
    put_object(upload["fields"]["key"], PNG, "image/png")
    proof_check.check_upload(upload["fields"]["key"])
    user_number = confirm(client, account_services, email)
    queue = client.get("/v1/staff/reviews", token=staff_token).json["items"]
    application_id = next(a["applicationId"] for a in queue if a["userNumber"] == user_number)
    detail = client.get(f"/v1/staff/reviews/{application_id}", token=staff_token)
    assert detail.status == 200, detail.body
    review = detail.json
    assert review["applicant"]["userType"] == "group"
    assert review["applicant"]["group"]["name"] == "上尾テニスクラブ"
    assert review["roster"] == {"required": False, "present": True, "problem": None}
    assert review["rosterDocumentUrl"].startswith("http")
    assert review["proof"]["required"] is False
    roster = reviews.check_proof(application_id).roster
    assert roster is not None and roster.model_dump() == {"present": True, "problem": None}

    reviews.apply_decision(application_id, reviews.Decision.APPROVE, None)
    found = user_store.get(user_number)
    assert found is not None and found[0].roster_accepted is True


def test_approving_a_group_without_a_roster_leaves_roster_facilities_closed(
    client, account_services, staff_token
) -> None:
    _, _, email = _registered_group(client, account_services)
    user_number = confirm(client, account_services, email)
    queue = client.get("/v1/staff/reviews", token=staff_token).json["items"]
    application_id = next(a["applicationId"] for a in queue if a["userNumber"] == user_number)
    review = client.get(f"/v1/staff/reviews/{application_id}", token=staff_token).json
    assert review["roster"] == {"required": False, "present": False, "problem": None}
    assert review["rosterDocumentUrl"] is None
    reviews.apply_decision(application_id, reviews.Decision.APPROVE, None)
    found = user_store.get(user_number)
    assert found is not None and found[0].roster_accepted is False


def test_individual_reviews_carry_no_roster(client, account_services, staff_token) -> None:
    body = group_form()
    del body["userType"], body["group"]
    client.post("/v1/registrations", json_body=body)
    user_number = confirm(client, account_services, body["email"])
    queue = client.get("/v1/staff/reviews", token=staff_token).json["items"]
    application_id = next(a["applicationId"] for a in queue if a["userNumber"] == user_number)
    review = client.get(f"/v1/staff/reviews/{application_id}", token=staff_token).json
    assert review["roster"] is None


def test_me_tells_the_account_type_and_the_group(client, account_services, clock) -> None:
    _, _, email = _registered_group(client, account_services)
    user_number = confirm(client, account_services, email)
    token = session_token("citizen", user_number, clock)
    me = client.get("/v1/me", token=token).json
    assert me["userType"] == "group"
    assert me["group"] == {
        "name": "上尾テニスクラブ",
        "nameKana": "アゲオ　テニス　クラブ",
        "members": 12,
        "localMembers": 10,
    }
    assert me["rosterAccepted"] is False


def test_an_individual_me_has_no_group(client, make_citizen) -> None:
    me = client.get("/v1/me", token=make_citizen().token).json
    assert (me["userType"], me["group"], me["rosterAccepted"]) == ("individual", None, False)


def test_a_group_asks_for_a_new_roster_upload(client, account_services, make_citizen) -> None:
    group = make_citizen(status="verified", group=TENNIS_CLUB)
    reply = client.post("/v1/me/roster-upload", token=group.token)
    assert reply.status == 201, reply.body
    assert reply.json["fields"]["key"] == (
        f"proofs/reg_{group.user_number}/roster/{reply.json['uploadId']}"
    )
    individual = make_citizen(status="verified")
    refused = client.post("/v1/me/roster-upload", token=individual.token)
    assert "団体名簿は団体登録の方だけ" in assert_problem(refused, 409, "CONFLICT")["detail"]


# ------------------------------------------------------------------ who may use what

ARENA_DAY = date(2030, 6, 10)
BALLPARK = definition(
    GYM,
    name="平方野球場",
    audience="groups",
    resourceTypes=[{"resourceTypeId": "field", "name": "野球場（全面）", "rosterRequired": True}],
)
ARENAS = definition(
    GYM,
    resourceTypes=[
        {"resourceTypeId": "arena", "name": "メインアリーナ（1面）", "rosterRequired": True},
        {"resourceTypeId": "tennis", "name": "テニスコート（1面）"},
    ],
)
INN_FOR_INDIVIDUALS = definition(INN, audience="individuals")


@pytest.fixture
def sports(client, staff_token) -> None:
    for facility_id, body, resources in (
        ("ballpark", BALLPARK, ["field"]),
        ("gym", ARENAS, ["arena", "tennis"]),
    ):
        put = client.put(f"/v1/staff/facilities/{facility_id}", json_body=body, token=staff_token)
        assert put.status == 200, put.body
        for resource in resources:
            reply = client.put(
                f"/v1/staff/facilities/{facility_id}/inventory",
                json_body={
                    "resourceTypeId": resource,
                    "from": "2030-06-01",
                    "to": "2030-06-30",
                    "capacity": 2,
                    "slots": [MORNING],
                },
                token=staff_token,
            )
            assert reply.status == 200, reply.body
    put = client.put("/v1/staff/facilities/inn", json_body=INN_FOR_INDIVIDUALS, token=staff_token)
    assert put.status == 200
    reply = client.put(
        "/v1/staff/facilities/inn/inventory",
        json_body={
            "resourceTypeId": "room",
            "from": "2030-06-01",
            "to": "2030-06-30",
            "capacity": 2,
        },
        token=staff_token,
    )
    assert reply.status == 200, reply.body


def slot_hold(client, citizen, facility_id: str, resource: str, **extra: Any):
    body = {
        "facilityId": facility_id,
        "resourceTypeId": resource,
        "date": ARENA_DAY.isoformat(),
        "start": "09:00",
        "slots": 1,
        **extra,
    }
    return client.post("/v1/holds", json_body=body, token=citizen.token)


def test_the_facility_tells_its_audience_and_roster_rule(client, sports) -> None:
    ballpark = client.get("/v1/facilities/ballpark").json
    assert ballpark["audience"] == "groups"
    assert ballpark["resourceTypes"][0]["rosterRequired"] is True
    gym = client.get("/v1/facilities/gym").json
    assert gym["audience"] == "both"
    assert [r["rosterRequired"] for r in gym["resourceTypes"]] == [True, False]


def test_an_individual_is_told_a_group_facility_is_for_groups(client, sports, make_citizen) -> None:
    citizen = make_citizen(status="verified")
    before = table_snapshot()
    body = assert_problem(
        slot_hold(client, citizen, "ballpark", "field"), 403, "NOT_FOR_THIS_ACCOUNT_TYPE"
    )
    assert body["detail"].startswith("平方野球場は団体登録の方だけ")
    english = client.post(
        "/v1/holds",
        json_body={
            "facilityId": "ballpark",
            "resourceTypeId": "field",
            "date": ARENA_DAY.isoformat(),
            "start": "09:00",
        },
        token=citizen.token,
        lang="en",
    )
    assert (
        "can only be booked, or its lotteries entered, by group accounts" in english.json["detail"]
    )
    assert table_snapshot() == before


def test_a_group_is_told_an_individual_facility_is_not_for_groups(
    client, sports, make_citizen
) -> None:
    group = make_citizen(status="verified", group=TENNIS_CLUB, roster_accepted=True)
    reply = client.post(
        "/v1/holds",
        json_body={
            "facilityId": "inn",
            "resourceTypeId": "room",
            "date": ARENA_DAY.isoformat(),
            "nights": 1,
        },
        token=group.token,
    )
    body = assert_problem(reply, 403, "NOT_FOR_THIS_ACCOUNT_TYPE")
    assert "個人登録の方だけ" in body["detail"]


def test_a_group_without_an_accepted_roster_cannot_book_a_roster_resource(
    client, sports, make_citizen
) -> None:
    group = make_citizen(status="verified", group=TENNIS_CLUB)
    before = table_snapshot()
    body = assert_problem(slot_hold(client, group, "gym", "arena"), 422, "ROSTER_REQUIRED")
    assert "メインアリーナ（1面）" in body["detail"] and "団体名簿" in body["detail"]
    assert table_snapshot() == before
    # The gym's tennis courts need no roster (seed 000: 市民体育館（テニスコートを除く）).
    assert slot_hold(client, group, "gym", "tennis").status == 201


def test_a_group_with_an_accepted_roster_books_roster_resources(
    client, sports, make_citizen
) -> None:
    group = make_citizen(status="verified", group=TENNIS_CLUB, roster_accepted=True)
    assert slot_hold(client, group, "gym", "arena").status == 201
    assert slot_hold(client, group, "ballpark", "field").status == 201


def test_individuals_book_roster_resources_of_facilities_open_to_them(
    client, sports, make_citizen
) -> None:
    citizen = make_citizen(status="verified")
    assert slot_hold(client, citizen, "gym", "arena").status == 201
