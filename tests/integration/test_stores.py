"""The DynamoDB adapters against moto, with tables created from template.yaml."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from yoyaku.adapters import catalog_store, inventory_store, notice_store, session_store
from yoyaku.adapters.table import CapacityItem, ClaimItem
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.inventory import (
    WHOLE_DAY,
    Cell,
    ClaimState,
    InventoryChange,
    plan_inventory,
)
from yoyaku.domain.notices import Notice

from .helpers import GYM, INN, facility, write_claim

pytestmark = pytest.mark.usefixtures("aws")

NOW = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
TODAY = date(2030, 5, 15)
DAY = date(2030, 6, 10)


def open_rooms(capacity: int, start: date = DAY, end: date = DAY, **fields: object) -> None:
    """Plans and writes an inventory change for the `inn` facility's rooms."""
    inn = facility("inn", INN)
    change = InventoryChange.model_validate(
        {
            "resourceTypeId": "room",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "capacity": capacity,
            **fields,
        }
    )
    inventory, claims = inventory_store.read_range("inn", start, end)
    existing = {d.day: d for d in inventory if d.resource_type_id == "room"}
    plans = plan_inventory(change, inn, existing, claims, NOW, TODAY)
    inventory_store.apply("inn", plans, NOW)


def room_units(day: date = DAY) -> tuple[int, list[tuple[int, ClaimState]]]:
    """(numbered units, [(unit, state)]) of the rooms on `day`, as stored."""
    inventory, claims = inventory_store.read_range("inn", day, day)
    (record,) = [d for d in inventory if d.resource_type_id == "room"]
    (cell,) = record.cells
    return cell.units, sorted((c.unit, c.state) for c in claims if c.resource_type_id == "room")


# ------------------------------------------------------------------ catalog


def test_an_unknown_facility_is_none() -> None:
    assert catalog_store.get("nowhere") is None


def test_facilities_are_saved_listed_by_id_and_replaced() -> None:
    catalog_store.save(facility("minato-ohiradai", INN))
    catalog_store.save(facility("ageo-gym", GYM))
    assert catalog_store.get("ageo-gym") == facility("ageo-gym", GYM)
    listed = catalog_store.page(10, None)
    assert [f.facility_id for f in listed.items] == ["ageo-gym", "minato-ohiradai"]

    renamed = facility("ageo-gym", {**GYM, "name": "上尾市民体育館（改修後）"})
    catalog_store.save(renamed)
    assert catalog_store.get("ageo-gym") == renamed
    assert len(catalog_store.page(10, None).items) == 2


# ------------------------------------------------------------------ notices


def notice(notice_id: str, published_at: datetime) -> Notice:
    return Notice(
        notice_id=notice_id, title=f"t-{notice_id}", body="本文", published_at=published_at
    )


def test_published_notices_come_newest_first_and_future_ones_stay_hidden() -> None:
    notice_store.save(notice("old", NOW - timedelta(days=3)))
    notice_store.save(notice("new", NOW - timedelta(hours=1)))
    notice_store.save(notice("middle", NOW - timedelta(days=1)))
    notice_store.save(notice("future", NOW + timedelta(minutes=1)))
    notice_store.save(notice("now", NOW))

    shown = notice_store.published(NOW, 50, None).items
    assert [n.notice_id for n in shown] == ["now", "new", "middle", "old"]
    assert shown[1] == notice("new", NOW - timedelta(hours=1))

    later = notice_store.published(NOW + timedelta(minutes=1), 50, None).items
    assert [n.notice_id for n in later][:2] == ["future", "now"]


def test_notice_times_with_other_offsets_sort_by_the_instant() -> None:
    tokyo = timezone(timedelta(hours=9))
    notice_store.save(notice("tokyo", datetime(2030, 5, 15, 9, 30, tzinfo=tokyo)))  # 00:30Z
    notice_store.save(notice("utc", datetime(2030, 5, 15, 0, 45, tzinfo=UTC)))
    shown = notice_store.published(NOW, 50, None).items
    assert [n.notice_id for n in shown] == ["utc", "tokyo"]
    assert shown[1].published_at == datetime(2030, 5, 15, 0, 30, tzinfo=UTC)


