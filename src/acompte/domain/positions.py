"""A document's money position: what it totals, what settled it, what it still owes or holds, and its status.

One pure function, `position_of`, turns the facts of one document (`PositionFacts`: its lines' total, the
deposits it deducts, the allocations it received by source, the write-offs, the credit notes that cancel it,
what was invoiced from it, how a credit note was used) into a `Position`. Every surface — the API document, the
web pages and lists, the PDFs, Factur-X, the party account, the statement and the aged balance — reads this
value or is tested equal to it; none works a figure out on its own. The words are defined in docs/design.md
(« Position words »).

Per kind:
- **invoices and deposit invoices** (payable): net to pay = total − deducted deposits; balance due = net to pay
  − paid − credited − written off. Status unpaid / partial / paid, or cancelled when credit notes cancel it in
  full (a deposit invoice: its deposit credit notes reverse it in full).
- **quotes, orders, delivery notes** (commercial): invoiced = the final invoices made from it that are not
  cancelled + what its deposit invoices still carry outside them; left to invoice = total − invoiced. Paid =
  the deposit payments on it + what its deposit invoices received. Its balance due is what the document itself
  still carries: total − deposit payments on it − invoiced (never below zero), so an order and its invoices
  never owe the same money twice. Status invoiced / partially invoiced once final invoices exist, otherwise
  unpaid / partial / paid.
- **credit notes and deposit credit notes** (credits): never a debt — balance due and net to pay are zero;
  credit left = total − used − refunded − written off. Status unused / partially used / used / refunded /
  written off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acompte.domain.documents import CREDIT_KINDS, Kind, State, payment_status
from acompte.domain.money import Money

# re-exported: callers name the status together with the positions it describes
from acompte.domain.statuses import PositionStatus as PositionStatus

#: Kinds made before the invoice, whose money moves to the invoices made from them.
COMMERCIAL_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY})
#: What is owed and may still be settled, as the party account counts it (quotes and delivery notes are not
#: owed: an order or an invoice is); credit notes are to settle while credit is left on them.
TO_SETTLE_KINDS = frozenset({Kind.ORDER, Kind.INVOICE, Kind.DEPOSIT_INVOICE})
#: Kinds that are debts of the party: settled by payments, credits, deductions and write-offs.
PAYABLE_INVOICE_KINDS = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE})


#: The statuses a list can filter on, per family of kinds.
PAYMENT_STATUSES = (PositionStatus.UNPAID, PositionStatus.PARTIAL, PositionStatus.PAID)
INVOICING_STATUSES = (PositionStatus.PARTIALLY_INVOICED, PositionStatus.INVOICED)
CREDIT_STATUSES = (
    PositionStatus.UNUSED,
    PositionStatus.PARTIALLY_USED,
    PositionStatus.USED,
    PositionStatus.REFUNDED,
    PositionStatus.WRITTEN_OFF,
)


@dataclass(frozen=True, slots=True)
class CancelledBy:
    """A credit note that cancels a document (the last of those whose sum completes it)."""

    id: int
    number: str | None


@dataclass(frozen=True, slots=True)
class PositionFacts:
    """The facts of one document a position is computed from (amounts in the document's currency).

    - `paid`: payments allocated to it (deposit payments carried from its order included);
    - `credited`: credit notes (and deposit credit notes) allocated to it;
    - `written_off`: a small shortfall written off on it;
    - `deducted`: the deposit invoices it deducts (final invoices);
    - `cancelled_by`: the credit note that completes its cancellation, if any;
    - commercial documents: `final_invoiced` (its final invoices' totals, cancelled ones left out),
      `deposit_invoiced` (what its issued deposit invoices carry outside those invoices: total − reversed −
      deducted on issued invoices), `deposits_paid` (what its issued deposit invoices received);
    - credit notes: `used` (allocated to documents), `refunded`, `credit_written_off`.
    """

    kind: Kind
    state: State
    total: Money
    paid: Money
    credited: Money
    written_off: Money
    deducted: Money
    cancelled_by: CancelledBy | None = None
    final_invoiced: Money | None = None
    deposit_invoiced: Money | None = None
    deposits_paid: Money | None = None
    used: Money | None = None
    refunded: Money | None = None
    credit_written_off: Money | None = None

    @classmethod
    def of(cls, kind: Kind, state: State, total: Money, **amounts: Money | CancelledBy | None) -> PositionFacts:
        """Facts with every amount not given at zero (the kind's own fields included)."""
        zero = Money.zero(total.currency)
        # fields chosen by name at run time (the kind's own, the caller's): mypy cannot match each to its type
        values: dict[str, Any] = {"paid": zero, "credited": zero, "written_off": zero, "deducted": zero}
        if kind in COMMERCIAL_KINDS:
            values |= {"final_invoiced": zero, "deposit_invoiced": zero, "deposits_paid": zero}
        if kind in CREDIT_KINDS:
            values |= {"used": zero, "refunded": zero, "credit_written_off": zero}
        values |= {k: v for k, v in amounts.items() if v is not None}
        return cls(kind=kind, state=state, total=total, **values)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a document stands. `invoiced` / `left_to_invoice` exist for commercial documents only; `used`,
    `refunded` and `credit_left` for credit notes only (None elsewhere)."""

    kind: Kind
    status: PositionStatus
    total: Money
    deducted: Money
    paid: Money
    credited: Money
    written_off: Money
    net_to_pay: Money
    balance_due: Money
    cancelled_by: CancelledBy | None = None
    invoiced: Money | None = None
    left_to_invoice: Money | None = None
    used: Money | None = None
    refunded: Money | None = None
    credit_left: Money | None = None

    @property
    def currency(self) -> str:
        return self.total.currency

    @property
    def settled(self) -> Money:
        """What settled the document: deductions, payments, credits and write-offs."""
        return self.deducted + self.paid + self.credited + self.written_off

    @property
    def to_settle(self) -> bool:
        """Whether something is still to settle on the document (a bank line may settle it): a balance due, either
        way, on an order or invoice (an order whose money moved to its invoice owes nothing itself); credit left on
        a credit note (one used in full holds nothing). Drafts and cancelled documents have nothing to settle."""
        if self.status in (PositionStatus.DRAFT, PositionStatus.CANCELLED):
            return False
        if self.kind in CREDIT_KINDS:
            return self.credit_left is not None and self.credit_left.is_positive
        return self.kind in TO_SETTLE_KINDS and not self.balance_due.is_zero

    @property
    def is_open(self) -> bool:
        """Whether the document still owes something (it then belongs to the party account)."""
        return self.status is not PositionStatus.DRAFT and self.balance_due.is_positive


def _state_status(facts: PositionFacts) -> PositionStatus | None:
    if facts.state is State.DRAFT:
        return PositionStatus.DRAFT
    if facts.state is State.CANCELLED or facts.cancelled_by is not None:
        return PositionStatus.CANCELLED
    return None


def position_of(facts: PositionFacts) -> Position:
    """The position of one document from its facts (see the module docstring for the rules per kind)."""
    if facts.kind in COMMERCIAL_KINDS:
        return _commercial(facts)
    if facts.kind in CREDIT_KINDS:
        return _credit(facts)
    return _payable(facts)


def _payable(facts: PositionFacts) -> Position:
    net_to_pay = facts.total - facts.deducted
    balance = net_to_pay - facts.paid - facts.credited - facts.written_off
    settled = facts.deducted + facts.paid + facts.credited + facts.written_off
    status = _state_status(facts) or payment_status(facts.total, settled)
    return Position(
        kind=facts.kind,
        status=status,
        total=facts.total,
        deducted=facts.deducted,
        paid=facts.paid,
        credited=facts.credited,
        written_off=facts.written_off,
        net_to_pay=net_to_pay,
        balance_due=balance,
        cancelled_by=facts.cancelled_by,
    )


def _commercial(facts: PositionFacts) -> Position:
    zero = Money.zero(facts.total.currency)
    final = facts.final_invoiced or zero
    invoiced = final + (facts.deposit_invoiced or zero)
    paid = facts.paid + (facts.deposits_paid or zero)
    balance = (facts.total - facts.paid - facts.credited - facts.written_off - invoiced).max(zero)
    status = _state_status(facts)
    if status is None:
        if final.is_positive:
            status = PositionStatus.INVOICED if final >= facts.total else PositionStatus.PARTIALLY_INVOICED
        else:
            status = payment_status(facts.total, paid + facts.credited + facts.written_off)
    return Position(
        kind=facts.kind,
        status=status,
        total=facts.total,
        deducted=zero,
        paid=paid,
        credited=facts.credited,
        written_off=facts.written_off,
        net_to_pay=facts.total,
        balance_due=balance,
        cancelled_by=facts.cancelled_by,
        invoiced=invoiced,
        left_to_invoice=(facts.total - invoiced).max(zero),
    )


def _credit(facts: PositionFacts) -> Position:
    zero = Money.zero(facts.total.currency)
    used = facts.used or zero
    refunded = facts.refunded or zero
    written_off = facts.credit_written_off or zero
    left = facts.total - used - refunded - written_off
    status = _state_status(facts)
    if status is None:
        if written_off.is_positive and left.is_zero:
            status = PositionStatus.WRITTEN_OFF
        elif left == facts.total:
            status = PositionStatus.UNUSED
        elif left.is_positive:
            status = PositionStatus.PARTIALLY_USED
        elif used.is_zero and refunded.is_positive:
            status = PositionStatus.REFUNDED
        else:
            status = PositionStatus.USED
    return Position(
        kind=facts.kind,
        status=status,
        total=facts.total,
        deducted=zero,
        paid=zero,
        credited=zero,
        written_off=written_off,
        net_to_pay=zero,
        balance_due=zero,
        cancelled_by=facts.cancelled_by,
        used=used,
        refunded=refunded,
        credit_left=left,
    )
