"""LINE over HTTP on the local runtime: a citizen links LINE from the mini-app, signs in
with LINE, and sees each review step as a LINE message in the fake platform's outbox."""

from __future__ import annotations

import itertools
import os
from typing import Any

from tests.e2e.accounts import (
    Citizen,
    bearer,
    registered,
    staff_decides,
    wait_for_mail,
    wait_until,
)
from tests.e2e.conftest import LocalService

# Unique per test run and process: the service is shared by the whole session.
_users = itertools.count(os.getpid() % 10_000 * 10_000)


def line_user() -> str:
    return f"U{next(_users):032x}"


def id_token(service: LocalService, user: str, nonce: str | None = None) -> str:
    body: dict[str, Any] = {"lineUserId": user}
    if nonce is not None:
        body["nonce"] = nonce
    response = service.call("POST", "/_local/line/id-tokens", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["idToken"]
    return token


def line_messages(service: LocalService, user: str) -> list[list[str]]:
    items = service.call("GET", "/_local/line/outbox").json()["items"]
    return [[m["text"] for m in item["messages"]] for item in items if item["to"] == user]


def link(citizen: Citizen, user: str, **body: Any) -> int:
    response = citizen.service.call(
        "PUT",
        "/v1/me/line",
        json={"idToken": id_token(citizen.service, user), **body},
        headers=bearer(citizen.token),
    )
    return response.status_code


def test_a_linked_citizen_signs_in_with_line_and_follows_the_review_there(
    service: LocalService,
) -> None:
    citizen = registered(service)
    user = line_user()
    application_id = citizen.application_id()

    # The mini-app tries LINE first: not linked yet, so the citizen signs in once with
    # the user number and links LINE.
    first = service.call("POST", "/v1/line/sessions", json={"idToken": id_token(service, user)})
    assert first.status_code == 404 and first.json()["code"] == "LINE_NOT_LINKED"
    assert link(citizen, user) == 204
    wait_for_mail(service, citizen.email, "LINE連携を設定しました")

    signed_in = service.call("POST", "/v1/line/sessions", json={"idToken": id_token(service, user)})
    assert signed_in.status_code == 201, signed_in.text
    line_session = bearer(signed_in.json()["token"])
    me = service.call("GET", "/v1/me", headers=line_session).json()
    assert me["userNumber"] == citizen.user_number

    staff = bearer(service.staff_token())
    assert service.call("GET", f"/v1/staff/reviews/{application_id}", headers=staff).ok
    returned = staff_decides(service, application_id, "return", "住所の番地を確認してください。")
    assert returned.status_code == 200, returned.text
    wait_until(lambda: len(line_messages(service, user)) == 2, "the return on LINE")
    resubmitted = service.call(
        "POST", f"/v1/me/applications/{application_id}/resubmission", headers=line_session
    )
    assert resubmitted.status_code == 200, resubmitted.text
    wait_until(lambda: len(line_messages(service, user)) == 3, "the new receipt on LINE")
    wait_until(
        lambda: staff_decides(service, application_id, "approve").status_code == 200,
        "the review waiting for staff again",
    )
    wait_until(lambda: len(line_messages(service, user)) == 4, "the completion on LINE")

    accepted, returned_texts, received, completed = line_messages(service, user)
    assert accepted[0].startswith("申請を受理いたしました。")
    assert returned_texts[0].startswith("内容に不備等があるため、申請が差し戻しされました。")
    assert returned_texts[1].startswith("住所の番地を確認してください。")
    assert received[0].startswith("申請を受け付けました。")
    assert completed[0].startswith("処理が完了しました。")
    for message in (accepted, returned_texts, received, completed):
        assert f"申請番号：{application_id}" in message[0]
        assert message[-1].rstrip().endswith("/me/applications")
    # The e-mails went as before.
    wait_for_mail(service, citizen.email, f"申請番号 {application_id}")


def test_unlinking_signs_line_out(service: LocalService) -> None:
    citizen = registered(service)
    user = line_user()
    assert link(citizen, user) == 204
    token = service.call(
        "POST", "/v1/line/sessions", json={"idToken": id_token(service, user)}
    ).json()["token"]

    unlinked = service.call("DELETE", "/v1/me/line", headers=bearer(citizen.token))
    assert unlinked.status_code == 204
    assert service.call("GET", "/v1/me", headers=bearer(token)).status_code == 401
    assert citizen.get("/v1/me").status_code == 200
    again = service.call("POST", "/v1/line/sessions", json={"idToken": id_token(service, user)})
    assert again.status_code == 404
    assert citizen.get("/v1/me/line").json()["linked"] is False


def test_tokens_follow_the_application_clock_and_nonces_work_once(
    service: LocalService,
) -> None:
    citizen = registered(service)
    user = line_user()
    assert link(citizen, user) == 204
    old = id_token(service, user)
    try:
        service.move_clock(2 * 3600)
        expired = service.call("POST", "/v1/line/sessions", json={"idToken": old})
        assert expired.status_code == 401
        assert expired.json()["code"] == "LINE_TOKEN_INVALID"
        fresh = id_token(service, user)  # minted at the moved clock's now
        assert service.call("POST", "/v1/line/sessions", json={"idToken": fresh}).ok
    finally:
        service.move_clock(0)

    once = id_token(service, user, nonce=f"nonce-{user}")
    assert service.call("POST", "/v1/line/sessions", json={"idToken": once}).status_code == 201
    replay = service.call(
        "POST", "/v1/line/sessions", json={"idToken": once}, headers={"Accept-Language": "en"}
    )
    assert replay.status_code == 401
    assert "already used" in replay.json()["detail"]


def test_the_local_token_route_checks_its_input(service: LocalService) -> None:
    for body in ({}, {"lineUserId": "someone"}, {"lineUserId": "U" + "0" * 32, "nonce": 5}):
        response = service.call("POST", "/_local/line/id-tokens", json=body)
        assert response.status_code == 422
        assert response.headers["Content-Type"] == "application/problem+json"
