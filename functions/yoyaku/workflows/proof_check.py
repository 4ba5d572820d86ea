"""S3 ObjectCreated events of proof documents: each upload is checked
(`services.proofs.check_upload`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from yoyaku.services import proofs


def handle(event: dict[str, Any]) -> dict[str, Any]:
    results = []
    for record in event.get("Records", []):
        key = unquote_plus(record["s3"]["object"]["key"])
        if key.startswith("proofs/"):
            results.append(proofs.check_upload(key))
    return {"checked": results}
