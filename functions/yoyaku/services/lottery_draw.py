"""The lottery draw: close → draw (allocate and record) → notify → publish → release.

These are the tasks of the draw workflow (statemachines/lottery_draw.asl.json). The draw
is deterministic (domain.lottery), and every write is conditional or repeats the same
value, so a retried task or a second execution gives the same result and never
allocates a unit twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from yoyaku import runtime
from yoyaku.adapters import catalog_store, lottery_store, mailer
from yoyaku.domain import booking, emails
from yoyaku.domain import lottery as rules
from yoyaku.domain.inventory import Claim
from yoyaku.domain.line import LotteryNotice
from yoyaku.domain.lottery import LotteryRecord, StoredEntry
from yoyaku.domain.messages import Language
from yoyaku.services import line
from yoyaku.settings import settings

logger = Logger(service="yoyaku")

NOTIFY_SECONDS = 60  # then the state machine calls notify again for the rest


def _lottery(lottery_id: str) -> LotteryRecord:
    record = lottery_store.get(lottery_id)
    if record is None:
        raise LookupError(f"lottery {lottery_id} does not exist")
    return record


def close(lottery_id: str) -> dict[str, Any]:
    """Fixes the entries: their digest is computed once and never changes."""
    _lottery(lottery_id)
    entries = [e.for_draw() for e in lottery_store.entries(lottery_id)]
    digest = lottery_store.close(lottery_id, rules.entries_digest(entries))
    return {"entries": len(entries), "entriesDigest": digest}


def _outcome(lottery: LotteryRecord) -> tuple[list[str], dict[str, int], dict[str, StoredEntry]]:
    """The order and the ranks won, recomputed from stored data (same on every run)."""
    if lottery.entries_digest is None:
        raise RuntimeError("the lottery must be closed before it is drawn")
    stored = {e.entry_id: e for e in lottery_store.entries(lottery.lottery_id)}
    entries = {entry_id: e.for_draw() for entry_id, e in stored.items()}
    order = rules.draw_order(lottery.seed, lottery.entries_digest, entries)
    won = rules.allocate(
        order,
        entries,
        lottery_store.winnable(lottery.lottery_id),
        lottery.definition.mechanism,
    )
    return order, won, stored


def _kept(lottery: LotteryRecord) -> rules.KeptUnits:
    d = lottery.definition
    pools: rules.KeptUnits = defaultdict(list)
    for claim in lottery_store.kept_units(
        d.facility_id, lottery.lottery_id, d.stay_from, d.stay_to
    ):
        pools[(claim.day, claim.resource_type_id)].append(claim)
    for pool in pools.values():
        pool.sort(key=lambda c: (c.cell, c.unit))
    return pools


def draw(lottery_id: str) -> dict[str, Any]:
    """Allocates in draw order: each win turns kept units into a reservation together
    with its result; entries that won nothing are recorded as lost."""
    rt = runtime.current()
    lottery = _lottery(lottery_id)
    facility = catalog_store.get(lottery.definition.facility_id)
    if facility is None:
        raise LookupError(lottery.definition.facility_id)
    order, won, entries = _outcome(lottery)
    done = lottery_store.results(lottery_id)
    pools = _kept(lottery)
    wins = 0
    losers: list[StoredEntry] = []
    for entry_id in order:
        entry = entries[entry_id]
        rank = won.get(entry_id, 0)
        if entry.user_number in done:
            continue
        if rank == 0:
            losers.append(entry)
            continue
        preference = entry.preference(rank)
        claims: list[Claim] = []
        for night in range(preference.nights):
            key = (preference.date + timedelta(days=night), preference.resource_type_id)
            claims += pools[key][: preference.quantity]
            pools[key] = pools[key][preference.quantity :]
        if len(claims) != preference.quantity * preference.nights:
            # Another run of the draw has taken these units (and records this win).
            logger.warning("units already allocated", extra={"entryId": entry_id})
            continue
        for number in booking.reservation_numbers(rt.rng):
            reservation = booking.new_reservation(
                number=number,
                facility=facility,
                resource_type_id=preference.resource_type_id,
                first=preference.date,
                nights=preference.nights,
                quantity=preference.quantity,
                party=preference.party,
                room_style=preference.room_style,
                source="lottery",
                created_at=rt.now(),
            )
            if lottery_store.record_win(lottery_id, entry, rank, claims, reservation):
                wins += 1
                break
            if lottery_store.has_result(lottery_id, entry.user_number):
                break  # another run recorded it
            # Otherwise the number was taken (or a unit changed): try a fresh number.
        else:
            logger.error("win could not be recorded", extra={"entryId": entry_id})
    lottery_store.record_losses(lottery_id, losers)
    return {"won": wins, "lost": len(losers), "alreadyRecorded": len(done)}


def notify(lottery_id: str) -> dict[str, Any]:
    """Tells each entrant the result: by e-mail to those who asked for it (at most
    `SES_SEND_RATE` a second), and by LINE to linked users who opted in there. Returns
    how many are left so the state machine can call again."""
    lottery = _lottery(lottery_id)
    rate = max(1, settings().ses_send_rate)
    started = time.monotonic()
    unnotified = [r for r in lottery_store.results(lottery_id).values() if not r.notified]
    on_line = line.lottery_recipients(r.user_number for r in unnotified)
    pending = [
        r
        for r in unnotified
        if (r.contact and r.contact.lottery_result_email) or r.user_number in on_line
    ]
    sent = 0
    for index, result in enumerate(pending):
        if time.monotonic() - started > NOTIFY_SECONDS:
            return {"sent": sent, "remaining": len(pending) - index}
        if index and index % rate == 0:
            time.sleep(1)  # stay within the account's SES send rate
        language = result.contact.language if result.contact else Language.JA
        if result.contact is not None and result.contact.lottery_result_email:
            email = emails.lottery_result(
                language,
                lottery.facility_name,
                result.won_rank,
                result.reservation_number,
            )
            try:
                mailer.send(result.contact.email, email)
            except Exception:  # an address SES rejects must not stop the others
                logger.exception(
                    "lottery result not sent", extra={"userNumber": result.user_number}
                )
        link = on_line.get(result.user_number)
        if link is not None:  # never raises: LINE cannot cost anyone the e-mail
            notice = LotteryNotice(
                lottery_id, lottery.facility_name, result.won_rank, result.reservation_number
            )
            line.notify_lottery_result(link, language, notice)
        lottery_store.mark_notified(lottery_id, result.user_number)
        sent += 1
    return {"sent": sent, "remaining": 0}


def publish(lottery_id: str) -> dict[str, Any]:
    """Reveals the seed and publishes what anyone needs to recompute the draw."""
    lottery = _lottery(lottery_id)
    order, won, entries = _outcome(lottery)
    digest = rules.result_digest(order, won)
    audit = {
        "entries": [
            rules.canonical_line(e) for e in sorted(e.for_draw() for e in entries.values())
        ],
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
    """Gives the units nobody won back to direct booking."""
    d = _lottery(lottery_id).definition
    claims = lottery_store.kept_units(d.facility_id, lottery_id, d.stay_from, d.stay_to)
    return {"released": lottery_store.release(d.facility_id, lottery_id, claims)}
