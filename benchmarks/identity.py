"""My Number card verification: time per request with a 100,000-entry CRL, and the AWS
requests each verification makes.

In-process against moto (DynamoDB tables from template.yaml, the identity bucket), through
the real IdentityFunction handler behind the local gateway. A JPKI-TEST CA made here
issues the cards and a CRL listing 100,000 revoked serials (plus one revoked card).

- **Warm verification**: `POST /v1/identity/verifications` (path validation with
  pyhanko-certvalidator, PKCS#1 signature, CRL lookup, the DynamoDB reads and writes),
  each with a fresh challenge and card, after one warm-up verification that loaded the
  configuration. The challenge's own request is not timed. Median and p95 of the runs;
  CPU time beside wall time.
- **Cold configuration**: the first verification of a container, which lists the
  bucket and downloads, checks and indexes the 2.3 MB CRL.
- **Requests**: every botocore operation is counted (`BaseClient._make_api_call`) per
  service during the warm verifications (configuration re-read at most every 60 s).
- **Reference**: pyhanko-certvalidator checking the same CRL itself
  (`revocation_mode="require"`), which walks every entry in Python on each validation.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

from benchmarks.report import Figure, Section

REGION = "ap-northeast-1"
BUCKET = "bench-identity"
CRL_ENTRIES = 100_000
RUNS = 30
TARGET_MS = 50.0


class _Counter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.on = False


@contextmanager
def _counting() -> Iterator[_Counter]:
    from botocore.client import BaseClient

    counter = _Counter()
    original = BaseClient._make_api_call

    def counted(self: Any, operation: str, params: Any) -> Any:
        if counter.on:
            counter.calls[f"{self.meta.service_model.service_name}:{operation}"] += 1
        return original(self, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", counted):
        yield counter


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run() -> Section:
    started = time.perf_counter()
    from local import aws, template

    # The template's variables, as a function gets them (checked at its cold start).
    os.environ.update(aws.globals_environment(template.load()))
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
            "IDENTITY_BUCKET": BUCKET,
            "JPKI_ROOTS_PREFIX": "jpki/roots/",
            "JPKI_CRL_PREFIX": "jpki/crl/",
            "JPKI_CACHE_SECONDS": "60",
        }
    )
    for name in ("AWS_ENDPOINT_URL",):
        os.environ.pop(name, None)
    import boto3
    from moto import mock_aws

    from local import template
    from local.aws import create_tables
    from local.gateway import Gateway
    from local.jpki import JpkiTestCa
    from yoyaku.adapters import jpki_trust_store
    from yoyaku.domain.identity import CardFacts
    from yoyaku.settings import forget as forget_settings

    figures: list[Figure] = []
    notes: list[str] = []
    with mock_aws():
        document = template.load()
        tables = create_tables(document, boto3.client("dynamodb", region_name=REGION))
        os.environ["TABLE_NAME"] = tables["Table"]
        os.environ["IDEMPOTENCY_TABLE_NAME"] = tables["IdempotencyTable"]
        forget_settings()
        jpki_trust_store.forget()
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})

        ca = JpkiTestCa()
        now = datetime.now(UTC)
        facts = CardFacts(
            name="公的　花子",
            address="東京都港区芝公園1-5-25",
            birthdate=date(1990, 4, 1),
            gender="2",
        )
        revoked_card = ca.issue(facts, now - timedelta(days=30), now + timedelta(days=1000))
        ca.revoke(revoked_card.serial_number, now - timedelta(hours=2))
        building = time.perf_counter()
        crl = ca.crl(
            now - timedelta(hours=1),
            now + timedelta(days=1),
            extra_serials=range(10**12, 10**12 + CRL_ENTRIES),
        )
        build_seconds = time.perf_counter() - building
        s3.put_object(Bucket=BUCKET, Key="jpki/roots/signca-test.cer", Body=ca.root_der)
        s3.put_object(Bucket=BUCKET, Key="jpki/crl/signca-test.crl", Body=crl)
        cards = [
            ca.issue(facts, now - timedelta(days=30), now + timedelta(days=1000))
            for _ in range(RUNS + 2)
        ]
        gateway = Gateway(template.api(document), template.functions(document))

        def call(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            response = gateway.handle(
                "POST", path, {}, {"Content-Type": "application/json"}, json.dumps(body).encode()
            )
            return response.status, json.loads(response.body)

        counting: list[_Counter] = []

        def verify(card: Any, signature_format: str = "pkcs1") -> tuple[int, float, float]:
            status, challenge = call("/v1/identity/challenges", {"purpose": "registration"})
            assert status == 201, challenge
            data = base64.b64decode(challenge["signedData"])
            body = {
                "challengeId": challenge["challengeId"],
                "certificate": base64.b64encode(card.der).decode(),
                "signature": base64.b64encode(card.sign(data, signature_format)).decode(),
                "format": signature_format,
            }
            wall, cpu = time.perf_counter(), time.process_time()
            for counter in counting:
                counter.on = True
            status, _ = call("/v1/identity/verifications", body)
            for counter in counting:
                counter.on = False
            return status, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

        with _counting() as counter:
            counting.append(counter)
            status, cold_ms, cold_cpu = verify(cards[0])
            assert status == 201, status
            cold_calls = dict(counter.calls)
            counting.clear()
            verify(cards[1])  # warm-up: handler imports done, caches filled
            counter.calls.clear()
            counting.append(counter)
            walls, cpus = [], []
            for card in cards[2:]:
                status, wall, cpu = verify(card)
                assert status == 201, status
                walls.append(wall)
                cpus.append(cpu)
            warm_calls = {k: v / RUNS for k, v in counter.calls.items()}
            counting.clear()
            status, _, _ = verify(revoked_card)
            assert status == 422, status
        cms_walls = []
        for _ in range(5):
            card = ca.issue(facts, now - timedelta(days=30), now + timedelta(days=1000))
            status, wall, _ = verify(card, "cms")
            assert status == 201, status
            cms_walls.append(wall)
        # A card that is not listed: the whole CRL is walked.
        reference_ms = _certvalidator_reference(ca, cards[-1], crl, now)

    dynamodb = sum(v for k, v in warm_calls.items() if k.startswith("dynamodb:"))
    s3_warm = sum(v for k, v in warm_calls.items() if k.startswith("s3:"))
    median = statistics.median(walls)
    figures += [
        Figure(
            "identity.verify.warm",
            f"verification, warm (path + PKCS#1 + CRL of {CRL_ENTRIES:,} entries + DynamoDB)",
            round(median, 1),
            "ms",
            at_most=TARGET_MS,
            note=f"median of {RUNS}, p95 {_percentile(walls, 0.95):.1f} ms, "
            f"CPU {statistics.median(cpus):.1f} ms",
            details={"runs": walls, "cpu": cpus},
        ),
        Figure(
            "identity.verify.cms",
            "verification with a detached CMS signature, warm",
            round(statistics.median(cms_walls), 1),
            "ms",
            note="median of 5",
        ),
        Figure(
            "identity.verify.coldConfiguration",
            "first verification of a container "
            f"(reads and indexes the {len(crl) / 1e6:.1f} MB CRL)",
            round(cold_ms, 1),
            "ms",
            note=f"CPU {cold_cpu:.0f} ms; requests {cold_calls}",
        ),
        Figure(
            "identity.verify.dynamodb",
            "DynamoDB requests per verification",
            dynamodb,
            "requests",
            at_most=2,
            note=", ".join(
                f"{k} {v:g}" for k, v in warm_calls.items() if k.startswith("dynamodb:")
            ),
        ),
        Figure(
            "identity.verify.s3",
            "S3 requests per warm verification (configuration re-listed every 60 s)",
            s3_warm,
            "requests",
            at_most=0,
        ),
        Figure(
            "identity.reference.certvalidatorCrl",
            f"reference: pyhanko-certvalidator checking the {CRL_ENTRIES:,}-entry CRL itself",
            round(reference_ms, 0),
            "ms",
            note="per validation, second run (not used: see adapters/revocation_lists.py)",
        ),
    ]
    notes.append(
        f"CRL of {CRL_ENTRIES:,} entries built in {build_seconds:.1f} s (not measured). "
        "The challenge request before each verification is not timed."
    )
    return Section("My Number card verification", figures, notes, time.perf_counter() - started)


def _certvalidator_reference(ca: Any, card: Any, crl: bytes, now: datetime) -> float:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import RevokedError

    root = asn1_x509.Certificate.load(ca.root_der)
    leaf = asn1_x509.Certificate.load(card.der)
    parsed = asn1_crl.CertificateList.load(crl)
    timings = []
    for _ in range(2):
        context = ValidationContext(
            trust_roots=[root], crls=[parsed], revocation_mode="require", moment=now
        )
        started = time.perf_counter()
        validator = CertificateValidator(leaf, validation_context=context)
        with contextlib.suppress(RevokedError):
            asyncio.run(validator.async_validate_path())
        timings.append((time.perf_counter() - started) * 1000)
    return timings[-1]
