"""What the matcher proposes for a bank line, and what a user confirms. The scoring rules that fill these live
beside them in this package; the use cases that read the ledger and record payments live in services/banking."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from acompte.domain.money import Money


class CandidateKind(StrEnum):
    DOCUMENT = "document"  # one open document (invoice, credit note, purchase invoice…)
    DOCUMENTS = "documents"  # several open documents of one party whose balances add up to the line
    PAYMENT = "payment"  # a payment already typed by hand, not yet reconciled
    PAYMENTS = "payments"  # several payments (a card settlement: their sum minus the fee)
    DEPOSIT = "deposit"  # a deposit asked on an order and not yet received (document_ids: the order)
    REFUND = "refund"  # the unused part of a payment given back to its party (payment_ids: that payment)


class MatchReason(StrEnum):
    """Why a candidate is proposed. Each has its parameters in `Because.params`; words are in the catalogue."""

    STRUCTURED_REFERENCE = "structured-reference"  # reference (RF creditor reference)
    NUMBER_IN_TEXT = "number-in-text"  # number (a document or payment number found in the remittance text)
    # number, written (a word of the text that is the number of a document of the party the line recognises,
    # typed with one slip: never enough to be certain)
    NUMBER_MISTYPED = "number-mistyped"
    SUPPLIER_REFERENCE = "supplier-reference"  # reference (the supplier's own invoice number)
    KNOWN_IBAN = "known-iban"  # iban, party (an IBAN the party holds or paid from before)
    PARTY_NAME = "party-name"  # party (the counterparty's name is the party's)
    EXACT_AMOUNT = "exact-amount"  # amount
    COMBINED_AMOUNT = "combined-amount"  # amount, count (several documents of one party add up to it)
    AMOUNT_WITH_FEE = "amount-with-fee"  # amount, fee (card payments minus the bank's fee)
    DATE_WINDOW = "date-window"  # days (the line is this many days from the document's due date / payment date)
    EXPECTED_DEPOSIT = "expected-deposit"  # number (a deposit asked on this order)
    DIRECTION = "direction"  # a debit matched to money the company owes (supplier, refund, direct debit)


@dataclass(frozen=True)
class Because:
    reason: MatchReason
    params: dict[str, Any] = field(default_factory=dict)
    points: int = 0


@dataclass(frozen=True)
class Candidate:
    """One proposal for a line. `score` is 0–100; `certain` means the company may reconcile it automatically."""

    kind: CandidateKind
    party_id: int | None
    amount: Money
    score: int
    because: tuple[Because, ...]
    document_ids: tuple[int, ...] = ()
    payment_ids: tuple[int, ...] = ()
    #: What each document receives from the line, in the order of `document_ids`.
    allocations: tuple[tuple[int, Money], ...] = ()
    fee: Money | None = None
    certain: bool = False
