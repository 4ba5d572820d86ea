"""The JPKI configuration in S3: the signing roots a municipality trusts, and the CRLs.

Layout in the identity bucket (`IDENTITY_BUCKET`):

- `{JPKI_ROOTS_PREFIX}*`: root certificates, DER or PEM (several per file allowed),
  uploaded by the operator (J-LIS publishes them with their fingerprints);
- `{JPKI_CRL_PREFIX}*`: CRLs, written by the scheduled CRL refresh (or uploaded).

A warm function keeps what it read: at most every `JPKI_CACHE_SECONDS` it lists both
prefixes (two requests) and downloads only objects whose ETag changed, so a
verification normally costs no S3 request at all.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from yoyaku.adapters.aws import client
from yoyaku.adapters.jpki_certificates import load_roots
from yoyaku.adapters.revocation_lists import CrlRefused, CrlRevocation, RevocationList, parse
from yoyaku.domain.identity import TrustRoot
from yoyaku.settings import settings

logger = logging.getLogger(__name__)


class TrustUnavailable(Exception):
    """The configuration could not be read and nothing read earlier can stand in."""


@dataclass
class _Snapshot:
    checked_at: float = float("-inf")  # time.monotonic() of the last listing
    root_tags: dict[str, str] = field(default_factory=dict)  # key → ETag
    roots: tuple[TrustRoot, ...] = ()
    crl_tags: dict[str, str] = field(default_factory=dict)
    crls: dict[str, RevocationList] = field(default_factory=dict)
    loaded: bool = False


_snapshot = _Snapshot()
_lock = threading.Lock()


def forget() -> None:
    """Drops what this container read (tests; a new configuration at once)."""
    global _snapshot
    with _lock:
        _snapshot = _Snapshot()


def _listing(prefix: str) -> dict[str, str]:
    s3 = client("s3")
    tags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix):
        for entry in page.get("Contents", []):
            if not entry["Key"].endswith("/"):
                tags[entry["Key"]] = entry["ETag"]
    return tags


def _bucket() -> str:
    return settings().required("identity_bucket")


def _read(key: str) -> bytes:
    body: bytes = client("s3").get_object(Bucket=_bucket(), Key=key)["Body"].read()
    return body


def _refresh(old: _Snapshot) -> _Snapshot:
    config = settings()
    root_tags = _listing(config.required("jpki_roots_prefix"))
    crl_tags = _listing(config.jpki_crl_prefix)
    new = _Snapshot(checked_at=time.monotonic(), root_tags=root_tags, crl_tags=crl_tags)
    roots_changed = root_tags != old.root_tags
    if roots_changed:
        roots: list[TrustRoot] = []
        for key in sorted(root_tags):
            try:
                roots.extend(load_roots(_read(key)))
            except ValueError as error:
                logger.error("trust root %s is not a certificate: %s", key, error)
        new.roots = tuple({r.key_sha256: r for r in roots}.values())
    else:
        new.roots = old.roots
    for key, tag in crl_tags.items():
        if not roots_changed and old.crl_tags.get(key) == tag and key in old.crls:
            new.crls[key] = old.crls[key]
            continue
        try:
            new.crls[key] = parse(_read(key), new.roots)
        except CrlRefused as error:
            logger.error("CRL %s is not used: %s", key, error)
    new.loaded = True
    return new


def current() -> tuple[tuple[TrustRoot, ...], list[RevocationList]]:
    """The configured roots and the usable CRLs, re-read when the cache is due."""
    global _snapshot
    with _lock:
        due = time.monotonic() - _snapshot.checked_at >= settings().jpki_cache_seconds
        if due:
            try:
                _snapshot = _refresh(_snapshot)
            except Exception as error:  # S3 unreachable or denied: keep what was read
                if not _snapshot.loaded:
                    raise TrustUnavailable(str(error)) from error
                logger.warning("JPKI configuration not re-read, using the last one: %s", error)
        return _snapshot.roots, list(_snapshot.crls.values())


def crl_revocation() -> CrlRevocation:
    """The CRL-backed revocation checker over this container's current CRLs."""

    def lists() -> list[RevocationList]:
        try:
            return current()[1]
        except TrustUnavailable:
            return []  # the checker then says the revocation source is unavailable

    return CrlRevocation(lists)


# ------------------------------------------------------------------ the CRL refresh


def crl_key(source: str) -> str:
    """Where the CRL fetched from `source` is kept (one object per source)."""
    return f"{settings().jpki_crl_prefix}{hashlib.sha256(source.encode()).hexdigest()[:16]}.crl"


@dataclass(frozen=True)
class StoredCrl:
    this_update: datetime
    number: int | None


def stored_crl(key: str) -> StoredCrl | None:
    """thisUpdate and CRL number of the CRL stored under `key` (its metadata), if any."""
    s3 = client("s3")
    try:
        head: dict[str, Any] = s3.head_object(Bucket=_bucket(), Key=key)
    except s3.exceptions.ClientError:
        return None
    metadata = head.get("Metadata", {})
    if not metadata.get("this-update"):
        return None
    number = metadata.get("crl-number")
    return StoredCrl(
        datetime.fromisoformat(metadata["this-update"]), int(number) if number else None
    )


def store_crl(key: str, blob: bytes, crl: RevocationList, source: str) -> None:
    client("s3").put_object(
        Bucket=_bucket(),
        Key=key,
        Body=blob,
        ContentType="application/pkix-crl",
        Metadata={
            "this-update": crl.this_update.isoformat(),
            "next-update": crl.next_update.isoformat(),
            "crl-number": str(crl.number if crl.number is not None else ""),
            "source": source[:1000],
        },
    )


def roots_now() -> tuple[TrustRoot, ...]:
    """The roots as configured right now (no cache): the refresh checks CRLs against them."""
    roots: list[TrustRoot] = []
    for key in sorted(_listing(settings().required("jpki_roots_prefix"))):
        try:
            roots.extend(load_roots(_read(key)))
        except ValueError as error:
            logger.error("trust root %s is not a certificate: %s", key, error)
    return tuple(roots)
