"""The lottery draw: close → draw (allocate and record) → notify → publish → release.

These are the tasks of the draw workflow (statemachines/lottery_draw.asl.json). The draw
is deterministic (domain.lottery), and every write is conditional or repeats the same
value, so a retried task or a second execution gives the same result and never
allocates a unit twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from aws_lambda_powertools import Logger

from yoyaku import runtime
from yoyaku.adapters import booking_store, catalog_store, draw_audit_files, lottery_store, mailer
from yoyaku.domain import booking, emails, slot_draw
from yoyaku.domain import lottery as rules
from yoyaku.domain.booking import StoredReservation
from yoyaku.domain.catalog import Facility
from yoyaku.domain.inventory import Claim
from yoyaku.domain.line import LineLink, LotteryNotice
from yoyaku.domain.lottery import (
    Audit,
    AuditPublished,
    DrawOutcome,
    EntriesClosed,
    LodgingInventoryRow,
    LodgingResult,
    LotteryRecord,
    PublishedFile,
    ResultsNotified,
    SlotResult,
    StoredEntry,
    StoredResult,
    UnitsReleased,
    WinnersReminded,
)
from yoyaku.domain.messages import Language
from yoyaku.domain.slot_draw import SlotInventory
from yoyaku.services import line, reservations
from yoyaku.settings import settings

logger = Logger(service="yoyaku")

NOTIFY_SECONDS = 60  # then the state machine calls notify again for the rest
NOTIFY_PAGE = 500  # results read per Query at most (about 150 KB)
NOTIFY_MIN_PAGE = 25


def _lottery(lottery_id: str) -> LotteryRecord:
    record = lottery_store.get(lottery_id)
    if record is None:
        raise LookupError(f"lottery {lottery_id} does not exist")
    return record


def close(lottery_id: str) -> EntriesClosed:
    """Fixes the entries: their digest is computed once and never changes."""
    lottery = _lottery(lottery_id)
    stored = lottery_store.entries(lottery_id)
    if lottery.definition.kind == "timeslot":
        digest = slot_draw.entries_digest(slot_draw.for_draw(e) for e in stored)
    else:
        digest = rules.entries_digest(e.for_draw() for e in stored)
    digest = lottery_store.close(lottery_id, digest)
    return EntriesClosed(entries=len(stored), entries_digest=digest)


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


def _won_reservation(
    lottery: LotteryRecord, reservation: booking.Reservation
) -> booking.Reservation:
    """A win is a confirmed reservation, or one awaiting confirmation by `confirmBy`
    when the lottery says so."""
    confirm_by = lottery.definition.confirm_by
    if confirm_by is None:
        return reservation
    return reservation.model_copy(
        update={"status": "awaiting_confirmation", "confirm_by": confirm_by}
    )


def _take[K](pools: dict[K, list[Claim]], keys: list[K], quantity: int) -> list[Claim] | None:
    """Takes `quantity` kept units from each pool a win needs (the nights of a stay, the
    slots of a booking), or None when some are gone: another run of the draw has taken
    them (and records this win)."""
    claims: list[Claim] = []
    for key in keys:
        claims += pools[key][:quantity]
        pools[key] = pools[key][quantity:]
    return claims if keys and len(claims) == quantity * len(keys) else None


def _book_win(
    lottery: LotteryRecord,
    entry: StoredEntry,
    reservation_for: Callable[[str], booking.Reservation],
    record: Callable[[booking.Reservation], bool],
    recorded_by_another_run: Callable[[], str | None],
) -> tuple[bool, str | None]:
    """The one way a win becomes a reservation, for lodging and time slots alike: a new
    reservation number until the win's transaction (`record`) succeeds, a number taken
    meanwhile failing it, unless another run of the draw is found to have recorded the
    win. Whether this run recorded it, and the reservation number (None: not recorded)."""
    for number in booking.reservation_numbers(runtime.current().rng):
        reservation = _won_reservation(lottery, reservation_for(number))
        if record(reservation):
            return True, number
        found = recorded_by_another_run()
        if found is not None:
            return False, found
        # Otherwise the number was taken (or a unit changed): try a fresh number.
    logger.error("win could not be recorded", extra={"entryId": entry.entry_id})
    return False, None


def _record_lodging_win(
    lottery: LotteryRecord,
    facility: Facility,
    entry: StoredEntry,
    rank: int,
    pools: dict[tuple[date, str], list[Claim]],
) -> bool:
    """Books one lodging win; whether this run recorded it."""
    preference = entry.preference(rank)
    nights = [preference.date + timedelta(days=n) for n in range(preference.nights)]
    claims = _take(pools, [(n, preference.resource_type_id) for n in nights], preference.quantity)
    if claims is None:
        logger.warning("units already allocated", extra={"entryId": entry.entry_id})
        return False
    now = runtime.current().now()

    def reservation_for(number: str) -> booking.Reservation:
        return booking.new_reservation(
            number=number,
            facility=facility,
            resource_type_id=preference.resource_type_id,
            first=preference.date,
            nights=preference.nights,
            quantity=preference.quantity,
            party=preference.party,
            room_style=preference.room_style,
            source="lottery",
            created_at=now,
        )

    def record(reservation: booking.Reservation) -> bool:
        return lottery_store.record_win(lottery.lottery_id, entry, rank, claims, reservation)

    def recorded_by_another_run() -> str | None:
        done = lottery_store.has_result(lottery.lottery_id, entry.user_number)
        return "" if done else None  # the lodging result is recorded with its win

    booked, _ = _book_win(lottery, entry, reservation_for, record, recorded_by_another_run)
    return booked


def draw(lottery_id: str) -> DrawOutcome:
    """Allocates in draw order: each win turns kept units into a reservation together
    with its result; entries that won nothing are recorded as lost."""
    lottery = _lottery(lottery_id)
    facility = catalog_store.get(lottery.definition.facility_id)
    if facility is None:
        raise LookupError(lottery.definition.facility_id)
    if lottery.definition.kind == "timeslot":
        return _draw_slots(lottery, facility)
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
        wins += _record_lodging_win(lottery, facility, entry, rank, pools)
    lottery_store.record_losses(lottery_id, losers)
    return DrawOutcome(won=wins, lost=len(losers), already_recorded=len(done))


def _slot_outcome(
    lottery: LotteryRecord,
) -> tuple[list[str], slot_draw.Won, dict[str, StoredEntry], SlotInventory]:
    """A time-slot lottery's order and the ranks each entry won (same on every run)."""
    if lottery.entries_digest is None:
        raise RuntimeError("the lottery must be closed before it is drawn")
    stored = {e.entry_id: e for e in lottery_store.entries(lottery.lottery_id)}
    entries = {entry_id: slot_draw.for_draw(e) for entry_id, e in stored.items()}
    order = rules.draw_order(lottery.seed, lottery.entries_digest, entries)
    inventory = SlotInventory.of(lottery_store.demand(lottery.lottery_id))
    won = slot_draw.allocate(
        order,
        entries,
        inventory,
        lottery.definition.mechanism,
        lottery.definition.max_wins_per_applicant,
    )
    return order, won, stored, inventory


