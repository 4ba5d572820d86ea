"""Citizen accounts, the one-account-per-address index, and account creation."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import application_store, link_store, pages
from yoyaku.adapters.table import ApplicationItem, EmailItem, LinkItem, RegistrationItem, UserItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.account_kinds import AccountStatus, Group, Residency, UserType
from yoyaku.domain.accounts import User
from yoyaku.domain.messages import Language
from yoyaku.domain.paging import Page
from yoyaku.domain.review import ApplicationMethod

if TYPE_CHECKING:
    # Imported when first read (`_profile`): the registration form's models are not
    # built at INIT by the functions that only sign in or book.
    from yoyaku.domain.registration import Profile
    from yoyaku.domain.renewal import CardAddress


def _profile(item: UserItem) -> Profile:
    from yoyaku.domain.registration import Profile

    return Profile.model_validate(dict(item.profile))


def _pk(user_number: str) -> str:
    return f"USER#{user_number}"


def _email_pk(email: str) -> str:
    return "EMAIL#" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _user(item: UserItem) -> User:
    group = item.profile.get("group")
    return User(
        user_number=item.pk.removeprefix("USER#"),
        name_kanji=item.profile["nameKanji"],
        email=item.email,
        language=Language(item.language),
        residency=Residency(item.residency),
        status=AccountStatus(item.status),
        verified_until=date.fromisoformat(item.verified_until) if item.verified_until else None,
        lottery_result_email=bool(item.lottery_result_email),
        birthdate=date.fromisoformat(item.profile["birthdate"]),
        failed_sign_ins=int(item.failed_sign_ins or 0),
        locked_until=item.locked_until,
        user_type=UserType(item.user_type or UserType.INDIVIDUAL.value),
        roster_accepted=bool(item.roster_accepted),
        group=Group.model_validate(group) if group else None,
        registration_id=item.registration_id,
    )


def _may_be_user_number(text: str) -> bool:
    """False for a string that cannot be a user number, which a caller may have typed."""
    return text.isdigit() and len(text) <= 12


def _item(user_number: str) -> UserItem | None:
    """The account's item; None for no such account (or no such user number)."""
    if not _may_be_user_number(user_number):
        return None
    try:
        return UserItem.get(_pk(user_number), "PROFILE")
    except UserItem.DoesNotExist:
        return None


def get(user_number: str) -> tuple[User, str] | None:
    """The account and its password hash, or None."""
    item = _item(user_number)
    return None if item is None else (_user(item), item.password_hash)


def profile(user_number: str) -> Profile | None:
    item = _item(user_number)
    return None if item is None else _profile(item)


def with_profile(user_number: str) -> tuple[User, Profile] | None:
    """The account and what the citizen gave when registering (phone, address…), in
    one read: staff lists name and reach the citizen by them."""
    item = _item(user_number)
    return None if item is None else (_user(item), _profile(item))


def with_profiles(user_numbers: Iterable[str]) -> dict[str, tuple[User, Profile]]:
    """`with_profile` of many accounts by user number (a page of a staff list), in one
    BatchGetItem per 100 (pynamodb asks again for the keys DynamoDB leaves
    unprocessed); unknown ones are left out."""
    keys = sorted({(_pk(n), "PROFILE") for n in user_numbers if _may_be_user_number(n)})
    found: dict[str, tuple[User, Profile]] = {}
    for item in UserItem.batch_get(keys) if keys else []:
        if isinstance(item, UserItem):
            user = _user(item)
            found[user.user_number] = (user, _profile(item))
    return found


def email_taken(email: str) -> bool:
    try:
        EmailItem.get(_email_pk(email), "EMAIL")
    except EmailItem.DoesNotExist:
        return False
    return True


