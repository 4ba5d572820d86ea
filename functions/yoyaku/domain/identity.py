"""Identity with the My Number card (JPKI): challenges, card facts and check outcomes.

The citizen's e-signature app signs the server's challenge with the card's signing key
and sends the signing certificate. The verification checks, in this order (as the
platform operators do): the certificate path to a configured J-LIS signing root, the
certificate's expiry, the signature over the challenge, and revocation. Only the four
facts of the certificate (name, address, birthdate, gender) and a hash of the
certificate are kept; the certificate itself and any My Number never are.

Everything here is pure: parsing, the signed document and the mapping of each outcome
to the error the user sees. The cryptography lives in the adapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal, Protocol

from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import CHALLENGE, CONSENT_TEXTS, Language
from yoyaku.domain.model import CamelModel

CHALLENGE_LIFETIME = timedelta(minutes=10)
# A late verification is told "expired" rather than "not found" for this long.
CHALLENGE_KEPT = timedelta(days=1)
CHECK_RETRY_AFTER_SECONDS = 300  # CARD_CHECK_FAILED: the CRL is refreshed meanwhile

# JPKI's otherName entries in the signing certificate's subjectAltName.
JPKI_FACTS = "1.2.392.200149.8.5.5"
OID_NAME = f"{JPKI_FACTS}.1"
OID_NAME_SUBSTITUTES = f"{JPKI_FACTS}.2"
OID_GENDER = f"{JPKI_FACTS}.3"
OID_BIRTHDATE = f"{JPKI_FACTS}.4"
OID_ADDRESS = f"{JPKI_FACTS}.5"
OID_ADDRESS_SUBSTITUTES = f"{JPKI_FACTS}.6"

Gender = Literal["1", "2", "3"]  # as on the card: 1 male, 2 female, 3 other/unknown
GENDERS: tuple[str, ...] = ("1", "2", "3")
# The era digit of a card birthdate: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和, 0 unknown.
ERAS: tuple[str, ...] = ("0", "1", "2", "3", "4", "5")
# First day of each era (the card writes the Gregorian date after its era digit).
ERA_STARTS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "5"),
    (date(1989, 1, 8), "4"),
    (date(1926, 12, 25), "3"),
    (date(1912, 7, 30), "2"),
    (date(1868, 10, 23), "1"),
)


class Purpose(StrEnum):
    REGISTRATION = "registration"
    RENEWAL = "renewal"


class SignatureFormat(StrEnum):
    PKCS1 = "pkcs1"  # RSA PKCS#1 v1.5 over SHA-256 of the signed data
    CMS = "cms"  # a detached CMS (PKCS#7) SignedData over the signed data


class CardFacts(CamelModel):
    """The four basic facts (基本4情報) exactly as the card's certificate states them."""

    name: str  # family and given name separated by a full-width space
    address: str  # from the prefecture down, no postcode
    birthdate: date
    gender: Gender


@dataclass(frozen=True)
class CardCertificate:
    """A signing certificate as submitted, parsed. Held in memory for one verification."""

    der: bytes
    sha256: str  # hex; the only trace of the certificate that is stored
    serial_number: int
    not_before: datetime
    not_after: datetime
    other_names: Mapping[str, str]  # otherName type-id → its decoded string value
    crl_distribution_points: tuple[bytes, ...]  # DER of each directoryName, as named


@dataclass(frozen=True)
class TrustRoot:
    """A configured J-LIS signing root. Generations share one name: the key is its identity."""

    der: bytes
    key_sha256: str  # hex SHA-256 of the SubjectPublicKeyInfo
    subject: str  # for logs and docs only; never used to decide trust


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    purpose: Purpose
    signed_data: bytes
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class Verification:
    verification_id: str
    purpose: Purpose
    facts: CardFacts
    certificate_sha256: str
    verified_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class CardIdentity:
    """A registration's identity proven by card: what the registration keeps of it."""

    verification_id: str
    certificate_sha256: str
    municipality_resident: bool  # the card's address lies in the configured municipality


class RevocationStatus(StrEnum):
    GOOD = "good"
    REVOKED = "revoked"


class RevocationUnavailable(Exception):
    """The revocation source could not answer (missing or stale CRL, outage)."""


class RevocationChecker(Protocol):
    """Where revocation comes from: the CRL in S3 today; a platform operator's API can
    implement the same method and take its place."""

    def status(
        self, card: CardCertificate, issuer: TrustRoot, now: datetime
    ) -> RevocationStatus: ...


class CardProblem(StrEnum):
    """Why a card was refused, in the order the checks run."""

    UNTRUSTED = "untrusted"  # no valid path to a configured root, or not a signing certificate
    EXPIRED = "expired"  # seed 001 "Code: 21"
    SIGNATURE_INVALID = "signature_invalid"
    REVOKED = "revoked"  # seed 001 "Code: 23"
    CHECK_FAILED = "check_failed"  # seed 001 "上記以外": try again later