def _kept_slots(lottery: LotteryRecord) -> dict[slot_draw.SlotKey, list[Claim]]:
    d = lottery.definition
    pools: dict[slot_draw.SlotKey, list[Claim]] = defaultdict(list)
    for claim in lottery_store.kept_units(
        d.facility_id, lottery.lottery_id, d.stay_from, d.stay_to
    ):
        pools[(claim.day, claim.resource_type_id, claim.cell)].append(claim)
    for pool in pools.values():
        pool.sort(key=lambda c: c.unit)
    return pools


def _hhmm(cell: str) -> str:
    return f"{cell[:2]}:{cell[2:]}"


def _draw_slots(lottery: LotteryRecord, facility: Facility) -> DrawOutcome:
    """The time-slot draw: each win (an entry may have several) turns its kept units into
    a reservation in one transaction with its win record; then each entry's result."""
    lottery_id = lottery.lottery_id
    order, won, entries, inventory = _slot_outcome(lottery)
    done = lottery_store.results(lottery_id)
    recorded = lottery_store.wins(lottery_id)
    pools = _kept_slots(lottery)
    results: list[tuple[StoredEntry, list[tuple[int, str]]]] = []
    wins = 0
    for entry_id in order:
        entry = entries[entry_id]
        if entry.user_number in done:
            continue
        taken: list[tuple[int, str]] = []
        for rank in won[entry_id]:
            number = recorded.get(entry.user_number, {}).get(rank)
            if number is None:
                number = _record_slot_win(lottery, facility, entry, rank, inventory, pools)
                wins += number is not None
            if number is not None:
                taken.append((rank, number))
        results.append((entry, taken))
    lottery_store.record_slot_results(lottery_id, results)
    lost = sum(1 for _, taken in results if not taken)
    return DrawOutcome(won=wins, lost=lost, already_recorded=len(done))


