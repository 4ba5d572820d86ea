"""No account oracle: an unknown user number, staff id or receipt number is answered
exactly like a known one with a wrong password (status, body, work done), throttling
delays the guesser rather than locking the owner out, and a password-reset request
takes the same time whether or not number and address match.

Timing is compared by what costs time (argon2 verifications, DynamoDB requests), not by
wall clocks; only the reset floor is timed, with generous bounds.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from datetime import timedelta

import pytest

from yoyaku.adapters import passwords
from yoyaku.domain import throttle

from .helpers import count_dynamodb_requests, table_snapshot

ATTACKER = {"X-Forwarded-For": "203.0.113.66"}
OWNER = {"X-Forwarded-For": "198.51.100.7"}


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts argon2 verifications and DynamoDB requests by operation."""
    import botocore.client

    counts: Counter[str] = Counter()
    verify = passwords.verify_password

    def counted_verify(password_hash: str, password: str) -> bool:
        counts["argon2"] += 1
        return verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counted_verify)
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", count_dynamodb_requests(counts)
    )
    return counts


def attempts(client, path: str, body: dict[str, str], times: int, work: Counter[str]):
    """`times` wrong attempts: their (status, body) and the work each one caused."""
    seen = []
    for _ in range(times):
        work.clear()
        reply = client.post(path, json_body=body, headers=ATTACKER)
        seen.append((reply.status, reply.json, reply.header("Retry-After"), dict(work)))
    return seen


def test_an_unknown_user_number_is_answered_like_a_known_one(client, make_citizen, work) -> None:
    known = make_citizen(user_number="300001", with_password=True)
    wrong = attempts(
        client, "/v1/sessions", {"userNumber": known.user_number, "password": "x" * 8}, 7, work
    )
    unknown = attempts(
        client, "/v1/sessions", {"userNumber": "399999", "password": "x" * 8}, 7, work
    )
    assert wrong == unknown
    statuses = [s for s, *_ in wrong]
    assert statuses == [401, 401, 401, 401, 423, 423, 423]
    assert [w.get("argon2", 0) for *_, w in wrong] == [1, 1, 1, 1, 1, 0, 0]


def test_staff_ids_and_receipt_numbers_are_no_oracle_either(client, staff_account, work) -> None:
    staff_id, _ = staff_account
    known = attempts(client, "/v1/staff/sessions", {"staffId": staff_id, "password": "x"}, 6, work)
    unknown = attempts(
        client, "/v1/staff/sessions", {"staffId": "nobody", "password": "x"}, 6, work
    )
    assert known == unknown
    assert [s for s, *_ in known] == [401, 401, 401, 401, 423, 423]


def test_an_unknown_receipt_number_is_answered_like_a_known_one(client, work) -> None:
    from tests.integration.helpers import appointment_with_receipt

    receipt = appointment_with_receipt()
    known = attempts(
        client,
        "/v1/appointments/lookup",
        {"receiptNumber": receipt, "password": "not-it"},
        6,
        work,
    )
    unknown = attempts(
        client,
        "/v1/appointments/lookup",
        {"receiptNumber": "1234567890", "password": "not-it"},
        6,
        work,
    )
    assert known == unknown
    assert [s for s, *_ in known] == [401, 401, 401, 401, 429, 429]
    assert int(known[4][2]) == 31  # Retry-After: the first wait is 30 s


def test_the_owner_gets_in_after_a_short_wait_however_hard_someone_guesses(
    client, make_citizen, clock
) -> None:
    owner = make_citizen(user_number="300002", with_password=True)
    wrong = {"userNumber": owner.user_number, "password": "guess-1234"}
    right = {"userNumber": owner.user_number, "password": "minato2024"}
    for _ in range(20):  # five count, the rest are refused during the wait uncounted
        client.post("/v1/sessions", json_body=wrong, headers=ATTACKER)
    waiting = client.post("/v1/sessions", json_body=right, headers=OWNER)
    assert waiting.status == 423 and int(waiting.header("Retry-After")) <= 31
    clock.advance(throttle.FIRST_DELAY)
    assert client.post("/v1/sessions", json_body=right, headers=OWNER).status == 201
    # The run of failures is over: the next wrong password is an ordinary one.
    assert client.post("/v1/sessions", json_body=wrong, headers=ATTACKER).status == 401


