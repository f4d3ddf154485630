"""Foreign currency in the accounting export: the entries of a document or a payment in another currency are
posted in the company's currency at its own exchange rate (each line keeping its amount in that currency for the
FEC), and a payment settling a foreign invoice at another rate than the invoice's posts the realised exchange
difference (OD: 656 loss / 756 gain against 411 or 401). The arithmetic is `domain.accounting.currency`; the
worked example is docs/accounting-exports.md, « Devises ».

Not converted yet, and refused with `foreign-currency-not-supported`: a foreign-currency payment booked as a
deposit (4191 / 4091), a deposit deducted from a foreign-currency invoice, a write-off in a foreign currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from acompte.domain.accounting import (
    ExchangeDifferenceFact,
    JournalEntry,
    PaymentFact,
    Treatment,
    booked_share,
    convert_entry,
    exchange_difference_entry,
    realised_difference,
)
from acompte.domain.accounting.currency import document_anchors, payment_anchors
from acompte.domain.documents import Document, Flow
from acompte.domain.errors import ExchangeRateRequired, ForeignCurrencyNotSupported
from acompte.domain.money import total
from acompte.domain.payments import Payment
from acompte.services.exports.facts import FactReader
from acompte.services.exports.run_postings import RunPostings


def _rate(rate: Decimal | None, piece: str, currency: str, company_currency: str) -> Decimal:
    if rate is None:  # issued before rates were required
        raise ExchangeRateRequired(piece=piece, currency=currency, company_currency=company_currency)
    return rate


def document_rate(reader: FactReader, document: Document) -> Decimal:
    """The rate a foreign-currency document is booked at: its own, set when it was issued."""
    return _rate(document.exchange_rate, document.label, document.currency, reader.company.currency)


def document_entries(
    reader: FactReader, document: Document, entries: Sequence[JournalEntry]
) -> tuple[JournalEntry, ...]:
    """A document's entries in the company's currency (unchanged when it is in that currency): the party and the
    VAT convert exactly, revenue or expense takes the rounding cent."""
    currency = reader.company.currency
    if document.currency == currency:
        return tuple(entries)
    rate = document_rate(reader, document)
    anchors = document_anchors(reader.settings.accounts)
    converted = (convert_entry(entry, rate, currency, anchors) for entry in entries)
    return tuple(entry for entry in converted if entry is not None)


def payment_entries(
    postings: RunPostings,
    reader: FactReader,
    payment: Payment,
    fact: PaymentFact,
    entries: Sequence[JournalEntry],
) -> tuple[JournalEntry, ...]:
    """A payment's entries in the company's currency at the payment's rate, then, for each foreign invoice it
    settles, the realised exchange difference (none when the rates give the same euros). What earlier exported
    payments settled on each invoice (their `postings`) tells which share of its booked amount this one clears."""
    currency = reader.company.currency
    if payment.currency == currency:
        return tuple(entries)
    if any(a.treatment is Treatment.DEPOSIT for a in fact.allocations):
        raise ForeignCurrencyNotSupported(piece=payment.number, currency=payment.currency, company_currency=currency)
    rate = _rate(payment.exchange_rate, payment.number, payment.currency, currency)
    anchors = payment_anchors(reader.settings.accounts) | {fact.treasury_account} - {""}
    # the first entry is the treasury one; the second, if any, moves the VAT a receipt makes due from 44574 to
    # 44571: at the rate of the invoices that booked it in 44574, so that account clears in euros
    main = convert_entry(entries[0], rate, currency, anchors) if entries else None
    rest: list[JournalEntry | None] = []
    if len(entries) > 1:
        releasing = {
            document_rate(reader, reader.document(int(a.key.removeprefix("doc:"))))
            for a in fact.allocations
            if a.release
        }
        if len(releasing) != 1:  # invoices booked at several rates in one release entry
            raise ForeignCurrencyNotSupported(
                piece=payment.number, currency=payment.currency, company_currency=currency
            )
        rest = [convert_entry(entry, releasing.pop(), currency, anchors) for entry in entries[1:]]
    converted = [entry for entry in (main, *rest) if entry is not None]
    party_account = reader.settings.accounts.account("customers" if fact.flow is Flow.SALE else "suppliers")
    differences: list[JournalEntry] = []
    for allocation in fact.allocations:
        if allocation.treatment is not Treatment.RECEIVABLE:
            continue
        document = reader.document(int(allocation.key.removeprefix("doc:")))
        before = total(
            (
                posting.amount
                for posting in postings.booked_on(document.id)
                if posting.treatment == Treatment.RECEIVABLE.value and posting.payment_id != payment.id
            ),
            document.currency,
        )
        booked = booked_share(before, allocation.amount, document_rate(reader, document), currency)
        settled = total(
            (
                line.signed
                for line in (main.lines if main is not None else ())
                if line.account == party_account and line.match_key == allocation.key
            ),
            currency,
        )
        if settled.is_negative:  # a receipt credits the customer, a payment out debits the supplier
            settled = -settled
        difference = realised_difference(document.flow, booked, settled)
        if difference.is_zero:
            continue
        exchange = ExchangeDifferenceFact(
            key=f"fx:{payment.id}:{allocation.key}",
            reference=payment.number,
            difference_date=payment.payment_date,
            flow=document.flow,
            party=fact.party,
            amount=difference,
            matched_key=allocation.key,
        )
        differences.append(exchange_difference_entry(exchange, reader.settings))
    return (*converted, *differences)