def _record_slot_win(
    lottery: LotteryRecord,
    facility: Facility,
    entry: StoredEntry,
    rank: int,
    inventory: SlotInventory,
    pools: dict[slot_draw.SlotKey, list[Claim]],
) -> str | None:
    """Books one win; its reservation number, or None when it could not be recorded."""
    preference = entry.slot_preference(rank)
    cells = list(inventory.cells(slot_draw.slot_of(preference)) or ())
    claims = _take(pools, cells, preference.quantity)

    def recorded_by_another_run() -> str | None:
        return lottery_store.wins(lottery.lottery_id).get(entry.user_number, {}).get(rank)

    if claims is None:
        logger.warning("units already allocated", extra={"entryId": entry.entry_id})
        return recorded_by_another_run()
    now = runtime.current().now()

    def reservation_for(number: str) -> booking.Reservation:
        return booking.new_reservation(
            number=number,
            facility=facility,
            resource_type_id=preference.resource_type_id,
            first=preference.date,
            nights=None,
            quantity=preference.quantity,
            party=[],
            room_style=None,
            source="lottery",
            created_at=now,
            start=preference.start,
            end=_hhmm(inventory.ends[cells[-1]]),
        )

    def record(reservation: booking.Reservation) -> bool:
        return lottery_store.record_slot_win(lottery.lottery_id, entry, rank, claims, reservation)

    _, number = _book_win(lottery, entry, reservation_for, record, recorded_by_another_run)
    return number


def _results_link() -> str:
    return settings().site_url + line.RESULTS_PATH


def _result_messages(
    lottery: LotteryRecord,
    result: StoredResult,
    language: Language,
    won: list[booking.Reservation],
) -> tuple[emails.Email, LotteryNotice]:
    """The e-mail and the LINE notice of one result. A lodging win that needs no
    confirmation keeps the original wording; time slots and wins to confirm list every
    win and say by when to confirm."""
    d = lottery.definition
    slots = d.kind == "timeslot"
    if not slots and d.confirm_by is None:
        email = emails.lottery_result(
            language, lottery.facility_name, result.won_rank, result.reservation_number
        )
        notice = LotteryNotice(
            lottery.lottery_id, lottery.facility_name, result.won_rank, result.reservation_number
        )
        return email, notice
    if won:
        email = emails.lottery_wins(
            language, lottery.facility_name, won, d.confirm_by, _results_link()
        )
    elif slots:
        email = emails.slot_lottery_lost(language, lottery.facility_name)
    else:
        email = emails.lottery_result(language, lottery.facility_name, 0, None)
    notice = LotteryNotice(
        lottery.lottery_id,
        lottery.facility_name,
        result.won_rank,
        result.reservation_number,
        wins=tuple(emails.won_lines(language, won).splitlines()) if won else (),
        confirm_deadline=emails.deadline_text(d.confirm_by) if d.confirm_by else None,
        slots=slots,
    )
    return email, notice


