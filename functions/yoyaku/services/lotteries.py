"""Lotteries: the public list, demand and audit; entries of verified residents; staff
creation and the draw on demand. The draw itself is `lottery_draw`."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Set
from datetime import date, timedelta

from yoyaku import runtime
from yoyaku.adapters import (
    booking_store,
    draw_audit_files,
    inventory_store,
    lottery_store,
    schedules,
)
from yoyaku.adapters.lottery_store import DemandKey
from yoyaku.domain import groups, messages, slot_draw
from yoyaku.domain import lottery as rules
from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.audit import AuditAction, LotteryCreated, LotteryDrawStarted, TargetType
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.lottery import (
    AUDIT_DATA,
    INLINE_ENTRIES,
    Audit,
    AuditDownload,
    DemandDay,
    DrawRequest,
    EntryContact,
    EntryOut,
    EntryRequest,
    Lottery,
    LotteryDefinition,
    LotteryRecord,
    LotteryResult,
    LotteryStatus,
    StaffResultRow,
    StoredEntry,
)
from yoyaku.domain.paging import Page
from yoyaku.domain.slot_draw import SlotInventory
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit as audit_trail
from yoyaku.services.catalog import load_facility
from yoyaku.settings import settings


def load(lottery_id: str) -> LotteryRecord:
    record = lottery_store.get(lottery_id)
    if record is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.LOTTERY)
    return record


def listed(
    facility_id: str | None, status: LotteryStatus | None, limit: int, token: str | None
) -> Page[Lottery]:
    """Lotteries by draw time, of one facility and in one status when asked."""
    now = runtime.current().now()

    def keep(record: LotteryRecord) -> bool:
        view = record.view(now)
        return (facility_id is None or view.facility_id == facility_id) and (
            status is None or view.status is status
        )

    scope = f"{facility_id or ''}:{status.value if status else ''}"
    return lottery_store.page(keep, scope, limit, token).map(
        lambda r: r.view(now, settings().site_url)
    )


def get(lottery_id: str) -> Lottery:
    return load(lottery_id).view(runtime.current().now(), settings().site_url)


def demand(lottery_id: str, start: date | None = None, end: date | None = None) -> list[DemandDay]:
    """Applications and winnable units per date (申込総数/当選可能数), of the days from
    `start` to `end` when given (a week at a time, as the seed's screen shows it)."""
    if start and end and end < start:
        raise DomainError.invalid("to", "date_order", other="from")
    load(lottery_id)
    return lottery_store.demand(lottery_id, start, end)


def audit(lottery_id: str) -> Audit:
    """The public audit; after the draw, with a short-lived link to its audit file and,
    for draws of up to `INLINE_ENTRIES` entries, the file's data inline as well."""
    record = load(lottery_id)
    summary = record.public_audit()
    stored = record.audit_file
    if not record.drawn or stored is None:
        return summary
    download = AuditDownload(
        url=draw_audit_files.download_url(stored.key),
        expires_at=runtime.current().now() + timedelta(seconds=draw_audit_files.DOWNLOAD_SECONDS),
        content_type=draw_audit_files.CONTENT_TYPE,
        bytes=stored.bytes,
        sha256=stored.sha256,
        entries=stored.entries,
    )
    summary = summary.model_copy(update={"file": download})
    if stored.entries > INLINE_ENTRIES:
        return summary
    published = draw_audit_files.decode(draw_audit_files.read(stored.key))
    return summary.model_copy(update={k: getattr(published, k) for k in AUDIT_DATA})


# ---------------------------------------------------------------- citizens


def enter(lottery_id: str, user: CitizenProfile, request: EntryRequest) -> EntryOut:
    """Enters a verified citizen with ranked preferences, while entries are open."""
    rt = runtime.current()
    lottery = load(lottery_id)
    rules.ensure_open(lottery, rt.now())
    definition = lottery.definition
    facility = load_facility(definition.facility_id)
    rules.ensure_may_enter(user.status_on(rt.today()), user.residency, facility)
    groups.ensure_may_use(user, facility, (p.resource_type_id for p in request.preferences))
    demand_keys = _checked_preferences(lottery, facility, request)
    entry = StoredEntry(
        lottery_id=lottery_id,
        user_number=user.user_number,
        entry_id=rt.new_id("ent"),
        preferences=sorted(request.preferences, key=lambda p: p.rank),
        contact=EntryContact(user.email, user.language, user.lottery_result_email),
        created_at=rt.now(),
    )
    try:
        lottery_store.add_entry(entry, rules.round_of(lottery), demand_keys)
    except lottery_store.AlreadyApplied:
        raise DomainError(ErrorCode.ALREADY_APPLIED) from None
    except lottery_store.EntriesClosed:
        rules.ensure_open(load(lottery_id), rt.now())  # says when entries closed
        raise DomainError(ErrorCode.LOTTERY_CLOSED, reason=messages.LOTTERY_CLOSED_NOW) from None
    return _view(entry, facility.facility_id)


def _checked_preferences(
    lottery: LotteryRecord, facility: Facility, request: EntryRequest
) -> Set[DemandKey]:
    """The preferences checked against the lottery (a new entry's or a changed one's),
    and the demand counters they count in: dates (lodging) or slots."""
    definition = lottery.definition
    if definition.kind == "timeslot":
        inventory = SlotInventory.of(lottery_store.demand(lottery.lottery_id))
        return slot_draw.check_preferences(request, definition, facility, inventory)
    return rules.check_preferences(request, definition, facility)


def _view(entry: StoredEntry, facility_id: str) -> EntryOut:
    return EntryOut(
        entry_id=entry.entry_id,
        lottery_id=entry.lottery_id,
        facility_id=facility_id,
        preferences=entry.preferences,
        created_at=entry.created_at,
    )


def entries_of(user_number: str, limit: int, token: str | None) -> Page[EntryOut]:
    """One page of the user's entries (their lotteries read in one batch)."""
    page = lottery_store.entries_page(user_number, limit, token)
    lotteries = lottery_store.get_many({e.lottery_id for e in page.items})

    def view(entry: StoredEntry) -> EntryOut:
        lottery = lotteries.get(entry.lottery_id)
        return _view(entry, lottery.definition.facility_id if lottery else "")

    return page.map(view)


def _own_entry(entry_id: str, user_number: str) -> StoredEntry:
    found = next(
        (e for e in lottery_store.entries_of_user(user_number) if e.entry_id == entry_id), None
    )
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.LOTTERY_ENTRY)
    return found


