"""Sends e-mail with SES v2 (in the local runtime, moto keeps it for /_local/outbox)."""

from __future__ import annotations

from yoyaku.adapters.aws import client
from yoyaku.domain.emails import Email
from yoyaku.settings import settings


def send(to: str, email: Email) -> None:
    client("sesv2").send_email(
        FromEmailAddress=settings().sender_email,
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": email.body, "Charset": "UTF-8"}},
            }
        },
    )
