"""Counter appointments without an account (seed 002: My Number card pickup)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.messages import Language
from yoyaku.domain.model import BookingDate, CamelModel
from yoyaku.domain.people import Email, KanaName, KanjiName, Phone
from yoyaku.domain.spreadsheet import csv_text, typed

MAX_PARTY = 6
RECEIPT_PASSWORD_LENGTH = 10


def normalise_notice_number(value: str) -> str:
    """3 letters or digits and 6 digits, a hyphen allowed: `ab1-234567` → `AB1234567`."""
    text = unicodedata.normalize("NFKC", value).strip().upper().replace("-", "")
    if not re.fullmatch(r"[A-Z0-9]{3}\d{6}", text):
        raise PydanticCustomError("notice_number", "3 letters or digits and 6 digits")
    return text


def normalise_second_number(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().upper().replace("-", "")
    if not re.fullmatch(r"[A-Z0-9]{18}", text):
        raise PydanticCustomError("notice_number_2", "18 letters or digits")
    return text


NoticeNumber = Annotated[str, Field(max_length=20), AfterValidator(normalise_notice_number)]
SecondNumber = Annotated[str, Field(max_length=30), AfterValidator(normalise_second_number)]


class Person(CamelModel):
    notice_number: NoticeNumber
    birthdate: date
    notice_number2: SecondNumber | None = None


class AppointmentRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "facilityId": "mynumber-counter",
                    "email": "minato.taro@example.jp",
                    "people": [{"noticeNumber": "MNT123456", "birthdate": "1985-06-12"}],
                },
                {
                    "facilityId": "mynumber-counter",
                    "email": "minato.taro@example.jp",
                    "people": [
                        {"noticeNumber": "MNT123456", "birthdate": "1985-06-12"},
                        {
                            "noticeNumber": "MNT123457",
                            "birthdate": "2016-09-03",
                            "noticeNumber2": "A1B2C3D4E5F6G7H8J9",
                        },
                    ],
                },
            ]
        }
    )

    facility_id: str = Field(min_length=1, max_length=40)
    email: Email
    people: list[Person] = Field(min_length=1, max_length=MAX_PARTY)


@dataclass(frozen=True)
class Eligible:
    """One person who may book: their notice numbers, birthdate and any fixed counter."""

    notice_number: str
    notice_number2: str
    birthdate: date
    counter: str | None

    @property
    def key(self) -> str:
        """Who this person is, whatever link they book with: a person may have one live
        appointment per facility."""
        return f"{self.notice_number}#{self.notice_number2}"


@dataclass(frozen=True)
class PartyRequest:
    """An identified party that asked to book, and where its e-mail goes."""

    request_id: str
    facility_id: str
    email: str
    language: Language
    people: int
    counter: str | None
    person_keys: tuple[str, ...] = ()  # `Eligible.key` of each person of the party


def identify(person: Person, candidates: list[Eligible], index: int) -> Eligible:
    """The one record this person is; asks for the second number when several match."""
    matches = [c for c in candidates if c.birthdate == person.birthdate]
    if person.notice_number2 is not None:
        matches = [c for c in matches if c.notice_number2 == person.notice_number2]
    if not matches:
        raise DomainError(
            ErrorCode.PERSON_NOT_IDENTIFIED,
            field_errors=[FieldError(f"people[{index}]", "person_not_identified")],
        )
    if len(matches) > 1:
        raise DomainError(
            ErrorCode.SECOND_NUMBER_REQUIRED,
            field_errors=[FieldError(f"people[{index}].noticeNumber2", "missing")],
        )
    return matches[0]


def fixed_counter(people: list[Eligible]) -> str | None:
    """The counter the party must use, when their records fix one (all the same)."""
    counters = {p.counter for p in people if p.counter}
    if len(counters) > 1:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            field_errors=[FieldError("people", "counters_differ")],
        )
    return counters.pop() if counters else None


def parse_eligibility_csv(text: str) -> list[Eligible]:
    """Rows of `noticeNumber,noticeNumber2,birthdate[,counter]` with a header line.

    Every bad line is reported (field `line N`), and nothing is imported unless all are good.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [r for r in reader if any(cell.strip() for cell in r)]
    if not rows:
        raise DomainError.invalid("body", "csv_empty")
    header = [h.strip() for h in rows[0]]
    if header[:3] != ["noticeNumber", "noticeNumber2", "birthdate"]:
        raise DomainError.invalid("line 1", "csv_header")
    result: list[Eligible] = []
    errors: list[FieldError] = []
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + ["", "", "", ""]
        try:
            counter = cells[3] or None
            if counter is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", counter):
                raise PydanticCustomError("csv_row", "bad counter")
            result.append(
                Eligible(
                    normalise_notice_number(cells[0]),
                    normalise_second_number(cells[1]),
                    date.fromisoformat(cells[2]),
                    counter,
                )
            )
        except (PydanticCustomError, ValueError):
            errors.append(FieldError(f"line {line}", "csv_row"))
    if errors:
        raise DomainError(ErrorCode.VALIDATION_FAILED, field_errors=errors[:50])
    return result