class AccountNotCreated(Exception):
    """Why confirmation wrote nothing: `email_taken` or `link_used`."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def create_account(
    user: User,
    profile: Profile,
    password_hash: str,
    registration_id: str,
    application_id: str,
    link_token: str,
    now: datetime,
    method: ApplicationMethod = ApplicationMethod.STAFF_REVIEW,
) -> None:
    """Creates the account, claims its e-mail address, files the review application,
    marks the registration confirmed and uses up the link: all or nothing, so a retry
    or a second click can never create a second account. An account created verified
    (a resident proven by card) files its application completed."""
    application = application_store.new_item(
        application_id,
        user.user_number,
        registration_id,
        "registration",
        now,
        method=method,
        completed=user.status is AccountStatus.VERIFIED,
    )
    item = UserItem(
        _pk(user.user_number),
        "PROFILE",
        profile=profile.model_dump(mode="json"),
        email=user.email,
        language=user.language.value,
        residency=user.residency.value,
        status=user.status.value,
        lottery_result_email=user.lottery_result_email,
        password_hash=password_hash,
        registration_id=registration_id,
        user_type=user.user_type.value,
    )
    email = EmailItem(_email_pk(user.email), "EMAIL", user_number=user.user_number)
    registration = RegistrationItem(f"REGISTRATION#{registration_id}", "REGISTRATION")
    link = LinkItem(link_store.pk_of(link_token), "LINK")
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=UserItem.pk.does_not_exist())
            tx.save(email, condition=EmailItem.pk.does_not_exist())
            tx.save(application, condition=ApplicationItem.pk.does_not_exist())
            tx.update(
                registration,
                actions=[
                    RegistrationItem.status.set("confirmed"),
                    RegistrationItem.user_number.set(user.user_number),
                    RegistrationItem.expires_at.remove(),
                ],
                condition=RegistrationItem.status == "awaiting_email_confirmation",
            )
            tx.update(
                link,
                actions=[LinkItem.used_at.set(now)],
                condition=LinkItem.pk.exists() & LinkItem.used_at.does_not_exist(),
            )
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        failed = [
            r is not None and r.code == "ConditionalCheckFailed" for r in error.cancellation_reasons
        ]
        email_taken = len(failed) > 1 and failed[1] and not any(failed[3:])
        raise AccountNotCreated("email_taken" if email_taken else "link_used") from error


def record_sign_in_failure(user_number: str, failures: int, locked_until: datetime | None) -> None:
    item = UserItem(_pk(user_number), "PROFILE")
    actions: list[Action] = [UserItem.failed_sign_ins.set(failures)]
    if locked_until is not None:
        actions.append(UserItem.locked_until.set(locked_until.astimezone(UTC)))
    item.update(actions=actions, condition=UserItem.pk.exists())


def clear_sign_in_failures(user_number: str) -> None:
    UserItem(_pk(user_number), "PROFILE").update(
        actions=[UserItem.failed_sign_ins.set(0), UserItem.locked_until.remove()],
        condition=UserItem.pk.exists(),
    )


def set_lottery_result_email(user_number: str, wanted: bool) -> None:
    UserItem(_pk(user_number), "PROFILE").update(
        actions=[UserItem.lottery_result_email.set(wanted)], condition=UserItem.pk.exists()
    )


def set_password(user_number: str, password_hash: str) -> None:
    """A new password also lifts any sign-in lock."""
    UserItem(_pk(user_number), "PROFILE").update(
        actions=[
            UserItem.password_hash.set(password_hash),
            UserItem.failed_sign_ins.set(0),
            UserItem.locked_until.remove(),
        ],
        condition=UserItem.pk.exists(),
    )


def set_status(
    user_number: str,
    status: AccountStatus,
    verified_until: date | None,
    roster_accepted: bool | None = None,
) -> None:
    """The account's status; `roster_accepted` (groups) is changed only when given."""
    actions: list[Action] = [
        UserItem.status.set(status.value),
        UserItem.verified_until.set(verified_until.isoformat())
        if verified_until
        else UserItem.verified_until.remove(),
    ]
    if roster_accepted is not None:
        actions.append(UserItem.roster_accepted.set(roster_accepted))
    UserItem(_pk(user_number), "PROFILE").update(actions=actions, condition=UserItem.pk.exists())


