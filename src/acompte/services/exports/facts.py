"""Reading stored documents and payments as accounting facts, for one transaction (`FactReader`), and the
company's accounting settings and closing day.

A credit note's reason decides its revenue account: a commercial gesture (a standalone credit note) is a price
reduction (709); a credit note made from the invoice's lines (a return, a cancellation) mirrors the invoice on
70x. A refund is a payment; it moves the account of the credit it gives back (`refund_flow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from acompte.domain.accounting import (
    AccountingSettings,
    CreditReason,
    DocumentFact,
    FactLine,
    Nature,
    PartyRef,
    VatPart,
    natured_parts,
    vat_parts,
)
from acompte.domain.credits import SourceKind
from acompte.domain.deposits import Breakdown, Deduction
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.einvoicing import DeductedDeposit, DeductionEncoding, recalled_parts
from acompte.domain.errors import InvalidSetting, Reason
from acompte.domain.parties import Company, Party
from acompte.domain.payments import Direction, Payment
from acompte.services.exports.deduction_encoding import encoding_in, recall_fact_lines
from acompte.services.exports.issued_vat import DEPOSIT_DOCUMENT_KINDS, parts_as_issued
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.exports import RefundSource

#: Deposit documents whose stored split is read per statement (a fixed count: the last batch is padded).
SPLITS_CHUNK = 250


def accounting_settings(company: Company) -> AccountingSettings:
    return AccountingSettings.from_settings(company.settings.get("accounting"))


def year_end_of(company: Company) -> tuple[int, int]:
    """The company's closing day (setting `accounting.fiscal_year_end` = "MM-DD", default "12-31")."""
    text = str((company.settings.get("accounting") or {}).get("fiscal_year_end", "12-31"))
    try:
        month, day = (int(x) for x in text.split("-"))
        date(2024, month, day)
    except ValueError:
        raise InvalidSetting(reason=Reason.CLOSING_DATE_FORMAT, value=text) from None
    return month, day


def party_ref(party: Party, flow: Flow) -> PartyRef:
    """Sub-ledger code: the party's own `account_code` setting, else C/F + its id."""
    code = str(party.settings.get("account_code") or f"{'C' if flow is Flow.SALE else 'F'}{party.id:05d}")
    return PartyRef(code, party.name)


