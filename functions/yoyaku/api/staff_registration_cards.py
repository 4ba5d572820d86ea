"""Staff: the registration cards (利用者登録証) to mail, as a list or address-label CSV."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from yoyaku.api import auth
from yoyaku.api.paging import Limit, NextToken, Paged
from yoyaku.domain.paging import DEFAULT_LIMIT
from yoyaku.domain.registration_cards import (
    MailedResult,
    MarkMailed,
    RegistrationCard,
)
from yoyaku.services import registration_cards

router = Router()


class CardList(Paged):
    items: list[RegistrationCard]


@router.get(
    "/v1/staff/registration-cards",
    summary="Verified accounts whose registration card is still to be mailed",
    description="Oldest verification first, with the address to mail the card to, a "
    "page at a time (the labels CSV has them all).",
    tags=["staff"],
)
def list_cards(limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None) -> CardList:
    auth.staff(router)
    page = registration_cards.waiting_page(limit, next_token)
    return CardList(items=page.items, next_token=page.next_token)


@router.get(
    "/v1/staff/registration-cards/labels.csv",
    summary="The same list as a CSV for address labels",
    description="UTF-8 with a byte-order mark and a Japanese header line: 利用者番号, 氏名, "
    "氏名カナ, 郵便番号, 都道府県, 市区郡, 町村番地建物名, 在住・在勤, 本登録日時. "
    "Exporting marks nothing: mark the cards mailed once they are posted.",
    tags=["staff"],
    responses={
        200: {
            "description": "The address labels as CSV",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def export_labels() -> Response[str]:
    member = auth.staff(router)
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=registration_cards.export_labels(member),
        headers={"Content-Disposition": 'attachment; filename="registration-cards.csv"'},
    )


@router.post(
    "/v1/staff/registration-cards/mailed",
    summary="Mark registration cards mailed (they leave the list)",
    description="Cards not waiting (already marked, or never verified) are listed in "
    "`skipped`; the others in `mailed`.",
    tags=["staff"],
)
def mark_mailed(request: MarkMailed) -> MailedResult:
    member = auth.staff(router)
    return registration_cards.mark_mailed(request.user_numbers, member)
