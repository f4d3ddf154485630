"""How e-invoicing and the issued files react to the ledger: an invoice about to be issued must be valid for
e-invoicing; once issued, its file is produced and frozen — last, so that it shows what the other handlers
planned (deductions, settlements), and in the deduction encoding fixed on it first (`deduction_encoding`)."""

from __future__ import annotations

from acompte.domain.events import DocumentIssuing, DocumentValidated
from acompte.services.exports import deduction_encoding, einvoicing, issued_files
from acompte.services.ports import Ctx, UnitOfWork


def on_document_issuing(uow: UnitOfWork, ctx: Ctx, notice: DocumentIssuing) -> None:
    einvoicing.check_before_issue(uow, ctx, notice.document, notice.number)


def on_document_validated(uow: UnitOfWork, ctx: Ctx, event: DocumentValidated) -> None:
    assert event.document_id is not None
    deduction_encoding.fix_at_issue(uow, ctx, event.document_id)
    issued_files.freeze(uow, ctx, event.document_id)
