"""Atomic sequences: user numbers and application numbers are never reused."""

from __future__ import annotations

from yoyaku.adapters.table import CounterItem


def next_value(name: str, start: int) -> int:
    """The next number of sequence `name`; the first one handed out is `start + 1`."""
    item = CounterItem(f"COUNTER#{name}", "COUNTER")
    item.update(actions=[CounterItem.value.add(1)])
    return start + int(item.value)


APPLICATION_NUMBER_START = 0  # application numbers: 000001, … (seed 000's 申請番号)


def next_application_number() -> str:
    """The next 申請番号 (6 digits), shared by registrations and renewals."""
    return f"{next_value('application', APPLICATION_NUMBER_START):06d}"
