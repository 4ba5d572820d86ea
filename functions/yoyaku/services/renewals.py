"""Renewal of a user registration through the LINE mini-app (seed 000): whether it is
due, the signed application, its effect once staff approve it, and the saved form.

The application is reviewed by the same workflow as a registration (type `renewal`);
a renewal that staff return is closed, and the citizen applies again.
"""

from __future__ import annotations

from datetime import date, timedelta

from yoyaku import runtime
from yoyaku.adapters import (
    booking_store,
    counters,
    identity_store,
    proofs,
    registration_store,
    renewal_store,
    user_store,
)
from yoyaku.domain import messages
from yoyaku.domain.account_kinds import Residency, UserType
from yoyaku.domain.accounts import User
from yoyaku.domain.booking import Owner
from yoyaku.domain.calendar import add_months
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.identity import Purpose, check_verification
from yoyaku.domain.identity_matching import normalise_address, normalise_name
from yoyaku.domain.messages import Language
from yoyaku.domain.registration import Document
from yoyaku.domain.renewal import (
    DRAFT_DAYS,
    CounterFacility,
    RenewalAccepted,
    RenewalApplication,
    RenewalDraft,
    RenewalPolicy,
    RenewalRequest,
    RenewalWindow,
    SavedDraft,
    due,
    next_verified_until,
    split_address,
)
from yoyaku.domain.review import ApplicationRecord
from yoyaku.services import catalog
from yoyaku.services.accounts import account
from yoyaku.settings import settings

USE_LOOKBACK_MONTHS = 24  # an account "uses" a facility it booked in the last two years


def policy_for(residency: Residency) -> RenewalPolicy | None:
    return settings().renewal_policies.get(residency)


def first_verified_until(residency: Residency, approved_on: date) -> date | None:
    """The end of a new registration's verification: the kind's period from approval
    (workers two years), or none (residents, unless the municipality sets a period)."""
    return next_verified_until(policy_for(residency), None, approved_on)


def counter_facilities(user_number: str, today: date) -> list[Facility]:
    """The facilities kept out of online renewal that the account uses: booked (and not
    cancelled) in the last two years or ahead."""
    since = add_months(today, -USE_LOOKBACK_MONTHS)
    used = {
        stored.document.facility_id
        for stored in booking_store.reservations_of(Owner.citizen(user_number))
        if stored.document.status != "cancelled" and stored.document.date >= since
    }
    found = []
    for facility_id in sorted(used):
        try:
            facility = catalog.load_facility(facility_id)
        except DomainError:
            continue  # a facility since removed
        if not facility.online_renewal:
            found.append(facility)
    return found


def roster_required(user: User, today: date) -> bool:
    """Whether the renewal needs a group roster (名簿, seed 000): a group that uses
    facilities marked `rosterRequired`, i.e. whose roster was accepted (it books them)
    or that booked one of them in the last two years. Individuals never need one."""
    if user.user_type is not UserType.GROUP:
        return False
    if user.roster_accepted:
        return True
    since = add_months(today, -USE_LOOKBACK_MONTHS)
    for stored in booking_store.reservations_of(Owner.citizen(user.user_number)):
        booked = stored.document
        if booked.status == "cancelled" or booked.date < since:
            continue
        try:
            resource = catalog.load_facility(booked.facility_id).resource_type(
                booked.resource_type_id
            )
        except DomainError:
            continue
        if resource is not None and resource.roster_required:
            return True
    return False


def _roster_key(user: User, upload_id: str | None, required: bool, lang: Language) -> str | None:
    """The checked roster image of this application: uploaded with POST
    /v1/me/roster-upload and accepted by the upload check (JPEG/PNG, ≤ 10 MB)."""
    if upload_id is None:
        if required:
            raise DomainError(
                ErrorCode.ROSTER_REQUIRED, reason=messages.RENEWAL_ROSTER_NEEDED.in_(lang)
            )
        return None
    if user.user_type is not UserType.GROUP:
        raise DomainError.invalid("rosterUploadId", "roster_unknown")
    key = proofs.key_for(user.registration_id, upload_id, Document.ROSTER)
    registration = registration_store.get(user.registration_id)
    stored, problem = registration.document(Document.ROSTER) if registration else (None, None)
    if stored == key:
        return key
    if problem:  # the newest upload was refused: say why
        raise DomainError.invalid("rosterUploadId", "roster_refused", reason=problem)
    raise DomainError.invalid("rosterUploadId", "roster_unknown")


def _counter_reason(facilities: list[Facility], lang: Language) -> str:
    sep = "、" if lang is Language.JA else ", "
    places = sep.join(f"{f.name} {f.address}".strip() for f in facilities)
    return messages.renewal_reason(
        "not_available_online",
        lang,
        facilities=sep.join(f.name for f in facilities),
        places=places,
    )


def window(user_number: str, lang: Language) -> RenewalWindow:
    """GET /v1/me/renewal: whether the account may renew online now, and if not why."""
    user, _ = account(user_number)
    today = runtime.current().today()
    policy = policy_for(user.residency)
    state = due(user.status_on(today), user.verified_until, policy, today)
    counters_used = counter_facilities(user_number, today)
    opened = renewal_store.open_renewal(user_number)
    reason_code = state.reason_code
    if reason_code is None and counters_used:
        reason_code = "not_available_online"
    if reason_code is None and opened is not None:
        reason_code = "already_applied"
    reason = None
    if reason_code == "not_available_online":
        reason = _counter_reason(counters_used, lang)
    elif reason_code is not None:
        reason = messages.renewal_reason(
            reason_code,
            lang,
            opens=state.opens_on.isoformat() if state.opens_on else "",
            until=user.verified_until.isoformat() if user.verified_until else "",
            number=opened.application_id if opened else "",
        )
    return RenewalWindow(
        possible=reason_code is None,
        from_=state.opens_on,
        until=state.closes_on,
        verified_until=user.verified_until,
        roster_required=roster_required(user, today),
        reason=reason,
        reason_code=reason_code,
        open_application_number=opened.application_id if opened else None,
        counter_facilities=[
            CounterFacility(facility_id=f.facility_id, name=f.name, address=f.address)
            for f in counters_used
        ],
    )