def renew(
    user_number: str,
    verified_until: date | None,
    *,
    phone: str,
    name_kana: str,
    address: CardAddress | None,
    lottery_result_email: bool,
    roster_accepted: bool | None = None,
) -> None:
    """An approved renewal: verified again until the new end, with the renewal form's
    phone and kana (and the card's address when it moved) merged into the profile. The
    profile is rewritten only if nobody changed it in between (read, merge, conditional
    write, again on a lost race)."""
    profile_changes: dict[str, object] = {"phone": phone, "nameKana": name_kana}
    if address is not None:  # the card's address has no postal code
        profile_changes["address"] = {"postalCode": None, **address.model_dump(by_alias=True)}
    for _ in range(5):
        item = UserItem.get(_pk(user_number), "PROFILE", consistent_read=True)
        before = dict(item.profile)
        profile = {**before, **profile_changes}
        actions: list[Action] = [
            UserItem.status.set(AccountStatus.VERIFIED.value),
            UserItem.verified_until.set(verified_until.isoformat())
            if verified_until
            else UserItem.verified_until.remove(),
            UserItem.profile.set(profile),
            UserItem.lottery_result_email.set(lottery_result_email),
        ]
        if roster_accepted is not None:
            actions.append(UserItem.roster_accepted.set(roster_accepted))
        try:
            item.update(actions=actions, condition=UserItem.profile == before)
        except UpdateError as error:
            if condition_failed(error):
                continue
            raise
        return
    raise RuntimeError(f"profile of {user_number} kept changing")


CARDS_WAITING = "CARDS#WAITING"  # gsi2: accounts whose registration card is to be mailed


def queue_registration_card(user_number: str, verified_at: datetime) -> None:
    """Puts the account on the list of cards to mail, unless its card was mailed."""
    try:
        UserItem(_pk(user_number), "PROFILE").update(
            actions=[
                UserItem.gsi2pk.set(CARDS_WAITING),
                UserItem.gsi2sk.set(f"{verified_at.astimezone(UTC).isoformat()}#{user_number}"),
            ],
            condition=UserItem.pk.exists() & UserItem.card_mailed_at.does_not_exist(),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise


WaitingCard = tuple[str, "Profile", str, datetime]
"""(user number, profile, status, verified at) of an account whose card is to be mailed."""

_CARD_POSITION = re.compile(rf"{pages.INSTANT}#\d{{1,12}}")


def _waiting_cards(items: Iterable[Any]) -> Iterable[tuple[str, WaitingCard]]:
    for item in items:
        if not isinstance(item, UserItem) or item.gsi2sk is None:
            continue
        verified_at = datetime.fromisoformat(item.gsi2sk.split("#", 1)[0])
        card = (item.pk.removeprefix("USER#"), _profile(item), item.status, verified_at)
        yield item.gsi2sk, card


def registration_cards_waiting(limit: int = 1000) -> list[WaitingCard]:
    """Each account whose card is to be mailed, oldest verification first."""
    return [card for _, card in _waiting_cards(UserItem.by_queue.query(CARDS_WAITING, limit=limit))]


def registration_cards_page(limit: int, token: str | None, status: str) -> Page[WaitingCard]:
    """One page of the accounts in `status` whose card is to be mailed, oldest
    verification first (an account that left `status` since stays on the index until
    its card is marked, and is skipped here, so every page still holds `limit`)."""
    after = pages.decode(token, "registration-cards", _CARD_POSITION)
    items = UserItem.by_queue.query(
        CARDS_WAITING,
        UserItem.gsi2sk > after if after else None,
        page_size=limit + 1,
    )
    keyed = ((key, card) for key, card in _waiting_cards(items) if card[2] == status)
    return pages.collect(keyed, limit, "registration-cards")


def mark_registration_card_mailed(user_number: str, mailed_at: datetime) -> bool:
    """Takes the account off the list; False when its card was not waiting."""
    if not user_number.isdigit() or len(user_number) > 12:
        return False
    try:
        UserItem(_pk(user_number), "PROFILE").update(
            actions=[
                UserItem.card_mailed_at.set(mailed_at),
                UserItem.gsi2pk.remove(),
                UserItem.gsi2sk.remove(),
            ],
            condition=UserItem.gsi2pk == CARDS_WAITING,
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
