"""E-invoicing: the EN 16931 view of an issued document (for Factur-X), what refuses issue, and the « Encaissée »
lifecycle status.

A credit note names the invoices it corrects through its `origin_id` (an invoice or deposit invoice) or the
`corrected_ids` list in its data. Deposit invoices deducted from a final invoice are read from the deposits
capability (`issued_vat.deducted_deposits`); payments received before the invoice date count as paid amount
(BT-113). Deposit documents carry their VAT as issued (`issued_vat.issued_parts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from acompte.domain.accounting import FactLine, Nature, VatPart, convert, vat_parts
from acompte.domain.credits import corrected_ids
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import INVOICE_KINDS, Document, Flow, Kind, State
from acompte.domain.einvoicing import (
    PAID_AT_ISSUE,
    DeductedDeposit,
    DocumentLine,
    EInvoice,
    EInvoiceAction,
    EParty,
    EReference,
    build_einvoice,
    check_einvoice,
    check_issuable,
)
from acompte.domain.errors import InvalidSetting, InvalidTransition, NotFullyPaid, Reason
from acompte.domain.export_events import EInvoiceStatusSet
from acompte.domain.money import Money, total
from acompte.domain.parties import Company, Party
from acompte.services.exports.deduction_encoding import encoding_of
from acompte.services.exports.issued_vat import DEPOSIT_DOCUMENT_KINDS, deducted_deposits, issued_parts
from acompte.services.messagebus import publish
from acompte.services.payment_terms import applied_terms
from acompte.services.ports import Ctx, UnitOfWork

ENCAISSEE = "encaissee"
STATUS_LABELS = {ENCAISSEE: "Encaissée"}


def corrected_documents(uow: UnitOfWork, ctx: Ctx, document: Document) -> list[Document]:
    """The issued invoices a credit note corrects (origin, or `corrected_ids` in its data)."""
    data = uow.exports.document_data(ctx.company_id, document.id)
    found = []
    for document_id in corrected_ids(document.origin_id, data):
        other = uow.documents.get(ctx.company_id, document_id)
        if other.kind in (Kind.INVOICE, Kind.DEPOSIT_INVOICE) and other.state is State.VALIDATED and other.number:
            found.append(other)
    return found


def check_before_issue(uow: UnitOfWork, ctx: Ctx, document: Document, number: str) -> None:
    """Called by validation: an issued sale invoice or credit note must be valid for e-invoicing (number format;
    a credit note must name the invoice it corrects). Purchase documents are received, not issued: not checked."""
    if document.flow is not Flow.SALE or document.kind not in INVOICE_KINDS:
        return
    corrects = [d.number for d in corrected_documents(uow, ctx, document) if d.number]
    check_issuable(document.kind, number, corrects)


def _seller(company: Company) -> EParty:
    return EParty(company.name, company.siren or "", company.vat_number or "", company.address)


def _buyer(party: Party) -> EParty:
    return EParty(party.name, party.siren, party.vat_number, party.address, party.email)


def _natures(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> dict[int | None, Nature]:
    data = uow.exports.document_data(ctx.company_id, document.id)
    default = Nature(data.get("nature") or (company.settings.get("accounting") or {}).get("default_nature") or "goods")
    kinds = uow.exports.item_kinds(
        ctx.company_id, [line.item_id for line in document.lines if line.item_id is not None]
    )
    result: dict[int | None, Nature] = {None: default}
    for item_id, kind in kinds.items():
        result[item_id] = Nature.SERVICES if kind == "service" else Nature.GOODS
    return result


def _origin_parts(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> tuple[VatPart, ...]:
    """The VAT parts, with their natures, of the order (or quote, delivery note) a deposit document comes from:
    a deposit takes the nature of what it is paid on, as its journal entries do (exports.facts)."""
    seen = {document.id}
    current = document
    while current.origin_id is not None and current.origin_id not in seen:
        current = uow.documents.get(ctx.company_id, current.origin_id)
        seen.add(current.id)
        if current.kind not in DEPOSIT_DOCUMENT_KINDS:
            natures = _natures(uow, ctx, company, current)
            facts = [FactLine(ln.net, ln.vat_rate, natures.get(ln.item_id, natures[None])) for ln in current.lines]
            return vat_parts(facts, current.currency, company.vat_rounding)
    return ()


def settled_at_issue(uow: UnitOfWork, ctx: Ctx, document: Document, deducted: Money) -> date | None:
    """The day an invoice or deposit invoice was wholly paid, if that was on or before its issue date: the
    payments allocated to it dated on or before the issue cover its total less the deposit invoices it deducts.
    None otherwise (nothing to pay, or something left to pay at issue)."""
    if document.kind not in (Kind.INVOICE, Kind.DEPOSIT_INVOICE) or document.flow is not Flow.SALE:
        return None
    needed = document.gross - deducted
    if not needed.is_positive:
        return None
    received = Money.zero(document.currency)
    last: date | None = None
    for allocation in uow.allocations.for_document(ctx.company_id, document.id):
        if allocation.payment_id is None:
            continue
        payment = uow.payments.get(ctx.company_id, allocation.payment_id)
        if payment.payment_date <= document.issue_date:
            received = received + allocation.amount
            last = payment.payment_date if last is None else max(last, payment.payment_date)
    return last if received >= needed else None


def paid_at_issue(uow: UnitOfWork, ctx: Ctx, document: Document) -> date | None:
    """The payment day of a document paid at issue (cadre « déjà payée », B2/S2/M2; « Facture acquittée » on its
    PDF), as decided when it was issued and kept in its data: an issued file is produced once from facts that
    later payments never change. A document issued before this was kept is read from its dated payments."""
    data = uow.exports.document_data(ctx.company_id, document.id)
    if PAID_AT_ISSUE in data:
        value = data[PAID_AT_ISSUE]
        return date.fromisoformat(value) if value else None
    deducted = total((d.gross for d in deducted_deposits(uow, ctx, document)), document.currency)
    return settled_at_issue(uow, ctx, document, deducted)


def fix_paid_at_issue(uow: UnitOfWork, ctx: Ctx, document: Document) -> None:
    """Keep, at issue, whether the document is paid at issue (called once, when its file is frozen)."""
    if document.kind not in (Kind.INVOICE, Kind.DEPOSIT_INVOICE) or document.flow is not Flow.SALE:
        return
    data = uow.documents.data(ctx.company_id, document.id)
    if PAID_AT_ISSUE in data:  # announced by the use case that records the payment with the issue
        return
    on = paid_at_issue(uow, ctx, document)
    uow.documents.set_data(ctx.company_id, document.id, {**data, PAID_AT_ISSUE: on.isoformat() if on else None})


def einvoice_for(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    deductions: Sequence[DeductedDeposit] | None = None,
) -> EInvoice:
    """The e-invoice of an issued sale invoice, deposit invoice or credit note; raises what would fail."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        if document.kind not in INVOICE_KINDS or document.state is not State.VALIDATED or not document.number:
            raise InvalidTransition(action=EInvoiceAction.PRODUCE, kind=document.kind, state=document.state)
        if document.flow is not Flow.SALE:
            raise InvalidSetting(reason=Reason.EINVOICE_SALES_ONLY)
        party = uow.parties.get(ctx.company_id, document.party_id)
        natures = _natures(uow, ctx, company, document)
        lines = [
            DocumentLine(
                line.designation,
                line.quantity,
                line.unit_price,
                line.discount_percent,
                line.vat_rate,
                line.net,
                natures.get(line.item_id, natures[None]),
            )
            for line in document.lines
        ]
        own_parts = vat_parts(
            [FactLine(line.net, line.rate, line.nature) for line in lines], document.currency, company.vat_rounding
        )
        if deductions is None:
            deductions = deducted_deposits(uow, ctx, document, own_parts)
        issued_vat = None
        if document.kind in DEPOSIT_DOCUMENT_KINDS:
            reference = _origin_parts(uow, ctx, company, document) or own_parts
            issued_vat = issued_parts(uow, ctx, document, reference, natures[None])
        advances = Money.zero(document.currency)
        if document.kind is Kind.INVOICE:
            for allocation in uow.allocations.for_document(ctx.company_id, document.id):
                if allocation.payment_id is None:
                    continue
                payment = uow.payments.get(ctx.company_id, allocation.payment_id)
                if payment.payment_date < document.issue_date:
                    advances = advances + allocation.amount
        corrects = [EReference(d.number, d.issue_date) for d in corrected_documents(uow, ctx, document) if d.number]
        order_reference = ""
        if document.origin_id is not None and document.kind in (Kind.INVOICE, Kind.DEPOSIT_INVOICE):
            origin = uow.documents.get(ctx.company_id, document.origin_id)
            if origin.kind in (Kind.ORDER, Kind.QUOTE) and origin.number:
                order_reference = origin.number
        settings = company.settings
        terms = applied_terms(uow, ctx, document)
        encoding = encoding_of(uow, ctx, document, company)
        invoice = build_einvoice(
            kind=document.kind,
            number=document.number,
            issue_date=document.issue_date,
            currency=document.currency,
            seller=_seller(company),
            buyer=_buyer(party),
            lines=lines,
            rounding=company.vat_rounding,
            deductions=deductions,
            advances=advances,
            corrects=corrects,
            encoding=encoding,
            vat_on_debits=bool((settings.get("accounting") or {}).get("vat_on_debits", False)),
            due_date=terms.due_date if terms.due_date and terms.due_date >= document.issue_date else None,
            delivery_date=document.issue_date,
            order_reference=order_reference,
            paid_on=paid_at_issue(uow, ctx, document),
            legal_notes=dict(settings.get("legal") or {}),
            payment_terms=terms.text or str((settings.get("legal") or {}).get("payment_terms", "")),
            issued_vat=issued_vat,
            regime=party.regime,
            exemption=party.exemption,
        )
        if document.currency != company.currency and document.exchange_rate is not None:
            accounting_vat = total(
                (convert(part.vat, document.exchange_rate, company.currency) for part in invoice.vat),
                company.currency,
            )
            invoice = replace(invoice, vat_in_accounting_currency=accounting_vat)
        check_einvoice(invoice)
        return invoice


