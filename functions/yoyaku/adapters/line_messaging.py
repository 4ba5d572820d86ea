"""LINE push messages through line-bot-sdk v3 (MessagingApi.push_message), retried safely.

Every attempt of one push carries the same `X-Line-Retry-Key`, so LINE accepts the
message at most once: a 409 means an earlier attempt was accepted (it is delivered).
429 and 5xx answers, timeouts and broken connections are retried with exponential
back-off and jitter within a time budget; any other 4xx is final. A 401 fetches the
access token again once (it may have been rotated). Nothing here raises: the caller
gets a `Delivery` and carries on (an e-mail never depends on LINE).

line-bot-sdk takes about a second of CPU to import, so it is imported on the first
push, which only containers that have a linked user to tell ever make.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from yoyaku.adapters import line_config
from yoyaku.settings import settings

if TYPE_CHECKING:
    from linebot.v3.messaging import MessagingApi

logger = Logger(service="yoyaku", child=True)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5  # seconds before the 2nd attempt; doubled each time
    max_delay: float = 4.0
    budget_seconds: float = 10.0  # no new attempt starts after this (a staff request waits)
    connect_timeout: float = 2.0
    read_timeout: float = 5.0


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    attempts: int
    status: int | None  # LINE's last answer; None when it never answered
    already_accepted: bool = False  # a 409: an earlier attempt got through


DEFAULT_POLICY = RetryPolicy()


@lru_cache(maxsize=2)
def _api(host: str, access_token: str) -> MessagingApi:
    """One client (and connection pool) per host and token, reused while warm."""
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

    configuration = Configuration(host=host, access_token=access_token)
    configuration.retries = 0  # this module retries, always with the same retry key
    return MessagingApi(ApiClient(configuration))


def _retry_after(headers: Any) -> float | None:
    value = (headers or {}).get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def push(
    to: str,
    texts: Sequence[str],
    retry_key: str,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Delivery:
    """Pushes `texts` (1–5 text messages) to the LINE user `to`, at most once."""
    policy = policy or DEFAULT_POLICY
    import urllib3
    from linebot.v3.messaging import ApiException, PushMessageRequest, TextMessage

    try:
        token = line_config.access_token()
    except line_config.LineNotConfigured:
        logger.exception("LINE is not configured: push skipped")
        return Delivery(False, 0, None)
    request = PushMessageRequest(to=to, messages=[TextMessage(text=t) for t in texts])
    host = settings().line_api_host
    started = monotonic()
    refreshed = False
    status: int | None = None
    attempt = 0
    while attempt < policy.max_attempts:
        attempt += 1
        wait_at_least = 0.0
        try:
            _api(host, token).push_message(
                request,
                x_line_retry_key=retry_key,
                _request_timeout=(policy.connect_timeout, policy.read_timeout),
            )
            return Delivery(True, attempt, 200)
        except ApiException as error:
            status = int(error.status or 0) or None
            if status == 409:
                return Delivery(True, attempt, 409, already_accepted=True)
            if status == 401 and not refreshed:
                refreshed = True
                try:
                    token = line_config.access_token(refresh=True)
                except line_config.LineNotConfigured:
                    break
                continue
            if status is not None and status != 429 and status < 500:
                logger.error(
                    "LINE refused a push",
                    extra={"status": status, "body": str(error.body)[:500], "retryKey": retry_key},
                )
                return Delivery(False, attempt, status)
            wait_at_least = _retry_after(error.headers) or 0.0
        except urllib3.exceptions.HTTPError as error:  # timeouts, refused connections
            status = None
            logger.warning("LINE did not answer", extra={"error": str(error)[:300]})
        delay = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
        delay = max(delay, min(wait_at_least, policy.max_delay))
        # Jitter spreads the retries of many pushes; it needs no cryptographic randomness.
        delay += random.uniform(0, policy.base_delay / 2)  # noqa: S311
        if attempt >= policy.max_attempts:
            break
        if monotonic() - started + delay > policy.budget_seconds:
            break
        sleep(delay)
    logger.error(
        "LINE push failed after retries",
        extra={"status": status, "attempts": attempt, "retryKey": retry_key},
    )
    return Delivery(False, attempt, status)
