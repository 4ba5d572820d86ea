"""Citizen accounts over HTTP: registration, review, sign-in and passwords (issue 3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import requests

from tests.e2e.accounts import (
    HTML,
    PNG,
    bearer,
    form,
    link_token,
    mails_to,
    register,
    registered,
    review_queue,
    staff_decides,
    upload,
    wait_for_mail,
    wait_until,
)
from tests.e2e.conftest import LocalService


def test_resident_registers_confirms_signs_in_and_is_approved(service: LocalService) -> None:
    citizen = register(service)
    assert citizen.registration["status"] == "awaiting_email_confirmation"
    assert citizen.registration.get("proofUpload") is None

    confirmed = citizen.confirm()
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["status"] == "provisional"
    assert len(citizen.user_number) == 6 and citizen.user_number.isdigit()
    issued = wait_for_mail(service, citizen.email, "利用者番号のお知らせ")
    assert citizen.user_number in issued["body"]
    now = datetime.fromisoformat(service.call("GET", "/_local/clock").json()["now"])
    assert abs(datetime.fromisoformat(issued["sentAt"]) - now) < timedelta(minutes=5)

    assert citizen.sign_in().status_code == 201
    me = citizen.get("/v1/me").json()
    assert me == {
        "userNumber": citizen.user_number,
        "nameKanji": "港　太郎",
        "residency": "resident",
        "status": "provisional",
        "verifiedUntil": None,
        "lotteryResultEmail": True,
        "userType": "individual",
        "group": None,
        "rosterAccepted": False,
    }

    application_id = citizen.application_id()
    staff = bearer(service.staff_token())
    assert application_id in [a["applicationId"] for a in review_queue(service)]
    opened = service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff)
    assert opened.status_code == 200
    assert opened.json()["status"] == "accepted"
    assert opened.json()["applicant"]["nameKana"] == "ミナト　タロウ"
    wait_for_mail(service, citizen.email, f"申請番号 {application_id}")

    decided = staff_decides(service, application_id, "approve")
    assert decided.status_code == 200, decided.text
    wait_until(lambda: citizen.get("/v1/me").json()["status"] == "verified", "verified")
    history = citizen.get("/v1/me/applications").json()["items"][-1]
    assert [h["status"] for h in history["history"]] == ["received", "accepted", "completed"]

    again = staff_decides(service, application_id, "reject", "二重の判定")
    assert again.status_code == 409 and again.json()["code"] == "CONFLICT"
    assert citizen.get("/v1/me").json()["status"] == "verified"


def test_worker_uploads_a_png_and_is_verified_for_two_years(service: LocalService) -> None:
    citizen = register(service, "worker")
    proof = citizen.registration["proofUpload"]
    assert proof["maxBytes"] == 10 * 1024 * 1024
    assert proof["contentTypes"] == ["image/jpeg", "image/png"]
    assert upload(proof, PNG, "proof.png", "image/png") in (200, 201, 204)
    assert citizen.confirm().status_code == 201
    assert citizen.sign_in().status_code == 201

    application_id = citizen.application_id()
    staff = bearer(service.staff_token())
    detail = service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff).json()
    assert detail["proof"] == {"required": True, "present": True, "problem": None}
    document = requests.get(detail["proofDocumentUrl"], timeout=10)
    assert document.status_code == 200 and document.content == PNG
    assert detail["applicant"]["workplace"]["name"] == "港商事株式会社"

    assert staff_decides(service, application_id, "approve").status_code == 200
    me = wait_until(
        lambda: (m := citizen.get("/v1/me").json())["status"] == "verified" and m, "verified"
    )
    today = service.today()
    until = date.fromisoformat(me["verifiedUntil"])
    assert (until.year - today.year, until.month, until.day) == (2, today.month, today.day) or (
        today.month == 2 and today.day == 29
    )


def test_an_html_file_named_png_is_refused_and_deleted(service: LocalService) -> None:
    citizen = register(service, "worker")
    proof = citizen.registration["proofUpload"]
    upload(proof, HTML, "proof.png", "image/png")
    refusal = wait_for_mail(service, citizen.email, "受け付けできませんでした")
    assert "画像" in refusal["body"]
    assert citizen.confirm().status_code == 201
    application_id = wait_until(lambda: citizen.sign_in().status_code == 201, "sign-in") and (
        citizen.application_id()
    )
    staff = bearer(service.staff_token())
    detail = service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff).json()
    assert detail["proof"]["present"] is False
    assert "JPEG or PNG" in detail["proof"]["problem"]
    assert detail["proofDocumentUrl"] is None


def test_returned_application_is_resubmitted_with_a_new_upload(service: LocalService) -> None:
    citizen = registered(service, "worker")
    application_id = citizen.application_id()
    returned = staff_decides(service, application_id, "return", "勤務先の証明書が不鮮明でした。")
    assert returned.status_code == 200
    wait_until(
        lambda: citizen.get("/v1/me/applications").json()["items"][-1]["status"] == "returned",
        "returned",
    )
    mail = wait_for_mail(service, citizen.email, f"申請番号 {application_id}")
    history = citizen.get("/v1/me/applications").json()["items"][-1]["history"]
    assert history[-1]["reason"] == "勤務先の証明書が不鮮明でした。"
    assert any("不鮮明" in m["body"] for m in mails_to(service, citizen.email)) or mail

    new_upload = service.call("POST", "/v1/me/proof-document", headers=bearer(citizen.token))
    assert new_upload.status_code == 201, new_upload.text
    upload(new_upload.json(), PNG, "better.png", "image/png")
    wait_until(
        lambda: citizen.get("/v1/me/applications").json()["items"][-1]["status"] == "received",
        "resubmitted",
    )
    # The workflow is waiting for staff again: a decision now completes it.
    decided = wait_until(
        lambda: (r := staff_decides(service, application_id, "approve")).status_code == 200 and r,
        "staff wait",
    )
    assert decided.json()["status"] == "completed"
    wait_until(lambda: citizen.get("/v1/me").json()["status"] == "verified", "verified")


def test_rejection_closes_the_account(service: LocalService) -> None:
    citizen = registered(service)
    application_id = citizen.application_id()
    stay = (service.today() + timedelta(days=24)).isoformat()
    hold = service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": "minato-atagawa",
            "resourceTypeId": "washitsu",
            "date": stay,
            "nights": 1,
            "quantity": 1,
        },
        headers=bearer(citizen.token),
    ).json()
    booked = service.call(
        "POST",
        "/v1/reservations",
        json={"holdId": hold["holdId"], "party": [{"night": 1, "adults": 2}]},
        headers=bearer(citizen.token),
    )
    assert booked.status_code == 201, booked.text
    number = booked.json()["reservationNumber"]

    def free() -> int:
        days = service.call(
            "GET",
            "/v1/facilities/minato-atagawa/availability",
            params={"from": stay, "to": stay},
        ).json()["days"]
        return int(days[0]["available"])

    before = free()
    assert staff_decides(service, application_id, "reject", "区内在住を確認できませんでした。").ok
    wait_until(lambda: citizen.get("/v1/me").status_code == 401, "session ended")
    refused = citizen.sign_in()
    assert refused.status_code == 403
    assert refused.json()["code"] == "NOT_ELIGIBLE"
    mail = wait_for_mail(service, citizen.email, f"申請番号 {application_id}")
    assert any(
        "区内在住を確認できませんでした" in m["body"] for m in mails_to(service, citizen.email)
    )
    assert mail
    # The future reservation is cancelled and its room is free again.
    wait_until(lambda: free() == before + 1, f"reservation {number} cancelled")
    staff = bearer(service.staff_token())
    detail = service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff).json()
    assert detail["status"] == "rejected"


def test_a_second_decision_without_reason_is_invalid(service: LocalService) -> None:
    citizen = registered(service)
    response = staff_decides(service, citizen.application_id(), "return")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_confirmation_link_expires_after_24_hours(service: LocalService) -> None:
    citizen = register(service)
    try:
        service.move_clock(24 * 3600 + 60)
        expired = citizen.confirm()
        assert expired.status_code == 410
        assert expired.json()["code"] == "LINK_EXPIRED"
    finally:
        service.move_clock(0)


def test_links_are_single_use_and_unknown_ones_invalid(service: LocalService) -> None:
    citizen = register(service)
    assert citizen.confirm().status_code == 201
    reused = citizen.confirm()
    assert reused.status_code == 409 and reused.json()["code"] == "LINK_ALREADY_USED"
    bogus = service.call("POST", "/v1/registrations/confirm", json={"token": "nope"})
    assert bogus.status_code == 400 and bogus.json()["code"] == "LINK_INVALID"


def test_lockout_after_five_failures_and_its_end(service: LocalService) -> None:
    citizen = register(service)
    assert citizen.confirm().status_code == 201
    for _ in range(4):
        failed = citizen.sign_in("wrong-password")
        assert failed.status_code == 401 and failed.json()["code"] == "INVALID_CREDENTIALS"
    locked = citizen.sign_in("wrong-password")
    assert locked.status_code == 423
    assert locked.json()["code"] == "ACCOUNT_LOCKED"
    assert "retryAt" in locked.json()
    assert citizen.sign_in().status_code == 423  # even the right password waits
    try:
        service.move_clock(16 * 60)
        assert citizen.sign_in().status_code == 201
    finally:
        service.move_clock(0)
    assert citizen.sign_in("wrong-password").json()["code"] == "INVALID_CREDENTIALS"


def test_password_reset_answers_alike_and_ends_sessions(service: LocalService) -> None:
    citizen = registered(service)
    known = service.call(
        "POST",
        "/v1/password-resets",
        json={"userNumber": citizen.user_number, "email": citizen.email},
    )
    unknown = service.call(
        "POST", "/v1/password-resets", json={"userNumber": "999999", "email": "x@example.jp"}
    )
    wrong_mail = service.call(
        "POST",
        "/v1/password-resets",
        json={"userNumber": citizen.user_number, "email": "other@example.jp"},
    )
    assert known.status_code == unknown.status_code == wrong_mail.status_code == 202
    assert known.json() == unknown.json() == wrong_mail.json()

    mail = wait_for_mail(service, citizen.email, "パスワードの再設定")
    token = link_token(mail)
    weak = service.call(
        "POST", "/v1/password-resets/confirm", json={"token": token, "newPassword": "19900401"}
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "newPassword"
    done = service.call(
        "POST",
        "/v1/password-resets/confirm",
        json={"token": token, "newPassword": "new-password-1"},
    )
    assert done.status_code == 204
    assert citizen.get("/v1/me").status_code == 401  # every session ended
    assert citizen.sign_in().status_code == 401
    assert citizen.sign_in("new-password-1").status_code == 201
    reused = service.call(
        "POST",
        "/v1/password-resets/confirm",
        json={"token": token, "newPassword": "another-password"},
    )
    assert reused.json()["code"] == "LINK_ALREADY_USED"


def test_password_change_ends_every_session(service: LocalService) -> None:
    citizen = registered(service)
    first = citizen.token
    assert citizen.sign_in().status_code == 201
    wrong = service.call(
        "PUT",
        "/v1/me/password",
        json={"currentPassword": "nope", "newPassword": "brand-new-pass"},
        headers=bearer(citizen.token),
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "currentPassword"
    changed = service.call(
        "PUT",
        "/v1/me/password",
        json={"currentPassword": citizen.form["password"], "newPassword": "brand-new-pass"},
        headers=bearer(citizen.token),
    )
    assert changed.status_code == 204
    assert service.call("GET", "/v1/me", headers=bearer(first)).status_code == 401
    assert citizen.get("/v1/me").status_code == 401
    assert citizen.sign_in("brand-new-pass").status_code == 201


def test_the_lottery_results_email_is_chosen_on_my_page(service: LocalService) -> None:
    citizen = registered(service)
    assert citizen.get("/v1/me").json()["lotteryResultEmail"] is True
    off = service.call(
        "PATCH", "/v1/me", json={"lotteryResultEmail": False}, headers=bearer(citizen.token)
    )
    assert off.status_code == 200 and off.json()["lotteryResultEmail"] is False
    assert citizen.get("/v1/me").json()["lotteryResultEmail"] is False
    for bad in ({"lotteryResultEmail": "maybe"}, {"nameKanji": "別人"}, {}):
        refused = service.call("PATCH", "/v1/me", json=bad, headers=bearer(citizen.token))
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert citizen.get("/v1/me").json()["lotteryResultEmail"] is False
    assert service.call("PATCH", "/v1/me", json={"lotteryResultEmail": True}).status_code == 401


def test_sign_out(service: LocalService) -> None:
    citizen = registered(service)
    assert (
        service.call("DELETE", "/v1/sessions/current", headers=bearer(citizen.token)).status_code
        == 204
    )
    assert citizen.get("/v1/me").status_code == 401


def test_users_see_only_their_own_applications(service: LocalService) -> None:
    alice, bob = registered(service), registered(service)
    alice_app = alice.application_id()
    bob_items = bob.get("/v1/me/applications").json()["items"]
    assert alice_app not in [a["applicationId"] for a in bob_items]
    staff_decides(service, alice_app, "return", "住所の確認が必要です。")
    wait_until(
        lambda: alice.get("/v1/me/applications").json()["items"][-1]["status"] == "returned",
        "returned",
    )
    stolen = service.call(
        "POST", f"/v1/me/applications/{alice_app}/resubmission", headers=bearer(bob.token)
    )
    assert stolen.status_code == 404


def test_citizen_token_is_refused_on_staff_routes(service: LocalService) -> None:
    citizen = registered(service)
    response = service.call("GET", "/v1/staff/reviews", headers=bearer(citizen.token))
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"
    staff_token = service.staff_token()
    assert service.call("GET", "/v1/me", headers=bearer(staff_token)).status_code == 403


def test_registering_a_known_address_reveals_nothing(service: LocalService) -> None:
    first = registered(service)
    again = service.call("POST", "/v1/registrations", json=form(email=first.email))
    assert again.status_code == 202
    assert set(again.json()) == {"registrationId", "status", "proofUpload", "rosterUpload"}
    wait_for_mail(service, first.email, "すでに登録されています")


def test_form_rules_name_each_field_in_both_languages(service: LocalService) -> None:
    bad = form(
        nameKana="港 太郎",
        phone="12-34",
        birthdate=service.today().replace(year=service.today().year - 17).isoformat(),
        password="short",
        agreeToTerms=False,
    )
    bad["address"]["postalCode"] = "12-345"
    ja = service.call("POST", "/v1/registrations", json=bad)
    assert ja.status_code == 422
    fields = {e["field"] for e in ja.json()["errors"]}
    assert {"nameKana", "phone", "address.postalCode"} <= fields
    en = service.call(
        "POST", "/v1/registrations", json=bad, headers={"Accept-Language": "en"}
    ).json()
    assert any("katakana" in e["message"] for e in en["errors"])

    rules = form(
        birthdate=service.today().replace(year=service.today().year - 17).isoformat(),
        password="19900401",
        agreeToTerms=False,
    )
    refused = service.call("POST", "/v1/registrations", json=rules).json()
    assert {e["field"] for e in refused["errors"]} == {"birthdate", "agreeToTerms"}
    birthdate_password = form(password="19900401")
    assert service.call("POST", "/v1/registrations", json=birthdate_password).json()["errors"] == [
        {
            "field": "password",
            "message": "生年月日はパスワードに使えません。別のパスワードを入力してください。",
        }
    ]
    worker_without_workplace = form()
    worker_without_workplace["residency"] = "worker"
    response = service.call("POST", "/v1/registrations", json=worker_without_workplace)
    assert response.json()["errors"][0]["field"] == "workplace"


def test_half_width_kana_and_hiragana_are_normalised(service: LocalService) -> None:
    citizen = registered(service, nameKana="みなと はなこ", nameKanji="𠮷野 花子")
    application_id = citizen.application_id()
    staff = bearer(service.staff_token())
    applicant = service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff).json()
    assert applicant["applicant"]["nameKana"] == "ミナト　ハナコ"
    assert applicant["applicant"]["nameKanji"] == "𠮷野　花子"
    assert applicant["applicant"]["phone"] == "0312345678"
    assert applicant["applicant"]["address"]["postalCode"] == "105-8511"
    assert "password" not in applicant["applicant"]
