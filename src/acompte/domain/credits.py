"""Credits: credit notes (avoirs) and overpayments (trop-perçus) as money the party has in hand.

A credit is either a validated credit note or the unused part of an active payment. It is *used* by settling
documents of the same party, flow and currency (allocations whose source is the credit), by a refund (an
outgoing payment for a customer, an incoming one for a supplier), or it is *written off* (credit note:
« comptabilisé », final; overpayment: a small difference under the company threshold). What remains is always
derived: gross (or payment amount) minus uses minus write-offs — never stored.

This module also builds a credit note from an issued invoice (all of it, or chosen lines and quantities) and
checks that an invoice is never credited beyond what it invoiced. Every credit note names the invoice(s) it
corrects (CGI art. 289 I-5): its origin, then `data["corrected_ids"]`; a credit note that corrects several
invoices records, when issued, the share of its gross that falls on each (`data["credit"]["shares"]`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acompte.domain.documents import (
    CREDIT_KINDS,
    Document,
    Flow,
    Kind,
    LineInput,
    State,
)
from acompte.domain.errors import (
    AboveWriteOffThreshold,
    CorrectedInvoiceMismatch,
    CreditAlreadyWrittenOff,
    CreditFullyUsed,
    CreditMismatch,
    CreditNotIssued,
    CreditWrittenOff,
    CurrencyMismatch,
    DocumentCancelled,
    InvalidLine,
    InvalidSetting,
    MissingCorrectedInvoice,
    NonPositiveAmount,
    NotACredit,
    NotCreditable,
    NothingToRefund,
    NothingToWriteOff,
    OverCredit,
    OverCreditQuantity,
    OverCreditUse,
    OverSettlement,
    PartyMismatch,
    Reason,
    RefundTooLarge,
    UnknownInvoiceLine,
)
from acompte.domain.lifecycle import Action, check
from acompte.domain.money import Money
from acompte.domain.payments import Direction

#: Kinds a credit note may correct (deposit invoices are corrected by deposit credit notes).
CREDITABLE_KINDS = frozenset({Kind.INVOICE})
#: Kinds a credit note may settle: the documents of the party account (quotes and delivery notes commit no
#: money of their own; a credit goes on the order or the invoice).
SETTLED_BY_CREDIT = frozenset({Kind.ORDER, Kind.INVOICE, Kind.DEPOSIT_INVOICE})
#: What a small shortfall may be written off on: receivables only.
WRITTEN_OFF_SHORT = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE})

#: Company setting: the largest difference that may be written off (a decimal string in company currency).
WRITE_OFF_THRESHOLD_SETTING = "write_off_threshold"
#: By default nothing may be written off: writing money off is an accounting choice the company opts into.
DEFAULT_WRITE_OFF_THRESHOLD = Decimal("0")


class CreditStatus(StrEnum):
    UNUSED = "unused"
    PARTIALLY_USED = "partially_used"
    SETTLED = "settled"
    WRITTEN_OFF = "written_off"


class SourceKind(StrEnum):
    """What a credit is: a payment's unused part, or a credit note."""

    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True, slots=True)
class CreditRef:
    kind: SourceKind
    id: int

    @classmethod
    def payment(cls, payment_id: int) -> CreditRef:
        return cls(SourceKind.PAYMENT, payment_id)

    @classmethod
    def credit_note(cls, document_id: int) -> CreditRef:
        return cls(SourceKind.CREDIT_NOTE, document_id)


class Excess(StrEnum):
    """What happens to the part of a new payment that settles nothing (trop-perçu)."""

    KEEP = "keep"  # stays on the payment as the party's credit (default)
    REFUND = "refund"  # paid back at once by an opposite payment
    WRITE_OFF = "write_off"  # a small difference, within the company threshold


