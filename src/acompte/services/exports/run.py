"""Accounting export runs: post the entries of a period once, number them, mark what they cover as exported.

`run_export` turns the issued documents and the payments of a period that no run has posted into journal entries
(domain/accounting), numbers them continuously per journal and financial year in validation order, stores
them, and marks the payments (`exported`) and documents it covered. Periods never overlap; a refused run writes
nothing.

Deductions of deposit invoices and write-offs belong to the deposits and credits capabilities:
`settlement_facts` reads them as facts, and this module posts them like the rest. A test may hand in its own
facts instead (`providers`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from acompte.domain.accounting import (
    AccountingSettings,
    AllocationFact,
    BankFeeFact,
    CreditNoteFact,
    DeductionFact,
    ExchangeDifferenceFact,
    JournalEntry,
    PaymentFact,
    PostedEntry,
    RefundFact,
    ReversalFact,
    Treasury,
    Treatment,
    VatPart,
    WriteOffFact,
    bank_fee_entry,
    credit_note_entry,
    deduction_entry,
    deposit_allocation,
    document_entries,
    entry_number,
    exchange_difference_entry,
    fiscal_year,
    payment_entries,
    receivable_allocation,
    refund_entry,
    reversal_entry,
    subtract_parts,
    write_off_entry,
)
from acompte.domain.dates import DateField, check_date
from acompte.domain.documents import Kind, State
from acompte.domain.errors import (
    ExportPeriodOverlap,
    InvalidExportPeriod,
    NotFound,
    Reason,
)
from acompte.domain.export_events import AccountingExported
from acompte.domain.money import Money, total
from acompte.domain.payments import Payment
from acompte.services.exports import exchange
from acompte.services.exports.facts import FactReader, accounting_settings, party_ref, year_end_of
from acompte.services.exports.run_postings import RunPostings
from acompte.services.exports.settlement_facts import facts as settlement_facts
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.exports import NewPosting

#: Documents that make entries (a deposit invoice makes none, but is marked exported with the rest).
POSTED_KINDS = (Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)
#: Documents a payment can settle before the final invoice exists: the money is a deposit (4191/4091).
DEPOSIT_TARGETS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY, Kind.DEPOSIT_INVOICE, Kind.INVOICE})

Fact = DeductionFact | RefundFact | WriteOffFact | ExchangeDifferenceFact | CreditNoteFact | ReversalFact | BankFeeFact
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
    if isinstance(fact, BankFeeFact):
        return fact.fee_date
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
    if isinstance(fact, BankFeeFact):
        return (bank_fee_entry(fact, settings),)
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
    check_date(date_from, DateField.DATE_FROM)
    check_date(date_to, DateField.DATE_TO)
    today = today or uow.clock.today()
    if date_from > date_to:
        raise InvalidExportPeriod(reason=Reason.START_AFTER_END)
    with uow:
        company = uow.companies.get(ctx.company_id)
        settings = accounting_settings(company)
        fy_start, fy_end = fiscal_year(date_from, year_end_of(company))
        if date_to > fy_end:
            raise InvalidExportPeriod(reason=Reason.PERIOD_BEYOND_FISCAL_YEAR, fiscal_year_end=fy_end)
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
        covered: dict[date, bool] = {}  # earlier runs' periods do not change while this one posts

        def in_run(day: date, what: str) -> date | None:
            """The posting date of an item dated `day`, or None if it stays out of this run."""
            if day >= date_from:
                return day
            if day not in covered:
                covered[day] = uow.exports.covered(ctx.company_id, day)
            if covered[day]:
                return date_from  # late: its period is already exported
            left_out.append(what)
            return None

        produced: list[JournalEntry] = []

        def post(entries: Sequence[JournalEntry], when: date) -> None:
            for entry in entries:
                produced.append(entry if entry.entry_date >= when else replace(entry, entry_date=when))

        # what the run marks exported, written in one batch once everything is posted
        marked: list[tuple[str, int | None]] = []
        exported_now: set[int] = set()

        # 1. issued documents
        documents = 0
        to_export = uow.exports.documents_to_export(ctx.company_id, [k.value for k in POSTED_KINDS], date_to)
        reader.remember(to_export)
        reader.prefetch(d.id for d in to_export)
        for document in to_export:
            when = in_run(document.issue_date, document.label)
            if when is None:
                continue
            post(exchange.document_entries(reader, document, document_entries(reader.fact(document), settings)), when)
            marked.append((f"doc:{document.id}", document.id))
            exported_now.add(document.id)
            documents += 1

        # facts of deposits and credits (deductions also narrow what remains open on an invoice)
        if providers is None:
            facts: list[Fact] = settlement_facts(uow, ctx, reader, date_to)
        else:
            facts = [f for provider in providers for f in provider(uow, ctx, date_to)]
        deductions_on: dict[str, list[VatPart]] = {}
        at_receipt: dict[str, list[WriteOffFact]] = {}
        for fact in facts:
            if isinstance(fact, DeductionFact):
                deductions_on.setdefault(fact.invoice_key, []).extend(fact.parts)
            if isinstance(fact, WriteOffFact) and fact.received_key is not None:
                at_receipt.setdefault(fact.received_key, []).append(fact)

        # 2. payments, oldest first; what they settle and how it was booked before, read per batch
        payments = 0
        to_pay = uow.exports.payments_to_export(ctx.company_id, date_to)
        allocations = uow.exports.allocations_of_payments(ctx.company_id, [p.id for p in to_pay])
        settled_ids = {doc_id for found in allocations.values() for _, doc_id, _ in found}
        reader.prefetch(settled_ids)
        reader.prefetch_payments(to_pay)
        postings = RunPostings(uow, ctx)
        postings.prefetch(settled_ids)
        treasuries = uow.exports.treasury_ledgers(ctx.company_id)
        paid: list[int] = []
        for payment in to_pay:
            when = in_run(payment.payment_date, payment.number)
            if when is None:
                continue
            payment_fact = _payment_fact(
                reader, postings, payment, allocations.get(payment.id, []), treasuries, deductions_on
            )
            # shortfalls written off at this receipt join its bank entry (step 4 then finds them exported)
            written = tuple(w for w in at_receipt.get(payment_fact.key, []) if w.flow is payment_fact.flow)
            with_write_offs = replace(payment_fact, write_offs=written)
            post(
                exchange.payment_entries(
                    postings, reader, payment, with_write_offs, payment_entries(with_write_offs, settings)
                ),
                when,
            )
            marked.extend((w.key, None) for w in written)
            paid.append(payment.id)
            payments += 1
        uow.exports.mark_payments_exported(ctx.company_id, paid)
        postings.write(run_id)

        # 3. deposits (payments booked on 4191/4091) whose allocation now sits on an exported final invoice
        open_deposits = [
            p for p in uow.exports.postings(ctx.company_id, open_deposits=True) if p.allocation_id is not None
        ]
        moved_to = uow.exports.allocation_documents(ctx.company_id, [p.allocation_id or 0 for p in open_deposits])
        reader.prefetch([*moved_to.values(), *(p.document_id for p in open_deposits)])
        exported_before = uow.exports.exported_documents(ctx.company_id, set(moved_to.values()))
        imputed: list[int] = []
        for posting in open_deposits:
            invoice_id = moved_to.get(posting.allocation_id or 0)
            if invoice_id is None:
                continue
            invoice = reader.document(invoice_id)
            if invoice.kind is not Kind.INVOICE or invoice.state is not State.VALIDATED:
                continue
            if invoice.id not in exported_before and invoice.id not in exported_now:
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
            imputed.append(posting.id)
            marked.append((key, None))
        uow.exports.mark_many_imputed(ctx.company_id, imputed, run_id)

        # 4. the other capabilities' facts not yet posted
        done = uow.exports.exported_keys(ctx.company_id, [f.key for f in facts]) | {key for key, _ in marked}
        for fact in facts:
            if fact.key in done or _fact_date(fact) > date_to:
                continue
            when = in_run(_fact_date(fact), fact.key)
            if when is None:
                continue
            post(_fact_entries(uow, ctx, fact, settings), when)
            marked.append((fact.key, None))
            done.add(fact.key)
        uow.exports.mark_many_exported(ctx.company_id, run_id, marked)

        # 5. number in validation order: by date, then documents, imputations, payments, VAT made due
        ordered = sorted(enumerate(produced), key=lambda ie: (ie[1].entry_date, _rank(ie[1]), ie[0]))
        # each journal's numbers taken as one block (consecutive in the same order, one round trip per journal)
        needed = Counter(entry.journal for _, entry in ordered)
        following = {
            journal: uow.series.next_values(ctx.company_id, f"journal/{journal.value}", fy_end.year, count)
            for journal, count in sorted(needed.items(), key=lambda jc: jc[0].value)
        }
        numbered: list[tuple[PostedEntry, int]] = []
        for _, entry in ordered:
            sequence = following[entry.journal]
            following[entry.journal] += 1
            numbered.append((PostedEntry(entry_number(entry.journal, sequence), today, entry), sequence))
        uow.exports.add_entries(ctx.company_id, run_id, numbered, fiscal_year=fy_end.year)
        posted = [item for item, _ in numbered]
        debit = total((p.entry.debit for p in posted), company.currency)
        uow.exports.close_run(ctx.company_id, run_id, entry_count=len(posted), debit=debit)
        publish(
            uow,
            ctx,
            AccountingExported(
                company_id=ctx.company_id,
                run_id=run_id,
                date_from=date_from,
                date_to=date_to,
                entries=len(posted),
                documents=documents,
                payments=payments,
                debit=debit,
            ),
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
    reader: FactReader,
    postings: RunPostings,
    payment: Payment,
    allocations: Sequence[tuple[int, int, Money]],
    treasuries: dict[int, tuple[str, str]],
    deductions_on: dict[str, list[VatPart]],
) -> PaymentFact:
    """A payment with its allocations as booked today; each allocation's booking is kept (allocation_postings)."""
    settings = reader.settings
    documents = {doc_id: reader.document(doc_id) for _, doc_id, _ in allocations}
    flow = reader.payment_flow(payment, {d.flow for d in documents.values()})
    facts: list[AllocationFact] = []
    for allocation_id, document_id, amount in allocations:
        document = documents[document_id]
        fact = reader.fact(document)
        key = f"doc:{document.id}"
        if reader.is_receivable(payment, document):
            earlier = postings.settling(document.id)
            deposits = [p for posting in earlier if posting.treatment == Treatment.DEPOSIT.value for p in posting.parts]
            deposits += deductions_on.get(key, [])
            paid_before = total(
                (p.amount for p in postings.booked_on(document.id) if p.treatment == Treatment.RECEIVABLE.value),
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
        postings.add(
            NewPosting(
                payment_id=payment.id,
                allocation_id=allocation_id,
                document_id=document.id,
                payment_date=payment.payment_date,
                treatment=allocation.treatment.value,
                amount=amount,
                parts=tuple(parts),
            )
        )
        facts.append(allocation)
    kind, ledger_account = treasuries.get(payment.account_id, ("bank", ""))
    treasury = Treasury.CASH if kind == "cash" else Treasury.BANK
    return PaymentFact(
        key=f"pay:{payment.id}",
        number=payment.number,
        payment_date=payment.payment_date,
        direction=payment.direction,
        flow=flow,
        party=party_ref(reader.party(payment.party_id), flow),
        amount=payment.amount,
        treasury=treasury,
        treasury_account=ledger_account,
        allocations=tuple(facts),
    )
