"""The request examples of docs/openapi.json pass the service's own rules, not only their
schemas (tests/unit/test_request_examples.py): sent over HTTP as a client copying them
would, a registration is accepted and a facility, its inventory and a lottery are created.

Only the e-mail address and the facility id are changed, so that the examples do not
collide with the demo data or with each other.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.conftest import ROOT, LocalService

SCHEMAS: dict[str, Any] = json.loads((ROOT / "docs" / "openapi.json").read_text())["components"][
    "schemas"
]


def examples(schema: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = SCHEMAS[schema]["examples"]
    assert found, schema
    return found


def test_the_registration_examples_are_accepted(service: LocalService) -> None:
    for index, body in enumerate(examples("RegistrationForm")):
        email = f"example{index}-{time.time_ns()}@example.jp"
        response = service.call("POST", "/v1/registrations", json={**body, "email": email})
        assert response.status_code == 202, (index, response.text)


def test_the_staff_examples_create_a_facility_its_inventory_and_a_lottery(
    service: LocalService,
) -> None:
    staff = {"Authorization": f"Bearer {service.staff_token()}"}
    run = time.time_ns() % 10**9
    facility_for: dict[str, str] = {}  # resource type id in the examples -> our facility
    of_kind: dict[str, str] = {}  # lodging / timeslot -> our facility
    for index, facility in enumerate(examples("FacilityDefinition")):
        facility_id = f"example-{run}-{index}"
        response = service.call(
            "PUT", f"/v1/staff/facilities/{facility_id}", json=facility, headers=staff
        )
        assert response.ok, (facility["name"], response.status_code, response.text)
        of_kind[facility["kind"]] = facility_id
        for resource_type in facility["resourceTypes"]:
            facility_for[resource_type["resourceTypeId"]] = facility_id
    assert of_kind.keys() == {"lodging", "timeslot"}, "an example of each kind of facility"

    for change in examples("InventoryChange"):
        facility_id = facility_for[change["resourceTypeId"]]
        response = service.call(
            "PUT", f"/v1/staff/facilities/{facility_id}/inventory", json=change, headers=staff
        )
        assert response.ok, (change["resourceTypeId"], response.status_code, response.text)

    for lottery in examples("LotteryDefinition"):
        facility_id = of_kind["timeslot" if "period" in lottery else "lodging"]
        body = {**lottery, "facilityId": facility_id}
        response = service.call("POST", "/v1/staff/lotteries", json=body, headers=staff)
        assert response.status_code == 201, (lottery["facilityId"], response.text)