@dataclass(frozen=True, slots=True)
class CreditUse:
    """How much of a credit (credit note gross or payment amount) went where; what remains is derived."""

    total: Money
    applied: Money  # allocated to documents
    refunded: Money
    written_off: Money

    @property
    def used(self) -> Money:
        return self.applied + self.refunded

    @property
    def remaining(self) -> Money:
        return self.total - self.used - self.written_off

    @property
    def status(self) -> CreditStatus:
        if self.written_off.is_positive:
            return CreditStatus.WRITTEN_OFF
        if self.used.is_zero:
            return CreditStatus.UNUSED
        if self.remaining.is_zero:
            return CreditStatus.SETTLED
        return CreditStatus.PARTIALLY_USED


def opposite(direction: Direction) -> Direction:
    """The direction of a refund: money goes back the other way."""
    return Direction.OUT if direction is Direction.IN else Direction.IN


def direction_of(flow: Flow) -> Direction:
    """The direction in which money settles documents of `flow` (sales are paid in, purchases out)."""
    return Direction.IN if flow is Flow.SALE else Direction.OUT


def write_off_threshold(settings: Mapping[str, Any], currency: str) -> Money:
    raw = settings.get(WRITE_OFF_THRESHOLD_SETTING, DEFAULT_WRITE_OFF_THRESHOLD)
    try:
        value = Money.of(str(raw), currency)
    except Exception:
        raise InvalidSetting(reason=Reason.WRITE_OFF_THRESHOLD_INVALID, value=str(raw)) from None
    if value.is_negative:
        raise InvalidSetting(reason=Reason.WRITE_OFF_THRESHOLD_NEGATIVE)
    return value


# -- checks ---------------------------------------------------------------------------------------------------


def check_is_credit(credit: Document) -> None:
    if credit.kind not in CREDIT_KINDS:
        raise NotACredit(document=credit.label)


def check_credit_usable(credit: Document, use: CreditUse) -> None:
    check_is_credit(credit)
    if credit.state is not State.VALIDATED:
        raise CreditNotIssued(credit=credit.label)
    if use.status is CreditStatus.WRITTEN_OFF:
        raise CreditWrittenOff(credit=credit.label)


def check_credit_use(credit: Document, use: CreditUse, document: Document, balance_due: Money, amount: Money) -> None:
    """Raise the specific error that forbids settling `amount` of `document` with the credit note, if any."""
    check_credit_usable(credit, use)
    if not amount.is_positive:
        raise NonPositiveAmount(amount=amount)
    if document.state is State.CANCELLED:
        raise DocumentCancelled(number=document.label)
    if document.kind not in SETTLED_BY_CREDIT:
        raise CreditMismatch(
            credit=credit.label, document=document.label, reason=Reason.CREDIT_SETTLES_ORDER_OR_INVOICE
        )
    check(document.kind, document.state, Action.ALLOCATE)
    if document.state is not State.VALIDATED:
        raise CreditMismatch(credit=credit.label, document=document.label, reason=Reason.DOCUMENT_NOT_VALIDATED)
    if document.party_id != credit.party_id:
        raise PartyMismatch(document=document.label, source=credit.label)
    if document.flow is not credit.flow:
        raise CreditMismatch(
            credit=credit.label,
            document=document.label,
            reason=Reason.CREDIT_FLOW_MISMATCH,
        )
    if document.currency != credit.currency:
        raise CurrencyMismatch(left=credit.currency, right=document.currency)
    if amount > use.remaining:
        raise OverCreditUse(requested=amount, available=use.remaining, credit=credit.label)
    if amount > balance_due:
        raise OverSettlement(requested=amount, available=balance_due, document=document.label)


def check_credit_write_off(credit: Document, use: CreditUse) -> Money:
    """A credit note is written off (« comptabilisé ») only while something is left; it is final.

    Returns the amount written off: everything that remains.
    """
    check_is_credit(credit)
    if credit.state is not State.VALIDATED:
        raise CreditNotIssued(credit=credit.label)
    if use.status is CreditStatus.WRITTEN_OFF:
        raise CreditAlreadyWrittenOff(credit=credit.label)
    if not use.remaining.is_positive:
        raise CreditFullyUsed(credit=credit.label)
    return use.remaining


