"""StaffFunction: sign-in, facilities, inventory, notices, reviews, reservations, appointment
lists and the audit trail."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.api import (
    lotteries,
    notices,
    reception,
    staff_appointments,
    staff_audit,
    staff_catalog,
    staff_citizens,
    staff_registration_cards,
    staff_reservations,
    staff_reviews,
    staff_sessions,
)
from yoyaku.api.app import create_app, refuse_bad_input
from yoyaku.entrypoints.observability import logger, metrics

app = create_app(
    staff_sessions.router,
    staff_catalog.router,
    notices.staff,
    staff_reviews.router,
    staff_appointments.router,
    staff_registration_cards.router,
    lotteries.staff,
    staff_audit.router,
    staff_reservations.router,
    reception.staff,
    staff_citizens.router,
)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
@refuse_bad_input
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
