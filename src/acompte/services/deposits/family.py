"""A document's deposit family and the figures every deposit use case reads: the deposit invoices of an order
(and of what was made from it) with what each still holds, a document's VAT breakdown, the room left on an
order or an invoice, and the checks shared by the deposit forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from acompte.domain.deposit_usage import DepositUsage, Family
from acompte.domain.deposits import Breakdown, issued_breakdown, parse_percent, percent_of
from acompte.domain.documents import Document, Flow, Kind, Line, State
from acompte.domain.errors import (
    CurrencyMismatch,
    DepositOnCancelledDocument,
    InvalidSetting,
    MissingDepositAmount,
    NotADepositSource,
    Reason,
)
from acompte.domain.lifecycle import KIND_LABELS
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.domain.payments import Direction
from acompte.domain.vat import split_gross_by_rate
from acompte.services import positions
from acompte.services.deposits.records import DepositInvoiceSummary
from acompte.services.ports import Ctx, UnitOfWork

COMMERCIAL_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY})
PAYMENT_TARGETS = Reason.DEPOSIT_PAYMENT_TARGET
DEPOSIT_TARGETS = Reason.DEPOSIT_INVOICE_TARGET


def money_text(money: Money) -> str:
    return str(money.amount)


def doc_label(document: Document) -> str:
    return f"{KIND_LABELS[document.kind]} {document.label}"


def breakdown_of(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> Breakdown:
    """A document's VAT breakdown: stored for deposit documents, computed from the lines otherwise."""
    stored = uow.deposits.breakdowns(ctx.company_id, [document]).get(document.id)
    return issued_breakdown(document, stored, company.vat_rounding)


def ancestors_of(uow: UnitOfWork, ctx: Ctx, document: Document) -> list[Document]:
    """The documents `document` was made from, nearest first (delivery note, order, quote)."""
    chain: list[Document] = []
    seen = {document.id}
    current = document
    while current.origin_id is not None and current.origin_id not in seen and len(chain) < 6:
        current = uow.documents.get(ctx.company_id, current.origin_id)
        seen.add(current.id)
        chain.append(current)
    return chain


def usages_of(uow: UnitOfWork, ctx: Ctx, company: Company, deposits: Sequence[Document]) -> dict[int, DepositUsage]:
    deposits = [d for d in deposits if d.kind is Kind.DEPOSIT_INVOICE]
    if not deposits:
        return {}
    ids = [d.id for d in deposits]
    reversals = uow.deposits.attached(ctx.company_id, ids, [Kind.DEPOSIT_CREDIT_NOTE.value])
    breakdowns = dict(uow.deposits.breakdowns(ctx.company_id, list(deposits) + reversals))
    for deposit in deposits:
        breakdowns[deposit.id] = breakdowns.get(deposit.id) or breakdown_of(uow, ctx, company, deposit)
    return positions.deposit_usages(uow, ctx, deposits, breakdowns)


def summary_of(uow: UnitOfWork, usage: DepositUsage) -> DepositInvoiceSummary:
    deposit = usage.deposit
    paid = total(
        (a.amount for a in uow.allocations.for_document(deposit.company_id, deposit.id) if a.payment_id is not None),
        deposit.currency,
    )
    return DepositInvoiceSummary(
        id=deposit.id,
        number=deposit.number,
        issue_date=deposit.issue_date,
        state=deposit.state.value,
        party_id=deposit.party_id,
        gross=deposit.gross,
        reversed=usage.reversed(drafts=False),
        deducted=usage.deducted(),
        paid=paid,
        available=usage.available_for_deduction(),
    )


def family_of(uow: UnitOfWork, ctx: Ctx, company: Company, root: Document) -> Family:
    descendants = uow.deposits.descendants(ctx.company_id, root.id)
    deposits = [d for d in descendants if d.kind is Kind.DEPOSIT_INVOICE and d.state is not State.CANCELLED]
    finals = [d.id for d in descendants if d.kind is Kind.INVOICE and d.state is State.VALIDATED]
    return Family(
        root=root,
        descendants=tuple(descendants),
        usages=usages_of(uow, ctx, company, deposits),
        cancelled=frozenset(uow.positions.invoice_cancellations(ctx.company_id, finals)),
    )


def allocated_to(uow: UnitOfWork, document: Document) -> Money:
    return uow.documents.settlement(document).allocated


def available_for_deposit(
    uow: UnitOfWork, ctx: Ctx, company: Company, document: Document, *, exclude: int | None = None
) -> Money:
    """Room for a new deposit on a commercial document: gross − payments on it − what other documents
    (final invoices, deposit invoices, drafts included) already carry."""
    family = family_of(uow, ctx, company, document)
    return document.gross - allocated_to(uow, document) - family.committed(drafts=True, exclude_deposit=exclude)


def check_source(document: Document, kinds: frozenset[Kind], reason: Reason) -> None:
    if document.state is State.CANCELLED:
        raise DepositOnCancelledDocument(document=doc_label(document))
    if document.kind not in kinds:
        raise NotADepositSource(kind=document.kind, reason=reason)


def direction_of(flow: Flow) -> Direction:
    return Direction.IN if flow is Flow.SALE else Direction.OUT


def percent_or_amount(base: Money, amount: Money | None, percent: Decimal | str | None) -> tuple[Money, Decimal | None]:
    if amount is not None and percent is not None:
        raise InvalidSetting(reason=Reason.AMOUNT_OR_PERCENT)
    if percent is not None:
        pct = parse_percent(percent)
        return percent_of(base, pct), pct
    if amount is None:
        raise MissingDepositAmount(document="ce document")
    if amount.currency != base.currency:
        raise CurrencyMismatch(left=amount.currency, right=base.currency)
    return amount, None


def one_rate(gross: Money, rate: Decimal) -> Breakdown:
    """A gross amount at one rate: net = gross / (1 + rate) half-up, VAT = the rest (550.00 stays 550.00)."""
    return split_gross_by_rate(gross, {rate: gross})


def same_line(entry: Mapping[str, Any], line: Line) -> bool:
    return entry.get("designation") == line.designation and entry.get("item_id") == line.item_id


def requested_deposit(document: Document, data: Mapping[str, Any]) -> tuple[Money | None, Decimal | None]:
    return requested_of(document.gross, data)


def requested_of(gross: Money, data: Mapping[str, Any]) -> tuple[Money | None, Decimal | None]:
    """The deposit noted on a document of total `gross` (its `data`): a percentage follows the current total."""
    raw = data.get("deposit_request")
    if not raw:
        return None, None
    if raw.get("percent") is not None:
        pct = Decimal(raw["percent"])
        return percent_of(gross, pct), pct
    return Money.of(raw["amount"], gross.currency), None


def room_on(uow: UnitOfWork, invoice: Document, *, exclude_deposit: int | None = None) -> Money:
    """What a document can still receive: gross − allocations − deductions (the deduction of `exclude_deposit`
    counted as room, for a deduction about to be replaced)."""
    settlement = uow.documents.settlement(invoice)
    room = invoice.gross - settlement.allocated - settlement.deducted
    if exclude_deposit is not None:
        current = next(
            (
                d
                for d in uow.deposits.deductions(invoice.company_id, invoice_id=invoice.id)
                if d.deposit_invoice_id == exclude_deposit
            ),
            None,
        )
        if current is not None:
            room = room + current.amount
    return room