def _refuse_when_not_possible(state: RenewalWindow) -> None:
    """Facilities kept at the counter, or a registration lapsed too long ago, send the
    citizen to a counter (422); not due yet or already applied is a conflict (409)."""
    if state.possible:
        return
    if state.reason_code in ("not_available_online", "too_late"):
        raise DomainError(ErrorCode.RENEWAL_NOT_AVAILABLE_ONLINE, reason=state.reason or "")
    raise DomainError(ErrorCode.CONFLICT, reason=state.reason or "")


def _card_matches_account(user: User, facts_name: str, facts_birthdate: date) -> None:
    """The card must be the account holder's: name and birthdate (an address may have
    changed since; it is updated when the renewal is approved)."""
    errors = []
    if normalise_name(facts_name) != normalise_name(user.name_kanji):
        errors.append(FieldError("verificationId", "renewal_card_name"))
    if facts_birthdate != user.birthdate:
        errors.append(FieldError("verificationId", "renewal_card_birthdate"))
    if errors:
        raise DomainError(ErrorCode.IDENTITY_MISMATCH, field_errors=errors)


def _current_address(user_number: str) -> str:
    profile = user_store.profile(user_number)
    address = profile.address if profile else None
    return f"{address.prefecture}{address.city}{address.street}" if address else ""


def submit(
    user_number: str, request: RenewalRequest, lang: Language, idempotency_key: str | None
) -> RenewalAccepted:
    """Files the renewal: the window and the facility rule, the card (unused, current,
    the account holder's), the roster when one is needed; then the review starts and
    the citizen is told by e-mail and LINE with the 申請番号."""
    from yoyaku.services import reviews  # reviews imports this module's effects

    rt = runtime.current()
    user, _ = account(user_number)
    opened = renewal_store.open_renewal(user_number)
    if opened is not None and idempotency_key and opened.idempotency_key == idempotency_key:
        return RenewalAccepted(  # a retry of the request that filed it
            application_id=opened.application_id, application_number=opened.application_id
        )
    _refuse_when_not_possible(window(user_number, lang))
    verification = check_verification(
        identity_store.get_verification(request.verification_id),
        Purpose.RENEWAL,
        rt.now(),
        field="verificationId",
    )
    facts = verification.facts
    _card_matches_account(user, facts.name, facts.birthdate)
    needs_roster = roster_required(user, rt.today())
    roster_key = _roster_key(user, request.roster_upload_id, needs_roster, lang)
    address_changed = normalise_address(facts.address) != normalise_address(
        _current_address(user_number)
    )
    application_id = counters.next_application_number()
    renewal = RenewalApplication(
        phone=request.phone,
        name_kana=request.name_kana,
        lottery_result_email=request.lottery_result_email,
        card=facts,
        certificate_sha256=verification.certificate_sha256,
        verification_id=verification.verification_id,
        address_changed=address_changed,
        previous_verified_until=user.verified_until,
        roster_required=needs_roster,
        roster_key=roster_key,
    )
    try:
        renewal_store.file(
            application_id,
            user_number,
            user.registration_id,
            renewal,
            verification.verification_id,
            idempotency_key,
            rt.now(),
        )
    except renewal_store.NotFiled as refused:
        if refused.why == "verification_used":
            raise DomainError.invalid("verificationId", "identity_used") from None
        other = renewal_store.open_renewal(user_number)
        number = other.application_id if other else ""
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.renewal_reason("already_applied", lang, number=number),
        ) from None
    renewal_store.delete_draft(user_number)
    reviews.start_renewal_review(application_id)
    return RenewalAccepted(application_id=application_id, application_number=application_id)


def approve(record: ApplicationRecord, user: User, today: date) -> date | None:
    """What an approved renewal changes: the verification's end moves on by the kind's
    period (from the old end when renewed early); phone, kana, the lottery e-mail choice
    and a changed address from the card are kept on the account, and a group's new
    roster is accepted. Safe to run twice:
    the new end is computed from the end recorded at application."""
    renewal = record.renewal
    if renewal is None:  # filed renewals always carry what they applied for
        raise ValueError(f"renewal {record.application.application_id} has no application")
    until = next_verified_until(policy_for(user.residency), renewal.previous_verified_until, today)
    user_store.renew(
        user.user_number,
        until,
        phone=renewal.phone,
        name_kana=renewal.name_kana,
        address=split_address(renewal.card.address) if renewal.address_changed else None,
        lottery_result_email=renewal.lottery_result_email,
        roster_accepted=True if renewal.roster_key else None,
    )
    return until


def closed(record: ApplicationRecord) -> None:
    """The review has ended (approved, returned or rejected): the account may apply again."""
    renewal_store.close(record.user_number, record.application.application_id)


# ---------------------------------------------------------------- 一時保存


def save_draft(user_number: str, draft: RenewalDraft) -> SavedDraft:
    account(user_number)
    now = runtime.current().now().replace(microsecond=0)
    until = now + timedelta(days=DRAFT_DAYS)
    renewal_store.save_draft(user_number, draft, now, until)
    return SavedDraft(**draft.model_dump(), saved_at=now, expires_at=until)


def draft(user_number: str) -> SavedDraft:
    found = renewal_store.get_draft(user_number, runtime.current().now())
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.SAVED_FORM)
    return found
