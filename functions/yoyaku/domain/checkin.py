"""The staff's check-in list of a facility: who arrives on a day (or in a month), with
what they booked, and its CSV export (the same rows, one a line)."""

from __future__ import annotations

import csv
import io

from pydantic import Field

from yoyaku.domain.booking import PartyNight, Reservation
from yoyaku.domain.model import CamelModel


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
    """UTF-8 CSV with a BOM (spreadsheet programs in Japan read it as UTF-8), CRLF line
    ends (RFC 4180), one reservation a line; the party is its first night's."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        r, guest = row.reservation, row.guest
        first = _first_night(r.party)
        writer.writerow(
            [
                r.reservation_number,
                r.date.isoformat(),
                r.nights or "",
                r.start or "",
                r.end or "",
                r.resource_type_id,
                r.quantity,
                first.adults if first else "",
                first.children if first else "",
                r.room_style or "",
                r.status,
                r.source,
                guest.user_number if guest else "",
                _cell(guest.name) if guest else "",
                _cell(guest.phone or "") if guest else "",
                _cell(guest.email or "") if guest else "",
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A text a citizen typed, made safe to open in a spreadsheet: one starting with
    =, +, - or @ would run as a formula there (CSV injection), so it gets a leading '."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
