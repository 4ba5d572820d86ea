"""Checks every uploaded proof document (S3 ObjectCreated events).

Presigned-POST conditions are not enforced everywhere (moto ignores them), so the stored
object itself is checked: its real size, and that its first bytes are really a JPEG or
PNG as declared. A bad file is deleted and the registration records why.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from yoyaku.adapters import application_store, mailer, proofs, registration_store
from yoyaku.domain import emails
from yoyaku.domain.messages import Language
from yoyaku.domain.review import ApplicationStatus
from yoyaku.settings import settings
from yoyaku.workflows import review

MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",)}


def problem_with(obj: proofs.StoredObject | None, max_bytes: int) -> tuple[str, str] | None:
    """(Japanese, English) reason for refusing the object, or None when it is fine."""
    if obj is None:
        return ("ファイルが見つかりません。", "the file is missing.")
    if obj.size > max_bytes:
        return (
            f"ファイルが大きすぎます（{obj.size:,}バイト、上限{max_bytes:,}バイト）。",
            f"the file is too large ({obj.size:,} bytes; at most {max_bytes:,}).",
        )
    actual = next((t for t, sigs in MAGIC.items() if obj.head.startswith(sigs)), None)
    declared = obj.content_type.lower()
    if declared in MAGIC and actual != declared:
        return (
            "ファイルの中身が申告された画像形式と一致しません（拡張子や種類の偽装）。",
            f"the content is not the {declared} it claims to be.",
        )
    if actual is None:
        # S3 may store a presigned-POST upload without its declared type (moto does):
        # then the content alone must be a JPEG or PNG.
        return (
            "JPEGまたはPNGの画像ではありません。",
            "the file is not a JPEG or PNG image.",
        )
    return None


def check_upload(key: str) -> dict[str, Any]:
    registration_id = proofs.registration_of(key)
    registration = registration_store.get(registration_id) if registration_id else None
    if registration_id is None or registration is None:
        proofs.delete(key)  # an upload bound to no registration is kept nowhere
        return {"key": key, "accepted": False, "reason": "no such registration"}
    problem = problem_with(proofs.inspect(key), settings().proof_max_bytes)
    if problem is not None:
        proofs.delete(key)
        registration_store.record_proof(registration_id, None, problem[1])
        lang = Language(registration.language)
        mailer.send(registration.form["email"], emails.proof_refused(lang, *problem))
        return {"key": key, "accepted": False, "reason": problem[1]}
    registration_store.record_proof(registration_id, key, None)
    if registration.user_number:
        for record in application_store.for_user(registration.user_number):
            if record.application.status is ApplicationStatus.RETURNED:
                review.resume_after_return(record)
    return {"key": key, "accepted": True}


def handle(event: dict[str, Any]) -> dict[str, Any]:
    results = []
    for record in event.get("Records", []):
        key = unquote_plus(record["s3"]["object"]["key"])
        if key.startswith("proofs/"):
            results.append(check_upload(key))
    return {"checked": results}
