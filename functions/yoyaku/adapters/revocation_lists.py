"""Certificate revocation lists (CRLs) of the J-LIS signing roots, and the revocation
checker that reads them.

A CRL is used only when one of the configured roots' keys verifies its signature and
its issuer name is that root's: generations of roots share one name, so the key
decides. J-LIS may split a root's CRL by distribution point: a CRL with an issuing
distribution point covers only the cards that name that point; one without covers
every card of its root.

Each CRL is parsed once (per change) into a set of revoked serial numbers, so a check
is a set lookup whatever the CRL's size. (pyhanko-certvalidator can check CRLs too,
but it walks every entry in Python on each validation: about 120 ms for 20,000
entries, which would miss the verification's time budget several times over.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from yoyaku.domain.identity import (
    CardCertificate,
    RevocationStatus,
    RevocationUnavailable,
    TrustRoot,
)

# A CRL without nextUpdate is trusted this long after its thisUpdate.
DEFAULT_LIFETIME = timedelta(days=1)


class CrlRefused(ValueError):
    """Not a CRL that may be used: unreadable, not signed by a configured root, or of a
    kind that is not supported (delta CRLs, indirect CRLs, unknown critical extensions)."""


@dataclass(frozen=True)
class RevocationList:
    issuer_key_sha256: str
    scope: frozenset[bytes] | None  # DER names of its distribution point; None = all cards
    this_update: datetime
    next_update: datetime
    number: int | None
    revoked: frozenset[int]

    def covers(self, card: CardCertificate) -> bool:
        return self.scope is None or not self.scope.isdisjoint(card.crl_distribution_points)

    def fresh_at(self, now: datetime) -> bool:
        return now <= self.next_update

    def newer_than(self, this_update: datetime, number: int | None) -> bool:
        """Whether this CRL supersedes one with that thisUpdate and number. CRL numbers
        only grow (RFC 5280), so they decide when both have one."""
        if self.number is not None and number is not None:
            return self.number > number
        return self.this_update > this_update


def parse(blob: bytes, roots: Sequence[TrustRoot]) -> RevocationList:
    try:
        crl = (
            x509.load_pem_x509_crl(blob)
            if blob.lstrip().startswith(b"-----BEGIN")
            else x509.load_der_x509_crl(blob)
        )
    except ValueError as error:
        raise CrlRefused(f"not a CRL: {error}") from None
    issuer = _issuing_root(crl, roots)
    scope = _scope(crl)
    number: int | None = None
    for extension in crl.extensions:
        value = extension.value
        if isinstance(value, x509.CRLNumber):
            number = value.crl_number
        elif isinstance(value, x509.DeltaCRLIndicator):
            raise CrlRefused("delta CRLs are not supported; configure the full CRL")
        elif extension.critical and not isinstance(value, x509.IssuingDistributionPoint):
            raise CrlRefused(f"unsupported critical extension {extension.oid.dotted_string}")
    this_update = crl.last_update_utc
    next_update = crl.next_update_utc or this_update + DEFAULT_LIFETIME
    return RevocationList(
        issuer_key_sha256=issuer.key_sha256,
        scope=scope,
        this_update=this_update,
        next_update=next_update,
        number=number,
        revoked=frozenset(entry.serial_number for entry in crl),
    )


def _issuing_root(crl: x509.CertificateRevocationList, roots: Sequence[TrustRoot]) -> TrustRoot:
    for root in roots:
        certificate = x509.load_der_x509_certificate(root.der)
        key = certificate.public_key()
        if certificate.subject != crl.issuer or not isinstance(key, rsa.RSAPublicKey):
            continue
        if crl.is_signature_valid(key):
            return root
    raise CrlRefused(f"no configured root's key signed this CRL ({crl.issuer.rfc4514_string()})")


def _scope(crl: x509.CertificateRevocationList) -> frozenset[bytes] | None:
    try:
        point = crl.extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except x509.ExtensionNotFound:
        return None
    if (
        point.indirect_crl
        or point.only_contains_ca_certs
        or point.only_contains_attribute_certs
        or point.only_some_reasons
        or point.relative_name is not None
    ):
        raise CrlRefused("only CRLs of user certificates for every reason are supported")
    names = frozenset(
        name.value.public_bytes()
        for name in point.full_name or ()
        if isinstance(name, x509.DirectoryName)
    )
    return names or None


class CrlRevocation:
    """The RevocationChecker backed by CRLs (`lists` gives the current ones)."""

    def __init__(self, lists: Callable[[], Sequence[RevocationList]]) -> None:
        self._lists = lists

    def status(self, card: CardCertificate, issuer: TrustRoot, now: datetime) -> RevocationStatus:
        applicable = [
            crl
            for crl in self._lists()
            if crl.issuer_key_sha256 == issuer.key_sha256 and crl.covers(card)
        ]
        # Revocation is final: a listing counts even in a CRL that is no longer fresh.
        if any(card.serial_number in crl.revoked for crl in applicable):
            return RevocationStatus.REVOKED
        if not applicable:
            raise RevocationUnavailable(f"no CRL of root {issuer.key_sha256[:16]} covers the card")
        if not any(crl.fresh_at(now) for crl in applicable):
            latest = max(crl.next_update for crl in applicable)
            raise RevocationUnavailable(f"the CRL expired at {latest.isoformat()}")
        return RevocationStatus.GOOD
