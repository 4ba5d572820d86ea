"""The base of every model that crosses the API: camelCase JSON, unknown fields refused,
and the same rules for numbers, dates and instants in every field of every model.

The rules live here, on the base class, so that a field is covered because of its type,
not because its author remembered: a count is a JSON integer (not `true`, not `1e2`), a
date is exactly `YYYY-MM-DD`, and no date or instant lies outside SANE_FIRST..SANE_LAST
(date arithmetic on year 1 or 9999 overflows; no booking, birthdate or schedule needs
them). Narrower bounds (BookingDate) are the field's own.
"""

from __future__ import annotations

import re
import types
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from yoyaku.domain.calendar import FIRST_DAY, LAST_DAY

BookingDate = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
"""A date in a request: bounded, so date arithmetic on it cannot overflow."""

# Any date or instant a request may carry: birthdates since 1900, bookings until 2199.
SANE_FIRST = date(1900, 1, 1)
SANE_LAST = LAST_DAY
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_only(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise PydanticCustomError("date_format", "a date as YYYY-MM-DD")
    return value


QueryDate = Annotated[date, BeforeValidator(_date_only), Field(ge=FIRST_DAY, le=LAST_DAY)]
"""A date in a query string: the rules the model fields get from CamelModel (exactly
YYYY-MM-DD, bounded), for parameters that are not model fields."""


# pydantic's own date and instant types are not subclasses of date and datetime.
_PYDANTIC_DATES: dict[Any, type] = {
    AwareDatetime: datetime,
    NaiveDatetime: datetime,
    PastDatetime: datetime,
    FutureDatetime: datetime,
    PastDate: date,
    FutureDate: date,
}


def _accepts(annotation: Any) -> set[type]:
    """The scalar types a field annotation takes (through Optional, Annotated, unions)."""
    if annotation in _PYDANTIC_DATES:
        return {_PYDANTIC_DATES[annotation]}
    origin = get_origin(annotation)
    if origin is Annotated:
        return _accepts(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        found: set[type] = set()
        for arg in get_args(annotation):
            found |= _accepts(arg)
        return found
    return {annotation} if isinstance(annotation, type) else set()


def _item_annotation(annotation: Any) -> Any | None:
    """`X` of `list[X]` (also inside Optional or Annotated), or None."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _item_annotation(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        items = [_item_annotation(a) for a in get_args(annotation)]
        return next((i for i in items if i is not None), None)
    if origin in (list, tuple, set, frozenset):
        args = get_args(annotation)
        return args[0] if args else None
    return None


def _input_problem(annotation: Any, value: Any) -> tuple[str, str] | None:
    """The error kind for a raw input value of this annotation, before pydantic reads
    it, and where inside the value (`[2]` for a list's third item)."""
    accepted = _accepts(annotation)
    if isinstance(value, bool) and accepted & {int, float} and bool not in accepted:
        return ("int_type" if int in accepted else "float_type"), ""
    if (
        bool in accepted
        and not accepted & {int, float, str}
        and isinstance(value, int | float | str)
        and not isinstance(value, bool)
    ):
        return "bool_type", ""  # lax mode would read 0, 1.0 or "yes" as a choice
    if isinstance(value, float) and int in accepted and float not in accepted:
        return "int_type", ""  # one rule for every count: 1e2 and 2.0 are not integers
    if (
        isinstance(value, int | float)
        and accepted & {date, datetime}
        and not accepted
        & {
            int,
            float,
        }
    ):
        # pydantic's lax mode reads a number as seconds since 1970: dates are strings.
        return ("datetime_type" if datetime in accepted else "date_type"), ""
    if (
        isinstance(value, str)
        and date in accepted
        and datetime not in accepted
        and str not in accepted
        and not _ISO_DATE.match(value)
    ):
        return "date_format", ""  # "2026-12-01T00:00" is an instant, not a date
    item = _item_annotation(annotation)
    if item is not None and isinstance(value, list):
        for index, element in enumerate(value):
            problem = _input_problem(item, element)
            if problem is not None:
                return problem[0], f"[{index}]{problem[1]}"
    return None


def _out_of_range(value: Any) -> bool:
    if isinstance(value, datetime):
        # Compared on the value as written, before any conversion could overflow.
        return not SANE_FIRST.year <= value.year <= SANE_LAST.year
    if isinstance(value, date):
        return not SANE_FIRST <= value <= SANE_LAST
    if isinstance(value, list | tuple | set | frozenset):
        return any(_out_of_range(v) for v in value)
    return False


def _scalars(annotation: Any) -> set[type]:
    item = _item_annotation(annotation)
    return _accepts(annotation) | (_scalars(item) if item is not None else set())


class CamelModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        serialize_by_alias=True,
        defer_build=True,
    )

    # Per class, the fields these rules look at: (name, alias, annotation).
    _checked: ClassVar[tuple[tuple[str, str, Any], ...]] = ()
    _dated: ClassVar[tuple[tuple[str, str], ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = [(n, f.alias or n, f.annotation) for n, f in cls.model_fields.items()]
        cls._checked = tuple(
            f for f in fields if _scalars(f[2]) & {bool, int, float, date, datetime}
        )
        cls._dated = tuple((n, a) for n, a, t in fields if _scalars(t) & {date, datetime})

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers_and_dates(cls, data: Any) -> Any:
        """pydantic's lax mode would take `true` or `1e2` as a count and an instant as
        a date; every field of every model refuses them the same way."""
        if isinstance(data, dict):
            for name, alias, annotation in cls._checked:
                value = data.get(alias, data.get(name))
                problem = _input_problem(annotation, value)
                if problem is not None:
                    kind, where = problem
                    raise PydanticCustomError(kind, "a plain value", {"field": alias + where})
        return data

    @model_validator(mode="after")
    def _sane_dates(self) -> Any:
        for name, alias in self._dated:
            if _out_of_range(getattr(self, name)):
                raise PydanticCustomError(
                    "date_range",
                    "a date within range",
                    {
                        "field": alias,
                        "first": SANE_FIRST.isoformat(),
                        "last": SANE_LAST.isoformat(),
                    },
                )
        return self
