"""The published audit file of each lottery draw, in the private audit bucket.

One gzip'd JSON document per lottery at `lotteries/{lotteryId}/audit.json.gz`: everything
anyone needs to recompute the draw (docs/lottery.md). It has no size limit, unlike the
lottery item (400 KB), which keeps only the commitment, the digests and this key.

The bytes are a pure function of the audit (sorted keys, gzip without a timestamp), so a
retried Publish step writes the very same object: when it is already there with the same
SHA-256 nothing is written again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass

from yoyaku.adapters.aws import client
from yoyaku.domain.lottery import Audit
from yoyaku.settings import settings

CONTENT_TYPE = "application/gzip"
DOWNLOAD_SECONDS = 15 * 60  # how long a presigned download link works
_SHA256 = "sha256"  # object metadata: the file's SHA-256, hex


@dataclass(frozen=True)
class AuditFile:
    key: str
    sha256: str
    size: int


def key_for(lottery_id: str) -> str:
    return f"lotteries/{lottery_id}/audit.json.gz"


def encode(audit: Audit) -> bytes:
    """The file's bytes: the same audit gives the same bytes on every run. The file is
    the public audit with all its data, without the link to itself (`file`)."""
    content = audit.model_dump(mode="json", exclude={"file"})
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode(body: bytes) -> Audit:
    return Audit.model_validate_json(gzip.decompress(body))


def write(lottery_id: str, audit: Audit) -> AuditFile:
    """Stores the audit file once; a second call with the same audit writes nothing."""
    body = encode(audit)
    stored = AuditFile(key_for(lottery_id), hashlib.sha256(body).hexdigest(), len(body))
    s3 = client("s3")
    bucket = settings().required("audit_bucket")
    try:
        head = s3.head_object(Bucket=bucket, Key=stored.key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
    else:
        if head.get("Metadata", {}).get(_SHA256) == stored.sha256:
            return stored
    s3.put_object(
        Bucket=bucket,
        Key=stored.key,
        Body=body,
        ContentType=CONTENT_TYPE,
        ContentDisposition=f'attachment; filename="{lottery_id}-audit.json.gz"',
        Metadata={_SHA256: stored.sha256},
    )
    return stored


def read(key: str) -> bytes:
    body: bytes = (
        client("s3").get_object(Bucket=settings().required("audit_bucket"), Key=key)["Body"].read()
    )
    return body


def download_url(key: str) -> str:
    """A short-lived link anyone can download the file with (the bucket stays private)."""
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": settings().required("audit_bucket"), "Key": key},
        ExpiresIn=DOWNLOAD_SECONDS,
    )
    return url
