"""Documents of registrations in the private S3 bucket: proofs of employment and group
rosters, under one prefix (`proofs/`) so that one S3 notification checks them all."""

from __future__ import annotations

from dataclasses import dataclass

from yoyaku.adapters.aws import client
from yoyaku.domain.registration import Document, ProofUpload
from yoyaku.settings import settings

CONTENT_TYPES = ("image/jpeg", "image/png")
UPLOAD_SECONDS = 30 * 60
VIEW_SECONDS = 5 * 60


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    head: bytes


def key_for(registration_id: str, upload_id: str, document: Document = Document.PROOF) -> str:
    """`proofs/{registration}/{upload}` for a proof of employment,
    `proofs/{registration}/roster/{upload}` for a group roster."""
    if document is Document.ROSTER:
        return f"proofs/{registration_id}/roster/{upload_id}"
    return f"proofs/{registration_id}/{upload_id}"


def document_of(key: str) -> tuple[str, Document] | None:
    """The registration and the kind of document an uploaded key belongs to."""
    parts = key.split("/")
    if len(parts) == 3 and parts[0] == "proofs" and parts[1] and parts[2]:
        return parts[1], Document.PROOF
    if len(parts) == 4 and parts[0] == "proofs" and parts[1] and parts[2] == "roster" and parts[3]:
        return parts[1], Document.ROSTER
    return None


def registration_of(key: str) -> str | None:
    found = document_of(key)
    return found[0] if found else None


def presigned_upload(key: str) -> ProofUpload:
    """A presigned POST: S3 enforces size and type where it can; proof_check re-checks."""
    max_bytes = settings().proof_max_bytes
    post = client("s3").generate_presigned_post(
        Bucket=settings().proof_bucket,
        Key=key,
        Conditions=[
            ["content-length-range", 1, max_bytes],
            ["starts-with", "$Content-Type", "image/"],
        ],
        ExpiresIn=UPLOAD_SECONDS,
    )
    return ProofUpload(
        url=post["url"],
        fields=post["fields"],
        max_bytes=max_bytes,
        content_types=list(CONTENT_TYPES),
    )


def presigned_view(key: str) -> str:
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": settings().proof_bucket, "Key": key},
        ExpiresIn=VIEW_SECONDS,
    )
    return url


def inspect(key: str, head_bytes: int = 16) -> StoredObject | None:
    s3 = client("s3")
    try:
        head = s3.head_object(Bucket=settings().proof_bucket, Key=key)
    except s3.exceptions.ClientError:
        return None
    first = s3.get_object(
        Bucket=settings().proof_bucket, Key=key, Range=f"bytes=0-{head_bytes - 1}"
    )["Body"].read()
    return StoredObject(int(head["ContentLength"]), head.get("ContentType", ""), first)


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=settings().proof_bucket, Key=key)
