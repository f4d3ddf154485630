"""Foreign currency in the books: entries of documents and payments in another currency are kept in the company's
currency (the FEC's Debit and Credit), each line remembering its amount in the document's currency (Montantdevise,
Idevise); and the realised exchange difference when a payment settles an invoice at another rate (656 / 756).

Rules (docs/accounting-exports.md, « Devises »):

- An amount converts at one rate (company-currency units for one unit of the foreign currency), half-up once
  to the company currency's minor unit.
- An entry converts line by line. The lines of the *anchor* accounts convert on their own: on an invoice the
  party (411 / 401, the receivable or debt the settlement will clear) and the VAT (the VAT declared in euros,
  BT-111 of the e-invoice); on a payment the treasury account (what the bank really credited). The rounding cent
  left by the other lines goes on the largest of them (revenue or expense on an invoice, the party on a
  payment), so the entry balances and the figures that must match elsewhere are exact.
- A payment settling part of an invoice clears, on 411 / 401, the share of the invoice's booked amount that it
  settles, taken cumulatively (`booked_share`), so that the shares of all its payments add up exactly to the
  amount the invoice was booked at. What the payment brought in the company's currency differs from that share
  by the realised exchange difference (PCG art. 420-7 and 946-65/946-66 as amended by ANC 2015-05, kept by ANC
  2022-06: 656 / 756 for trade receivables and payables).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from decimal import Decimal

from acompte.domain.accounting.chart import AccountMapping
from acompte.domain.accounting.entries import EntryLine, JournalEntry
from acompte.domain.documents import Flow
from acompte.domain.errors import ExchangeRateNotAllowed, ExchangeRateRequired, InvalidExchangeRate
from acompte.domain.money import HALF_UP, Money, round_to_currency

#: the most decimals a rate may have (docs: six are usual, e.g. 0.921530)
RATE_PLACES = 10


def parse_rate(value: Decimal | str | int) -> Decimal:
    """An exchange rate: a finite decimal > 0 with at most `RATE_PLACES` decimals, never a float."""
    if isinstance(value, float | bool):
        raise InvalidExchangeRate(rate=str(value))
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        raise InvalidExchangeRate(rate=str(value)) from None
    if not number.is_finite() or number <= 0 or -int(number.as_tuple().exponent) > RATE_PLACES:
        raise InvalidExchangeRate(rate=str(value))
    return number


def checked_rate(
    rate: Decimal | str | int | None, currency: str, company_currency: str, *, piece: str, required: bool = True
) -> Decimal | None:
    """The rate an item in `currency` carries: refused for the company's own currency
    (`exchange-rate-for-company-currency`), required otherwise when `required` (`exchange-rate-required`),
    positive and exact (`invalid-exchange-rate`)."""
    if currency == company_currency:
        if rate is not None:
            raise ExchangeRateNotAllowed(currency=currency)
        return None
    if rate is None:
        if required:
            raise ExchangeRateRequired(piece=piece, currency=currency, company_currency=company_currency)
        return None
    return parse_rate(rate)


def convert(amount: Money, rate: Decimal, currency: str) -> Money:
    """`amount` in `currency` at `rate` (units of `currency` for one unit of the amount's currency), half-up once.
    Symmetric: the conversion of −x is −(the conversion of x)."""
    if amount.currency == currency:
        return amount
    if not rate.is_finite() or rate <= 0:
        raise InvalidExchangeRate(rate=str(rate))
    return Money(round_to_currency(amount.amount * rate, currency, HALF_UP), currency)


def convert_entry(entry: JournalEntry, rate: Decimal, currency: str, anchors: Collection[str]) -> JournalEntry | None:
    """The entry in the company's `currency`, each line keeping its own amount as `foreign_amount`.

    Lines on `anchors` (account numbers) convert on their own; the cent the other lines leave unbalanced goes on
    the largest of them (the largest anchor line if all are anchors). The result balances, to the cent. A line
    that converts to nothing is left out; None when the whole entry does (a few cents at a tiny rate)."""
    if entry.currency == currency:
        return entry
    converted = [convert(line.signed, rate, currency) for line in entry.lines]
    residual = sum((m.amount for m in converted), Decimal(0))
    if residual:
        free = [i for i, line in enumerate(entry.lines) if line.account not in anchors] or list(range(len(entry.lines)))
        # the largest line takes the cent; ties go to the first, so the result never depends on dict order
        target = max(free, key=lambda i: (abs(converted[i].amount), -i))
        converted[target] = Money(converted[target].amount - residual, currency)
    zero = Money.zero(currency)
    lines: list[EntryLine] = []
    for line, amount in zip(entry.lines, converted, strict=True):
        if amount.is_zero:  # a tiny line that rounds to nothing: its foreign amount stays on no line
            continue
        lines.append(
            replace(
                line,
                debit=amount if amount.is_positive else zero,
                credit=-amount if amount.is_negative else zero,
                foreign_amount=line.signed,
            )
        )
    if not lines:
        return None
    lines.sort(key=lambda line: 0 if line.debit.is_positive else 1)
    return replace(entry, lines=tuple(lines))


_VAT_ROLES = ("output_vat", "output_vat_pending", "input_vat")


def document_anchors(accounts: AccountMapping) -> frozenset[str]:
    """The accounts an invoice's or a credit note's entry converts exactly: the party and the VAT."""
    roles = ("customers", "suppliers", *_VAT_ROLES)
    return frozenset(getattr(accounts, role) for role in roles if getattr(accounts, role))


def payment_anchors(accounts: AccountMapping) -> frozenset[str]:
    """The accounts a payment's entries convert exactly: the treasury and the VAT."""
    roles = ("bank", "cash", *_VAT_ROLES)
    return frozenset(getattr(accounts, role) for role in roles if getattr(accounts, role))


def booked_share(before: Money, amount: Money, rate: Decimal, currency: str) -> Money:
    """What settling `amount` of a foreign invoice already settled up to `before` clears of the invoice's booked
    amount: the conversion of the cumulated settlement less that of the settlement before it. The shares of any
    sequence of payments settling the whole invoice add up to the conversion of its total, exactly."""
    return convert(before + amount, rate, currency) - convert(before, rate, currency)


def realised_difference(flow: Flow, booked: Money, settled: Money) -> Money:
    """The realised exchange difference, positive for a gain (756), negative for a loss (656).

    `booked`: the share of the invoice's booked amount that the payment clears; `settled`: what the payment
    brought (sale) or cost (purchase) in the company's currency. A customer paying more euros than booked is a
    gain; paying a supplier more euros than booked is a loss."""
    return settled - booked if flow is Flow.SALE else booked - settled
