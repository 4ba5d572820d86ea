"""Lotteries: the public list, demand and audit; entries of verified residents; staff
creation and the draw."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import date, timedelta
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from yoyaku import runtime
from yoyaku.adapters import lottery_store, schedules
from yoyaku.adapters.lottery_store import LotteryRecord
from yoyaku.api import auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.api.catalog import load_facility
from yoyaku.domain import booking
from yoyaku.domain import lottery as rules
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.lottery import (
    EntryOut,
    EntryRequest,
    Lottery,
    LotteryDefinition,
    LotteryResult,
    LotteryStatus,
)
from yoyaku.domain.messages import Bilingual
from yoyaku.domain.model import CamelModel
from yoyaku.domain.registration import AccountStatus, Residency

public = Router()
citizen = Router()
staff = Router()

LOTTERY = Bilingual("抽選", "lottery")
ENTRY = Bilingual("抽選の申込み", "lottery entry")
CLOSED_NOW = Bilingual("申込みは締め切られました。", "Entries have just closed.")


class LotteryList(CamelModel):
    items: list[Lottery]


class DemandDay(CamelModel):
    date: date
    resource_type_id: str
    applications: int
    winnable: int


class Demand(CamelModel):
    lottery_id: str
    days: list[DemandDay]


class Audit(CamelModel):
    lottery_id: str
    mechanism: rules.Mechanism
    algorithm: str
    seed_commitment: str
    entries_digest: str | None = None
    seed: str | None = None
    result_digest: str | None = None
    order: list[str] | None = None
    entries: list[str] | None = None
    inventory: list[dict[str, Any]] | None = None
    results: list[dict[str, Any]] | None = None


class EntryList(CamelModel):
    items: list[EntryOut]


class ResultList(CamelModel):
    items: list[LotteryResult]


class DrawStarted(CamelModel):
    lottery_id: str
    execution_arn: str


def _definition(record: LotteryRecord) -> LotteryDefinition:
    """What staff defined (the stored copy also keeps the facility's name for e-mails)."""
    fields = {k: v for k, v in record.definition.items() if k != "facilityName"}
    return LotteryDefinition.model_validate(fields)


def _lottery(record: LotteryRecord) -> Lottery:
    d = _definition(record)
    return Lottery(
        lottery_id=record.lottery_id,
        facility_id=d.facility_id,
        stay_from=d.stay_from,
        stay_to=d.stay_to,
        apply_from=d.apply_from,
        apply_until=d.apply_until,
        draw_at=d.draw_at,
        status=rules.status_at(
            runtime.current().now(), d.apply_from, d.apply_until, record.closed, record.drawn
        ),
        max_preferences=d.max_preferences,
        mechanism=d.mechanism,
        seed_commitment=record.seed_commitment,
    )


def load_lottery(lottery_id: str) -> LotteryRecord:
    record = lottery_store.get(lottery_id)
    if record is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=LOTTERY)
    return record


@public.get("/v1/lotteries", summary="Lotteries", tags=["lotteries"])
def list_lotteries(
    facility_id: Annotated[str | None, Query(alias="facilityId")] = None,
    status: Annotated[LotteryStatus | None, Query()] = None,
) -> LotteryList:
    items = [_lottery(r) for r in lottery_store.list_all()]
    items = [
        i
        for i in items
        if (facility_id is None or i.facility_id == facility_id)
        and (status is None or i.status is status)
    ]
    return LotteryList(items=items)


@public.get("/v1/lotteries/<lotteryId>", summary="One lottery", tags=["lotteries"])
def get_lottery(lottery_id: Annotated[str, Path(alias="lotteryId")]) -> Lottery:
    return _lottery(load_lottery(lottery_id))


@public.get(
    "/v1/lotteries/<lotteryId>/demand",
    summary="Applications and winnable units per date (申込総数/当選可能数)",
    tags=["lotteries"],
)
def get_demand(lottery_id: Annotated[str, Path(alias="lotteryId")]) -> Demand:
    load_lottery(lottery_id)
    days = [
        DemandDay(date=d, resource_type_id=rt, applications=a, winnable=w)
        for d, rt, a, w in lottery_store.demand(lottery_id)
    ]
    return Demand(lottery_id=lottery_id, days=days)


