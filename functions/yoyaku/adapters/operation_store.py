"""The service's reception hours and suspensions: one item, changed under its version."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from yoyaku.adapters.inventory_store import LostRace
from yoyaku.adapters.table import OperationItem
from yoyaku.adapters.transactions import condition_failed
from yoyaku.domain.reception import Operation, ReceptionHours, Suspension

SERVICE, OPERATION = "SERVICE", "OPERATION"


def get() -> Operation:
    """The stored operation, or none set (always open, no suspensions). Strongly
    consistent: a staff change shows at once to the next read."""
    try:
        item = OperationItem.get(SERVICE, OPERATION, consistent_read=True)
    except OperationItem.DoesNotExist:
        return Operation(hours=None)
    return Operation(
        hours=ReceptionHours.model_validate(item.hours) if item.hours else None,
        suspensions=tuple(Suspension.model_validate(s) for s in item.suspensions or []),
        version=int(item.version or 0),
    )


def save(operation: Operation) -> None:
    """Saves on the condition that nobody changed it since it was read (LostRace)."""
    item = OperationItem(
        SERVICE,
        OPERATION,
        hours=operation.hours.model_dump(mode="json") if operation.hours else None,
        suspensions=[s.model_dump(mode="json") for s in operation.suspensions],
    )
    if operation.version:
        item.version = operation.version
    try:
        item.save()
    except PutError as error:
        if condition_failed(error):
            raise LostRace from None
        raise
