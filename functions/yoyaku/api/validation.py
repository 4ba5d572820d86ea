"""Turns pydantic's validation errors into Yoyaku field errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic_core import ErrorDetails

from yoyaku.domain.errors import FieldError

_SOURCES = {"body", "query", "path", "header", "cookie"}


def field_path(loc: Sequence[Any]) -> str:
    """`("body", "party", 0, "adults")` → `party[0].adults`."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "union[")):  # pydantic's internal steps
            path += ("." if path else "") + str(part)
    return path


def field_errors(errors: Sequence[ErrorDetails]) -> list[FieldError]:
    """Pydantic's errors (as Powertools passes them on, located in the request) as
    Yoyaku's field errors: a path such as `party[0].adults`, the kind and its context."""
    result: list[FieldError] = []
    for error in errors:
        ctx = dict(error.get("ctx") or {})
        path = field_path(error["loc"])
        if error["type"] == "json_invalid":
            path = "body"  # the location is a character position, not a field
        if "field" in ctx:  # model-level rules name the field they are about
            path = ".".join(p for p in (path, str(ctx.pop("field"))) if p)
        if "expected" in ctx:
            ctx["expected"] = str(ctx["expected"]).replace("'", "")
        for name, value in ctx.items():
            if isinstance(value, date):  # a bound such as `ge` reads 2000-01-01, not a repr
                ctx[name] = value.isoformat()
        result.append(FieldError(field=path or "body", kind=error["type"], params=ctx))
    return result
