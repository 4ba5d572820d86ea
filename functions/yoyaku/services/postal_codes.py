"""Postal codes: the addresses a code stands for, and whether a form's address agrees."""

from __future__ import annotations

from yoyaku.adapters import postal_codes
from yoyaku.domain import messages
from yoyaku.domain.addresses import PostalAddress, PostalCodeAddresses
from yoyaku.domain.errors import DomainError, ErrorCode


def lookup(postal_code: str) -> PostalCodeAddresses:
    """`postal_code` is normalised (`123-4567`); NOT_FOUND when Japan Post has no such code."""
    addresses = postal_codes.lookup(postal_code)
    if not addresses:
        raise DomainError(ErrorCode.NOT_FOUND, what=messages.POSTAL_CODE)
    return PostalCodeAddresses(postal_code=postal_code, addresses=addresses)


def addresses_of(*codes: str) -> dict[str, list[PostalAddress]]:
    """The known addresses of each code (an empty list for a code that does not exist)."""
    return {code: postal_codes.lookup(code) for code in dict.fromkeys(codes)}
