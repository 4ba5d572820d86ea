"""The signed-in citizen's account: profile, password, and password resets."""

from __future__ import annotations

import time
from datetime import timedelta

from yoyaku import runtime
from yoyaku.adapters import (
    link_store,
    mailer,
    passwords,
    session_store,
    user_store,
)
from yoyaku.domain import emails, people
from yoyaku.domain.accounts import Me, MePreferences, PasswordChange, User
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.links import LinkPurpose, check_link
from yoyaku.services import credentials, lotteries
from yoyaku.settings import settings


def account(user_number: str) -> tuple[User, str]:
    """The signed-in citizen's account and password hash; a session that outlived its
    account is refused as unauthenticated."""
    found = user_store.get(user_number)
    if found is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    return found


def me(user_number: str) -> Me:
    user, _ = account(user_number)
    return Me(
        user_number=user.user_number,
        name_kanji=user.name_kanji,
        residency=user.residency,
        status=user.status_on(runtime.current().today()),
        verified_until=user.verified_until,
        lottery_result_email=user.lottery_result_email,
        user_type=user.user_type,
        group=user.group,
        roster_accepted=user.roster_accepted,
    )


def set_preferences(user_number: str, preferences: MePreferences) -> Me:
    """The lottery-results e-mail choice, for the account and for its entries in
    lotteries not yet drawn (an entry keeps the contact it was made with; the draw mails
    by it)."""
    account(user_number)
    wanted = preferences.lottery_result_email
    user_store.set_lottery_result_email(user_number, wanted)
    lotteries.follow_result_email_choice(user_number, wanted)
    return me(user_number)


def _set_password(user: User, password: str) -> None:
    """A new password ends every session and tells the user by e-mail."""
    user_store.set_password(user.user_number, passwords.hash_password(password))
    credentials.forget_failures(credentials.Scope.CITIZEN, user.user_number)
    session_store.end_all(Principal(PrincipalKind.CITIZEN, user.user_number))
    mailer.send(user.email, emails.password_changed(user.language))


def change_password(user_number: str, change: PasswordChange) -> None:
    user, password_hash = account(user_number)
    if not passwords.verify_password(password_hash, change.current_password):
        raise DomainError.invalid("currentPassword", "current_password_wrong")
    problem = people.password_problem(change.new_password, user.birthdate, user.user_number)
    if problem:
        raise DomainError.invalid("newPassword", problem)
    _set_password(user, change.new_password)


# Every reset request takes at least this long, so its time does not tell whether the
# number and address matched (a match writes a link and sends an e-mail).
RESET_ANSWER_SECONDS = 1.0


def request_reset(user_number: str, email: str) -> None:
    """E-mails a single-use reset link when number and address match; silent otherwise
    (neither the answer nor its time may tell which accounts exist)."""
    started = time.monotonic()
    try:
        _send_reset_link(user_number, email)
    finally:
        time.sleep(max(0.0, RESET_ANSWER_SECONDS - (time.monotonic() - started)))


def _send_reset_link(user_number: str, email: str) -> None:
    rt = runtime.current()
    found = user_store.get(user_number.strip())
    if found is not None and found[0].email.lower() == email.strip().lower():
        user = found[0]
        lifetime = timedelta(minutes=settings().reset_link_minutes)
        token = link_store.issue(LinkPurpose.PASSWORD_RESET, user.user_number, rt.now(), lifetime)
        link = f"{settings().site_url}/password-resets/confirm?token={token}"
        mailer.send(user.email, emails.password_reset(user.language, link, rt.now() + lifetime))


def confirm_reset(token: str, new_password: str) -> None:
    """Sets the new password with the e-mailed link (and signs out everywhere)."""
    rt = runtime.current()
    link = check_link(link_store.get(token), LinkPurpose.PASSWORD_RESET, rt.now())
    found = user_store.get(link.subject)
    if found is None:
        raise DomainError(ErrorCode.LINK_INVALID)
    user = found[0]
    problem = people.password_problem(new_password, user.birthdate, user.user_number)
    if problem:
        raise DomainError.invalid("newPassword", problem)
    if not link_store.use(token, rt.now()):
        raise DomainError(ErrorCode.LINK_ALREADY_USED)
    _set_password(user, new_password)
