"""Identity with the My Number card: issue a challenge, verify the card's signature.

The checks run in the platform operators' order: the certificate path to a configured
J-LIS root, then expiry (seed 001 "Code: 21"), then the signature over the challenge,
then revocation ("Code: 23"); a revocation source that cannot answer is "try again
later" (503). Only a fully verified card leaves a trace: its four facts and the
certificate's hash, written together with the challenge's single use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from aws_lambda_powertools import Logger

from yoyaku import runtime
from yoyaku.adapters import identity_store
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.identity import (
    CHALLENGE_LIFETIME,
    CardIdentity,
    CardProblem,
    Challenge,
    Purpose,
    RevocationChecker,
    RevocationStatus,
    RevocationUnavailable,
    SignatureFormat,
    UnreadableCard,
    Verification,
    card_error,
    check_challenge,
    check_verification,
    consent_text,
    expiry_problem,
    facts_from_other_names,
    path_moment,
    signed_document,
)
from yoyaku.domain.identity_matching import FormIdentity, check_identity, in_municipality
from yoyaku.domain.messages import Language
from yoyaku.domain.registration import IdentityProof, RegistrationForm
from yoyaku.settings import settings

logger = Logger(service="yoyaku", child=True)


@dataclass(frozen=True)
class IssuedChallenge:
    challenge: Challenge
    text: str


def create_challenge(purpose: Purpose, lang: Language) -> IssuedChallenge:
    rt = runtime.current()
    now = rt.now().replace(microsecond=0)
    challenge_id = rt.new_id("chl")
    expires_at = now + CHALLENGE_LIFETIME
    text = consent_text(purpose, lang)
    data = signed_document(purpose, challenge_id, secrets.token_urlsafe(32), now, expires_at, text)
    challenge = Challenge(challenge_id, purpose, data, expires_at)
    identity_store.save_challenge(challenge)
    return IssuedChallenge(challenge, text)


def revocation_checker() -> RevocationChecker:
    """The configured revocation source (`JPKI_REVOCATION`). A platform operator's API
    would be added here as another implementation of RevocationChecker."""
    kind = settings().jpki_revocation
    if kind == "crl":
        from yoyaku.adapters import jpki_trust_store

        return jpki_trust_store.crl_revocation()
    raise RuntimeError(f"unknown JPKI_REVOCATION {kind!r}")


def _refuse(problem: CardProblem, why: str, certificate_sha256: str) -> DomainError:
    # The hash identifies the certificate in the log without any personal data.
    logger.info(
        "card refused", extra={"problem": problem.value, "why": why, "cert": certificate_sha256}
    )
    return card_error(problem)


def verify_card(
    challenge_id: str, certificate: bytes, signature: bytes, signature_format: SignatureFormat
) -> Verification:
    # The certificate libraries (cryptography, asn1crypto, and pyhanko-certvalidator
    # inside) are imported here, on the first verification: the challenge route and the
    # registrations that only read a stored verification never pay for them at INIT.
    from yoyaku.adapters import jpki_certificates, jpki_trust_store

    rt = runtime.current()
    now = rt.now()
    challenge = check_challenge(identity_store.get_challenge(challenge_id), now)
    try:
        card = jpki_certificates.parse_card(certificate)
    except jpki_certificates.NotACertificate:
        raise DomainError.invalid("certificate", "certificate_unreadable") from None
    try:
        roots, _ = jpki_trust_store.current()
    except jpki_trust_store.TrustUnavailable as error:
        logger.error("JPKI configuration unreadable", extra={"why": str(error)})
        raise card_error(CardProblem.CHECK_FAILED) from None

    # 1. The path to a configured root (as of now, kept inside the card's validity).
    try:
        root = jpki_certificates.validate_path(card, roots, path_moment(card, now))
        facts = facts_from_other_names(card.other_names)
    except (jpki_certificates.PathRefused, UnreadableCard) as refused:
        raise _refuse(CardProblem.UNTRUSTED, str(refused), card.sha256) from None
    # 2. Expiry.
    problem = expiry_problem(card, now)
    if problem is not None:
        raise _refuse(problem, f"valid {card.not_before} to {card.not_after}", card.sha256)
    # 3. The signature over the challenge.
    if signature_format is SignatureFormat.CMS:
        try:
            signed = jpki_certificates.cms_signature_valid(card, challenge.signed_data, signature)
        except jpki_certificates.UnreadableCms:
            raise DomainError.invalid("signature", "cms_unreadable") from None
    else:
        signed = jpki_certificates.pkcs1_signature_valid(card, challenge.signed_data, signature)
    if not signed:
        raise _refuse(CardProblem.SIGNATURE_INVALID, signature_format.value, card.sha256)
    # 4. Revocation.
    try:
        status = revocation_checker().status(card, root, now)
    except RevocationUnavailable as unavailable:
        logger.error("revocation source unavailable", extra={"why": str(unavailable)})
        raise card_error(CardProblem.CHECK_FAILED) from None
    if status is RevocationStatus.REVOKED:
        raise _refuse(CardProblem.REVOKED, "listed in the CRL", card.sha256)

    verification = Verification(
        verification_id=rt.new_id("vrf"),
        purpose=challenge.purpose,
        facts=facts,
        certificate_sha256=card.sha256,
        verified_at=now,
        expires_at=now.replace(microsecond=0) + timedelta(minutes=settings().verification_minutes),
    )
    try:
        identity_store.record_verification(verification, challenge.challenge_id)
    except identity_store.ChallengeAlreadyUsed:
        raise DomainError(ErrorCode.LINK_ALREADY_USED) from None
    return verification


def registration_identity(proof: IdentityProof, form: RegistrationForm) -> CardIdentity:
    """The card behind a registration form: its verification must be unused and current,
    and its facts must be the form's (IDENTITY_MISMATCH names each field that differs).
    The verification is used up when the registration is stored."""
    now = runtime.current().now()
    verification = check_verification(
        identity_store.get_verification(proof.verification_id), Purpose.REGISTRATION, now
    )
    address = form.address
    check_identity(
        verification.facts,
        FormIdentity(
            name=form.name_kanji,
            birthdate=form.birthdate,
            address=f"{address.prefecture}{address.city}{address.street}",
        ),
    )
    return CardIdentity(
        verification_id=verification.verification_id,
        certificate_sha256=verification.certificate_sha256,
        municipality_resident=in_municipality(
            verification.facts.address, settings().required("municipality")
        ),
    )
