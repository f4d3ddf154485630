"""Which flow and currency a party account read covers when the caller does not say."""

from __future__ import annotations

from acompte.domain.documents import Flow
from acompte.domain.parties import Party
from acompte.services.ports import Ctx, UnitOfWork


def flow_for(party: Party, flow: Flow | None) -> Flow:
    """The flow asked for, else the party's own: sales for a customer, purchases for a supplier."""
    if flow is not None:
        return flow
    return Flow.SALE if party.is_customer else Flow.PURCHASE


def account_currency(uow: UnitOfWork, ctx: Ctx, currency: str | None) -> str:
    """The currency asked for, else the company's."""
    return currency or uow.companies.get(ctx.company_id).currency