class Contact(CamelModel):
    name: str = Field(min_length=1, max_length=100)
    phone: Phone
    email2: Email | None = Field(
        default=None,
        description="連絡先メールアドレス2: also receives the confirmation and cancellation "
        "mails (the first address is the one the link was sent to).",
    )


class PickupPerson(CamelModel):
    """受取人情報: who comes to collect, one per person of the party, in the order the
    request named them."""

    name: KanjiName
    name_kana: KanaName | None = None


class AppointmentHoldRequest(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Yq3xK8vN2pR7tWm5bZ9cD4fH6jL1sA0gE-uQiOo_XyT",
                    "resourceTypeId": "counter-1",
                    "date": "2027-01-12",
                    "start": "09:30",
                }
            ]
        }
    )

    token: str = Field(min_length=1, max_length=100)
    resource_type_id: str = Field(min_length=1, max_length=40)
    date: BookingDate
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class AppointmentConfirm(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Yq3xK8vN2pR7tWm5bZ9cD4fH6jL1sA0gE-uQiOo_XyT",
                    "holdId": "hld_7c1e9a2f4b6d8035",
                    "contact": {"name": "港\u3000太郎", "phone": "090-1234-5678"},
                }
            ]
        }
    )

    token: str = Field(min_length=1, max_length=100)
    hold_id: str = Field(min_length=1, max_length=40)
    contact: Contact
    recipients: list[PickupPerson] = Field(
        default_factory=list,
        max_length=MAX_PARTY,
        description="One per person of the party (1人目, 2人目 …), or none.",
    )


def check_recipients(recipients: list[PickupPerson], people: int) -> None:
    if recipients and len(recipients) != people:
        raise DomainError.invalid("recipients", "recipients_per_person", people=people)


class ReceiptCredentials(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"receiptNumber": "4820193756", "password": "Xk7pQ2mZ9a"}]}
    )

    receipt_number: str = Field(min_length=1, max_length=20)
    password: str = Field(min_length=1, max_length=100)


Day = date


class Appointment(CamelModel):
    receipt_number: str
    facility_id: str
    facility_name: str
    counter: str = Field(description="The counter's id (its resource type).")
    counter_name: str = Field(default="", description="As people know it, e.g. 第1窓口.")
    location: str = Field(default="", description="Where the counter is, e.g. 本庁舎1階 市民課.")
    address: str = Field(default="", description="The facility's address.")
    what_to_bring: str = Field(default="", description="持ち物.")
    date: Day
    start: str
    end: str
    people: int
    recipients: list[PickupPerson] = Field(default_factory=list)
    contact: Contact
    status: str
    cancel_deadline: Day

    @property
    def resource_type_id(self) -> str:
        """The counter is the resource type its slots were booked on."""
        return self.counter


def live_until(appointment: Appointment) -> datetime:
    """When an appointment stops counting as the person's live one: its end (Tokyo)."""
    hours, minutes = (int(part) for part in (appointment.end or "24:00").split(":"))
    day_start = datetime.combine(appointment.date, time(0), TOKYO)
    return day_start + timedelta(hours=hours, minutes=minutes)


class AppointmentCreated(Appointment):
    password: str = Field(description="Shown once; also e-mailed. Needed to look up or cancel.")


class StaffAppointment(CamelModel):
    """An appointment as staff see it, with the address its party confirmed."""

    appointment: Appointment
    email: str | None = None


APPOINTMENT_CSV_HEADER = [
    "receiptNumber",
    "date",
    "start",
    "end",
    "counter",
    "counterName",
    "people",
    "recipients",
    "contactName",
    "contactPhone",
    "contactEmail2",
    "status",
]


def appointments_csv(appointments: list[Appointment]) -> str:
    """The day's (or month's) counter appointments, one a line, as the staff list orders
    them (domain/spreadsheet.py: BOM, CRLF, typed texts made safe). `recipients` are the
    names of who comes to collect, in the request's order, joined by '、'."""
    return csv_text(
        APPOINTMENT_CSV_HEADER,
        (
            [
                a.receipt_number,
                a.date.isoformat(),
                a.start,
                a.end,
                a.counter,
                typed(a.counter_name),
                a.people,
                typed("、".join(r.name for r in a.recipients)),
                typed(a.contact.name),
                typed(a.contact.phone),
                typed(a.contact.email2),
                a.status,
            ]
            for a in appointments
        ),
    )