def check_refund(source: str, remaining: Money, amount: Money) -> None:
    if not remaining.is_positive:
        raise NothingToRefund(source=source)
    if not amount.is_positive:
        raise NonPositiveAmount(amount=amount)
    if amount > remaining:
        raise RefundTooLarge(requested=amount, available=remaining, source=source)


def check_overpayment_write_off(source: str, remaining: Money, amount: Money, threshold: Money) -> None:
    if not remaining.is_positive:
        raise NothingToWriteOff(source=source)
    if not amount.is_positive:
        raise NonPositiveAmount(amount=amount)
    if amount > remaining:
        raise OverCreditUse(requested=amount, available=remaining, credit=source)
    if amount > threshold:
        raise AboveWriteOffThreshold(amount=amount, threshold=threshold)


def check_shortfall_write_off(document: Document, balance_due: Money, amount: Money, threshold: Money) -> None:
    """A small shortfall (the customer paid 44.98 of 45.00) may be written off on a validated invoice or deposit
    invoice, within the company threshold, and never beyond what the document still owes. Not on an order: an
    order is a commitment, not a receivable (the money on it is an advance), and a write-off left on it would not
    follow it onto its invoice — the difference is written off on the invoice."""
    if document.state is not State.VALIDATED or document.kind not in WRITTEN_OFF_SHORT:
        raise CreditMismatch(
            f"Écart de règlement impossible sur {document.label} : seule une facture validée en a.",
            credit="",
            document=document.label,
            reason=Reason.NOT_IN_ACCOUNT,
        )
    if not balance_due.is_positive:
        raise NothingToWriteOff(source=document.label)
    if not amount.is_positive:
        raise NonPositiveAmount(amount=amount)
    if amount > balance_due:
        raise OverSettlement(requested=amount, available=balance_due, document=document.label)
    if amount > threshold:
        raise AboveWriteOffThreshold(amount=amount, threshold=threshold)


# -- credit notes from an invoice -----------------------------------------------------------------------------


def check_creditable(invoice: Document) -> None:
    if invoice.kind not in CREDITABLE_KINDS or invoice.state is not State.VALIDATED:
        raise NotCreditable(document=invoice.label)


@dataclass(frozen=True, slots=True)
class CreditedLine:
    """One line of a credit note made from an invoice line: which line, how many, and the priced input."""

    origin_position: int
    line: LineInput


def credit_lines(
    invoice: Document,
    credited: Mapping[int, Decimal],
    requested: Sequence[tuple[int, Decimal]] | None,
) -> tuple[CreditedLine, ...]:
    """The lines of a credit note on `invoice`: `requested` (line position, quantity) pairs, or — when None —
    every quantity not yet credited (`credited` maps a position to the quantity already on credit notes).

    The credited line repeats the invoice line (designation, unit price, discount, VAT rate) with the quantity
    returned, so the credit note reads as the exact mirror of what it corrects.
    """
    by_position = {line.position: line for line in invoice.lines}
    if requested is None:
        requested = [
            (line.position, line.quantity - credited.get(line.position, Decimal(0)))
            for line in invoice.lines
            if line.quantity - credited.get(line.position, Decimal(0)) > 0
        ]
        if not requested:
            raise OverCredit(requested="0", available="0", invoice=invoice.label)
    wanted: dict[int, Decimal] = {}
    for position, quantity in requested:
        if position not in by_position:
            raise UnknownInvoiceLine(invoice=invoice.label, position=position)
        if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
            raise InvalidLine(reason=Reason.CREDIT_QUANTITY_POSITIVE)
        wanted[position] = wanted.get(position, Decimal(0)) + quantity
    result = []
    for position, quantity in wanted.items():
        line = by_position[position]
        available = line.quantity - credited.get(position, Decimal(0))
        if quantity > available:
            raise OverCreditQuantity(position=position, invoice=invoice.label, requested=quantity, available=available)
        result.append(
            CreditedLine(
                origin_position=position,
                line=LineInput(
                    designation=line.designation,
                    quantity=quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    discount_percent=line.discount_percent,
                    item_id=line.item_id,
                ),
            )
        )
    return tuple(sorted(result, key=lambda c: c.origin_position))


