"""Field rules for people: names in kana and kanji, phones, postal codes, passwords.

Each normaliser accepts what people actually type (half-width kana, hiragana, full-width
digits, hyphens or none) and returns the one stored form, or raises a field error kind.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

FULL_WIDTH_SPACE = "\u3000"
_KATAKANA_PART = r"[ァ-ヺー・ヽヾ]+"
_KANA_NAME = re.compile(rf"^{_KATAKANA_PART}(?:{FULL_WIDTH_SPACE}{_KATAKANA_PART})+$")
_KANA_TEXT = re.compile(rf"^[ァ-ヺー・ヽヾ0-9]+(?:{FULL_WIDTH_SPACE}[ァ-ヺー・ヽヾ0-9]+)*$")
_HIRAGANA = re.compile(r"[ぁ-ゖゝゞ]")
MIN_AGE = 18
# The school year starts on April 1; those born on April 1 belong to the year before
# (学年は4月2日生まれから翌年4月1日生まれまで).
SCHOOL_YEAR_FIRST_BIRTHDAY = (4, 2)
PASSWORD_MIN, PASSWORD_MAX = 8, 64


def _spaces_to_one_full_width(text: str) -> str:
    return FULL_WIDTH_SPACE.join(text.split())


def normalise_kana_name(value: str) -> str:
    """`ﾐﾅﾄ ﾀﾛｳ`, `みなと たろう` or `ミナト　タロウ` → `ミナト　タロウ`."""
    text = unicodedata.normalize("NFKC", value)  # half-width kana → full-width
    text = _HIRAGANA.sub(lambda m: chr(ord(m.group()) + 0x60), text)  # hiragana → katakana
    text = _spaces_to_one_full_width(text)
    if not _KANA_NAME.match(text):
        raise PydanticCustomError("kana_name", "family and given name in katakana")
    return text


def normalise_kana_text(value: str) -> str:
    """A group's name in kana (団体名フリガナ): one or more words of katakana or digits,
    typed as for a person's name (`ｱｹﾞｵ ﾃﾆｽ ｸﾗﾌﾞ` → `アゲオ　テニス　クラブ`)."""
    text = unicodedata.normalize("NFKC", value)
    text = _HIRAGANA.sub(lambda m: chr(ord(m.group()) + 0x60), text)
    text = _spaces_to_one_full_width(text)
    if not _KANA_TEXT.match(text):
        raise PydanticCustomError("kana_text", "katakana")
    return text


def normalise_kanji_name(value: str) -> str:
    """Any script is accepted; spaces between parts become one full-width space."""
    text = _spaces_to_one_full_width(unicodedata.normalize("NFC", value))
    if not text or any(unicodedata.category(c).startswith("C") for c in text):
        raise PydanticCustomError("name_required", "a name")
    return text


def normalise_phone(value: str) -> str:
    """`03-1234-5678`, `０３（１２３４）５６７８` or `09012345678` → digits only."""
    text = unicodedata.normalize("NFKC", value)
    digits = re.sub(r"[\s\-‐－()（）]", "", text)
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise PydanticCustomError("phone", "a Japanese phone number")
    return digits


def normalise_postal_code(value: str) -> str:
    """`1234567`, `123-4567` or full-width digits → `123-4567`."""
    digits = re.sub(r"[\s\-‐－〒]", "", unicodedata.normalize("NFKC", value))
    if not re.fullmatch(r"\d{7}", digits):
        raise PydanticCustomError("postal_code", "7 digits")
    return f"{digits[:3]}-{digits[3:]}"


# The fields that carry these rules, for the models of forms (registration, renewal,
# counter appointments).
def _email(value: str) -> str:
    # Imported here: email_validator compiles many regexes at import, which only the
    # functions that take addresses should pay for.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("email", "an e-mail address") from None


KanaName = Annotated[str, Field(max_length=100), AfterValidator(normalise_kana_name)]
KanjiName = Annotated[str, Field(max_length=100), AfterValidator(normalise_kanji_name)]
Phone = Annotated[str, Field(max_length=30), AfterValidator(normalise_phone)]
PostalCode = Annotated[str, Field(max_length=10), AfterValidator(normalise_postal_code)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


def age_on(birthdate: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birthdate.month, birthdate.day)
    return day.year - birthdate.year - int(before_birthday)


def eligible_from(birthdate: date) -> date:
    """The first day someone may register: 18 or over, high-school students excluded
    (seed 003: 高校生を除く18歳以上).

    Yoyaku decides by the school year, as Japanese ordinances word this rule: eligible
    once the first March 31 on or after reaching 18 has passed (18歳に達する日以後の
    最初の3月31日を経過した者). That is April 1 of the year the person's school year
    leaves high school: born 2008-04-02 … 2009-04-01 → 2027-04-01. Everyone is 18 by
    then, and an 18-year-old in the last year of high school is not yet eligible. (Someone
    who left school early is not told apart; the counter registers them on paper.)
    """
    first_year = birthdate.year
    if (birthdate.month, birthdate.day) < SCHOOL_YEAR_FIRST_BIRTHDAY:
        first_year -= 1  # born January 1 … April 1: the school year that began the year before
    return date(first_year + MIN_AGE + 1, 4, 1)


def password_problem(password: str, birthdate: date | None, user_number: str | None) -> str | None:
    """The field error kind for a password that may not be used, or None when it may."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return "password_length"
    if birthdate is not None:
        compact = birthdate.strftime("%Y%m%d")
        forms = {compact, birthdate.isoformat(), birthdate.strftime("%Y/%m/%d")}
        if password in forms:
            return "password_is_birthdate"
    if user_number is not None and password == user_number:
        return "password_is_user_number"
    return None
