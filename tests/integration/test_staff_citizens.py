"""Staff and citizens through the gateway: a citizen looked up by user number (status,
profile as registered, sign-in lock, applications with who opened them, reservations,
lottery entries), reservations found by user number, and a sign-in lock ended with a
reason (one audit record; a second unlock is refused and records nothing)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import CITIZEN_PASSWORD, session_token
from yoyaku.adapters import application_store, staff_store
from yoyaku.adapters.table import AuditItem
from yoyaku.domain.staff import Role

from .test_bookings_api import STAY, assert_invalid, assert_problem, book, inn  # noqa: F401


def audit_actions() -> Counter[str]:
    return Counter(i.action for i in AuditItem.scan())


def lock_out(client, user_number: str) -> None:
    """Five wrong passwords in a row: the sixth attempt must wait."""
    for _ in range(5):
        client.post("/v1/sessions", json_body={"userNumber": user_number, "password": "wrong"})
    refused = client.post(
        "/v1/sessions", json_body={"userNumber": user_number, "password": CITIZEN_PASSWORD}
    )
    assert_problem(refused, 423, "ACCOUNT_LOCKED")


def test_a_citizen_is_looked_up_with_status_profile_and_applications(
    client, staff_token, make_citizen, clock, mailbox
) -> None:
    citizen = make_citizen(status="verified")
    application_store.new_item(
        "900001", citizen.user_number, f"reg_{citizen.user_number}", "registration", clock.now()
    ).save()
    opened = client.get("/v1/staff/reviews/900001", token=staff_token)  # 受理, by whom
    assert opened.status == 200, opened.body

    reply = client.get(f"/v1/staff/citizens/{citizen.user_number}", token=staff_token)
    assert reply.status == 200, reply.body
    body = reply.json
    assert body["userNumber"] == citizen.user_number
    assert (body["nameKanji"], body["status"], body["residency"]) == (
        "港　太郎",
        "verified",
        "resident",
    )
    assert body["email"] == citizen.email
    assert body["profile"]["phone"] == "0312345678"
    assert body["profile"]["address"]["street"] == "芝公園1-5-25"
    assert body["signIn"] == {"failures": 0, "locked": False, "retryAt": None}
    [application] = body["applications"]
    assert application["applicationId"] == "900001"
    assert application["status"] == "accepted"
    assert [h["status"] for h in application["history"]] == ["received", "accepted"]
    assert application["history"][1]["by"] == {"staffId": "staff-1", "name": "テスト職員"}


def test_reservations_and_entries_are_listed_by_user_number(
    client,
    staff_token,
    inn,  # noqa: F811
    make_citizen,
) -> None:
    citizen, other = make_citizen(), make_citizen()
    mine = book(client, citizen, STAY, nights=2)
    book(client, other, STAY)
    reply = client.get(f"/v1/staff/citizens/{citizen.user_number}/reservations", token=staff_token)
    assert reply.status == 200, reply.body
    assert [r["reservationNumber"] for r in reply.json["items"]] == [mine["reservationNumber"]]
    entries = client.get(
        f"/v1/staff/citizens/{citizen.user_number}/lottery-entries", token=staff_token
    )
    assert entries.status == 200 and entries.json["items"] == []

    # the reservations screen's search: the rows carry who booked
    rows = client.get(f"/v1/staff/reservations?userNumber={citizen.user_number}", token=staff_token)
    assert rows.status == 200, rows.body
    [row] = rows.json["items"]
    assert row["reservation"]["reservationNumber"] == mine["reservationNumber"]
    assert row["guest"]["userNumber"] == citizen.user_number
    assert row["guest"]["phone"] == "0312345678"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/staff/citizens/{n}",
        "/v1/staff/citizens/{n}/reservations",
        "/v1/staff/citizens/{n}/lottery-entries",
        "/v1/staff/reservations?userNumber={n}",
    ],
)
def test_an_unknown_user_number_is_not_found_and_a_malformed_one_invalid(
    client, staff_token, path
) -> None:
    assert_problem(client.get(path.format(n="999999"), token=staff_token), 404, "NOT_FOUND")
    reply = client.get(path.format(n="12ab"), token=staff_token)
    assert_invalid(reply, "userNumber")


def test_a_locked_account_is_unlocked_once_with_a_reason(client, staff_token, make_citizen) -> None:
    citizen = make_citizen(with_password=True)
    lock_out(client, citizen.user_number)
    state = client.get(f"/v1/staff/citizens/{citizen.user_number}", token=staff_token).json
    assert state["signIn"]["locked"] is True and state["signIn"]["failures"] == 5
    assert state["signIn"]["retryAt"]

    path = f"/v1/staff/citizens/{citizen.user_number}/unlock"
    assert_invalid(client.post(path, json_body={"reason": ""}, token=staff_token), "reason")
    assert_invalid(client.post(path, json_body={}, token=staff_token), "reason")
    before = audit_actions()
    reply = client.post(path, json_body={"reason": "電話で本人確認済み"}, token=staff_token)
    assert reply.status == 200, reply.body
    assert reply.json == {"failures": 0, "locked": False, "retryAt": None}
    assert audit_actions() - before == Counter(["account.unlocked"])
    [record] = [i for i in AuditItem.scan() if i.action == "account.unlocked"]
    assert record.target_type == "citizen" and record.target_id == citizen.user_number
    assert record.reason == "電話で本人確認済み"

    # nothing left to unlock: refused, and nothing recorded
    again = client.post(path, json_body={"reason": "二度目"}, token=staff_token)
    assert_problem(again, 409, "CONFLICT")
    assert audit_actions() - before == Counter(["account.unlocked"])
    # the citizen signs in at once
    signed = client.post(
        "/v1/sessions",
        json_body={"userNumber": citizen.user_number, "password": CITIZEN_PASSWORD},
    )
    assert signed.status == 201, signed.body


def test_an_unknown_account_is_not_unlocked(client, staff_token) -> None:
    reply = client.post(
        "/v1/staff/citizens/999999/unlock", json_body={"reason": "x"}, token=staff_token
    )
    assert_problem(reply, 404, "NOT_FOUND")


def test_a_facility_manager_looks_up_but_may_not_unlock(client, make_citizen, clock) -> None:
    citizen = make_citizen(with_password=True)
    lock_out(client, citizen.user_number)
    staff_store.save(staff_store.StaffAccount("mgr", "施設", "!", Role.FACILITY_MANAGER))
    token = session_token("staff", "mgr", clock)
    assert client.get(f"/v1/staff/citizens/{citizen.user_number}", token=token).status == 200
    path = f"/v1/staff/citizens/{citizen.user_number}/unlock"
    refused = client.post(path, json_body={"reason": "x"}, token=token)
    assert_problem(refused, 403, "FORBIDDEN")
    # a reviewer may: reviewers answer citizens about their accounts
    staff_store.save(staff_store.StaffAccount("rev", "審査", "!", Role.REVIEWER))
    reviewer = session_token("staff", "rev", clock)
    assert client.post(path, json_body={"reason": "x"}, token=reviewer).status == 200


def test_citizens_and_anonymous_callers_are_refused(client, make_citizen) -> None:
    citizen = make_citizen()
    path = f"/v1/staff/citizens/{citizen.user_number}"
    assert client.get(path, token=citizen.token).status == 403
    assert client.get(path).status == 401
    unlock = client.post(f"{path}/unlock", json_body={"reason": "x"}, token=citizen.token)
    assert unlock.status == 403