def test_waits_grow_but_stay_short() -> None:
    waits = [throttle.delay(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(0)] * 4
    assert waits[4:8] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(waits) == throttle.MAX_DELAY == timedelta(minutes=5)


def test_one_client_guessing_across_many_accounts_is_stopped(
    client, make_citizen, monkeypatch
) -> None:
    monkeypatch.setattr(throttle, "CLIENT_FAILURES", 10)  # the rule, at a tenth of the size
    owner = make_citizen(user_number="300003", with_password=True)
    for n in range(throttle.CLIENT_FAILURES):
        body = {"userNumber": f"{400000 + n}", "password": "guess-1234"}
        assert client.post("/v1/sessions", json_body=body, headers=ATTACKER).status == 401
    right = {"userNumber": owner.user_number, "password": "minato2024"}
    refused = client.post("/v1/sessions", json_body=right, headers=ATTACKER)
    assert refused.status == 429 and refused.json["code"] == "RATE_LIMITED"
    assert int(refused.header("Retry-After")) > 0
    assert client.post("/v1/sessions", json_body=right, headers=OWNER).status == 201


def test_behind_cloudfront_each_viewer_has_its_own_client_limit(
    client, make_citizen, monkeypatch
) -> None:
    """Everyone arrives from one CloudFront address; CloudFront names each viewer and
    vouches for it with the origin secret. A spoofer calling the stage URL directly
    cannot escape its own limit by naming other addresses."""
    from yoyaku.api.auth import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER
    from yoyaku.settings import forget as forget_settings

    monkeypatch.setenv("VIEWER_ADDRESS_SECRET", "stack-uuid")
    forget_settings()
    monkeypatch.setattr(throttle, "CLIENT_FAILURES", 10)
    edge = {"X-Forwarded-For": "130.176.212.3", ORIGIN_SECRET_HEADER: "stack-uuid"}
    guesser = {**edge, VIEWER_ADDRESS_HEADER: "203.0.113.66"}
    neighbour = {**edge, VIEWER_ADDRESS_HEADER: "2001:db8::7"}
    owner = make_citizen(user_number="300005", with_password=True)
    right = {"userNumber": owner.user_number, "password": "minato2024"}
    try:
        for n in range(throttle.CLIENT_FAILURES):
            body = {"userNumber": f"{410000 + n}", "password": "guess-1234"}
            assert client.post("/v1/sessions", json_body=body, headers=guesser).status == 401
        refused = client.post("/v1/sessions", json_body=right, headers=guesser)
        assert refused.status == 429 and refused.json["code"] == "RATE_LIMITED"
        # Same CloudFront address, another viewer: not held up by the guesser.
        assert client.post("/v1/sessions", json_body=right, headers=neighbour).status == 201

        direct = {"X-Forwarded-For": "192.0.2.50"}  # the stage URL, no secret
        for n in range(throttle.CLIENT_FAILURES):
            body = {"userNumber": f"{420000 + n}", "password": "guess-1234"}
            spoofed = {**direct, VIEWER_ADDRESS_HEADER: f"198.51.100.{n}"}
            assert client.post("/v1/sessions", json_body=body, headers=spoofed).status == 401
        wrong_secret = {**direct, ORIGIN_SECRET_HEADER: "guess", VIEWER_ADDRESS_HEADER: "1.2.3.4"}
        refused = client.post("/v1/sessions", json_body=right, headers=wrong_secret)
        assert refused.status == 429 and refused.json["code"] == "RATE_LIMITED"
    finally:
        monkeypatch.delenv("VIEWER_ADDRESS_SECRET")
        forget_settings()


def test_a_password_reset_takes_the_same_time_whether_or_not_it_matches(
    client, account_services, make_citizen, work
) -> None:
    citizen = make_citizen(user_number="300004")
    match = {"userNumber": citizen.user_number, "email": citizen.email}
    no_match = {"userNumber": "399998", "email": "nobody@example.jp"}
    timings: dict[str, list[float]] = {"match": [], "no match": []}
    before = table_snapshot()
    for _ in range(3):
        for name, body in (("match", match), ("no match", no_match)):
            started = time.perf_counter()
            reply = client.post("/v1/password-resets", json_body=body)
            timings[name].append(time.perf_counter() - started)
            assert (reply.status, reply.json) == (202, {"status": "accepted"})
    assert len(account_services.to(citizen.email)) == 3
    matched, unmatched = (statistics.median(t) for t in timings.values())
    # Both at the floor; a match sends mail, which must hide inside it.
    assert min(timings["no match"]) >= 0.95 and min(timings["match"]) >= 0.95
    assert abs(matched - unmatched) < 0.25, timings
    assert len(table_snapshot()) == len(before) + 3  # the three links, nothing else
