"""Renewal of a registration (seed 000) through the gateway: when it is due, the card
against the account, facilities kept at the counter, the saved form, and what the
review's decision does (the decision task is run here directly; the e2e test drives
the real workflow)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Citizen, Client, Mailbox, MovableClock
from yoyaku.adapters import application_store, booking_store, catalog_store, user_store
from yoyaku.domain.account_kinds import Decision
from yoyaku.domain.booking import Owner, Reservation, Unit
from yoyaku.domain.calendar import add_months
from yoyaku.domain.identity import CardFacts
from yoyaku.domain.renewal import split_address
from yoyaku.services import catalog, reviews

from .helpers import GYM, facility
from .jpki import Jpki

HOLDER = CardFacts.model_validate(
    {
        "name": "港　太郎",  # the account's name (make_citizen)
        "address": "東京都港区芝公園一丁目5番25号",  # the account's address, as the card writes it
        "birthdate": "1990-04-01",
        "gender": "1",
    }
)
FORM = {"phone": "090-1234-5678", "nameKana": "みなと たろう", "lotteryResultEmail": False}


@pytest.fixture
def setup(
    client: Client,
    account_services: Mailbox,
    jpki: Jpki,
    clock: MovableClock,
    make_citizen: Callable[..., Citizen],
) -> tuple[Client, Mailbox, Jpki, MovableClock, Callable[..., Citizen]]:
    return client, account_services, jpki, clock, make_citizen


def expiring_worker(make: Callable[..., Citizen], clock: MovableClock, days: int = 30) -> Citizen:
    return make(
        status="verified",
        residency="worker",
        verified_until=clock.now().date() + timedelta(days=days),
    )


def renewal_card(jpki: Jpki, facts: CardFacts = HOLDER) -> str:
    reply = jpki.verify(jpki.card(facts=facts), jpki.challenge("renewal"))
    assert reply.status == 201, reply.body
    return str(reply.json["verificationId"])


def apply(client: Client, citizen: Citizen, verification_id: str, **changes: Any) -> Any:
    body = {**FORM, "verificationId": verification_id, **changes}
    return client.post("/v1/renewals", json_body=body, token=citizen.token)


def test_a_worker_may_renew_from_two_months_before_the_end_until_a_year_after(
    setup: Any,
) -> None:
    client, _, _, clock, make = setup
    today = clock.now().date()
    early = make(status="verified", residency="worker", verified_until=today + timedelta(days=90))
    window = client.get("/v1/me/renewal", token=early.token).json
    opens = add_months(today + timedelta(days=90), -2)
    assert window["possible"] is False and window["reasonCode"] == "not_yet"
    assert window["from"] == opens.isoformat()
    assert opens.isoformat() in window["reason"]
    due = expiring_worker(make, clock)
    window = client.get("/v1/me/renewal", token=due.token).json
    assert (window["possible"], window["rosterRequired"]) == (True, False)
    assert window["until"] == add_months(today + timedelta(days=30), 12).isoformat()
    lapsed = make(status="verified", residency="worker", verified_until=today - timedelta(days=40))
    assert client.get("/v1/me/renewal", token=lapsed.token).json["possible"] is True
    too_late = make(status="verified", residency="worker", verified_until=add_months(today, -13))
    window = client.get("/v1/me/renewal", token=too_late.token, lang="en").json
    assert (window["possible"], window["reasonCode"]) == (False, "too_late")
    assert "counter" in window["reason"]


def test_residents_and_unverified_accounts_have_nothing_to_renew(setup: Any) -> None:
    client, _, _, _, make = setup
    resident = make(status="verified")
    assert client.get("/v1/me/renewal", token=resident.token).json["reasonCode"] == "no_expiry"
    provisional = make(status="provisional", residency="worker")
    reply = client.get("/v1/me/renewal", token=provisional.token).json
    assert (reply["possible"], reply["reasonCode"]) == (False, "not_verified")


def test_a_municipality_may_give_residents_a_renewal_period(
    setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yoyaku.settings import forget as forget_settings

    client, _, _, clock, make = setup
    monkeypatch.setenv("RENEWAL_POLICIES", "worker:24:2:12,resident:36:3:6")
    forget_settings()
    today = clock.now().date()
    resident = make(status="verified", verified_until=today + timedelta(days=60))
    window = client.get("/v1/me/renewal", token=resident.token).json
    assert window["possible"] is True
    assert window["until"] == add_months(today + timedelta(days=60), 6).isoformat()


def test_an_expiring_worker_renews_by_card_and_approval_extends_two_years(setup: Any) -> None:
    client, mailbox, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    end = clock.now().date() + timedelta(days=30)
    reply = apply(client, worker, renewal_card(jpki))
    assert reply.status == 202, reply.body
    number = reply.json["applicationNumber"]
    assert len(number) == 6 and number.isdigit()
    assert reply.json == {
        "applicationId": number,
        "applicationNumber": number,
        "type": "renewal",
        "status": "received",
    }
    mail = mailbox.find(worker.email, number)
    assert mail is not None and "更新の申請を受け付けました" in mail.body
    window = client.get("/v1/me/renewal", token=worker.token).json
    assert (window["possible"], window["openApplicationNumber"]) == (False, number)
    again = apply(client, worker, renewal_card(jpki))
    assert again.status == 409 and number in again.json["detail"]

    history = client.get("/v1/me/applications", token=worker.token).json["items"]
    assert [(a["applicationId"], a["type"], a["status"]) for a in history] == [
        (number, "renewal", "received")
    ]
    reviews.apply_decision(number, Decision.APPROVE, None)
    found = user_store.get(worker.user_number)
    assert found is not None
    user = found[0]
    assert user.verified_until == add_months(end, 24)  # from the old end: nothing lost
    assert user.lottery_result_email is False
    profile = user_store.profile(worker.user_number)
    assert profile is not None and profile.address is not None
    assert (profile.phone, profile.name_kana) == ("09012345678", "ミナト\u3000タロウ")
    assert profile.address.street == "芝公園1-5-25"  # the same address is kept as typed
    me = client.get("/v1/me", token=worker.token).json
    assert (me["status"], me["verifiedUntil"]) == ("verified", add_months(end, 24).isoformat())
    done = mailbox.find(worker.email, number)
    assert done is not None and "利用者登録を更新しました" in done.body
    assert add_months(end, 24).isoformat() in done.body
    # The review has ended: nothing is open any more, and renewal is not due again yet.
    assert client.get("/v1/me/renewal", token=worker.token).json["reasonCode"] == "not_yet"


def test_a_changed_address_on_the_card_updates_the_account_once_approved(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    moved = CardFacts.model_validate(
        {**HOLDER.model_dump(mode="json"), "address": "埼玉県上尾市本町三丁目1番1号"}
    )
    reply = apply(client, worker, renewal_card(jpki, moved))
    assert reply.status == 202, reply.body
    before = user_store.profile(worker.user_number)
    assert before is not None and before.address is not None
    assert before.address.city == "港区"  # nothing changes before approval
    record = application_store.get(reply.json["applicationId"])
    assert record is not None and record.renewal and record.renewal.address_changed is True
    reviews.apply_decision(reply.json["applicationId"], Decision.APPROVE, None)
    after = user_store.profile(worker.user_number)
    assert after is not None and after.address is not None
    assert after.address.model_dump() == {
        "postalCode": None,
        "prefecture": "埼玉県",
        "city": "上尾市",
        "street": "本町三丁目1番1号",
    }


def test_the_card_must_be_the_account_holders(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    other = CardFacts.model_validate(
        {**HOLDER.model_dump(mode="json"), "name": "港　次郎", "birthdate": "1991-04-01"}
    )
    verification = renewal_card(jpki, other)
    reply = apply(client, worker, verification)
    assert reply.status == 422 and reply.json["code"] == "IDENTITY_MISMATCH"
    assert len(reply.json["errors"]) == 2
    assert application_store.for_user(worker.user_number) == []
    # A verification for a registration, or one used already, proves no renewal.
    registration = jpki.verify(jpki.card(facts=HOLDER), jpki.challenge("registration"))
    reply = apply(client, worker, registration.json["verificationId"])
    assert reply.status == 422 and reply.json["errors"][0]["field"] == "verificationId"
    good = renewal_card(jpki)
    assert apply(client, worker, good).status == 202
    worker2 = expiring_worker(make, clock)
    reused = apply(client, worker2, good)
    assert reused.status == 422 and reused.json["errors"][0]["field"] == "verificationId"


def test_bad_forms_get_field_errors_and_file_nothing(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    reply = apply(client, worker, renewal_card(jpki), phone="abc", nameKana="港", extra=1)
    assert reply.status == 422
    fields = {e["field"] for e in reply.json["errors"]}
    assert {"phone", "nameKana", "extra"} <= fields
    assert application_store.for_user(worker.user_number) == []
    unsigned = client.post("/v1/renewals", json_body=FORM)
    assert unsigned.status == 401


def test_a_worker_renews_early_or_not_before_the_window(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    early = make(
        status="verified",
        residency="worker",
        verified_until=clock.now().date() + timedelta(days=200),
    )
    reply = apply(client, early, renewal_card(jpki))
    assert reply.status == 409 and reply.json["code"] == "CONFLICT"


def _booked(citizen: Citizen, facility_id: str, day: date, now: datetime) -> None:
    reservation = Reservation(
        reservation_number="9000000001",
        facility_id=facility_id,
        facility_name="上平公民館",
        resource_type_id="arena",
        date=day,
        start="09:00",
        end="12:00",
        quantity=1,
        party=[{"night": 1, "adults": 10}],  # type: ignore[list-item]
        status="confirmed",
        source="direct",
        created_at=now,
        change_deadline=day,
        cancel_deadline=day,
    )
    owner = Owner.citizen(citizen.user_number)
    booking_store.reservation_item(
        reservation.reservation_number,
        owner,
        reservation,
        [Unit(day, "0900", 1)],
        secret_hash=None,
    ).save()


def test_users_of_a_facility_kept_at_the_counter_are_sent_there(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    hall = facility(
        "kamihira-hall",
        {**GYM, "name": "上平公民館", "address": "上尾市上平1-1", "onlineRenewal": False},
    )
    catalog_store.save(hall)
    catalog.forget_facilities()
    worker = expiring_worker(make, clock)
    _booked(worker, "kamihira-hall", clock.now().date() - timedelta(days=100), clock.now())
    window = client.get("/v1/me/renewal", token=worker.token).json
    assert (window["possible"], window["reasonCode"]) == (False, "not_available_online")
    assert window["counterFacilities"] == [
        {"facilityId": "kamihira-hall", "name": "上平公民館", "address": "上尾市上平1-1"}
    ]
    assert "上平公民館" in window["reason"] and "窓口" in window["reason"]
    reply = apply(client, worker, renewal_card(jpki))
    assert reply.status == 422
    assert reply.json["code"] == "RENEWAL_NOT_AVAILABLE_ONLINE"
    assert "上尾市上平1-1" in reply.json["detail"]
    assert application_store.for_user(worker.user_number) == []


def test_a_returned_renewal_is_closed_and_the_citizen_applies_again(setup: Any) -> None:
    client, mailbox, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    first = apply(client, worker, renewal_card(jpki)).json["applicationId"]
    reviews.apply_decision(first, Decision.RETURN, "名簿が不明瞭でした。再度申請をお願いします。")
    returned = mailbox.find(worker.email, first)
    assert returned is not None and "申請をやり直してください" in returned.body
    assert "名簿が不明瞭でした" in returned.body
    resubmit = client.post(f"/v1/me/applications/{first}/resubmission", token=worker.token)
    assert resubmit.status == 409
    assert client.get("/v1/me/renewal", token=worker.token).json["possible"] is True
    second = apply(client, worker, renewal_card(jpki))
    assert second.status == 202 and second.json["applicationId"] != first
    statuses = [
        (a["applicationId"], a["status"])
        for a in client.get("/v1/me/applications", token=worker.token).json["items"]
    ]
    assert statuses == [(first, "returned"), (second.json["applicationId"], "received")]
    found = user_store.get(worker.user_number)
    assert found is not None and found[0].verified_until == clock.now().date() + timedelta(days=30)


def test_staff_see_what_was_applied_for_beside_the_account(setup: Any, staff_token: str) -> None:
    client, _, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    number = apply(client, worker, renewal_card(jpki)).json["applicationId"]
    queue = client.get("/v1/staff/reviews?status=received", token=staff_token).json["items"]
    assert [(i["applicationId"], i["type"]) for i in queue] == [(number, "renewal")]
    detail = client.get(f"/v1/staff/reviews/{number}", token=staff_token).json
    assert detail["type"] == "renewal" and detail["status"] == "accepted"
    assert detail["renewal"]["card"]["name"] == "港　太郎"
    assert detail["renewal"]["addressChanged"] is False
    assert detail["renewal"]["phone"] == "09012345678"


def test_the_idempotency_key_returns_the_first_answer(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    body = {**FORM, "verificationId": renewal_card(jpki)}
    headers = {"Idempotency-Key": "renew-1"}
    first = client.post("/v1/renewals", json_body=body, token=worker.token, headers=headers)
    retry = client.post("/v1/renewals", json_body=body, token=worker.token, headers=headers)
    assert first.status == retry.status == 202
    assert first.json == retry.json
    assert len(application_store.for_user(worker.user_number)) == 1


def test_the_form_is_saved_for_seven_days_without_files(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    worker = expiring_worker(make, clock)
    assert client.get("/v1/me/renewal-draft", token=worker.token).status == 404
    saved = client.put(
        "/v1/me/renewal-draft",
        json_body={"phone": "0901234", "nameKana": "ミナト"},
        token=worker.token,
    )
    assert saved.status == 200, saved.body
    got = client.get("/v1/me/renewal-draft", token=worker.token).json
    assert (got["phone"], got["nameKana"], got["lotteryResultEmail"]) == (
        "0901234",
        "ミナト",
        None,
    )
    files = client.put(
        "/v1/me/renewal-draft", json_body={"rosterUploadId": "x"}, token=worker.token
    )
    assert files.status == 422
    clock.advance(timedelta(days=7, seconds=1))
    assert client.get("/v1/me/renewal-draft", token=worker.token).status == 404
    client.put("/v1/me/renewal-draft", json_body={"phone": "090"}, token=worker.token)
    clock.advance(timedelta(days=-7, seconds=-1))
    assert apply(client, worker, renewal_card(jpki)).status == 202
    assert client.get("/v1/me/renewal-draft", token=worker.token).status == 404


def test_card_addresses_split_into_the_accounts_fields() -> None:
    assert split_address("東京都港区芝公園一丁目5番25号").model_dump() == {
        "prefecture": "東京都",
        "city": "港区",
        "street": "芝公園一丁目5番25号",
    }
    assert split_address("埼玉県さいたま市大宮区桜木町1-7-5").city == "さいたま市大宮区"
    assert split_address("北海道上川郡東川町東町1-16-1").city == "上川郡東川町"
    assert split_address("神奈川県横浜市中区本町6-50-10").prefecture == "神奈川県"


# ------------------------------------------------------------------ groups: the roster (名簿)

CLUB = {"name": "上尾テニスクラブ", "nameKana": "アゲオ テニス クラブ", "members": 12}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(56)


def _roster_upload(client: Client, group: Citizen, content: bytes = PNG) -> str:
    """What the mini-app does for 名簿: a presigned POST, then the upload check."""
    import boto3

    from yoyaku.services import proofs as proof_check
    from yoyaku.settings import settings

    upload = client.post("/v1/me/roster-upload", token=group.token)
    assert upload.status == 201, upload.body
    key = upload.json["fields"]["key"]
    boto3.client("s3").put_object(
        Bucket=settings().proof_bucket, Key=key, Body=content, ContentType="image/png"
    )
    proof_check.check_upload(key)
    return str(upload.json["uploadId"])


def test_a_group_that_uses_roster_facilities_renews_with_a_new_roster(
    setup: Any, staff_token: str
) -> None:
    client, _, jpki, clock, make = setup
    group = make(
        status="verified",
        residency="worker",
        verified_until=clock.now().date() + timedelta(days=30),
        group=CLUB,
        roster_accepted=True,
    )
    window = client.get("/v1/me/renewal", token=group.token).json
    assert (window["possible"], window["rosterRequired"]) == (True, True)
    without = apply(client, group, renewal_card(jpki))
    assert without.status == 422 and without.json["code"] == "ROSTER_REQUIRED"
    assert "名簿" in without.json["detail"]
    unknown = apply(client, group, renewal_card(jpki), rosterUploadId="upl_unknown")
    assert unknown.status == 422 and unknown.json["errors"][0]["field"] == "rosterUploadId"
    refused = _roster_upload(client, group, b"<html>not an image</html>")
    bad = apply(client, group, renewal_card(jpki), rosterUploadId=refused)
    assert (
        bad.status == 422
        and "名簿の画像を受け付けできませんでした" in bad.json["errors"][0]["message"]
    )
    assert application_store.for_user(group.user_number) == []

    reply = apply(client, group, renewal_card(jpki), rosterUploadId=_roster_upload(client, group))
    assert reply.status == 202, reply.body
    number = reply.json["applicationId"]
    detail = client.get(f"/v1/staff/reviews/{number}", token=staff_token).json
    assert detail["roster"] == {"required": True, "present": True, "problem": None}
    assert detail["rosterDocumentUrl"]
    reviews.apply_decision(number, Decision.APPROVE, None)
    me = client.get("/v1/me", token=group.token).json
    assert me["rosterAccepted"] is True
    assert (
        me["verifiedUntil"] == add_months(clock.now().date() + timedelta(days=30), 24).isoformat()
    )


def test_individuals_and_groups_without_roster_facilities_need_no_roster(setup: Any) -> None:
    client, _, jpki, clock, make = setup
    group = make(
        status="verified",
        residency="worker",
        verified_until=clock.now().date() + timedelta(days=30),
        group=CLUB,
    )
    assert client.get("/v1/me/renewal", token=group.token).json["rosterRequired"] is False
    assert apply(client, group, renewal_card(jpki)).status == 202
    individual = expiring_worker(make, clock)
    assert client.get("/v1/me/renewal", token=individual.token).json["rosterRequired"] is False
    odd = apply(client, individual, renewal_card(jpki), rosterUploadId="upl_x")
    assert odd.status == 422 and odd.json["errors"][0]["field"] == "rosterUploadId"
