"""What the matcher reads from the ledger for one bank line: the open documents, the payments no bank line
stands for yet, the deposits asked and not received, the credits a party holds, and what the line says of its
payer. Plain values: `services/banking` reads them through `uow.bank_facts`, `scoring.py` ranks them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acompte.domain.money import Money


@dataclass(frozen=True, slots=True)
class OpenDocument:
    """A validated invoice, deposit invoice or credit note that still has money to move: `open` is its balance
    due (an invoice) or its credit left (a credit note), as the document list computes them."""

    id: int
    number: str
    supplier_reference: str
    party_id: int
    flow: str  # "sale" | "purchase"
    kind: str
    due_date: date | None
    issue_date: date
    open: Money

    @property
    def is_credit(self) -> bool:
        return self.kind in ("credit_note", "deposit_credit_note")


@dataclass(frozen=True, slots=True)
class OpenPayment:
    """A payment typed in acompte that no active bank match stands for yet."""

    id: int
    number: str
    party_id: int
    method: str
    direction: str  # "in" | "out"
    payment_date: date
    amount: Money
    reference: str = ""


@dataclass(frozen=True, slots=True)
class ExpectedDeposit:
    """A deposit asked on an order (sale or purchase) and not received yet: `amount` is what is still expected."""

    order_id: int
    number: str
    party_id: int
    flow: str
    amount: Money


@dataclass(frozen=True, slots=True)
class HeldCredit:
    """The unused part of a payment a party made (an overpayment), which a refund gives back."""

    payment_id: int
    number: str
    party_id: int
    direction: str
    payment_date: date
    left: Money


@dataclass(frozen=True, slots=True)
class LineFacts:
    """Everything the matcher may propose for one line, already narrowed by the store to what can fit it."""

    documents: tuple[OpenDocument, ...] = ()
    payments: tuple[OpenPayment, ...] = ()
    deposits: tuple[ExpectedDeposit, ...] = ()
    credits: tuple[HeldCredit, ...] = ()
    #: Parties holding the line's counterparty IBAN.
    iban_parties: frozenset[int] = frozenset()
    #: Parties whose name is the counterparty's name (normalised).
    named_parties: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Narrowing:
    """What a store keeps for one line: what has the line's amount to move, what its text names (numbers, a
    supplier's number), what the parties it recognises have open, and the card payments of the days before it.
    The store returns at least these; the matcher decides."""

    currency: str
    amount: Money
    received: bool
    numbers: tuple[tuple[str | None, int, int], ...] = ()  # (prefix or None, year, counter)
    party_ids: frozenset[int] = frozenset()
    text: str = ""
    card_days: tuple[date, date] | None = None