class FactReader:
    """Turns stored documents and payments into accounting facts, with caches for one transaction.

    An export run tells it beforehand which documents and payments it will read (`prefetch`,
    `prefetch_payments`): their data, lines, items, parties, deposit splits and deductions are then read per
    batch, not one by one. Whatever was not announced is still read on demand."""

    def __init__(self, uow: UnitOfWork, ctx: Ctx, company: Company, settings: AccountingSettings) -> None:
        self.uow, self.ctx, self.company, self.settings = uow, ctx, company, settings
        self._docs: dict[int, Document] = {}
        self._data: dict[int, dict[str, Any]] = {}
        self._facts: dict[int, DocumentFact] = {}
        self._parties: dict[int, Party] = {}
        self._kinds: dict[int, str] = {}
        self._kinds_read: set[int] = set()
        self._splits: dict[int, Breakdown | None] = {}
        self._deductions: dict[int, list[Deduction]] | None = None
        self._all_deductions: list[Deduction] | None = None
        self._refunds: dict[int, RefundSource | None] = {}

    def remember(self, documents: Sequence[Document]) -> None:
        """Documents already read in bulk (the run's documents to post): not read again one by one."""
        for document in documents:
            self._docs.setdefault(document.id, document)

    def prefetch(self, document_ids: Iterable[int]) -> None:
        """Read per batch what `fact` needs of these documents: them, the documents deposit documents come from,
        their data, the kinds of their items, their parties and the stored splits of deposit documents."""
        company_id = self.ctx.company_id
        pending, seen = set(document_ids), set[int]()
        while pending:
            seen |= pending
            missing = pending - self._docs.keys()
            for document, data in self.uow.exports.documents_by_ids(company_id, missing) if missing else ():
                self._docs[document.id], self._data[document.id] = document, data
            origins = {
                doc.origin_id
                for doc in (self._docs.get(i) for i in pending)
                if doc is not None and doc.kind in DEPOSIT_DOCUMENT_KINDS and doc.origin_id is not None
            }
            pending = origins - seen
        known = [self._docs[i] for i in sorted(seen) if i in self._docs]
        self._data.update(self.uow.exports.documents_data(company_id, [d.id for d in known if d.id not in self._data]))
        items = {line.item_id for d in known for line in d.lines if line.item_id is not None} - self._kinds_read
        self._kinds.update(self.uow.exports.item_kinds(company_id, items))
        self._kinds_read |= items
        self.prefetch_parties(d.party_id for d in known)
        deposits = [d for d in known if d.kind in DEPOSIT_DOCUMENT_KINDS and d.id not in self._splits]
        for start in range(0, len(deposits), SPLITS_CHUNK):
            chunk = deposits[start : start + SPLITS_CHUNK]
            splits = self.uow.deposits.breakdowns(company_id, chunk + [chunk[-1]] * (SPLITS_CHUNK - len(chunk)))
            self._splits.update((d.id, splits.get(d.id)) for d in chunk)

    def prefetch_parties(self, party_ids: Iterable[int]) -> None:
        missing = set(party_ids) - self._parties.keys()
        if missing:
            self._parties.update(self.uow.exports.parties_by_ids(self.ctx.company_id, missing))

    def prefetch_payments(self, payments: Sequence[Payment]) -> None:
        """The parties of these payments and what each one refunds, if it is a refund."""
        self.prefetch_parties(p.party_id for p in payments)
        ids = [p.id for p in payments if p.id not in self._refunds]
        found = self.uow.exports.refund_sources(self.ctx.company_id, ids)
        self._refunds.update((i, found.get(i)) for i in ids)

    def party(self, party_id: int) -> Party:
        if party_id not in self._parties:
            self._parties[party_id] = self.uow.parties.get(self.ctx.company_id, party_id)
        return self._parties[party_id]

    def party_ref(self, party_id: int, flow: Flow) -> PartyRef:
        return party_ref(self.party(party_id), flow)

    def document(self, document_id: int) -> Document:
        if document_id not in self._docs:
            self._docs[document_id] = self.uow.exports.document(self.ctx.company_id, document_id)
        return self._docs[document_id]

    def data(self, document: Document) -> dict[str, Any]:
        if document.id not in self._data:
            self._data[document.id] = self.uow.exports.document_data(self.ctx.company_id, document.id)
        return self._data[document.id]

    def encoding(self, document: Document) -> DeductionEncoding:
        """How a final invoice shows the deposits it deducts (`deduction_encoding.encoding_of`)."""
        if document.kind is not Kind.INVOICE or document.flow is not Flow.SALE:
            return DeductionEncoding.PAID_AMOUNT
        return encoding_in(document, self.data(document), self.company)

    def deductions(self) -> list[Deduction]:
        """Every deduction of a deposit invoice of the company, oldest first (read once)."""
        if self._all_deductions is None:
            self._all_deductions = self.uow.deposits.deductions(self.ctx.company_id)
        return self._all_deductions

    def deductions_on(self, invoice_id: int) -> list[Deduction]:
        if self._deductions is None:
            self._deductions = {}
            for deduction in self.deductions():
                self._deductions.setdefault(deduction.invoice_id, []).append(deduction)
        return self._deductions.get(invoice_id, [])

    def _item_kinds(self, document: Document) -> dict[int, str]:
        item_ids = {line.item_id for line in document.lines if line.item_id is not None}
        unread = item_ids - self._kinds_read
        if unread:
            self._kinds.update(self.uow.exports.item_kinds(self.ctx.company_id, unread))
            self._kinds_read |= unread
        return self._kinds

    def _split(self, document: Document) -> Breakdown | None:
        if document.id not in self._splits:
            found = self.uow.deposits.breakdowns(self.ctx.company_id, [document])
            self._splits[document.id] = found.get(document.id)
        return self._splits[document.id]

    def fact(self, document: Document) -> DocumentFact:
        if document.id in self._facts:
            return self._facts[document.id]
        data = self.data(document)
        kinds = self._item_kinds(document)
        default = Nature(
            data.get("nature") or (self.company.settings.get("accounting") or {}).get("default_nature") or "goods"
        )

        def nature(item_id: int | None) -> Nature:
            if item_id is None or item_id not in kinds:
                return default
            return Nature.SERVICES if kinds[item_id] == "service" else Nature.GOODS

        deposit_id = data.get("recall_deposit_id") or data.get("corrected_deposit_id")
        if deposit_id is None and document.kind is Kind.DEPOSIT_CREDIT_NOTE and document.origin_id is not None:
            deposit_id = document.origin_id
        issued = None
        if document.kind in DEPOSIT_DOCUMENT_KINDS:
            # the VAT as issued, with the natures of the order (or quote) the deposit comes from
            root = self._commercial_origin(document)
            reference = self.fact(root).parts if root is not None else ()
            issued = parts_as_issued(document, self._split(document), self.company.vat_rounding, reference, default)
        lines = tuple(
            FactLine(line.net, line.vat_rate, nature(line.item_id), recall=line.quantity < 0) for line in document.lines
        )
        if document.kind is Kind.INVOICE and self.encoding(document) is DeductionEncoding.DEDUCTION_LINE:
            # the deposits recalled by lines: one sales entry, 4191 debited (AC-10), VAT as deducted
            own = vat_parts(lines, document.currency, self.company.vat_rounding)
            recalls, keys = self._recalls(document, own)
            issued = recalled_parts(own, recalls)
            lines += recall_fact_lines(recalls, keys)
        fact = DocumentFact(
            key=f"doc:{document.id}",
            kind=document.kind,
            flow=document.flow,
            number=document.label,
            issue_date=document.issue_date,
            party=party_ref(self.party(document.party_id), document.flow),
            currency=document.currency,
            lines=lines,
            rounding=self.company.vat_rounding,
            credit_reason=credit_reason(data),
            deposit_key=f"doc:{deposit_id}" if deposit_id is not None else None,
            issued_parts=issued,
        )
        self._facts[document.id] = fact
        return fact

    def _recalls(self, invoice: Document, reference: tuple[VatPart, ...]) -> tuple[list[DeductedDeposit], list[str]]:
        """The deposit invoices a final invoice deducts (VAT with the invoice's natures) and their keys."""
        deducted, keys = [], []
        for deduction in self.deductions_on(invoice.id):
            parts = natured_parts(((b.rate, b.net, b.vat) for b in deduction.breakdown), reference)
            deposit = self.document(deduction.deposit_invoice_id)
            deducted.append(DeductedDeposit(deposit.label, deposit.issue_date, parts))
            keys.append(f"doc:{deposit.id}")
        return deducted, keys

    def _commercial_origin(self, document: Document) -> Document | None:
        """The nearest document a deposit document comes from that is not itself a deposit document."""
        seen = {document.id}
        current = document
        while current.origin_id is not None and current.origin_id not in seen:
            current = self.document(current.origin_id)
            seen.add(current.id)
            if current.kind not in DEPOSIT_DOCUMENT_KINDS:
                return current
        return None

    def payment_flow(self, payment: Payment, allocated_flows: set[Flow]) -> Flow:
        """Whose account a payment moves: the allocated documents' flow; a refund, that of the credit it gives
        back; else a payment out to a customer who is not a supplier is a refund (411), and otherwise the
        direction decides."""
        if len(allocated_flows) == 1:
            return next(iter(allocated_flows))
        if payment.id in self._refunds:
            refunded = _refunded_flow(self._refunds[payment.id])
        else:
            refunded = refund_flow(self.uow, self.ctx, payment)
        if refunded is not None:
            return refunded
        party = self.party(payment.party_id)
        if payment.direction is Direction.OUT and party.is_customer and not party.is_supplier:
            return Flow.SALE
        if payment.direction is Direction.IN and party.is_supplier and not party.is_customer:
            return Flow.PURCHASE
        return payment.direction.flow

    def is_receivable(self, payment: Payment, document: Document) -> bool:
        """A payment settles the receivable of an issued invoice it does not predate; otherwise it is a deposit."""
        return (
            document.kind is Kind.INVOICE
            and document.state is State.VALIDATED
            and payment.payment_date >= document.issue_date
        )