def change_entry(entry_id: str, user: CitizenProfile, request: EntryRequest) -> EntryOut:
    """New preferences for the caller's entry while the lottery is open: one more (次の
    希望日へ), one fewer, or others. Checked as a new entry is; the entry keeps its id and
    its time of entry."""
    rt = runtime.current()
    found = _own_entry(entry_id, user.user_number)
    lottery = load(found.lottery_id)
    rules.ensure_open(lottery, rt.now())
    facility = load_facility(lottery.definition.facility_id)
    rules.ensure_may_enter(user.status_on(rt.today()), user.residency, facility)
    groups.ensure_may_use(user, facility, (p.resource_type_id for p in request.preferences))
    new_keys = _checked_preferences(lottery, facility, request)
    changed = dataclasses.replace(
        found, preferences=sorted(request.preferences, key=lambda p: p.rank)
    )
    try:
        lottery_store.replace_preferences(changed, _demand_keys(lottery, found), new_keys)
    except lottery_store.EntriesClosed:
        raise DomainError(ErrorCode.LOTTERY_CLOSED, reason=messages.LOTTERY_CLOSED_NOW) from None
    except lottery_store.EntryGone:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.LOTTERY_ENTRY) from None
    return _view(changed, facility.facility_id)


def withdraw(entry_id: str, user_number: str) -> None:
    """Withdraws the caller's entry while its lottery is open."""
    withdraw_many([entry_id], user_number)


