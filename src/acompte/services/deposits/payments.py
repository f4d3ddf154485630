"""Deposit payments (règlements d'acompte): money received from a customer or paid to a supplier on an order,
a delivery note or an invoice, without a deposit invoice; recorded at once or attached afterwards."""

from __future__ import annotations

from datetime import date

from acompte.domain.dates import DateField, check_optional
from acompte.domain.deposit_events import DepositPaymentAttached
from acompte.domain.deposits import DEPOSIT_TARGET_KINDS, check_deposit
from acompte.domain.documents import Document, Kind
from acompte.domain.errors import CurrencyMismatch, MissingDepositAmount, PartyMismatch
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.services import payments
from acompte.services.deposits.family import (
    PAYMENT_TARGETS,
    allocated_to,
    available_for_deposit,
    check_source,
    direction_of,
    doc_label,
    family_of,
    percent_or_amount,
    requested_deposit,
)
from acompte.services.deposits.records import DepositForm
from acompte.services.deposits.settings import default_deposit
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView, PaymentView


def room_for_payment(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> Money:
    """What a deposit payment may still settle: an invoice's balance due, an order's room for deposits."""
    if document.kind is Kind.INVOICE:
        return uow.documents.settlement(document).balance_due
    return available_for_deposit(uow, ctx, company, document)


def deposit_form(uow: UnitOfWork, ctx: Ctx, document_id: int, *, today: date | None = None) -> DepositForm:
    """The deposit form of an order, delivery note or invoice: what the party owes on it, what they already
    paid, and the default amount — on an order or a delivery note the deposit asked for (the one noted on it,
    else the party's, item's or company's default percentage) less what was paid, else all that remains."""
    check_optional(today, DateField.DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        check_source(document, DEPOSIT_TARGET_KINDS, PAYMENT_TARGETS)
        party = uow.parties.get(ctx.company_id, document.party_id)
        paid = allocated_to(uow, document)
        remaining = room_for_payment(uow, ctx, company, document).max(Money.zero(document.currency))
        deposit_invoiced = Money.zero(document.currency)
        if document.kind is not Kind.INVOICE:
            family = family_of(uow, ctx, company, document)
            deposit_invoiced = total((u.carried() for u in family.deposits(drafts=False)), document.currency)
        default_amount = remaining
        if document.kind is not Kind.INVOICE:
            asked = _asked_deposit(uow, ctx, company, document)
            if asked is not None and (asked - paid).is_positive:
                default_amount = min(asked - paid, remaining, key=lambda money: money.amount)
        return DepositForm(
            document=document,
            party_name=party.name,
            gross=document.gross,
            already_paid=paid,
            deposit_invoiced=deposit_invoiced,
            remaining=remaining,
            default_amount=default_amount,
            default_date=today or uow.clock.today(),
            methods=tuple((m.code, m.label, m.digital) for m in company.methods),
        )


def record_deposit_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    method: str,
    amount: Money | None = None,
    payment_date: date | None = None,
    reference: str = "",
    comment: str = "",
    account_id: int | None = None,
) -> PaymentView:
    """Record a deposit payment (règlement d'acompte, no deposit invoice) on an order, a delivery note or an
    invoice: received from a customer (sales) or paid to a supplier (purchases). The amount defaults to all
    that remains; the payment keeps the number of the document it was taken on (its origin)."""
    check_optional(payment_date, DateField.PAYMENT_DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        check_source(document, DEPOSIT_TARGET_KINDS, PAYMENT_TARGETS)
        room = room_for_payment(uow, ctx, company, document)
        value = amount if amount is not None else room
        if value.currency != document.currency:
            raise CurrencyMismatch(left=value.currency, right=document.currency)
        check_deposit(value, room, doc_label(document))
        view = payments.record_payment(
            uow,
            ctx,
            party_id=document.party_id,
            amount=value,
            method=method,
            direction=direction_of(document.flow),
            payment_date=payment_date,
            account_id=account_id,
            reference=reference,
            comment=comment,
            allocations=[(document.id, value)],
            origin_document_id=document.id,
            event_data={"deposit": True, "document_number": document.number},
        )
        uow.commit()
        return view


def attach_deposit_payment(
    uow: UnitOfWork, ctx: Ctx, payment_id: int, document_id: int, *, amount: Money | None = None
) -> AllocationView:
    """Attach a previously recorded payment (its unallocated part) to an order, delivery note or invoice of
    the same party, as a deposit."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        payment = uow.payments.get(ctx.company_id, payment_id, lock=True)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        check_source(document, DEPOSIT_TARGET_KINDS, PAYMENT_TARGETS)
        if payment.party_id != document.party_id:
            raise PartyMismatch(document=document.label, source=payment.number)
        if payment.currency != document.currency:
            raise CurrencyMismatch(left=payment.currency, right=document.currency)
        room = room_for_payment(uow, ctx, company, document)
        free = payment.amount - uow.payments.allocated(payment)
        value = amount if amount is not None else free.min(room)
        check_deposit(value, room, doc_label(document))
        view = payments.allocate(uow, ctx, payment_id=payment_id, document_id=document_id, amount=value)
        publish(
            uow,
            ctx,
            DepositPaymentAttached(
                company_id=ctx.company_id,
                document_id=document.id,
                payment_id=payment_id,
                party_id=document.party_id,
                payment_number=payment.number,
                amount=value,
                document_number=document.number,
            ),
        )
        uow.commit()
        return view


def _asked_deposit(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> Money | None:
    """The deposit an order asks for: the one noted on it, else its default percentages; None without either."""
    requested, _percent = requested_deposit(document, uow.documents.data(ctx.company_id, document.id))
    if requested is not None:
        return requested
    try:
        amount, percent = default_deposit(uow, ctx, company, document)
    except MissingDepositAmount:
        return None
    return percent_or_amount(document.gross, amount, percent)[0]
