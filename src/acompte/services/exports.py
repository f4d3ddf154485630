"""Accounting export runs: post the entries of a period once, number them, mark what they cover as exported.

`run_export` turns the issued documents and the payments of a period that no run has posted into journal entries
(domain/accounting.py), numbers them continuously per journal and financial year in validation order, stores
them, and marks the payments (`exported`) and documents it covered. Periods never overlap; a refused run writes
nothing. `ledger` reads posted entries back with their matching letters, for the FEC and CSV writers
(adapters/exports/fec.py).

Deductions of deposit invoices and write-offs belong to the deposits and credits capabilities:
`settlement_facts` reads them as facts (and tells how refunds, credit notes and deposit documents are booked),
and this module posts them like the rest. A test may hand in its own facts instead (`providers`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from acompte.domain.accounting import (
    AccountingSettings,
    AllocationFact,
    CreditNoteFact,
    DeductionFact,
    DocumentFact,
    ExchangeDifferenceFact,
    FactLine,
    JournalEntry,
    Match,
    Nature,
    PartyRef,
    PaymentFact,
    PostedEntry,
    RefundFact,
    ReversalFact,
    Treasury,
    Treatment,
    VatPart,
    WriteOffFact,
    credit_note_entry,
    deduction_entry,
    deposit_allocation,
    document_entries,
    entry_number,
    exchange_difference_entry,
    fiscal_year,
    match_lines,
    matched_accounts,
    payment_entries,
    receivable_allocation,
    refund_entry,
    reversal_entry,
    subtract_parts,
    write_off_entry,
)
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.errors import (
    ExportPeriodOverlap,
    ForeignCurrencyNotSupported,
    InvalidExportPeriod,
    InvalidSetting,
    NotFound,
)
from acompte.domain.events import Event, EventKind
from acompte.domain.money import Money, total
from acompte.domain.parties import Company, Party
from acompte.domain.payments import Direction, Payment
from acompte.services import settlement_facts
from acompte.services.ports import Ctx, UnitOfWork

#: Documents that make entries (a deposit invoice makes none, but is marked exported with the rest).
POSTED_KINDS = (Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)
#: Documents a payment can settle before the final invoice exists: the money is a deposit (4191/4091).
DEPOSIT_TARGETS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY, Kind.DEPOSIT_INVOICE, Kind.INVOICE})

Fact = DeductionFact | RefundFact | WriteOffFact | ExchangeDifferenceFact | CreditNoteFact | ReversalFact
#: Facts handed in instead of those of deposits and credits (tests), dated up to `date_to` (exported ones
#: included: they are skipped by key, and deductions also tell which part of an invoice remains open).
FactProvider = Callable[[UnitOfWork, Ctx, date], Sequence[Fact]]


@dataclass(frozen=True, slots=True)
class ExportResult:
    run_id: int
    date_from: date
    date_to: date
    fiscal_year_start: date
    fiscal_year_end: date
    posted: tuple[PostedEntry, ...]
    documents: int
    payments: int
    left_out: tuple[str, ...] = ()

    @property
    def debit(self) -> Money | None:
        if not self.posted:
            return None
        return total((p.entry.debit for p in self.posted), self.posted[0].entry.currency)


@dataclass(frozen=True, slots=True)
class Ledger:
    """Posted entries in validation order with their matching letters: what the FEC and CSV files print."""

    company_name: str
    siren: str | None
    currency: str
    date_from: date
    date_to: date
    closing_date: date
    entries: tuple[PostedEntry, ...]
    matches: dict[tuple[int, int], Match] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    date_from: date
    date_to: date
    fiscal_year_end: date
    valid_date: date
    entry_count: int
    debit: Money
    actor: str


# -- reading documents and payments as facts ------------------------------------------------------------------


def accounting_settings(company: Company) -> AccountingSettings:
    return AccountingSettings.from_settings(company.settings.get("accounting"))


def year_end_of(company: Company) -> tuple[int, int]:
    """The company's closing day (setting `accounting.fiscal_year_end` = "MM-DD", default "12-31")."""
    text = str((company.settings.get("accounting") or {}).get("fiscal_year_end", "12-31"))
    try:
        month, day = (int(x) for x in text.split("-"))
        date(2024, month, day)
    except ValueError:
        raise InvalidSetting(reason=f"date de clôture invalide : {text!r} (attendu MM-JJ)") from None
    return month, day


