"""The query parameters and answer shape of every list that can grow:
`?limit=&nextToken=` → `{items, nextToken?}`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from yoyaku.domain.model import CamelModel
from yoyaku.domain.paging import DEFAULT_LIMIT, MAX_LIMIT

Limit = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Items per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    ),
]
NextToken = Annotated[
    str | None,
    Query(
        alias="nextToken",
        min_length=1,
        max_length=1000,
        description="The `nextToken` of the previous page, unchanged. A token that was "
        "altered or belongs to another list (or filter) is refused with 422.",
    ),
]


class Paged(CamelModel):
    """The `nextToken` of a page; absent on the last page."""

    next_token: str | None = Field(
        default=None,
        exclude_if=lambda token: token is None,
        description="Pass as `nextToken` to get the next page; absent on the last page.",
    )
