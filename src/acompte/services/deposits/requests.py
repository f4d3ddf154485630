"""A deposit noted on a quote or an order: it generates no payment, the net to pay shown is gross − deposit."""

from __future__ import annotations

from decimal import Decimal

from acompte.domain.deposit_events import DepositRequested
from acompte.domain.deposits import DEPOSIT_SOURCE_KINDS, check_deposit
from acompte.domain.errors import Reason
from acompte.domain.money import Money
from acompte.services.deposits.family import check_source, doc_label, money_text, percent_or_amount
from acompte.services.deposits.records import DepositPosition
from acompte.services.deposits.settings import default_deposit
from acompte.services.deposits.views import position_of
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork


def request_deposit(
    uow: UnitOfWork, ctx: Ctx, document_id: int, *, amount: Money | None = None, percent: Decimal | str | None = None
) -> DepositPosition:
    """Note a deposit on a quote (or the deposit an order requires), as an amount or a percentage of the gross
    total. It generates no payment: the net to pay shown is gross − deposit. To collect it, issue a deposit
    invoice. Without amount and percentage, the default percentages (party, item) apply."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        check_source(document, DEPOSIT_SOURCE_KINDS, Reason.DEPOSIT_NOTED_ON_QUOTE_OR_ORDER)
        if amount is None and percent is None:
            amount, percent = default_deposit(uow, ctx, company, document)
        value, pct = percent_or_amount(document.gross, amount, percent)
        check_deposit(value, document.gross, doc_label(document))
        data = uow.documents.data(ctx.company_id, document_id)
        before = data.get("deposit_request")
        data["deposit_request"] = {"amount": money_text(value), "percent": None if pct is None else str(pct)}
        uow.documents.set_data(ctx.company_id, document_id, data)
        publish(
            uow,
            ctx,
            DepositRequested(
                company_id=ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                before=before,
                amount=value,
                percent=pct,
                gross=document.gross,
            ),
        )
        position = position_of(uow, ctx, company, document_id)
        uow.commit()
        return position


def clear_deposit_request(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DepositPosition:
    """Remove the deposit noted on a quote or an order."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        data = uow.documents.data(ctx.company_id, document_id)
        before = data.pop("deposit_request", None)
        uow.documents.set_data(ctx.company_id, document_id, data)
        publish(
            uow,
            ctx,
            DepositRequested(
                company_id=ctx.company_id, document_id=document.id, party_id=document.party_id, before=before
            ),
        )
        position = position_of(uow, ctx, company, document_id)
        uow.commit()
        return position