@public.get(
    "/v1/lotteries/<lotteryId>/audit",
    summary="What anyone needs to check the draw",
    description="Before the draw: the commitment to the secret seed (and the entries "
    "digest once closed). After: the seed, the anonymous entries, the kept inventory, the "
    "order and the results; `python -m tools.verify_draw` recomputes and checks them.",
    tags=["lotteries"],
)
def get_audit(lottery_id: Annotated[str, Path(alias="lotteryId")]) -> Audit:
    record = load_lottery(lottery_id)
    audit = Audit(
        lottery_id=lottery_id,
        mechanism=record.definition["mechanism"],
        algorithm="order = entries sorted by HMAC-SHA256(key=seed, "
        "message=entriesDigest:entryId); allocation by `mechanism` (docs/lottery.md)",
        seed_commitment=record.seed_commitment,
        entries_digest=record.entries_digest,
    )
    if record.drawn and record.audit:
        audit = audit.model_copy(
            update={
                "seed": record.seed,
                "result_digest": record.result_digest,
                "order": record.audit["order"],
                "entries": record.audit["entries"],
                "inventory": record.audit["inventory"],
                "results": record.audit["results"],
            }
        )
    return audit


# ---------------------------------------------------------------- citizens


def _round(definition: LotteryDefinition) -> str:
    """One facility per lottery round: the round is the month of the stay period."""
    return definition.stay_from.isoformat()[:7]


def _ensure_eligible(user: auth.CitizenProfile, facility: Facility) -> None:
    status = user.status_on(runtime.current().today())
    if status is not AccountStatus.VERIFIED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=Bilingual(
                "抽選に申し込めるのは本登録（在住・在勤の確認済み）の方です。",
                "Only fully verified accounts can enter lotteries.",
            ),
        )
    if facility.lottery.residents_only and user.residency is not Residency.RESIDENT:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            reason=Bilingual(
                "この抽選は区内在住の方だけが申し込めます。",
                "Only residents can enter this lottery.",
            ),
        )


def _ensure_open(record: LotteryRecord) -> LotteryDefinition:
    definition = _definition(record)
    status = _lottery(record).status
    if status is LotteryStatus.SCHEDULED:
        raise DomainError(
            ErrorCode.LOTTERY_CLOSED,
            reason=Bilingual(
                f"申込みは {definition.apply_from.isoformat()} から受け付けます。",
                f"Entries open at {definition.apply_from.isoformat()}.",
            ),
        )
    if status is not LotteryStatus.OPEN:
        raise DomainError(
            ErrorCode.LOTTERY_CLOSED,
            reason=Bilingual(
                f"申込みは {definition.apply_until.isoformat()} で締め切りました。",
                f"Entries closed at {definition.apply_until.isoformat()}.",
            ),
        )
    return definition


def _check_preferences(
    request: EntryRequest, definition: LotteryDefinition, facility: Facility
) -> set[tuple[date, str]]:
    if len(request.preferences) > definition.max_preferences:
        raise DomainError.invalid(
            "preferences", "too_many_preferences", max=definition.max_preferences
        )
    demand_keys = set()
    for index, p in enumerate(request.preferences):
        field = f"preferences[{index}]"
        last = p.date + timedelta(days=p.nights - 1)
        if p.date < definition.stay_from or last > definition.stay_to:
            raise DomainError.invalid(
                f"{field}.date",
                "outside_stay_period",
                stayFrom=definition.stay_from.isoformat(),
                stayTo=definition.stay_to.isoformat(),
            )
        resource = facility.resource_type(p.resource_type_id)
        if resource is None:
            raise DomainError.invalid(
                f"{field}.resourceTypeId",
                "unknown_resource_type",
                known=", ".join(r.resource_type_id for r in facility.resource_types),
            )
        if p.nights > (facility.rules.max_nights or 1):
            raise DomainError.invalid(
                f"{field}.nights", "less_than_equal", le=facility.rules.max_nights
            )
        if p.quantity > facility.rules.max_units_per_booking:
            raise DomainError.invalid(
                f"{field}.quantity", "less_than_equal", le=facility.rules.max_units_per_booking
            )
        try:
            booking.check_party(p.party, p.nights, p.quantity, resource.capacity_persons)
            booking.check_room_style(facility, p.room_style)
        except DomainError as error:  # name the preference the field belongs to
            error.field_errors = [
                dataclasses.replace(e, field=f"{field}.{e.field}") for e in error.field_errors
            ]
            raise
        demand_keys.add((p.date, p.resource_type_id))
    return demand_keys


@citizen.post(
    "/v1/lotteries/<lotteryId>/entries",
    summary="Enter a lottery with 1 to 3 ranked preferences",
    tags=["lotteries"],
)
def enter(
    lottery_id: Annotated[str, Path(alias="lotteryId")], request: EntryRequest
) -> tuple[EntryOut, int]:
    rt = runtime.current()
    user = auth.citizen_profile(citizen)
    record = load_lottery(lottery_id)
    definition = _ensure_open(record)
    facility = load_facility(definition.facility_id)
    _ensure_eligible(user, facility)
    demand_keys = _check_preferences(request, definition, facility)
    entry = EntryOut(
        entry_id=rt.new_id("ent"),
        lottery_id=lottery_id,
        facility_id=facility.facility_id,
        preferences=sorted(request.preferences, key=lambda p: p.rank),
        created_at=rt.now(),
    )
    try:
        lottery_store.add_entry(
            lottery_id,
            _round(definition),
            user.user_number,
            entry.entry_id,
            [p.model_dump(mode="json") for p in entry.preferences],
            {
                "email": user.email,
                "language": user.language,
                "lotteryResultEmail": user.lottery_result_email,
            },
            demand_keys,
            rt.now(),
        )
    except lottery_store.AlreadyApplied:
        raise DomainError(ErrorCode.ALREADY_APPLIED) from None
    except lottery_store.EntriesClosed:
        _ensure_open(load_lottery(lottery_id))  # says when entries closed
        raise DomainError(ErrorCode.LOTTERY_CLOSED, reason=CLOSED_NOW) from None
    return entry, 201


