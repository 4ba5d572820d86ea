"""Identity challenges and verifications in the table."""

from __future__ import annotations

import base64
from datetime import timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from yoyaku.adapters.table import ChallengeItem, VerificationItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.identity import (
    CHALLENGE_KEPT,
    CardFacts,
    Challenge,
    Purpose,
    Verification,
)

# A verification is kept a day past its end so that a late use is told "expired".
VERIFICATION_KEPT = timedelta(days=1)


def _challenge_pk(challenge_id: str) -> str:
    return f"CHALLENGE#{challenge_id}"


def _verification_pk(verification_id: str) -> str:
    return f"VERIFICATION#{verification_id}"


def verification_key(verification_id: str) -> tuple[str, str]:
    """(pk, sk) of a verification, for writes that use it up with something else."""
    return _verification_pk(verification_id), "VERIFICATION"


def _well_formed(identifier: str, prefix: str) -> bool:
    return identifier.startswith(prefix + "_") and len(identifier) <= 64


def save_challenge(challenge: Challenge) -> None:
    ChallengeItem(
        _challenge_pk(challenge.challenge_id),
        "CHALLENGE",
        purpose=challenge.purpose.value,
        signed_data=base64.b64encode(challenge.signed_data).decode(),
        valid_until=challenge.expires_at,
        expires_at=challenge.expires_at + CHALLENGE_KEPT,
    ).save(condition=ChallengeItem.pk.does_not_exist())


def get_challenge(challenge_id: str) -> Challenge | None:
    if not _well_formed(challenge_id, "chl"):
        return None
    try:
        item = ChallengeItem.get(_challenge_pk(challenge_id), "CHALLENGE")
    except ChallengeItem.DoesNotExist:
        return None
    return Challenge(
        challenge_id=challenge_id,
        purpose=Purpose(item.purpose),
        signed_data=base64.b64decode(item.signed_data),
        expires_at=item.valid_until,
        used_at=item.used_at,
    )


class ChallengeAlreadyUsed(Exception):
    """Another verification used the challenge first."""


def record_verification(verification: Verification, challenge_id: str) -> None:
    """Uses up the challenge and stores the verification: both or neither, so one
    signature can never yield two verifications."""
    challenge = ChallengeItem(_challenge_pk(challenge_id), "CHALLENGE")
    item = VerificationItem(
        _verification_pk(verification.verification_id),
        "VERIFICATION",
        purpose=verification.purpose.value,
        facts=verification.facts.model_dump(mode="json"),
        certificate_sha256=verification.certificate_sha256,
        challenge_id=challenge_id,
        verified_at=verification.verified_at,
        valid_until=verification.expires_at,
        expires_at=verification.expires_at + VERIFICATION_KEPT,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                challenge,
                actions=[ChallengeItem.used_at.set(verification.verified_at)],
                condition=ChallengeItem.pk.exists() & ChallengeItem.used_at.does_not_exist(),
            )
            tx.save(item, condition=VerificationItem.pk.does_not_exist())
    except TransactWriteError as error:
        if condition_failed(error):
            raise ChallengeAlreadyUsed(challenge_id) from error
        raise


def get_verification(verification_id: str) -> Verification | None:
    if not _well_formed(verification_id, "vrf"):
        return None
    try:
        item = VerificationItem.get(_verification_pk(verification_id), "VERIFICATION")
    except VerificationItem.DoesNotExist:
        return None
    return Verification(
        verification_id=verification_id,
        purpose=Purpose(item.purpose),
        facts=CardFacts.model_validate(dict(item.facts)),
        certificate_sha256=item.certificate_sha256,
        verified_at=item.verified_at,
        expires_at=item.valid_until,
        used_at=item.used_at,
    )