def test_published_notices_are_limited() -> None:
    for n in range(5):
        notice_store.save(notice(f"n{n}", NOW - timedelta(minutes=n)))
    page = notice_store.published(NOW, 2, None)
    assert [n.notice_id for n in page.items] == ["n0", "n1"]
    assert page.next_token is not None


# ------------------------------------------------------------------ inventory


def test_read_range_over_a_month_boundary_returns_both_months() -> None:
    open_rooms(2, date(2030, 5, 30), date(2030, 6, 2))
    write_claim("inn", date(2030, 5, 31), 0)
    write_claim("inn", date(2030, 6, 1), 1, ClaimState.HOLD, expires_at=NOW + timedelta(hours=1))
    write_claim("inn", date(2030, 6, 2), 0)  # outside the range read below

    inventory, claims = inventory_store.read_range("inn", date(2030, 5, 31), date(2030, 6, 1))
    assert [(d.day, d.resource_type_id) for d in inventory] == [
        (date(2030, 5, 31), "room"),
        (date(2030, 6, 1), "room"),
    ]
    assert inventory[0].cells == (Cell(WHOLE_DAY, 2),)
    assert inventory[0].version == 1
    assert [(c.day, c.unit, c.state) for c in claims] == [
        (date(2030, 5, 31), 0, ClaimState.BOOKED),
        (date(2030, 6, 1), 1, ClaimState.HOLD),
    ]
    assert claims[1].expires_at == NOW + timedelta(hours=1)
    assert claims[1].holder == "user-1"


def test_read_range_keeps_facilities_apart() -> None:
    open_rooms(2)
    assert inventory_store.read_range("other", DAY, DAY) == ([], [])


def test_shrinking_writes_closures_and_growing_reopens_them() -> None:
    open_rooms(4)
    write_claim("inn", DAY, 3)
    open_rooms(2)
    assert room_units() == (
        4,
        [(1, ClaimState.CLOSED), (2, ClaimState.CLOSED), (3, ClaimState.BOOKED)],
    )

    open_rooms(3)
    units, claims = room_units()
    assert units == 4  # a closed unit is reopened rather than a fifth one numbered
    assert [state for _, state in claims].count(ClaimState.CLOSED) == 1
    assert (3, ClaimState.BOOKED) in claims

    open_rooms(6)
    assert room_units() == (6, [(3, ClaimState.BOOKED)])


def test_closed_dates_close_every_free_unit_and_reopen_later() -> None:
    open_rooms(2)
    open_rooms(2, closedDates=[DAY.isoformat()])
    inventory, _ = inventory_store.read_range("inn", DAY, DAY)
    assert inventory[0].closed is True
    assert room_units() == (2, [(0, ClaimState.CLOSED), (1, ClaimState.CLOSED)])

    open_rooms(2)
    assert room_units() == (2, [])
    assert inventory_store.read_range("inn", DAY, DAY)[0][0].closed is False


def test_a_closure_replaces_an_expired_hold() -> None:
    open_rooms(2)
    write_claim("inn", DAY, 1, ClaimState.HOLD, expires_at=NOW - timedelta(seconds=1))
    open_rooms(1)
    assert room_units() == (2, [(1, ClaimState.CLOSED)])
    item = ClaimItem.get(
        inventory_store.partition("inn", "2030-06"),
        inventory_store.claim_sk(DAY, "room", WHOLE_DAY, 1),
    )
    assert item.expires_at is None
    assert item.holder is None


def stale_plans(capacity: int) -> list:
    """Plans for the rooms on DAY made from what is stored now (to be applied later)."""
    inn = facility("inn", INN)
    change = InventoryChange.model_validate(
        {
            "resourceTypeId": "room",
            "from": DAY.isoformat(),
            "to": DAY.isoformat(),
            "capacity": capacity,
        }
    )
    inventory, claims = inventory_store.read_range("inn", DAY, DAY)
    existing = {d.day: d for d in inventory}
    return plan_inventory(change, inn, existing, claims, NOW, TODAY)


