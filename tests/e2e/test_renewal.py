"""Renewal of a registration over HTTP on the local runtime (seed 000): a worker whose
two years are ending renews with a test My Number card, staff return it once and then
approve the second application, and each step reaches the citizen by LINE and e-mail
with the 申請番号; a user of a facility kept at the counter is sent there."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.accounts import (
    PNG,
    Citizen,
    bearer,
    register,
    staff_decides,
    upload,
    wait_for_mail,
    wait_until,
)
from tests.e2e.conftest import LocalService
from tests.e2e.test_line import line_messages, link

pytestmark = pytest.mark.e2e

DAY = 24 * 3600
# Registered and approved this many days ago, a worker's two years end about a month
# from now: inside the renewal window, which opens two months before the end.
APPROVED_DAYS_AGO = 700
CARD = {
    "name": "港　太郎",  # as the registration form (tests.e2e.accounts.form) typed it
    "address": "東京都港区芝公園一丁目5番25号",
    "birthdate": "1990-04-01",
    "gender": "1",
}


CLUB = {"name": "港ソフトボールクラブ", "nameKana": "ミナト ソフトボール クラブ", "members": 14}


def line_user() -> str:
    """A LINE user of its own (not test_line's counter: that module may be imported
    twice, by pytest and from here, and its sequence would then repeat)."""
    return f"U{uuid.uuid4().hex}"


def worker_approved_long_ago(service: LocalService, **changes: Any) -> tuple[Citizen, date]:
    """A worker (a group's representative with `userType="group"`) registered and
    approved APPROVED_DAYS_AGO (by the application clock), signed in again today; and
    the end of their verification. A group registers with its roster, which approval
    accepts: it uses the facilities that need one."""
    service.move_clock(-APPROVED_DAYS_AGO * DAY)
    try:
        citizen = register(service, "worker", **changes)
        assert upload(citizen.registration["proofUpload"], PNG, "p.png", "image/png") < 300
        if citizen.registration.get("rosterUpload"):
            assert upload(citizen.registration["rosterUpload"], PNG, "r.png", "image/png") < 300
        assert citizen.confirm().status_code == 201
        assert citizen.sign_in().status_code == 201
        application_id = citizen.application_id()
        staff = bearer(service.staff_token())
        service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff)
        assert staff_decides(service, application_id, "approve").status_code == 200
        me = wait_until(
            lambda: (m := citizen.get("/v1/me").json())["status"] == "verified" and m,
            "verified",
        )
    finally:
        service.move_clock(0)
    assert citizen.sign_in().status_code == 201  # the old session has long ended
    return citizen, date.fromisoformat(me["verifiedUntil"])


def renewal_verification(service: LocalService, **facts: str) -> str:
    """What the mini-app does at 認証: a renewal challenge signed by a test card."""
    card = service.call("POST", "/_local/mynumber-cards", json={**CARD, **facts, "state": "valid"})
    assert card.status_code == 201, card.text
    challenge = service.call("POST", "/v1/identity/challenges", json={"purpose": "renewal"})
    assert challenge.status_code == 201, challenge.text
    signed = service.call(
        "POST",
        f"/_local/mynumber-cards/{card.json()['cardId']}/signatures",
        json={"signedData": challenge.json()["signedData"]},
    )
    verified = service.call(
        "POST",
        "/v1/identity/verifications",
        json={"challengeId": challenge.json()["challengeId"], **signed.json()},
    )
    assert verified.status_code == 201, verified.text
    found: str = verified.json()["verificationId"]
    return found


def apply(citizen: Citizen, verification_id: str, roster: str | None = None) -> Any:
    body = {
        "verificationId": verification_id,
        "phone": "090-1234-5678",
        "nameKana": "ミナト タロウ",
        "lotteryResultEmail": True,
    }
    if roster:
        body["rosterUploadId"] = roster
    return citizen.service.call("POST", "/v1/renewals", json=body, headers=bearer(citizen.token))


def new_roster(citizen: Citizen) -> str:
    """名簿: a presigned upload of the roster image, straight to S3 (checked there)."""
    reply = citizen.service.call("POST", "/v1/me/roster-upload", headers=bearer(citizen.token))
    assert reply.status_code == 201, reply.text
    assert upload(reply.json(), PNG, "roster.png", "image/png") < 300
    return str(reply.json()["uploadId"])


def apply_when_checked(citizen: Citizen, roster: str) -> Any:
    """The roster check runs on S3's notification: apply once it has accepted the image."""

    def attempt() -> Any:
        reply = apply(citizen, renewal_verification(citizen.service), roster)
        return reply if reply.status_code == 202 else None

    return wait_until(attempt, "the roster checked", seconds=30)


def messages_with(service: LocalService, user: str, number: str) -> list[list[str]]:
    return [m for m in line_messages(service, user) if any(number in text for text in m)]


def test_an_expiring_worker_renews_by_card_through_a_return_and_an_approval(
    service: LocalService,
) -> None:
    citizen, ends = worker_approved_long_ago(service, userType="group", group=CLUB)
    user = line_user()
    assert link(citizen, user) == 204
    window = citizen.get("/v1/me/renewal").json()
    assert (window["possible"], window["rosterRequired"]) == (True, True), window
    assert window["verifiedUntil"] == ends.isoformat()
    without = apply(citizen, renewal_verification(service))
    assert without.status_code == 422 and without.json()["code"] == "ROSTER_REQUIRED"

    # The first application: received, opened by staff (accepted), returned with a reason.
    first = apply_when_checked(citizen, new_roster(citizen))
    number = first.json()["applicationNumber"]
    assert len(number) == 6 and number.isdigit()
    wait_for_mail(service, citizen.email, number)
    staff = bearer(service.staff_token())
    detail = service.call("GET", f"/v1/staff/reviews/{number}", headers=staff).json()
    assert (detail["type"], detail["status"]) == ("renewal", "accepted")
    assert detail["renewal"]["card"]["name"] == CARD["name"]
    assert detail["roster"]["present"] is True
    assert requests.get(detail["rosterDocumentUrl"], timeout=30).content == PNG
    reason = "名簿が不明瞭でした。再度申請をお願いします。"
    assert staff_decides(service, number, "return", reason).status_code == 200
    returned = wait_until(
        lambda: [m for m in messages_with(service, user, number) if len(m) == 2], "return"
    )
    assert "差し戻し" in returned[0][0] and reason in returned[0][1]
    first_steps = [m[0].splitlines()[0] for m in messages_with(service, user, number)]
    assert first_steps == [
        "申請を受け付けました。",
        "申請を受理いたしました。",
        "内容に不備等があるため、申請が差し戻しされました。",
    ]
    assert wait_until(lambda: citizen.get("/v1/me/renewal").json()["possible"], "reopened")

    # The second application is approved: two more years from the old end.
    second = apply_when_checked(citizen, new_roster(citizen))
    again = second.json()["applicationNumber"]
    assert again != number
    service.call("GET", f"/v1/staff/reviews/{again}", headers=staff)
    assert staff_decides(service, again, "approve").status_code == 200
    me = wait_until(
        lambda: (m := citizen.get("/v1/me").json())["verifiedUntil"] != ends.isoformat() and m,
        "renewed",
    )
    assert me["status"] == "verified"
    renewed = date.fromisoformat(me["verifiedUntil"])
    assert (renewed.year - ends.year, renewed.month) == (2, ends.month)
    steps = wait_until(
        lambda: (
            len(messages_with(service, user, again)) == 3 and messages_with(service, user, again)
        ),
        "three LINE messages",
    )
    assert [m[0].splitlines()[0] for m in steps] == [
        "申請を受け付けました。",
        "申請を受理いたしました。",
        "処理が完了しました。",
    ]
    assert all(f"申請番号：{again}" in m[0] for m in steps)
    assert all("利用者登録の更新" in m[0] for m in steps)
    mail = wait_for_mail(service, citizen.email, again)
    assert f"申請番号：{again}" in mail["body"]
    done = [
        m
        for m in service.call("GET", "/_local/outbox").json()["items"]
        if m["to"] == [citizen.email] and "利用者登録を更新しました" in m["body"]
    ]
    assert done and again in done[-1]["body"] and renewed.isoformat() in done[-1]["body"]
    history = citizen.get("/v1/me/applications").json()["items"]
    assert [(a["applicationId"], a["type"], a["status"]) for a in history[-2:]] == [
        (number, "renewal", "returned"),
        (again, "renewal", "completed"),
    ]


def test_a_user_of_a_facility_kept_at_the_counter_is_sent_there(service: LocalService) -> None:
    citizen, _ = worker_approved_long_ago(service)
    day = service.today() + timedelta(days=10)
    # the hall closes on Mondays and over the new year (12/29–1/3)
    while day.weekday() == 0 or not (1, 3) < (day.month, day.day) < (12, 29):
        day += timedelta(days=1)
    hold = service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": "ageo-kamihira-hall",
            "resourceTypeId": "meeting-room",
            "date": day.isoformat(),
            "start": "09:00",
            "slots": 1,
            "quantity": 1,
        },
        headers=bearer(citizen.token),
    )
    assert hold.status_code == 201, hold.text
    booked = service.call(
        "POST",
        "/v1/reservations",
        json={"holdId": hold.json()["holdId"], "party": [{"night": 1, "adults": 1}]},
        headers=bearer(citizen.token),
    )
    assert booked.status_code == 201, booked.text
    window = citizen.get("/v1/me/renewal").json()
    assert (window["possible"], window["reasonCode"]) == (False, "not_available_online")
    assert "上平公民館" in window["reason"]
    refused = apply(citizen, renewal_verification(service))
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "RENEWAL_NOT_AVAILABLE_ONLINE"
    assert "窓口" in refused.json()["detail"]
    applications = citizen.get("/v1/me/applications").json()["items"]
    assert [a["type"] for a in applications] == ["registration"]