# -- credit notes and refunds --------------------------------------------------------------------------------


def credit_reason(data: Mapping[str, Any]) -> CreditReason:
    """Why a credit note credits: `data["credit_reason"]` when set, else a gesture (standalone credit note) is a
    price reduction (709) and a credit note made from the invoice's lines a return or cancellation (70x)."""
    explicit = data.get("credit_reason")
    if explicit:
        return CreditReason(explicit)
    mode = (data.get("credit") or {}).get("mode")
    return CreditReason.REDUCTION if mode == "standalone" else CreditReason.RETURN


def _refunded_flow(source: RefundSource | None) -> Flow | None:
    """`refund_flow` from what the refund gives back, read per batch."""
    if source is None:
        return None
    if source.credit_note_flow is not None:
        return Flow(source.credit_note_flow)
    return Flow.SALE if source.payment_direction == Direction.IN.value else Flow.PURCHASE


def refund_flow(uow: UnitOfWork, ctx: Ctx, payment: Payment) -> Flow | None:
    """The flow whose account a refund payment moves: that of the credit it gives back (a customer's credit note
    or overpayment: sales; a supplier's: purchases). None for a payment that is not a refund."""
    refunds = uow.credits.refunds(ctx.company_id, payment_id=payment.id)
    if not refunds:
        return None
    source = refunds[0].source
    if source.kind is SourceKind.CREDIT_NOTE:
        return uow.documents.get(ctx.company_id, source.id).flow
    origin = uow.payments.get(ctx.company_id, source.id)
    return Flow.SALE if origin.direction is Direction.IN else Flow.PURCHASE
