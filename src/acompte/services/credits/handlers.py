"""How credit notes react to the ledger: a credit note must still fit the invoices it corrects when it is
issued, then settles or cancels them; an invoice cancelled by credit notes is settled by them; a credit note's
use released from a document, or its refund unwound, shows on the credit note (written off too when the credit
note was written off: a write-off is final), and so does a use its order could not take back when an invoice's
deposits went back to it. Each handler runs inside the publisher's unit of work."""

from __future__ import annotations

from acompte.domain.credit_events import InvoiceCreditedInFull, RefundUnwound
from acompte.domain.deposit_events import DepositReturned
from acompte.domain.documents import Kind
from acompte.domain.events import AllocationRemoved, CreditUseUndoing, DocumentIssuing, DocumentValidated
from acompte.services.credits import notes, refunds, uses
from acompte.services.ports import Ctx, UnitOfWork


def on_document_issuing(uow: UnitOfWork, ctx: Ctx, notice: DocumentIssuing) -> None:
    if notice.document.kind is Kind.CREDIT_NOTE:
        notes.before_issue(uow, ctx, notice.document)


def on_document_validated(uow: UnitOfWork, ctx: Ctx, event: DocumentValidated) -> None:
    assert event.document_id is not None
    if uow.documents.get(ctx.company_id, event.document_id).kind is Kind.CREDIT_NOTE:
        notes.after_issue(uow, ctx, event.document_id)


def on_invoice_credited_in_full(uow: UnitOfWork, ctx: Ctx, event: InvoiceCreditedInFull) -> None:
    notes.settle_cancelled_invoice(uow, ctx, event)


def on_allocation_removed(uow: UnitOfWork, ctx: Ctx, event: AllocationRemoved) -> None:
    if event.credit_document_id is not None:
        assert event.document_id is not None
        uses.credit_use_released(uow, ctx, event, uow.documents.get(ctx.company_id, event.document_id))


def on_credit_use_undoing(uow: UnitOfWork, ctx: Ctx, notice: CreditUseUndoing) -> None:
    uses.undo_credit_use(uow, ctx, notice.allocation_id, reason=notice.reason)


def on_refund_unwound(uow: UnitOfWork, ctx: Ctx, event: RefundUnwound) -> None:
    refunds.refund_unwound(uow, ctx, event)


def on_deposit_returned(uow: UnitOfWork, ctx: Ctx, event: DepositReturned) -> None:
    uses.credit_use_returned(uow, ctx, event)