def stored_record() -> tuple[int, list[dict[str, object]]]:
    item = CapacityItem.get(
        inventory_store.partition("inn", "2030-06"), inventory_store.capacity_sk(DAY, "room")
    )
    return item.version, item.cells


def test_creating_a_record_that_appeared_meanwhile_loses_the_race() -> None:
    plans = stale_plans(3)
    open_rooms(5)  # another change created the record after the plan was made
    before = stored_record()
    with pytest.raises(inventory_store.LostRace):
        inventory_store.apply("inn", plans, NOW)
    assert stored_record() == before


def test_changing_a_record_that_changed_meanwhile_loses_the_race() -> None:
    open_rooms(2)
    plans = stale_plans(3)
    open_rooms(5)
    before = stored_record()
    assert before[0] == 2
    with pytest.raises(inventory_store.LostRace):
        inventory_store.apply("inn", plans, NOW)
    assert stored_record() == before


def test_closures_of_a_stale_plan_lose_the_race_and_write_nothing() -> None:
    open_rooms(3)
    plans = stale_plans(1)  # closes units 2 and 1
    open_rooms(4)
    before = stored_record()
    with pytest.raises(inventory_store.LostRace):
        inventory_store.apply("inn", plans, NOW)
    assert stored_record() == before
    assert room_units() == (4, [])


def test_a_closure_fails_when_a_live_hold_took_the_unit_meanwhile() -> None:
    open_rooms(3)
    plans = stale_plans(2)  # closes unit 2, which was free when read
    write_claim("inn", DAY, 2, ClaimState.HOLD, expires_at=NOW + timedelta(minutes=10))
    before = stored_record()
    with pytest.raises(inventory_store.LostRace):
        inventory_store.apply("inn", plans, NOW)
    assert stored_record() == before  # all or nothing: the record is untouched too
    assert room_units() == (3, [(2, ClaimState.HOLD)])


# ------------------------------------------------------------------ sessions


CITIZEN = Principal(PrincipalKind.CITIZEN, "123456")
STAFF = Principal(PrincipalKind.STAFF, "staff-1")


def test_a_session_resolves_to_its_principal_until_it_expires() -> None:
    token, expires_at = session_store.create(CITIZEN, NOW, timedelta(hours=12))
    assert expires_at == NOW + timedelta(hours=12)
    assert session_store.resolve(token, NOW) == CITIZEN
    assert session_store.resolve(token, expires_at - timedelta(seconds=1)) == CITIZEN
    assert session_store.resolve(token, expires_at) is None
    assert session_store.resolve(token, expires_at + timedelta(days=1)) is None


def test_tokens_are_not_stored() -> None:
    import boto3

    from yoyaku.settings import settings

    token, _ = session_store.create(STAFF, NOW, timedelta(hours=1))
    secret = token.rsplit(".", 1)[1]
    dump = str(boto3.client("dynamodb").scan(TableName=settings().table_name)["Items"])
    assert secret not in dump


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "staff.staff-1.not-the-secret",
        "citizen.123456.x",
        "admin.staff-1.secret",
        "staff..secret",
        "." * 5,
        "staff.staff-1." + "x" * 300,
    ],
)
def test_unknown_and_malformed_tokens_resolve_to_nobody(token: str) -> None:
    session_store.create(STAFF, NOW, timedelta(hours=1))
    assert session_store.resolve(token, NOW) is None


def test_a_token_cannot_be_replayed_as_another_principal() -> None:
    token, _ = session_store.create(CITIZEN, NOW, timedelta(hours=1))
    secret = token.rsplit(".", 1)[1]
    assert session_store.resolve(f"staff.123456.{secret}", NOW) is None
    assert session_store.resolve(f"citizen.654321.{secret}", NOW) is None


