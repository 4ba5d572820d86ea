"""Online registration: the form, the e-mail confirmation, and the start of the review."""

from __future__ import annotations

from datetime import timedelta

from yoyaku import runtime
from yoyaku.adapters import (
    counters,
    link_store,
    mailer,
    passwords,
    registration_store,
    user_store,
    workflow,
)
from yoyaku.domain import emails, messages
from yoyaku.domain.account_kinds import AccountStatus, Residency, UserType
from yoyaku.domain.accounts import User
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.links import LinkPurpose, check_link
from yoyaku.domain.messages import Language
from yoyaku.domain.registration import (
    Confirmed,
    Profile,
    RegistrationAccepted,
    RegistrationForm,
    check_registration,
    postal_codes_of,
)
from yoyaku.domain.review import ApplicationMethod, ReviewStart
from yoyaku.services import identity, postal_codes, proofs, renewals
from yoyaku.settings import settings

USER_NUMBER_START = 100_000  # user numbers are 6 digits: 100001, 100002, …


def _link(path: str, token: str) -> str:
    return f"{settings().site_url}{path}?token={token}"


def register(form: RegistrationForm, lang: Language) -> RegistrationAccepted:
    """Stores the form and e-mails a confirmation link. The answer is the same whether or
    not the address already has an account (the e-mail says which)."""
    rt = runtime.current()
    form = check_registration(form, rt.today(), postal_codes.addresses_of(*postal_codes_of(form)))
    card = identity.registration_identity(form.identity, form) if form.identity else None
    registration_id = rt.new_id("reg")
    upload = proofs.new_upload(registration_id) if form.residency is Residency.WORKER else None
    roster = proofs.new_roster_upload(registration_id) if form.user_type is UserType.GROUP else None
    if user_store.email_taken(form.email):
        mailer.send(form.email, emails.already_registered(lang))
    else:
        try:
            registration_store.save_new(
                registration_id,
                Profile.of_form(form),
                passwords.hash_password(form.password),
                lang.value,
                rt.now(),
                identity=card,
            )
        except registration_store.VerificationAlreadyUsed:
            raise DomainError.invalid("identity.verificationId", "identity_used") from None
        lifetime = timedelta(hours=settings().confirm_link_hours)
        token = link_store.issue(
            LinkPurpose.CONFIRM_REGISTRATION, registration_id, rt.now(), lifetime
        )
        mailer.send(
            form.email,
            emails.confirm_registration(
                lang, _link("/registrations/confirm", token), rt.now() + lifetime
            ),
        )
    return RegistrationAccepted(
        registration_id=registration_id, proof_upload=upload, roster_upload=roster
    )


def confirm(token: str) -> Confirmed:
    """Confirms the address: issues the user number, files the application and starts
    the staff review. A resident whose My Number card puts them in the municipality is
    verified at once instead: the application is completed and no review starts."""
    rt = runtime.current()
    link = check_link(link_store.get(token), LinkPurpose.CONFIRM_REGISTRATION, rt.now())
    registration = registration_store.get(link.subject)
    if registration is None:
        raise DomainError(ErrorCode.LINK_EXPIRED)  # unconfirmed registrations expire
    form = registration.form
    user_number = f"{counters.next_value('userNumber', USER_NUMBER_START):06d}"
    application_id = counters.next_application_number()
    lang = Language(registration.language)
    residency = form.residency
    card = registration.identity
    # The card proves the representative, not the group: a group's registration (and
    # its roster) is still reviewed by staff.
    verified_by_card = (
        card is not None
        and card.municipality_resident
        and residency is Residency.RESIDENT
        and form.user_type is UserType.INDIVIDUAL
    )
    user = User(
        user_number=user_number,
        name_kanji=form.name_kanji,
        email=form.email,
        language=lang,
        residency=residency,
        status=AccountStatus.VERIFIED if verified_by_card else AccountStatus.PROVISIONAL,
        verified_until=renewals.first_verified_until(residency, rt.today())
        if verified_by_card
        else None,
        lottery_result_email=form.lottery_result_email,
        birthdate=form.birthdate,
        user_type=form.user_type,
    )
    try:
        user_store.create_account(
            user,
            form,
            registration.password_hash,
            registration.registration_id,
            application_id,
            token,
            rt.now(),
            method=ApplicationMethod.MYNUMBER_CARD if card else ApplicationMethod.STAFF_REVIEW,
        )
    except user_store.AccountNotCreated as refused:
        if refused.why == "link_used":
            raise DomainError(ErrorCode.LINK_ALREADY_USED) from None
        mailer.send(user.email, emails.already_registered(lang))
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.EMAIL_ALREADY_REGISTERED,
        ) from None
    if verified_by_card:
        # Seed 004: a verified account is mailed its registration card (登録証), whether
        # staff or the card verified it.
        user_store.queue_registration_card(user_number, rt.now())
        mailer.send(
            user.email, emails.user_number_issued_verified(lang, user_number, application_id)
        )
        return Confirmed(user_number=user_number, status=AccountStatus.VERIFIED)
    workflow.start_review(
        ReviewStart(
            application_id=application_id,
            reminder_after_seconds=settings().review_reminder_seconds,
        )
    )
    mailer.send(user.email, emails.user_number_issued(lang, user_number, application_id))
    return Confirmed(user_number=user_number, status=AccountStatus.PROVISIONAL)
