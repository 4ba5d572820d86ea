"""Renewal of a user registration (seed 000): when it is due, what the form takes, and
what an approved renewal changes on the account.

Each registration kind (resident, worker) has its own renewal policy: how long a
verification lasts, how many months before its end renewal opens, and for how long
after the end an expired account may still renew online. Workers are verified for two
years and may renew from two months before; residents are verified indefinitely unless
the municipality sets a period for them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ConfigDict, Field

from yoyaku.domain.account_kinds import AccountStatus, Residency
from yoyaku.domain.calendar import add_months
from yoyaku.domain.identity import CardFacts
from yoyaku.domain.model import CamelModel
from yoyaku.domain.people import KanaName, Phone

DRAFT_DAYS = 7  # 一時保存 is kept this long after the last save


@dataclass(frozen=True)
class RenewalPolicy:
    """The renewal rule of one registration kind."""

    valid_months: int  # a verification lasts this long from its approval
    opens_months_before: int  # renewal opens this long before `verifiedUntil`
    grace_months: int  # ...and stays open this long after it (then: register anew)


DEFAULT_POLICIES: dict[Residency, RenewalPolicy] = {
    Residency.WORKER: RenewalPolicy(valid_months=24, opens_months_before=2, grace_months=12),
}


def parse_policies(text: str) -> dict[Residency, RenewalPolicy]:
    """`RENEWAL_POLICIES`: `kind:validMonths:opensMonthsBefore:graceMonths` entries
    separated by commas, e.g. `worker:24:2:12,resident:60:3:12`. Empty: the defaults."""
    if not text.strip():
        return dict(DEFAULT_POLICIES)
    policies: dict[Residency, RenewalPolicy] = {}
    for entry in text.split(","):
        kind, valid, before, grace = (part.strip() for part in entry.split(":"))
        policies[Residency(kind)] = RenewalPolicy(int(valid), int(before), int(grace))
    return policies


def next_verified_until(
    policy: RenewalPolicy | None, current: date | None, approved_on: date
) -> date | None:
    """The end of the verification that an approval on `approved_on` gives: a renewal
    before the end extends from the end (renewing early loses nothing); after it, from
    the approval. No policy: verified indefinitely."""
    if policy is None:
        return None
    start = current if current is not None and current >= approved_on else approved_on
    return add_months(start, policy.valid_months)


class CounterFacility(CamelModel):
    facility_id: str
    name: str
    address: str


class RenewalWindow(CamelModel):
    """GET /v1/me/renewal: whether the signed-in account may renew online now."""

    possible: bool
    from_: date | None = Field(
        default=None, alias="from", description="The first day renewal is open."
    )
    until: date | None = Field(
        default=None, description="The last day an online renewal is possible."
    )
    verified_until: date | None = Field(
        default=None, description="The end of the current verification."
    )
    roster_required: bool = Field(
        description="Groups that use facilities needing a roster (名簿) must upload one."
    )
    reason: str | None = Field(default=None, description="Why not, and where to go instead.")
    reason_code: str | None = Field(
        default=None,
        description="`not_verified`, `no_expiry`, `not_yet`, `too_late`, "
        "`not_available_online` or `already_applied`.",
    )
    open_application_number: str | None = Field(
        default=None, description="The 申請番号 of the renewal still under review."
    )
    counter_facilities: list[CounterFacility] = Field(
        default_factory=list,
        description="The facilities whose users renew at the counter, when that is the reason.",
    )


@dataclass(frozen=True)
class Due:
    """Where an account stands with respect to renewal (before any facility rule)."""

    reason_code: str | None  # None: due now
    opens_on: date | None
    closes_on: date | None


def due(
    status: AccountStatus,
    verified_until: date | None,
    policy: RenewalPolicy | None,
    today: date,
) -> Due:
    """Whether a verified (or lapsed) account is in its renewal window on `today`."""
    if status not in (AccountStatus.VERIFIED, AccountStatus.EXPIRED):
        return Due("not_verified", None, None)
    if verified_until is None or policy is None:
        return Due("no_expiry", None, None)
    opens = add_months(verified_until, -policy.opens_months_before)
    closes = add_months(verified_until, policy.grace_months)
    if today < opens:
        return Due("not_yet", opens, closes)
    if today > closes:
        return Due("too_late", opens, closes)
    return Due(None, opens, closes)


class RenewalRequest(CamelModel):
    """POST /v1/renewals: the form of seed 000, signed with the My Number card."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verificationId": "vrf_2b8e4c6a0d1f3957",
                    "phone": "090-1234-5678",
                    "nameKana": "ミナト\u3000タロウ",
                    "lotteryResultEmail": True,
                }
            ]
        }
    )

    verification_id: str = Field(min_length=1, max_length=64)
    phone: Phone = Field(description="Half-width digits; hyphens and spaces are removed.")
    name_kana: KanaName
    lottery_result_email: bool
    roster_upload_id: str | None = Field(default=None, min_length=1, max_length=64)


class RenewalAccepted(CamelModel):
    application_id: str
    application_number: str = Field(description="申請番号: 6 digits.")
    type: str = "renewal"
    status: str = "received"


class RenewalApplication(CamelModel):
    """What a filed renewal applied for, kept on its application until staff decide:
    the form, the card's facts and the account as it stood (its end and whether the card
    moved the address), and the roster when the kind needs one."""

    phone: str
    name_kana: str
    lottery_result_email: bool
    card: CardFacts
    certificate_sha256: str
    verification_id: str
    address_changed: bool
    previous_verified_until: date | None
    roster_required: bool
    roster_key: str | None


class RenewalDraft(CamelModel):
    """一時保存: what was typed so far, never files nor the card."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "phone": "090-1234-5678",
                    "nameKana": "ミナト\u3000タロウ",
                    "lotteryResultEmail": True,
                }
            ]
        }
    )

    phone: str | None = Field(default=None, max_length=30)
    name_kana: str | None = Field(default=None, max_length=100)
    lottery_result_email: bool | None = None


class SavedDraft(RenewalDraft):
    model_config = ConfigDict(json_schema_extra=None)  # the draft's examples lack the times

    saved_at: datetime = Field(description="When it was saved.")
    expires_at: datetime = Field(description="When it is forgotten (7 days after the save).")


class CardAddress(CamelModel):
    """The card's address split the way the account stores one (no postal code)."""

    prefecture: str
    city: str
    street: str


_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}?県)")
# A city, ward, town or village (郡 first for towns and villages), then an optional ward
# of a designated city (さいたま市大宮区).
_CITY = re.compile(r"^((?:.+?郡)?.+?[市区町村])((?<=市).+?区)?")


def split_address(address: str) -> CardAddress:
    """`東京都港区芝公園一丁目5番25号` → 東京都 / 港区 / 芝公園一丁目5番25号."""
    text = address.strip()
    prefecture = _PREFECTURE.match(text)
    rest = text[prefecture.end() :] if prefecture else text
    city = _CITY.match(rest)
    if city is None:
        return CardAddress(prefecture=prefecture[1] if prefecture else "", city="", street=rest)
    return CardAddress(
        prefecture=prefecture[1] if prefecture else "",
        city=city[0],
        street=rest[city.end() :],
    )
