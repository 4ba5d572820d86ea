"""Group accounts over HTTP (issue 16): a group's representative registers with the
roster image, staff see the roster at review and approve, and the demo's group-only,
roster-only ground takes the group but not an individual."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests

from tests.e2e.accounts import (
    HTML,
    PNG,
    Citizen,
    bearer,
    register,
    registered,
    staff_decides,
    upload,
    wait_for_mail,
    wait_until,
)
from tests.e2e.conftest import LocalService

CLUB = {"name": "上尾ベースボールクラブ", "nameKana": "ｱｹﾞｵ ﾍﾞｰｽﾎﾞｰﾙ ｸﾗﾌﾞ", "members": 18}


def _hold(citizen: Citizen, facility_id: str, resource: str, days_ahead: int) -> Any:
    day = citizen.service.today() + timedelta(days=days_ahead)
    while day.weekday() == 0:  # the gym closes on Mondays
        day += timedelta(days=1)
    return citizen.service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": facility_id,
            "resourceTypeId": resource,
            "date": day.isoformat(),
            "start": "09:00",
            "slots": 1,
        },
        headers=bearer(citizen.token),
    )


def test_a_group_registers_with_its_roster_and_uses_a_roster_facility(
    service: LocalService,
) -> None:
    club = register(service, userType="group", group={**CLUB, "localMembers": 15})
    roster = club.registration["rosterUpload"]
    assert roster["contentTypes"] == ["image/jpeg", "image/png"]
    # A file that is not an image is refused and the group is told; a PNG is kept.
    assert upload(roster, HTML, "roster.png", "image/png") in (200, 201, 204)
    wait_for_mail(service, club.email, "団体名簿を受け付けできませんでした")
    assert upload(roster, PNG, "roster.png", "image/png") in (200, 201, 204)

    assert club.confirm().status_code == 201
    assert club.sign_in().status_code == 201
    me = club.get("/v1/me").json()
    assert me["userType"] == "group" and me["rosterAccepted"] is False
    assert me["group"] == {
        "name": "上尾ベースボールクラブ",
        "nameKana": "アゲオ　ベースボール　クラブ",
        "members": 18,
        "localMembers": 15,
    }

    # Provisional and without an accepted roster: the ground says what is missing.
    refused = _hold(club, "ageo-hiraikata-baseball", "field", 20)
    assert refused.status_code == 422 and refused.json()["code"] == "ROSTER_REQUIRED"
    assert "団体名簿" in refused.json()["detail"]

    staff = bearer(service.staff_token())
    application_id = club.application_id()
    review = wait_until(
        lambda: (
            r
            if (
                r := service.call(
                    "GET", f"/v1/staff/reviews/{application_id}", headers=staff
                ).json()
            )["roster"]["present"]
            else None
        ),
        "the roster check",
    )
    assert review["applicant"]["group"]["name"] == "上尾ベースボールクラブ"
    assert review["rosterDocumentUrl"].startswith("http")
    document = requests.get(review["rosterDocumentUrl"], timeout=30)
    assert document.status_code == 200 and document.content == PNG
    assert staff_decides(service, application_id, "approve").ok
    wait_until(lambda: club.get("/v1/me").json()["rosterAccepted"], "the roster accepted")
    assert club.get("/v1/me").json()["status"] == "verified"

    booked = _hold(club, "ageo-hiraikata-baseball", "field", 10)
    assert booked.status_code == 201, booked.text

    individual = registered(service)
    for facility_id, resource in (
        ("ageo-hiraikata-baseball", "field"),
        ("ageo-hiraikata-sports-plaza", "ground"),
    ):
        no = _hold(individual, facility_id, resource, 20)
        assert no.status_code == 403 and no.json()["code"] == "NOT_FOR_THIS_ACCOUNT_TYPE"
        assert "団体登録の方だけ" in no.json()["detail"]
    lodging = service.call(
        "POST",
        "/v1/holds",
        json={
            "facilityId": "minato-ohiradai",
            "resourceTypeId": "room",
            "date": (service.today() + timedelta(days=20)).isoformat(),
            "nights": 1,
        },
        headers=bearer(club.token),
    )
    assert lodging.status_code == 403 and "個人登録の方だけ" in lodging.json()["detail"]
