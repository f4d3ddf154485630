"""What a party has in hand in one flow and currency: payments with money left (unallocated payments and
overpayments) and credit notes with an unused amount."""

from __future__ import annotations

from acompte.domain.credits import direction_of
from acompte.domain.documents import Flow
from acompte.services import credits
from acompte.services.credits.views import CreditNoteView, OverpaymentView
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.queries import EVERYTHING, in_hand


def payments_in_hand(
    uow: UnitOfWork, ctx: Ctx, *, flow: Flow, currency: str, party_id: int | None = None
) -> list[OverpaymentView]:
    """Active payments of the flow's direction with money left: unallocated payments and overpayments."""
    return [
        v
        for v in credits.list_overpayments(uow, ctx, party_id=party_id, flow=flow, limit=EVERYTHING)
        if v.amount.currency == currency and v.direction == direction_of(flow).value
    ]


def credit_notes_in_hand(
    uow: UnitOfWork, ctx: Ctx, *, flow: Flow, currency: str, party_id: int | None = None
) -> list[CreditNoteView]:
    """Validated credit notes of the flow with an unused amount (written-off ones are out for good)."""
    with uow:
        views = uow.credits.credit_notes(ctx.company_id, party_id=party_id, flow=flow.value, currency=currency)
        return [v for v in views if in_hand(v.use)]
