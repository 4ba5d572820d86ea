"""Submitted registrations, before and after their e-mail is confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from yoyaku.adapters.identity_store import verification_key
from yoyaku.adapters.table import RegistrationItem, VerificationItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.identity import CardIdentity
from yoyaku.domain.registration import Document, Profile

UNCONFIRMED_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Registration:
    registration_id: str
    form: Profile  # the validated form without the password
    password_hash: str
    language: str
    status: str
    user_number: str | None
    proof_key: str | None
    proof_problem: str | None
    identity: CardIdentity | None = None
    roster_key: str | None = None
    roster_problem: str | None = None

    def document(self, document: Document) -> tuple[str | None, str | None]:
        """The stored key of a document and why the latest upload was refused, if it was."""
        if document is Document.ROSTER:
            return self.roster_key, self.roster_problem
        return self.proof_key, self.proof_problem


def _pk(registration_id: str) -> str:
    return f"REGISTRATION#{registration_id}"


class VerificationAlreadyUsed(Exception):
    """The card verification proved another registration first."""


def save_new(
    registration_id: str,
    form: Profile,
    password_hash: str,
    language: str,
    now: datetime,
    identity: CardIdentity | None = None,
) -> None:
    """Stores the form. With a card `identity`, its verification is used up in the same
    transaction: one signature proves one registration."""
    item = RegistrationItem(
        _pk(registration_id),
        "REGISTRATION",
        form=form.model_dump(mode="json"),
        password_hash=password_hash,
        language=language,
        status="awaiting_email_confirmation",
        created_at=now,
        expires_at=now + UNCONFIRMED_LIFETIME,
        identity=None
        if identity is None
        else {
            "verificationId": identity.verification_id,
            "certificateSha256": identity.certificate_sha256,
            "municipalityResident": identity.municipality_resident,
        },
    )
    if identity is None:
        item.save(condition=RegistrationItem.pk.does_not_exist())
        return
    verification = VerificationItem(*verification_key(identity.verification_id))
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=RegistrationItem.pk.does_not_exist())
            tx.update(
                verification,
                actions=[VerificationItem.used_at.set(now)],
                condition=VerificationItem.pk.exists() & VerificationItem.used_at.does_not_exist(),
            )
    except TransactWriteError as error:
        if condition_failed(error):
            raise VerificationAlreadyUsed(identity.verification_id) from error
        raise


def get(registration_id: str) -> Registration | None:
    try:
        item = RegistrationItem.get(_pk(registration_id), "REGISTRATION")
    except RegistrationItem.DoesNotExist:
        return None
    return Registration(
        registration_id,
        Profile.model_validate(dict(item.form)),
        item.password_hash,
        item.language,
        item.status,
        item.user_number,
        item.proof_key,
        item.proof_problem,
        _identity(item.identity),
        item.roster_key,
        item.roster_problem,
    )


def _identity(stored: Any) -> CardIdentity | None:
    if not stored:
        return None
    return CardIdentity(
        verification_id=str(stored["verificationId"]),
        certificate_sha256=str(stored["certificateSha256"]),
        municipality_resident=bool(stored["municipalityResident"]),
    )


def record_proof(
    registration_id: str,
    key: str | None,
    problem: str | None,
    document: Document = Document.PROOF,
) -> bool:
    """Stores a document check: a valid upload replaces the document and clears the
    problem; a refused one records why (and keeps any earlier valid document). False
    when the registration does not exist."""
    item = RegistrationItem(_pk(registration_id), "REGISTRATION")
    key_attribute, problem_attribute = (
        (RegistrationItem.roster_key, RegistrationItem.roster_problem)
        if document is Document.ROSTER
        else (RegistrationItem.proof_key, RegistrationItem.proof_problem)
    )
    actions: list[Action]
    if key:
        actions = [key_attribute.set(key), problem_attribute.remove()]
    else:
        actions = [problem_attribute.set(problem or "refused")]
    try:
        item.update(actions=actions, condition=RegistrationItem.pk.exists())
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
