"""The query of the staff lists and exports that cover a day or a month:
`?date=YYYY-MM-DD` or `?month=YYYY-MM`, exactly one (services.staff_reservations.period)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from yoyaku.domain.model import QueryDate

Day = Annotated[QueryDate | None, Query(alias="date", description="One day (Tokyo date).")]
Month = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}$", description="A whole month, `YYYY-MM`.")
]
