"""E-reporting of payment data (CGI art. 290 A): for services whose VAT is due on receipt, each payment received
yields a report with its date, the amount received for those services and the VAT per rate it makes due. A receipt
is reported with the documents it settled when it was received (`attributed_at_receipt`), never with documents
issued after it that its money was later carried or matched to.

The VAT content of each allocation follows the same rules as the accounting entries: a payment made before the
invoice (on a quote, an order or a deposit invoice) carries the document's VAT ratio; a payment of an invoice
settles what remains open once deposits are taken off, instalment after instalment (cumulative shares, so the
instalments add up exactly to the invoice's VAT). Nothing is reported under the debits option.
"""

from __future__ import annotations

from datetime import date

from acompte.domain.accounting import DeductionFact, VatPart, share, share_between, subtract_parts
from acompte.domain.dates import DateField, check_date
from acompte.domain.documents import Document
from acompte.domain.einvoicing import PaymentReport, payment_report
from acompte.domain.errors import InvalidExportPeriod, NotFound, Reason
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.domain.payments import Direction, Payment
from acompte.services.exports.facts import FactReader, accounting_settings
from acompte.services.exports.settlement_facts import deduction_facts
from acompte.services.ports import Ctx, UnitOfWork

#: The facts of the history that say where a payment's money went: allocated (to the document named then), moved
#: by « money follows » (an order's deposit onto its invoice, and back), removed.
_ATTRIBUTION_EVENTS = (
    EventKind.PAYMENT_ALLOCATED.value,
    EventKind.DEPOSIT_CARRIED.value,
    EventKind.DEPOSIT_RETURNED.value,
    EventKind.ALLOCATION_REMOVED.value,
)


def attributed_at_receipt(uow: UnitOfWork, ctx: Ctx, reader: FactReader, payment: Payment) -> list[tuple[int, Money]]:
    """What a receipt settled when it was received: [(document id, amount)], read from the history.

    Each allocation counts for the document it was made on (the `PaymentAllocated` fact names it), if that
    document existed on the receipt's date (dated on or before it): money later carried from an order onto its
    invoice stays with the order, and an allocation to a document issued after the receipt is a later matching,
    not what was received. An allocation undone (`AllocationRemoved`) was never settled by the receipt, and
    takes back from the document its allocation was counted for. Derived, not stored: the history is
    append-only and dated, so the same period gives the same report whenever it is asked for."""
    counted: dict[int, int] = {}  # allocation id -> the document it counts for
    where: dict[int, int] = {}  # allocation id -> the document it sits on now
    amounts: dict[int, Money] = {}  # document id -> attributed amount
    zero = Money.zero(payment.amount.currency)
    for event in uow.events.query(ctx.company_id, payment_id=payment.id, kinds=_ATTRIBUTION_EVENTS):
        if event.payment_id != payment.id:
            continue
        data = event.data
        allocation_id = data.get("allocation_id")
        if allocation_id is None:
            continue
        allocation_id = int(allocation_id)
        if event.kind == EventKind.PAYMENT_ALLOCATED.value and event.document_id is not None:
            where[allocation_id] = event.document_id
            try:
                document = uow.documents.get(ctx.company_id, event.document_id, lines=False)
            except NotFound:  # a draft deleted since: its money went back, nothing of it is reported
                continue
            if document.issue_date <= payment.payment_date:
                counted[allocation_id] = document.id
                amounts[document.id] = amounts.get(document.id, zero) + Money.of(data["amount"], zero.currency)
        elif event.kind in (EventKind.DEPOSIT_CARRIED.value, EventKind.DEPOSIT_RETURNED.value):
            source, target = int(data["from_document_id"]), int(data["to_document_id"])
            if allocation_id not in where:  # a part split off an allocation on the source: it counts as that one
                parent = next((a for a, d in where.items() if d == source), None)
                if parent is not None and parent in counted:
                    counted[allocation_id] = counted[parent]
            where[allocation_id] = target
        elif event.kind == EventKind.ALLOCATION_REMOVED.value and allocation_id in counted:
            document_id = counted.pop(allocation_id)
            left = amounts.get(document_id, zero) - Money.of(data["amount"], zero.currency)
            amounts[document_id] = left.max(zero)
    return [(document_id, amount) for document_id, amount in amounts.items() if amount.is_positive]


def _allocation_contents(
    uow: UnitOfWork, ctx: Ctx, reader: FactReader, payment: Payment, deductions: dict[str, list[VatPart]]
) -> list[tuple[str, tuple[VatPart, ...]]]:
    contents = []
    for document_id, amount in attributed_at_receipt(uow, ctx, reader, payment):
        document = reader.document(document_id)
        parts = reader.fact(document).parts
        if reader.is_receivable(payment, document):
            contents.append(
                (document.label, _receivable_share(uow, ctx, reader, document, payment, amount, deductions))
            )
        else:
            contents.append((document.label, share(parts, amount)))
    return contents


def _receivable_share(
    uow: UnitOfWork,
    ctx: Ctx,
    reader: FactReader,
    document: Document,
    payment: Payment,
    amount: Money,
    deductions: dict[str, list[VatPart]],
) -> tuple[VatPart, ...]:
    """What `amount` of `payment` settles of the invoice: its share of the parts left open by deposits, after the
    instalments paid before it (ordered by payment date, then number)."""
    parts = reader.fact(document).parts
    deposits: list[VatPart] = list(deductions.get(f"doc:{document.id}", []))
    before = Money.zero(amount.currency)
    for allocation in uow.allocations.for_document(ctx.company_id, document.id):
        if allocation.payment_id is None:
            continue
        other = uow.payments.get(ctx.company_id, allocation.payment_id)
        if not reader.is_receivable(other, document):
            deposits.extend(share(parts, allocation.amount))
        elif (other.payment_date, other.id) < (payment.payment_date, payment.id):
            before = before + allocation.amount
    return share_between(subtract_parts(parts, deposits), before, before + amount)


def payment_reports(uow: UnitOfWork, ctx: Ctx, *, date_from: date, date_to: date) -> list[PaymentReport]:
    """The payment reports of a period, in date order (empty under the debits option)."""
    check_date(date_from, DateField.DATE_FROM)
    check_date(date_to, DateField.DATE_TO)
    if date_from > date_to:
        raise InvalidExportPeriod(reason=Reason.START_AFTER_END)
    with uow:
        company = uow.companies.get(ctx.company_id)
        settings = accounting_settings(company)
        if settings.vat_on_debits:
            return []
        reader = FactReader(uow, ctx, company, settings)
        deductions: dict[str, list[VatPart]] = {}
        for fact in deduction_facts(uow, ctx, reader, date_to):
            if isinstance(fact, DeductionFact):
                deductions.setdefault(fact.invoice_key, []).extend(fact.parts)
        reports = []
        for view in uow.payments.views(
            ctx.company_id,
            state="active",
            direction=Direction.IN.value,
            date_from=date_from,
            date_to=date_to,
            limit=1_000_000,
        ):
            payment = view.payment
            if payment.currency != company.currency:
                continue
            contents = _allocation_contents(uow, ctx, reader, payment, deductions)
            report = payment_report(
                payment.number, payment.payment_date, reader.party(payment.party_id).name, contents, vat_on_debits=False
            )
            if report is not None:
                reports.append(report)
        reports.sort(key=lambda r: (r.payment_date, r.payment_number))
        return reports
