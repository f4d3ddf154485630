"""E-reporting of payment data (CGI art. 290 A): for services whose VAT is due on receipt, each payment received
yields a report with its date, the amount received for those services and the VAT per rate it makes due.

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
from acompte.domain.errors import InvalidExportPeriod, Reason
from acompte.domain.money import Money
from acompte.domain.payments import Direction, Payment
from acompte.services.exports.facts import FactReader, accounting_settings
from acompte.services.exports.settlement_facts import deduction_facts
from acompte.services.ports import Ctx, UnitOfWork


def _allocation_contents(
    uow: UnitOfWork, ctx: Ctx, reader: FactReader, payment: Payment, deductions: dict[str, list[VatPart]]
) -> list[tuple[str, tuple[VatPart, ...]]]:
    contents = []
    for _allocation_id, document_id, amount in uow.exports.allocations_of_payment(ctx.company_id, payment.id):
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