def notify(lottery_id: str, after: str | None = None) -> ResultsNotified:
    """Tells each entrant the result: by e-mail to those who asked for it (at most
    `SES_SEND_RATE` a second), and by LINE to linked users who opted in there.

    One call sends for at most NOTIFY_SECONDS, then returns `more` and the last user it
    dealt with (`after`); the state machine calls again with that `after`, so that each
    call reads only the results it goes through (a page at a time, with their LINE
    links), not all of them again. A result is marked notified as it is sent, so a
    retried or repeated call tells no one twice."""
    lottery = _lottery(lottery_id)
    rate = max(1, settings().ses_send_rate)
    plain = lottery.definition.kind == "lodging" and lottery.definition.confirm_by is None
    started = time.monotonic()
    sent = 0
    more = True
    while more:
        # A page holds no more than this call can still send, so that a call ends near
        # the end of its last page and the next does not read much of it again.
        left = NOTIFY_SECONDS - (time.monotonic() - started)
        if left <= 0:
            return ResultsNotified(sent=sent, more=True, after=after)
        limit = min(NOTIFY_PAGE, max(NOTIFY_MIN_PAGE, int(left * rate)))
        page, more = lottery_store.results_after(lottery_id, after, limit)
        unnotified = [r for r in page if not r.notified]
        on_line = line.lottery_recipients(r.user_number for r in unnotified)
        pending = [
            r
            for r in unnotified
            if (r.contact and r.contact.lottery_result_email) or r.user_number in on_line
        ]
        reservations = (
            {}
            if plain or not pending
            else booking_store.get_reservations(n for r in pending for _, n in r.all_wins)
        )
        told = {r.user_number for r in pending}
        for result in page:
            if result.user_number in told:
                if time.monotonic() - started > NOTIFY_SECONDS:
                    return ResultsNotified(sent=sent, more=True, after=after)
                if sent and sent % rate == 0:
                    time.sleep(1)  # stay within the account's SES send rate
                _tell(lottery, result, on_line.get(result.user_number), reservations)
                sent += 1
            after = result.user_number
    return ResultsNotified(sent=sent, more=False, after=after)


def _tell(
    lottery: LotteryRecord,
    result: StoredResult,
    link: LineLink | None,
    reservations: dict[str, StoredReservation],
) -> None:
    """One entrant's result by e-mail (when asked for) and on LINE (when linked and opted
    in); then the result is marked notified."""
    language = result.contact.language if result.contact else Language.JA
    won = [
        stored.document
        for _, number in result.all_wins
        if (stored := reservations.get(number)) and isinstance(stored.document, booking.Reservation)
    ]
    email, notice = _result_messages(lottery, result, language, won)
    if result.contact is not None and result.contact.lottery_result_email:
        try:
            mailer.send(result.contact.email, email)
        except Exception:  # an address SES rejects must not stop the others
            logger.exception("lottery result not sent", extra={"userNumber": result.user_number})
    if link is not None:  # never raises: LINE cannot cost anyone the e-mail
        line.notify_lottery_result(link, language, notice)
    lottery_store.mark_notified(lottery.lottery_id, result.user_number)


# ---------------------------------------------------------------- wins to confirm


def _awaiting(lottery: LotteryRecord) -> list[tuple[StoredResult, list[StoredReservation]]]:
    """Each winner's wins still awaiting confirmation."""
    results = [r for r in lottery_store.results(lottery.lottery_id).values() if r.all_wins]
    stored = booking_store.get_reservations(n for r in results for _, n in r.all_wins)
    found = []
    for result in results:
        waiting = [
            s
            for _, n in result.all_wins
            if (s := stored.get(n)) is not None
            and isinstance(s.document, booking.Reservation)
            and s.document.status == "awaiting_confirmation"
        ]
        if waiting:
            found.append((result, waiting))
    return found


