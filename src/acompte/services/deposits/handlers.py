"""How deposits react to the ledger's documents, inside the publisher's unit of work: changing lines keeps
deposits within the new total, converting makes the money follow, issuing checks and deducts, deleting a draft
lets go of what it carried, and an invoice cancelled in full by a credit note sends its deposits back.

The bus handlers (`on_…`, wired in `bootstrap.message_bus()`) adapt a message to the deposit rules below; none
opens its own transaction: a refusal raised here undoes the publisher's use case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from acompte.domain.credit_events import InvoiceCreditedInFull
from acompte.domain.deposit_events import DepositInvoiceMoved, DepositReversed
from acompte.domain.deposits import DEPOSIT_KINDS, DepositSettings, check_deposit, percent_of
from acompte.domain.documents import Document, Kind, Line, State
from acompte.domain.errors import (
    DepositedLineRemoval,
    DepositFormRequired,
    DepositOnCancelledDocument,
    DepositRequiredBeforeDelivery,
    MissingDepositAmount,
    OrderBelowDeposits,
    ReversalExceedsDeposit,
)
from acompte.domain.events import (
    DocumentConverted,
    DocumentValidated,
    DraftDeleting,
    LinesChanging,
    RecallLinesTyped,
)
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.services.deposits.deduction_plans import (
    apply_automatic,
    deduction_candidates,
    default_deductions,
    publish_not_deducted,
    replan_automatic,
    undeducted_of,
)
from acompte.services.deposits.deductions import deduct_recall_lines
from acompte.services.deposits.family import (
    COMMERCIAL_KINDS,
    allocated_to,
    ancestors_of,
    doc_label,
    family_of,
    money_text,
    requested_deposit,
    same_line,
    usages_of,
)
from acompte.services.deposits.follow import carry, return_invoice_deposits, return_to_origin
from acompte.services.deposits.plans import previous_deposits
from acompte.services.deposits.settings import default_deposit
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork

# -- the bus handlers ---------------------------------------------------------------------------------------------


def on_lines_changing(uow: UnitOfWork, ctx: Ctx, notice: LinesChanging) -> None:
    check_lines_change(uow, ctx, notice.document, notice.lines, notice.gross)


def on_recall_lines_typed(uow: UnitOfWork, ctx: Ctx, notice: RecallLinesTyped) -> None:
    """Deposit recall lines typed on a draft final invoice become its deductions (`deduct_recall_lines`)."""
    deduct_recall_lines(uow, ctx, notice.document, notice.lines)


def on_document_validated(uow: UnitOfWork, ctx: Ctx, event: DocumentValidated) -> None:
    assert event.document_id is not None
    on_validate(uow, ctx, uow.documents.get(ctx.company_id, event.document_id), event.on)


def on_draft_deleting(uow: UnitOfWork, ctx: Ctx, notice: DraftDeleting) -> None:
    before_delete(uow, ctx, notice.document)


def on_document_converted(uow: UnitOfWork, ctx: Ctx, event: DocumentConverted) -> None:
    assert event.document_id is not None
    on_convert(uow, ctx, uow.documents.get(ctx.company_id, event.document_id), event.target_id)


def on_invoice_credited_in_full(uow: UnitOfWork, ctx: Ctx, event: InvoiceCreditedInFull) -> None:
    """A credit note cancels an invoice (`document_id`) in full: the money carried from its order goes back
    there and the deposit invoices it deducted are free again, before the credit note settles what the invoice
    still owes (see `return_deposits_to_origin`)."""
    assert event.document_id is not None
    return_invoice_deposits(uow, ctx, event.document_id)


# -- the rules they apply -----------------------------------------------------------------------------------------


def check_lines_change(uow: UnitOfWork, ctx: Ctx, document: Document, lines: Sequence[Line], gross: Money) -> None:
    """Before a document's lines change: deposit documents change through the deposit form; an order cannot
    drop below its deposit invoices, nor lose a line whose deposit was invoiced (unless a deposit credit note
    reversed it)."""
    if document.kind in DEPOSIT_KINDS:
        raise DepositFormRequired(document=doc_label(document))
    if document.kind is Kind.INVOICE and document.state is State.DRAFT and gross != document.gross:
        company = uow.companies.get(ctx.company_id)
        if DepositSettings.from_settings(company.settings).deduct_all:
            replan_automatic(uow, ctx, company, replace(document, gross=gross), "invoice total changed")
    if document.kind not in COMMERCIAL_KINDS:
        return
    company = uow.companies.get(ctx.company_id)
    family = family_of(uow, ctx, company, document)
    own = [u for u in family.deposits(drafts=False) if u.deposit.origin_id == document.id]
    carried = total((u.deposit.gross - u.reversed(drafts=False) for u in own), document.currency)
    if gross < carried:
        raise OrderBelowDeposits(document=doc_label(document), gross=str(gross), deposits=str(carried))
    for usage in own:
        if not (usage.deposit.gross - usage.reversed(drafts=False)).is_positive:
            continue
        entries = uow.documents.data(ctx.company_id, usage.deposit.id).get("deposit", {}).get("lines", [])
        reversed_lines = [
            e
            for d, _ in usage.reversals
            if d.state is State.VALIDATED
            for e in uow.documents.data(ctx.company_id, d.id).get("deposit_credit", {}).get("lines", [])
        ]
        for entry in entries:
            if any(
                r.get("designation") == entry["designation"] and r.get("item_id") == entry.get("item_id")
                for r in reversed_lines
            ):
                continue
            if not any(same_line(entry, line) for line in lines):
                raise DepositedLineRemoval(designation=entry["designation"], deposit=usage.deposit.label)


def _required_deposit(uow: UnitOfWork, ctx: Ctx, company: Company, order: Document) -> Money:
    requested, _ = requested_deposit(order, uow.documents.data(ctx.company_id, order.id))
    if requested is not None:
        return requested
    try:
        amount, percent = default_deposit(uow, ctx, company, order)
    except MissingDepositAmount:
        return Money.zero(order.currency)
    if amount is not None:
        return amount
    assert percent is not None  # default_deposit gives a percentage whenever it gives no amount
    return percent_of(order.gross, percent)


def _check_delivery(uow: UnitOfWork, ctx: Ctx, company: Company, delivery_origin: Document | None) -> None:
    if delivery_origin is None or delivery_origin.kind is not Kind.ORDER:
        return
    if not DepositSettings.from_settings(company.settings).block_delivery:
        return
    required = _required_deposit(uow, ctx, company, delivery_origin)
    if not required.is_positive:
        return
    family = family_of(uow, ctx, company, delivery_origin)
    paid = total(
        (
            a.amount
            for a in uow.allocations.for_document(ctx.company_id, delivery_origin.id)
            if a.payment_id is not None
        ),
        delivery_origin.currency,
    )
    paid = paid + total(
        (
            a.amount
            for u in family.deposits(drafts=False)
            for a in uow.allocations.for_document(ctx.company_id, u.deposit.id)
            if a.payment_id is not None
        ),
        delivery_origin.currency,
    )
    if paid < required:
        raise DepositRequiredBeforeDelivery(document=doc_label(delivery_origin), required=str(required), paid=str(paid))


def on_convert(uow: UnitOfWork, ctx: Ctx, source: Document, target_id: int) -> None:
    """After a document is made from another: the exchange rate follows; quote → order: the deposit noted,
    the payments and the deposit invoices follow to the order; order → delivery note: the delivery block is
    checked; → invoice: the payments follow (carry_deposits), then, with « déduire à 100 % », the deposit
    invoices are deducted on the draft by default — so that the draft shows the net to pay it will be issued
    with, and the user changes the deductions there rather than discovering them at issue."""
    company = uow.companies.get(ctx.company_id)
    target = uow.documents.get(ctx.company_id, target_id)
    if source.exchange_rate is not None and target.exchange_rate is None:
        uow.deposits.set_exchange_rate(ctx.company_id, target.id, source.exchange_rate)
    if target.kind is Kind.DELIVERY:
        _check_delivery(uow, ctx, company, source)
    elif target.kind is Kind.ORDER and source.kind is Kind.QUOTE:
        data = uow.documents.data(ctx.company_id, source.id)
        if data.get("deposit_request"):
            target_data = uow.documents.data(ctx.company_id, target.id)
            target_data["deposit_request"] = data["deposit_request"]
            uow.documents.set_data(ctx.company_id, target.id, target_data)
        for deposit in uow.deposits.attached(ctx.company_id, [source.id], [Kind.DEPOSIT_INVOICE.value]):
            if deposit.state is State.CANCELLED:
                continue
            uow.documents.update(ctx.company_id, deposit.id, origin_id=target.id)
            publish(
                uow,
                ctx,
                DepositInvoiceMoved(
                    company_id=ctx.company_id,
                    document_id=deposit.id,
                    party_id=deposit.party_id,
                    origin_before=source.id,
                    origin_after=target.id,
                    document_number=target.number,
                    deposit_number=deposit.number,
                ),
            )
        carry(uow, ctx, target, [source])
    elif target.kind is Kind.INVOICE:
        ancestors = [a for a in ancestors_of(uow, ctx, target) if a.kind in COMMERCIAL_KINDS]
        uow.deposits.lock_documents(ctx.company_id, [a.id for a in ancestors])
        carry(uow, ctx, target, ancestors)
        if DepositSettings.from_settings(company.settings).deduct_all:
            default_deductions(uow, ctx, company, uow.documents.get(ctx.company_id, target.id))


def on_validate(uow: UnitOfWork, ctx: Ctx, document: Document, today: date) -> None:
    """After a document is numbered (same transaction; any error undoes the numbering):
    deposit invoice: it must still fit in its order, and it records the order's figures it shows;
    deposit credit note: it must still fit in its deposit invoice, and settles what is unpaid there;
    final invoice: automatic deductions (setting « déduire à 100 % »: those not on the draft yet, except the ones
    the user removed), then a DepositNotDeducted event for each deposit invoice it leaves undeducted (the web
    asked first; the API answers them: `undeducted_warnings`); delivery note: the delivery block."""
    company = uow.companies.get(ctx.company_id)
    if document.kind is Kind.DEPOSIT_INVOICE and document.origin_id is not None:
        origin = uow.documents.get(ctx.company_id, document.origin_id, lock=True)
        if origin.state is State.CANCELLED:
            raise DepositOnCancelledDocument(document=doc_label(origin))
        if origin.kind in COMMERCIAL_KINDS:
            family = family_of(uow, ctx, company, origin)
            available = (
                origin.gross - allocated_to(uow, origin) - family.committed(drafts=True, exclude_deposit=document.id)
            )
            check_deposit(document.gross, available, doc_label(origin))
            previous = previous_deposits(uow, origin, family, exclude=document.id)
            data = uow.documents.data(ctx.company_id, document.id)
            info = dict(data.get("deposit") or {})
            info.update(
                {
                    "origin_number": origin.number,
                    "origin_gross": money_text(origin.gross),
                    "previous": money_text(previous),
                    "remaining": money_text(origin.gross - previous - document.gross),
                }
            )
            data["deposit"] = info
            uow.documents.set_data(ctx.company_id, document.id, data)
    elif document.kind is Kind.DEPOSIT_CREDIT_NOTE and document.origin_id is not None:
        deposit = uow.documents.get(ctx.company_id, document.origin_id, lock=True)
        usage = usages_of(uow, ctx, company, [deposit])[deposit.id]
        available = usage.available_for_reversal(document.id)
        if document.gross > available:
            raise ReversalExceedsDeposit(requested=str(document.gross), available=str(available), deposit=deposit.label)
        unpaid = uow.documents.settlement(deposit).balance_due
        settle = document.gross.min(unpaid)
        allocation_id = None
        if settle.is_positive:
            allocation_id = uow.allocations.add(
                ctx.company_id, document_id=deposit.id, amount=settle, credit_document_id=document.id
            )
        else:  # the deposit invoice was paid: the whole credit note is a credit in the party's favour
            settle = Money.zero(document.currency)
        reversed_ = DepositReversed(
            company_id=ctx.company_id,
            document_id=deposit.id,
            party_id=deposit.party_id,
            allocation_id=allocation_id,
            amount=settle,
            credit_number=document.number,
            deposit_number=deposit.number,
            deposit_balance_before=unpaid,
            credit_left=document.gross - settle,
        )
        publish(uow, ctx, reversed_)
        publish(uow, ctx, replace(reversed_, document_id=document.id, party_id=document.party_id))
    elif document.kind is Kind.INVOICE:
        if DepositSettings.from_settings(company.settings).deduct_all:
            numbered = uow.documents.get(ctx.company_id, document.id)
            replan_automatic(uow, ctx, company, numbered, "planned again on issue")
            apply_automatic(uow, ctx, company, uow.documents.get(ctx.company_id, document.id, lock=True))
        else:
            _, warnings = deduction_candidates(uow, ctx, company, document)
            for warning in warnings:
                publish_not_deducted(uow, ctx, document, warning)
        issued = uow.documents.get(ctx.company_id, document.id)
        usages, _ = deduction_candidates(uow, ctx, company, issued)
        for warning in undeducted_of(uow, ctx, company, issued, usages):
            publish_not_deducted(uow, ctx, issued, warning)
    elif document.kind is Kind.DELIVERY and document.origin_id is not None:
        _check_delivery(uow, ctx, company, uow.documents.get(ctx.company_id, document.origin_id))


def before_delete(uow: UnitOfWork, ctx: Ctx, document: Document) -> None:
    """Before a draft is deleted: a draft invoice sends its carried payments back to their order and frees the
    deposit invoices it deducted; a deposit document's VAT split goes with it."""
    if document.kind is Kind.INVOICE or uow.deposits.carried_to(ctx.company_id, document.id):
        return_to_origin(uow, ctx, document)
    if document.kind in DEPOSIT_KINDS:
        uow.deposits.delete_breakdown(ctx.company_id, document.id)
