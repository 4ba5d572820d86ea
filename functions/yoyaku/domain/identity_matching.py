"""Does a form describe the person on the card? (seed 001: 入力された利用者情報と読み取ら
れたカードの情報が一致しません)

The card writes facts its own way: the name with a full-width space, the address from
the prefecture down with kanji numerals and 丁目・番・号 (`芝公園一丁目5番25号`), where
people type `芝公園1-5-25`. Both sides are brought to one form before comparing:
names ignore spaces and character width; addresses ignore spaces, width and the
spelling of numbers and of the 丁目/番地/番/号 separators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.identity import CardFacts

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[‐‑‒–—―−－ｰー─━]")
_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
# 丁目・番地・番・号 and the の of 1番の2 separate the numbers of a block address.
_SEPARATOR = re.compile(r"(?<=\d)(?:丁目|番地|番|号|の)(?=\d|$)")
_TRAILING = re.compile(r"(?<=\d)(?:丁目|番地|番|号)")


def _kanji_to_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十五 → 25, 百三 → 103, 二〇二 → 202."""
    if not any(c in _KANJI_UNITS for c in text):
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[char]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[char]
    return total + current


def normalise_name(name: str) -> str:
    """Spaces (either width) and character width do not count."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name))


def normalise_address(address: str) -> str:
    """One spelling of an address from the prefecture down.

    `東京都港区芝公園一丁目５番２５号` and `東京都 港区 芝公園1-5-25` both become
    `東京都港区芝公園1-5-25`.
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", address))
    text = _DASHES.sub("-", text)
    # Kanji numerals next to a block separator or a digit are numbers, not names
    # (一ツ橋 or 三田 stay as they are).
    text = re.sub(
        r"[〇零一二三四五六七八九十百千]+(?=丁目|番地|番|号|-|の\d)",
        lambda m: str(_kanji_to_int(m.group())),
        text,
    )
    text = _SEPARATOR.sub("-", text)
    text = _TRAILING.sub("", text)
    return text.rstrip("-")


@dataclass(frozen=True)
class FormIdentity:
    """What the registration form says about the person."""

    name: str
    birthdate: date
    address: str  # prefecture + city + street, as entered


def mismatched_fields(card: CardFacts, form: FormIdentity) -> list[str]:
    """The form's fields that contradict the card (empty when it matches)."""
    fields = []
    if normalise_name(card.name) != normalise_name(form.name):
        fields.append("nameKanji")
    if card.birthdate != form.birthdate:
        fields.append("birthdate")
    if normalise_address(card.address) != normalise_address(form.address):
        fields.append("address")
    return fields


def in_municipality(card_address: str, municipality: str) -> bool:
    """Whether the card's address lies in the municipality (`東京都港区`)."""
    return bool(municipality) and normalise_address(card_address).startswith(
        normalise_address(municipality)
    )


MISMATCH_KINDS = {
    "nameKanji": "card_name_mismatch",
    "birthdate": "card_birthdate_mismatch",
    "address": "card_address_mismatch",
}


def check_identity(card: CardFacts, form: FormIdentity) -> None:
    """IDENTITY_MISMATCH naming every field that contradicts the card."""
    fields = mismatched_fields(card, form)
    if fields:
        raise DomainError(
            ErrorCode.IDENTITY_MISMATCH,
            field_errors=[FieldError(f, MISMATCH_KINDS[f]) for f in fields],
        )
