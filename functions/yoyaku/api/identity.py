"""Identity with the My Number card: challenges and verifications (HTTP only)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from yoyaku.api.language import caller_language
from yoyaku.domain.identity import Gender, Purpose, SignatureFormat
from yoyaku.domain.model import CamelModel
from yoyaku.services import identity

router = Router()


def _base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "a string")
    try:
        decoded = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("base64", "Base64") from None
    if not decoded:
        raise PydanticCustomError("base64", "Base64")
    return decoded


Base64Certificate = Annotated[bytes, BeforeValidator(_base64), Field(max_length=8192)]
Base64Signature = Annotated[bytes, BeforeValidator(_base64), Field(max_length=32768)]


class ChallengeRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"purpose": "registration"}, {"purpose": "renewal"}]}
    )

    purpose: Purpose


class ChallengeIssued(CamelModel):
    challenge_id: str
    signed_data: str = Field(description="Base64 of the bytes the card must sign.")
    text: str = Field(description="The consent the signature gives (inside signedData).")
    expires_at: datetime


class VerificationRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "challengeId": "chl_5e0b3a9d71c24f68",
                    "certificate": (
                        "MIIGBjCCBO6gAwIBAgIEAQIDBDANBgkqhkiG9w0BAQsFADCBgjELMAkGA1UEBhMCSlA="
                    ),
                    "signature": "q1ZbXl0nV7c8Yp2e4JH3a9sKfU0wRr6tLxM5NdQy8CE5nU2yVbW0dK7rT3pX1jQe",
                    "format": "pkcs1",
                }
            ]
        }
    )

    challenge_id: str = Field(min_length=1, max_length=64)
    certificate: Base64Certificate = Field(
        description="Base64 of the card's signing certificate (DER)."
    )
    signature: Base64Signature = Field(
        description="Base64 of the signature: RSA PKCS#1 v1.5 with SHA-256 over signedData "
        "(pkcs1), or a detached CMS SignedData in DER (cms)."
    )
    format: SignatureFormat = SignatureFormat.PKCS1


class Facts(CamelModel):
    name: str
    address: str
    birthdate: date
    gender: Gender = Field(description='As on the card: "1" male, "2" female, "3" other.')


class VerificationDone(CamelModel):
    verification_id: str
    facts: Facts
    expires_at: datetime


@router.post(
    "/v1/identity/challenges",
    summary="Start a My Number card signature: what the card must sign",
    description="Single use, valid for 10 minutes. `signedData` binds the purpose, a "
    "server nonce and the consent `text` (in the caller's language).",
    tags=["identity"],
    status_code=201,
)
def create_challenge(request: ChallengeRequest) -> ChallengeIssued:
    issued = identity.create_challenge(request.purpose, caller_language(router))
    challenge = issued.challenge
    return ChallengeIssued(
        challenge_id=challenge.challenge_id,
        signed_data=base64.b64encode(challenge.signed_data).decode(),
        text=issued.text,
        expires_at=challenge.expires_at,
    )


@router.post(
    "/v1/identity/verifications",
    summary="Verify the card's signature and read its four facts",
    description="Checks, in order: the path to a configured J-LIS signing root "
    "(CERTIFICATE_UNTRUSTED), expiry (CARD_EXPIRED, cardCode 21), the signature over the "
    "challenge (SIGNATURE_INVALID) and revocation (CARD_REVOKED, cardCode 23); when the "
    "revocation source cannot answer, CARD_CHECK_FAILED (503, Retry-After). Only the four "
    "facts and the certificate's SHA-256 are kept.",
    tags=["identity"],
    status_code=201,
)
def verify_card(request: VerificationRequest) -> VerificationDone:
    verification = identity.verify_card(
        request.challenge_id, request.certificate, request.signature, request.format
    )
    facts = verification.facts
    return VerificationDone(
        verification_id=verification.verification_id,
        facts=Facts(
            name=facts.name,
            address=facts.address,
            birthdate=facts.birthdate,
            gender=facts.gender,
        ),
        expires_at=verification.expires_at,
    )