def party_ref(party: Party, flow: Flow) -> PartyRef:
    """Sub-ledger code: the party's own `account_code` setting, else C/F + its id."""
    code = str(party.settings.get("account_code") or f"{'C' if flow is Flow.SALE else 'F'}{party.id:05d}")
    return PartyRef(code, party.name)


class FactReader:
    """Turns stored documents and payments into accounting facts, with caches for one transaction."""

    def __init__(self, uow: UnitOfWork, ctx: Ctx, company: Company, settings: AccountingSettings) -> None:
        self.uow, self.ctx, self.company, self.settings = uow, ctx, company, settings
        self._docs: dict[int, Document] = {}
        self._facts: dict[int, DocumentFact] = {}
        self._parties: dict[int, Party] = {}

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

    def fact(self, document: Document) -> DocumentFact:
        if document.id in self._facts:
            return self._facts[document.id]
        if document.currency != self.company.currency:
            raise ForeignCurrencyNotSupported(
                piece=document.label, currency=document.currency, company_currency=self.company.currency
            )
        data = self.uow.exports.document_data(self.ctx.company_id, document.id)
        kinds = self.uow.exports.item_kinds(self.ctx.company_id, [line.item_id for line in document.lines])
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
        if document.kind in settlement_facts.DEPOSIT_DOCUMENT_KINDS:
            # the VAT as issued, with the natures of the order (or quote) the deposit comes from
            root = self._commercial_origin(document)
            reference = self.fact(root).parts if root is not None else ()
            issued = settlement_facts.issued_parts(self.uow, self.ctx, document, reference, default)
        fact = DocumentFact(
            key=f"doc:{document.id}",
            kind=document.kind,
            flow=document.flow,
            number=document.label,
            issue_date=document.issue_date,
            party=party_ref(self.party(document.party_id), document.flow),
            currency=document.currency,
            lines=tuple(
                FactLine(line.net, line.vat_rate, nature(line.item_id), recall=line.quantity < 0)
                for line in document.lines
            ),
            rounding=self.company.vat_rounding,
            credit_reason=settlement_facts.credit_reason(data),
            deposit_key=f"doc:{deposit_id}" if deposit_id is not None else None,
            issued_parts=issued,
        )
        self._facts[document.id] = fact
        return fact

    def _commercial_origin(self, document: Document) -> Document | None:
        """The nearest document a deposit document comes from that is not itself a deposit document."""
        seen = {document.id}
        current = document
        while current.origin_id is not None and current.origin_id not in seen:
            current = self.document(current.origin_id)
            seen.add(current.id)
            if current.kind not in settlement_facts.DEPOSIT_DOCUMENT_KINDS:
                return current
        return None

    def payment_flow(self, payment: Payment, allocated_flows: set[Flow]) -> Flow:
        """Whose account a payment moves: the allocated documents' flow; a refund, that of the credit it gives
        back; else a payment out to a customer who is not a supplier is a refund (411), and otherwise the
        direction decides."""
        if len(allocated_flows) == 1:
            return next(iter(allocated_flows))
        refunded = settlement_facts.refund_flow(self.uow, self.ctx, payment)
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


# -- the export run -----------------------------------------------------------------------------------------------

_RANK = {"doc": 0, "imp": 1, "ded": 1, "cn": 0, "pay": 2, "ref": 2, "vat": 3}


def _rank(entry: JournalEntry) -> int:
    if entry.source.endswith(":vat"):
        return _RANK["vat"]
    return _RANK.get(entry.source.split(":", 1)[0], 4)


def _fact_date(fact: Fact) -> date:
    if isinstance(fact, ReversalFact):
        return fact.reversal_date
    if isinstance(fact, DeductionFact):
        return fact.deduction_date
    if isinstance(fact, RefundFact):
        return fact.refund_date
    if isinstance(fact, WriteOffFact):
        return fact.write_off_date
    if isinstance(fact, ExchangeDifferenceFact):
        return fact.difference_date
    return fact.issue_date