def withdraw_many(entry_ids: list[str], user_number: str) -> None:
    """Withdraws several of the caller's entries, all or none: each must be the caller's
    and its lottery open (else the first refusal, nothing withdrawn)."""
    now = runtime.current().now()
    withdrawals = []
    for entry_id in entry_ids:
        found = _own_entry(entry_id, user_number)
        lottery = load(found.lottery_id)
        rules.ensure_open(lottery, now)
        withdrawals.append(
            lottery_store.Withdrawal(
                found.lottery_id,
                rules.round_of(lottery),
                user_number,
                found.entry_id,
                _demand_keys(lottery, found),
            )
        )
    try:
        lottery_store.withdraw_many(withdrawals)
    except lottery_store.EntriesClosed:
        raise DomainError(ErrorCode.LOTTERY_CLOSED, reason=messages.LOTTERY_CLOSED_NOW) from None
    except lottery_store.EntryGone:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.LOTTERY_ENTRY) from None


def _demand_keys(lottery: LotteryRecord, entry: StoredEntry) -> set[DemandKey]:
    """The demand counters an entry counts in: its dates (lodging) or its slots."""
    if lottery.definition.kind == "timeslot":
        inventory = SlotInventory.of(lottery_store.demand(lottery.lottery_id))
        return {
            cell for p in slot_draw.for_draw(entry).preferences for cell in inventory.cells(p) or ()
        }
    return {(p.date, p.resource_type_id) for p in entry.preferences}


def follow_result_email_choice(user_number: str, wanted: bool) -> None:
    """A citizen changed 抽選結果のメール通知: their entries in lotteries not yet drawn
    follow (an entry keeps where its result goes from the time it was made; the draw
    mails by it)."""
    entries = lottery_store.entries_of_user(user_number)
    lotteries = lottery_store.get_many({e.lottery_id for e in entries})
    for entry in entries:
        lottery = lotteries.get(entry.lottery_id)
        if lottery is None or lottery.drawn:
            continue
        if entry.contact is not None and entry.contact.lottery_result_email != wanted:
            lottery_store.set_result_email(entry, wanted)


def results_of(user_number: str, limit: int, token: str | None) -> Page[LotteryResult]:
    """One page of the user's lottery results: a row per win, with the reservation's
    status now and its confirmation deadline, or one row for an entry that lost; each
    with the stay or slots it was about (the entries, lotteries and reservations of the
    page read in one batch each)."""
    page = lottery_store.results_page(user_number, limit, token)
    numbers = {number for r in page.items for _, number in r.all_wins}
    states = {
        number: (stored.document.status, getattr(stored.document, "confirm_by", None))
        for number, stored in booking_store.get_reservations(numbers).items()
    }
    entries = lottery_store.entries_by_key({(r.lottery_id, user_number) for r in page.items})
    lotteries = lottery_store.get_many({r.lottery_id for r in page.items})
    rows = [
        row
        for r in page.items
        for row in r.views(
            states, entries.get((r.lottery_id, user_number)), lotteries.get(r.lottery_id)
        )
    ]
    return Page(rows, page.next_token)


# ---------------------------------------------------------------- staff


