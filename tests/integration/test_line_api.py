"""LINE through the gateway (routes and authorizer of template.yaml), with the fake LINE
platform on loopback: linking, signing in with a LIFF ID token, unlinking, and every
way a token can be wrong. Pushes on application status changes are at the end."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from yoyaku.adapters import application_store, line_store
from yoyaku.adapters.table import ApplicationItem
from yoyaku.domain.account_kinds import ApplicationStatus, Decision
from yoyaku.domain.lottery import ResultsNotified
from yoyaku.domain.messages import Language
from yoyaku.services import reviews

from .helpers import drawn_lottery

if TYPE_CHECKING:
    from tests.conftest import Citizen, Client, Mailbox, MovableClock

PROBLEM_JSON = "application/problem+json"
_line_users = itertools.count(1)


def line_user() -> str:
    return f"U{next(_line_users):032x}"


@pytest.fixture
def line(line_platform: Any, mailbox: Mailbox) -> Any:
    """LINE ready, and SES able to send (linking confirms by e-mail)."""
    return line_platform


def link(client: Client, citizen: Citizen, id_token: str, **body: Any) -> Any:
    return client.put("/v1/me/line", json_body={"idToken": id_token, **body}, token=citizen.token)


def line_sign_in(client: Client, id_token: str, **body: Any) -> Any:
    return client.post("/v1/line/sessions", json_body={"idToken": id_token, **body})


def problem(reply: Any, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("Content-Type") == PROBLEM_JSON
    body: dict[str, Any] = reply.json
    assert body["code"] == code
    return body


def linked(client: Client, citizen: Citizen) -> dict[str, Any]:
    reply = client.get("/v1/me/line", token=citizen.token)
    assert reply.status == 200, reply.body
    status: dict[str, Any] = reply.json
    return status


# ------------------------------------------------------------------ linking and sign-in


def test_a_linked_line_user_signs_in_like_with_a_password(
    client: Client, line: Any, make_citizen: Callable[..., Citizen], clock: MovableClock
) -> None:
    citizen = make_citizen(status="verified")
    user = line_user()
    problem(line_sign_in(client, line.mint_id_token(user)), 404, "LINE_NOT_LINKED")

    assert link(client, citizen, line.mint_id_token(user)).status == 204
    reply = line_sign_in(client, line.mint_id_token(user))

    assert reply.status == 201, reply.body
    assert set(reply.json) == {"token", "expiresAt"}
    assert reply.json["expiresAt"].startswith((clock.now() + timedelta(hours=12)).isoformat()[:16])
    me = client.get("/v1/me", token=reply.json["token"])
    assert me.status == 200
    assert me.json["userNumber"] == citizen.user_number
    # The same kind of session: it opens the same routes, and signs out the same way.
    assert client.get("/v1/me/applications", token=reply.json["token"]).status == 200
    assert client.delete("/v1/sessions/current", token=reply.json["token"]).status == 204
    assert client.get("/v1/me", token=reply.json["token"]).status == 401


def test_linking_is_shown_confirmed_by_mail_and_idempotent(
    client: Client, line: Any, make_citizen: Callable[..., Citizen], mailbox: Mailbox
) -> None:
    citizen = make_citizen()
    assert linked(client, citizen) == {"linked": False, "linkedAt": None, "lotteryResults": False}
    user = line_user()

    assert link(client, citizen, line.mint_id_token(user)).status == 204
    status = linked(client, citizen)
    assert status["linked"] is True and status["lotteryResults"] is False
    assert "linkedAt" in status
    assert mailbox.find(citizen.email, "LINE連携を設定しました")

    # The same LINE user again (the LIFF app opened twice): nothing changes but the choice.
    assert link(client, citizen, line.mint_id_token(user), lotteryResults=True).status == 204
    again = linked(client, citizen)
    assert again == {**status, "lotteryResults": True}
    assert len([m for m in mailbox.to(citizen.email) if "LINE連携" in m.subject]) == 1


def test_an_account_links_one_line_user_and_a_line_user_one_account(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    first, second = make_citizen(), make_citizen()
    user, other_user = line_user(), line_user()
    assert link(client, first, line.mint_id_token(user)).status == 204

    taken = problem(link(client, second, line.mint_id_token(user)), 409, "CONFLICT")
    assert "別の利用者番号と連携されています" in taken["detail"]
    busy = problem(link(client, first, line.mint_id_token(other_user)), 409, "CONFLICT")
    assert "先に連携を解除してください" in busy["detail"]
    reply = client.put(
        "/v1/me/line",
        json_body={"idToken": line.mint_id_token(other_user)},
        token=first.token,
        lang="en",
    )
    assert "unlink that one first" in problem(reply, 409, "CONFLICT")["detail"]
    # Nothing was changed by the refusals.
    assert line_store.account_of(user) == first.user_number
    assert line_store.account_of(other_user) is None
    assert linked(client, second)["linked"] is False


def test_unlinking_ends_line_sessions_only_and_allows_another_line_user(
    client: Client, line: Any, make_citizen: Callable[..., Citizen], mailbox: Mailbox
) -> None:
    citizen = make_citizen()
    user = line_user()
    assert link(client, citizen, line.mint_id_token(user), lotteryResults=True).status == 204
    line_session = line_sign_in(client, line.mint_id_token(user)).json["token"]

    assert client.delete("/v1/me/line", token=citizen.token).status == 204

    assert client.get("/v1/me", token=line_session).status == 401
    assert client.get("/v1/me", token=citizen.token).status == 200  # the password session
    problem(line_sign_in(client, line.mint_id_token(user)), 404, "LINE_NOT_LINKED")
    assert linked(client, citizen) == {"linked": False, "linkedAt": None, "lotteryResults": False}
    assert mailbox.find(citizen.email, "LINE連携を解除しました")
    assert client.delete("/v1/me/line", token=citizen.token).status == 204  # nothing to undo
    assert len([m for m in mailbox.to(citizen.email) if "解除" in m.subject]) == 1

    newer = line_user()
    assert link(client, citizen, line.mint_id_token(newer)).status == 204
    assert line_sign_in(client, line.mint_id_token(newer)).status == 201
    assert line_store.account_of(user) is None


def test_lottery_results_by_line_are_a_choice_of_a_linked_account(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    citizen = make_citizen()
    reply = client.request(
        "PATCH", "/v1/me/line", json_body={"lotteryResults": True}, token=citizen.token
    )
    problem(reply, 404, "LINE_NOT_LINKED")
    assert link(client, citizen, line.mint_id_token(line_user())).status == 204
    reply = client.request(
        "PATCH", "/v1/me/line", json_body={"lotteryResults": True}, token=citizen.token
    )
    assert reply.status == 200
    assert reply.json["lotteryResults"] is True
    assert linked(client, citizen)["lotteryResults"] is True


def test_a_cancelled_account_cannot_sign_in_with_line(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    citizen = make_citizen()
    user = line_user()
    assert link(client, citizen, line.mint_id_token(user)).status == 204
    from yoyaku.adapters import user_store
    from yoyaku.domain.account_kinds import AccountStatus

    user_store.set_status(citizen.user_number, AccountStatus.REJECTED, None)
    body = problem(line_sign_in(client, line.mint_id_token(user)), 403, "NOT_ELIGIBLE")
    assert "取り消されています" in body["detail"]


def test_line_routes_need_a_citizen(client: Client, line: Any, staff_token: str) -> None:
    id_token = line.mint_id_token(line_user())
    assert client.put("/v1/me/line", json_body={"idToken": id_token}).status == 401
    assert client.get("/v1/me/line", token=staff_token).status == 403
    assert client.delete("/v1/me/line").status == 401


# ------------------------------------------------------------------ bad tokens


def other_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _bad_signature(line: Any, user: str) -> str:
    header, _, signature = line.mint_id_token(user).split(".")
    payload = line.mint_id_token(line_user()).split(".")[1]
    return f"{header}.{payload}.{signature}"


BAD_TOKENS: dict[str, Callable[[Any, str], str]] = {
    "wrong audience": lambda line, user: line.mint_id_token(user, aud="1999999999"),
    "wrong issuer": lambda line, user: line.mint_id_token(user, iss="https://evil.example"),
    "bad signature": _bad_signature,
    "unknown kid": lambda line, user: jwt.encode(
        {
            "iss": "https://access.line.me",
            "sub": user,
            "aud": line.channel_id,
            "exp": 4102444800,
            "iat": 1900000000,
        },
        other_key(),
        algorithm="ES256",
        headers={"kid": "not-lines"},
    ),
    "not a token": lambda line, user: "abc.def.ghi",
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_a_bad_token_is_refused_and_changes_nothing(
    client: Client, line: Any, make_citizen: Callable[..., Citizen], kind: str
) -> None:
    citizen = make_citizen()
    user = line_user()
    bad = BAD_TOKENS[kind](line, user)

    refused = problem(link(client, citizen, bad), 401, "LINE_TOKEN_INVALID")
    assert "LINEアプリからもう一度開いてください" in refused["detail"]
    assert linked(client, citizen)["linked"] is False
    assert link(client, citizen, line.mint_id_token(user)).status == 204
    problem(line_sign_in(client, bad), 401, "LINE_TOKEN_INVALID")
    english = client.post("/v1/line/sessions", json_body={"idToken": bad}, lang="en")
    assert (
        "open the page from the LINE app again"
        in problem(english, 401, "LINE_TOKEN_INVALID")["detail"]
    )


def test_an_expired_token_says_so(
    client: Client, line: Any, make_citizen: Callable[..., Citizen], clock: MovableClock
) -> None:
    citizen = make_citizen()
    user = line_user()
    assert link(client, citizen, line.mint_id_token(user)).status == 204
    id_token = line.mint_id_token(user)
    assert line_sign_in(client, id_token).status == 201
    clock.advance(timedelta(hours=1, minutes=1))
    body = problem(line_sign_in(client, id_token), 401, "LINE_TOKEN_INVALID")
    assert "有効期限が切れています" in body["detail"]
    # One minted at the moved clock's now is fine (the fake platform follows the clock).
    assert line_sign_in(client, line.mint_id_token(user)).status == 201


def test_a_token_with_a_nonce_works_once(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    citizen = make_citizen()
    user = line_user()
    assert link(client, citizen, line.mint_id_token(user, nonce="n-link")).status == 204
    # Linked with it: the same token cannot be replayed to sign in.
    used = problem(
        line_sign_in(client, line.mint_id_token(user, nonce="n-link")), 401, "LINE_TOKEN_INVALID"
    )
    assert "使用済み" in used["detail"]

    id_token = line.mint_id_token(user, nonce="n-1")
    assert line_sign_in(client, id_token, nonce="n-1").status == 201
    problem(line_sign_in(client, id_token, nonce="n-1"), 401, "LINE_TOKEN_INVALID")
    # A token whose nonce is not the one the client expects is refused too.
    other = line.mint_id_token(user, nonce="n-2")
    problem(line_sign_in(client, other, nonce="n-3"), 401, "LINE_TOKEN_INVALID")
    assert line_sign_in(client, other, nonce="n-2").status == 201


def test_a_token_without_nonce_can_be_used_until_it_expires(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    citizen = make_citizen()
    id_token = line.mint_id_token(line_user())
    assert link(client, citizen, id_token).status == 204
    assert line_sign_in(client, id_token).status == 201
    assert line_sign_in(client, id_token).status == 201


def test_an_unlinked_attempt_does_not_use_up_the_nonce(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    """The LIFF app tries LINE sign-in first; 404 sends the citizen to the password
    sign-in, after which the same token links the account."""
    citizen = make_citizen()
    id_token = line.mint_id_token(line_user(), nonce="n-first-visit")
    problem(line_sign_in(client, id_token), 404, "LINE_NOT_LINKED")
    assert link(client, citizen, id_token).status == 204


def test_line_keys_out_of_reach_is_a_503_to_retry(
    client: Client, line: Any, make_citizen: Callable[..., Citizen]
) -> None:
    id_token = line.mint_id_token(line_user())
    line.stop()
    reply = line_sign_in(client, id_token)
    problem(reply, 503, "LINE_UNAVAILABLE")
    assert reply.header("Retry-After") == "30"


@pytest.mark.parametrize(
    "body",
    [{}, {"idToken": ""}, {"idToken": 5}, {"idToken": "a", "extra": 1}, {"idToken": "x" * 5000}],
)
def test_malformed_requests_are_422(client: Client, line: Any, body: dict[str, Any]) -> None:
    problem(client.post("/v1/line/sessions", json_body=body), 422, "VALIDATION_FAILED")


# ------------------------------------------------------------------ pushes on status changes


def application_for(citizen: Citizen, application_id: str, clock: MovableClock) -> None:
    application_store.new_item(
        application_id,
        citizen.user_number,
        f"reg_{citizen.user_number}",
        "registration",
        clock.now(),
    ).save()


def texts_to(line: Any, user: str) -> list[list[str]]:
    return [[m["text"] for m in item["messages"]] for item in line.outbox() if item["to"] == user]


@pytest.fixture
def linked_applicant(
    client: Client, line: Any, make_citizen: Callable[..., Citizen], clock: MovableClock
) -> tuple[Citizen, str, str]:
    citizen = make_citizen()
    user = line_user()
    assert link(client, citizen, line.mint_id_token(user)).status == 204
    application_id = f"{700000 + next(_line_users):06d}"
    application_for(citizen, application_id, clock)
    return citizen, user, application_id


def test_staff_review_steps_reach_the_applicants_line(
    client: Client,
    line: Any,
    mailbox: Mailbox,
    staff_token: str,
    linked_applicant: tuple[Citizen, str, str],
) -> None:
    citizen, user, application_id = linked_applicant
    assert client.get(f"/v1/staff/reviews/{application_id}", token=staff_token).status == 200
    reviews.apply_decision(application_id, Decision.APPROVE, None)

    (accepted,), (completed,) = texts_to(line, user)
    assert accepted.startswith("申請を受理いたしました。")
    assert f"申請番号：{application_id}" in accepted
    assert completed.startswith("処理が完了しました。")
    assert f"申請番号：{application_id}" in completed
    # The e-mails went too, independently.
    assert mailbox.find(citizen.email, application_id)


def test_a_return_brings_the_reason_and_a_resubmission_a_new_receipt(
    client: Client, line: Any, staff_token: str, linked_applicant: tuple[Citizen, str, str]
) -> None:
    _, user, application_id = linked_applicant
    reviews.apply_decision(application_id, Decision.RETURN, "住所の番地が読み取れません。")
    record = application_store.get(application_id)
    assert record is not None and record.application.status is ApplicationStatus.RETURNED
    reviews.resume_after_return(record)
    reviews.resume_after_return(record)  # a second resubmission changes nothing

    returned, received = texts_to(line, user)
    assert returned[0].startswith("内容に不備等があるため、申請が差し戻しされました。")
    assert returned[1].startswith("住所の番地が読み取れません。")
    assert received[0].startswith("申請を受け付けました。")


def test_a_task_that_runs_again_pushes_nothing_new(
    line: Any, linked_applicant: tuple[Citizen, str, str]
) -> None:
    _, user, application_id = linked_applicant
    record = application_store.get(application_id)
    assert record is not None
    # Step Functions may run a task twice; the change is the same, so is its retry key.
    reviews._notify_user(record, ApplicationStatus.ACCEPTED, None)
    reviews._notify_user(record, ApplicationStatus.ACCEPTED, None)
    assert len(texts_to(line, user)) == 1
    assert [r.status for r in line.requests()] == [200, 409]


def test_line_down_never_costs_the_email(
    line: Any, mailbox: Mailbox, linked_applicant: tuple[Citizen, str, str]
) -> None:
    citizen, user, application_id = linked_applicant
    line.script(*[500] * 10)
    reason = "在勤の確認ができませんでした。"
    result = reviews.apply_decision(application_id, Decision.REJECT, reason)
    assert result.model_dump(mode="json") == {"status": "rejected", "next": "done"}
    assert texts_to(line, user) == []
    mail = mailbox.find(citizen.email, application_id)
    assert mail is not None and reason in mail.body


def test_only_linked_applicants_get_line_messages(
    line: Any, make_citizen: Callable[..., Citizen], clock: MovableClock
) -> None:
    citizen = make_citizen()
    application_for(citizen, "000777", clock)
    reviews.apply_decision("000777", Decision.APPROVE, None)
    assert line.requests() == []
    stored = ApplicationItem.get("APPLICATION#000777", "APPLICATION")
    assert stored.status == "completed"


# ------------------------------------------------------------------ lottery results


def test_lottery_results_go_to_line_only_for_those_who_opted_in(
    client: Client,
    line: Any,
    mailbox: Mailbox,
    make_citizen: Callable[..., Citizen],
    clock: MovableClock,
) -> None:
    from yoyaku.domain.lottery import EntryContact
    from yoyaku.services import lottery_draw

    both, line_only, email_only, linked_silent = (make_citizen() for _ in range(4))
    users = {c.user_number: line_user() for c in (both, line_only, linked_silent)}
    for citizen, opted_in in ((both, True), (line_only, True), (linked_silent, False)):
        id_token = line.mint_id_token(users[citizen.user_number])
        assert link(client, citizen, id_token, lotteryResults=opted_in).status == 204
    lottery_id = "lot_line_results"
    drawn_lottery(
        lottery_id,
        [
            (c.user_number, entry_id, EntryContact(c.email, Language.JA, by_email))
            for c, entry_id, by_email in (
                (both, "ent_1", True),
                (line_only, "ent_2", False),
                (email_only, "ent_3", True),
                (linked_silent, "ent_4", False),
            )
        ],
        clock.now(),
    )

    last = max(c.user_number for c in (both, line_only, email_only, linked_silent))
    assert lottery_draw.notify(lottery_id) == ResultsNotified(sent=3, more=False, after=last)
    # each told once
    assert lottery_draw.notify(lottery_id) == ResultsNotified(sent=0, more=False, after=last)

    pushed = {item["to"] for item in line.outbox()}
    assert pushed == {users[both.user_number], users[line_only.user_number]}
    (texts,) = texts_to(line, users[both.user_number])
    assert texts[0].startswith("【抽選結果】大平台みなと荘")
    results = [m for m in mailbox.all() if "抽選結果" in m.subject]
    assert sorted(m.to[0] for m in results) == sorted([both.email, email_only.email])