def _fact_entries(uow: UnitOfWork, ctx: Ctx, fact: Fact, settings: AccountingSettings) -> tuple[JournalEntry, ...]:
    if isinstance(fact, ReversalFact):
        posted = uow.exports.entry_by_source(ctx.company_id, fact.reversed_key)
        return () if posted is None else (reversal_entry(posted, fact),)
    if isinstance(fact, DeductionFact):
        return (deduction_entry(fact, settings),)
    if isinstance(fact, RefundFact):
        return (refund_entry(fact, settings),)
    if isinstance(fact, WriteOffFact):
        return (write_off_entry(fact, settings),)
    if isinstance(fact, ExchangeDifferenceFact):
        return (exchange_difference_entry(fact, settings),)
    return (credit_note_entry(fact, settings),)


def run_export(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    date_from: date,
    date_to: date,
    today: date | None = None,
    providers: Sequence[FactProvider] | None = None,
) -> ExportResult:
    """Post every issued document and payment of the period that no run has posted yet.

    Items dated before `date_from` inside a period already exported (a payment recorded late) are posted on
    `date_from`, keeping their own document date. Refuses a period that overlaps an exported one
    (ExportPeriodOverlap), spans two financial years, or needs an account the mapping lacks (MissingAccount):
    then nothing is written.
    """
    today = today or date.today()
    if date_from > date_to:
        raise InvalidExportPeriod(reason="la date de début est postérieure à la date de fin")
    with uow:
        company = uow.companies.get(ctx.company_id)
        settings = accounting_settings(company)
        fy_start, fy_end = fiscal_year(date_from, year_end_of(company))
        if date_to > fy_end:
            raise InvalidExportPeriod(reason=f"la période dépasse l'exercice clos le {fy_end:%d/%m/%Y}")
        uow.exports.lock_company(ctx.company_id)
        clash = uow.exports.overlapping(ctx.company_id, date_from, date_to)
        if clash is not None:
            raise ExportPeriodOverlap(
                date_from=f"{date_from:%d/%m/%Y}",
                date_to=f"{date_to:%d/%m/%Y}",
                exported_from=f"{clash.date_from:%d/%m/%Y}",
                exported_to=f"{clash.date_to:%d/%m/%Y}",
            )
        run_id = uow.exports.add_run(
            ctx.company_id,
            date_from=date_from,
            date_to=date_to,
            fiscal_year_end=fy_end,
            valid_date=today,
            currency=company.currency,
            actor=ctx.actor,
        )
        reader = FactReader(uow, ctx, company, settings)
        left_out: list[str] = []

        def in_run(day: date, what: str) -> date | None:
            """The posting date of an item dated `day`, or None if it stays out of this run."""
            if day >= date_from:
                return day
            if uow.exports.covered(ctx.company_id, day):
                return date_from  # late: its period is already exported
            left_out.append(what)
            return None

        produced: list[JournalEntry] = []

        def post(entries: Sequence[JournalEntry], when: date) -> None:
            for entry in entries:
                produced.append(entry if entry.entry_date >= when else replace(entry, entry_date=when))

        # 1. issued documents
        documents = 0
        for document in uow.exports.documents_to_export(ctx.company_id, [k.value for k in POSTED_KINDS], date_to):
            when = in_run(document.issue_date, document.label)
            if when is None:
                continue
            post(document_entries(reader.fact(document), settings), when)
            uow.exports.mark_exported(ctx.company_id, run_id, f"doc:{document.id}", document.id)
            documents += 1

        # facts of deposits and credits (deductions also narrow what remains open on an invoice)
        if providers is None:
            facts: list[Fact] = settlement_facts.facts(uow, ctx, reader, date_to)
        else:
            facts = [f for provider in providers for f in provider(uow, ctx, date_to)]
        deductions_on: dict[str, list[VatPart]] = {}
        for fact in facts:
            if isinstance(fact, DeductionFact):
                deductions_on.setdefault(fact.invoice_key, []).extend(fact.parts)

        # 2. payments, oldest first
        payments = 0
        for payment in uow.exports.payments_to_export(ctx.company_id, date_to):
            when = in_run(payment.payment_date, payment.number)
            if when is None:
                continue
            fact = _payment_fact(uow, ctx, reader, payment, deductions_on, run_id)
            post(payment_entries(fact, settings), when)
            uow.exports.mark_payment_exported(ctx.company_id, payment.id)
            payments += 1

        # 3. deposits (payments booked on 4191/4091) whose allocation now sits on an exported final invoice
        for posting in uow.exports.postings(ctx.company_id, open_deposits=True):
            if posting.allocation_id is None:
                continue
            invoice_id = uow.exports.allocation_document(ctx.company_id, posting.allocation_id)
            if invoice_id is None:
                continue
            invoice = reader.document(invoice_id)
            if invoice.kind is not Kind.INVOICE or invoice.state is not State.VALIDATED:
                continue
            if not uow.exports.is_document_exported(ctx.company_id, invoice.id):
                continue
            deposit_doc = reader.document(posting.document_id)
            key = f"imp:{posting.id}:doc:{invoice.id}"
            deduction = DeductionFact(
                key=key,
                invoice_number=invoice.label,
                invoice_key=f"doc:{invoice.id}",
                deposit_key=f"doc:{posting.document_id}",
                deduction_date=max(invoice.issue_date, posting.payment_date, date_from),
                flow=invoice.flow,
                party=party_ref(reader.party(invoice.party_id), invoice.flow),
                parts=posting.parts,
                deposit_number=deposit_doc.label,
            )
            post((deduction_entry(deduction, settings),), date_from)
            uow.exports.mark_imputed(ctx.company_id, posting.id, run_id)
            uow.exports.mark_exported(ctx.company_id, run_id, key)

        # 4. the other capabilities' facts not yet posted
        done = uow.exports.exported_keys(ctx.company_id, [f.key for f in facts])
        for fact in facts:
            if fact.key in done or _fact_date(fact) > date_to:
                continue
            when = in_run(_fact_date(fact), fact.key)
            if when is None:
                continue
            post(_fact_entries(uow, ctx, fact, settings), when)
            uow.exports.mark_exported(ctx.company_id, run_id, fact.key)
            done.add(fact.key)

        # 5. number in validation order: by date, then documents, imputations, payments, VAT made due
        ordered = sorted(enumerate(produced), key=lambda ie: (ie[1].entry_date, _rank(ie[1]), ie[0]))
        posted: list[PostedEntry] = []
        for _, entry in ordered:
            sequence = uow.series.next_value(ctx.company_id, f"journal/{entry.journal.value}", fy_end.year)
            item = PostedEntry(entry_number(entry.journal, sequence), today, entry)
            uow.exports.add_entry(ctx.company_id, run_id, item, fiscal_year=fy_end.year, sequence=sequence)
            posted.append(item)
        debit = total((p.entry.debit for p in posted), company.currency)
        uow.exports.close_run(ctx.company_id, run_id, entry_count=len(posted), debit=debit)
        uow.events.add(
            Event(
                EventKind.ACCOUNTING_EXPORTED,
                ctx.company_id,
                data={
                    "run_id": run_id,
                    "date_from": date_from.isoformat(),
                    "date_to": date_to.isoformat(),
                    "entries": len(posted),
                    "documents": documents,
                    "payments": payments,
                    "debit": str(debit.amount),
                },
            ),
            ctx.actor,
        )
        uow.commit()
        return ExportResult(
            run_id=run_id,
            date_from=date_from,
            date_to=date_to,
            fiscal_year_start=fy_start,
            fiscal_year_end=fy_end,
            posted=tuple(posted),
            documents=documents,
            payments=payments,
            left_out=tuple(left_out),
        )


