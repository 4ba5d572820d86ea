"""LINE pushes through line-bot-sdk against the fake platform answering 200, 409, 429 and
500: retried with the same retry key, and nothing is ever delivered twice."""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from local.line_platform import ACCEPT_THEN_500, ACCEPT_THEN_TIMEOUT
from yoyaku.adapters import line_messaging
from yoyaku.adapters.line_messaging import RetryPolicy
from yoyaku.services.line import retry_key
from yoyaku.settings import settings

TO = "U" + "1" * 32
KEY = str(uuid.uuid4())


class Waits(list[float]):
    """Stands in for time.sleep and time.monotonic: waiting only moves this clock."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def push(platform: Any, *texts: str, key: str = KEY, **policy: Any) -> Any:
    waits = Waits()
    chosen = RetryPolicy(**{"base_delay": 0.01, "max_delay": 0.05, "read_timeout": 0.3, **policy})
    texts = texts or ("こんにちは",)
    delivery = line_messaging.push(TO, list(texts), key, chosen, waits.sleep, waits.monotonic)
    return delivery, waits


def keys_sent(platform: Any) -> list[str | None]:
    return [r.retry_key for r in platform.requests()]


def test_a_push_is_delivered_once_with_its_retry_key(line_platform: Any) -> None:
    delivery, waits = push(line_platform, "申請を受け付けました。", "申請番号：000001")
    assert (delivery.delivered, delivery.attempts, delivery.status) == (True, 1, 200)
    assert waits == []
    (item,) = line_platform.outbox()
    assert item["to"] == TO
    assert [m["text"] for m in item["messages"]] == ["申請を受け付けました。", "申請番号：000001"]
    assert keys_sent(line_platform) == [KEY]


def test_a_409_means_an_earlier_attempt_got_through(line_platform: Any) -> None:
    line_platform.script(409)
    delivery, _ = push(line_platform)
    assert delivery.delivered and delivery.already_accepted
    assert delivery.attempts == 1
    assert line_platform.outbox() == []  # nothing sent again


def test_a_500_is_retried_with_the_same_key(line_platform: Any) -> None:
    line_platform.script(500)
    delivery, waits = push(line_platform)
    assert (delivery.delivered, delivery.attempts) == (True, 2)
    assert keys_sent(line_platform) == [KEY, KEY]
    assert [r.status for r in line_platform.requests()] == [500, 200]
    assert len(line_platform.outbox()) == 1
    assert len(waits) == 1


def test_429s_are_retried_with_growing_waits(line_platform: Any) -> None:
    line_platform.script(429, 429)
    delivery, waits = push(line_platform, base_delay=0.1, max_delay=1.0)
    assert (delivery.delivered, delivery.attempts) == (True, 3)
    assert keys_sent(line_platform) == [KEY, KEY, KEY]
    assert len(line_platform.outbox()) == 1
    # Exponential back-off with a little jitter: about 0.1 s, then about 0.2 s.
    assert 0.1 <= waits[0] < 0.2 <= waits[1] < 0.3


def test_an_accepted_push_whose_answer_was_lost_is_not_sent_twice(line_platform: Any) -> None:
    line_platform.script(ACCEPT_THEN_500)
    delivery, _ = push(line_platform)
    assert delivery.delivered and delivery.already_accepted
    assert [r.status for r in line_platform.requests()] == [500, 409]
    assert keys_sent(line_platform) == [KEY, KEY]
    assert len(line_platform.outbox()) == 1


def test_a_timeout_is_retried_with_the_same_key_and_not_sent_twice(line_platform: Any) -> None:
    line_platform.script(ACCEPT_THEN_TIMEOUT)  # accepted, but answers after 0.5 s
    delivery, _ = push(line_platform)
    assert delivery.delivered and delivery.already_accepted
    assert keys_sent(line_platform) == [KEY, KEY]
    assert len(line_platform.outbox()) == 1


def test_a_platform_that_keeps_failing_is_given_up_on(line_platform: Any) -> None:
    line_platform.script(500, 503, 429, 500, 500)
    delivery, waits = push(line_platform, max_attempts=4)
    assert (delivery.delivered, delivery.attempts, delivery.status) == (False, 4, 500)
    assert keys_sent(line_platform) == [KEY] * 4
    assert len(waits) == 3
    assert line_platform.outbox() == []


def test_retries_stop_at_the_time_budget(line_platform: Any) -> None:
    line_platform.script(500, 500, 500)
    delivery, waits = push(line_platform, base_delay=1.0, max_delay=1.0, budget_seconds=1.5)
    assert not delivery.delivered
    assert delivery.attempts == 2 and len(waits) == 1  # a third try would pass 1.5 s


def test_a_refused_request_is_not_retried(line_platform: Any) -> None:
    delivery = line_messaging.push("not-a-line-user", ["x"], KEY, RetryPolicy())
    assert (delivery.delivered, delivery.attempts, delivery.status) == (False, 1, 400)
    assert len(line_platform.requests()) == 1


def test_a_rotated_access_token_is_fetched_again_once(line_platform: Any) -> None:
    from yoyaku.adapters import line_config

    secrets = boto3.client("secretsmanager")
    name = settings().line_secret_name
    secrets.put_secret_value(SecretId=name, SecretString='{"channelAccessToken": "old"}')
    line_config.forget()
    assert line_config.access_token() == "old"  # cached from now on
    secrets.put_secret_value(
        SecretId=name, SecretString=f'{{"channelAccessToken": "{line_platform.access_token}"}}'
    )
    delivery, _ = push(line_platform)
    assert delivery.delivered
    assert [r.status for r in line_platform.requests()] == [401, 200]
    assert len(line_platform.outbox()) == 1


def test_no_line_answer_at_all_is_a_failed_delivery(line_platform: Any, monkeypatch: Any) -> None:
    line_platform.stop()
    delivery, waits = push(line_platform, max_attempts=2)
    assert (delivery.delivered, delivery.attempts, delivery.status) == (False, 2, None)
    assert len(waits) == 1


def test_retry_keys_are_uuids_per_recipient_and_event() -> None:
    first = retry_key(TO, "application/000001/1/accepted")
    assert uuid.UUID(first).version == 5
    assert first == retry_key(TO, "application/000001/1/accepted")  # a task run again
    assert first != retry_key("U" + "2" * 32, "application/000001/1/accepted")
    assert first != retry_key(TO, "application/000001/2/completed")
