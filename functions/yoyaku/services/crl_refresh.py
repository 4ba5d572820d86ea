"""The scheduled CRL refresh: fetch each configured source, check it, keep it in S3.

A CRL replaces the stored one only if a configured root's key signed it, it is still
current, and it is not older than what is stored (a source serving yesterday's list
must not undo today's revocations). A source that fails leaves its stored CRL in
place; the run then fails, so the function's error metric and logs show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from yoyaku import runtime
from yoyaku.adapters import crl_source
from yoyaku.settings import settings

logger = Logger(service="yoyaku", child=True)


class RefreshFailed(Exception):
    pass


@dataclass
class RefreshReport:
    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"stored": self.stored, "unchanged": self.unchanged, "failed": self.failed}


def refresh() -> RefreshReport:
    # cryptography comes with these, on the run rather than at INIT (no entrypoint
    # imports it at INIT: see tests/unit/test_line_imports.py).
    from yoyaku.adapters import jpki_trust_store, revocation_lists

    now = runtime.current().now()
    report = RefreshReport()
    sources = settings().jpki_crl_sources
    if not sources:
        return report  # CRLs are uploaded by hand or come from an operator's API
    roots = jpki_trust_store.roots_now()
    for source in sources:
        try:
            blob = crl_source.fetch(source)
            crl = revocation_lists.parse(blob, roots)
        except (crl_source.FetchFailed, revocation_lists.CrlRefused) as error:
            report.failed[source] = str(error)
            continue
        if crl.next_update < now:
            report.failed[source] = f"the source serves a CRL that expired at {crl.next_update}"
            continue
        key = jpki_trust_store.crl_key(source)
        stored = jpki_trust_store.stored_crl(key)
        if stored is not None and not crl.newer_than(stored.this_update, stored.number):
            report.unchanged.append(source)
            continue
        jpki_trust_store.store_crl(key, blob, crl, source)
        report.stored.append(source)
    if report.failed:
        logger.error("CRL refresh failed for some sources", extra=report.as_dict())
        raise RefreshFailed(report.as_dict())
    logger.info("CRL refresh", extra=report.as_dict())
    return report