def _payment_fact(
    uow: UnitOfWork,
    ctx: Ctx,
    reader: FactReader,
    payment: Payment,
    deductions_on: dict[str, list[VatPart]],
    run_id: int,
) -> PaymentFact:
    """A payment with its allocations as booked today; each allocation's booking is kept (allocation_postings)."""
    if payment.currency != reader.company.currency:
        raise ForeignCurrencyNotSupported(
            piece=payment.number, currency=payment.currency, company_currency=reader.company.currency
        )
    settings = reader.settings
    allocations = uow.exports.allocations_of_payment(ctx.company_id, payment.id)
    documents = {doc_id: reader.document(doc_id) for _, doc_id, _ in allocations}
    flow = reader.payment_flow(payment, {d.flow for d in documents.values()})
    facts: list[AllocationFact] = []
    for allocation_id, document_id, amount in allocations:
        document = documents[document_id]
        fact = reader.fact(document)
        key = f"doc:{document.id}"
        if reader.is_receivable(payment, document):
            on_invoice = [a.id for a in uow.allocations.for_document(ctx.company_id, document.id)]
            earlier = uow.exports.postings_for_allocations(ctx.company_id, on_invoice)
            deposits = [p for posting in earlier if posting.treatment == Treatment.DEPOSIT.value for p in posting.parts]
            deposits += deductions_on.get(key, [])
            paid_before = total(
                (
                    p.amount
                    for p in uow.exports.postings(ctx.company_id, document_id=document.id)
                    if p.treatment == Treatment.RECEIVABLE.value
                ),
                payment.currency,
            )
            allocation = receivable_allocation(
                key,
                document.label,
                amount,
                open_parts=subtract_parts(fact.parts, deposits),
                paid_before=paid_before,
                settings=settings,
                flow=document.flow,
            )
            parts: tuple[VatPart, ...] = allocation.release
        elif document.kind in DEPOSIT_TARGETS:
            allocation = deposit_allocation(key, document.label, amount, fact.parts)
            parts = allocation.content
        else:  # pragma: no cover - payments never settle credit notes (PAYABLE_KINDS)
            raise NotFound(entity="Document réglable", id=document.id)
        uow.exports.add_posting(
            ctx.company_id,
            run_id,
            payment_id=payment.id,
            allocation_id=allocation_id,
            document_id=document.id,
            payment_date=payment.payment_date,
            treatment=allocation.treatment.value,
            amount=amount,
            parts=parts,
        )
        facts.append(allocation)
    treasury = (
        Treasury.CASH if uow.exports.treasury_kind(ctx.company_id, payment.account_id) == "cash" else Treasury.BANK
    )
    return PaymentFact(
        key=f"pay:{payment.id}",
        number=payment.number,
        payment_date=payment.payment_date,
        direction=payment.direction,
        flow=flow,
        party=party_ref(reader.party(payment.party_id), flow),
        amount=payment.amount,
        treasury=treasury,
        allocations=tuple(facts),
    )


