"""Staff accounts."""

from __future__ import annotations

from dataclasses import dataclass

from yoyaku.adapters.table import StaffItem


@dataclass(frozen=True)
class StaffAccount:
    staff_id: str
    name: str
    password_hash: str


def _pk(staff_id: str) -> str:
    return f"STAFF#{staff_id}"


def get(staff_id: str) -> StaffAccount | None:
    try:
        item = StaffItem.get(_pk(staff_id), "PROFILE")
    except StaffItem.DoesNotExist:
        return None
    return StaffAccount(staff_id, item.name, item.password_hash)


def save(account: StaffAccount) -> None:
    StaffItem(
        _pk(account.staff_id), "PROFILE", name=account.name, password_hash=account.password_hash
    ).save()