def _entries(user_number: str) -> list[tuple[str, EntryOut]]:
    result = []
    for lottery_id, item in lottery_store.entries_of_user(user_number):
        record = lottery_store.get(lottery_id)
        result.append(
            (
                lottery_id,
                EntryOut(
                    entry_id=item.entry_id,
                    lottery_id=lottery_id,
                    facility_id=record.definition["facilityId"] if record else "",
                    preferences=item.preferences,
                    created_at=item.created_at,
                ),
            )
        )
    return result


@citizen.get("/v1/me/lottery-entries", summary="My lottery entries", tags=["lotteries"])
def my_entries() -> EntryList:
    caller = auth.citizen(citizen)
    return EntryList(items=[e for _, e in _entries(caller.id)])


@citizen.delete(
    "/v1/me/lottery-entries/<entryId>",
    summary="Withdraw an entry while the lottery is open",
    tags=["lotteries"],
)
def withdraw(entry_id: Annotated[str, Path(alias="entryId")]) -> Response[None]:
    caller = auth.citizen(citizen)
    found = next(((lid, e) for lid, e in _entries(caller.id) if e.entry_id == entry_id), None)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=ENTRY)
    lottery_id, entry = found
    definition = _ensure_open(load_lottery(lottery_id))
    keys = {(p.date, p.resource_type_id) for p in entry.preferences}
    try:
        withdrawn = lottery_store.withdraw(lottery_id, _round(definition), caller.id, keys)
    except lottery_store.EntriesClosed:
        raise DomainError(ErrorCode.LOTTERY_CLOSED, reason=CLOSED_NOW) from None
    if not withdrawn:
        raise DomainError(ErrorCode.NOT_FOUND, what=ENTRY)
    return NO_CONTENT


@citizen.get("/v1/me/lottery-results", summary="My lottery results", tags=["lotteries"])
def my_results() -> ResultList:
    caller = auth.citizen(citizen)
    items = [
        LotteryResult(
            lottery_id=lottery_id,
            entry_id=r.entry_id,
            outcome="won" if r.won_rank else "lost",
            won_rank=int(r.won_rank) if r.won_rank else None,
            reservation_number=r.reservation_number,
        )
        for lottery_id, r in lottery_store.results_of_user(caller.id)
    ]
    return ResultList(items=items)


# ---------------------------------------------------------------- staff


@staff.post(
    "/v1/staff/lotteries",
    summary="Create a lottery (keeps its inventory and schedules the draw)",
    tags=["staff"],
)
def create_lottery(definition: LotteryDefinition) -> tuple[Lottery, int]:
    auth.staff(staff)
    rt = runtime.current()
    facility = load_facility(definition.facility_id)
    if not facility.lottery.enabled or facility.kind != "lodging":
        raise DomainError.invalid("facilityId", "lottery_not_offered")
    if definition.draw_at <= rt.now():
        raise DomainError.invalid("drawAt", "date_in_past", today=rt.now().isoformat())
    lottery_id = rt.new_id("lot")
    seed = secrets.token_hex(32)
    stored = definition.model_dump(mode="json") | {"facilityName": facility.name}
    lottery_store.create(lottery_id, stored, seed, rules.commitment(seed))
    kept = lottery_store.keep_inventory(
        facility.facility_id, lottery_id, definition.stay_from, definition.stay_to, rt.now()
    )
    lottery_store.save_winnable(lottery_id, kept)
    schedules.schedule_draw(lottery_id, definition.draw_at)
    return _lottery(load_lottery(lottery_id)), 201


@staff.post(
    "/v1/staff/lotteries/<lotteryId>/draw",
    summary="Start the draw now (the schedule does it at drawAt)",
    tags=["staff"],
)
def draw_now(lottery_id: Annotated[str, Path(alias="lotteryId")]) -> tuple[DrawStarted, int]:
    auth.staff(staff)
    load_lottery(lottery_id)
    arn = schedules.start_draw_now(lottery_id, runtime.current().now())
    return DrawStarted(lottery_id=lottery_id, execution_arn=arn), 202