# -- reading back ---------------------------------------------------------------------------------------------------


def list_runs(uow: UnitOfWork, ctx: Ctx) -> list[RunSummary]:
    with uow:
        return [
            RunSummary(r.id, r.date_from, r.date_to, r.fiscal_year_end, r.valid_date, r.entry_count, r.debit, r.actor)
            for r in uow.exports.runs(ctx.company_id)
        ]


def ledger(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    run_id: int | None = None,
    fiscal_year_end: date | None = None,
    on: date | None = None,
) -> Ledger:
    """Posted entries of one run, or of a whole financial year (the one closing on `fiscal_year_end`, or the one
    containing `on`), in validation order, with matching letters computed over those entries."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        settings = accounting_settings(company)
        if run_id is not None:
            run = uow.exports.run(ctx.company_id, run_id)
            if run is None:
                raise NotFound(entity="Export comptable", id=run_id)
            entries = uow.exports.entries(ctx.company_id, run_id=run_id)
            start, end, closing = run.date_from, run.date_to, run.fiscal_year_end
        else:
            day = fiscal_year_end or on or date.today()
            start, closing = fiscal_year(day, year_end_of(company))
            end = closing
            entries = uow.exports.entries(ctx.company_id, date_from=start, date_to=end)
        links = uow.exports.links(ctx.company_id)
        matches = match_lines([p.entry for p in entries], matched_accounts(settings), links)
        return Ledger(
            company_name=company.name,
            siren=company.siren,
            currency=company.currency,
            date_from=start,
            date_to=end,
            closing_date=closing,
            entries=tuple(entries),
            matches=matches,
        )
