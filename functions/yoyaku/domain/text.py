"""The one rule for text anyone sends: no character that hides or corrupts what is shown.

Every string of every request (JSON keys and values, query and path parameters, CSV
imports) passes this rule at the API boundary, so a new route gets it without asking.
Line breaks and tabs are text; control characters, bidirectional overrides (which make
a notice or a name read differently from what is stored), unpaired surrogates (which
cannot be encoded to UTF-8 at all) and Unicode non-characters are not.
"""

from __future__ import annotations

import unicodedata
from functools import cache

ALLOWED_CONTROLS = frozenset("\t\n\r")
# Explicit direction marks, embeddings, overrides and isolates (Unicode bidi controls).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that the rule refuses, or None when all is well."""
    if text.isascii() and text.isprintable():
        return None  # the common case, decided in C
    for char in text:
        if char in ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in BIDI_CONTROLS or _noncharacter(char):
            return char
    return None


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _ranges() -> str:
    """The refused characters of the Basic Multilingual Plane as a regex class body."""
    refused = [
        c
        for c in range(0x10000)
        if not 0xD800 <= c <= 0xDFFF  # surrogates never reach a decoded string
        and chr(c) not in ALLOWED_CONTROLS
        and (
            unicodedata.category(chr(c)) == "Cc" or chr(c) in BIDI_CONTROLS or _noncharacter(chr(c))
        )
    ]
    parts: list[str] = []
    start = previous = refused[0]
    for code in [*refused[1:], -1]:
        if code != previous + 1:
            parts.append(f"\\u{start:04X}" + (f"-\\u{previous:04X}" if previous != start else ""))
            start = code
        previous = code
    return "".join(parts)


@cache
def text_pattern() -> str:
    """The same rule as a JSON Schema pattern (ECMA-262 syntax, which Python's re also
    reads), so the OpenAPI document tells clients which characters a string may not
    have. Only the document needs it (built on first use, not at cold start); the
    noncharacters beyond the Basic Multilingual Plane are refused but not named here."""
    return f"^[^{_ranges()}]*$"


def describe(char: str) -> str:
    """How a refused character is named in a message: `U+202E`."""
    return f"U+{ord(char):04X}"
