"""Pages of the lists that can grow: at most `limit` items, and where the next page starts.

A client asks for `limit` items and passes back the `nextToken` of the page it got. The
token is opaque to clients and to this layer: the store that wrote it is the only one
that reads it (it names a position in that store's own sort order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page[T]:
    """One page of a list; `next_token` is None on the last page."""

    items: list[T]
    next_token: str | None = None

    def map[U](self, convert: Callable[[T], U]) -> Page[U]:
        return Page([convert(item) for item in self.items], self.next_token)
