"""Staff accounts."""

from __future__ import annotations

from dataclasses import dataclass

from yoyaku.adapters.table import StaffItem
from yoyaku.domain.staff import Role, StaffMember


@dataclass(frozen=True)
class StaffAccount:
    staff_id: str
    name: str
    password_hash: str
    role: Role | None = None

    @property
    def member(self) -> StaffMember:
        return StaffMember(self.staff_id, self.name, self.role)


def _pk(staff_id: str) -> str:
    return f"STAFF#{staff_id}"


def role_of(item: StaffItem) -> Role | None:
    """The stored role; one this version does not know counts as none (least privilege)."""
    return Role(item.role) if item.role in Role.__members__.values() else None


def get(staff_id: str) -> StaffAccount | None:
    try:
        item = StaffItem.get(_pk(staff_id), "PROFILE")
    except StaffItem.DoesNotExist:
        return None
    return StaffAccount(staff_id, item.name, item.password_hash, role_of(item))


def save(account: StaffAccount) -> None:
    StaffItem(
        _pk(account.staff_id),
        "PROFILE",
        name=account.name,
        password_hash=account.password_hash,
        role=account.role.value if account.role else None,
    ).save()
