"""What every request must be before any route reads it, checked in one place.

- The body's media type, matched as RFC 9110 says: type and subtype case-insensitive,
  parameters after `;` (only `charset=utf-8` means anything here). A route takes
  `application/json` unless it registered another type with `accepts`; anything else is
  415 UNSUPPORTED_MEDIA_TYPE, whatever Powertools would have guessed from a prefix.
- The bytes: UTF-8, or 422 on `body`.
- JSON: an object, nested at most MAX_DEPTH deep, without NaN or Infinity (which JSON
  does not have), or 422 on `body`.
- Text: every string (keys and values, query and path parameters, CSV) passes
  `domain.text.forbidden_character`, or 422 naming where it was.

The check returns the normalised request: a JSON body's `Content-Type` becomes plain
`application/json`, so Powertools' own parsing (a prefix match) agrees with this one.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.text import describe, forbidden_character

MAX_DEPTH = 32  # no request model nests deeper than a few levels

_RFC_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # noqa: S105 - RFC 9110 token characters
_MEDIA_TYPE = re.compile(rf"^\s*({_RFC_TOKEN})/({_RFC_TOKEN})\s*((?:;.*)?)$", re.DOTALL)
_PARAMETER = re.compile(rf'\s*;\s*({_RFC_TOKEN})=({_RFC_TOKEN}|"(?:[^"\\]|\\.)*")\s*', re.DOTALL)


@dataclass(frozen=True)
class MediaType:
    type: str
    subtype: str
    parameters: dict[str, str] = field(default_factory=dict)

    @property
    def essence(self) -> str:
        return f"{self.type}/{self.subtype}"


JSON = "application/json"
CSV = "text/csv"

# (method, API Gateway resource path) -> the media type its body must have, for the
# few routes whose body is not JSON. Registered by the route's module with `accepts`.
_ACCEPTS: dict[tuple[str, str], str] = {}


def accepts(media_type: str, method: str, path: str) -> None:
    """Declares that `method path` (`/v1/x/{id}` or Powertools' `/v1/x/<id>`) takes
    `media_type` bodies instead of JSON; the OpenAPI document says so too."""
    _ACCEPTS[(method.upper(), re.sub(r"<(\w+)>", r"{\1}", path))] = media_type


def accepted(method: str, resource: str) -> str:
    return _ACCEPTS.get((method.upper(), resource), JSON)


def non_json_routes() -> dict[tuple[str, str], str]:
    return dict(_ACCEPTS)


def parse_media_type(value: str) -> MediaType | None:
    """`type/subtype; name=value` (RFC 9110 §8.3.1), or None when it is not one."""
    found = _MEDIA_TYPE.match(value)
    if found is None:
        return None
    parameters: dict[str, str] = {}
    rest = found[3]
    while rest.strip():
        parameter = _PARAMETER.match(rest)
        if parameter is None:
            return None
        raw = parameter[2]
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        parameters[parameter[1].lower()] = raw
        rest = rest[parameter.end() :]
    return MediaType(found[1].lower(), found[2].lower(), parameters)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def _media_problem(content_type: str | None, expected: str) -> DomainError | None:
    media = parse_media_type(content_type or "")
    if media is None or media.essence != expected:
        return DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    charset = media.parameters.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        return DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    return None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_deep(value: Any) -> bool:
    """Whether `value` nests deeper than MAX_DEPTH (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON value with the field path it was found at (`a.b[0]`)."""
    pending: list[tuple[Any, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            yield where or "body", item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                yield child_path, key
                pending.append((child, child_path))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{i}]") for i, child in enumerate(item))


def _text_problem(where: str, text: str) -> DomainError | None:
    char = forbidden_character(text)
    if char is None:
        return None
    return DomainError.invalid(where or "body", "forbidden_character", character=describe(char))


def read_json(text: str) -> Any:
    """The JSON value of `text`; ValueError for anything that is not plain JSON."""
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise ValueError("nested too deep") from None
    if _too_deep(value):
        raise ValueError("nested too deep")
    return value


def _body_problem(event: dict[str, Any]) -> DomainError | None:
    raw = event.get("body")
    if not raw:
        return None
    expected = accepted(str(event.get("httpMethod") or ""), str(event.get("resource") or ""))
    problem = _media_problem(_header(event.get("headers"), "content-type"), expected)
    if problem is not None:
        return problem
    try:
        text = base64.b64decode(raw).decode("utf-8") if event.get("isBase64Encoded") else raw
    except (ValueError, UnicodeDecodeError):
        return DomainError.invalid("body", "utf8_invalid")
    if expected != JSON:
        return _text_problem("body", text)
    try:
        value = read_json(text)
    except ValueError:
        return DomainError.invalid("body", "json_invalid")
    if value is not None and not isinstance(value, dict):  # null: PUT reception-hours
        return DomainError.invalid("body", "model_type")
    for where, string in _strings(value):
        problem = _text_problem(where, string)
        if problem is not None:
            return problem
    return None


def _parameter_problem(event: dict[str, Any]) -> DomainError | None:
    sources = (
        event.get("pathParameters") or {},
        event.get("queryStringParameters") or {},
        {
            k: v
            for k, values in (event.get("multiValueQueryStringParameters") or {}).items()
            for v in values
        },
    )
    for parameters in sources:
        for name, value in parameters.items():
            for text in (name, value):
                problem = _text_problem(name, str(text))
                if problem is not None:
                    return problem
    return None


def request_problem(event: dict[str, Any]) -> DomainError | None:
    """What is wrong with this API Gateway proxy event's input, if anything."""
    return _parameter_problem(event) or _body_problem(event)


def normalised(event: dict[str, Any]) -> dict[str, Any]:
    """The event as routes should see it: a checked JSON body declared as plain
    `application/json`, so every JSON reader agrees on what it is."""
    if not event.get("body"):
        return event
    expected = accepted(str(event.get("httpMethod") or ""), str(event.get("resource") or ""))
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    headers["Content-Type"] = expected
    multi = {
        k: v
        for k, v in (event.get("multiValueHeaders") or {}).items()
        if k.lower() != "content-type"
    }
    multi["Content-Type"] = [expected]
    return {**event, "headers": headers, "multiValueHeaders": multi}