# -- the « Encaissée » status ---------------------------------------------------------------------------------------


def mark_collected(uow: UnitOfWork, ctx: Ctx, document_id: int, *, on: date | None = None) -> None:
    """Mark an issued sale invoice as « Encaissée » (e-invoicing lifecycle status): only once nothing is due."""
    check_optional(on, DateField.DATE)
    on = on or uow.clock.today()
    with uow:
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        if (
            document.kind not in (Kind.INVOICE, Kind.DEPOSIT_INVOICE)
            or document.flow is not Flow.SALE
            or document.state is not State.VALIDATED
        ):
            raise InvalidTransition(action=EInvoiceAction.MARK_COLLECTED, kind=document.kind, state=document.state)
        settlement = uow.documents.settlement(document)
        if not settlement.balance_due.is_zero:
            raise NotFullyPaid(document=document.label, balance=str(settlement.balance_due))
        if any(s.status == ENCAISSEE for s in uow.exports.statuses(ctx.company_id, document_id)):
            return
        uow.exports.add_status(
            ctx.company_id, document_id, status=ENCAISSEE, status_date=on, amount=settlement.settled, actor=ctx.actor
        )
        publish(
            uow,
            ctx,
            EInvoiceStatusSet(
                company_id=ctx.company_id,
                document_id=document_id,
                party_id=document.party_id,
                status=ENCAISSEE,
                on=on,
                amount=settlement.settled,
            ),
        )
        uow.commit()


def statuses(uow: UnitOfWork, ctx: Ctx, document_id: int) -> list[dict[str, Any]]:
    with uow:
        uow.documents.get(ctx.company_id, document_id)
        return [
            {
                "status": s.status,
                "label": STATUS_LABELS.get(s.status, s.status),
                "date": s.status_date,
                "amount": s.amount,
            }
            for s in uow.exports.statuses(ctx.company_id, document_id)
        ]


def document_natures(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> dict[int | None, Nature]:
    """Goods or services, by the item of each line (None: the document's default), as the e-invoice reads them."""
    return _natures(uow, ctx, company, document)
