"""Review applications: the user's history (gsi1) and the staff queue (gsi2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from yoyaku.adapters import pages
from yoyaku.adapters.table import ApplicationItem
from yoyaku.adapters.transactions import condition_failed, connection
from yoyaku.domain.account_kinds import ApplicationStatus
from yoyaku.domain.paging import Page
from yoyaku.domain.renewal import RenewalApplication
from yoyaku.domain.review import (
    OPEN_STATUSES,
    Application,
    ApplicationMethod,
    ApplicationRecord,
    HistoryEntry,
    StaffHistoryEntry,
)
from yoyaku.domain.staff import StaffRef

if TYPE_CHECKING:
    from yoyaku.domain.audit import AuditRecord

# gsi1 `USER#{n}#APPLICATIONS` / submitted at; gsi2 `REVIEWS#{status}` / `{submitted at}#{id}`
_MINE = re.compile(pages.INSTANT)
_QUEUED = re.compile(rf"{pages.INSTANT}#\d{{1,12}}")


def _pk(application_id: str) -> str:
    return f"APPLICATION#{application_id}"


def _entry(
    status: ApplicationStatus,
    at: datetime,
    reason: str | None = None,
    by: StaffRef | None = None,
) -> dict[str, str]:
    entry = {"status": status.value, "at": at.astimezone(UTC).isoformat()}
    if reason:
        entry["reason"] = reason
    if by:  # the staff member who opened or decided it (staff see it, applicants do not)
        entry |= {"by": by.staff_id, "byName": by.name}
    return entry


def _staff_entry(stored: dict[str, str]) -> StaffHistoryEntry:
    by = StaffRef(staff_id=stored["by"], name=stored.get("byName", "")) if "by" in stored else None
    return StaffHistoryEntry(
        status=ApplicationStatus(stored["status"]),
        at=datetime.fromisoformat(stored["at"]),
        reason=stored.get("reason"),
        by=by,
    )


def new_item(
    application_id: str,
    user_number: str,
    registration_id: str,
    kind: str,
    now: datetime,
    method: ApplicationMethod = ApplicationMethod.STAFF_REVIEW,
    completed: bool = False,
    renewal: RenewalApplication | None = None,
) -> ApplicationItem:
    """A freshly `received` application, to be saved with the account that it reviews;
    `completed` at once when nothing is left for staff (a resident proven by card)."""
    history = [_entry(ApplicationStatus.RECEIVED, now)]
    status = ApplicationStatus.RECEIVED
    if completed:
        status = ApplicationStatus.COMPLETED
        history.append(_entry(status, now))
    return ApplicationItem(
        _pk(application_id),
        "APPLICATION",
        user_number=user_number,
        registration_id=registration_id,
        type=kind,
        status=status.value,
        method=method.value,
        history=history,
        renewal=None if renewal is None else renewal.model_dump(mode="json", by_alias=True),
        submitted_at=now,
        gsi1pk=f"USER#{user_number}#APPLICATIONS",
        gsi1sk=now.astimezone(UTC).isoformat(),
        gsi2pk=f"REVIEWS#{status.value}",
        gsi2sk=f"{now.astimezone(UTC).isoformat()}#{application_id}",
    )


def _record(item: ApplicationItem) -> ApplicationRecord:
    staff_history = [_staff_entry(dict(e)) for e in item.history or []]
    history = [HistoryEntry(status=e.status, at=e.at, reason=e.reason) for e in staff_history]
    decided_by = StaffRef.model_validate(item.decided_by) if item.decided_by else None
    return ApplicationRecord(
        application=Application(
            application_id=item.pk.removeprefix("APPLICATION#"),
            type=item.type,
            status=ApplicationStatus(item.status),
            history=history,
            method=ApplicationMethod(item.method or ApplicationMethod.STAFF_REVIEW.value),
        ),
        user_number=item.user_number,
        registration_id=item.registration_id,
        submitted_at=item.submitted_at,
        task_token=item.task_token,
        waiting_for=item.waiting_for,
        decision=item.decision,
        reason=item.reason,
        renewal=RenewalApplication.model_validate(dict(item.renewal)) if item.renewal else None,
        staff_history=staff_history,
        decided_by=decided_by,
        decided_at=item.decided_at,
    )


def get(application_id: str) -> ApplicationRecord | None:
    if not application_id.isdigit() or len(application_id) > 12:
        return None
    try:
        return _record(ApplicationItem.get(_pk(application_id), "APPLICATION"))
    except ApplicationItem.DoesNotExist:
        return None


def for_user(user_number: str) -> list[ApplicationRecord]:
    items = ApplicationItem.by_owner.query(f"USER#{user_number}#APPLICATIONS")
    return [_record(i) for i in items if isinstance(i, ApplicationItem)]


def page_for_user(user_number: str, limit: int, token: str | None) -> Page[ApplicationRecord]:
    """One page of the user's applications, oldest first (a user's applications are
    submitted one after another, so their instants are distinct)."""
    after = pages.decode(token, "applications", _MINE)
    items = ApplicationItem.by_owner.query(
        f"USER#{user_number}#APPLICATIONS",
        ApplicationItem.gsi1sk > after if after else None,
        page_size=limit + 1,
    )
    keyed = ((i.gsi1sk or "", _record(i)) for i in items if isinstance(i, ApplicationItem))
    return pages.collect(keyed, limit, "applications")


def queue(
    statuses: list[ApplicationStatus], kind: str | None, limit: int, token: str | None
) -> Page[ApplicationRecord]:
    """One page of the staff queue of these statuses (and of one type of application
    when `kind` is given), oldest submission first: each status is its own gsi2
    partition, read from the same position and merged."""
    scope = "reviews:" + ",".join(sorted(s.value for s in statuses))
    if kind:
        scope += f":{kind}"
    after = pages.decode(token, scope, _QUEUED)
    sources = []
    for status in statuses:
        items = ApplicationItem.by_queue.query(
            f"REVIEWS#{status.value}",
            ApplicationItem.gsi2sk > after if after else None,
            filter_condition=ApplicationItem.type == kind if kind else None,
            page_size=limit + 1,
        )
        sources.append(
            (i.gsi2sk or "", _record(i)) for i in items if isinstance(i, ApplicationItem)
        )
    return pages.collect(pages.merge(*sources), limit, scope)


def _update(application_id: str, actions: list[Any], condition: Any) -> ApplicationRecord | None:
    """The application as updated, or None when the condition failed."""
    item = ApplicationItem(_pk(application_id), "APPLICATION")
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return _record(item)  # the update returns every attribute as it is now


def _status_actions(
    status: ApplicationStatus,
    at: datetime,
    submitted_at: datetime,
    application_id: str,
    reason: str | None = None,
    by: StaffRef | None = None,
) -> list[Any]:
    entry = _entry(status, at, reason, by)
    return [
        ApplicationItem.status.set(status.value),
        ApplicationItem.history.set(ApplicationItem.history.append([entry])),
        ApplicationItem.gsi2pk.set(f"REVIEWS#{status.value}"),
        ApplicationItem.gsi2sk.set(f"{submitted_at.astimezone(UTC).isoformat()}#{application_id}"),
    ]


def mark_accepted(record: ApplicationRecord, now: datetime, by: StaffRef) -> bool:
    """received → accepted when a staff member opens it; False if it was not `received`."""
    app_id = record.application.application_id
    actions = _status_actions(ApplicationStatus.ACCEPTED, now, record.submitted_at, app_id, by=by)
    return (
        _update(app_id, actions, ApplicationItem.status == ApplicationStatus.RECEIVED.value)
        is not None
    )


def record_decision(
    application_id: str, decision: str, reason: str | None, audit: AuditRecord
) -> ApplicationRecord | None:
    """Claims the one decision of an open application, with its audit record in the same
    transaction; None if it is closed or decided already (nothing is written then)."""
    # Imported here: the functions that read applications (the authorizer, sign-in)
    # never decide one, and need not load the audit record's models at a cold start.
    from yoyaku.adapters import audit_store

    actions: list[Action] = [
        ApplicationItem.decision.set(decision),
        ApplicationItem.decided_by.set(audit.staff.model_dump(mode="json")),
        ApplicationItem.decided_at.set(audit.at.astimezone(UTC)),
    ]
    if reason:
        actions.append(ApplicationItem.reason.set(reason))
    condition = (
        ApplicationItem.status.is_in(*[s.value for s in OPEN_STATUSES])
        & (ApplicationItem.decision.does_not_exist())
        & (ApplicationItem.waiting_for == "staff")
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                ApplicationItem(_pk(application_id), "APPLICATION"), actions, condition=condition
            )
            transaction.save(audit_store.item(audit), condition=audit_store.new_item_condition())
    except TransactWriteError as error:
        if condition_failed(error):
            return None
        raise
    return _record(ApplicationItem.get(_pk(application_id), "APPLICATION", consistent_read=True))


def store_task_token(application_id: str, token: str, waiting_for: str) -> ApplicationRecord:
    """Keeps the workflow's task token (never sent to any client)."""
    item = _update(
        application_id,
        [ApplicationItem.task_token.set(token), ApplicationItem.waiting_for.set(waiting_for)],
        ApplicationItem.pk.exists(),
    )
    if item is None:
        raise LookupError(application_id)
    return item


def conclude(
    record: ApplicationRecord, status: ApplicationStatus, now: datetime, reason: str | None
) -> None:
    """Applies the decided status, ending the wait (token and decision are cleared; who
    decided stays, and the history entry names them)."""
    app_id = record.application.application_id
    actions = [
        *_status_actions(status, now, record.submitted_at, app_id, reason, record.decided_by),
        ApplicationItem.task_token.remove(),
        ApplicationItem.waiting_for.remove(),
        ApplicationItem.decision.remove(),
        ApplicationItem.reason.remove(),
    ]
    _update(app_id, actions, ApplicationItem.pk.exists())


def resubmitted(record: ApplicationRecord, now: datetime) -> bool:
    """returned → received: the user fixed what was asked; the review starts again.
    False when it was not `returned` (another request resubmitted it first)."""
    app_id = record.application.application_id
    actions = _status_actions(ApplicationStatus.RECEIVED, now, record.submitted_at, app_id)
    condition = ApplicationItem.status == ApplicationStatus.RETURNED.value
    return _update(app_id, actions, condition) is not None
