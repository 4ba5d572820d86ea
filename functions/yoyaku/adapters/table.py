"""The single DynamoDB table as pynamodb models (template.yaml defines the same keys).

Every item has `pk`/`sk` and a `kind` discriminator, so one Query over a partition
returns typed items. Inventory of a facility lives in one partition per month,
`INV#{facilityId}#{YYYY-MM}`, with sort keys that start with the date, so a month of
capacity records and claims comes back in one Query (docs/design.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from yoyaku.settings import table_settings


class _FromSettings:
    """A Meta attribute read from settings when pynamodb first connects, not at import."""

    def __init__(self, read: Callable[[], Any]) -> None:
        self._read = read

    def __get__(self, instance: object, owner: type) -> Any:
        return self._read()


class ByOwner(GlobalSecondaryIndex["TableItem"]):
    """gsi1: what belongs to someone, e.g. `USER#{n}#APPLICATIONS` by submission time."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByQueue(GlobalSecondaryIndex["TableItem"]):
    """gsi2: work queues for staff, e.g. `REVIEWS#{status}` by submission time."""

    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class TableItem(Model):
    # No region here: botocore takes it from AWS_REGION like every other client.
    class Meta:
        table_name = _FromSettings(lambda: table_settings().table_name)
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    # The table's TTL attribute: DynamoDB deletes the item some time after this instant.
    # Only garbage collection: rules compare it with the clock themselves (docs/design.md).
    expires_at = TTLAttribute(attr_name="expiresAt", null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_owner = ByOwner()
    by_queue = ByQueue()


class OperationItem(TableItem, discriminator="operation"):
    """pk `SERVICE`, sk `OPERATION`: reception hours and suspensions, one small item
    read before citizen writes (and cached per container)."""

    hours = JSONAttribute(null=True)
    suspensions = JSONAttribute(null=True)
    version = VersionAttribute()


class FacilityItem(TableItem, discriminator="facility"):
    """pk `CATALOG`, sk `FACILITY#{facilityId}`: the whole catalog is one partition."""

    document = JSONAttribute()


class NoticeItem(TableItem, discriminator="notice"):
    """pk `NOTICES`, sk `{publishedAt UTC ISO}#{noticeId}`: newest last."""

    title = UnicodeAttribute()
    body = UnicodeAttribute()
    published_at = UTCDateTimeAttribute(attr_name="publishedAt")
    # Who wrote it; a withdrawn notice stays (the record of what was shown) but is hidden.
    created_by = UnicodeAttribute(attr_name="createdBy", null=True)
    withdrawn_at = UTCDateTimeAttribute(attr_name="withdrawnAt", null=True)
    withdrawn_by = UnicodeAttribute(attr_name="withdrawnBy", null=True)
    withdrawal_reason = UnicodeAttribute(attr_name="withdrawalReason", null=True)


class CapacityItem(TableItem, discriminator="capacity"):
    """sk `{date}#CAP#{resourceTypeId}`: the numbered units of one day's cells."""

    cells = JSONAttribute()
    closed = BooleanAttribute(default=False)
    closed_reason = UnicodeAttribute(attr_name="closedReason", null=True)
    version = VersionAttribute()


class ClaimItem(TableItem, discriminator="claim"):
    """sk `{date}#CLAIM#{resourceTypeId}#{cell}#{unit:03d}`: one unit taken.

    A hold's claim is also in gsi2 under `HELD#{facilityId}` by its expiry, so a calendar
    reads the live holds without reading a single booked claim; confirming a hold takes
    its claim out of that index."""

    state = UnicodeAttribute()
    holder = UnicodeAttribute(null=True)


class SummaryItem(TableItem, discriminator="day_summary"):
    """pk `AVAIL#{facilityId}`, sk `{date}#{resourceTypeId}`: one day of one resource type
    as the calendar needs it. `cells` and `closed` are the capacity record's (written in
    the same transaction); `counts` maps `{cell}#b` (booked), `{cell}#k` (kept for a
    lottery) and `{cell}#x` (closed) to numbers of units, changed in the transaction of
    every write that turns a claim into one of those states or back. A facility's
    calendar of up to 62 days is one Query, whatever the bookings. `closedReason` says why
    a closed day is closed (domain/closures.py), as its capacity record does."""

    cells = JSONAttribute()
    closed = BooleanAttribute(default=False)
    closed_reason = UnicodeAttribute(attr_name="closedReason", null=True)
    counts = MapAttribute[str, Any](default=dict)
    # One more at every change: `summary_store.rebuild` writes only over what it read.
    revision = NumberAttribute(default=0)


class StaffItem(TableItem, discriminator="staff"):
    """pk `STAFF#{staffId}`, sk `PROFILE`. `role` decides what the member may do
    (domain/staff.py); an account without one may do nothing."""

    name = UnicodeAttribute()
    password_hash = UnicodeAttribute(attr_name="passwordHash")
    role = UnicodeAttribute(null=True)


class AuditItem(TableItem, discriminator="audit"):
    """pk `AUDIT#{YYYY-MM}` (Tokyo month), sk `{at UTC ISO}#{auditId}`: one staff action.

    gsi1 `AUDITBY#{staffId}` lists a member's actions, gsi2 `AUDITOF#{type}#{id}` those on
    one target; both sort by the same `{at}#{auditId}`. Written once, never changed.
    """

    staff_id = UnicodeAttribute(attr_name="staffId")
    staff_name = UnicodeAttribute(attr_name="staffName")
    role = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    target_type = UnicodeAttribute(attr_name="targetType")
    target_id = UnicodeAttribute(attr_name="targetId")
    reason = UnicodeAttribute(null=True)
    details = JSONAttribute(default=dict)


class SessionItem(TableItem, discriminator="session"):
    """pk of its principal (`USER#{n}` or `STAFF#{id}`), sk `SESSION#{sha256 of the secret}`.

    Keeping sessions in the principal's partition lets "sign out everywhere" be one
    Query; the token itself is never stored.
    """

    principal_kind = UnicodeAttribute(attr_name="principalKind")
    principal_id = UnicodeAttribute(attr_name="principalId")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    # How the session was opened: "password" (also when absent) or "line", so that
    # unlinking LINE can end the sessions LINE opened.
    method = UnicodeAttribute(null=True)


class RegistrationItem(TableItem, discriminator="registration"):
    """pk `REGISTRATION#{registrationId}`, sk `REGISTRATION`: a submitted form.

    Unconfirmed registrations expire (TTL); the password is stored only as its hash.
    """

    form = JSONAttribute()
    password_hash = UnicodeAttribute(attr_name="passwordHash")
    language = UnicodeAttribute()
    status = UnicodeAttribute()
    user_number = UnicodeAttribute(attr_name="userNumber", null=True)
    proof_key = UnicodeAttribute(attr_name="proofKey", null=True)
    proof_problem = UnicodeAttribute(attr_name="proofProblem", null=True)
    # A group's roster image (名簿), checked like the proof document.
    roster_key = UnicodeAttribute(attr_name="rosterKey", null=True)
    roster_problem = UnicodeAttribute(attr_name="rosterProblem", null=True)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    # A My Number card proved the form: {verificationId, certificateSha256,
    # municipalityResident}. The card's facts are the form's own, already stored.
    identity = JSONAttribute(null=True)


class LinkItem(TableItem, discriminator="link"):
    """pk `LINK#{sha256 of the token}`, sk `LINK`: a single-use e-mailed link."""

    purpose = UnicodeAttribute()
    subject = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute(attr_name="validUntil")
    used_at = UTCDateTimeAttribute(attr_name="usedAt", null=True)


class UserItem(TableItem, discriminator="user"):
    """pk `USER#{userNumber}`, sk `PROFILE`."""

    profile = JSONAttribute()
    email = UnicodeAttribute()
    language = UnicodeAttribute()
    residency = UnicodeAttribute()
    status = UnicodeAttribute()
    verified_until = UnicodeAttribute(attr_name="verifiedUntil", null=True)
    lottery_result_email = BooleanAttribute(attr_name="lotteryResultEmail")
    password_hash = UnicodeAttribute(attr_name="passwordHash")
    failed_sign_ins = NumberAttribute(attr_name="failedSignIns", default=0)
    locked_until = UTCDateTimeAttribute(attr_name="lockedUntil", null=True)
    registration_id = UnicodeAttribute(attr_name="registrationId")
    user_type = UnicodeAttribute(attr_name="userType", null=True)  # absent: individual
    # A group's roster was accepted at its review (rosterRequired facilities).
    roster_accepted = BooleanAttribute(attr_name="rosterAccepted", null=True)
    # 利用者登録証: set when staff mark the card mailed. Until then a verified account is
    # on gsi2 `CARDS#WAITING` by verification time.
    card_mailed_at = UTCDateTimeAttribute(attr_name="cardMailedAt", null=True)


class LineLinkItem(TableItem, discriminator="line_link"):
    """pk `LINE#{lineUserId}`, sk `LINK`: the one account a LINE user signs in to."""

    user_number = UnicodeAttribute(attr_name="userNumber")
    linked_at = UTCDateTimeAttribute(attr_name="linkedAt")


class LineAccountItem(TableItem, discriminator="line_account"):
    """pk `USER#{n}`, sk `LINE`: the account's one LINE user and its message choices.

    Written together with its LineLinkItem in one transaction, so the two always agree.
    """

    line_user_id = UnicodeAttribute(attr_name="lineUserId")
    linked_at = UTCDateTimeAttribute(attr_name="linkedAt")
    lottery_results = BooleanAttribute(attr_name="lotteryResults", default=False)


class LineNonceItem(TableItem, discriminator="line_nonce"):
    """pk `LINENONCE#{sha256 of the nonce}`, sk `NONCE`: an ID-token nonce already used
    (kept past the token's expiry, after which the token is refused anyway)."""


class EmailItem(TableItem, discriminator="email"):
    """pk `EMAIL#{sha256 of the normalised address}`, sk `EMAIL`: one account per address."""

    user_number = UnicodeAttribute(attr_name="userNumber")


class CounterItem(TableItem, discriminator="counter"):
    """pk `COUNTER#{name}`, sk `COUNTER`: an atomic sequence (user numbers)."""

    value = NumberAttribute(default=0)


class ApplicationItem(TableItem, discriminator="application"):
    """pk `APPLICATION#{applicationId}`, sk `APPLICATION`.

    gsi1 `USER#{n}#APPLICATIONS` lists a user's applications; gsi2 `REVIEWS#{status}` is
    the staff queue. The workflow's task token is stored here and never leaves the
    backend.
    """

    user_number = UnicodeAttribute(attr_name="userNumber")
    registration_id = UnicodeAttribute(attr_name="registrationId")
    type = UnicodeAttribute()
    status = UnicodeAttribute()
    history = ListAttribute[dict[str, str]](default=list)
    submitted_at = UTCDateTimeAttribute(attr_name="submittedAt")
    task_token = UnicodeAttribute(attr_name="taskToken", null=True)
    waiting_for = UnicodeAttribute(attr_name="waitingFor", null=True)
    decision = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    method = UnicodeAttribute(null=True)  # ApplicationMethod; absent = staff_review
    # Renewals: what was applied for (the form, the card's facts, the roster's key).
    renewal = JSONAttribute(null=True)
    # Who decided (staffId, name) and when: kept once the workflow applied the decision.
    decided_by = JSONAttribute(attr_name="decidedBy", null=True)
    decided_at = UTCDateTimeAttribute(attr_name="decidedAt", null=True)


class HoldItem(TableItem, discriminator="hold"):
    """pk `HOLD#{holdId}`, sk `HOLD`: which units a hold claimed, for whom, until when.

    `valid_until` is the hold's real end; the TTL (`expiresAt`) only removes it later.
    """

    owner = UnicodeAttribute()
    facility_id = UnicodeAttribute(attr_name="facilityId")
    resource_type_id = UnicodeAttribute(attr_name="resourceTypeId")
    units = JSONAttribute()  # [{"day": "YYYY-MM-DD", "cell": "-"|"HHMM", "unit": n}]
    quantity = NumberAttribute()
    valid_until = UTCDateTimeAttribute(attr_name="validUntil")
    # The facility as it was when held and whom to tell: confirming needs no other read.
    details = JSONAttribute(null=True)
    # The reservation (or appointment) number once confirmed; a confirmed hold is no
    # longer a hold, and releasing or confirming it again is refused by condition.
    confirmed_as = UnicodeAttribute(attr_name="confirmedAs", null=True)


class ReservationItem(TableItem, discriminator="reservation"):
    """pk `RESERVATION#{number}`, sk `RESERVATION`; gsi1 `OWNER#{owner}#RESERVATIONS`."""

    owner = UnicodeAttribute()
    document = JSONAttribute()  # the Reservation (or Appointment) as the API shows it
    units = JSONAttribute()
    status = UnicodeAttribute()
    version = VersionAttribute()
    # Counter appointments only: the receipt password's hash.
    secret_hash = UnicodeAttribute(attr_name="secretHash", null=True)


class ThrottleItem(TableItem, discriminator="throttle"):
    """pk `THROTTLE#{scope}#{identifier}` (wrong passwords in a row for an identifier that
    may or may not exist) or `THROTTLE#client#{address}#{window}` (a client's failures in
    one window), sk `THROTTLE`. Kept a day by TTL."""

    failures = NumberAttribute(default=0)
    last_failure = UTCDateTimeAttribute(attr_name="lastFailure", null=True)


class AttemptsItem(TableItem, discriminator="attempts"):
    """sk `ATTEMPTS` beside what it protects (e.g. an appointment): wrong passwords in a
    row and the lock they caused. Kept apart so counting never bumps that item's version."""

    failures = NumberAttribute(default=0)
    locked_until = UTCDateTimeAttribute(attr_name="lockedUntil", null=True)


class EligibilityItem(TableItem, discriminator="eligible"):
    """pk `ELIGIBLE#{facilityId}#{noticeNumber}`, sk `{birthdate}#{noticeNumber2}`:
    one person who may book a counter appointment (imported by staff)."""

    counter = UnicodeAttribute(null=True)


class AppointmentRequestItem(TableItem, discriminator="appointment_request"):
    """pk `APPTREQ#{requestId}`, sk `APPTREQ`: an identified party and its e-mail address."""

    facility_id = UnicodeAttribute(attr_name="facilityId")
    email = UnicodeAttribute()
    language = UnicodeAttribute()
    people = NumberAttribute()
    counter = UnicodeAttribute(null=True)
    person_keys = ListAttribute(of=UnicodeAttribute, attr_name="personKeys", null=True)


class PersonAppointmentItem(TableItem, discriminator="person_appointment"):
    """pk `APPTPERSON#{facilityId}#{noticeNumber}#{noticeNumber2}`, sk `APPTPERSON`: the
    person's live counter appointment there (its receipt number, `holder`) until
    `expiresAt`. Written in the appointment's own transaction, only when absent or past,
    so a person never has two, whichever links they book with."""

    holder = UnicodeAttribute()


class LotteryItem(TableItem, discriminator="lottery"):
    """pk `LOTTERY#{lotteryId}`, sk `LOTTERY`; gsi1 `LOTTERIES` by draw time.

    The seed is stored but never shown until the draw has run. Entries, demand counters
    and results live in the same partition (sk `ENTRY#…`, `DEMAND#…`, `RESULT#…`).
    """

    definition = JSONAttribute()
    seed = UnicodeAttribute()
    seed_commitment = UnicodeAttribute(attr_name="seedCommitment")
    closed = BooleanAttribute(default=False)
    drawn = BooleanAttribute(default=False)
    entries_digest = UnicodeAttribute(attr_name="entriesDigest", null=True)
    result_digest = UnicodeAttribute(attr_name="resultDigest", null=True)
    # Draws published before audit files kept the whole audit here (up to ~2,450 entries).
    audit = JSONAttribute(null=True)
    # The published audit file in the audit bucket: {key, sha256, bytes, entries}.
    audit_file = JSONAttribute(attr_name="auditFile", null=True)
    forced_draw = JSONAttribute(attr_name="forcedDraw", null=True)  # {staffId, reason, at}


class EntryItem(TableItem, discriminator="lottery_entry"):
    """sk `ENTRY#{userNumber}` (one per user and lottery); gsi1 `USER#{n}#ENTRIES`."""

    entry_id = UnicodeAttribute(attr_name="entryId")
    preferences = JSONAttribute()
    contact = JSONAttribute()  # email, language, lotteryResultEmail at entry time
    created_at = UTCDateTimeAttribute(attr_name="createdAt")


class LotteryDayItem(TableItem, discriminator="lottery_day"):
    """pk `LOTTERYDAY#{facilityId}#{date}`, sk `LOTTERYDAY`: the one lottery (`holder`)
    that draws this facility's night; written with the lottery, only when absent."""

    holder = UnicodeAttribute()


class RoundGuardItem(TableItem, discriminator="lottery_round"):
    """pk `LOTTERYROUND#{YYYY-MM}`, sk `USER#{n}`: one facility per lottery round."""

    lottery_id = UnicodeAttribute(attr_name="lotteryId")


class DemandItem(TableItem, discriminator="lottery_demand"):
    """sk `DEMAND#{date}#{resourceTypeId}` (lodging) or `DEMAND#{date}#{resourceTypeId}#{HHMM}`
    (one time slot): 申込総数 (applications) / 当選可能数 (winnable)."""

    applications = NumberAttribute(default=0)
    winnable = NumberAttribute(default=0)
    start = UnicodeAttribute(null=True)  # time slots: HH:MM
    end = UnicodeAttribute(null=True)


class ResultItem(TableItem, discriminator="lottery_result"):
    """sk `RESULT#{userNumber}`; gsi1 `USER#{n}#RESULTS`."""

    entry_id = UnicodeAttribute(attr_name="entryId")
    won_rank = NumberAttribute(attr_name="wonRank", default=0)
    reservation_number = UnicodeAttribute(attr_name="reservationNumber", null=True)
    contact = JSONAttribute(null=True)
    notified = BooleanAttribute(default=False)
    # Time-slot lotteries: every win, [{rank, reservationNumber}].
    wins = JSONAttribute(null=True)
    # The confirmation reminder went out (wins that must be confirmed).
    reminded = BooleanAttribute(null=True)


class WinItem(TableItem, discriminator="lottery_win"):
    """sk `WIN#{userNumber}#{rank:02d}`: one win of a time-slot lottery, written in the
    same transaction as its reservation, so a second run of the draw never books it
    twice."""

    reservation_number = UnicodeAttribute(attr_name="reservationNumber")


class ChallengeItem(TableItem, discriminator="identity_challenge"):
    """pk `CHALLENGE#{challengeId}`, sk `CHALLENGE`: what the card must sign, single use."""

    purpose = UnicodeAttribute()
    signed_data = UnicodeAttribute(attr_name="signedData")  # base64 of the signed bytes
    valid_until = UTCDateTimeAttribute(attr_name="validUntil")
    used_at = UTCDateTimeAttribute(attr_name="usedAt", null=True)


class VerificationItem(TableItem, discriminator="identity_verification"):
    """pk `VERIFICATION#{verificationId}`, sk `VERIFICATION`: a verified card's four facts
    and the certificate's SHA-256, never the certificate or a My Number."""

    purpose = UnicodeAttribute()
    facts = JSONAttribute()
    certificate_sha256 = UnicodeAttribute(attr_name="certificateSha256")
    challenge_id = UnicodeAttribute(attr_name="challengeId")
    verified_at = UTCDateTimeAttribute(attr_name="verifiedAt")
    valid_until = UTCDateTimeAttribute(attr_name="validUntil")
    used_at = UTCDateTimeAttribute(attr_name="usedAt", null=True)


class OpenRenewalItem(TableItem, discriminator="open_renewal"):
    """pk `USER#{n}`, sk `RENEWAL`: the account's one renewal under review. Written with
    the application (absent first), removed when the review ends, so an account never
    has two renewals at once."""

    application_id = UnicodeAttribute(attr_name="applicationId")
    idempotency_key = UnicodeAttribute(attr_name="idempotencyKey", null=True)


class RenewalDraftItem(TableItem, discriminator="renewal_draft"):
    """pk `USER#{n}`, sk `RENEWAL_DRAFT`: the renewal form saved for later (一時保存),
    without files; `valid_until` is its real end, the TTL only removes it later."""

    draft = JSONAttribute()
    saved_at = UTCDateTimeAttribute(attr_name="savedAt")
    valid_until = UTCDateTimeAttribute(attr_name="validUntil")