def results_for_staff(lottery_id: str, limit: int, token: str | None) -> Page[StaffResultRow]:
    """One page of a lottery's results for staff: per entry, a row per win with what
    was won and the win's status now (awaiting confirmation, confirmed, expired,
    cancelled) and deadline, or one row for an entry that lost."""
    load(lottery_id)
    page = lottery_store.lottery_results_page(lottery_id, limit, token)
    numbers = {number for r in page.items for _, number in r.all_wins}
    stored = booking_store.get_reservations(numbers)
    states = {
        number: (s.document.status, getattr(s.document, "confirm_by", None))
        for number, s in stored.items()
    }
    rows = []
    for result in page.items:
        for view in result.views(states):
            won = stored.get(view.reservation_number or "")
            document = won.document if won else None
            rows.append(
                StaffResultRow(
                    **view.model_dump(),
                    user_number=result.user_number,
                    date=document.date if document else None,
                    start=document.start if document else None,
                    end=document.end if document else None,
                    resource_type_id=document.resource_type_id if document else None,
                    quantity=getattr(document, "quantity", None),
                )
            )
    return Page(rows, page.next_token)


def create(definition: LotteryDefinition, actor: StaffMember) -> Lottery:
    """Creates a lottery: commits to a secret seed, keeps the free inventory of the stay
    period (every slot of the month for a time-slot facility), schedules the draw at
    `drawAt`, and, when wins must be confirmed, the reminder and the release of the
    wins left unconfirmed at `confirmBy`."""
    rt = runtime.current()
    facility = load_facility(definition.facility_id)
    rules.ensure_offered(definition, facility)
    if definition.draw_at <= rt.now():
        raise DomainError.invalid("drawAt", "date_in_past", today=rt.now().isoformat())
    lottery_id = rt.new_id("lot")
    seed = secrets.token_hex(32)
    try:
        lottery_store.create(lottery_id, definition, facility.name, seed, rules.commitment(seed))
    except inventory_store.LostRace:
        other = lottery_store.lottery_of_nights(
            facility.facility_id, definition.stay_from, definition.stay_to
        )
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.LOTTERY_NIGHTS_TAKEN.format(other=other),
            field_errors=[FieldError("stayFrom", "lottery_overlaps", {"lotteryId": str(other)})],
        ) from None
    kept = lottery_store.keep_inventory(
        facility.facility_id, lottery_id, definition.stay_from, definition.stay_to, rt.now()
    )
    lottery_store.save_winnable(lottery_id, kept)
    schedules.schedule_draw(lottery_id, definition.draw_at)
    confirm_by = definition.confirm_by
    if confirm_by is not None:
        remind_at = rules.reminder_time(definition)
        if remind_at is not None:
            schedules.schedule_phase(lottery_id, "remind", remind_at)
        schedules.schedule_phase(lottery_id, "expire", confirm_by)
    audit_trail.record(
        actor,
        AuditAction.LOTTERY_CREATED,
        TargetType.LOTTERY,
        lottery_id,
        LotteryCreated(
            facility_id=definition.facility_id,
            stay_from=definition.stay_from,
            stay_to=definition.stay_to,
            apply_from=definition.apply_from,
            apply_until=definition.apply_until,
            draw_at=definition.draw_at,
        ),
    )
    return get(lottery_id)


def draw_now(lottery_id: str, actor: StaffMember, request: DrawRequest) -> str:
    """Starts the draw workflow now; returns its execution ARN.

    While entries are still open this would close them early, which staff must mean:
    it is refused unless forced with a reason, and who forced it, when and why is kept
    with the lottery and in the audit trail.
    """
    now = runtime.current().now()
    record = load(lottery_id)
    forced = now < record.definition.apply_until and not record.closed
    if forced:
        if not request.force:
            raise DomainError(
                ErrorCode.CONFLICT,
                reason=messages.LOTTERY_STILL_OPEN.format(
                    until=record.definition.apply_until.isoformat()
                ),
            )
        lottery_store.record_forced_draw(lottery_id, actor.staff_id, request.reason or "", now)
    arn = schedules.start_draw_now(lottery_id, now)
    audit_trail.record(
        actor,
        AuditAction.LOTTERY_DRAW_STARTED,
        TargetType.LOTTERY,
        lottery_id,
        LotteryDrawStarted(before_apply_until=True if forced else None),
        reason=request.reason,
    )
    return arn
