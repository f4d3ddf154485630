"""How credit notes react to the ledger: a credit note must still fit the invoices it corrects when it is
issued, then settles or cancels them; a credit note's use released from a document shows on the credit note."""

from __future__ import annotations

from acompte.domain.documents import Kind
from acompte.domain.events import AllocationRemoved, DocumentIssuing, DocumentValidated
from acompte.services import credits
from acompte.services.ports import Ctx, UnitOfWork


def on_document_issuing(uow: UnitOfWork, ctx: Ctx, notice: DocumentIssuing) -> None:
    if notice.document.kind is Kind.CREDIT_NOTE:
        credits.before_issue(uow, ctx, notice.document)


def on_document_validated(uow: UnitOfWork, ctx: Ctx, event: DocumentValidated) -> None:
    assert event.document_id is not None
    if uow.documents.get(ctx.company_id, event.document_id).kind is Kind.CREDIT_NOTE:
        credits.after_issue(uow, ctx, event.document_id, today=event.on)


def on_allocation_removed(uow: UnitOfWork, ctx: Ctx, event: AllocationRemoved) -> None:
    if event.credit_document_id is not None:
        assert event.document_id is not None
        credits.credit_use_released(uow, ctx, event, uow.documents.get(ctx.company_id, event.document_id))
