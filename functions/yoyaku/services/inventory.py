"""Staff open or change a facility's inventory; racing bookings are never overbooked."""

from __future__ import annotations

from yoyaku import runtime
from yoyaku.adapters import inventory_store
from yoyaku.domain import messages
from yoyaku.domain.audit import AuditAction, InventoryChanged, TargetType
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.inventory import InventoryChange, plan_inventory
from yoyaku.domain.staff import StaffMember
from yoyaku.services import audit
from yoyaku.services.catalog import load_facility

# A change that keeps losing races against bookings is re-read and re-planned this often.
INVENTORY_ATTEMPTS = 3


def change(facility_id: str, change: InventoryChange, actor: StaffMember) -> int:
    """Applies `change` day by day; returns how many days actually changed."""
    facility = load_facility(facility_id, fresh=True)
    for _ in range(INVENTORY_ATTEMPTS):
        rt = runtime.current()
        now, today = rt.now(), rt.today()
        inventory, claims = inventory_store.read_range(facility_id, change.from_, change.to)
        existing = {d.day: d for d in inventory if d.resource_type_id == change.resource_type_id}
        plans = plan_inventory(change, facility, existing, claims, now, today)
        try:
            inventory_store.apply(facility_id, plans, now)
        except inventory_store.LostRace:
            continue
        audit.record(
            actor,
            AuditAction.INVENTORY_CHANGED,
            TargetType.FACILITY,
            facility_id,
            InventoryChanged(
                resource_type_id=change.resource_type_id,
                from_=change.from_,
                to=change.to,
                capacity=change.capacity,
                closed_dates=change.closed_dates or None,
                days_changed=len(plans),
            ),
        )
        return len(plans)
    raise DomainError(
        ErrorCode.CONFLICT,
        reason=messages.INVENTORY_KEEPS_CHANGING,
    )
