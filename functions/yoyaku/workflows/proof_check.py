"""S3 ObjectCreated events of proof documents: each upload is checked
(`services.proofs.check_upload`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event

from yoyaku.services import proofs


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """The raw S3 notification is read through Powertools' S3Event (record keys are
    URL-encoded there); the answer lists each check as JSON for the function's log."""
    keys = [unquote_plus(record.s3.get_object.key) for record in S3Event(event).records]
    checked = [proofs.check_upload(key) for key in keys if key.startswith("proofs/")]
    return {"checked": [c.model_dump(mode="json", exclude_none=True) for c in checked]}
