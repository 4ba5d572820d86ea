"""A JPKI test CA ("JPKI-TEST"): test My Number cards, their signatures and the CRL.

It plays J-LIS and the citizen's e-signature app for the local runtime, the tests and
the benchmarks. Its certificates follow the real signing-certificate profile: a
self-signed root, RSA-2048 leaves signed with sha256WithRSA, keyUsage digitalSignature +
nonRepudiation (critical), the subject `C=JP, L=<prefecture>, L=<city>, CN=<opaque>`,
the four facts as UTF8String otherNames under 1.2.392.200149.8.5.5, an issuerAltName
and a CRL distribution point that is a directoryName. Keys exist only in memory and
are made afresh each time: nothing here is ever deployed or committed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from asn1crypto import core
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from yoyaku.domain import identity

ORGANIZATION = "JPKI-TEST"
SERVICE_NAME = "公的個人認証サービス"  # the issuerAltName's O=
SIGNING_POLICY = "1.2.392.200149.8.5.1.1"
_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_CITY = re.compile(r"^(.+?[市区町村])")


def root_name(organization: str = ORGANIZATION) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for digital signature"),
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME,
                "Japan Agency for Local Authority Information Systems",
            ),
        ]
    )


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def split_address(address: str) -> tuple[str, str]:
    """(prefecture, city) for the subject's two L= attributes, as far as they show."""
    prefecture = _PREFECTURE.match(address)
    rest = address[prefecture.end() :] if prefecture else address
    city = _CITY.match(rest)
    return (prefecture[1] if prefecture else "-", city[1] if city else "-")


def _other_name(oid: str, value: str) -> x509.OtherName:
    return x509.OtherName(x509.ObjectIdentifier(oid), core.UTF8String(value).dump())


@dataclass(frozen=True)
class Card:
    card_id: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    facts: identity.CardFacts

    @property
    def der(self) -> bytes:
        return der(self.certificate)

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number

    def sign(self, data: bytes, signature_format: str = "pkcs1") -> bytes:
        """What the e-signature app returns: a PKCS#1 v1.5 signature, or a detached CMS."""
        if signature_format == "cms":
            return (
                pkcs7.PKCS7SignatureBuilder()
                .set_data(data)
                .add_signer(self.certificate, self.key, hashes.SHA256())
                .sign(
                    serialization.Encoding.DER,
                    # Binary: signed as is (without it, line ends would become CRLF).
                    [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
                )
            )
        return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())