def test_ending_a_session_ends_only_that_one() -> None:
    first, _ = session_store.create(STAFF, NOW, timedelta(hours=1))
    second, _ = session_store.create(STAFF, NOW, timedelta(hours=1))
    session_store.end(first)
    assert session_store.resolve(first, NOW) is None
    assert session_store.resolve(second, NOW) == STAFF
    session_store.end("garbage")  # a malformed token ends nothing and does not fail


def test_end_all_ends_every_session_of_one_principal() -> None:
    tokens = [session_store.create(CITIZEN, NOW, timedelta(hours=1))[0] for _ in range(3)]
    other, _ = session_store.create(
        Principal(PrincipalKind.CITIZEN, "654321"), NOW, timedelta(hours=1)
    )
    assert session_store.end_all(CITIZEN) == 3
    assert [session_store.resolve(t, NOW) for t in tokens] == [None, None, None]
    assert session_store.resolve(other, NOW) is not None


def test_more_than_one_transaction_of_closures_still_applies_cleanly() -> None:
    open_rooms(250)  # closing 250 units takes three transactions
    open_rooms(0)
    assert room_units() == (250, [(u, ClaimState.CLOSED) for u in range(250)])
    open_rooms(250)
    assert room_units() == (250, [])


def test_a_lost_race_leaves_no_closures_behind_even_for_large_changes() -> None:
    open_rooms(120)
    plans = stale_plans(0)  # 120 closures, written from unit 119 down to 0
    write_claim("inn", DAY, 0, ClaimState.HOLD, expires_at=NOW + timedelta(minutes=10))
    with pytest.raises(inventory_store.LostRace):
        inventory_store.apply("inn", plans, NOW)
    assert room_units() == (120, [(0, ClaimState.HOLD)])


# ------------------------------------------------------------------ day summaries


def test_rebuilding_writes_the_summaries_that_older_claims_imply() -> None:
    """Inventory and bookings written before summaries existed: the rebuild writes what
    they imply, leaves a right summary alone, and gives up on none under a race."""
    from tools import rebuild_summaries
    from yoyaku.adapters import summary_store
    from yoyaku.adapters.table import SummaryItem

    from .helpers import assert_summaries_match_claims

    open_rooms(4, DAY, DAY + timedelta(days=2))
    open_rooms(3, DAY + timedelta(days=1), DAY + timedelta(days=1))  # one unit closed
    for unit, state in ((0, ClaimState.BOOKED), (1, ClaimState.LOTTERY)):
        ClaimItem(
            inventory_store.partition("inn", "2030-06"),
            inventory_store.claim_sk(DAY, "room", "-", unit),
            state=state.value,
            holder="older",
        ).save()  # as an older version wrote them: no summary change
    for item in SummaryItem.query(summary_store.partition("inn")):
        if item.sk.startswith(DAY.isoformat()):
            item.delete()  # and the first day has no summary at all
    last = DAY + timedelta(days=2)

    assert rebuild_summaries.main(["--from", str(DAY), "--days", "3", "--facility-id", "inn"]) == 0
    assert_summaries_match_claims("inn", DAY, last, NOW)
    assert summary_store.rebuild("inn", DAY, last) == 0  # nothing left to change

    write_claim("inn", DAY + timedelta(days=2), 0)  # later writes keep them right
    assert_summaries_match_claims("inn", DAY, last, NOW)
    assert summary_store.rebuild("inn", DAY, last) == 0


def test_a_rebuild_never_writes_over_a_summary_changed_after_its_read(monkeypatch) -> None:
    from yoyaku.adapters import summary_store

    from .helpers import assert_summaries_match_claims

    open_rooms(4)
    booked = []
    read_range = inventory_store.read_range

    def booking_meanwhile(facility_id, start, end):  # type: ignore[no-untyped-def]
        if not booked:  # a confirmation between the rebuild's two reads
            write_claim("inn", DAY, len(booked))
            booked.append(1)
        return read_range(facility_id, start, end)

    monkeypatch.setattr(inventory_store, "read_range", booking_meanwhile)
    summary_store.rebuild("inn", DAY, DAY)
    monkeypatch.setattr(inventory_store, "read_range", read_range)
    assert_summaries_match_claims("inn", DAY, DAY, NOW)
