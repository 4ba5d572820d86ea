"""The card's signing certificate: parsing, path validation and signature checks.

Path validation is RFC 5280 by pyhanko-certvalidator, against the configured roots
only and with revocation left to the revocation checker (so the checks run in the
operators' order: path, expiry, signature, revocation). PKCS#1 signatures are checked
with `cryptography`; detached CMS signatures with pyHanko. `cryptography.x509.
verification` is not used: it applies the WebPKI profile, which JPKI is not.

pyhanko-certvalidator and pyHanko are imported on first use: the identity function's
challenge route never needs them, and pyHanko (CMS only) alone costs a few hundred
milliseconds of import.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from asn1crypto import core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from yoyaku.domain.identity import JPKI_FACTS, CardCertificate, TrustRoot

# The key usages of the JPKI signing certificate (the authentication one lacks the second).
SIGNING_USAGE = {"digital_signature", "non_repudiation"}


class NotACertificate(ValueError):
    """The bytes are not an X.509 certificate."""


class PathRefused(Exception):
    """No valid path from the certificate to a configured root (or not a signing one)."""


class UnreadableCms(ValueError):
    """The bytes are not a CMS SignedData with exactly one signer."""


def key_sha256(public_key_info_der: bytes) -> str:
    return hashlib.sha256(public_key_info_der).hexdigest()


def parse_card(der: bytes) -> CardCertificate:
    try:
        certificate = x509.load_der_x509_certificate(der)
        names = _jpki_other_names(certificate)
        points = _crl_distribution_points(certificate)
    except ValueError as error:  # cryptography and asn1crypto both raise ValueError
        raise NotACertificate(str(error)) from None
    return CardCertificate(
        der=der,
        sha256=hashlib.sha256(der).hexdigest(),
        serial_number=certificate.serial_number,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        other_names=names,
        crl_distribution_points=points,
    )


def _jpki_other_names(certificate: x509.Certificate) -> dict[str, str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return {}
    found: dict[str, str] = {}
    for other in san.value.get_values_for_type(x509.OtherName):
        oid = other.type_id.dotted_string
        if oid.startswith(JPKI_FACTS + "."):
            # The value is the inner TLV (a UTF8String); asn1crypto decodes long-form
            # lengths (addresses run past 127 bytes) and any string type.
            value = core.load(other.value).native
            if isinstance(value, str):
                found[oid] = value
    return found


def _crl_distribution_points(certificate: x509.Certificate) -> tuple[bytes, ...]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    except x509.ExtensionNotFound:
        return ()
    return tuple(
        name.value.public_bytes()
        for point in extension.value
        for name in point.full_name or ()
        if isinstance(name, x509.DirectoryName)
    )


def load_roots(blob: bytes) -> list[TrustRoot]:
    """Root certificates from one file: DER, or PEM with one or more certificates."""
    if b"-----BEGIN" in blob:
        certificates = x509.load_pem_x509_certificates(blob)
    else:
        certificates = [x509.load_der_x509_certificate(blob)]
    return [
        TrustRoot(
            der=c.public_bytes(serialization.Encoding.DER),
            key_sha256=key_sha256(
                c.public_key().public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            ),
            subject=c.subject.rfc4514_string(),
        )
        for c in certificates
    ]


def validate_path(card: CardCertificate, roots: Sequence[TrustRoot], moment: datetime) -> TrustRoot:
    """The root the card chains to at `moment`, checked as a signing certificate.

    Roots of one name (successive generations) are told apart by their keys: the path
    builder tries each and only a root whose key verifies the card's signature is taken.
    """
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, ValidationError

    if not roots:
        raise PathRefused("no trust roots are configured")
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(r.der) for r in roots],
        allow_fetching=False,
        revocation_mode="none",  # revocation is the next step's, after the signature
        moment=moment,
    )
    validator = CertificateValidator(
        asn1_x509.Certificate.load(card.der), validation_context=context
    )
    try:
        path = asyncio.run(validator.async_validate_usage(SIGNING_USAGE))  # type: ignore[no-untyped-call]
    except (PathBuildingError, ValidationError) as refused:
        raise PathRefused(str(refused)) from None
    except ValueError as malformed:  # asn1crypto meeting a malformed certificate
        raise PathRefused(f"malformed certificate: {malformed}") from None
    anchor_key = key_sha256(path.trust_anchor.authority.public_key.dump())
    for root in roots:
        if root.key_sha256 == anchor_key:
            return root
    raise PathRefused("the path ends at a key that is not configured")  # pragma: no cover


def pkcs1_signature_valid(card: CardCertificate, data: bytes, signature: bytes) -> bool:
    """RSA PKCS#1 v1.5 with SHA-256 over `data`, by the card's key."""
    key = x509.load_der_x509_certificate(card.der).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def cms_signature_valid(card: CardCertificate, data: bytes, cms_der: bytes) -> bool:
    """A detached CMS SignedData over `data`, signed by the card (one signer).

    pyHanko checks the signed attributes (content type, message digest, algorithm
    protection) and the signature; the signer must be the submitted certificate.
    """
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    try:
        info = cms.ContentInfo.load(cms_der)
        if info["content_type"].native != "signed_data":
            raise UnreadableCms("not a SignedData")
        signed = info["content"]
        signers = list(signed["signer_infos"])
        if len(signers) != 1:
            raise UnreadableCms(f"{len(signers)} signers")
        signer = signers[0]
        digest_algorithm = signer["digest_algorithm"]["algorithm"].native
        content = signed["encap_content_info"]["content"].native
    except (ValueError, KeyError, TypeError) as error:
        raise UnreadableCms(str(error)) from None
    if content is not None and content != data:
        return False  # attached content that is not the challenge
    certificate = asn1_x509.Certificate.load(card.der)
    if not _identifies(signer["sid"], certificate):
        return False
    try:
        digest = hashlib.new(digest_algorithm.replace("_", "-"), data).digest()
    except ValueError:
        return False
    try:
        intact, valid = validate_sig_integrity(signer, certificate, "data", digest)
    except (SignatureValidationError, ValueError, KeyError, NotImplementedError):
        return False
    return bool(intact and valid)


def _identifies(sid: Any, certificate: Any) -> bool:
    """Whether a CMS SignerIdentifier (asn1crypto) names this certificate."""
    if sid.name == "issuer_and_serial_number":
        chosen = sid.chosen
        return bool(
            chosen["serial_number"].native == certificate.serial_number
            and chosen["issuer"] == certificate.issuer
        )
    return bool(sid.chosen.native == certificate.key_identifier)
