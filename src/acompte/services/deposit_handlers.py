"""How deposits react to the ledger's documents: the money follows conversions, issuing checks and deducts,
deleting a draft lets go of what it carried, changing lines keeps deposits within the new total."""

from __future__ import annotations

from acompte.domain.credit_events import InvoiceCreditedInFull
from acompte.domain.events import DocumentConverted, DocumentValidated, DraftDeleting, LinesChanging
from acompte.services import deposits
from acompte.services.ports import Ctx, UnitOfWork


def on_lines_changing(uow: UnitOfWork, ctx: Ctx, notice: LinesChanging) -> None:
    deposits.check_lines_change(uow, ctx, notice.document, notice.lines, notice.gross)


def on_document_validated(uow: UnitOfWork, ctx: Ctx, event: DocumentValidated) -> None:
    assert event.document_id is not None
    deposits.on_validate(uow, ctx, uow.documents.get(ctx.company_id, event.document_id), event.on)


def on_draft_deleting(uow: UnitOfWork, ctx: Ctx, notice: DraftDeleting) -> None:
    deposits.before_delete(uow, ctx, notice.document)


def on_document_converted(uow: UnitOfWork, ctx: Ctx, event: DocumentConverted) -> None:
    assert event.document_id is not None
    deposits.on_convert(uow, ctx, uow.documents.get(ctx.company_id, event.document_id), event.target_id)


def on_invoice_credited_in_full(uow: UnitOfWork, ctx: Ctx, event: InvoiceCreditedInFull) -> None:
    """An invoice cancelled by credit notes sends the deposits it received back to their order, before its
    credit notes settle what it still owes."""
    assert event.document_id is not None
    deposits.return_deposits_to_origin(uow, ctx, event.document_id)
