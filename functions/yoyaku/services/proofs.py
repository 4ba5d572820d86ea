"""Documents of a registration: a worker's proof of employment and a group's roster
(名簿). Both are uploaded by presigned POST and checked the same way.

Presigned-POST conditions are not enforced everywhere (moto ignores them), so the stored
object itself is checked: its real size, and that its first bytes are really a JPEG or
PNG as declared. A bad file is deleted and the registration records why.
"""

from __future__ import annotations

from yoyaku import runtime
from yoyaku.adapters import application_store, mailer, proofs, registration_store
from yoyaku.adapters.proofs import StoredObject
from yoyaku.domain import emails, messages
from yoyaku.domain.account_kinds import ApplicationStatus, Residency, UserType
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.messages import Bilingual, Language
from yoyaku.domain.registration import Document, ProofUpload, RosterUpload, UploadChecked
from yoyaku.services import reviews
from yoyaku.services.accounts import account
from yoyaku.settings import settings

MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",)}


def new_upload(registration_id: str) -> ProofUpload:
    """A presigned POST for one proof document of this registration."""
    key = proofs.key_for(registration_id, runtime.current().new_id("upl"))
    return proofs.presigned_upload(key)


def new_roster_upload(registration_id: str) -> RosterUpload:
    """A presigned POST for one roster image of this (group) registration."""
    upload_id = runtime.current().new_id("upl")
    key = proofs.key_for(registration_id, upload_id, Document.ROSTER)
    return RosterUpload(**proofs.presigned_upload(key).model_dump(), upload_id=upload_id)


def new_roster_upload_for(user_number: str) -> RosterUpload:
    """A group's roster image after registration: a roster the review returned as
    unclear, or one the registration did without. It is checked like the first upload;
    an application returned to the group goes back to review with it, and one still
    under review shows staff the newest roster."""
    user, _ = account(user_number)
    if user.user_type is not UserType.GROUP:
        raise DomainError(ErrorCode.CONFLICT, reason=messages.ROSTER_FOR_GROUPS_ONLY)
    return new_roster_upload(user.registration_id)


def new_upload_after_return(user_number: str) -> ProofUpload:
    """A worker's new upload for the application still under review or returned."""
    user, _ = account(user_number)
    if user.residency is not Residency.WORKER:
        raise DomainError(
            ErrorCode.CONFLICT,
            reason=messages.PROOF_FOR_WORKERS_ONLY,
        )
    record = reviews.open_application(user.user_number)
    return new_upload(record.registration_id)


def problem_with(obj: StoredObject | None, max_bytes: int) -> Bilingual | None:
    """Why the object is refused, or None when it is fine."""
    if obj is None:
        return messages.PROOF_MISSING
    if obj.size > max_bytes:
        return messages.PROOF_TOO_LARGE.format(size=obj.size, max_bytes=max_bytes)
    actual = next((t for t, sigs in MAGIC.items() if obj.head.startswith(sigs)), None)
    declared = obj.content_type.lower()
    if declared in MAGIC and actual != declared:
        return messages.PROOF_NOT_AS_DECLARED.format(declared=declared)
    if actual is None:
        # S3 may store a presigned-POST upload without its declared type (moto does):
        # then the content alone must be a JPEG or PNG.
        return messages.PROOF_NOT_AN_IMAGE
    return None


def check_upload(key: str) -> UploadChecked:
    """Keeps a good upload (and resumes a returned application); deletes a bad one and
    tells the applicant why. Proofs and rosters alike."""
    found = proofs.document_of(key)
    registration = registration_store.get(found[0]) if found else None
    if found is None or registration is None:
        proofs.delete(key)  # an upload bound to no registration is kept nowhere
        return UploadChecked(key=key, accepted=False, reason="no such registration")
    registration_id, document = found
    problem = problem_with(proofs.inspect(key), settings().proof_max_bytes)
    if problem is not None:
        proofs.delete(key)
        registration_store.record_proof(registration_id, None, problem.en, document)
        lang = Language(registration.language)
        mailer.send(
            registration.form.email,
            emails.proof_refused(lang, problem, roster=document is Document.ROSTER),
        )
        return UploadChecked(key=key, accepted=False, reason=problem.en, document=document)
    registration_store.record_proof(registration_id, key, None, document)
    if registration.user_number:
        for record in application_store.for_user(registration.user_number):
            if record.application.status is ApplicationStatus.RETURNED:
                reviews.resume_after_return(record)
    return UploadChecked(key=key, accepted=True, document=document)
