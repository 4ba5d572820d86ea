"""Page tokens: where the next page of a Query starts, opaque to clients.

A token is base64url of `[1, list, position]`. `list` names the list and its filter (a
review-queue token is no good for another status); `position` is the sort key of the
last item returned. The next page is a Query of the *caller's own* partition with the
condition "sort key after the position", so a token never carries a partition key and
cannot reach anyone else's items: an edited token at best moves within the caller's own
list. Every list's sort key is unique within its partition, so "after" skips nothing.

A token that does not decode, names another list, or holds a position that cannot be a
sort key of that list is refused as a 422 on `nextToken` before any read.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
import re
from collections.abc import Iterable, Iterator
from itertools import islice

from yoyaku.domain.errors import DomainError
from yoyaku.domain.paging import Page

VERSION = 1
# Generous for every list's sort key, far below DynamoDB's 1,024 bytes.
MAX_POSITION = 200

# Pieces of the sort keys, for the position patterns of the stores.
INSTANT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})"
ID = r"[a-z]{3}_[A-Za-z0-9_-]{1,40}"


def encode(scope: str, position: str) -> str:
    raw = json.dumps([VERSION, scope, position], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def invalid() -> DomainError:
    """The 422 on `nextToken` of a token that cannot be this list's."""
    return DomainError.invalid("nextToken", "page_token_invalid")


def decode(token: str | None, scope: str, position: re.Pattern[str]) -> str | None:
    """The position a token names in the list `scope`, None without a token."""
    if token is None:
        return None
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
        value = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid() from None
    if not (
        isinstance(value, list)
        and len(value) == 3
        and value[0] == VERSION
        and value[1] == scope
        and isinstance(value[2], str)
        and 0 < len(value[2]) <= MAX_POSITION
        and position.fullmatch(value[2])
    ):
        raise invalid()
    return value[2]


def collect[T](keyed: Iterable[tuple[str, T]], limit: int, scope: str) -> Page[T]:
    """The first `limit` items of `keyed` (sort key, item), in order; a token when one
    more follows. Reading one item past the page tells whether another page exists, so
    the last page never comes with a token that leads to an empty one."""
    items = list(islice(keyed, limit + 1))
    if len(items) <= limit:
        return Page([item for _, item in items])
    page = items[:limit]
    return Page([item for _, item in page], encode(scope, page[-1][0]))


def merge[T](*sources: Iterable[tuple[str, T]]) -> Iterator[tuple[str, T]]:
    """Several partitions' items, each in sort-key order, as one list in that order."""
    return heapq.merge(*sources, key=lambda keyed: keyed[0])
