"""Documents in a foreign currency: their exchange rate, and a balance in the company's currency."""

from __future__ import annotations

from decimal import Decimal

from acompte.domain import lifecycle
from acompte.domain.accounting.currency import checked_rate
from acompte.domain.deposit_events import ExchangeRateSet
from acompte.domain.deposits import parse_rate, to_company_currency
from acompte.domain.errors import DocumentFrozen
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money
from acompte.services import documents, versions
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView


def set_exchange_rate(
    uow: UnitOfWork, ctx: Ctx, document_id: int, rate: Decimal | str, *, expected_version: int | None = None
) -> DocumentView:
    """Set the exchange rate of a document in a foreign currency (company-currency units for one unit of the
    document's currency). Frozen once an invoice is issued. Refused for a document in the company's own currency
    (`exchange-rate-for-company-currency`)."""
    parse_rate(rate)
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(document, expected_version)
        value = checked_rate(rate, document.currency, company.currency, piece=document.label)
        assert value is not None  # a rate was given, for a foreign currency
        if not lifecycle.is_allowed(document.kind, document.state, Action.EDIT):
            raise DocumentFrozen(number=document.label)
        uow.deposits.set_exchange_rate(ctx.company_id, document_id, value)
        before = document.exchange_rate
        publish(
            uow,
            ctx,
            ExchangeRateSet(
                company_id=ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                rate_before=before,
                rate_after=value,
                currency=document.currency,
            ),
        )
        view = documents.get_document(uow, ctx, document_id)
        uow.commit()
        return view


def company_currency_balance(uow: UnitOfWork, ctx: Ctx, document_id: int) -> Money:
    """A document's balance due in the company's currency, using the document's exchange rate."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        balance = uow.documents.settlement(document).balance_due
        return to_company_currency(balance, document.exchange_rate, company.currency)