def check_credit_total(invoice: Document, already_credited: Money, new_gross: Money) -> None:
    """The credit notes on an invoice never sum to more than the invoice's gross total."""
    if not new_gross.is_positive:
        raise NonPositiveAmount(amount=new_gross)
    available = invoice.gross - already_credited
    if new_gross > available:
        raise OverCredit(requested=new_gross, available=available, invoice=invoice.label)


# -- the invoices a credit note corrects (CGI art. 289 I-5; french-rules.md §2.4) -------------------------------


def corrected_ids(origin_id: int | None, data: Mapping[str, Any]) -> tuple[int, ...]:
    """The invoices a credit note corrects, in order: its origin, then `data["corrected_ids"]` (no repeats)."""
    ids: list[int] = [] if origin_id is None else [int(origin_id)]
    for value in data.get("corrected_ids") or ():
        if int(value) not in ids:
            ids.append(int(value))
    return tuple(ids)


def check_corrected_invoices(
    invoices: Sequence[Document], *, party_id: int, flow: Flow | None = None, currency: str | None = None
) -> tuple[Flow, str]:
    """A credit note corrects at least one issued invoice, all of its party, flow and currency.

    `flow` and `currency` default to the first invoice's; returns the ones the credit note takes.
    """
    if not invoices:
        raise MissingCorrectedInvoice(reason=Reason.NO_CORRECTED_INVOICE)
    flow = flow or invoices[0].flow
    currency = currency or invoices[0].currency
    for invoice in invoices:
        check_creditable(invoice)
        if invoice.party_id != party_id:
            raise CorrectedInvoiceMismatch(invoice=invoice.label, reason=Reason.OTHER_PARTY)
        if invoice.flow is not flow:
            raise CorrectedInvoiceMismatch(
                invoice=invoice.label, reason=Reason.OTHER_FLOW, flow=invoice.flow, credit_flow=flow
            )
        if invoice.currency != currency:
            raise CorrectedInvoiceMismatch(
                invoice=invoice.label,
                reason=Reason.OTHER_CURRENCY,
                currency=invoice.currency,
                credit_currency=currency,
            )
    return flow, currency


def credit_shares(
    invoices: Sequence[Document], credited: Mapping[int, Money], gross: Money
) -> tuple[tuple[int, Money], ...]:
    """How a credit note of `gross` falls on the invoices it corrects: each in turn takes what remains to credit
    on it (its gross less `credited`, what validated credit notes already took), until the credit note is spent.

    A commercial gesture is not bounded by the lines of its invoices, only by the sum of their gross totals less
    what was already credited on them: beyond that, OverCredit.
    """
    if not gross.is_positive:
        raise NonPositiveAmount(amount=gross)
    left = gross
    shares: list[tuple[int, Money]] = []
    available = Money.zero(gross.currency)
    for invoice in invoices:
        remaining = invoice.gross - credited.get(invoice.id, Money.zero(gross.currency))
        if remaining.is_positive:
            available = available + remaining
        take = left.min(remaining) if remaining.is_positive else Money.zero(gross.currency)
        if take.is_positive:
            shares.append((invoice.id, take))
            left = left - take
    if left.is_positive:
        raise OverCredit(requested=gross, available=available, invoice=", ".join(i.label for i in invoices))
    return tuple(shares)


def share_on(invoice_id: int, gross: Money, references: Sequence[int], stored: Sequence[Sequence[Any]] | None) -> Money:
    """The part of a validated credit note's gross that falls on one of the invoices it corrects: all of it when
    it corrects one invoice, else the share recorded when it was issued."""
    if invoice_id not in references:
        return Money.zero(gross.currency)
    if len(references) == 1:
        return gross
    for recorded_id, amount in stored or ():
        if int(recorded_id) == invoice_id:
            return Money.of(str(amount), gross.currency)
    return Money.zero(gross.currency)
