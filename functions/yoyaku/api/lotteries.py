"""Lotteries: the public list, demand and audit; entries of verified residents; staff
creation and the draw."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from yoyaku.api import accepting, auth
from yoyaku.api.app import NO_CONTENT
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.lottery import (
    Audit,
    DemandDay,
    DrawRequest,
    EntryOut,
    EntryRequest,
    Lottery,
    LotteryDefinition,
    LotteryResult,
    LotteryStatus,
    StaffResultRow,
    Withdrawals,
)
from yoyaku.domain.model import CamelModel, QueryDate
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.services import lotteries

public = Router()
citizen = Router()
staff = Router()


class LotteryList(Paged):
    items: list[Lottery]


class Demand(CamelModel):
    lottery_id: str
    days: list[DemandDay]


class EntryList(Paged):
    items: list[EntryOut]


class ResultList(Paged):
    items: list[LotteryResult]


class StaffResultList(Paged):
    items: list[StaffResultRow]


class DrawStarted(CamelModel):
    lottery_id: str
    execution_arn: str


@public.get("/v1/lotteries", summary="Lotteries", tags=["lotteries"])
def list_lotteries(
    facility_id: Annotated[str | None, Query(alias="facilityId")] = None,
    status: Annotated[LotteryStatus | None, Query()] = None,
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> LotteryList:
    page = lotteries.listed(facility_id, status, limit, next_token)
    return LotteryList(items=page.items, next_token=page.next_token)


@public.get("/v1/lotteries/<lotteryId>", summary="One lottery", tags=["lotteries"])
def get_lottery(lottery_id: Annotated[str, Path(alias="lotteryId")]) -> Lottery:
    return lotteries.get(lottery_id)


@public.get(
    "/v1/lotteries/<lotteryId>/demand",
    summary="Applications and winnable units per date (申込総数/当選可能数)",
    tags=["lotteries"],
)
def get_demand(
    lottery_id: Annotated[str, Path(alias="lotteryId")],
    start: Annotated[QueryDate | None, Query(alias="from", description="First day shown.")] = None,
    end: Annotated[QueryDate | None, Query(alias="to", description="Last day shown.")] = None,
) -> Demand:
    return Demand(lottery_id=lottery_id, days=lotteries.demand(lottery_id, start, end))


@public.get(
    "/v1/lotteries/<lotteryId>/audit",
    summary="What anyone needs to check the draw",
    description="Before the draw: the commitment to the secret seed (and the entries "
    "digest once closed). After: the seed, the anonymous entries, the kept inventory, the "
    "order and the results; `python -m tools.verify_draw` recomputes and checks them.",
    tags=["lotteries"],
)
def get_audit(lottery_id: Annotated[str, Path(alias="lotteryId")]) -> Audit:
    return lotteries.audit(lottery_id)


# ---------------------------------------------------------------- citizens


@citizen.post(
    "/v1/lotteries/<lotteryId>/entries",
    middlewares=[accepting.BOOKING],
    summary="Enter a lottery with 1 to 3 ranked preferences",
    tags=["lotteries"],
    status_code=201,
)
def enter_lottery(
    lottery_id: Annotated[str, Path(alias="lotteryId")], request: EntryRequest
) -> EntryOut:
    return lotteries.enter(lottery_id, auth.citizen_profile(citizen), request)


@citizen.get("/v1/me/lottery-entries", summary="My lottery entries", tags=["lotteries"])
def my_entries(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> EntryList:
    page = lotteries.entries_of(auth.citizen(citizen).id, limit, next_token)
    return EntryList(items=page.items, next_token=page.next_token)


@citizen.put(
    "/v1/me/lottery-entries/<entryId>",
    middlewares=[accepting.BOOKING],
    summary="Change my entry's preferences while the lottery is open",
    description="The whole new list of ranked preferences, checked as for a new entry: "
    "add one (次の希望日へ), drop one (ranks 1..n again) or change them. The entry keeps "
    "its id and time of entry; the demand counters follow.",
    tags=["lotteries"],
)
def change_entry(
    entry_id: Annotated[str, Path(alias="entryId")], request: EntryRequest
) -> EntryOut:
    return lotteries.change_entry(entry_id, auth.citizen_profile(citizen), request)


@citizen.post(
    "/v1/me/lottery-entries/withdrawals",
    middlewares=[accepting.BOOKING],
    summary="Withdraw several of my entries at once, all or none",
    description="Each must be the caller's and its lottery open; otherwise nothing is "
    "withdrawn and the answer is that refusal (404 NOT_FOUND, 422 LOTTERY_CLOSED).",
    tags=["lotteries"],
    status_code=204,
)
def withdraw_several(request: Withdrawals) -> Response[None]:
    lotteries.withdraw_many(request.entry_ids, auth.citizen(citizen).id)
    return NO_CONTENT


@citizen.delete(
    "/v1/me/lottery-entries/<entryId>",
    middlewares=[accepting.BOOKING],
    summary="Withdraw an entry while the lottery is open",
    tags=["lotteries"],
    status_code=204,
)
def withdraw_entry(entry_id: Annotated[str, Path(alias="entryId")]) -> Response[None]:
    lotteries.withdraw(entry_id, auth.citizen(citizen).id)
    return NO_CONTENT


@citizen.get("/v1/me/lottery-results", summary="My lottery results", tags=["lotteries"])
def my_results(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> ResultList:
    page = lotteries.results_of(auth.citizen(citizen).id, limit, next_token)
    return ResultList(items=page.items, next_token=page.next_token)


# ---------------------------------------------------------------- staff


@staff.post(
    "/v1/staff/lotteries",
    summary="Create a lottery (keeps its inventory and schedules the draw)",
    tags=["staff"],
    status_code=201,
)
def create_lottery(definition: LotteryDefinition) -> Lottery:
    member = auth.staff(staff)
    return lotteries.create(definition, member)


@staff.post(
    "/v1/staff/lotteries/<lotteryId>/draw",
    summary="Start the draw now (the schedule does it at drawAt)",
    tags=["staff"],
    status_code=202,
)
def draw_now(
    lottery_id: Annotated[str, Path(alias="lotteryId")],
    request: Annotated[DrawRequest | None, Body()] = None,
) -> DrawStarted:
    member = auth.staff(staff)
    arn = lotteries.draw_now(lottery_id, member, request or DrawRequest())
    return DrawStarted(lottery_id=lottery_id, execution_arn=arn)


@staff.get(
    "/v1/staff/lotteries/<lotteryId>/results",
    summary="A lottery's results: every entry's wins (with their status now) or loss",
    description="By user number, in pages. A win carries its reservation's status "
    "(`awaiting_confirmation`, `confirmed`, `expired`, `cancelled`) and `confirmBy`.",
    tags=["staff"],
)
def lottery_results(
    lottery_id: Annotated[str, Path(alias="lotteryId")],
    limit: Limit = DEFAULT_LIMIT,
    next_token: NextToken = None,
) -> StaffResultList:
    auth.staff(staff)
    page = lotteries.results_for_staff(lottery_id, limit, next_token)
    return StaffResultList(items=page.items, next_token=page.next_token)
