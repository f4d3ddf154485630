"""Reading deposits: where a quote, order or delivery note stands with its deposits, what its validated
documents invoice, a deposit invoice as its page and PDF show it, and a document's VAT breakdown as issued."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from acompte.domain.deposits import DEPOSIT_KINDS, Breakdown, DepositAction, to_company_currency
from acompte.domain.documents import Kind
from acompte.domain.errors import InvalidTransition, NotFound
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.services import documents, positions
from acompte.services.deposits.family import (
    allocated_to,
    breakdown_of,
    family_of,
    requested_deposit,
    summary_of,
    usages_of,
)
from acompte.services.deposits.records import DepositInvoiceView, DepositPosition
from acompte.services.ports import Ctx, UnitOfWork


def position_of(uow: UnitOfWork, ctx: Ctx, company: Company, document_id: int) -> DepositPosition:
    document = uow.documents.get(ctx.company_id, document_id)
    currency = document.currency
    zero = Money.zero(currency)
    requested, requested_pct = requested_deposit(document, uow.documents.data(ctx.company_id, document_id))
    family = family_of(uow, ctx, company, document)
    deposit_payments = allocated_to(uow, document)
    summaries = tuple(summary_of(uow, u) for u in sorted(family.usages.values(), key=lambda u: u.deposit.id))
    deposit_invoiced = total(
        (u.deposit.gross - u.reversed(drafts=False) for u in family.deposits(drafts=False) if u.currency == currency),
        currency,
    )
    paid_on_deposits = total(
        (s.paid for s in summaries if s.state == "validated" and s.gross.currency == currency), currency
    )
    final_invoiced = total((f.gross for f in family.finals(drafts=False) if f.currency == currency), currency)
    invoiced = family.committed(drafts=False)
    outstanding = (document.gross - deposit_payments - invoiced).max(zero)
    available = (document.gross - deposit_payments - family.committed(drafts=True)).max(zero)
    if document.kind is Kind.QUOTE and requested is not None:
        net_to_pay = document.gross - requested
    else:
        net_to_pay = (document.gross - deposit_payments - deposit_invoiced).max(zero)
    foreign = currency != company.currency and document.exchange_rate is not None
    return DepositPosition(
        document=document,
        gross=document.gross,
        requested=requested,
        requested_percent=requested_pct,
        deposit_payments=deposit_payments,
        deposit_invoices=summaries,
        deposit_invoiced=deposit_invoiced,
        deposits_paid=deposit_payments + paid_on_deposits,
        final_invoiced=final_invoiced,
        invoiced=invoiced,
        outstanding=outstanding,
        available_for_deposit=available,
        net_to_pay=net_to_pay,
        company_currency=company.currency,
        gross_in_company_currency=to_company_currency(document.gross, document.exchange_rate, company.currency)
        if foreign
        else None,
        outstanding_in_company_currency=to_company_currency(outstanding, document.exchange_rate, company.currency)
        if foreign
        else None,
    )


def deposit_position(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DepositPosition:
    """The deposits of a quote, order or delivery note (see DepositPosition)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        return position_of(uow, ctx, company, document_id)


def invoiced_amounts(uow: UnitOfWork, ctx: Ctx, document_ids: Sequence[int]) -> dict[int, Money]:
    """For each quote, order or delivery note: its `invoiced` amount (validated documents only; see the module
    docstring), as its position gives it."""
    with uow:
        ids = list(dict.fromkeys(document_ids))
        roots = uow.documents.headers(ctx.company_id, ids)
        for document_id in ids:
            if document_id not in roots:
                raise NotFound(entity="Document", id=document_id)
        found = positions.positions(uow, ctx, [roots[i] for i in ids])
        return {i: found[i].invoiced or Money.zero(roots[i].currency) for i in ids}


def deposit_invoice_view(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DepositInvoiceView:
    """A deposit invoice or deposit credit note as its page and its PDF show it (see DepositInvoiceView)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        if document.kind not in DEPOSIT_KINDS:
            raise InvalidTransition(action=DepositAction.SHOW_DEPOSIT, kind=document.kind, state=document.state)
        data = uow.documents.data(ctx.company_id, document_id)
        info = data.get("deposit") or {}
        currency = document.currency
        usage = usages_of(uow, ctx, company, [document]).get(document.id)
        return DepositInvoiceView(
            document=documents.get_document(uow, ctx, document_id),
            origin_number=info.get("origin_number") or (data.get("deposit_credit") or {}).get("deposit_number"),
            origin_gross=Money.of(info["origin_gross"], currency) if info.get("origin_gross") else None,
            previous=Money.of(info.get("previous", "0"), currency),
            remaining=Money.of(info.get("remaining", "0"), currency),
            basis=str(info.get("basis", "amount")),
            percent=Decimal(info["percent"]) if info.get("percent") else None,
            lines=tuple(info.get("lines", ()) or (data.get("deposit_credit") or {}).get("lines", ())),
            breakdown=breakdown_of(uow, ctx, company, document),
            summary=summary_of(uow, usage) if usage is not None else None,
        )


def document_breakdown(uow: UnitOfWork, ctx: Ctx, document_id: int) -> Breakdown:
    """A document's VAT breakdown as issued: for deposit invoices and deposit credit notes the stored split of
    their gross (their lines cannot recompute it exactly); for other documents the breakdown of their lines.
    Exports (PDF, Factur-X, journal entries) must read deposit documents' VAT here."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        return breakdown_of(uow, ctx, company, uow.documents.get(ctx.company_id, document_id))
