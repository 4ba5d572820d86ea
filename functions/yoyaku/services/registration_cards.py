"""利用者登録証: the cards to mail to newly verified accounts, and marking them mailed."""

from __future__ import annotations

from yoyaku import runtime
from yoyaku.adapters import user_store
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.audit import AuditAction, CardsExported, TargetType
from yoyaku.domain.paging import Page
from yoyaku.domain.registration import ProfileAddress
from yoyaku.domain.registration_cards import (
    MailedResult,
    RegistrationCard,
    Skipped,
    labels_csv,
)
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit


def _card(waiting: user_store.WaitingCard) -> RegistrationCard:
    user_number, profile, _, verified_at = waiting
    address = profile.address or ProfileAddress(prefecture="", city="", street="")
    return RegistrationCard(
        user_number=user_number,
        name_kanji=profile.name_kanji,
        name_kana=profile.name_kana,
        postal_code=address.postal_code or "",
        prefecture=address.prefecture,
        city=address.city,
        street=address.street,
        residency=profile.residency.value,
        verified_at=verified_at,
    )


def waiting() -> list[RegistrationCard]:
    """Verified accounts whose card is still to be mailed, oldest verification first.
    An account that has since been rejected or has lapsed is left out."""
    return [
        _card(card)
        for card in user_store.registration_cards_waiting()
        if card[2] == AccountStatus.VERIFIED.value
    ]


def waiting_page(limit: int, token: str | None) -> Page[RegistrationCard]:
    """One page of `waiting()`: the list staff work through."""
    page = user_store.registration_cards_page(limit, token, AccountStatus.VERIFIED.value)
    return page.map(_card)


def export_labels(actor: StaffMember) -> str:
    """The waiting cards as address-label CSV; an export of personal data, so audited."""
    cards = waiting()
    audit.record(
        actor,
        AuditAction.REGISTRATION_CARDS_EXPORTED,
        TargetType.SERVICE,
        "registration-cards",
        CardsExported(rows=len(cards)),
    )
    return labels_csv(cards)


def mark_mailed(user_numbers: list[str], actor: StaffMember) -> MailedResult:
    """Each card is marked on its own condition (still waiting), so marking twice, or
    two staff marking at once, mails nothing twice."""
    now = runtime.current().now()
    mailed: list[str] = []
    skipped: list[Skipped] = []
    for user_number in dict.fromkeys(user_numbers):
        if user_store.mark_registration_card_mailed(user_number, now):
            mailed.append(user_number)
            audit.record(
                actor, AuditAction.REGISTRATION_CARD_MAILED, TargetType.CITIZEN, user_number
            )
        else:
            skipped.append(Skipped(user_number=user_number, reason="not_waiting"))
    return MailedResult(mailed=mailed, skipped=skipped)
