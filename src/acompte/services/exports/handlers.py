"""How e-invoicing and the issued files react to the ledger: an invoice about to be issued must be valid for
e-invoicing; once issued, its file is produced and frozen — last, so that it shows what the other handlers
planned (deductions, settlements), and in the deduction encoding fixed on it first (`deduction_encoding`)."""

from __future__ import annotations

from acompte.domain.accounting.currency import checked_rate
from acompte.domain.documents import Kind
from acompte.domain.events import DocumentIssuing, DocumentValidated
from acompte.services.exports import deduction_encoding, einvoicing, issued_files
from acompte.services.ports import Ctx, UnitOfWork

#: documents whose entries are booked in the company's currency at their own exchange rate
_BOOKED_KINDS = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE})


def on_document_issuing(uow: UnitOfWork, ctx: Ctx, notice: DocumentIssuing) -> None:
    check_exchange_rate(uow, ctx, notice)
    einvoicing.check_before_issue(uow, ctx, notice.document, notice.number)


def check_exchange_rate(uow: UnitOfWork, ctx: Ctx, notice: DocumentIssuing) -> None:
    """A document booked in the books, in a currency other than the company's, is issued with its exchange rate.
    A credit note without one takes that of the invoice it corrects (it reverses that invoice's booking)."""
    document = notice.document
    company = uow.companies.get(ctx.company_id)
    if document.kind not in _BOOKED_KINDS or document.currency == company.currency:
        return
    rate = document.exchange_rate
    if rate is None and document.kind is Kind.CREDIT_NOTE and document.origin_id is not None:
        rate = uow.documents.get(ctx.company_id, document.origin_id).exchange_rate
        if rate is not None:
            uow.deposits.set_exchange_rate(ctx.company_id, document.id, rate)
    checked_rate(rate, document.currency, company.currency, piece=document.label[:1].upper() + document.label[1:])


def on_document_validated(uow: UnitOfWork, ctx: Ctx, event: DocumentValidated) -> None:
    assert event.document_id is not None
    deduction_encoding.fix_at_issue(uow, ctx, event.document_id)
    issued_files.freeze(uow, ctx, event.document_id)
