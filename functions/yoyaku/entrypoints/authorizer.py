"""Lambda REQUEST authorizers: resolve the bearer token to a principal.

A missing or unknown token raises "Unauthorized", which API Gateway answers with 401
(the UNAUTHORIZED gateway response in template.yaml). A valid token of the wrong kind,
such as a citizen token on a staff route, gets a Deny policy: 403 (ACCESS_DENIED); so
does a staff member whose role may not use the route (domain/staff.py).
Caching is off in the template so that signing out takes effect at once.
"""

from typing import Any

from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from yoyaku.domain.auth import PrincipalKind
from yoyaku.entrypoints.observability import logger
from yoyaku.services import sessions


def _authorize(event: APIGatewayAuthorizerRequestEvent, audience: PrincipalKind) -> dict[str, Any]:
    header = event.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    caller = sessions.caller(token.strip(), audience) if scheme.lower() == "bearer" else None
    if caller is None:
        raise Exception("Unauthorized")
    principal = caller.principal
    # The policy names the exact method ARN API Gateway sent (caching is off), so no
    # path, however odd its characters, has to be parsed or rebuilt here; the route's
    # template (`resource`) tells which permission a staff route needs.
    effect = "Allow" if principal.kind is audience else "Deny"
    if effect == "Deny":
        logger.info("token of another kind refused", extra={"kind": principal.kind.value})
    elif audience is PrincipalKind.STAFF and not (
        caller.staff and caller.staff.may_call(event.http_method, event.resource)
    ):
        effect = "Deny"
        logger.info("staff role refused", extra={"resource": event.resource})
    return {
        "principalId": principal.id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event.method_arn}
            ],
        },
        "context": caller.to_context(),
    }


@event_source(data_class=APIGatewayAuthorizerRequestEvent)
def staff(event: APIGatewayAuthorizerRequestEvent, context: LambdaContext) -> dict[str, Any]:
    return _authorize(event, PrincipalKind.STAFF)


@event_source(data_class=APIGatewayAuthorizerRequestEvent)
def citizen(event: APIGatewayAuthorizerRequestEvent, context: LambdaContext) -> dict[str, Any]:
    return _authorize(event, PrincipalKind.CITIZEN)
