"""Public postal code lookup (郵便番号⇒住所検索) for address forms."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic_core import PydanticCustomError

from yoyaku.domain.addresses import PostalCodeAddresses
from yoyaku.domain.errors import DomainError
from yoyaku.domain.people import normalise_postal_code
from yoyaku.services import postal_codes

router = Router()


@router.get(
    "/v1/postal-codes/<code>",
    summary="The addresses of a postal code",
    description="`code` is 7 digits, with or without the hyphen (`105-0011`, `1050011`). "
    "Most codes stand for one town; some for several (all are listed), a whole city "
    "(`town` empty) or one large office (`office` names it). 404 `NOT_FOUND` when Japan "
    "Post has no such code.",
    tags=["catalog"],
)
def get_postal_code(code: Annotated[str, Path(max_length=100)]) -> PostalCodeAddresses:
    try:
        # Whether the gateway decoded the path or not, `%EF%BC%91` is `１`.
        normalised = normalise_postal_code(unquote(code))
    except PydanticCustomError:
        raise DomainError.invalid("code", "postal_code") from None
    return postal_codes.lookup(normalised)