CARD_CODES: dict[CardProblem, str] = {CardProblem.EXPIRED: "21", CardProblem.REVOKED: "23"}


def card_error(problem: CardProblem) -> DomainError:
    """The error the user sees for a refused card (messages.py has the seed's texts)."""
    if problem is CardProblem.EXPIRED:
        return DomainError(ErrorCode.CARD_EXPIRED, cardCode=CARD_CODES[problem])
    if problem is CardProblem.REVOKED:
        return DomainError(ErrorCode.CARD_REVOKED, cardCode=CARD_CODES[problem])
    if problem is CardProblem.SIGNATURE_INVALID:
        return DomainError(ErrorCode.SIGNATURE_INVALID)
    if problem is CardProblem.CHECK_FAILED:
        return DomainError(ErrorCode.CARD_CHECK_FAILED, retryAfterSeconds=CHECK_RETRY_AFTER_SECONDS)
    return DomainError(ErrorCode.CERTIFICATE_UNTRUSTED)


def expiry_problem(card: CardCertificate, now: datetime) -> CardProblem | None:
    """Checked right after the path: an expired card is "Code: 21"; one not valid yet
    (a clock far off) cannot be trusted either."""
    if now > card.not_after:
        return CardProblem.EXPIRED
    if now < card.not_before:
        return CardProblem.UNTRUSTED
    return None


def path_moment(card: CardCertificate, now: datetime) -> datetime:
    """The instant at which to validate the path: now, kept inside the card's own
    validity, so that an expired card is reported as expired (21) only after its path
    was found good, never as an untrusted one."""
    return min(max(now, card.not_before), card.not_after)


def check_challenge(challenge: Challenge | None, now: datetime) -> Challenge:
    if challenge is None:
        raise DomainError(ErrorCode.NOT_FOUND, what=CHALLENGE)
    if challenge.used_at is not None:
        raise DomainError(ErrorCode.LINK_ALREADY_USED)
    if challenge.expires_at <= now:
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED)
    return challenge


def check_verification(
    verification: Verification | None,
    purpose: Purpose,
    now: datetime,
    field: str = "identity.verificationId",
) -> Verification:
    """A verification that may still prove a form; otherwise the field error to show."""
    if verification is None or verification.purpose is not purpose:
        raise DomainError.invalid(field, "identity_unknown")
    if verification.used_at is not None:
        raise DomainError.invalid(field, "identity_used")
    if verification.expires_at <= now:
        raise DomainError.invalid(field, "identity_expired")
    return verification


def consent_text(purpose: Purpose, lang: Language) -> str:
    return CONSENT_TEXTS[purpose.value][lang]


def signed_document(
    purpose: Purpose,
    challenge_id: str,
    nonce: str,
    issued_at: datetime,
    expires_at: datetime,
    text: str,
) -> bytes:
    """What the card signs: a short text naming the purpose, the single-use nonce, the
    validity and the consent, so the signature means agreement to this text, now."""
    lines = [
        "Yoyaku identity confirmation",
        f"purpose: {purpose.value}",
        f"challenge: {challenge_id}",
        f"nonce: {nonce}",
        f"issuedAt: {issued_at.isoformat(timespec='seconds')}",
        f"expiresAt: {expires_at.isoformat(timespec='seconds')}",
        "",
        text,
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


class UnreadableCard(ValueError):
    """The certificate lacks the JPKI facts or states them in a form no card uses."""


def card_birthdate(value: str) -> date:
    """`EYYYYMMDD`: an era digit, then the Gregorian date (`319900401` → 1990-04-01)."""
    if len(value) != 9 or not value.isdigit() or value[0] not in ERAS:
        raise UnreadableCard(f"birthdate {value!r} is not EYYYYMMDD")
    try:
        return date(int(value[1:5]), int(value[5:7]), int(value[7:9]))
    except ValueError:
        raise UnreadableCard(f"birthdate {value!r} is not a date") from None


def era_digit(day: date) -> str:
    """The era digit a card writes before a birthdate (0 before the Meiji calendar)."""
    for start, digit in ERA_STARTS:
        if day >= start:
            return digit
    return "0"


def facts_from_other_names(values: Mapping[str, str]) -> CardFacts:
    """The four facts from the decoded otherName strings of the certificate."""
    required = (OID_NAME, OID_GENDER, OID_BIRTHDATE, OID_ADDRESS)
    missing = [oid for oid in required if oid not in values]
    if missing:
        raise UnreadableCard(f"no {', '.join(missing)} in subjectAltName")
    gender = values[OID_GENDER]
    if gender not in GENDERS:
        raise UnreadableCard(f"gender {gender!r}")
    name, address = values[OID_NAME].strip(), values[OID_ADDRESS].strip()
    if not name or not address:
        raise UnreadableCard("empty name or address")
    return CardFacts.model_validate(
        {
            "name": name,
            "address": address,
            "birthdate": card_birthdate(values[OID_BIRTHDATE]),
            "gender": gender,
        }
    )
