"""The lottery draw workflow's tasks (statemachines/lottery_draw.asl.json).

Close → draw (allocate and record) → notify → publish → release leftovers. The draw is
deterministic (domain.lottery), and every write is conditional or repeats the same
value, so a retried task or a second execution gives the same result and never
allocates a unit twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from yoyaku import runtime
from yoyaku.adapters import catalog_store, lottery_store, mailer
from yoyaku.adapters.lottery_store import LotteryRecord
from yoyaku.adapters.table import ClaimItem, EntryItem
from yoyaku.domain import booking, emails
from yoyaku.domain import lottery as rules
from yoyaku.domain.booking import PartyNight, Reservation
from yoyaku.domain.catalog import Facility
from yoyaku.domain.messages import Language
from yoyaku.entrypoints.observability import logger
from yoyaku.settings import settings

NOTIFY_SECONDS = 60  # then the state machine calls notify again for the rest
NUMBER_ATTEMPTS = 3  # a random reservation number is rarely taken; then draw another


def _lottery(lottery_id: str) -> LotteryRecord:
    record = lottery_store.get(lottery_id)
    if record is None:
        raise LookupError(f"lottery {lottery_id} does not exist")
    return record


def _entry(item: EntryItem) -> rules.Entry:
    prefs = tuple(
        rules.Preference(
            int(p["rank"]),
            date.fromisoformat(p["date"]),
            int(p["nights"]),
            p["resourceTypeId"],
            int(p["quantity"]),
        )
        for p in item.preferences
    )
    return rules.entry(item.entry_id, prefs)


def close(lottery_id: str) -> dict[str, Any]:
    _lottery(lottery_id)
    entries = [_entry(item) for _, item in lottery_store.entries(lottery_id)]
    digest = lottery_store.close(lottery_id, rules.entries_digest(entries))
    return {"entries": len(entries), "entriesDigest": digest}


def _outcome(lottery: LotteryRecord) -> tuple[list[str], dict[str, int], dict[str, Any]]:
    """The order and the ranks won, recomputed from stored data (same on every run)."""
    if lottery.entries_digest is None:
        raise RuntimeError("the lottery must be closed before it is drawn")
    items = lottery_store.entries(lottery.lottery_id)
    entries = {item.entry_id: _entry(item) for _, item in items}
    order = rules.draw_order(lottery.seed, lottery.entries_digest, entries)
    mechanism = rules.Mechanism(lottery.definition["mechanism"])
    won = rules.allocate(order, entries, lottery_store.winnable(lottery.lottery_id), mechanism)
    by_entry = {item.entry_id: (user, item) for user, item in items}
    return order, won, by_entry


def _reservation(
    facility: Facility, preference: dict[str, Any], number: str, now: datetime
) -> Reservation:
    first = date.fromisoformat(preference["date"])
    return Reservation(
        reservation_number=number,
        facility_id=facility.facility_id,
        facility_name=facility.name,
        resource_type_id=preference["resourceTypeId"],
        date=first,
        nights=int(preference["nights"]),
        quantity=int(preference["quantity"]),
        party=[PartyNight.model_validate(p) for p in preference["party"]],
        room_style=preference.get("roomStyle"),
        status="confirmed",
        source="lottery",
        created_at=now,
        change_deadline=booking.deadline(first, facility.rules.change_deadline_days),
        cancel_deadline=booking.deadline(first, facility.rules.cancel_deadline_days),
    )


def draw(lottery_id: str) -> dict[str, Any]:
    """Allocates in draw order: each win turns kept units into a reservation together
    with its result; entries that won nothing are recorded as lost."""
    rt = runtime.current()
    lottery = _lottery(lottery_id)
    definition = lottery.definition
    facility = catalog_store.get(definition["facilityId"])
    if facility is None:
        raise LookupError(definition["facilityId"])
    order, won, by_entry = _outcome(lottery)
    done = lottery_store.results(lottery_id)
    stay_from = date.fromisoformat(definition["stayFrom"])
    stay_to = date.fromisoformat(definition["stayTo"])
    pools: dict[tuple[date, str], list[ClaimItem]] = defaultdict(list)
    for claim in lottery_store.kept_units(facility.facility_id, lottery_id, stay_from, stay_to):
        day, _, resource, _, _ = claim.sk.split("#")
        pools[(date.fromisoformat(day), resource)].append(claim)
    for pool in pools.values():
        pool.sort(key=lambda c: c.sk)
    wins = 0
    losers: list[tuple[str, str, dict[str, Any]]] = []
    for entry_id in order:
        user_number, item = by_entry[entry_id]
        rank = won.get(entry_id, 0)
        if user_number in done:
            continue
        if rank == 0:
            losers.append((user_number, entry_id, dict(item.contact)))
            continue
        preference = next(p for p in item.preferences if int(p["rank"]) == rank)
        first = date.fromisoformat(preference["date"])
        quantity = int(preference["quantity"])
        claims = []
        for night in range(int(preference["nights"])):
            key = (first + timedelta(days=night), preference["resourceTypeId"])
            claims += pools[key][:quantity]
            pools[key] = pools[key][quantity:]
        if len(claims) != quantity * int(preference["nights"]):
            # Another run of the draw has taken these units (and records this win).
            logger.warning("units already allocated", extra={"entryId": entry_id})
            continue
        number = rt.rng.randrange(10**9, 10**10)
        for _ in range(NUMBER_ATTEMPTS):
            number = number + 1 if number < 10**10 - 1 else 10**9  # a fresh one on a retry
            reservation = _reservation(facility, preference, str(number), rt.now())
            if lottery_store.record_win(
                lottery_id,
                user_number,
                entry_id,
                claims,
                str(number),
                reservation.model_dump(mode="json"),
                rank,
                dict(item.contact),
                first,
            ):
                wins += 1
                break
            if lottery_store.has_result(lottery_id, user_number):
                break  # another run recorded it
            # Otherwise the number was taken (or a unit changed): try a fresh number.
        else:
            logger.error("win could not be recorded", extra={"entryId": entry_id})
    lottery_store.record_losses(lottery_id, losers)
    return {"won": wins, "lost": len(losers), "alreadyRecorded": len(done)}


def notify(lottery_id: str) -> dict[str, Any]:
    """E-mails the results to those who asked for them, at most `SES_SEND_RATE` a second;
    returns how many are left so the state machine can call again."""
    lottery = _lottery(lottery_id)
    facility_name = lottery.definition.get("facilityName", lottery.definition["facilityId"])
    rate = max(1, settings().ses_send_rate)
    started = time.monotonic()
    pending = [
        (user, r)
        for user, r in lottery_store.results(lottery_id).items()
        if not r.notified and r.contact and r.contact.get("lotteryResultEmail")
    ]
    sent = 0
    for index, (user_number, result) in enumerate(pending):
        if time.monotonic() - started > NOTIFY_SECONDS:
            return {"sent": sent, "remaining": len(pending) - index}
        if index and index % rate == 0:
            time.sleep(1)  # stay within the account's SES send rate
        contact = result.contact or {}
        email = emails.lottery_result(
            Language(contact.get("language", "ja")),
            facility_name,
            int(result.won_rank or 0),
            result.reservation_number,
        )
        try:
            mailer.send(contact["email"], email)
        except Exception:  # an address SES rejects must not stop the others
            logger.exception("lottery result not sent", extra={"userNumber": user_number})
        lottery_store.mark_notified(lottery_id, user_number)
        sent += 1
    return {"sent": sent, "remaining": 0}


def publish(lottery_id: str) -> dict[str, Any]:
    """Reveals the seed and publishes what anyone needs to recompute the draw."""
    lottery = _lottery(lottery_id)
    order, won, by_entry = _outcome(lottery)
    digest = rules.result_digest(order, won)
    entries = [_entry(item) for _, item in by_entry.values()]
    audit = {
        "entries": [rules.canonical_line(e) for e in sorted(entries)],
        "inventory": [
            {"date": d.isoformat(), "resourceTypeId": r, "units": n}
            for (d, r), n in sorted(lottery_store.winnable(lottery_id).items())
        ],
        "order": order,
        "results": [{"entryId": e, "wonRank": won[e]} for e in order],
    }
    lottery_store.publish(lottery_id, digest, audit)
    return {"resultDigest": digest}


def release(lottery_id: str) -> dict[str, Any]:
    lottery = _lottery(lottery_id)
    definition = lottery.definition
    claims = lottery_store.kept_units(
        definition["facilityId"],
        lottery_id,
        date.fromisoformat(definition["stayFrom"]),
        date.fromisoformat(definition["stayTo"]),
    )
    return {"released": lottery_store.release(claims, lottery_id)}


def handle(event: dict[str, Any]) -> dict[str, Any]:
    action = event["action"]
    lottery_id = str(event["lotteryId"])
    tasks = {
        "close": close,
        "draw": draw,
        "notify": notify,
        "publish": publish,
        "release": release,
    }
    if action not in tasks:
        raise ValueError(f"unknown lottery task {action!r}")
    return tasks[action](lottery_id)
