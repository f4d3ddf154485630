"""Commercial documents and their lines as frozen records; line amounts and document totals.

A document's totals follow from its lines (vat.compute_totals). What it still owes is derived elsewhere
(allocations.py) from those totals, its allocations and its deductions — never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from acompte.domain.errors import Field as ErrorField
from acompte.domain.errors import InvalidLine, InvalidSetting, NegativeQuantity, Reason
from acompte.domain.money import HALF_UP, Money, decimal_places, round_to_currency
from acompte.domain.statuses import PositionStatus
from acompte.domain.vat import HUNDRED, Totals, VatRounding, compute_totals, normalize_rate


class Kind(StrEnum):
    QUOTE = "quote"
    ORDER = "order"
    DELIVERY = "delivery"
    INVOICE = "invoice"
    DEPOSIT_INVOICE = "deposit_invoice"
    CREDIT_NOTE = "credit_note"
    DEPOSIT_CREDIT_NOTE = "deposit_credit_note"


class Flow(StrEnum):
    SALE = "sale"
    PURCHASE = "purchase"


class State(StrEnum):
    DRAFT = "draft"
    VALIDATED = "validated"
    CANCELLED = "cancelled"


#: Payable documents take their status among unpaid / partial / paid of the one position status.
PaymentStatus = PositionStatus


#: Kinds that are invoices in the legal sense: numbered at issue and frozen for good.
INVOICE_KINDS = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE})
#: Kinds a payment settles (credit notes are credits, they are not settled by payments).
PAYABLE_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY, Kind.INVOICE, Kind.DEPOSIT_INVOICE})
#: Kinds that hold a credit in the party's favour.
CREDIT_KINDS = frozenset({Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE})

# Quantities carry up to 3 decimals, unit prices up to 4: enough for 2.125 kg at 3.333 €/kg.
QUANTITY_PLACES = 3
UNIT_PRICE_PLACES = 4


def _bounded_decimal(value: Decimal, places: int, what: ErrorField) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidLine(reason=Reason.DECIMAL_EXPECTED, field=what)
    if decimal_places(value) > places:
        raise InvalidLine(reason=Reason.TOO_MANY_PLACES, field=what, places=places)
    return value


@dataclass(frozen=True, slots=True)
class LineInput:
    """What a user types for a line; checked and priced by `price_line`."""

    designation: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    discount_percent: Decimal = Decimal(0)
    item_id: int | None = None


@dataclass(frozen=True, slots=True)
class Line:
    position: int
    designation: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    net: Money
    item_id: int | None = None


def price_line(position: int, data: LineInput, currency: str, *, allow_negative: bool = False) -> Line:
    """Check a line and compute its net: quantity × unit price × (1 − discount %), rounded half-up once."""
    designation = (data.designation or "").strip()
    if not designation:
        raise InvalidLine(reason=Reason.DESIGNATION_REQUIRED)
    quantity = _bounded_decimal(data.quantity, QUANTITY_PLACES, ErrorField.QUANTITY)
    unit_price = _bounded_decimal(data.unit_price, UNIT_PRICE_PLACES, ErrorField.UNIT_PRICE)
    discount = _bounded_decimal(data.discount_percent, 2, ErrorField.DISCOUNT)
    if quantity < 0 and not allow_negative:
        raise NegativeQuantity(kind=Kind.INVOICE)
    if unit_price < 0:
        raise InvalidLine(reason=Reason.NEGATIVE_UNIT_PRICE)
    if not (0 <= discount <= HUNDRED):
        raise InvalidLine(reason=Reason.DISCOUNT_RANGE)
    rate = normalize_rate(data.vat_rate)
    raw = quantity * unit_price * (HUNDRED - discount) / HUNDRED
    net = Money(round_to_currency(raw, currency, HALF_UP), currency)
    return Line(
        position=position,
        designation=designation,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount,
        vat_rate=rate,
        net=net,
        item_id=data.item_id,
    )


def totals_of(lines: tuple[Line, ...] | list[Line], currency: str, rounding: VatRounding) -> Totals:
    return compute_totals(((line.net, line.vat_rate) for line in lines), currency, rounding)


@dataclass(frozen=True, slots=True)
class Document:
    """A commercial document as the domain sees it. Totals are computed from lines at each change."""

    id: int
    company_id: int
    kind: Kind
    flow: Flow
    state: State
    party_id: int
    currency: str
    issue_date: date
    gross: Money
    net: Money
    number: str | None = None
    origin_id: int | None = None
    due_date: date | None = None
    version: int = 1
    lines: tuple[Line, ...] = field(default_factory=tuple)
    #: Units of company currency for one unit of `currency` (documents in a foreign currency), exact.
    exchange_rate: Decimal | None = None
    #: The supplier's own number of a purchase document (their invoice number, quoted by their payments).
    supplier_reference: str = ""

    @property
    def label(self) -> str:
        return self.number or f"brouillon n° {self.id}"


def payment_status(gross: Money, settled: Money) -> PaymentStatus:
    """unpaid: nothing settled; paid: balance due is zero; partial otherwise."""
    if settled.is_zero and gross.is_positive:
        return PaymentStatus.UNPAID
    if settled >= gross:
        return PaymentStatus.PAID
    return PaymentStatus.PARTIAL


def split_recalls(lines: tuple[Line, ...]) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    """A final invoice's lines kept as lines (renumbered) and its deposit recall lines (negative quantity)."""
    kept = tuple(replace(line, position=i) for i, line in enumerate((x for x in lines if x.quantity >= 0), start=1))
    return kept, tuple(line for line in lines if line.quantity < 0)


def line_inputs(lines: Sequence[Line]) -> list[LineInput]:
    """The lines as they were typed (what a copy of a document starts from)."""
    return [
        LineInput(
            designation=line.designation,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            discount_percent=line.discount_percent,
            item_id=line.item_id,
        )
        for line in lines
    ]


SUPPLIER_REFERENCE_LENGTH = 100


def supplier_reference(flow: Flow, text: str) -> str:
    """The supplier's own number as stored: spaces collapsed, at most 100 characters, on purchases only."""
    reference = " ".join(text.split())
    if reference and flow is not Flow.PURCHASE:
        raise InvalidSetting(reason=Reason.SUPPLIER_REFERENCE_PURCHASE_ONLY, field="supplier_reference")
    if len(reference) > SUPPLIER_REFERENCE_LENGTH:
        raise InvalidSetting(
            reason=Reason.SUPPLIER_REFERENCE_LENGTH, field="supplier_reference", maximum=SUPPLIER_REFERENCE_LENGTH
        )
    return reference
