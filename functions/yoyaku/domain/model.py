"""The base of every model that crosses the API: camelCase JSON, unknown fields refused."""

from __future__ import annotations

import types
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from yoyaku.domain.calendar import FIRST_DAY, LAST_DAY

BookingDate = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
"""A date in a request: bounded, so date arithmetic on it cannot overflow."""


def _is_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_number(a) for a in get_args(annotation) if a is not type(None))
    return False


class CamelModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        serialize_by_alias=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, data: Any) -> Any:
        """pydantic's lax mode would take `true` as 1: a count must be a number."""
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                value = data.get(field.alias or name, data.get(name))
                if isinstance(value, bool) and _is_number(field.annotation):
                    raise PydanticCustomError(
                        "int_type", "a number", {"field": field.alias or name}
                    )
        return data
