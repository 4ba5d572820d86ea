"""利用者登録証: the card mailed to each newly verified account (seeds 003/004).

Once staff verify residence or work, the municipality mails the registration card.
Staff export the accounts whose card is still to be mailed (a CSV for address labels),
print and post them, then mark them mailed so they leave the list.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from yoyaku.domain.messages import REGISTRATION_CARD_COLUMNS
from yoyaku.domain.model import CamelModel
from yoyaku.domain.spreadsheet import csv_text, typed

MAX_MARK = 500
CSV_COLUMNS = tuple(REGISTRATION_CARD_COLUMNS.items())  # (field, header) in label order


class RegistrationCard(CamelModel):
    """A verified account whose card is to be mailed, with the address to mail it to."""

    user_number: str
    name_kanji: str
    name_kana: str
    postal_code: str
    prefecture: str
    city: str
    street: str
    residency: str
    verified_at: datetime


class MarkMailed(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"userNumbers": ["100001", "100002"]}]}
    )
    user_numbers: list[str] = Field(
        min_length=1, max_length=MAX_MARK, description="The accounts whose cards were posted."
    )


class Skipped(CamelModel):
    user_number: str
    reason: str = Field(description="`not_waiting`: no card of this account is waiting.")


class MailedResult(CamelModel):
    mailed: list[str]
    skipped: list[Skipped]


def labels_csv(cards: list[RegistrationCard]) -> str:
    """A Japanese header line and one line per card, oldest verification first
    (domain/spreadsheet.py: BOM, CRLF, typed texts made safe)."""
    rows = (
        [typed(str(row[name])) for name, _ in CSV_COLUMNS]
        for row in (card.model_dump(mode="json") for card in cards)
    )
    return csv_text([label for _, label in CSV_COLUMNS], rows)
