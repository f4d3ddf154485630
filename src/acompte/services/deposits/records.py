"""What the deposit use cases return: a document's deposit position, the deposit form, the deduction view of a
final invoice, a deposit invoice as shown, and what moving money between documents did. Plain frozen records;
nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain.deposits import Breakdown, Deduction, DeductionWarning
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.services.views import DocumentView, PaymentView


@dataclass(frozen=True, slots=True)
class DepositInvoiceSummary:
    """One deposit invoice as the deposit tab and the deduction view show it. `available` is what no final
    invoice deducts yet (gross − reversed − deducted, drafts included)."""

    id: int
    number: str | None
    issue_date: date
    state: str
    party_id: int
    gross: Money
    reversed: Money
    deducted: Money
    paid: Money
    available: Money


@dataclass(frozen=True, slots=True)
class DepositPosition:
    """Where a quote, order or delivery note stands with its deposits (the « Acomptes » tab).

    `requested` is a deposit noted on the document (it generates no payment); `deposit_payments` are payments
    allocated to the document itself; `deposit_invoiced` is what its validated deposit invoices still carry
    (gross − reversed). `invoiced` and `outstanding` are defined in the module docstring. Figures in the
    company currency are given when the document is in another currency and has an exchange rate.
    """

    document: Document
    gross: Money
    requested: Money | None
    requested_percent: Decimal | None
    deposit_payments: Money
    deposit_invoices: tuple[DepositInvoiceSummary, ...]
    deposit_invoiced: Money
    deposits_paid: Money
    final_invoiced: Money
    invoiced: Money
    outstanding: Money
    available_for_deposit: Money
    net_to_pay: Money
    company_currency: str
    gross_in_company_currency: Money | None = None
    outstanding_in_company_currency: Money | None = None


@dataclass(frozen=True, slots=True)
class DepositForm:
    """What the deposit form shows: what the party owes on the document, what they paid, the default."""

    document: Document
    party_name: str
    gross: Money
    already_paid: Money
    deposit_invoiced: Money
    remaining: Money
    default_amount: Money
    default_date: date
    methods: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class DeductionRow:
    """One deposit invoice in the deduction view. `proposed` is its default deduction on this draft (setting
    « déduire à 100 % »: its share of what it holds, all of it on the last invoice), whatever is deducted now."""

    deposit: DepositInvoiceSummary
    maximum: Money
    deducted: Money
    percent: Decimal
    proposed: Money
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class DeductionView:
    """The deduction view of a final invoice: its total, the deposits available and deducted, net to pay.

    `net_to_pay` and `balance_due` are the invoice's position's (total − deducted deposits; then less what paid,
    credited or wrote off the rest).
    `vat_due` is the invoice's VAT breakdown minus the deductions' (what the net to pay carries, rate by rate).
    `warnings` name deposit invoices of another party found on the order: they are never deducted silently; on
    a draft, they also name the deposit invoices that issuing it now would leave undeducted (`deposit_not_deducted`).
    """

    invoice: Document
    gross: Money
    available: Money
    deducted: Money
    net_to_pay: Money
    balance_due: Money
    rows: tuple[DeductionRow, ...]
    breakdown: Breakdown
    deducted_breakdown: Breakdown
    vat_due: Breakdown
    automatic_mode: bool
    warnings: tuple[DeductionWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class DepositInvoiceView:
    """What a deposit invoice (or deposit credit note) shows: the order it is taken on, the order's total, the
    deposits before it and what remains after it (frozen when it is issued), how it was computed, its exact VAT
    breakdown, and where it stands (reversed, deducted, paid, still available)."""

    document: DocumentView
    origin_number: str | None
    origin_gross: Money | None
    previous: Money
    remaining: Money
    basis: str
    percent: Decimal | None
    lines: tuple[dict[str, Any], ...]
    breakdown: Breakdown
    summary: DepositInvoiceSummary | None


@dataclass(frozen=True, slots=True)
class IssuedDeposit:
    document: DocumentView
    payment: PaymentView | None = None


@dataclass(frozen=True, slots=True)
class CarriedMove:
    allocation_id: int
    payment_id: int | None
    credit_document_id: int | None
    from_document_id: int
    to_document_id: int
    amount: Money


@dataclass(frozen=True, slots=True)
class ReturnedDeposits:
    """What `return_deposits_to_origin` did: allocations sent back to their origin, amounts released to their
    payment (origin gone or full), deductions removed."""

    returned: tuple[CarriedMove, ...] = ()
    released: tuple[CarriedMove, ...] = ()
    deductions_removed: tuple[Deduction, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class LineDeposit:
    """One line of a deposit source in the per-line mode: its gross and what deposit invoices (drafts included)
    of its family already took of it — the same figure `create_deposit_invoice` checks a line against."""

    position: int
    designation: str
    gross: Money
    taken: Money

    @property
    def remaining(self) -> Money:
        return (self.gross - self.taken).max(Money.zero(self.gross.currency))
