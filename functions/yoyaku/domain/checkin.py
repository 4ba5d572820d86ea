"""The staff's check-in list of a facility: who arrives on a day (or in a month), with
what they booked, and its CSV export (the same rows, one a line)."""

from __future__ import annotations

from pydantic import Field

from yoyaku.domain.booking import PartyNight, Reservation
from yoyaku.domain.model import CamelModel
from yoyaku.domain.spreadsheet import csv_text, typed


class Guest(CamelModel):
    """Who booked: the account behind the reservation (None for a counter appointment)."""

    user_number: str
    name: str
    phone: str | None = None
    email: str | None = None


class CheckInRow(CamelModel):
    reservation: Reservation
    guest: Guest | None = Field(default=None, description="None for counter appointments.")


CSV_HEADER = [
    "reservationNumber",
    "date",
    "nights",
    "start",
    "end",
    "resourceTypeId",
    "quantity",
    "adults",
    "children",
    "roomStyle",
    "status",
    "source",
    "userNumber",
    "name",
    "phone",
    "email",
]


def _first_night(party: list[PartyNight]) -> PartyNight | None:
    return min(party, key=lambda p: p.night) if party else None


def to_csv(rows: list[CheckInRow]) -> str:
    """One reservation a line (domain/spreadsheet.py); the party is its first night's."""
    return csv_text(CSV_HEADER, (_line(row) for row in rows))


def _line(row: CheckInRow) -> list[str | int | None]:
    r, guest = row.reservation, row.guest
    first = _first_night(r.party)
    return [
        r.reservation_number,
        r.date.isoformat(),
        r.nights,
        r.start,
        r.end,
        r.resource_type_id,
        r.quantity,
        first.adults if first else None,
        first.children if first else None,
        r.room_style,
        r.status,
        r.source,
        guest.user_number if guest else None,
        typed(guest.name) if guest else None,
        typed(guest.phone) if guest else None,
        typed(guest.email) if guest else None,
    ]
