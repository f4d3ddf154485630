"""How a deposit invoice is used, and what a commercial document's family already carries of its amount.

- A deposit invoice's **reversed** amount is the total of its deposit credit notes; its **deducted** amount what
  final invoices deduct from it; what it still holds for a deduction is total − reversed − deducted elsewhere.
- A commercial document (quote, order, delivery note) and everything made from it form a **family**. What the
  family **commits** of the root's amount is the total of its final invoices — those cancelled by a credit note
  left out — plus what its deposit invoices carry outside those invoices (total − reversed − deducted on them).

Pure values: the service reads the documents, deductions and cancellations, and asks these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acompte.domain.deposits import Breakdown, Deduction, combine
from acompte.domain.documents import Document, Kind, State
from acompte.domain.money import Money, total

ISSUED = frozenset({State.VALIDATED})
LIVE = frozenset({State.DRAFT, State.VALIDATED})


@dataclass(frozen=True, slots=True)
class DepositUsage:
    """A deposit invoice with its deposit credit notes and its deductions."""

    deposit: Document
    breakdown: Breakdown
    reversals: tuple[tuple[Document, Breakdown], ...] = ()
    deductions: tuple[Deduction, ...] = ()

    @property
    def currency(self) -> str:
        return self.deposit.currency

    def reversed(self, *, drafts: bool = True, exclude: int | None = None) -> Money:
        states = LIVE if drafts else ISSUED
        return total((d.gross for d, _ in self.reversals if d.id != exclude and d.state in states), self.currency)

    def deducted(self, *, states: frozenset[State] = LIVE, exclude: int | None = None) -> Money:
        return total(
            (d.amount for d in self.deductions if d.invoice_id != exclude and d.invoice_state in states),
            self.currency,
        )

    def on(self, invoice_id: int) -> Deduction | None:
        return next((d for d in self.deductions if d.invoice_id == invoice_id), None)

    def available_for_deduction(self, invoice_id: int | None = None) -> Money:
        """What `invoice_id` may deduct: total − reversed (drafts reserve) − deducted on other invoices."""
        return self.deposit.gross - self.reversed() - self.deducted(exclude=invoice_id)

    def available_for_reversal(self, credit_note_id: int | None = None) -> Money:
        return self.deposit.gross - self.reversed(exclude=credit_note_id) - self.deducted()

    def taken(self, *, invoice_id: int | None = None, credit_note_id: int | None = None) -> Breakdown:
        parts = [b for d, b in self.reversals if d.id != credit_note_id and d.state is not State.CANCELLED]
        parts += [d.breakdown for d in self.deductions if d.invoice_id != invoice_id]
        return combine(parts, self.currency)

    def carried(self, *, drafts: bool = False) -> Money:
        """What the deposit invoice carries outside any final invoice: total − reversed − deducted (issued
        invoices only, or drafts too when they reserve)."""
        states = LIVE if drafts else ISSUED
        return self.deposit.gross - self.reversed(drafts=False) - self.deducted(states=states)

    @property
    def fully_reversed(self) -> bool:
        return self.deposit.gross.is_positive and self.reversed(drafts=False) >= self.deposit.gross


@dataclass(frozen=True, slots=True)
class Family:
    """A commercial document and everything made from it (delivery notes, invoices, deposit documents).
    `cancelled` are the ids of its final invoices that credit notes cancel in full."""

    root: Document
    descendants: tuple[Document, ...]
    usages: dict[int, DepositUsage] = field(default_factory=dict)
    cancelled: frozenset[int] = frozenset()

    def finals(self, *, drafts: bool) -> list[Document]:
        states = LIVE if drafts else ISSUED
        return [
            d for d in self.descendants if d.kind is Kind.INVOICE and d.state in states and d.id not in self.cancelled
        ]

    def deposits(self, *, drafts: bool) -> list[DepositUsage]:
        states = LIVE if drafts else ISSUED
        return [u for u in self.usages.values() if u.deposit.state in states]

    def final_invoiced(self, *, drafts: bool = False, exclude: int | None = None) -> Money:
        currency = self.root.currency
        return total(
            (f.gross for f in self.finals(drafts=drafts) if f.id != exclude and f.currency == currency), currency
        )

    def deposit_invoiced(self, *, drafts: bool = False, exclude_deposit: int | None = None) -> Money:
        currency = self.root.currency
        return total(
            (
                u.carried(drafts=drafts)
                for u in self.deposits(drafts=drafts)
                if u.deposit.id != exclude_deposit and u.currency == currency
            ),
            currency,
        )

    def committed(self, *, drafts: bool, exclude_deposit: int | None = None) -> Money:
        """What other documents already carry of the root's amount. With `drafts`, draft final invoices and
        draft deposit invoices reserve their amount too."""
        return self.final_invoiced(drafts=drafts) + self.deposit_invoiced(
            drafts=drafts, exclude_deposit=exclude_deposit
        )
