"""Helpers for driving registration and sign-in over HTTP the way a client would."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass
from typing import Any

import requests

from tests.e2e.conftest import LocalService

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
HTML = b"<!doctype html><html><body>not an image</body></html>"
_numbers = itertools.count(1)


def form(residency: str = "resident", **changes: Any) -> dict[str, Any]:
    n = next(_numbers)
    body: dict[str, Any] = {
        "nameKana": "ﾐﾅﾄ ﾀﾛｳ",
        "nameKanji": "港 太郎",
        "phone": "03-1234-5678",
        "residency": residency,
        "address": {
            "postalCode": "1058511",
            "prefecture": "東京都",
            "city": "港区",
            "street": "芝公園1-5-25",
        },
        "birthdate": "1990-04-01",
        "email": f"user{n}-{time.time_ns()}@example.jp",
        "password": "minato2024",
        "lotteryResultEmail": True,
        "agreeToTerms": True,
    }
    if residency == "worker":
        body["workplace"] = {
            "name": "港商事株式会社",
            "address": {
                "postalCode": "105-0011",
                "prefecture": "東京都",
                "city": "港区",
                "street": "芝公園2-1",
            },
            "phone": "0355550000",
        }
    body.update(changes)
    return body


def mails_to(service: LocalService, address: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = service.call("GET", "/_local/outbox").json()["items"]
    return [m for m in items if m["to"] == [address]]


def wait_for_mail(service: LocalService, address: str, subject: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60  # generous: the contention test registers 50 at once
    while time.monotonic() < deadline:
        for mail in mails_to(service, address):
            if subject in mail["subject"]:
                return mail
        time.sleep(0.25)
    raise AssertionError(f"no mail {subject!r} to {address}: {mails_to(service, address)}")


def link_token(mail: dict[str, Any]) -> str:
    found = re.search(r"token=([\w-]+)", mail["body"])
    assert found, mail["body"]
    return found[1]


def upload(proof_upload: dict[str, Any], content: bytes, name: str, content_type: str) -> int:
    """A browser-style multipart POST straight to S3 with the presigned fields."""
    response = requests.post(
        proof_upload["url"],
        data={**proof_upload["fields"], "Content-Type": content_type},
        files={"file": (name, content, content_type)},
        timeout=30,
    )
    return response.status_code


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Citizen:
    service: LocalService
    form: dict[str, Any]
    registration: dict[str, Any]
    user_number: str = ""
    token: str = ""

    @property
    def email(self) -> str:
        return str(self.form["email"])

    def confirm(self) -> requests.Response:
        mail = wait_for_mail(self.service, self.email, "メールアドレスの確認")
        response = self.service.call(
            "POST", "/v1/registrations/confirm", json={"token": link_token(mail)}
        )
        if response.status_code == 201:
            self.user_number = response.json()["userNumber"]
        return response

    def sign_in(self, password: str | None = None) -> requests.Response:
        response = self.service.call(
            "POST",
            "/v1/sessions",
            json={"userNumber": self.user_number, "password": password or self.form["password"]},
        )
        if response.status_code == 201:
            self.token = response.json()["token"]
        return response

    def get(self, path: str) -> requests.Response:
        return self.service.call("GET", path, headers=bearer(self.token))

    def application_id(self) -> str:
        items = self.get("/v1/me/applications").json()["items"]
        return str(items[-1]["applicationId"])


def review_queue(service: LocalService, query: str = "") -> list[dict[str, Any]]:
    """Every application of the staff review queue, all pages (earlier tests fill it)."""
    token, found, next_token = service.staff_token(), [], None
    while True:
        params = "&".join(
            p for p in (query, "limit=100", next_token and f"nextToken={next_token}") if p
        )
        page = service.call("GET", f"/v1/staff/reviews?{params}", headers=bearer(token)).json()
        found += page["items"]
        next_token = page.get("nextToken")
        if not next_token:
            return found


def register(service: LocalService, residency: str = "resident", **changes: Any) -> Citizen:
    body = form(residency, **changes)
    response = service.call("POST", "/v1/registrations", json=body)
    assert response.status_code == 202, response.text
    return Citizen(service, body, response.json())


def registered(service: LocalService, residency: str = "resident", **changes: Any) -> Citizen:
    """Registered, confirmed and signed in."""
    citizen = register(service, residency, **changes)
    confirmed = citizen.confirm()
    assert confirmed.status_code == 201, confirmed.text
    signed_in = citizen.sign_in()
    assert signed_in.status_code == 201, signed_in.text
    return citizen


def staff_decides(
    service: LocalService, application_id: str, decision: str, reason: str | None = None
) -> requests.Response:
    body: dict[str, Any] = {"decision": decision}
    if reason:
        body["reason"] = reason
    return service.call(
        "POST",
        f"/v1/staff/reviews/{application_id}/decision",
        json=body,
        headers=bearer(service.staff_token()),
    )


def wait_until(check: Any, what: str, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