@dataclass
class JpkiTestCa:
    """One generation of a JPKI signing root and the cards it issued."""

    organization: str = ORGANIZATION
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    valid_from: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(days=3650))
    valid_years: int = 30
    revoked: dict[int, datetime] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    crl_number: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        name = root_name(self.organization)
        public = self.key.public_key()
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.valid_from)
            .not_valid_after(self.valid_from + timedelta(days=365 * self.valid_years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def name(self) -> x509.Name:
        return self.certificate.subject

    @property
    def root_der(self) -> bytes:
        return der(self.certificate)

    @property
    def root_pem(self) -> bytes:
        return pem(self.certificate)

    def distribution_point(self, prefecture: str, city: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organization),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for digital signature"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "CRL Distribution Points"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, prefecture),
                x509.NameAttribute(NameOID.COMMON_NAME, city),
            ]
        )

    def issue(
        self,
        facts: identity.CardFacts,
        not_before: datetime,
        not_after: datetime,
        *,
        key_usage_signing: bool = True,
        issuer_key: rsa.RSAPrivateKey | None = None,
    ) -> Card:
        """A card's signing certificate (`issuer_key` signs instead, to forge one)."""
        key = new_key()
        prefecture, city = split_address(facts.address)
        birthdate = identity.era_digit(facts.birthdate) + facts.birthdate.strftime("%Y%m%d")
        issued = not_before.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        serial = x509.random_serial_number()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.LOCALITY_NAME, prefecture),
                x509.NameAttribute(NameOID.LOCALITY_NAME, city),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{issued}{serial % 10**8:08d}131016"),
            ]
        )
        flags = "0" * len(facts.name)
        san = x509.SubjectAlternativeName(
            [
                _other_name(identity.OID_NAME, facts.name),
                _other_name(identity.OID_NAME_SUBSTITUTES, flags),
                _other_name(identity.OID_GENDER, facts.gender),
                _other_name(identity.OID_BIRTHDATE, birthdate),
                _other_name(identity.OID_ADDRESS, facts.address),
                _other_name(identity.OID_ADDRESS_SUBSTITUTES, "0" * len(facts.address)),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=key_usage_signing,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(san, critical=False)
            .add_extension(
                x509.IssuerAlternativeName(
                    [
                        x509.DirectoryName(
                            x509.Name(
                                [
                                    x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                                    x509.NameAttribute(
                                        NameOID.ORGANIZATION_NAME, "公的個人認証サービス"
                                    ),
                                ]
                            )
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[
                                x509.DirectoryName(self.distribution_point(prefecture, city))
                            ],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.CertificatePolicies(
                    [x509.PolicyInformation(x509.ObjectIdentifier(SIGNING_POLICY), None)]
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(issuer_key or self.key, hashes.SHA256())
        )
        card = Card(f"card_{secrets.token_hex(8)}", certificate, key, facts)
        with self._lock:
            self.cards[card.card_id] = card
        return card

    def revoke(self, serial_number: int, at: datetime) -> None:
        with self._lock:
            self.revoked[serial_number] = at

    def crl(
        self,
        this_update: datetime,
        next_update: datetime,
        *,
        extra_serials: range | None = None,
        scope: x509.Name | None = None,
    ) -> bytes:
        """The CRL (DER), with `extra_serials` revoked as well (for large-CRL tests).

        Built with asn1crypto from the whole list at once: cryptography's CRL builder
        copies its list for every entry added, which takes minutes for 100,000 entries.
        """
        with self._lock:
            self.crl_number += 1
            number = self.crl_number
            revoked = dict(self.revoked)
        entries = [
            asn1_crl.RevokedCertificate(
                {"user_certificate": serial, "revocation_date": asn1_crl.Time({"utc_time": at})}
            )
            for serial, at in revoked.items()
        ]
        if extra_serials is not None:
            when = asn1_crl.Time({"utc_time": this_update - timedelta(days=1)})
            entries.extend(
                asn1_crl.RevokedCertificate({"user_certificate": s, "revocation_date": when})
                for s in extra_serials
            )
        key_id = x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()).digest
        extensions: list[dict[str, object]] = [
            {
                "extn_id": "authority_key_identifier",
                "critical": False,
                "extn_value": {"key_identifier": key_id},
            },
            {"extn_id": "crl_number", "critical": False, "extn_value": number},
        ]
        if scope is not None:
            extensions.append(
                {
                    "extn_id": "issuing_distribution_point",
                    "critical": True,
                    "extn_value": {
                        "distribution_point": {
                            "full_name": [
                                asn1_x509.GeneralName(
                                    name="directory_name",
                                    value=asn1_x509.Name.load(scope.public_bytes()),
                                )
                            ]
                        },
                        "only_contains_user_certs": True,
                    },
                }
            )
        fields: dict[str, object] = {
            "version": "v2",
            "signature": {"algorithm": "sha256_rsa"},
            "issuer": asn1_x509.Name.load(self.name.public_bytes()),
            "this_update": asn1_crl.Time({"utc_time": this_update}),
            "next_update": asn1_crl.Time({"utc_time": next_update}),
            "crl_extensions": extensions,
        }
        if entries:  # RFC 5280: absent, not empty, when nothing is revoked
            fields["revoked_certificates"] = asn1_crl.RevokedCertificates(entries)
        tbs = asn1_crl.TbsCertList(fields)
        signature = self.key.sign(tbs.dump(), padding.PKCS1v15(), hashes.SHA256())
        certificate_list = asn1_crl.CertificateList(
            {
                "tbs_cert_list": tbs,
                "signature_algorithm": {"algorithm": "sha256_rsa"},
                "signature": signature,
            }
        )
        encoded: bytes = certificate_list.dump()
        return encoded


# ------------------------------------------------------------------ the local runtime's CA


CARD_STATES = ("valid", "expired", "revoked")


@dataclass(frozen=True)
class CardRequest:
    name: str
    address: str
    birthdate: date
    gender: str
    state: str


class LocalJpki:
    """The local runtime's JPKI-TEST CA: cards around the application clock's now."""

    def __init__(self) -> None:
        self.ca = JpkiTestCa()

    def issue(self, request: CardRequest, now: datetime) -> Card:
        facts = identity.CardFacts.model_validate(
            {
                "name": request.name,
                "address": request.address,
                "birthdate": request.birthdate,
                "gender": request.gender,
            }
        )
        if request.state == "expired":
            not_before, not_after = now - timedelta(days=5 * 365), now - timedelta(days=1)
        else:
            not_before, not_after = now - timedelta(days=30), now + timedelta(days=4 * 365)
        card = self.ca.issue(facts, not_before, not_after)
        if request.state == "revoked":
            self.ca.revoke(card.serial_number, now - timedelta(minutes=1))
        return card

    def card(self, card_id: str) -> Card | None:
        return self.ca.cards.get(card_id)

    def current_crl(self, now: datetime) -> bytes:
        """A CRL issued now, valid for a day (as J-LIS issues them)."""
        return self.ca.crl(now - timedelta(minutes=1), now + timedelta(days=1))

    @property
    def root_fingerprint(self) -> str:
        return hashlib.sha256(self.ca.root_der).hexdigest()