def remind(lottery_id: str) -> WinnersReminded:
    """The day before the deadline: tells each winner with wins still to confirm, by
    e-mail (when they take lottery results by e-mail) and on LINE (when they opted in
    there). Each winner is reminded once, whatever reruns."""
    lottery = _lottery(lottery_id)
    confirm_by = lottery.definition.confirm_by
    if confirm_by is None:
        return WinnersReminded(reminded=0)
    waiting = [(r, s) for r, s in _awaiting(lottery) if not r.reminded]
    on_line = line.lottery_recipients(r.user_number for r, _ in waiting)
    reminded = 0
    for result, pending in waiting:
        language = result.contact.language if result.contact else Language.JA
        documents = [s.document for s in pending if isinstance(s.document, booking.Reservation)]
        if result.contact is not None and result.contact.lottery_result_email:
            email = emails.confirm_reminder(
                language, lottery.facility_name, documents, confirm_by, _results_link()
            )
            try:
                mailer.send(result.contact.email, email)
            except Exception:
                logger.exception("reminder not sent", extra={"userNumber": result.user_number})
        link = on_line.get(result.user_number)
        if link is not None:
            notice = LotteryNotice(
                lottery_id,
                lottery.facility_name,
                result.won_rank,
                result.reservation_number,
                wins=tuple(emails.won_lines(language, documents).splitlines()),
                confirm_deadline=emails.deadline_text(confirm_by),
                reminder=True,
            )
            line.notify_lottery_result(link, language, notice)
        lottery_store.mark_reminded(lottery_id, result.user_number)
        reminded += 1
    return WinnersReminded(reminded=reminded)


def expire(lottery_id: str) -> UnitsReleased:
    """At `confirmBy`: every win still awaiting confirmation is released; its units go
    back to first-come booking at once."""
    lottery = _lottery(lottery_id)
    if lottery.definition.confirm_by is None:
        return UnitsReleased(released=0)
    released = 0
    for _, pending in _awaiting(lottery):
        for stored in pending:
            released += reservations.expire_unconfirmed(stored)
    return UnitsReleased(released=released)


def publish(lottery_id: str) -> AuditPublished:
    """Reveals the seed and publishes what anyone needs to recompute the draw."""
    lottery = _lottery(lottery_id)
    if lottery.definition.kind == "timeslot":
        return _publish_slots(lottery)
    order, won, entries = _outcome(lottery)
    digest = rules.result_digest(order, won)
    audit = lottery.published(
        digest,
        order=order,
        entries=[rules.canonical_line(e) for e in sorted(e.for_draw() for e in entries.values())],
        inventory=[
            LodgingInventoryRow(date=d, resource_type_id=r, units=n)
            for (d, r), n in sorted(lottery_store.winnable(lottery_id).items())
        ],
        results=[LodgingResult(entry_id=e, won_rank=won[e]) for e in order],
    )
    return _store_audit(lottery, audit)


def _publish_slots(lottery: LotteryRecord) -> AuditPublished:
    """The same audit shape as lodging: entries (their canonical lines), inventory (one
    row per slot, with its end), order, and results (`wonRanks` of each entry)."""
    order, won, entries, inventory = _slot_outcome(lottery)
    digest = slot_draw.result_digest(order, won)
    audit = lottery.published(
        digest,
        order=order,
        entries=sorted(slot_draw.canonical_line(slot_draw.for_draw(e)) for e in entries.values()),
        inventory=inventory.rows(),
        results=[SlotResult(entry_id=e, won_ranks=list(won[e])) for e in order],
    )
    return _store_audit(lottery, audit)


def _store_audit(lottery: LotteryRecord, audit: Audit) -> AuditPublished:
    """The audit file first, then the lottery item that names it: the item never points
    at a file that is not there. Both writes repeat themselves exactly on a retry."""
    stored = draw_audit_files.write(lottery.lottery_id, audit)
    entries = len(audit.order or [])
    published = PublishedFile(stored.key, stored.sha256, stored.size, entries)
    digest = audit.result_digest or ""
    lottery_store.publish(lottery.lottery_id, digest, published)
    return AuditPublished(result_digest=digest, audit_key=stored.key, audit_bytes=stored.size)


def release(lottery_id: str) -> UnitsReleased:
    """Gives the units nobody won back to direct booking."""
    d = _lottery(lottery_id).definition
    claims = lottery_store.kept_units(d.facility_id, lottery_id, d.stay_from, d.stay_to)
    return UnitsReleased(released=lottery_store.release(d.facility_id, lottery_id, claims))
